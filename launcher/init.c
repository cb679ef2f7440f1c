/* SPDX-License-Identifier: MIT */
#include "init.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void init_signal_set(sigset_t *set)
{
        static const int sigs[] = INIT_FORWARDED_SIGNALS;
        sigemptyset(set);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                sigaddset(set, sigs[i]);
        sigaddset(set, SIGCHLD);
}

static void report(int sync, int status)
{
        unsigned char m[4] = {MSG_EXIT, 0, 0, 0};
        if (WIFEXITED(status)) {
                m[1] = 1;
                m[2] = (unsigned char)WEXITSTATUS(status);
        } else {
                m[3] = (unsigned char)WTERMSIG(status);
        }
        /* write(): the profile may deny sendmsg/sendto */
        if (write(sync, m, sizeof(m)) < 0) {
                /* the launcher is gone; the pid namespace dies with us anyway */
        }
}

void init_loop(pid_t payload, int sync, bool undumpable)
{
        sigset_t set;

        /* Nobody may read or trace pid 1's memory: it holds the launcher's socket. */
        /* (--weaken init sets it dumpable on purpose: the credential change had cleared it) */
        prctl(PR_SET_DUMPABLE, undumpable ? 0 : 1, 0, 0, 0);
        init_signal_set(&set);
        sigprocmask(SIG_BLOCK, &set, NULL); /* already blocked by the caller before the fork */

        for (int sig = SIGCHLD;; sig = 0) { /* reap first: the payload may be gone already */
                siginfo_t si;
                if (sig == 0 && (sig = sigwaitinfo(&set, &si)) < 0)
                        continue; /* EINTR */
                if (sig != SIGCHLD) {
                        kill(payload, sig);
                        continue;
                }
                /* Reap every zombie: the payload's orphans are re-parented to us. */
                for (;;) {
                        int status;
                        pid_t p = waitpid(-1, &status, WNOHANG);
                        if (p <= 0)
                                break;
                        if (p == payload) {
                                report(sync, status);
                                _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
                        }
                }
        }
}
