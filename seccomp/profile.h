/* SPDX-License-Identifier: MIT */
/* A parsed seccomp profile: plain structs, produced by profile_parse() (profile.c, yajl, no system
 * calls) and consumed by the compiler (filter.c).  Every rule remembers where it came from in the
 * JSON so the compiler can name the value at fault, too. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/* In kernel precedence order, most restrictive first (KILL > TRAP > ERRNO > USER_NOTIF > TRACE >
 * LOG > ALLOW): comparing two kinds with < answers "which one is stricter". */
enum profile_action_kind {
        PA_KILL_PROCESS,
        PA_KILL_THREAD, /* SCMP_ACT_KILL is libseccomp's alias of KILL_THREAD */
        PA_TRAP,
        PA_ERRNO,
        PA_NOTIFY,
        PA_TRACE,
        PA_LOG,
        PA_ALLOW,
};

struct profile_action {
        enum profile_action_kind kind;
        uint32_t data; /* errno for PA_ERRNO (EPERM when not given), msg number for PA_TRACE */
};

/* Mirrors enum scmp_compare without making every user include seccomp.h. */
enum profile_op {
        PO_NE = 1,
        PO_LT,
        PO_LE,
        PO_EQ,
        PO_GE,
        PO_GT,
        PO_MASKED_EQ,
};

struct profile_arg {
        unsigned index;   /* 0..5 */
        uint64_t value;
        uint64_t value_two;
        enum profile_op op;
};

/* Moby's includes/excludes. */
struct profile_cond {
        char **arches;    /* Go names: "amd64", "x32", ... */
        size_t n_arches;
        char **caps;
        size_t n_caps;
        bool has_min_kernel;
        unsigned min_kernel_major, min_kernel_minor;
};

struct profile_syscall {
        size_t json_index;           /* position in syscalls[] */
        bool legacy_name;            /* came from "name", not "names" */
        char **names;
        size_t n_names;
        struct profile_action action;
        struct profile_arg *args;
        size_t n_args;
        struct profile_cond includes, excludes;
        char *comment;
};

struct profile_arch_map {
        char *arch;
        char **sub_arches;
        size_t n_sub_arches;
};

/* Bits of the "flags" list. */
enum {
        PROFILE_FLAG_TSYNC = 1u << 0,
        PROFILE_FLAG_LOG = 1u << 1,
        PROFILE_FLAG_SPEC_ALLOW = 1u << 2,
        PROFILE_FLAG_WAIT_KILLABLE_RECV = 1u << 3,
};

struct profile {
        struct profile_action default_action;
        char **arches;                /* SCMP_ARCH_* names, validated */
        size_t n_arches;
        struct profile_arch_map *arch_map;
        size_t n_arch_map;
        unsigned flags;               /* PROFILE_FLAG_* */
        char *listener_path;
        char *listener_metadata;
        struct profile_syscall *syscalls;
        size_t n_syscalls;
        char path_prefix[16];         /* "" or "linux.seccomp." for a whole OCI config.json */
};

/* Limits on user-controlled sizes (enforced by profile_parse). */
#define PROFILE_MAX_BYTES (4u << 20)
#define PROFILE_MAX_DEPTH 32
/* Before yajl sees a JSON text: nesting at most PROFILE_MAX_DEPTH, no comments, no NUL byte
 * (also what denybox verify asks of a bundle). */
int profile_json_prescan(const char *json, size_t len, struct dbx_error *err);
#define PROFILE_MAX_ARGS 64

/* Moby's includes/excludes, for a sandbox that holds no capabilities, on amd64, on the given
 * kernel: does this rule apply? */
bool profile_syscall_applies(const struct profile_syscall *s, const struct filter_host *host);

/* "SCMP_ACT_ERRNO(1)" etc. into buf. */
const char *profile_action_name(const struct profile_action *a, char *buf, size_t size);

/* Input text for a one-line message: in double quotes, printable ASCII only, truncated. */
const char *profile_quote(const char *s, char buf[static 72]);
