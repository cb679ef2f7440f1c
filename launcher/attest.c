/* SPDX-License-Identifier: MIT */
#include "attest.h"
#include "landlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "escape.h"
#include "rootfs_digest.h"

int attest_adjudicate(struct attestation *a)
{
        a->rows = calloc(probe_catalogue_len, sizeof(*a->rows));
        if (!a->rows)
                return -ENOMEM;
        a->n_rows = probe_catalogue_len;
        a->n_pass = a->n_fail = a->n_unverified = 0;
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                struct verdict_row *r = &a->rows[i];
                r->def = &probe_catalogue[i];
                r->obs = probe_report_find(&a->report, r->def->id);
                r->verdict = probe_adjudicate(r->def, &a->report, r->why, sizeof(r->why));
                switch (r->verdict) {
                case VERDICT_PASS:
                        a->n_pass++;
                        break;
                case VERDICT_FAIL:
                        a->n_fail++;
                        break;
                case VERDICT_UNVERIFIED:
                        a->n_unverified++;
                        break;
                }
        }
        return 0;
}

static void print_table(const struct attestation *a, FILE *f)
{
        bool colour = isatty(fileno(f));
        fprintf(f, "%-16s %-10s %-6s %-10s %s\n", "PROBE", "VERDICT", "ERRNO", "LAYER", "OBSERVED");
        for (size_t i = 0; i < a->n_rows; i++) {
                const struct verdict_row *r = &a->rows[i];
                const char *on = "", *off = "";
                if (colour) {
                        on = r->verdict == VERDICT_PASS ? "\033[32m" : r->verdict == VERDICT_FAIL ? "\033[31m" : "\033[33m";
                        off = "\033[0m";
                }
                char e[16] = "n/a";
                if (r->obs && r->obs->err >= 0)
                        snprintf(e, sizeof(e), "%d", r->obs->err);
                char shown[4 * sizeof(r->obs->actual)]; /* what the probe saw (or why), escaped for the terminal */
                fprintf(f, "%-16s %s%-10s%s %-6s %-10s %s\n", r->def->id, on, verdict_name(r->verdict), off, e,
                        layer_name(r->def->layer),
                        escape_for_terminal(r->verdict == VERDICT_PASS && r->obs ? r->obs->actual : r->why, shown, sizeof(shown)));
        }
}

int attest_run(const struct sandbox_config *c, const struct filter_set *fs, int probe_fd, int out_dfd,
               const char *profile_name, const char *profile_sha256, struct dbx_error *err)
{
        struct attestation a = {.c = c, .fs = fs, .profile_name = profile_name};
        struct utsname u;
        int r;

        snprintf(a.profile_sha256, sizeof(a.profile_sha256), "%s", profile_sha256);
        if (uname(&u) == 0)
                snprintf(a.kernel, sizeof(a.kernel), "%s %s %s", u.sysname, u.release, u.machine);
        a.landlock_abi = landlock_abi(); /* what the sandbox's ruleset uses: which probes it holds */
        if ((r = provenance_fill(&a, probe_fd, err)) < 0)
                return r;
        if (c->image) {
                /* an image is named by its manifest digest (verified when it was resolved) */
                snprintf(a.rootfs_digest, sizeof(a.rootfs_digest), "%s", c->image_digest);
        } else if (c->rootfs) {
                char d[SHA256_HEX_SIZE];
                if ((r = rootfs_digest(c->rootfs, d, err)) < 0)
                        return r;
                snprintf(a.rootfs_digest, sizeof(a.rootfs_digest), "sha256:%s", d);
        } else {
                snprintf(a.rootfs_digest, sizeof(a.rootfs_digest), "embedded");
        }

        /* What the probe must find: the configured user, hostname and limits. */
        char uid[16], gid[16], pids[24], mem[24];
        snprintf(uid, sizeof(uid), "%u", (unsigned)c->uid_expected);
        snprintf(gid, sizeof(gid), "%u", (unsigned)c->gid_expected);
        snprintf(pids, sizeof(pids), "%lld", (long long)c->limits.pids);
        snprintf(mem, sizeof(mem), "%lld", (long long)(c->limits.memory >= 0 ? c->limits.memory : c->limits.memory_swap));
        char *argv[] = {(char *)"denybox-probe", (char *)"--uid", uid, (char *)"--gid", gid,
                        (char *)"--hostname", (char *)SANDBOX_HOSTNAME, (char *)"--pids-limit", pids,
                        (char *)"--memory", mem, NULL};
        a.ctx = (struct probe_context){.uid = (unsigned)c->uid_expected, .gid = (unsigned)c->gid_expected,
                                    .pids_limit = c->limits.pids,
                                    .memory = c->limits.memory >= 0 ? c->limits.memory : c->limits.memory_swap,
                                    .hostname = SANDBOX_HOSTNAME};
        struct sandbox_payload p = {.argv = argv, .exec_fd = probe_fd};

        r = sandbox_run(c, fs, &p, true, &a.res, err);
        if (r < 0) {
                sandbox_result_free(&a.res);
                return r;
        }
        struct dbx_error perr = {0};
        if (!a.res.captured || probe_report_parse(a.res.captured, a.res.captured_len, &a.report, &perr) < 0) {
                /* No report at all: every probe stays UNVERIFIED (never PASS). */
                char shown[4 * sizeof(perr.msg)];
                fprintf(stderr, "denybox: the probe's report could not be read (%s); every probe is UNVERIFIED\n",
                        escape_for_terminal(a.res.captured ? perr.msg : "no output", shown, sizeof(shown)));
                probe_report_free(&a.report);
                a.report = (struct probe_report){0};
        }
        const enum limit_kind mem_kind = c->limits.memory >= 0 ? LIMIT_MEMORY : LIMIT_SWAP;
        a.ctx.memory_mechanism = limit_mech_label(mem_kind, a.res.cg.mech[mem_kind]);
        memcpy(a.ctx.stdio_ino, a.res.stdio_ino, sizeof(a.ctx.stdio_ino));
        a.report.ctx = &a.ctx;
        if (attest_adjudicate(&a) < 0) {
                r = dbx_error_set(err, ENOMEM, "out of memory");
                goto out;
        }

        const char *dir = c->output_dir ? c->output_dir : OUTPUT_DIR_DEFAULT;
        if ((r = bundle_write(&a, out_dfd, err)) < 0) {
                dbx_error_wrap(err, "output directory %s", dir);
                goto out;
        }

        /* The bundle is on disk and the verdict is known: a reader of stdout that goes away early
         * (attest | head) must not turn the verdict into a SIGPIPE death (141).  Only now, with
         * the sandbox gone: an ignored SIGPIPE would be inherited across the payload's exec. */
        signal(SIGPIPE, SIG_IGN);
        if (c->json) {
                _cleanup_free_ char *json = NULL;
                size_t len;
                if (bundle_json(&a, &json, &len, err) == 0)
                        printf("%s\n", json);
        } else {
                print_table(&a, stdout);
                for (size_t i = 0; i < a.res.sup.n_log; i++) {
                        const struct exec_attempt *e = &a.res.sup.log[i];
                        char shown[4 * sizeof(e->path)];
                        if (!e->allowed)
                                printf("exec denied: pid %d %s(\"%s\") -> %s\n", (int)e->pid, e->syscall,
                                       escape_for_terminal(e->path, shown, sizeof(shown)), strerror(e->err));
                }
                printf("summary: %zu total, %zu pass, %zu fail, %zu unverified; profile %s (sha256:%.12s...); bundle %s/%s\n",
                       a.n_rows, a.n_pass, a.n_fail, a.n_unverified, profile_name, profile_sha256, dir, BUNDLE_NAME);
        }
        fflush(stdout);
        /* a weakened run proves nothing about the boundary: never exit 0 */
        r = a.n_pass == a.n_rows && !c->weaken ? EXIT_ATTEST_PASS : EXIT_ATTEST_PROBE_FAILED;
out:
        free(a.rows);
        probe_report_free(&a.report);
        sandbox_result_free(&a.res);
        return r;
}
