/* SPDX-License-Identifier: MIT */
#include "init.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
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

#ifdef INIT_AUDIT_ARCH
/* What init_loop calls, and what a C runtime may call around it (memory, its own thread and
 * signal bookkeeping; the sanitizer builds' interceptors): nothing that reaches out. */
static const int init_allowed[] = {
        SYS_rt_sigtimedwait, SYS_rt_sigprocmask, SYS_rt_sigreturn, SYS_wait4, SYS_waitid, SYS_kill, SYS_write,
        SYS_exit, SYS_exit_group, SYS_restart_syscall,
        SYS_mmap, SYS_munmap, SYS_mprotect, SYS_mremap, SYS_madvise, SYS_brk, SYS_futex, SYS_gettid, SYS_getpid,
        SYS_sigaltstack, SYS_rt_sigaction, SYS_sched_yield, SYS_clock_gettime, SYS_clock_nanosleep, SYS_nanosleep,
};

#define TO_ALLOW 255 /* a JEQ's jt before it is pointed at the final ALLOW */
_Static_assert(3 * ELEMENTSOF(init_allowed) + 8 < INIT_FILTER_MAX, "init's filter outgrows its jumps");

struct init_filter {
        struct sock_filter *f;
        unsigned short n;
};

static void put(struct init_filter *p, struct sock_filter ins)
{
        p->f[p->n++] = ins;
}

/* A balanced search over the sorted numbers nums[lo, hi): a JGE on the middle one halves the range
 * until at most four remain, compared one by one (a match jumps to the ALLOW, the last miss
 * returns EPERM).  The kernel runs the program once per syscall number when it is loaded (its
 * action cache): a few comparisons deep instead of 25 cut that pass by about half (measured). */
static void put_search(struct init_filter *p, const int *nums, size_t lo, size_t hi)
{
        if (hi - lo <= 4) {
                for (size_t i = lo; i < hi; i++)
                        put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nums[i], TO_ALLOW, 0));
                put(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
                return;
        }
        size_t mid = lo + (hi - lo) / 2, split = p->n;
        put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (unsigned)nums[mid], 0, 0));
        put_search(p, nums, lo, mid);
        p->f[split].jt = (unsigned char)(p->n - split - 1);
        put_search(p, nums, mid, hi);
}

static int cmp_int(const void *a, const void *b)
{
        return *(const int *)a - *(const int *)b;
}

unsigned short init_filter_build(struct sock_filter f[INIT_FILTER_MAX])
{
        struct init_filter prog = {.f = f}, *p = &prog;
        int nums[ELEMENTSOF(init_allowed)];
        memcpy(nums, init_allowed, sizeof(nums));
        qsort(nums, ELEMENTSOF(nums), sizeof(nums[0]), cmp_int);

        put(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
        put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, INIT_AUDIT_ARCH, 1, 0));
        put(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
        put(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
#ifdef __x86_64__
        put(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000 /* x32 */, 0, 1));
        put(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
#endif
        put_search(p, nums, 0, ELEMENTSOF(nums));
        unsigned short allow = p->n;
        put(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
        for (unsigned short i = 0; i < allow; i++)
                if (p->f[i].code == (BPF_JMP | BPF_JEQ | BPF_K) && p->f[i].jt == TO_ALLOW)
                        p->f[i].jt = (unsigned char)(allow - i - 1);
        return p->n;
}

size_t init_filter_allowed(const int **nums)
{
        *nums = init_allowed;
        return ELEMENTSOF(init_allowed);
}
#else
unsigned short init_filter_build(struct sock_filter f[INIT_FILTER_MAX])
{
        (void)f;
        return 0;
}

size_t init_filter_allowed(const int **nums)
{
        *nums = NULL;
        return 0;
}
#endif

int init_filter_load(void)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -1;
        struct sock_filter f[INIT_FILTER_MAX];
        struct sock_fprog prog = {.len = init_filter_build(f), .filter = f};
        if (prog.len == 0) /* an architecture without init's filter */
                return 0;
        return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
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
