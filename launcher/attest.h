/* SPDX-License-Identifier: MIT */
/* denybox attest: run the embedded probe as the payload, adjudicate, report, write the bundle. */
#pragma once

#include "catalogue.h"
#include "config.h"
#include "error.h"
#include "filter.h"
#include "sandbox.h"

/* Exit codes of attest (and of run where they apply): see README "Exit codes". */
enum {
        EXIT_ATTEST_PASS = 0,
        EXIT_ATTEST_PROBE_FAILED = 2,
        EXIT_SANDBOX_FAILED = 3,
        EXIT_USAGE = 64,
};

struct verdict_row {
        const struct probe_def *def;
        const struct probe_observation *obs; /* NULL: not reported */
        enum verdict verdict;
        char why[256];
};

struct attestation {
        const struct sandbox_config *c;
        const char *profile_name;
        char profile_sha256[SHA256_HEX_SIZE];
        const struct filter_set *fs;
        char run_id[33]; /* 128 random bits in hex: the same in every file of one run's bundle */
        char rootfs_digest[SHA256_HEX_SIZE + 8]; /* "embedded" or "sha256:..." */
        char kernel[128];
        struct sandbox_result res;
        struct probe_report report;
        struct verdict_row *rows;
        size_t n_rows, n_pass, n_fail, n_unverified;
};

/* Runs the attestation and writes the bundle into out_dfd (outdir_open); returns the exit code
 * (0, 2 or 3) or a negative errno with err filled. */
int attest_run(const struct sandbox_config *c, const struct filter_set *fs, int probe_fd, int out_dfd,
               const char *profile_name, const char *profile_sha256, struct dbx_error *err);

/* The embedded probe binary in a sealed memfd (embedded_probe.c, linked into denybox only). */
int probe_memfd(struct dbx_error *err);

/* Adjudicate every catalogue entry against the report (pure; exposed for tests). */
int attest_adjudicate(struct attestation *a);

#define BUNDLE_NAME "sandbox-attestation-evidence.json"
#define REPORT_MD_NAME "sandbox-attestation-report.md"
#define REPORT_JUNIT_NAME "sandbox-attestation-junit.xml"

/* The reports for people (Markdown, the seeds' table) and for CI systems (JUnit XML). */
int report_markdown(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err);
int report_junit(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err);

#define OUTPUT_DIR_DEFAULT "denybox-evidence"

/* Write the evidence bundle (JSON, Markdown, JUnit) into the output directory dfd as one set,
 * all or nothing (outfile.h). */
int bundle_write(const struct attestation *a, int dfd, struct dbx_error *err);

/* The bundle as JSON text (malloc'd). */
int bundle_json(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err);
