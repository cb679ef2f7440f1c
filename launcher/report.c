/* SPDX-License-Identifier: MIT */
/* The attestation for people (Markdown: the seeds' probe table; the table on the terminal) and
 * for CI systems (JUnit XML, one testcase per probe).  All are rendered from the same
 * adjudicated rows as the JSON bundle. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest.h"
#include "escape.h"
#include "sandbox_plan.h"
#include "seeds.h"

/* Markdown text from anywhere (a probe's output, a path): one table cell or one line.  A '|'
 * would end the cell and a newline the row, '<' would open raw HTML, and control bytes would
 * act on the terminal of whoever cats the file: each is escaped. */
static void md_text(FILE *f, const char *s)
{
        while (s && *s) {
                unsigned char c = (unsigned char)*s;
                uint32_t cp;
                size_t n = escape_utf8_char(s, &cp);
                switch (n ? c : 0) {
                case '|': fputs("\\|", f); break;
                case '<': fputs("&lt;", f); break;
                case '>': fputs("&gt;", f); break;
                case '&': fputs("&amp;", f); break;
                case '\\': fputs("\\\\", f); break;
                default:
                        if (n > 1 ? cp >= 0xa0 : n == 1 && escape_byte_is_plain(c))
                                fwrite(s, 1, n, f); /* printable ASCII, or UTF-8 text past the C1 controls */
                        else
                                for (size_t i = 0; i < (n ? n : 1); i++)
                                        fprintf(f, "\\x%02x", (unsigned char)s[i]);
                }
                s += n ? n : 1;
        }
}

/* XML 1.0 text or attribute value: the five entities, and whatever XML cannot hold (control
 * characters, invalid UTF-8, U+FFFE/U+FFFF) as \xNN per byte, so that the file always parses.
 * CR and LF too (a line of its own in the file would be the payload's), and in attributes the
 * tab, which the parser would normalise. */
static void xml_put(FILE *f, const char *s, bool attr)
{
        while (s && *s) {
                unsigned char c = (unsigned char)*s;
                uint32_t cp;
                size_t n = escape_utf8_char(s, &cp);
                switch (n ? c : 0) {
                case '<': fputs("&lt;", f); break;
                case '>': fputs("&gt;", f); break;
                case '&': fputs("&amp;", f); break;
                case '"': fputs("&quot;", f); break;
                case '\'': fputs("&apos;", f); break;
                case '\\': fputs("\\\\", f); break;
                default: {
                        bool ok = n > 0 && (cp >= 0x20 || (cp == '\t' && !attr)) && cp != 0x7f &&
                                  !(cp >= 0x80 && cp <= 0x9f) && cp != 0xfffe && cp != 0xffff;
                        if (ok)
                                fwrite(s, 1, n, f);
                        else
                                for (size_t i = 0; i < (n ? n : 1); i++)
                                        fprintf(f, "\\x%02x", (unsigned char)s[i]);
                }
                }
                s += n ? n : 1;
        }
}

static void xml_text(FILE *f, const char *s)
{
        xml_put(f, s, false);
}

static void xml_attr(FILE *f, const char *s)
{
        xml_put(f, s, true);
}

/* open_memstream's buffer and size are only final after fclose */
static int finish(FILE *f, char **buf, size_t *len, char **ret, size_t *ret_len, struct dbx_error *err)
{
        if (fclose(f) != 0 || !*buf) {
                free(*buf);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        *ret = *buf;
        *ret_len = *len;
        return 0;
}

static void errno_cell(FILE *f, const struct verdict_row *r)
{
        if (r->obs && r->obs->err >= 0)
                fprintf(f, "%d", r->obs->err);
        else
                fputs("n/a", f);
}

int report_markdown(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return dbx_error_set(err, ENOMEM, "out of memory");

        fprintf(f, "# denybox sandbox attestation\n\n");
        if (a->c->weaken)
                fprintf(f, "**NOT AN ATTESTATION: layers were removed on purpose (negative control).**\n\n");
        fprintf(f, "Verdict: **%s** (%zu/%zu probes) · runtime: denybox %s · kernel: %s\n\n",
                a->c->weaken ? "WEAKENED" : a->n_pass == a->n_rows ? "PASS" : "FAIL", a->n_pass, a->n_rows,
                DENYBOX_VERSION, a->kernel);
        if (a->c->image) {
                fputs("- image: ", f);
                md_text(f, a->c->image);
                fprintf(f, ", manifest digest `%s`, config digest `%s`\n", a->rootfs_digest, a->c->image_config_digest);
        } else {
                fputs("- rootfs: ", f);
                md_text(f, a->c->rootfs ? a->c->rootfs : "embedded");
                fprintf(f, " (`%s`)\n", a->rootfs_digest);
        }
        fprintf(f, "- seccomp profile: %s, sha256 `%s`\n", a->profile_name, a->profile_sha256);
        fprintf(f, "- compiled filter (BPF) sha256: `%s`\n", a->fs->bpf_sha256);
        fprintf(f, "- run id: `%s`\n", a->run_id);
        struct sandbox_plan plan; /* the user the payload ran as; whether Landlock was applied */
        sandbox_plan_make(a->c, &plan);
        fprintf(f, "- sandbox user: %u:%u\n\n", (unsigned)plan.uid, (unsigned)plan.gid);
        if (a->landlock_abi > 0)
                fprintf(f, "- Landlock: ABI %d%s\n\n", a->landlock_abi,
                        sandbox_plan_has_step(&plan, STEP_APPLY_LANDLOCK) ? "" : ", not applied (--weaken landlock)");
        else
                fprintf(f, "- Landlock: none on this kernel: every probe it would hold is held by one layer less\n\n");
        fprintf(f, "| Probe | Verdict | errno | Observed | Layer | Held by | Matrix |\n|---|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < a->n_rows; i++) {
                const struct verdict_row *r = &a->rows[i];
                fprintf(f, "| %s | %s | ", r->def->id, verdict_name(r->verdict));
                errno_cell(f, r);
                fputs(" | ", f);
                md_text(f, r->verdict == VERDICT_PASS && r->obs ? r->obs->actual : r->why);
                char held[256];
                size_t n_held = probe_held_by(r->def, a->landlock_abi, held, sizeof(held));
                fprintf(f, " | %s | %s%s | %s |\n", layer_name(r->def->layer), held, n_held == 1 ? " (single layer)" : "",
                        seed_matrix(r->def->id) ? seed_matrix(r->def->id) : "");
        }
        fprintf(f, "\nsummary: {total: %zu, pass: %zu, fail: %zu, unverified: %zu}\n", a->n_rows, a->n_pass, a->n_fail,
                a->n_unverified);
        size_t denied = 0;
        for (size_t i = 0; i < a->res.sup.n_log; i++)
                denied += !a->res.sup.log[i].allowed;
        fprintf(f, "\nexec attempts denied by the supervisor: %zu\n", denied);
        return finish(f, &buf, &len, ret, ret_len, err);
}

int report_junit(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (!f)
                return dbx_error_set(err, ENOMEM, "out of memory");

        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        fprintf(f, "<testsuites name=\"denybox attest\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", a->n_rows,
                a->n_fail, a->n_unverified);
        fprintf(f, "  <testsuite name=\"denybox.attest\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\">\n",
                a->n_rows, a->n_fail, a->n_unverified);
        fprintf(f, "    <properties>\n");
        fprintf(f, "      <property name=\"run_id\" value=\"%s\"/>\n", a->run_id);
        fprintf(f, "      <property name=\"attestation\" value=\"%s\"/>\n", a->c->weaken ? "false" : "true");
        fprintf(f, "      <property name=\"seccomp_sha256\" value=\"%s\"/>\n", a->profile_sha256);
        fprintf(f, "      <property name=\"seccomp_bpf_sha256\" value=\"%s\"/>\n", a->fs->bpf_sha256);
        fprintf(f, "      <property name=\"image_digest\" value=\"");
        xml_attr(f, a->rootfs_digest);
        fprintf(f, "\"/>\n    </properties>\n");
        for (size_t i = 0; i < a->n_rows; i++) {
                const struct verdict_row *r = &a->rows[i];
                fprintf(f, "    <testcase classname=\"denybox.%s\" name=\"", layer_name(r->def->layer));
                xml_attr(f, r->def->id);
                fprintf(f, "\">\n");
                if (r->verdict != VERDICT_PASS) {
                        /* an UNVERIFIED probe is an error, never a pass */
                        const char *tag = r->verdict == VERDICT_FAIL ? "failure" : "error";
                        fprintf(f, "      <%s message=\"", tag);
                        xml_attr(f, r->why);
                        fprintf(f, "\" type=\"%s\">expected: ", verdict_name(r->verdict));
                        xml_text(f, r->def->expected);
                        fprintf(f, "; operation: ");
                        xml_text(f, r->def->operation);
                        fprintf(f, "</%s>\n", tag);
                }
                fprintf(f, "      <system-out>");
                xml_text(f, r->obs ? r->obs->actual : "not reported");
                fprintf(f, "</system-out>\n    </testcase>\n");
        }
        fprintf(f, "  </testsuite>\n</testsuites>\n");
        return finish(f, &buf, &len, ret, ret_len, err);
}

void report_table(const struct attestation *a, FILE *f)
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
        for (size_t i = 0; i < a->res.sup.n_log; i++) {
                const struct exec_attempt *e = &a->res.sup.log[i];
                char shown[4 * sizeof(e->path)];
                if (!e->allowed)
                        fprintf(f, "exec denied: pid %d %s(\"%s\") -> %s\n", (int)e->pid, e->syscall,
                                escape_for_terminal(e->path, shown, sizeof(shown)), strerror(e->err));
        }
        fprintf(f, "summary: %zu total, %zu pass, %zu fail, %zu unverified; profile %s (sha256:%.12s...); bundle %s/%s\n",
                a->n_rows, a->n_pass, a->n_fail, a->n_unverified, a->profile_name, a->profile_sha256,
                a->c->output_dir ? a->c->output_dir : OUTPUT_DIR_DEFAULT, BUNDLE_NAME);
}
