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
#include "membuf.h"
#include "sandbox_plan.h"
#include "seeds.h"

/* Text a report takes from outside (the payload's observations, paths, the image name), written
 * so that it stays text of the report's format: ASCII bytes the format gives a meaning are
 * written as its entity, and a character the format cannot hold (or invalid UTF-8) as \xNN per
 * byte, so that the file always parses and nothing acts on the terminal of whoever cats it. */
struct text_format {
        const char *entity[128];                       /* ASCII byte -> what to write, or NULL */
        bool (*holds)(size_t n, uint32_t cp, bool attr); /* a character of n bytes, code point cp */
};

static void put_text(FILE *f, const char *s, const struct text_format *fmt, bool attr)
{
        while (s && *s) {
                uint32_t cp;
                size_t n = escape_utf8_char(s, &cp);
                const char *entity = n == 1 ? fmt->entity[(unsigned char)*s] : NULL;
                if (entity)
                        fputs(entity, f);
                else if (n && fmt->holds(n, cp, attr))
                        fwrite(s, 1, n, f);
                else
                        for (size_t i = 0; i < (n ? n : 1); i++)
                                fprintf(f, "\\x%02x", (unsigned char)s[i]);
                s += n ? n : 1;
        }
}

/* Markdown table cell: '|' would end the cell and a newline the row, '<' would open raw HTML,
 * control bytes (and the C1 controls) would act on a terminal. */
static bool md_holds(size_t n, uint32_t cp, bool attr)
{
        return n > 1 ? cp >= 0xa0 : escape_byte_is_plain((unsigned char)cp);
}

static const struct text_format markdown = {
        .entity = {['|'] = "\\|", ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['\\'] = "\\\\"},
        .holds = md_holds,
};

/* XML 1.0 text or attribute value: what XML cannot hold (control characters, U+FFFE/U+FFFF);
 * CR and LF too (a line of its own in the file would be the payload's), and in attributes the
 * tab, which the parser would normalise. */
static bool xml_holds(size_t n, uint32_t cp, bool attr)
{
        return (cp >= 0x20 || (cp == '\t' && !attr)) && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f) && cp != 0xfffe &&
               cp != 0xffff;
}

static const struct text_format xml = {
        .entity = {['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;", ['\''] = "&apos;", ['\\'] = "\\\\"},
        .holds = xml_holds,
};

static void md_text(FILE *f, const char *s)
{
        put_text(f, s, &markdown, false);
}

static void xml_text(FILE *f, const char *s)
{
        put_text(f, s, &xml, false);
}

static void xml_attr(FILE *f, const char *s)
{
        put_text(f, s, &xml, true);
}

static void errno_cell(FILE *f, const struct verdict_row *r)
{
        if (r->obs && r->obs->err >= 0)
                fprintf(f, "%d", r->obs->err);
        else
                fputs("n/a", f);
}

static void write_markdown(FILE *f, const struct attestation *a)
{
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
        /* the plan that ran: the user the payload ran as, whether Landlock was applied */
        fprintf(f, "- sandbox user: %u:%u\n\n", (unsigned)a->plan.uid, (unsigned)a->plan.gid);
        if (a->landlock_abi > 0)
                fprintf(f, "- Landlock: ABI %d%s\n\n", a->landlock_abi,
                        sandbox_plan_has_step(&a->plan, STEP_APPLY_LANDLOCK) ? "" : ", not applied (--weaken landlock)");
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
}

static void write_junit(FILE *f, const struct attestation *a)
{
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

/* A report, written into memory and handed over whole. */
static int report_text(void (*write)(FILE *, const struct attestation *), const struct attestation *a, char **ret,
                       size_t *ret_len, struct dbx_error *err)
{
        struct membuf m;
        int r = membuf_open(&m, err);
        if (r < 0)
                return r;
        write(m.f, a);
        return membuf_take(&m, ret, ret_len, err);
}

int report_markdown(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err)
{
        return report_text(write_markdown, a, ret, ret_len, err);
}

int report_junit(const struct attestation *a, char **ret, size_t *ret_len, struct dbx_error *err)
{
        return report_text(write_junit, a, ret, ret_len, err);
}
