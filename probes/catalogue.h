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
        LAYER_CAPS,       /* every capability set empty, securebits locked */
        LAYER_NNP,        /* PR_SET_NO_NEW_PRIVS */
        LAYER_USER,       /* the configured non-root uid/gid */
        LAYER_PIDNS,      /* own pid namespace, fresh /proc */
        LAYER_UTS,        /* own UTS namespace, hostname "denybox" */
        LAYER_CGROUPNS,   /* own cgroup namespace */
        LAYER_PROC_MASK,  /* dangerous /proc paths masked or read-only */
        LAYER_DEV,        /* minimal /dev */
        LAYER_SYS,        /* no /sys (or a read-only one) */
        LAYER_TMP_NOEXEC, /* /tmp mounted noexec */
        LAYER_FDS,        /* every fd but stdio closed */
        LAYER_SESSION,    /* setsid: no controlling terminal */
        LAYER_INIT,       /* pid 1 init not dumpable */
        LAYER_LIMITS,     /* pids and memory limits (cgroup or rlimit) */
        /* mounts and identity (issue 9) */
        LAYER_HOST_ROOT,  /* host root never mapped into the user namespace */
        LAYER_TMP_INODES, /* /tmp and /out inodes bounded */
        LAYER_STDIO,      /* 0/1/2 are the launcher's relayed pipes, not the caller's fds */
        _LAYER_MAX,
};

enum probe_expect {
        EXPECT_ERRNO,     /* the operation must fail with one of errnos[] */
        EXPECT_SUCCESS,   /* the operation must succeed (errno 0) */
        EXPECT_CHECK,     /* a pure check over the raw report (check function) */
        EXPECT_VALUE,     /* a pure check over the observation's value and the context (value_check) */
};

/* A pseudo-errno for "the child doing the operation was killed by signal N" (e.g. SIGSYS from
 * a seccomp KILL action): PROBE_ERR_KILLED(SIGSYS) == 1031.  Real errnos stay below 1000. */
#define PROBE_ERR_KILLED_BASE 1000
#define PROBE_ERR_KILLED(sig) (PROBE_ERR_KILLED_BASE + (sig))
#define PROBE_ERR_IS_KILLED(e) ((e) > PROBE_ERR_KILLED_BASE && (e) <= PROBE_ERR_KILLED_BASE + 64)

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
        bool has_value;   /* the probe reported a "value" */
        char value[1024]; /* the raw observation an EXPECT_VALUE check reads (e.g. "0000000000000000") */
};

/* What the launcher configured, i.e. what some probes must observe.  Set by the launcher (trusted,
 * never from the probe's report) before adjudication; NULL makes the checks that need it
 * UNVERIFIED.  A limit of -1 is "not configured". */
struct probe_context {
        unsigned uid, gid;
        long long pids_limit;   /* tasks, or -1 */
        long long memory;       /* bytes, or -1 */
        const char *hostname;
        const char *memory_mechanism; /* what held the memory limit ("cgroup v2", "rlimit (...)"), or NULL */
        unsigned long long stdio_ino[3]; /* the inodes of the pipes the payload got as 0/1/2, 0: unknown */
};

/* The whole report of one probe run. */
struct probe_report {
        struct probe_observation *obs;
        size_t n_obs;
        char *mountinfo;     /* raw /proc/self/mountinfo */
        char **env_keys;     /* raw env key set, sorted */
        size_t n_env_keys;
        char *proc_net_dev;  /* raw /proc/net/dev */
        const struct probe_context *ctx; /* set by the launcher, never parsed from the report */
};

/* A pure check over the raw report: true if it holds; writes why to `why` either way. */
typedef bool (*probe_check_fn)(const struct probe_report *r, char *why, size_t why_size);

/* A pure check over one observation's value (o->has_value is true) and the context (may be NULL);
 * returns the verdict and writes why. */
typedef enum verdict (*probe_value_fn)(const struct probe_observation *o, const struct probe_context *ctx,
                                       char *why, size_t why_size);

struct probe_def {
        const char *id;
        const char *operation;   /* e.g. "socket(AF_INET, SOCK_STREAM)" */
        const char *expected;    /* e.g. "EPERM(1)" */
        enum probe_layer layer;
        enum probe_expect expect;
        int errnos[6];           /* EXPECT_ERRNO: accepted errnos, 0-terminated */
        probe_check_fn check;    /* EXPECT_CHECK */
        probe_value_fn value_check; /* EXPECT_VALUE */
        const char *control;     /* the --weaken layers which, removed together, make this probe FAIL
                                  * (space-separated; see probe_control_layers): the layers that hold it */
        int landlock_abi;        /* > 0: "landlock" in control holds it from this Landlock ABI on; below
                                  * it (or without Landlock) the probe is held by the others alone */
        const char *landlock_shadows; /* a layer of control that no longer holds it alone from
                                  * landlock_abi on: Landlock answers first, with an errno the seeds'
                                  * list does not accept (PR-NET-1: EACCES before ENETUNREACH) */
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

/* The names `denybox attest --weaken LAYER` accepts, then the two controls that are test set-ups
 * rather than layers (NULL-terminated).  Two seeds' probes guard against what a caller brings in,
 * not against a layer denybox can leave out:
 *   "rootfs-docker-sock"  a --rootfs carrying /run/docker.sock and /var/run/docker.sock;
 *   "out-unwritable"      -v DIR:/out:rw where DIR/report.md is a directory (the seeds' /out crash). */
extern const char *const probe_control_layers[];
#define PROBE_CONTROL_ROOTFS_DOCKER_SOCK "rootfs-docker-sock"
#define PROBE_CONTROL_OUT_UNWRITABLE "out-unwritable"

/* True if every space-separated word of control is in probe_control_layers (and there is one). */
bool probe_control_valid(const char *control);

/* The value checks (exposed for unit tests); see catalogue.c for what each reads. */
enum verdict probe_value_caps_zero(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_securebits(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_nnp(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_seccomp_mode(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_ids(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_pidns(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_hostname(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_cgroupns(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_fds(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_dev(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_proc_mask(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_pids(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_memory(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
/* probe_stdio.c */
enum verdict probe_value_stdio(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
bool probe_check_env_exact(const struct probe_report *r, char *why, size_t why_size);
/* mounts and identity (probes/checks_mounts.c) */
enum verdict probe_value_host_root(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_tmp_inodes(const struct probe_observation *o, const struct probe_context *ctx, char *why, size_t why_size);
enum verdict probe_value_memory_unmapped(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                         size_t why_size); /* check_limits.c */

/* The set PR-ENV-2 requires, and the /dev PR-DEV-1 requires ("name:c" device, "name:l" symlink). */
#define PROBE_ENV_EXACT "HOME HOSTNAME LANG PATH"
#define PROBE_DEV_EXACT "fd:l full:c null:c random:c stderr:l stdin:l stdout:l tty:c urandom:c zero:c"
/* The securebits drop_privileges() sets and locks (all of them must be set). */
#define PROBE_SECUREBITS_REQUIRED 0xefu
/* PR-LL-SCOPE-1: the longest abstract socket name (sun_path less the leading NUL byte). */
#define PROBE_ABSTRACT_NAME_MAX 107
/* PR-LL-SIGNAL-1: the name (comm) of the process the launcher keeps outside the sandbox for it. */
#define PROBE_SIGNAL_TARGET_COMM "denybox-sigtgt"
/* PR-MEM-1 touches ctx->memory plus this much. */
#define PROBE_MEM_EXTRA (16ll << 20)

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

/* The layers that hold def on a kernel at Landlock ABI abi (0: none): def->control, without
 * "landlock" below def->landlock_abi, and without def->landlock_shadows from it on.  Returns how many (the words written to buf). */
size_t probe_held_by(const struct probe_def *def, int abi, char *buf, size_t size);

/* The redundancy matrix as Markdown (probes/matrix.c; docs/CONTROLS.md carries it): the length it
 * needs, written up to size (snprintf's contract). */
size_t probe_matrix_markdown(char *buf, size_t size);

/* The catalogue entry for id, or NULL. */
const struct probe_def *probe_catalogue_find(const char *id);

/* True if e is one of def->errnos. */
bool probe_errno_accepted(const struct probe_def *def, int e);

/* "EPERM(1)", "success(0)" or "n/a" (e < 0) into buf; returns buf. */
const char *probe_errno_label(int e, char *buf, size_t size);
