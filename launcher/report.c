/* SPDX-License-Identifier: MIT */
/* The attestation for people (Markdown: the seeds' probe table) and for CI systems (JUnit XML,
 * one testcase per probe).  Both are rendered from the same adjudicated rows as the JSON bundle. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"

static void md_cell(FILE *f, const char *s)
{
        for (; s && *s; s++) {
                if (*s == '|')
                        fputs("\\|", f);
                else if (*s == '\n' || *s == '\r')
                        fputc(' ', f);
                else
                        fputc(*s, f);
        }
}

static void xml_text(FILE *f, const char *s)
{
        for (; s && *s; s++) {
                unsigned char ch = (unsigned char)*s;
                switch (ch) {
                case '<': fputs("&lt;", f); break;
                case '>': fputs("&gt;", f); break;
                case '&': fputs("&amp;", f); break;
                case '"': fputs("&quot;", f); break;
                case '\'': fputs("&apos;", f); break;
                default:
                        /* XML 1.0 allows no control characters but tab, newline, return */
                        if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
                                fprintf(f, "\\x%02x", ch);
                        else
                                fputc(ch, f);
                }
        }
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
        if (a->c->image)
                fprintf(f, "- image: %s, manifest digest `%s`, config digest `%s`\n", a->c->image, a->rootfs_digest,
                        a->c->image_config_digest);
        else
                fprintf(f, "- rootfs: %s (`%s`)\n", a->c->rootfs ? a->c->rootfs : "embedded", a->rootfs_digest);
        fprintf(f, "- seccomp profile: %s, sha256 `%s`\n", a->profile_name, a->profile_sha256);
        fprintf(f, "- compiled filter (BPF) sha256: `%s`\n", a->fs->bpf_sha256);
        fprintf(f, "- sandbox user: %u:%u\n\n", (unsigned)a->c->uid, (unsigned)a->c->gid);
        fprintf(f, "| Probe | Verdict | errno | Observed | Layer |\n|---|---|---|---|---|\n");
        for (size_t i = 0; i < a->n_rows; i++) {
                const struct verdict_row *r = &a->rows[i];
                fprintf(f, "| %s | %s | ", r->def->id, verdict_name(r->verdict));
                errno_cell(f, r);
                fputs(" | ", f);
                md_cell(f, r->verdict == VERDICT_PASS && r->obs ? r->obs->actual : r->why);
                fprintf(f, " | %s |\n", layer_name(r->def->layer));
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
        fprintf(f, "      <property name=\"attestation\" value=\"%s\"/>\n", a->c->weaken ? "false" : "true");
        fprintf(f, "      <property name=\"seccomp_sha256\" value=\"%s\"/>\n", a->profile_sha256);
        fprintf(f, "      <property name=\"seccomp_bpf_sha256\" value=\"%s\"/>\n", a->fs->bpf_sha256);
        fprintf(f, "      <property name=\"image_digest\" value=\"");
        xml_text(f, a->rootfs_digest);
        fprintf(f, "\"/>\n    </properties>\n");
        for (size_t i = 0; i < a->n_rows; i++) {
                const struct verdict_row *r = &a->rows[i];
                fprintf(f, "    <testcase classname=\"denybox.%s\" name=\"", layer_name(r->def->layer));
                xml_text(f, r->def->id);
                fprintf(f, "\">\n");
                if (r->verdict != VERDICT_PASS) {
                        /* an UNVERIFIED probe is an error, never a pass */
                        const char *tag = r->verdict == VERDICT_FAIL ? "failure" : "error";
                        fprintf(f, "      <%s message=\"", tag);
                        xml_text(f, r->why);
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
