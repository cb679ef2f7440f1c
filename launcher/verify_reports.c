/* SPDX-License-Identifier: MIT */
/* denybox verify: the Markdown report, the JUnit file and the in-toto statement of a bundle must
 * be of its run (the run id) and agree with it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attest.h"
#include "preflight.h"
#include "verify_internal.h"

/* ---- the reports beside the bundle ------------------------------------------------------------- */

char *verify_read_beside(const char *dir, const char *name, struct verify_result *res)
{
        char path[4200];
        char *text = NULL;
        size_t len;
        struct dbx_error e = {0};
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (access(path, F_OK) < 0) {
                note(res, "%s: not beside the bundle, not checked", name);
                return NULL;
        }
        if (read_file(path, VERIFY_FILE_MAX, &text, &len, &e) < 0) {
                finding(res, "%s: cannot be read (%s)", name, e.msg);
                return NULL;
        }
        return text;
}

/* What a report says of probe id: its verdict and errno ("n/a" where the report has none); false
 * when it has no row for it. */
typedef bool row_reader(const char *text, const char *id, char *verdict, size_t vsize, char *err, size_t esize);

/* The Markdown table row of id: "| ID | VERDICT | ERRNO | ...". */
static bool md_row(const char *md, const char *id, char *verdict, size_t vsize, char *err, size_t esize)
{
        char head[64];
        snprintf(head, sizeof(head), "\n| %s | ", id);
        const char *p = strstr(md, head);
        if (!p)
                return false;
        p += strlen(head);
        size_t k = strcspn(p, " |\n");
        snprintf(verdict, vsize, "%.*s", (int)k, p);
        p += k;
        if (strncmp(p, " | ", 3) != 0)
                return false;
        p += 3;
        snprintf(err, esize, "%.*s", (int)strcspn(p, " |\n"), p);
        return true;
}

/* The JUnit testcase of id: a <failure> in it is FAIL, an <error> UNVERIFIED, neither PASS. */
static bool junit_row(const char *xml, const char *id, char *verdict, size_t vsize, char *err, size_t esize)
{
        char head[128];
        snprintf(head, sizeof(head), "name=\"%s\">", id);
        const char *c = strstr(xml, head), *end = c ? strstr(c, "</testcase>") : NULL;
        if (!c || !end)
                return false;
        const char *got = "PASS", *f = strstr(c, "<failure"), *e = strstr(c, "<error");
        if (f && f < end)
                got = "FAIL";
        else if (e && e < end)
                got = "UNVERIFIED";
        snprintf(verdict, vsize, "%s", got);
        snprintf(err, esize, "n/a");
        return true;
}

/* How a report beside the bundle names its run and lays out one row per probe. */
struct report_format {
        const char *file;
        const char *run_prefix, *run_end; /* around the run id */
        const char *row_start;            /* what begins each probe's row */
        const char *row, *rows;           /* what a row is called, one and many */
        row_reader *read_row;
        bool has_errno;
};

static const struct report_format markdown_format = {
        .file = REPORT_MD_NAME, .run_prefix = "- run id: `", .run_end = "`",
        .row_start = "\n| PR-", .row = "row", .rows = "probe rows", .read_row = md_row, .has_errno = true,
};

static const struct report_format junit_format = {
        .file = REPORT_JUNIT_NAME, .run_prefix = "<property name=\"run_id\" value=\"", .run_end = "\"/>",
        .row_start = "<testcase ", .row = "testcase", .rows = "testcases", .read_row = junit_row, .has_errno = false,
};

/* A report is of the bundle's run: the run id between run_prefix and run_end is the bundle's, and
 * it has one row per probe. */
static bool same_run(struct verify_result *res, yajl_val b, const char *text, const struct report_format *f)
{
        const char *run = str(b, "run_id"), *p = strstr(text, f->run_prefix);
        yajl_val probes = get(b, "probes");
        size_t k = strlen(f->run_prefix), n = 0;

        if (!p || strncmp(p + k, run, strlen(run)) != 0 || strncmp(p + k + strlen(run), f->run_end, strlen(f->run_end)) != 0) {
                finding(res, "%s: run id %.*s is not the bundle's %s (another run)", f->file,
                        p ? (int)strcspn(p + k, f->run_end) : 4, p ? p + k : "none", run);
                return false;
        }
        for (p = text; (p = strstr(p, f->row_start)); p++)
                n++;
        if (n != probes->u.array.len)
                finding(res, "%s: %zu %s, the bundle has %zu probes", f->file, n, f->rows, probes->u.array.len);
        return true;
}

/* Every probe's row says the bundle's verdict (and errno, where the format has one); false when
 * the report is of another run. */
static bool check_rows(struct verify_result *res, yajl_val b, const char *text, const struct report_format *f)
{
        yajl_val probes = get(b, "probes");

        if (!same_run(res, b, text, f))
                return false;
        for (size_t i = 0; i < probes->u.array.len; i++) {
                yajl_val p = probes->u.array.values[i], e = get(p, "errno_or_exit");
                const char *id = str(p, "probe_id"), *want = str(p, "verdict");
                char v[32], er[32], want_err[32] = "n/a";
                if (YAJL_IS_INTEGER(e))
                        snprintf(want_err, sizeof(want_err), "%lld", YAJL_GET_INTEGER(e));
                if (!f->read_row(text, id, v, sizeof(v), er, sizeof(er)))
                        finding(res, "%s: no %s for %s", f->file, f->row, id);
                else if (!f->has_errno && strcmp(v, want) != 0)
                        finding(res, "%s: %s is %s there, %s in the bundle", f->file, id, v, want);
                else if (f->has_errno && (strcmp(v, want) != 0 || strcmp(er, want_err) != 0))
                        finding(res, "%s: %s is %s errno %s there, %s errno %s in the bundle", f->file, id, v, er, want,
                                want_err);
        }
        return true;
}

void verify_check_markdown(struct verify_result *res, yajl_val b, const char *md)
{
        char want[128];

        if (!check_rows(res, b, md, &markdown_format))
                return;
        yajl_val s = get(b, "summary");
        snprintf(want, sizeof(want), "summary: {total: %lld, pass: %lld, fail: %lld, unverified: %lld}", num(s, "total", -1),
                 num(s, "pass", -1), num(s, "fail", -1), num(s, "unverified", -1));
        if (!strstr(md, want))
                finding(res, "%s: its summary line is not the bundle's (%s)", REPORT_MD_NAME, want);
}

void verify_check_junit(struct verify_result *res, yajl_val b, const char *xml)
{
        check_rows(res, b, xml, &junit_format);
}

/* ---- the in-toto statement --------------------------------------------------------------------- */

/* Checks the statement's frame and its subjects against its predicate (the bundle). */
void verify_check_statement(struct verify_result *res, yajl_val st, yajl_val b)
{
        const char *t = str(st, "_type"), *pt = str(st, "predicateType");
        yajl_val subj = get(st, "subject");
        if (!t || strcmp(t, INTOTO_STATEMENT_TYPE) != 0)
                finding(res, "in-toto: _type is %s, not %s", t ? t : "missing", INTOTO_STATEMENT_TYPE);
        if (!pt || strcmp(pt, INTOTO_PREDICATE_TYPE) != 0)
                finding(res, "in-toto: predicateType is %s, not %s", pt ? pt : "missing", INTOTO_PREDICATE_TYPE);
        if (!YAJL_IS_ARRAY(subj) || subj->u.array.len == 0) {
                finding(res, "in-toto: subject must be a non-empty array");
                return;
        }
        /* each subject is a name prefix and the bundle field holding its digest */
        static const struct {
                const char *prefix, *field;
                bool exact;
        } kinds[] = {{"rootfs:", "image_digest", false}, {"seccomp-profile:", "seccomp_sha256", false}, {"denybox", "denybox_sha256", true}};
        bool seen[ELEMENTSOF(kinds)] = {false};
        for (size_t i = 0; i < subj->u.array.len; i++) {
                yajl_val s = subj->u.array.values[i];
                const char *name = str(s, "name"), *sha = str(get(s, "digest"), "sha256");
                size_t k;
                for (k = 0; name && k < ELEMENTSOF(kinds); k++)
                        if (kinds[k].exact ? strcmp(name, kinds[k].prefix) == 0 : strncmp(name, kinds[k].prefix, strlen(kinds[k].prefix)) == 0)
                                break;
                if (!name || !sha || k == ELEMENTSOF(kinds)) {
                        finding(res, "in-toto: subject[%zu] is not a rootfs, seccomp-profile or denybox digest", i);
                        continue;
                }
                seen[k] = true;
                const char *want = str(b, kinds[k].field);
                if (!want || strncmp(want, "sha256:", 7) != 0 || strcmp(want + 7, sha) != 0)
                        finding(res, "in-toto: subject %s has sha256 %s, the bundle's %s is %s", name, sha, kinds[k].field,
                                want ? want : "none");
        }
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                const char *want = str(b, kinds[k].field);
                if (!seen[k] && want && strncmp(want, "sha256:", 7) == 0)
                        finding(res, "in-toto: no subject for the bundle's %s", kinds[k].field);
        }
}

bool verify_json_equal(yajl_val a, yajl_val b)
{
        if (!a || !b || a->type != b->type)
                return a == b;
        switch (a->type) {
        case yajl_t_string:
                return strcmp(a->u.string, b->u.string) == 0;
        case yajl_t_number: /* the literal text: 1 and 1.0 are not the same bundle */
                return strcmp(a->u.number.r, b->u.number.r) == 0;
        case yajl_t_object:
                if (a->u.object.len != b->u.object.len)
                        return false;
                for (size_t i = 0; i < a->u.object.len; i++)
                        if (!verify_json_equal(a->u.object.values[i], get(b, a->u.object.keys[i])))
                                return false;
                return true;
        case yajl_t_array:
                if (a->u.array.len != b->u.array.len)
                        return false;
                for (size_t i = 0; i < a->u.array.len; i++)
                        if (!verify_json_equal(a->u.array.values[i], b->u.array.values[i]))
                                return false;
                return true;
        case yajl_t_true:
        case yajl_t_false:
        case yajl_t_null:
        case yajl_t_any:
                return true;
        }
        return false;
}
