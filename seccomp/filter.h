/* SPDX-License-Identifier: MIT */
/* The seccomp layer's contract with the launcher.
 *
 * parse (profile.c, yajl, no system calls) -> validate -> compile (filter.c, libseccomp, no I/O
 * beyond libseccomp's own export into a memfd).
 *
 * Exec-once (DESIGN.md): stage 1 sends execve/execveat to a user-notification supervisor; stage 2
 * is the profile with execve/execveat left ALLOWED (across stacked filters ERRNO outranks
 * USER_NOTIF, so stage 2 must not decide exec).  What the profile says for execve/execveat is
 * returned as exec_policy, and the supervisor applies it to every exec after denybox's own. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "digest.h"

struct profile; /* opaque: profile.h */

enum exec_verdict {
        EXEC_VERDICT_ALLOW,   /* profile allows exec: supervisor answers CONTINUE */
        EXEC_VERDICT_ERRNO,   /* supervisor answers -errno_ret */
        EXEC_VERDICT_KILL,    /* supervisor kills the caller and answers EPERM */
};

struct exec_policy {
        enum exec_verdict verdict;
        int errno_ret;        /* for EXEC_VERDICT_ERRNO */
};

/* A compiled, loadable classic-BPF program (struct sock_filter[len / 8]). */
struct bpf_blob {
        uint8_t *data;
        size_t len;
};

/* Inputs to compilation that depend on the host, passed in so the compiler stays pure. */
struct filter_host {
        unsigned kernel_major, kernel_minor; /* for includes/excludes minKernel */
};

struct filter_set {
        struct bpf_blob stage1;        /* execve/execveat -> NOTIFY, the always-on argument guards
                                        * (clone CLONE_NEW*, terminal ioctls) -> EPERM, rest ALLOW */
        struct bpf_blob stage1_exec_only; /* stage 1 without its always-on argument guards (clone's
                                        * CLONE_NEW*, terminal ioctls): loaded instead of stage 1 only
                                        * by the test-only `--weaken seccomp`, which loads no stage 2 */
        struct bpf_blob stage1_guards;  /* stage 1's guards without its exec notify: `learn` loads it after
                                        * its recording filter, which holds the chain's one listener */
        struct bpf_blob stage2;        /* profile + always-on protections, exec left to stage 1 */
        struct exec_policy exec;       /* what the supervisor answers after the first exec */
        int enosys_above;              /* stage 2 answers ENOSYS to x86_64 numbers above this (-1: no
                                        * such stub; only under an ERRNO defaultAction, filter.c) */
        char stage1_sha256[SHA256_HEX_SIZE];
        char stage2_sha256[SHA256_HEX_SIZE];
        char bpf_sha256[SHA256_HEX_SIZE]; /* sha256 over stage1 bytes || stage2 bytes */
        /* Added by the seccomp layer: */
        unsigned stage2_flags;         /* SECCOMP_FILTER_FLAG_* (LOG, SPEC_ALLOW, TSYNC) the profile's
                                        * "flags" ask for: pass them to seccomp(2) loading stage 2 */
        char *warnings;                /* NULL, or malloc'd lines ("path: text\n") the user should see:
                                        * unknown syscall names ignored, exec rules merged, ... */
};

/* Load a compiled program into the calling thread (seccomp(2) SET_MODE_FILTER with flags);
 * returns 0, or the listener fd with SECCOMP_FILTER_FLAG_NEW_LISTENER, or a negative errno with
 * err filled (errno is left set as well).  The only function here that makes a system call. */
int bpf_blob_load(const struct bpf_blob *b, unsigned flags, struct dbx_error *err);

/* Parse a profile (Docker/OCI seccomp JSON) from memory.  On error returns a negative errno and
 * fills err->path with the JSON path of the value at fault. */
int profile_parse(const char *json, size_t len, struct profile **ret, struct dbx_error *err);
void profile_free(struct profile *p);

/* Built-in profiles by name ("strict" = the seeds' deny set, the default; "startup-safe").
 * Returns the JSON text (static storage) or NULL. */
const char *profile_builtin(const char *name, size_t *ret_len);
/* Added: the i-th built-in profile's name ("strict", "startup-safe", "default-deny"), NULL past
 * the end; the returned JSON text above is also NUL-terminated. */
const char *profile_builtin_name(size_t i);

/* Compile into the two stages and the exec policy.  Always-on protections are added whatever the
 * profile says: non-native ABIs (i386, x32) -> KILL_PROCESS in stage 2 (ENOSYS in stage 1; a
 * SIGSYS death is what tells "seccomp closed it" from "no such ABI here"), clone3 -> ENOSYS,
 * io_uring_*, keyctl/add_key/request_key, unshare, setns -> EPERM and the new mount API ->
 * ENOSYS (or the profile's stricter action), no SECCOMP_FILTER_FLAG_NEW_LISTENER; in stage 1,
 * clone with any CLONE_NEW* flag and the terminal ioctls TIOCSTI, TIOCLINUX, TIOCSETD, TIOCCONS
 * (low 32 bits) -> EPERM.  filter_set_pfc() lists them with their reasons. */
int filter_set_compile(const struct profile *p, const struct filter_host *host,
                       struct filter_set *ret, struct dbx_error *err);
void filter_set_free(struct filter_set *fs);

/* The stage digests (stage1_sha256, stage2_sha256, bpf_sha256) from the programs; -ENOMEM. */
int filter_set_digest(struct filter_set *fs);

/* sha256 of what denybox adds whatever the profile: the always-on rules' table (as the PFC
 * headers describe it) and the bad-arch actions.  Part of the compiled-filter cache key. */
void filter_always_on_digest(char ret[SHA256_HEX_SIZE]);

/* Fills ret from a uname(2) release string ("6.1.0-18-amd64" -> 6, 1); unparsable -> 0.0. */
void filter_host_from_release(const char *release, struct filter_host *ret);

/* For `denybox seccomp`: the PFC text of stage 1 and stage 2 (malloc'd, NUL-terminated). */
int filter_set_pfc(const struct profile *p, const struct filter_host *host, char **ret,
                   struct dbx_error *err);
