/* SPDX-License-Identifier: MIT */
/* A static C workload for tests/integration/learn.sh: deterministic output that depends on every
 * call it makes (a denied call shows up as a different line or status).  MODE "unix" makes an
 * AF_UNIX socket (learned with --args), MODE "inet" then tries an AF_INET socket. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        const char *mode = argc > 1 ? argv[1] : "plain";
        char buf[64] = "";

        int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, 6) : -1;
        printf("open+read: %s\n", n == 6 ? "ok" : strerror(errno));
        printf("close: %s\n", fd >= 0 && close(fd) == 0 ? "ok" : strerror(errno));
        struct stat st;
        printf("stat /tmp: %s\n", stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode) ? "dir" : strerror(errno));
        pid_t child = fork();
        if (child == 0)
                _exit(3);
        int status = -1;
        if (child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status))
                printf("fork+wait: child status %d\n", WEXITSTATUS(status));
        else
                printf("fork+wait: %s\n", strerror(errno));
        if (strcmp(mode, "unix") == 0 || strcmp(mode, "inet") == 0) {
                int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                printf("socket(AF_UNIX): %s\n", s >= 0 ? "ok" : strerror(errno));
        }
        if (strcmp(mode, "inet") == 0) {
                int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                printf("socket(AF_INET): %s\n", s >= 0 ? "created" : strerror(errno));
        }
        fflush(stdout);
        return 0;
}
