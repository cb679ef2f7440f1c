/* SPDX-License-Identifier: MIT */
#include "init.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protocol.h"

void init_signal_set(sigset_t *set)
{
        static const int sigs[] = INIT_FORWARDED_SIGNALS;
        sigemptyset(set);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                sigaddset(set, sigs[i]);
        sigaddset(set, SIGCHLD);
}

int init_close_fds(int keep)
{
        if (keep > 0 && syscall(SYS_close_range, 0U, (unsigned)keep - 1, 0U) < 0)
                return -1;
        return (int)syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U);
}

#if defined(__x86_64__)
#define INIT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define INIT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

int init_filter_load(void)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -1;
#ifdef INIT_AUDIT_ARCH
#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
        struct sock_filter f[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, INIT_AUDIT_ARCH, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#ifdef __x86_64__
                BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* x32 */, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
#endif
                /* what init_loop calls */
                ALLOW(SYS_rt_sigtimedwait), ALLOW(SYS_rt_sigprocmask), ALLOW(SYS_rt_sigreturn),
                ALLOW(SYS_wait4), ALLOW(SYS_waitid), ALLOW(SYS_kill), ALLOW(SYS_write),
                ALLOW(SYS_exit), ALLOW(SYS_exit_group), ALLOW(SYS_restart_syscall),
                /* what a C runtime may call around them (memory, its own thread and signal
                 * bookkeeping; the sanitizer builds' interceptors): nothing that reaches out */
                ALLOW(SYS_mmap), ALLOW(SYS_munmap), ALLOW(SYS_mprotect), ALLOW(SYS_mremap), ALLOW(SYS_madvise),
                ALLOW(SYS_brk), ALLOW(SYS_futex), ALLOW(SYS_gettid), ALLOW(SYS_getpid), ALLOW(SYS_sigaltstack),
                ALLOW(SYS_rt_sigaction), ALLOW(SYS_sched_yield), ALLOW(SYS_clock_gettime),
                ALLOW(SYS_clock_nanosleep), ALLOW(SYS_nanosleep),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        };
#undef ALLOW
        struct sock_fprog prog = {.len = (unsigned short)(sizeof(f) / sizeof(f[0])), .filter = f};
        return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
#else
        return 0;
#endif
}

/* The payload's status to the launcher ('X', protocol.h).  write(): init's filter allows no
 * sendmsg; if the launcher is gone, the pid namespace dies with us anyway. */
static void report(int sync, int status)
{
        struct proto_msg m = proto_exit(status);
        proto_write(sync, &m);
}

void init_loop(pid_t payload, int sync)
{
        sigset_t set;

        init_signal_set(&set);
        sigprocmask(SIG_BLOCK, &set, NULL); /* already blocked by the caller before the fork */

        for (int sig = SIGCHLD;; sig = 0) { /* reap first: the payload may be gone already */
                siginfo_t si;
                if (sig == 0 && (sig = sigwaitinfo(&set, &si)) < 0) {
                        if (errno == EINTR)
                                continue;
                        /* cannot wait: never spin; ending pid 1 ends the whole sandbox */
                        _exit(128 + SIGKILL);
                }
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
