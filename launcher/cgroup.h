/* SPDX-License-Identifier: MIT */
/* Resource limits: cgroup v2 inside denybox's own cgroup (never beside it: systemd's delegation
 * contract) where that is usable or systemd can make it a delegated scope, else the cgroup v1
 * controller, else an rlimit (RLIMIT_AS: address space only), else not enforced (and said so).
 * Parent side: create the cgroups before the clone, move the child in before it acts, remove
 * them afterwards.  Child side: the rlimits. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "config.h"
#include "error.h"

enum limit_mech {
        MECH_UNSET,        /* the limit was not asked for */
        MECH_CGROUP2,
        MECH_CGROUP1,
        MECH_RLIMIT,
        MECH_UNENFORCED,   /* nothing here can enforce it: warned about */
};

enum limit_kind { LIMIT_PIDS, LIMIT_MEMORY, LIMIT_SWAP, LIMIT_CPUS, _LIMIT_MAX };

struct cgroup_plan {
        enum limit_mech mech[_LIMIT_MAX];
        char v2_dir[PATH_MAX];        /* the sandbox's v2 cgroup, or "" */
        char v2_own[PATH_MAX];        /* v2: denybox's own cgroup, where v2_dir and v2_leaf are made */
        char v2_leaf[PATH_MAX];       /* v2: the leaf denybox moved itself into, or "" (own is the root) */
        char v2_enabled[64];          /* v2: " -pids -memory" the controllers it enabled on v2_own, to undo */
        int v2_fd;                    /* O_DIRECTORY fd of it, for CLONE_INTO_CGROUP; -1 */
        char v1_dir[3][PATH_MAX];     /* pids, memory, cpu v1 cgroups, or "" */
};

const char *limit_kind_name(enum limit_kind k);
const char *limit_mech_name(enum limit_mech m);
/* limit_mech_name, except that RLIMIT_AS standing in for --memory says it holds address space only. */
const char *limit_mech_label(enum limit_kind k, enum limit_mech m);
/* "; for a delegated cgroup run it as `systemd-run --user --scope ...`" unprivileged on a systemd
 * host, else "": appended to the warnings about limits no cgroup holds. */
const char *cgroup_hint(void);

/* Where limits are asked for, cgroup v2 is there but denybox's own cgroup is not usable (not
 * writable, or not denybox's alone) and systemd can delegate one: re-exec argv as
 * `systemd-run [--user] --scope -p Delegate=yes -- denybox ...`.  Returns if it does not. */
void cgroup_enter_scope(const struct limits *l, char **argv);

/* Decide each limit's mechanism; unless dry_run, create the cgroups and write the limits. */
int cgroup_prepare(const struct limits *l, bool dry_run, struct cgroup_plan *p, struct dbx_error *err);

/* Move pid into every v1 cgroup of the plan, and into the v2 one unless clone3 already put it
 * there (CLONE_INTO_CGROUP). */
int cgroup_attach(const struct cgroup_plan *p, pid_t pid, bool in_v2_already, struct dbx_error *err);

/* Child: the rlimits the plan assigned to MECH_RLIMIT. */
int cgroup_apply_rlimits(const struct limits *l, const struct cgroup_plan *p, struct dbx_error *err);

/* After the run: did the memory controller OOM-kill something? */
bool cgroup_oom_killed(const struct cgroup_plan *p);

/* Remove the cgroups (retrying while the dying processes leave them). */
void cgroup_remove(struct cgroup_plan *p);
