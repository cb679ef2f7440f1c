/* SPDX-License-Identifier: MIT */
/* The probe catalogue: what each probe does, what it must observe, and which layer enforces it.
 *
 * Split of duties (bubblewrap's try-syscall model, grown up):
 *   - the probe binary (probe.c, static, runs as the payload inside the sandbox) only OBSERVES:
 *     for each probe it records the errno of the operation (0 = the operation succeeded) and a
 *     short text of what it saw, plus raw{mountinfo, env_keyset, proc_net_dev}; it prints that
 *     as one JSON document on stdout;
 *   - the launcher (outside) parses that report and ADJUDICATES every catalogue entry with
 *     probe_adjudicate(); a probe missing from the report is UNVERIFIED, never PASS. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum probe_layer {
        LAYER_NETNS,      /* empty network namespace */
        LAYER_SECCOMP,    /* stage-2 seccomp profile */
        LAYER_EXEC_ONCE,  /* stage-1 notify + supervisor */
        LAYER_ENV,        /* scrubbed environment */
        LAYER_RO_ROOT,    /* / remounted read-only */
        LAYER_RO_IN,      /* /in bound recursively read-only */
        LAYER_OUT,        /* /out bound read-write (positive control) */
        LAYER_MOUNTS,     /* the whole mount plan */
        _LAYER_MAX,
};

enum probe_expect {
        EXPECT_ERRNO,     /* the operation must fail with one of errnos[] */
        EXPECT_SUCCESS,   /* the operation must succeed (errno 0) */
        EXPECT_CHECK,     /* a pure check over the raw report (check function) */
};

enum verdict {
        VERDICT_PASS,
        VERDICT_FAIL,
        VERDICT_UNVERIFIED,
};

/* What the probe binary observed for one probe. */
struct probe_observation {
        char id[32];
        bool present;     /* the probe reported this id */
        int err;          /* errno of the operation, 0 if it succeeded, -1 if not applicable */
        char actual[512]; /* what it saw, for people */
};

/* The whole report of one probe run. */
struct probe_report {
        struct probe_observation *obs;
        size_t n_obs;
        char *mountinfo;     /* raw /proc/self/mountinfo */
        char **env_keys;     /* raw env key set, sorted */
        size_t n_env_keys;
        char *proc_net_dev;  /* raw /proc/net/dev */
};

/* A pure check over the raw report: true if it holds; writes why to `why` either way. */
typedef bool (*probe_check_fn)(const struct probe_report *r, char *why, size_t why_size);

struct probe_def {
        const char *id;
        const char *operation;   /* e.g. "socket(AF_INET, SOCK_STREAM)" */
        const char *expected;    /* e.g. "EPERM(1)" */
        enum probe_layer layer;
        enum probe_expect expect;
        int errnos[4];           /* EXPECT_ERRNO: accepted errnos, 0-terminated */
        probe_check_fn check;    /* EXPECT_CHECK */
};

extern const struct probe_def probe_catalogue[];
extern const size_t probe_catalogue_len;

const char *layer_name(enum probe_layer l);
const char *verdict_name(enum verdict v);

/* Adjudicate one catalogue entry against the report (obs may be NULL: not reported). Writes a
 * one-line reason to why. */
enum verdict probe_adjudicate(const struct probe_def *def, const struct probe_report *r,
                              char *why, size_t why_size);

/* Find the observation for id, or NULL. */
const struct probe_observation *probe_report_find(const struct probe_report *r, const char *id);

/* Parse the probe binary's JSON report (yajl).  Errors carry the JSON path. */
int probe_report_parse(const char *json, size_t len, struct probe_report *ret, struct dbx_error *err);
void probe_report_free(struct probe_report *r);

/* The checks (exposed for unit tests). */
bool probe_check_net_dev_lo_only(const struct probe_report *r, char *why, size_t why_size);
bool probe_check_env_no_secrets(const struct probe_report *r, char *why, size_t why_size);
bool probe_check_mount_table(const struct probe_report *r, char *why, size_t why_size);

/* ---- additions (the original declarations above are unchanged) ---------------------------- */

/* Bounds of the probe report, enforced by probe_report_parse() (read at most PROBE_REPORT_MAX
 * bytes of the probe's stdout).  A raw field absent from the report stays NULL: env_keys is
 * non-NULL (possibly with n_env_keys == 0) exactly when raw.env_keyset was reported. */
#define PROBE_REPORT_SCHEMA    "denybox-probe/1"
#define PROBE_REPORT_MAX       (4u << 20)  /* whole JSON document */
#define PROBE_REPORT_MAX_DEPTH 16          /* nesting of arrays/objects */
#define PROBE_REPORT_MAX_OBS   256         /* entries of "probes" */
#define PROBE_RAW_MAX          (1u << 20)  /* one raw text (mountinfo, proc_net_dev) */
#define PROBE_ENV_MAX_KEYS     1024
#define PROBE_ENV_MAX_KEY      1024

/* The catalogue entry for id, or NULL. */
const struct probe_def *probe_catalogue_find(const char *id);

/* True if e is one of def->errnos. */
bool probe_errno_accepted(const struct probe_def *def, int e);

/* "EPERM(1)", "success(0)" or "n/a" (e < 0) into buf; returns buf. */
const char *probe_errno_label(int e, char *buf, size_t size);
