/* SPDX-License-Identifier: MIT */
/* `denybox learn`: run a workload in the same boundary as `run`, with a recording filter in
 * place of seccomp stage 1, and write the allowlist it needed (docs/LEARN.md).
 *
 * Mechanism.  The kernel allows one user-notification listener per filter chain (a second
 * SECCOMP_FILTER_FLAG_NEW_LISTENER is EBUSY), so recording and exec-once share one: the recording
 * filter replaces stage 1 and sends EVERY native syscall to the supervisor, which records it and
 * answers SECCOMP_USER_NOTIF_FLAG_CONTINUE -- except execve/execveat, which get exec-once's
 * answer as in `run`.  Stage 2 (the base profile + the always-on rules) is stacked on top as in
 * `run`: the kernel takes the strictest action of the two, so what stage 2 denies is denied
 * before any notification (not recorded: the workload sees exactly what it sees under `run`), and
 * what it allows is notified, recorded, continued.  The learned profile is therefore a subset of
 * what the base profile allows.  Non-native ABIs: ENOSYS here, KILL by stage 2, never recorded.
 *
 * One carve-out: the child's sendmsg() that hands the listener to the supervisor cannot wait for
 * a supervisor that does not have the listener yet; the filter lets exactly sendmsg(SYNC_FD, *,
 * LEARN_HANDOFF_FLAGS) through unrecorded.  SYNC_FD is close-on-exec; a payload making that very
 * call (same fd number, same unusual flag set) would not have it recorded. */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "emit.h"
#include "error.h"
#include "filter.h"

/* sendmsg flags of the listener hand-off in learn mode: MSG_NOSIGNAL | MSG_DONTROUTE | MSG_EOR
 * (the last two mean nothing on the AF_UNIX socketpair). */
#define LEARN_HANDOFF_FLAGS 0x4084u
#define LEARN_FILTER_LEN 16
#define LEARN_NR_MAX 1024   /* x86_64 syscall numbers are below this */
#define LEARN_TRACKED 6     /* syscalls whose arguments --args records */
#define LEARN_DEFAULT_OUTPUT "learned-seccomp.json"

struct learn_tracked {
        int nr;
        const char *name;
        unsigned arg_index;
        enum learned_cmp cmp;
        uint64_t values[LEARNED_MAX_VALUES];
        size_t n_values;
        bool overflow;      /* more distinct values than kept: allowed by name */
};

/* What the supervisor records (launcher side, filled during the run). */
struct learn_record {
        bool args;                          /* --args */
        bool stage2_loaded;                 /* the profile judges every call from here on */
        uint64_t counts[LEARN_NR_MAX];      /* the payload's syscalls, by native number */
        uint64_t notifications;             /* all, incl. denybox's own setup and init */
        uint64_t exec_attempts;             /* execs after denybox's own */
        uint64_t exec_allowed;              /* ... let through by the base profile */
        struct learn_tracked tracked[LEARN_TRACKED];
};

void learn_record_init(struct learn_record *rec, bool args);
/* One of the payload's syscalls (the supervisor calls this; no system calls). */
void learn_record_syscall(struct learn_record *rec, const struct seccomp_data *d);

/* The recording filter (struct sock_filter[LEARN_FILTER_LEN]) for a child whose hand-off socket
 * is sync_fd.  Pure: the child calls it right before loading it. */
void learn_filter_build(int sync_fd, struct sock_filter out[LEARN_FILTER_LEN]);

/* The base profile's syscalls that it allows for at least some arguments (native numbers). */
int learn_base_allowed(const struct profile *p, const struct filter_host *host, bool allowed[LEARN_NR_MAX],
                       struct dbx_error *err);

struct learn_outcome {
        struct learned_profile lp;   /* what was written (merged) */
        size_t seen;                 /* distinct syscalls this run */
        size_t base_allowed;         /* the base profile allows (some form of) */
        size_t denied_now;           /* of those, the learned profile denies */
        uint64_t notifications;
        double wall_ms;              /* the workload's wall time under learn */
        int exit_code;               /* the payload's, as `run` returns it */
        bool timed_out;
        char profile_sha256[SHA256_HEX_SIZE];
};

/* The whole command: run, record, merge, write -o atomically.  Returns 0 (the payload's status in
 * out->exit_code), or a negative errno; *ret_usage says the error is bad input (exit 64). */
int learn_run(const struct sandbox_config *c, const struct filter_set *fs, const struct profile *base,
              const struct filter_host *host, const char *base_name, const char *base_sha256, struct learn_outcome *out, bool *ret_usage,
              struct dbx_error *err);
/* attest --security-opt seccomp=FILE where FILE is a profile learn wrote: the embedded probe needs
 * syscalls the workload never made, so the filter attested is the learned profile united with the
 * probe's own needs, recorded under the seeds' strict profile (a subset of what strict allows).
 * Every denial the probes find in the union holds in the learned profile, a subset of it.
 * Returns 1 and fills ret_fs/ret_name when FILE is a learned profile, 0 when it is not (attest it
 * as it is), or a negative errno. */
int learn_attest_profile(const struct sandbox_config *c, const char *ref, const struct filter_host *host, int probe_fd,
                         struct filter_set *ret_fs, char *ret_name, size_t name_size, struct dbx_error *err);
/* The one-screen summary (main.c gives the stream). */
void learn_summary_print(const struct sandbox_config *c, const struct learn_outcome *o, FILE *f);
void learn_outcome_free(struct learn_outcome *o);
