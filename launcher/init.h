/* SPDX-License-Identifier: MIT */
/* The sandbox's pid 1 after the payload is forked: it never execs, is not dumpable, holds no fd
 * but the sync socket, runs under its own small fixed seccomp filter (the profile is loaded in the
 * payload only, so no profile can take wait4/rt_sigtimedwait/rt_sigprocmask from init), reaps
 * every zombie, forwards the signals below to the payload, and reports the payload's exit status
 * or signal to the launcher before it exits (which ends the pid namespace). */
#pragma once

#include <linux/filter.h>
#include <signal.h>
#include <stddef.h>
#include <stdbool.h>
#include <sys/types.h>

#define INIT_FORWARDED_SIGNALS {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}

/* The signals init forwards, plus SIGCHLD, as a set (blocked in init; the payload unblocks them). */
void init_signal_set(sigset_t *set);

/* Close every fd but keep (the sync socket): init holds nothing of the host's. */
int init_close_fds(int keep);

/* no_new_privs, then init's own filter: the syscalls init_loop makes, everything else EPERM
 * (non-native ABIs killed).  Stacked on stage 1, which still notifies any exec. */
int init_filter_load(void);

/* init's filter itself (for init_filter_load and the tests): its length (0 on an architecture
 * without one), and the syscall numbers it allows. */
#define INIT_FILTER_MAX 128
unsigned short init_filter_build(struct sock_filter f[INIT_FILTER_MAX]);
size_t init_filter_allowed(const int **nums);

__attribute__((noreturn)) void init_loop(pid_t payload, int sync);
