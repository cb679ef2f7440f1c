/* SPDX-License-Identifier: MIT */
/* hog: a static payload for the limit tests (tests/integration/memory.sh, tests/vm/).
 *   hog anon MIB         touch MIB MiB of anonymous memory
 *   hog memfd MIB        write MIB MiB into a memfd (never mapped: RLIMIT_AS cannot see it)
 *   hog file PATH MIB    write MIB MiB into PATH (on a tmpfs: page cache, not address space)
 *   hog spin SECONDS     busy-loop for SECONDS of wall-clock time, then print "cpu_ratio=R":
 *                        the CPU time it got over the wall-clock time it ran
 *   hog forks N          fork N children that stay alive (they pause until the sandbox ends),
 *                        printing "forking I" before each; "can't fork: ..." when fork fails
 * Prints "hog: MODE N MiB" every 8 MiB and "hog: done" at the end; exits 1 with the errno's text
 * when an allocation or write fails (a SIGKILL from the OOM killer ends it without a word). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MIB (1L << 20)

static double secs(clockid_t id)
{
        struct timespec ts;
        clock_gettime(id, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, long mib)
{
        printf("hog: %s failed after %ld MiB: %s\n", what, mib, strerror(errno));
        return 1;
}

static int fill_fd(int fd, const char *mode, long mib)
{
        static char chunk[MIB];
        memset(chunk, 0x5a, sizeof(chunk));
        for (long i = 0; i < mib; i++) {
                if (write(fd, chunk, sizeof(chunk)) != (ssize_t)sizeof(chunk))
                        return fail("write", i);
                if (i % 8 == 7)
                        printf("hog: %s %ld MiB\n", mode, i + 1);
        }
        printf("hog: done\n");
        return 0;
}

int main(int argc, char **argv)
{
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (argc == 3 && strcmp(argv[1], "anon") == 0) {
                long mib = atol(argv[2]);
                char *p = mmap(NULL, (size_t)(mib * MIB), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED)
                        return fail("mmap", 0);
                for (long i = 0; i < mib; i++) {
                        for (long o = 0; o < MIB; o += 4096)
                                p[i * MIB + o] = 1;
                        if (i % 8 == 7)
                                printf("hog: anon %ld MiB\n", i + 1);
                }
                printf("hog: done\n");
                return 0;
        }
        if (argc == 3 && strcmp(argv[1], "memfd") == 0) {
                int fd = memfd_create("hog", 0);
                return fd < 0 ? fail("memfd_create", 0) : fill_fd(fd, "memfd", atol(argv[2]));
        }
        if (argc == 4 && strcmp(argv[1], "file") == 0) {
                int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
                return fd < 0 ? fail("open", 0) : fill_fd(fd, "file", atol(argv[3]));
        }
        if (argc == 3 && strcmp(argv[1], "spin") == 0) {
                double wall0 = secs(CLOCK_MONOTONIC), cpu0 = secs(CLOCK_PROCESS_CPUTIME_ID), end = wall0 + atof(argv[2]);
                while (secs(CLOCK_MONOTONIC) < end)
                        ;
                printf("cpu_ratio=%.3f\n", (secs(CLOCK_PROCESS_CPUTIME_ID) - cpu0) / (secs(CLOCK_MONOTONIC) - wall0));
                return 0;
        }
        if (argc == 3 && strcmp(argv[1], "forks") == 0) {
                long n = atol(argv[2]);
                for (long i = 0; i < n; i++) {
                        printf("forking %ld\n", i);
                        pid_t pid = fork();
                        if (pid < 0) {
                                fprintf(stderr, "hog: can't fork: %s\n", strerror(errno));
                                return 1;
                        }
                        if (pid == 0) {
                                pause(); /* alive until the sandbox ends: each child holds a pid */
                                _exit(0);
                        }
                }
                printf("hog: done\n");
                return 0;
        }
        fprintf(stderr, "usage: hog anon|memfd MIB | hog file PATH MIB | hog spin SECONDS | hog forks N\n");
        return 64;
}
