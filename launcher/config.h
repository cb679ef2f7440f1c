/* SPDX-License-Identifier: MIT */
/* The sandbox configuration: what the command line asked for, as plain data.
 * cli.c fills it (no system calls); preflight.c checks it against the host; sandbox.c applies it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

#define SANDBOX_UID_DEFAULT 65532
#define SANDBOX_GID_DEFAULT 65532
#define SANDBOX_HOSTNAME "denybox"
/* The host id that inside uid/gid 0 maps to when root runs denybox: the kernel's default overflow
 * id ("nobody"), which owns no host file; host uid 0 is never mapped (issue 9, item 2). */
#define SANDBOX_OVERFLOW_ID 65534
#define TMPFS_SIZE_DEFAULT (16ULL << 20)
#define MAX_VOLUMES 32
#define MAX_ENV 256
#define MAX_ARGS 4096
#define STOP_TIMEOUT_DEFAULT 10 /* s, as `docker stop` */
#define SETUP_TIMEOUT_SEC 60   /* the sandbox must be set up within this, whatever --timeout says */
#define ARG_TOTAL_MAX (2 * 1024 * 1024) /* argv + envp under the default 8 MiB stack rlimit */
#define ENV_FILE_MAX_BYTES (4 * 1024 * 1024) /* --env-file: twice what one exec can carry */
#define MEMORY_MIN_BYTES (6 * 1024 * 1024)   /* --memory: the smallest limit setup and init run under */

enum command {
        CMD_NONE,
        CMD_RUN,
        CMD_ATTEST,
        CMD_EXPLAIN,
        CMD_SECCOMP,
        CMD_VERSION,
        CMD_HELP,
        CMD_IMAGE,     /* denybox image ls|rm|prune */
        CMD_LEARN,
};

struct volume {
        char *source;  /* host path */
        char *target;  /* absolute path inside the sandbox */
        bool writable;
};

/* Test-only negative controls: each removes exactly one layer of the boundary.  A run with any of
 * them is never an attestation (the bundle says so; attest never exits 0) and says so loudly. */
enum weaken_layer {
        WEAKEN_NET, WEAKEN_SECCOMP, WEAKEN_EXEC_ONCE, WEAKEN_ENV, WEAKEN_RO_ROOT, WEAKEN_RO_IN,
        WEAKEN_CAPS, WEAKEN_NNP, WEAKEN_USER, WEAKEN_PIDNS, WEAKEN_UTS, WEAKEN_CGROUPNS,
        WEAKEN_PROC_MASK, WEAKEN_DEV, WEAKEN_SYS, WEAKEN_TMP_NOEXEC, WEAKEN_FDS, WEAKEN_SESSION,
        WEAKEN_INIT, WEAKEN_LIMITS,
        /* mounts and identity (issue 9) */
        WEAKEN_HOST_ROOT, WEAKEN_TMP_INODES,
        /* stdio (issue 10) */
        WEAKEN_STDIO,  /* the payload gets the caller's own 0/1/2 (stdout stays captured in attest) */
        /* the second layer (issue 17) */
        WEAKEN_LANDLOCK, /* no Landlock ruleset */
        _WEAKEN_MAX,
};

const char *weaken_name(enum weaken_layer w);

struct limits {
        int64_t pids;          /* -1: unset */
        int64_t memory;        /* bytes, -1: unset */
        int64_t memory_swap;   /* bytes (memory + swap, docker semantics), -1: unset */
        int64_t cpus_milli;    /* 1000 = one CPU, -1: unset */
};

struct sandbox_config {
        enum command command;

        char *rootfs;                 /* NULL: the embedded minimal root */
        struct volume volumes[MAX_VOLUMES];
        size_t n_volumes;
        uint64_t tmp_size;            /* /tmp tmpfs size in bytes */

        uid_t uid;                    /* inside the sandbox (what the probes expect; the plan's uid runs) */
        gid_t gid;
        unsigned weaken;              /* bit set of enum weaken_layer */

        char *seccomp_profile;        /* path or builtin name; NULL: builtin "strict" */

        char *env[MAX_ENV];           /* extra KEY=VALUE from --env-file / -e */
        size_t n_env;
        char *workdir;                /* NULL: "/" */

        struct limits limits;
        unsigned timeout_sec;         /* 0: none */
        unsigned stop_timeout_sec;    /* grace after a forwarded TERM/INT before the sandbox is killed */

        char *output_dir;             /* attest: where the bundle goes */
        bool json;                    /* attest: print the bundle JSON on stdout */
        char *bpf_out;                /* seccomp: write raw BPF here */
        char *merge;                  /* learn: --merge OLD.json (output_dir is learn's -o PROFILE) */
        bool learn_args;              /* learn: --args */

        char **argv;                  /* payload argv (points into the caller's argv) */
        size_t argc;

        /* --image (launcher/image*.c): the image's root replaces --rootfs once resolved */
        char *image;                  /* the reference as given: oci:DIR[:TAG], ... */
        char *image_cache;            /* --image-cache DIR; NULL: the default */
        char *seccomp_cache;          /* --seccomp-cache DIR or "off"; NULL: IMAGE_CACHE_DEFAULT/seccomp */
        char *entrypoint;             /* --entrypoint (may be "": none) */
        bool entrypoint_set;
        bool user_set;                /* -u given: the image's User does not apply */
        char image_digest[80];        /* filled once the image is resolved: the manifest digest */
        char image_config_digest[80];
        bool image_reused;            /* the cache held it: nothing was unpacked */
};

void config_init(struct sandbox_config *c);
void config_free(struct sandbox_config *c);

/* Parses the full command line (argv[0] is the program).  No system calls except reading
 * --env-file.  On error returns -EINVAL and a one-sentence message. */
int config_parse(struct sandbox_config *c, int argc, char **argv, struct dbx_error *err);

/* Parses docker-style sizes: 16m, 256M, 1g, 4096, 1.5g.  Returns -EINVAL on junk or overflow. */
int parse_size(const char *s, uint64_t *ret);

/* Does a --security-opt seccomp= value (or `denybox seccomp` argument) name a built-in profile
 * rather than a file? */
bool config_profile_is_builtin(const char *ref);


static inline bool config_weakened(const struct sandbox_config *c, enum weaken_layer w)
{
        return (c->weaken >> w) & 1u;
}

/* The seeds' limits, applied by attest when none are given. */
void config_default_attest_limits(struct sandbox_config *c);

/* The volume mounted at target, or NULL. */
const struct volume *config_volume_at(const struct sandbox_config *c, const char *target);
