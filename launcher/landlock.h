/* SPDX-License-Identifier: MIT */
/* Landlock: a second, independent layer under the mounts, the network namespace and exec-once
 * (issue 17).  One ruleset, at the best ABI the kernel offers; what an older ABI cannot hold is
 * said, never silently assumed.  No Landlock at all is a single-layer sandbox, not a failure. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

/* The newest ABI whose rights denybox knows (a newer kernel is used at this ABI). */
#define LANDLOCK_ABI_KNOWN 7

/* One group of rights: the ABI that brings it, and what it holds in denybox's ruleset. */
struct landlock_right {
        const char *name;      /* "fs.execute", "net.connect_tcp", "scope.signal", ... */
        int abi;               /* the first ABI that has it */
        uint64_t fs, net, scoped; /* the handled bits it adds */
        const char *holds;     /* what denybox's ruleset does with it */
};

extern const struct landlock_right landlock_rights[];
extern const size_t landlock_rights_len;

/* What one ruleset handles, decided from the ABI alone (no system call: explain, the bundle and
 * the unit tests use it as the sandbox does). */
struct landlock_plan {
        int abi;                /* the ABI in use: 0 when the kernel has no Landlock */
        uint64_t fs, net, scoped;
        bool exec_restricted;   /* false when the profile lets the payload exec (subprocesses) */
};

/* The kernel's Landlock ABI, 0 when it has none (ENOSYS: not built; EOPNOTSUPP: not enabled at boot). */
int landlock_abi(void);
/* landlock_create_ruleset(NULL, 0, VERSION)'s result and errno as an ABI: 0 on ENOSYS/EOPNOTSUPP,
 * -errno on any other error (pure: unit tested). */
int landlock_abi_from_result(long ret, int e);

void landlock_plan_for(int abi, bool exec_restricted, struct landlock_plan *ret);

/* "enforced", "unavailable (ABI N)", "not restricted (...)" for one right under a plan. */
const char *landlock_right_status(const struct landlock_right *r, const struct landlock_plan *p);
bool landlock_right_enforced(const struct landlock_right *r, const struct landlock_plan *p);

/* Where an executable's interpreter is: an ELF's PT_INTERP or a script's `#!` path, into ret
 * (empty when it has none).  Reads fd with pread only.  Returns 0 or a negative errno. */
int landlock_interpreter(int fd, char *ret, size_t size);

/* In the sandbox, after the new root is built and before seccomp: restrict this process and all it
 * will start.  exec_path is the payload (NULL: the embedded probe, exec'd from a sealed memfd).
 * Returns 0 also when the kernel has no Landlock (the plan says abi 0). */
int landlock_apply(const struct sandbox_config *c, const char *exec_path, bool exec_restricted,
                   struct dbx_error *err);
