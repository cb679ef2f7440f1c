/* SPDX-License-Identifier: MIT */
/* denybox attest: run the embedded probe as the payload, adjudicate, report, write the bundle. */
#pragma once

#include <stdio.h>

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

#define RUN_ID_SIZE 33 /* 128 random bits as hex */

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
        struct sandbox_plan plan;                /* the plan the sandbox ran: sandbox_plan_make(c) */
        char rootfs_digest[SHA256_HEX_SIZE + 8]; /* "embedded" or "sha256:..." */
        char kernel[128];
        int landlock_abi;                        /* the kernel's Landlock ABI, 0: none (landlock.h) */
        char run_id[RUN_ID_SIZE];                /* shared by the JSON, the Markdown and the JUnit */
        char denybox_sha256[SHA256_HEX_SIZE];    /* the binary that ran ("" if unreadable) */
        char probe_sha256[SHA256_HEX_SIZE];      /* the embedded probe that ran */
        struct probe_context ctx;                /* what adjudication was given (trusted, not parsed) */
        struct sandbox_result res;
        struct probe_report report;
        char report_unread[512];                 /* why the probe's report could not be read ("": it was) */
        struct verdict_row *rows;
        size_t n_rows, n_pass, n_fail, n_unverified;
};

/* Runs the attestation and writes the bundle into out_dfd (outdir_open); prints nothing.  Returns
 * the exit code (0 or 2) with *ret filled (main.c prints it; attest_free), or a negative errno
 * with err filled. */
int attest_run(const struct sandbox_config *c, const struct filter_set *fs, int probe_fd, int out_dfd,
               const char *profile_name, const char *profile_sha256, struct attestation *ret, struct dbx_error *err);
void attest_free(struct attestation *a);

/* The embedded probe binary in a sealed memfd (embedded_probe.c, linked into denybox only). */
int probe_memfd(struct dbx_error *err);

/* Adjudicate every catalogue entry against the report (pure; exposed for tests). */
int attest_adjudicate(struct attestation *a);

#define BUNDLE_SCHEMA "denybox/attestation/v2"
#define INTOTO_NAME "sandbox-attestation.intoto.json"
#define BUNDLE_NAME "sandbox-attestation-evidence.json"
#define REPORT_MD_NAME "sandbox-attestation-report.md"
#define REPORT_JUNIT_NAME "sandbox-attestation-junit.xml"

/* The reports for people (Markdown, the seeds' table) and for CI systems (JUnit XML). */
int report_markdown(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err);
int report_junit(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err);
/* For the terminal: the verdict table, the denied execs, the summary line (escaped). */
void report_table(const struct attestation *a, FILE *f);

#define OUTPUT_DIR_DEFAULT "denybox-evidence"

/* Write the evidence bundle (JSON, Markdown, JUnit) into the output directory dfd as one set,
 * all or nothing (outfile.h). */
int bundle_write(const struct attestation *a, int dfd, struct dbx_error *err);

/* The bundle as JSON text (malloc'd). */
int bundle_json(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err);

/* ---- provenance and the in-toto statement (intoto.c) -------------------------------------- */

/* The in-toto Statement v1 type and denybox's own predicate type. */
#define INTOTO_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define INTOTO_PREDICATE_TYPE "urn:denybox:attestation:v2"

/* A fresh run id (128 bits from getrandom, hex). */
int provenance_run_id(char out[RUN_ID_SIZE], struct dbx_error *err);
/* sha256 of everything an open fd holds, read with pread from offset 0. */
int provenance_fd_sha256(int fd, char out[SHA256_HEX_SIZE], struct dbx_error *err);
/* Fill a->run_id, a->probe_sha256 (probe_fd) and a->denybox_sha256 (/proc/self/exe; left empty
 * if the binary cannot be read). */
int provenance_fill(struct attestation *a, int probe_fd, struct dbx_error *err);

/* The in-toto Statement v1 over a bundle (malloc'd): subject = the rootfs digest (unless the
 * embedded root), the seccomp profile's sha256 and the denybox binary's; predicate = the bundle. */
int intoto_statement(const struct attestation *a, const char *bundle, size_t bundle_len, char **ret, size_t *ret_len,
                     struct dbx_error *err);
