/* SPDX-License-Identifier: MIT */
/* A learned profile (what `denybox learn` saw) as plain data, and its Docker/OCI seccomp JSON form:
 * emit.c writes it (yajl's generator) and reads a learned profile back for --merge.  No system
 * calls; unit tested (tests/unit/test_emit.c).
 *
 * The JSON written:
 *   defaultAction SCMP_ACT_ERRNO, defaultErrnoRet 1 (EPERM, see docs/LEARN.md for why not ENOSYS);
 *   architectures [SCMP_ARCH_X86_64];
 *   syscalls: one ALLOW entry with every name seen without an argument rule (sorted), then one
 *   ALLOW entry per (name, value) for the calls recorded with --args (sorted by name, value),
 *   then execve/execveat as exec-once says (ERRNO 1, or ALLOW when the workload exec'd and the
 *   base profile let it), then clone3 ERRNO 38 (ENOSYS: glibc falls back to clone);
 *   "x-denybox": metadata (tool, version, date, command, base profile, counts per syscall,
 *   findings), a key Docker, podman and runc's Go decoders ignore and denybox's parser skips. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define LEARNED_KEY "x-denybox"
#define LEARNED_MAX_VALUES 64   /* distinct argument values kept per syscall; beyond: name only */

/* How one argument of a syscall is compared (Docker "args" entries). */
enum learned_cmp {
        LEARNED_CMP_EQ,      /* SCMP_CMP_EQ on the 64-bit value (clone flags) */
        LEARNED_CMP_LOW32,   /* SCMP_CMP_MASKED_EQ 0xffffffff: the kernel reads an int/unsigned int */
};

struct learned_syscall {
        char *name;
        uint64_t count;
        bool by_args;          /* allowed only for the values below */
        unsigned arg_index;
        enum learned_cmp cmp;
        uint64_t *values;      /* sorted, unique */
        size_t n_values;
};

struct learned_profile {
        struct learned_syscall *v;   /* sorted by name, unique */
        size_t n;
        char **command;              /* argv of the workload(s), "|"-separated runs after merges */
        size_t n_command;
        char *version;               /* denybox version + build */
        int64_t date;                /* seconds since the epoch, or -1: omitted */
        char *base_profile;          /* the profile the workload ran under while recorded */
        char *base_sha256;
        uint64_t exec_attempts;      /* execs after denybox's own */
        bool exec_allowed;           /* ... and the base profile let them through */
        uint64_t runs;               /* recordings merged into this profile */
};

/* Add one observation (name must be a native syscall name; with_arg: value is recorded too). */
int learned_add(struct learned_profile *lp, const char *name, uint64_t count, bool with_arg, unsigned arg_index,
                enum learned_cmp cmp, uint64_t value);
/* The entry for name, or NULL. */
const struct learned_syscall *learned_find(const struct learned_profile *lp, const char *name);
/* Union of from into into (counts added, argument values united; a name allowed without
 * condition in either stays so). */
int learned_merge(struct learned_profile *into, const struct learned_profile *from);

/* The profile as JSON text (malloc'd, NUL-terminated, ends with a newline). */
int learned_emit(const struct learned_profile *lp, char **ret, size_t *ret_len, struct dbx_error *err);
/* Read a profile learned_emit() wrote (for --merge).  Anything else is refused with the path of
 * the value at fault: a hand-edited profile is reviewed, not merged. */
int learned_parse(const char *json, size_t len, struct learned_profile *ret, struct dbx_error *err);

void learned_free(struct learned_profile *lp);
