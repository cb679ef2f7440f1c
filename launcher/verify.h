/* SPDX-License-Identifier: MIT */
/* denybox verify: the seeds' read-only "follow-up verification" of an evidence bundle as a
 * command.  Offline, reads only; re-derives every verdict with the adjudication attest uses. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "digest.h"
#include "error.h"

#define VERIFY_MAX_REQUIRE 64
#define VERIFY_FILE_MAX (64u << 20) /* a bundle, a report, a statement */

/* The profile's sha256 and the sha256 of its BPF compiled for the kernel release the bundle
 * names (main.c owns loading profiles: it passes this in). */
typedef int (*verify_profile_fn)(const char *ref, const char *kernel_release, char sha256[SHA256_HEX_SIZE],
                                 char bpf_sha256[SHA256_HEX_SIZE], char name[256], struct dbx_error *err);

struct verify_options {
        const char *bundle;  /* the bundle JSON, the in-toto statement, or the directory holding them */
        const char *profile; /* --profile FILE|NAME, or NULL */
        const char *rootfs;  /* --rootfs DIR, or NULL */
        const char *image;   /* --image REF, or NULL */
        const char *require[VERIFY_MAX_REQUIRE];
        size_t n_require;
        bool seeds;
        verify_profile_fn profile_digests;
};

/* What verify found: findings (each one line; none = a valid attestation) and notes (the seeds'
 * binding, what was checked). */
struct verify_result {
        char **findings;
        size_t n_findings;
        char **notes;
        size_t n_notes;
        char summary[512]; /* one line: what the bundle attests (or why it does not) */
        bool oom;          /* a line could not be stored */
};

/* Parses `verify ARGS...` (argv[0] is "verify").  -EINVAL with a message on bad usage. */
int verify_parse_args(int argc, char **argv, struct verify_options *o, struct dbx_error *err);

/* Verifies; returns 0 (see res->n_findings) or a negative errno for bad input (a file that cannot
 * be read, a --rootfs that is not a directory, a --profile that does not load). */
int verify_bundle(const struct verify_options *o, struct verify_result *res, struct dbx_error *err);
void verify_result_free(struct verify_result *res);
