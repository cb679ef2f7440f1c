/* SPDX-License-Identifier: MIT */
/* The exec-once supervisor (parent side of seccomp stage 1).
 * The first execve/execveat notification from the sandbox's init is denybox's own final exec: it
 * is let through (SECCOMP_USER_NOTIF_FLAG_CONTINUE).  Every later one gets what the profile says
 * for execve/execveat.  The decision never depends on the syscall's arguments; the path is read
 * from /proc/PID/mem for the audit log only, so there is no TOCTOU.  If the supervisor dies, the
 * kernel fails every notifying syscall (ENOSYS): fail-closed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "filter.h"

#define EXEC_LOG_MAX 64
#define EXEC_LOG_TAIL 16   /* when full: log[0..MAX-TAIL) are the first attempts, the rest the latest */

struct exec_attempt {
        pid_t pid;            /* as seen from the host */
        char syscall[16];     /* "execve" / "execveat" */
        char path[256];       /* for the log only */
        bool allowed;
        bool own_exec;        /* denybox's own final exec */
        int err;              /* errno answered when denied */
};

struct learn_record; /* learn.h */

struct supervisor {
        int listener;
        struct learn_record *rec; /* learn: every syscall is notified; record and continue it */
        pid_t init_pid;
        struct exec_policy policy;
        bool own_exec_done;
        char own_path[256];   /* what denybox's own exec runs, as the child resolved it */
        struct exec_attempt log[EXEC_LOG_MAX];
        size_t n_log;
        size_t n_dropped;     /* attempts not logged (between the first and the latest), counted only */
};

/* Receive and answer one notification.  Returns 0, or a negative errno on a listener failure. */
int supervisor_handle(struct supervisor *s);
