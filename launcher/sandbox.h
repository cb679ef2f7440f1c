/* SPDX-License-Identifier: MIT */
/* sandbox_run: the isolation sequence of DESIGN.md, parent and child side. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "cgroup.h"
#include "config.h"
#include "error.h"
#include "filter.h"
#include "protocol.h" /* enum setup_status */
#include "sandbox_plan.h"
#include "supervisor.h"

struct sandbox_payload {
        char **argv;       /* argv[0] is resolved inside the sandbox (PATH search) */
        int exec_fd;       /* >= 0: exec this fd (the embedded probe) instead of argv[0] */
        struct learn_record *record; /* learn: the recording filter replaces stage 1 (learn.h) */
        /* attest: a process of the launcher's that must not sit in the launcher's own cgroup, where
         * it would keep cgroup v2 from being used (systemd's rule: the launcher alone in it).
         * before_clone runs once the launcher has moved into its leaf and its signals are blocked,
         * just before the sandbox is cloned (it may still edit argv); after_run once the sandbox is
         * gone, before the cgroups are removed.  Neither can fail the run. */
        void (*before_clone)(void *arg);
        void (*after_run)(void *arg);
        void *hook_arg;
};

struct sandbox_result {
        bool established;          /* the payload was exec'd */
        enum setup_status setup;   /* when !established */
        bool reported;             /* init reported the payload's status */
        bool exited;               /* else killed by a signal */
        int exit_code;
        int signal;
        bool timed_out;
        bool stop_requested;       /* a TERM/INT was forwarded (or stopped the setup) */
        uint64_t early_signals;    /* other signals that came during setup: forwarded once it runs */
        bool stop_killed;          /* ... and the sandbox was killed after the grace period or a second one */
        bool oom_killed;           /* the memory cgroup OOM-killed something */
        struct cgroup_plan cg;     /* which mechanism enforced each limit */
        struct supervisor sup;     /* the exec log */
        unsigned long long stdio_ino[3]; /* the inodes of the pipes the payload got as 0/1/2 */
        char *captured;            /* payload stdout, when capture was asked (NUL-terminated) */
        size_t captured_len;
};

#define CAPTURE_MAX (4u << 20)

int sandbox_run(const struct sandbox_config *c, const struct filter_set *fs,
                const struct sandbox_payload *p, bool capture_stdout,
                struct sandbox_result *ret, struct dbx_error *err);

struct sandbox_step {
        const char *name;
        const char *why;
};

/* What a step of the plan is called and what it denies (for `denybox explain` and the bundle). */
const struct sandbox_step *sandbox_step_info(enum sandbox_step_id s);

void sandbox_result_free(struct sandbox_result *r);
