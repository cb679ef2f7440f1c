/* SPDX-License-Identifier: MIT */
/* denybox verify: reads a bundle (or its in-toto statement) and the reports beside it, and lists
 * every way it fails to be a valid attestation.  Nothing is written and nothing is run: each
 * verdict is re-derived from the recorded observation by attest_adjudicate(), the same code attest
 * ran, against this binary's catalogue.
 *
 * The structural checks below mirror docs/bundle.schema.json (the published schema; the test
 * suite validates real bundles against it with a JSON Schema validator). */
#include "verify.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "attest.h"
#include "catalogue.h"
#include "preflight.h"
#include "rootfs_digest.h"
#include "seeds.h"

#define VERIFY_FILE_MAX (64u << 20)

/* ---- results ------------------------------------------------------------------------------ */

static void add_line(char ***v, size_t *n, const char *fmt, va_list ap)
{
        char *line = NULL;
        char **nv = realloc(*v, (*n + 1) * sizeof(**v));
        if (!nv)
                abort(); /* out of memory while listing findings: nothing sensible is left */
        *v = nv;
        if (vasprintf(&line, fmt, ap) < 0)
                abort();
        for (char *p = line; *p; p++) /* one line each, whatever a tampered field holds */
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        (*v)[(*n)++] = line;
}

__attribute__((format(printf, 2, 3))) static void finding(struct verify_result *res, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        add_line(&res->findings, &res->n_findings, fmt, ap);
        va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void note(struct verify_result *res, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        add_line(&res->notes, &res->n_notes, fmt, ap);
        va_end(ap);
}

void verify_result_free(struct verify_result *res)
{
        for (size_t i = 0; i < res->n_findings; i++)
                free(res->findings[i]);
        for (size_t i = 0; i < res->n_notes; i++)
                free(res->notes[i]);
        free(res->findings);
        free(res->notes);
        *res = (struct verify_result){0};
}

/* ---- arguments ---------------------------------------------------------------------------- */

int verify_parse_args(int argc, char **argv, struct verify_options *o, struct dbx_error *err)
{
        enum { OPT_PROFILE = 256, OPT_ROOTFS, OPT_IMAGE, OPT_REQUIRE, OPT_SEEDS };
        static const struct option opts[] = {
                {"profile", required_argument, NULL, OPT_PROFILE}, {"rootfs", required_argument, NULL, OPT_ROOTFS},
                {"image", required_argument, NULL, OPT_IMAGE},     {"require", required_argument, NULL, OPT_REQUIRE},
                {"seeds", no_argument, NULL, OPT_SEEDS},           {NULL, 0, NULL, 0},
        };
        int opt;

        opterr = 0;
        optind = 1;
        while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
                switch (opt) {
                case OPT_PROFILE:
                        o->profile = optarg;
                        break;
                case OPT_ROOTFS:
                        if (o->rootfs)
                                return dbx_error_set(err, EINVAL, "verify: --rootfs given twice");
                        o->rootfs = optarg;
                        break;
                case OPT_IMAGE:
                        return dbx_error_set(err, EINVAL, "verify: --image is not supported by this build "
                                             "(attest records a rootfs digest: give --rootfs DIR)");
                case OPT_REQUIRE:
                        if (o->n_require == VERIFY_MAX_REQUIRE)
                                return dbx_error_set(err, EINVAL, "verify: more than %d --require", VERIFY_MAX_REQUIRE);
                        if (!probe_catalogue_find(optarg))
                                return dbx_error_set(err, EINVAL, "verify: --require %s: no such probe in the catalogue", optarg);
                        o->require[o->n_require++] = optarg;
                        break;
                case OPT_SEEDS:
                        o->seeds = true;
                        break;
                default:
                        return dbx_error_set(err, EINVAL, "verify: unknown option or missing value: %s", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return dbx_error_set(err, EINVAL, "verify: missing BUNDLE (usage: denybox verify BUNDLE [--profile FILE|NAME] "
                                     "[--rootfs DIR] [--require ID]... [--seeds])");
        o->bundle = argv[optind++];
        if (optind < argc)
                return dbx_error_set(err, EINVAL, "verify: unexpected argument '%s' (one BUNDLE)", argv[optind]);
        return 0;
}

/* ---- JSON access ---------------------------------------------------------------------------- */

static yajl_val get(yajl_val obj, const char *key)
{
        if (!YAJL_IS_OBJECT(obj))
                return NULL;
        for (size_t i = 0; i < obj->u.object.len; i++)
                if (strcmp(obj->u.object.keys[i], key) == 0)
                        return obj->u.object.values[i];
        return NULL;
}

/* the text of a value already known to be a string */
static const char *sv(yajl_val v)
{
        return v->u.string;
}

static const char *str(yajl_val obj, const char *key)
{
        yajl_val v = get(obj, key);
        return YAJL_IS_STRING(v) ? sv(v) : NULL;
}

static long long num(yajl_val obj, const char *key, long long dflt)
{
        yajl_val v = get(obj, key);
        return YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : dflt;
}

enum { T_STR = 1, T_INT = 2, T_BOOL = 4, T_NULL = 8, T_ARR = 16, T_OBJ = 32 };

static int type_of(yajl_val v)
{
        if (YAJL_IS_STRING(v))
                return T_STR;
        if (YAJL_IS_INTEGER(v))
                return T_INT;
        if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v))
                return T_BOOL;
        if (YAJL_IS_NULL(v))
                return T_NULL;
        if (YAJL_IS_ARRAY(v))
                return T_ARR;
        if (YAJL_IS_OBJECT(v))
                return T_OBJ;
        return 0;
}

static const char *type_names(int t, char *buf, size_t size)
{
        static const char *const names[] = {"string", "integer", "boolean", "null", "array", "object"};
        size_t k = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (t & (1 << i))
                        k += (size_t)snprintf(buf + k, size > k ? size - k : 0, "%s%s", k ? " or " : "", names[i]);
        return buf;
}

struct field {
        const char *key;
        int types;
};

/* Each field present with one of its types; returns false (and says which) otherwise. */
static bool need(struct verify_result *res, yajl_val obj, const char *where, const struct field *f, size_t n)
{
        bool ok = true;
        char t[64];
        for (size_t i = 0; i < n; i++) {
                yajl_val v = get(obj, f[i].key);
                if (!v) {
                        finding(res, "schema: %s%s is missing", where, f[i].key);
                        ok = false;
                } else if (!(type_of(v) & f[i].types)) {
                        finding(res, "schema: %s%s must be %s", where, f[i].key, type_names(f[i].types, t, sizeof(t)));
                        ok = false;
                }
        }
        return ok;
}

static bool is_hex(const char *s, size_t len)
{
        if (!s || strlen(s) != len)
                return false;
        for (size_t i = 0; i < len; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return true;
}

static bool is_sha256_ref(const char *s)
{
        return s && strncmp(s, "sha256:", 7) == 0 && is_hex(s + 7, 64);
}

/* The structure of docs/bundle.schema.json; false if the bundle cannot be read further. */
static bool check_schema(struct verify_result *res, yajl_val b)
{
        static const struct field top[] = {
                {"run_id", T_STR}, {"attestation", T_BOOL}, {"weakened", T_ARR}, {"venue", T_STR},
                {"image_digest", T_STR}, {"rootfs", T_STR}, {"seccomp_sha256", T_STR}, {"seccomp_bpf_sha256", T_STR},
                {"seccomp_profile", T_STR}, {"runtime", T_STR}, {"denybox_version", T_STR}, {"denybox_build_id", T_STR},
                {"denybox_sha256", T_STR | T_NULL}, {"probe_sha256", T_STR | T_NULL}, {"kernel", T_STR},
                {"sandbox", T_OBJ}, {"probe_context", T_OBJ}, {"steps", T_ARR}, {"probes", T_ARR}, {"raw", T_OBJ},
                {"exec_log", T_ARR}, {"summary", T_OBJ},
        };
        static const struct field ctx[] = {
                {"uid", T_INT}, {"gid", T_INT}, {"pids_limit", T_INT}, {"memory", T_INT}, {"hostname", T_STR | T_NULL},
        };
        static const struct field raw[] = {
                {"mountinfo", T_STR | T_NULL}, {"env_keyset", T_ARR | T_NULL}, {"proc_net_dev", T_STR | T_NULL},
        };
        static const struct field summary[] = {
                {"total", T_INT}, {"pass", T_INT}, {"fail", T_INT}, {"unverified", T_INT}, {"verdict", T_STR},
        };
        static const struct field probe[] = {
                {"probe_id", T_STR}, {"reported", T_BOOL}, {"operation", T_STR}, {"expected", T_STR},
                {"actual_stderr_or_value", T_STR}, {"errno_or_exit", T_INT | T_STR}, {"verdict", T_STR},
                {"reason", T_STR}, {"layer", T_STR},
        };
        static const struct field step[] = {{"step", T_STR}, {"result", T_STR}};

        if (!YAJL_IS_OBJECT(b)) {
                finding(res, "schema: the bundle is not a JSON object");
                return false;
        }
        const char *schema = str(b, "schema");
        if (!schema) {
                finding(res, "schema: schema (the bundle's version) is missing");
                return false;
        }
        if (strcmp(schema, BUNDLE_SCHEMA) != 0) {
                finding(res, "schema: unknown schema version '%s' (this denybox reads %s)", schema, BUNDLE_SCHEMA);
                return false;
        }
        bool ok = need(res, b, "", top, ELEMENTSOF(top));
        ok &= !get(b, "probe_context") || need(res, get(b, "probe_context"), "probe_context.", ctx, ELEMENTSOF(ctx));
        ok &= !get(b, "raw") || need(res, get(b, "raw"), "raw.", raw, ELEMENTSOF(raw));
        ok &= !get(b, "summary") || need(res, get(b, "summary"), "summary.", summary, ELEMENTSOF(summary));
        if (str(b, "run_id") && !is_hex(str(b, "run_id"), RUN_ID_SIZE - 1))
                finding(res, "schema: run_id must be %d lowercase hex digits", RUN_ID_SIZE - 1), ok = false;
        static const char *const digests[] = {"seccomp_sha256", "seccomp_bpf_sha256", "denybox_sha256", "probe_sha256"};
        for (size_t i = 0; i < ELEMENTSOF(digests); i++)
                if (str(b, digests[i]) && !is_sha256_ref(str(b, digests[i])))
                        finding(res, "schema: %s must be sha256:<64 hex digits>", digests[i]), ok = false;
        const char *img = str(b, "image_digest");
        if (img && strcmp(img, "embedded") != 0 && !is_sha256_ref(img))
                finding(res, "schema: image_digest must be \"embedded\" or sha256:<64 hex digits>"), ok = false;
        yajl_val w = get(b, "weakened");
        for (size_t i = 0; YAJL_IS_ARRAY(w) && i < w->u.array.len; i++)
                if (!YAJL_IS_STRING(w->u.array.values[i]))
                        finding(res, "schema: weakened[%zu] must be a string", i), ok = false;
        yajl_val env = get(get(b, "raw"), "env_keyset");
        for (size_t i = 0; YAJL_IS_ARRAY(env) && i < env->u.array.len; i++)
                if (!YAJL_IS_STRING(env->u.array.values[i]))
                        finding(res, "schema: raw.env_keyset[%zu] must be a string", i), ok = false;
        yajl_val steps = get(b, "steps");
        for (size_t i = 0; YAJL_IS_ARRAY(steps) && i < steps->u.array.len; i++) {
                char where[32];
                snprintf(where, sizeof(where), "steps[%zu].", i);
                ok &= need(res, steps->u.array.values[i], where, step, ELEMENTSOF(step));
        }
        yajl_val probes = get(b, "probes");
        for (size_t i = 0; YAJL_IS_ARRAY(probes) && i < probes->u.array.len; i++) {
                yajl_val p = probes->u.array.values[i];
                char where[32];
                snprintf(where, sizeof(where), "probes[%zu].", i);
                if (!YAJL_IS_OBJECT(p)) {
                        finding(res, "schema: probes[%zu] must be an object", i);
                        ok = false;
                        continue;
                }
                ok &= need(res, p, where, probe, ELEMENTSOF(probe));
                yajl_val e = get(p, "errno_or_exit");
                if (YAJL_IS_STRING(e) && strcmp(sv(e), "n/a") != 0)
                        finding(res, "schema: %serrno_or_exit must be an integer or \"n/a\"", where), ok = false;
                const char *v = str(p, "verdict");
                if (v && strcmp(v, "PASS") != 0 && strcmp(v, "FAIL") != 0 && strcmp(v, "UNVERIFIED") != 0)
                        finding(res, "schema: %sverdict must be PASS, FAIL or UNVERIFIED (is '%s')", where, v), ok = false;
                yajl_val val = get(p, "value"), m = get(p, "matrix");
                if (val && !YAJL_IS_STRING(val))
                        finding(res, "schema: %svalue must be a string", where), ok = false;
                if (m && !YAJL_IS_STRING(m))
                        finding(res, "schema: %smatrix must be a string", where), ok = false;
        }
        return ok;
}

/* ---- the re-derivation ---------------------------------------------------------------------- */

/* The probe's report as the bundle records it: the input adjudication had. */
struct rebuilt {
        struct probe_report report;
        struct probe_context ctx;
};

static void rebuild_report(yajl_val b, struct rebuilt *rb)
{
        yajl_val probes = get(b, "probes"), raw = get(b, "raw"), env = get(raw, "env_keyset"), c = get(b, "probe_context");
        size_t n = YAJL_IS_ARRAY(probes) ? probes->u.array.len : 0;

        rb->report.obs = calloc(n ? n : 1, sizeof(*rb->report.obs));
        if (!rb->report.obs)
                abort();
        for (size_t i = 0; i < n; i++) {
                yajl_val p = probes->u.array.values[i], e = get(p, "errno_or_exit");
                struct probe_observation *o = &rb->report.obs[rb->report.n_obs];
                if (!YAJL_IS_TRUE(get(p, "reported")) || !str(p, "probe_id"))
                        continue;
                snprintf(o->id, sizeof(o->id), "%s", str(p, "probe_id"));
                o->present = true;
                o->err = YAJL_IS_INTEGER(e) && YAJL_GET_INTEGER(e) >= 0 && YAJL_GET_INTEGER(e) <= 100000 ? (int)YAJL_GET_INTEGER(e) : -1;
                snprintf(o->actual, sizeof(o->actual), "%s", str(p, "actual_stderr_or_value") ? str(p, "actual_stderr_or_value") : "");
                if (str(p, "value")) {
                        o->has_value = true;
                        snprintf(o->value, sizeof(o->value), "%s", str(p, "value"));
                }
                rb->report.n_obs++;
        }
        rb->report.mountinfo = (char *)str(raw, "mountinfo");
        rb->report.proc_net_dev = (char *)str(raw, "proc_net_dev");
        if (YAJL_IS_ARRAY(env)) {
                rb->report.env_keys = calloc(env->u.array.len + 1, sizeof(char *));
                if (!rb->report.env_keys)
                        abort();
                for (size_t i = 0; i < env->u.array.len; i++)
                        if (YAJL_IS_STRING(env->u.array.values[i]))
                                rb->report.env_keys[rb->report.n_env_keys++] = (char *)sv(env->u.array.values[i]);
        }
        rb->ctx = (struct probe_context){
                .uid = (unsigned)num(c, "uid", 0), .gid = (unsigned)num(c, "gid", 0),
                .pids_limit = num(c, "pids_limit", -1), .memory = num(c, "memory", -1), .hostname = str(c, "hostname"),
        };
        rb->report.ctx = &rb->ctx;
}

static void rebuilt_free(struct rebuilt *rb)
{
        free(rb->report.obs);
        free(rb->report.env_keys); /* the strings belong to the JSON tree */
}

static yajl_val find_probe(yajl_val probes, const char *id, size_t *count)
{
        yajl_val first = NULL;
        *count = 0;
        for (size_t i = 0; YAJL_IS_ARRAY(probes) && i < probes->u.array.len; i++) {
                const char *pid = str(probes->u.array.values[i], "probe_id");
                if (pid && strcmp(pid, id) == 0) {
                        if (!first)
                                first = probes->u.array.values[i];
                        (*count)++;
                }
        }
        return first;
}

static void check_probes(struct verify_result *res, yajl_val b, size_t *n_pass, size_t *n_total)
{
        yajl_val probes = get(b, "probes");
        struct rebuilt rb = {0};
        struct attestation a = {0};

        rebuild_report(b, &rb);
        a.report = rb.report;
        if (attest_adjudicate(&a) < 0)
                abort();
        *n_pass = 0;
        *n_total = probes->u.array.len;

        /* every probe in the bundle: known, once, and its verdict what its observation gives */
        for (size_t i = 0; i < probes->u.array.len; i++) {
                yajl_val p = probes->u.array.values[i];
                const char *id = str(p, "probe_id"), *verdict = str(p, "verdict");
                size_t count;
                if (!id || !verdict)
                        continue;
                if (verdict && strcmp(verdict, "PASS") == 0)
                        (*n_pass)++;
                find_probe(probes, id, &count);
                if (count > 1 && find_probe(probes, id, &count) == p)
                        finding(res, "%s: listed %zu times (a probe has one verdict)", id, count);
                const struct probe_def *def = probe_catalogue_find(id);
                if (!def) {
                        finding(res, "%s: unknown probe (not in the catalogue of denybox %s)", id, DENYBOX_VERSION);
                        continue;
                }
                const struct verdict_row *row = &a.rows[def - probe_catalogue];
                if (strcmp(verdict, verdict_name(row->verdict)) != 0)
                        finding(res, "%s: verdict %s is recorded, but its expected/actual/errno give %s (%s)", id, verdict,
                                verdict_name(row->verdict), row->why);
                else if (str(p, "reason") && strcmp(str(p, "reason"), row->why) != 0)
                        finding(res, "%s: reason \"%s\" is not what its observation gives (\"%s\")", id, str(p, "reason"), row->why);
                if (str(p, "expected") && strcmp(str(p, "expected"), def->expected) != 0)
                        finding(res, "%s: expected \"%s\" is not the catalogue's \"%s\"", id, str(p, "expected"), def->expected);
                if (str(p, "layer") && strcmp(str(p, "layer"), layer_name(def->layer)) != 0)
                        finding(res, "%s: layer %s is not the catalogue's %s", id, str(p, "layer"), layer_name(def->layer));
                const char *m = str(p, "matrix"), *want = seed_matrix(id);
                if ((m || want) && (!m || !want || strcmp(m, want) != 0))
                        finding(res, "%s: matrix binding %s, the seeds bind it to %s", id, m ? m : "absent", want ? want : "nothing");
        }
        /* every catalogue probe in the bundle */
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                size_t count;
                if (!find_probe(probes, probe_catalogue[i].id, &count))
                        finding(res, "%s: missing (the catalogue of denybox %s has %zu probes)", probe_catalogue[i].id,
                                DENYBOX_VERSION, probe_catalogue_len);
        }
        free(a.rows);
        rebuilt_free(&rb);
}

/* ---- the checks on the whole bundle ------------------------------------------------------------ */

static void check_attestation(struct verify_result *res, yajl_val b)
{
        yajl_val w = get(b, "weakened"), steps = get(b, "steps");
        bool attestation = YAJL_IS_TRUE(get(b, "attestation"));

        if (!attestation)
                finding(res, "attestation: false (a --weaken run is a negative control, never an attestation)");
        for (size_t i = 0; i < w->u.array.len; i++)
                if (YAJL_IS_STRING(w->u.array.values[i]))
                        finding(res, "weakened: layer %s was removed (--weaken %s)", sv(w->u.array.values[i]),
                                sv(w->u.array.values[i]));
        /* the steps say what was weakened, whatever the list says */
        for (size_t i = 0; i < steps->u.array.len; i++) {
                const char *name = str(steps->u.array.values[i], "step"), *r = str(steps->u.array.values[i], "result");
                const char *k = r ? strstr(r, "--weaken ") : NULL;
                if (!k)
                        continue;
                char layer[64];
                snprintf(layer, sizeof(layer), "%.*s", (int)strcspn(k + 9, ")"), k + 9);
                bool listed = false;
                for (size_t j = 0; j < w->u.array.len; j++)
                        listed |= YAJL_IS_STRING(w->u.array.values[j]) && strcmp(sv(w->u.array.values[j]), layer) == 0;
                if (!listed)
                        finding(res, "steps: %s says \"%s\", but weakened does not list %s", name ? name : "?", r, layer);
        }
}

static void check_summary(struct verify_result *res, yajl_val b, size_t n_pass, size_t n_total)
{
        yajl_val probes = get(b, "probes"), s = get(b, "summary");
        long long counted[3] = {0, 0, 0};
        static const char *const names[3] = {"pass", "fail", "unverified"};
        static const char *const verdicts[3] = {"PASS", "FAIL", "UNVERIFIED"};

        for (size_t i = 0; i < probes->u.array.len; i++)
                for (int k = 0; k < 3; k++)
                        counted[k] += str(probes->u.array.values[i], "verdict") &&
                                      strcmp(str(probes->u.array.values[i], "verdict"), verdicts[k]) == 0;
        if (num(s, "total", -1) != (long long)n_total)
                finding(res, "summary: total %lld, but the bundle holds %zu probes", num(s, "total", -1), n_total);
        for (int k = 0; k < 3; k++)
                if (num(s, names[k], -1) != counted[k])
                        finding(res, "summary: %s %lld, but %lld probes say %s", names[k], num(s, names[k], -1), counted[k], verdicts[k]);
        bool weakened = !YAJL_IS_TRUE(get(b, "attestation")) || get(b, "weakened")->u.array.len > 0;
        const char *want = weakened ? "NOT AN ATTESTATION (weakened)" : n_pass == n_total ? "PASS" : "FAIL";
        if (str(s, "verdict") && strcmp(str(s, "verdict"), want) != 0)
                finding(res, "summary: verdict \"%s\", but the bundle's probes and flags give \"%s\"", str(s, "verdict"), want);
        if (!weakened && n_pass != n_total)
                finding(res, "verdict: FAIL: %zu of %zu probes did not PASS (the boundary is not attested)", n_total - n_pass, n_total);
}

static void check_seeds(const struct verify_options *o, struct verify_result *res, yajl_val b)
{
        yajl_val probes = get(b, "probes");
        size_t count;

        if (o->seeds) {
                note(res, "the seeds' probes bound to the rev4 acceptance matrix (#24-#37):");
                for (size_t i = 0; i < seed_probes_len; i++) {
                        const char *id = seed_probes[i].id;
                        yajl_val p = find_probe(probes, id, &count), e = get(p, "errno_or_exit");
                        char err[16] = "n/a";
                        if (YAJL_IS_INTEGER(e))
                                snprintf(err, sizeof(err), "%lld", YAJL_GET_INTEGER(e));
                        note(res, "  %-16s %-10s %-10s errno %s", id, seed_probes[i].matrix, p && str(p, "verdict") ? str(p, "verdict") : "absent", err);
                        if (!p)
                                finding(res, "seeds: %s (matrix %s) is missing", id, seed_probes[i].matrix);
                        else if (!str(p, "verdict") || strcmp(str(p, "verdict"), "PASS") != 0)
                                finding(res, "seeds: %s (matrix %s) is %s, not PASS", id, seed_probes[i].matrix,
                                        str(p, "verdict") ? str(p, "verdict") : "without a verdict");
                }
                yajl_val e = get(find_probe(probes, "PR-EXEC-1", &count), "errno_or_exit");
                if (!YAJL_IS_INTEGER(e) || YAJL_GET_INTEGER(e) != EPERM)
                        finding(res, "seeds: PR-EXEC-1 errno must be 1 (EPERM: exec denied by seccomp, not a missing shell)");
        }
        for (size_t i = 0; i < o->n_require; i++) {
                yajl_val p = find_probe(probes, o->require[i], &count);
                if (!p)
                        finding(res, "--require %s: missing from the bundle", o->require[i]);
                else if (!str(p, "verdict") || strcmp(str(p, "verdict"), "PASS") != 0)
                        finding(res, "--require %s: %s, not PASS", o->require[i], str(p, "verdict") ? str(p, "verdict") : "no verdict");
        }
}

static int check_inputs(const struct verify_options *o, struct verify_result *res, yajl_val b, struct dbx_error *err)
{
        int r;
        if (o->profile) {
                char sha[SHA256_HEX_SIZE], bpf[SHA256_HEX_SIZE], name[256], release[128] = "";
                const char *kernel = str(b, "kernel"); /* "Linux RELEASE MACHINE" */
                if (kernel && strchr(kernel, ' '))
                        snprintf(release, sizeof(release), "%.*s", (int)strcspn(strchr(kernel, ' ') + 1, " "), strchr(kernel, ' ') + 1);
                if (!o->profile_digests)
                        return dbx_error_set(err, EINVAL, "verify: --profile is not available here");
                if ((r = o->profile_digests(o->profile, release, sha, bpf, name, err)) < 0)
                        return r;
                const char *got = str(b, "seccomp_sha256"), *got_bpf = str(b, "seccomp_bpf_sha256");
                if (!got || strcmp(got + 7, sha) != 0)
                        finding(res, "--profile: %s has sha256:%s, the bundle was attested with %s (%s)", name, sha,
                                got ? got : "none", str(b, "seccomp_profile") ? str(b, "seccomp_profile") : "?");
                else if (!got_bpf || strcmp(got_bpf + 7, bpf) != 0)
                        finding(res, "--profile: %s compiled for kernel %s gives BPF sha256:%s, the bundle records %s", name,
                                release, bpf, got_bpf ? got_bpf : "none");
                else
                        note(res, "profile %s: sha256 and compiled BPF sha256 match the bundle", name);
        }
        if (o->rootfs) {
                char d[SHA256_HEX_SIZE];
                struct stat st;
                if (stat(o->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
                        return dbx_error_set(err, ENOTDIR, "verify: --rootfs %s: not a directory", o->rootfs);
                if ((r = rootfs_digest(o->rootfs, d, err)) < 0)
                        return dbx_error_wrap(err, "verify: --rootfs %s", o->rootfs);
                const char *got = str(b, "image_digest");
                if (!got || strncmp(got, "sha256:", 7) != 0 || strcmp(got + 7, d) != 0)
                        finding(res, "--rootfs: %s has digest sha256:%s, the bundle attested %s", o->rootfs, d, got ? got : "none");
                else
                        note(res, "rootfs %s: digest matches the bundle", o->rootfs);
        }
        return 0;
}

/* ---- the reports beside the bundle ------------------------------------------------------------- */

static char *read_beside(const char *dir, const char *name, struct verify_result *res)
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

static void check_markdown(struct verify_result *res, yajl_val b, const char *md)
{
        const char *run = str(b, "run_id");
        char want[128];
        snprintf(want, sizeof(want), "- run id: `%s`", run);
        if (!strstr(md, want)) {
                const char *p = strstr(md, "- run id: `");
                finding(res, "%s: run id %.*s is not the bundle's %s (another run)", REPORT_MD_NAME,
                        p ? (int)strcspn(p + 11, "`") : 4, p ? p + 11 : "none", run);
                return;
        }
        yajl_val probes = get(b, "probes");
        size_t rows = 0;
        for (const char *p = md; (p = strstr(p, "\n| PR-")); p++)
                rows++;
        if (rows != probes->u.array.len)
                finding(res, "%s: %zu probe rows, the bundle has %zu probes", REPORT_MD_NAME, rows, probes->u.array.len);
        for (size_t i = 0; i < probes->u.array.len; i++) {
                yajl_val p = probes->u.array.values[i], e = get(p, "errno_or_exit");
                const char *id = str(p, "probe_id");
                char v[32], er[32], want_err[32] = "n/a";
                if (YAJL_IS_INTEGER(e))
                        snprintf(want_err, sizeof(want_err), "%lld", YAJL_GET_INTEGER(e));
                if (!md_row(md, id, v, sizeof(v), er, sizeof(er)))
                        finding(res, "%s: no row for %s", REPORT_MD_NAME, id);
                else if (strcmp(v, str(p, "verdict")) != 0 || strcmp(er, want_err) != 0)
                        finding(res, "%s: %s is %s errno %s there, %s errno %s in the bundle", REPORT_MD_NAME, id, v, er,
                                str(p, "verdict"), want_err);
        }
        yajl_val s = get(b, "summary");
        snprintf(want, sizeof(want), "summary: {total: %lld, pass: %lld, fail: %lld, unverified: %lld}", num(s, "total", -1),
                 num(s, "pass", -1), num(s, "fail", -1), num(s, "unverified", -1));
        if (!strstr(md, want))
                finding(res, "%s: its summary line is not the bundle's (%s)", REPORT_MD_NAME, want);
}

static void check_junit(struct verify_result *res, yajl_val b, const char *xml)
{
        const char *run = str(b, "run_id");
        char want[128];
        snprintf(want, sizeof(want), "<property name=\"run_id\" value=\"%s\"/>", run);
        if (!strstr(xml, want)) {
                const char *p = strstr(xml, "<property name=\"run_id\" value=\"");
                finding(res, "%s: run id %.*s is not the bundle's %s (another run)", REPORT_JUNIT_NAME,
                        p ? (int)strcspn(p + 31, "\"") : 4, p ? p + 31 : "none", run);
                return;
        }
        yajl_val probes = get(b, "probes");
        size_t cases = 0;
        for (const char *p = xml; (p = strstr(p, "<testcase ")); p++)
                cases++;
        if (cases != probes->u.array.len)
                finding(res, "%s: %zu testcases, the bundle has %zu probes", REPORT_JUNIT_NAME, cases, probes->u.array.len);
        for (size_t i = 0; i < probes->u.array.len; i++) {
                yajl_val p = probes->u.array.values[i];
                const char *id = str(p, "probe_id"), *v = str(p, "verdict");
                snprintf(want, sizeof(want), "name=\"%s\">", id);
                const char *c = strstr(xml, want), *end = c ? strstr(c, "</testcase>") : NULL;
                if (!c || !end) {
                        finding(res, "%s: no testcase for %s", REPORT_JUNIT_NAME, id);
                        continue;
                }
                const char *got = "PASS", *f = strstr(c, "<failure"), *e = strstr(c, "<error");
                if (f && f < end)
                        got = "FAIL";
                else if (e && e < end)
                        got = "UNVERIFIED";
                if (strcmp(got, v) != 0)
                        finding(res, "%s: %s is %s there, %s in the bundle", REPORT_JUNIT_NAME, id, got, v);
        }
}

/* ---- the in-toto statement --------------------------------------------------------------------- */

/* Checks the statement's frame and its subjects against its predicate (the bundle). */
static void check_statement(struct verify_result *res, yajl_val st, yajl_val b)
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

/* ---- the whole ------------------------------------------------------------------------------ */

static yajl_val parse_json(const char *path, const char *what, struct verify_result *res, char **text, struct dbx_error *err)
{
        size_t len;
        char msg[256] = "";
        int r = read_file(path, VERIFY_FILE_MAX, text, &len, err);
        if (r < 0) {
                dbx_error_wrap(err, "verify: %s", what);
                return NULL;
        }
        if (strlen(*text) != len) {
                finding(res, "json: %s holds a NUL byte: not a JSON document", path);
                return NULL;
        }
        yajl_val v = yajl_tree_parse(*text, msg, sizeof(msg));
        if (!v)
                finding(res, "json: %s is not valid JSON (truncated or edited?): %.*s", path, (int)strcspn(msg, "\n"), msg);
        return v;
}

int verify_bundle(const struct verify_options *o, struct verify_result *res, struct dbx_error *err)
{
        char dir[4096], path[4200];
        struct stat st;
        _cleanup_free_ char *text = NULL, *beside_text = NULL, *md = NULL, *xml = NULL;
        yajl_val doc = NULL, beside = NULL, b;
        size_t n_pass = 0, n_total = 0;
        bool statement;
        int r = 0;

        *res = (struct verify_result){0};
        if (stat(o->bundle, &st) < 0)
                return dbx_error_set(err, errno, "verify: %s: %s", o->bundle, strerror(errno));
        if (S_ISDIR(st.st_mode)) {
                snprintf(dir, sizeof(dir), "%s", o->bundle);
                snprintf(path, sizeof(path), "%s/%s", dir, BUNDLE_NAME);
                if (access(path, F_OK) < 0)
                        snprintf(path, sizeof(path), "%s/%s", dir, INTOTO_NAME);
        } else {
                const char *slash = strrchr(o->bundle, '/');
                snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - o->bundle) : 1, slash ? o->bundle : ".");
                if (slash == o->bundle)
                        snprintf(dir, sizeof(dir), "/");
                snprintf(path, sizeof(path), "%s", o->bundle);
        }
        if (!(doc = parse_json(path, "bundle", res, &text, err))) {
                r = res->n_findings ? 0 : -err->code;
                goto out;
        }

        /* an in-toto statement: its predicate is the bundle */
        b = doc;
        statement = YAJL_IS_OBJECT(doc) && get(doc, "_type");
        if (statement) {
                b = get(doc, "predicate");
                check_statement(res, doc, b);
        }
        if (!check_schema(res, b))
                goto summary;

        check_attestation(res, b);
        check_probes(res, b, &n_pass, &n_total);
        check_summary(res, b, n_pass, n_total);
        check_seeds(o, res, b);
        if ((r = check_inputs(o, res, b, err)) < 0)
                goto out;

        /* the other files of the same run */
        if ((md = read_beside(dir, REPORT_MD_NAME, res)))
                check_markdown(res, b, md);
        if ((xml = read_beside(dir, REPORT_JUNIT_NAME, res)))
                check_junit(res, b, xml);
        const char *other = statement ? BUNDLE_NAME : INTOTO_NAME;
        snprintf(path, sizeof(path), "%s/%s", dir, other);
        if (access(path, F_OK) == 0) {
                struct dbx_error e = {0};
                if ((beside = parse_json(path, other, res, &beside_text, &e))) {
                        yajl_val ob = statement ? beside : get(beside, "predicate");
                        if (!statement)
                                check_statement(res, beside, ob);
                        if (!str(ob, "run_id") || strcmp(str(ob, "run_id"), str(b, "run_id")) != 0)
                                finding(res, "%s: run id %s is not the bundle's %s (another run)", other,
                                        str(ob, "run_id") ? str(ob, "run_id") : "none", str(b, "run_id"));
                } else if (!res->n_findings)
                        finding(res, "%s: %s", other, e.msg);
        } else
                note(res, "%s: not beside the bundle, not checked", other);

summary:
        if (!res->n_findings)
                snprintf(res->summary, sizeof(res->summary),
                         "%s: a valid attestation: run %s, %zu/%zu probes PASS, profile %s (%s), rootfs %s (%s), denybox %s (%s)",
                         o->bundle, str(b, "run_id"), n_pass, n_total, str(b, "seccomp_profile"), str(b, "seccomp_sha256"),
                         str(b, "rootfs"), str(b, "image_digest"), str(b, "denybox_build_id"),
                         str(b, "denybox_sha256") ? str(b, "denybox_sha256") : "binary digest not recorded");
out:
        if (!res->summary[0])
                snprintf(res->summary, sizeof(res->summary), "%s: NOT a valid attestation (%zu finding%s)", o->bundle,
                         res->n_findings, res->n_findings == 1 ? "" : "s");
        yajl_tree_free(doc);
        yajl_tree_free(beside);
        return r;
}
