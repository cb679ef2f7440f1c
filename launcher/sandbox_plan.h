/* SPDX-License-Identifier: MIT */
/* The plan of the isolation sequence, as data: the namespaces of the clone, the steps the
 * sandbox's pid 1 runs in order, the mount table of the new root, and the few settings the steps
 * read.  sandbox_plan_build() makes it from the configuration (no system call);
 * sandbox_plan_weaken() is the one place the test-only negative controls (--weaken) edit it;
 * sandbox.c executes it and `denybox explain` prints it, so both read the same data. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"

/* The steps of the child, in the order they run (sandbox.c has what each one does and why).
 * Those after STEP_FORK_PAYLOAD run in the payload process (pid 2) only.  Adding a step: a value
 * here, where it runs, and its row in sandbox.c's step table; a negative control that leaves it
 * out: its layer in config.h/cli.c and a row of `dropped` in sandbox_plan_weaken(). */
enum sandbox_step_id {
        STEP_SET_PARENT_DEATH_SIGNAL,
        STEP_WAIT_FOR_MAPS,
        STEP_ENTER_CGROUP_NAMESPACE,
        STEP_BUILD_NEW_ROOT,
        STEP_MASK_PROC,
        STEP_SET_HOSTNAME,
        STEP_NEW_SESSION,
        STEP_CONNECT_STDIO,
        STEP_CLOSE_OTHER_FDS,
        STEP_SCRUB_ENVIRONMENT,
        STEP_SET_RLIMITS,
        STEP_DROP_PRIVILEGES,
        STEP_SET_NOT_DUMPABLE,
        STEP_SET_PARENT_DEATH_SIGNAL_AGAIN,
        STEP_ENTER_WORKDIR,
        STEP_RESOLVE_PAYLOAD,
        STEP_SET_NO_NEW_PRIVS,
        STEP_APPLY_LANDLOCK,
        STEP_LOAD_EXEC_NOTIFY,
        STEP_FORK_PAYLOAD,
        STEP_RESET_SIGNALS,
        STEP_LOAD_PROFILE,
        _STEP_SEQUENCE_END,
        /* steps only a negative control puts in the plan */
        STEP_KEEP_CAPABILITIES = _STEP_SEQUENCE_END, /* in place of drop_privileges (--weaken caps) */
        _STEP_MAX,
};

enum mount_kind {
        MOUNT_ROOT_BIND,  /* --rootfs: the captured clone of the host tree */
        MOUNT_ROOT_TMPFS, /* the embedded root: a fresh tmpfs with the distroless skeleton */
        MOUNT_PROC,       /* a fresh procfs of the new pid namespace (checked: fstatfs) */
        MOUNT_DEV,        /* a read-only tmpfs with the host's safe nodes bound in */
        MOUNT_TMPFS,      /* a fresh tmpfs (tmpfs_* below) */
        MOUNT_VOLUME,     /* -v: the captured clone of volumes[volume] */
        MOUNT_HOST_BIND,  /* a host tree itself (source); only negative controls plan one */
};

struct sandbox_mount {
        enum mount_kind kind;
        const char *target;       /* absolute, inside the new root */
        const char *source;       /* host path: --rootfs, the volume's source, the host tree */
        uint64_t attr;            /* MOUNT_ATTR_*: recursive for the binds */
        size_t volume;            /* MOUNT_VOLUME: index into the configuration's volumes */
        /* MOUNT_TMPFS, MOUNT_ROOT_TMPFS */
        unsigned mode;
        uint64_t size;            /* bytes (0 on a read-only tmpfs: it holds nothing) */
        uint64_t nr_inodes;       /* 0: the kernel's default (half of RAM in pages) */
        bool owned;               /* owned by the sandbox uid/gid */
};

enum stage1_kind {
        STAGE1_FULL,      /* exec -> notify, and the always-on argument guards */
        STAGE1_EXEC_ONLY, /* exec -> notify only (--weaken seccomp) */
};

enum stdio_mode {
        STDIO_RELAY,   /* 0/1/2 are denybox's pipes, relayed by the launcher */
        STDIO_INHERIT, /* the caller's own 0/1/2 (--weaken stdio; attest's capture stays) */
};

enum env_mode {
        ENV_SCRUBBED,  /* HOME, HOSTNAME, LANG, PATH, and -e / --env-file */
        ENV_INHERIT,   /* the caller's whole environment first (--weaken env) */
};

#define PLAN_STEPS_MAX 32
#define PLAN_INIT_STEPS_MAX 4
#define PLAN_MOUNTS_MAX (8 + MAX_VOLUMES)

struct sandbox_plan {
        uint64_t namespaces;                       /* CLONE_NEW* of the clone (cgroup: a step) */
        enum sandbox_step_id steps[PLAN_STEPS_MAX];      /* pid 1's, in order */
        size_t n_steps;
        enum sandbox_step_id init_steps[PLAN_INIT_STEPS_MAX]; /* init's, after fork_payload, before its filter */
        size_t n_init_steps;
        struct sandbox_mount mounts[PLAN_MOUNTS_MAX]; /* in order; [0] is the root, volumes parents first */
        size_t n_mounts;
        struct limits limits;                      /* what the cgroups and rlimits enforce */
        uid_t uid;                                 /* the sandbox user the payload runs as */
        gid_t gid;
        uid_t root_host_id;                        /* as root: the host id inside 0 maps to */
        enum stage1_kind stage1;
        bool exec_once;                            /* the supervisor lets only denybox's own exec through */
        bool dumpable;                             /* PR_SET_DUMPABLE of init and the payload */
        enum stdio_mode stdio;
        enum env_mode env;

        /* reporting only (explain, the bundle): what sandbox_plan_weaken changed, and for which layer */
        unsigned weakened;                         /* bit set of enum weaken_layer */
        int step_weakened_by[_STEP_MAX];           /* the layer that removed or changed a step, or -1 */
        int mounts_weakened_by;                    /* the last layer that edited the mount table, or -1 */
};

/* The plan of a run from its configuration, unweakened. */
void sandbox_plan_build(const struct sandbox_config *c, struct sandbox_plan *ret);

/* The negative controls: rewrites the plan for the bit set of enum weaken_layer.  The only
 * place --weaken touches the isolation sequence. */
void sandbox_plan_weaken(struct sandbox_plan *p, unsigned weaken);

/* sandbox_plan_build, then sandbox_plan_weaken with the configuration's --weaken set: the plan
 * that runs. */
void sandbox_plan_make(const struct sandbox_config *c, struct sandbox_plan *ret);

bool sandbox_plan_has_step(const struct sandbox_plan *p, enum sandbox_step_id s);

/* The mount at target, or NULL. */
const struct sandbox_mount *sandbox_plan_mount_at(const struct sandbox_plan *p, const char *target);
