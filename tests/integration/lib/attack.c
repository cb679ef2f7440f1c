/* SPDX-License-Identifier: MIT */
/* The attacks of issue 10 / issue 9 item 6, performed from inside the sandbox by the integration
 * tests (lifecycle.sh, stdio.sh).  Built static by the test into the busybox rootfs.
 *   attack tty sti|setd setsid + TIOCSCTTY, then TIOCSTI "echo INJECTED\n" or TIOCSETD(N_NULL) on fd 0
 *   attack reopen       open /proc/self/fd/0 for writing, write, fchmod 0666
 *   attack execloop N   N threads looping execve("/bin/true") forever
 *   attack pause        waits forever (default dispositions)
 *   attack ignoreterm   SIGTERM ignored, prints "ready", waits forever
 *   attack killstorm    children whose threads exec while the parent SIGKILLs them, then one
 *                       final execve("/final-exec-marker"): prints its errno
 *   attack spew N       N bytes 'o' to stdout, then N bytes 'e' to stderr, then _exit(0) at once
 *                       (nothing flushed late: what is still in the pipes is the relay's to drain) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void *exec_forever(void *arg)
{
        char *const argv[] = {(char *)arg, NULL};
        for (;;)
                execve((char *)arg, argv, NULL);
        return NULL;
}

static int tty(const char *what)
{
        int ldisc = 27; /* N_NULL: built in, loads no module */
        const char *s = "echo INJECTED\n";
        int e_sid = setsid() < 0 ? errno : 0;
        int e_ctty = ioctl(0, TIOCSCTTY, 0) < 0 ? errno : 0;
        int e_sti = -1, e_setd = -1;
        if (strcmp(what, "sti") == 0)
                for (const char *c = s; *c && e_sti <= 0; c++)
                        e_sti = ioctl(0, TIOCSTI, c) < 0 ? errno : 0;
        else
                e_setd = ioctl(0, TIOCSETD, &ldisc) < 0 ? errno : 0;
        printf("setsid=%d tiocsctty=%d tiocsti=%d tiocsetd=%d\n", e_sid, e_ctty, e_sti, e_setd);
        return 0;
}

static int reopen(void)
{
        int fd = open("/proc/self/fd/0", O_WRONLY | O_APPEND);
        if (fd < 0) {
                printf("reopen=%d\n", errno);
                return 0;
        }
        int e_w = write(fd, "PAYLOAD WAS HERE\n", 17) < 0 ? errno : 0;
        int e_chmod = fchmod(fd, 0666) < 0 ? errno : 0;
        printf("reopen=0 write=%d fchmod=%d\n", e_w, e_chmod);
        return 0;
}

static int execloop(int n)
{
        pthread_t t;
        for (int i = 0; i < n; i++)
                pthread_create(&t, NULL, exec_forever, (void *)"/bin/true");
        for (;;)
                pause();
}

static int killstorm(void)
{
        srand((unsigned)getpid());
        for (int round = 0; round < 40; round++) {
                pid_t kids[4];
                for (int k = 0; k < 4; k++) {
                        kids[k] = fork();
                        if (kids[k] == 0) {
                                pthread_t t;
                                for (int i = 0; i < 8; i++)
                                        pthread_create(&t, NULL, exec_forever, (void *)"/bin/true");
                                exec_forever((void *)"/bin/true");
                        }
                }
                struct timespec d = {0, (rand() % 2000) * 1000L};
                nanosleep(&d, NULL);
                for (int k = 0; k < 4; k++)
                        if (kids[k] > 0)
                                kill(kids[k], SIGKILL);
                for (int k = 0; k < 4; k++)
                        if (kids[k] > 0)
                                waitpid(kids[k], NULL, 0);
        }
        char *const argv[] = {(char *)"/final-exec-marker", NULL};
        execve(argv[0], argv, NULL);
        printf("final execve errno=%d\n", errno);
        fflush(stdout);
        return 0;
}

static int spew(long n)
{
        static char buf[65536];
        for (int fd = 1; fd <= 2; fd++) {
                memset(buf, fd == 1 ? 'o' : 'e', sizeof(buf));
                for (long left = n; left > 0;) {
                        ssize_t w = write(fd, buf, left < (long)sizeof(buf) ? (size_t)left : sizeof(buf));
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w <= 0)
                                _exit(1);
                        left -= w;
                }
        }
        _exit(0);
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IONBF, 0);
        if (argc >= 3 && strcmp(argv[1], "tty") == 0)
                return tty(argv[2]);
        if (argc >= 2 && strcmp(argv[1], "reopen") == 0)
                return reopen();
        if (argc >= 3 && strcmp(argv[1], "execloop") == 0)
                return execloop(atoi(argv[2]));
        if (argc >= 2 && strcmp(argv[1], "pause") == 0)
                for (;;)
                        pause();
        if (argc >= 2 && strcmp(argv[1], "ignoreterm") == 0) {
                signal(SIGTERM, SIG_IGN);
                printf("ready\n");
                for (;;)
                        pause();
        }
        if (argc >= 2 && strcmp(argv[1], "killstorm") == 0)
                return killstorm();
        if (argc >= 3 && strcmp(argv[1], "spew") == 0)
                return spew(atol(argv[2]));
        fprintf(stderr, "usage: attack tty sti|setd|reopen|execloop N|pause|ignoreterm|killstorm|spew N\n");
        return 64;
}
