/* SPDX-License-Identifier: MIT */
/* denybox verify: reads a bundle (or its in-toto statement) and the reports beside it, and lists
 * every way it fails to be a valid attestation.  Nothing is written and nothing is run: each
 * verdict is re-derived from the recorded observation by attest_adjudicate(), the same code attest
 * ran, against this binary's catalogue.
 * The structure (docs/bundle.schema.json) is checked in verify_schema.c, the files beside the
 * bundle and the in-toto frame in verify_reports.c. */
#include "verify.h"
#include "image.h"
#include "verify_internal.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attest.h"
#include "catalogue.h"
#include "preflight.h"
#include "profile.h"
#include "rootfs_digest.h"
#include "seeds.h"


/* ---- results ------------------------------------------------------------------------------ */

/* Out of memory while listing findings is remembered (res->oom) and reported by verify_bundle. */
static void add_line(struct verify_result *res, char ***v, size_t *n, const char *fmt, va_list ap)
{
        char *line = NULL;
        char **nv = realloc(*v, (*n + 1) * sizeof(**v));
        if (!nv || vasprintf(&line, fmt, ap) < 0) {
                if (nv)
                        *v = nv;
                res->oom = true;
                return;
        }
        *v = nv;
        for (char *p = line; *p; p++) /* one line each, whatever a tampered field holds */
                if (*p == '\n' || *p == '\r')
                        *p = ' ';
        (*v)[(*n)++] = line;
}

void verify_finding(struct verify_result *res, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        add_line(res, &res->findings, &res->n_findings, fmt, ap);
        va_end(ap);
}

void verify_note(struct verify_result *res, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        add_line(res, &res->notes, &res->n_notes, fmt, ap);
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
                        if (o->image)
                                return dbx_error_set(err, EINVAL, "verify: --image given twice");
                        o->image = optarg;
                        break;
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
        if (o->image && o->rootfs)
                return dbx_error_set(err, EINVAL, "verify: --image and --rootfs name two roots: give one");
        if (optind >= argc)
                return dbx_error_set(err, EINVAL, "verify: missing BUNDLE (usage: denybox verify BUNDLE [--profile FILE|NAME] "
                                     "[--rootfs DIR | --image REF] [--require ID]... [--seeds])");
        o->bundle = argv[optind++];
        if (optind < argc)
                return dbx_error_set(err, EINVAL, "verify: unexpected argument '%s' (one BUNDLE)", argv[optind]);
        return 0;
}

/* ---- the re-derivation ---------------------------------------------------------------------- */

/* The probe's report as the bundle records it: the input adjudication had. */
struct rebuilt {
        struct probe_report report;
        struct probe_context ctx;
};

static int rebuild_report(yajl_val b, struct rebuilt *rb)
{
        yajl_val probes = get(b, "probes"), raw = get(b, "raw"), env = get(raw, "env_keyset"), c = get(b, "probe_context");
        size_t n = YAJL_IS_ARRAY(probes) ? probes->u.array.len : 0;

        rb->report.obs = calloc(n ? n : 1, sizeof(*rb->report.obs));
        if (!rb->report.obs)
                return -ENOMEM;
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
                        return -ENOMEM;
                for (size_t i = 0; i < env->u.array.len; i++)
                        if (YAJL_IS_STRING(env->u.array.values[i]))
                                rb->report.env_keys[rb->report.n_env_keys++] = (char *)sv(env->u.array.values[i]);
        }
        rb->ctx = (struct probe_context){
                .uid = (unsigned)num(c, "uid", 0), .gid = (unsigned)num(c, "gid", 0),
                .pids_limit = num(c, "pids_limit", -1), .memory = num(c, "memory", -1), .hostname = str(c, "hostname"),
                .memory_mechanism = str(c, "memory_mechanism"),
        };
        yajl_val ino = get(c, "stdio_ino");
        for (size_t i = 0; YAJL_IS_ARRAY(ino) && i < ino->u.array.len && i < ELEMENTSOF(rb->ctx.stdio_ino); i++)
                if (YAJL_IS_INTEGER(ino->u.array.values[i]) && YAJL_GET_INTEGER(ino->u.array.values[i]) >= 0)
                        rb->ctx.stdio_ino[i] = (unsigned long long)YAJL_GET_INTEGER(ino->u.array.values[i]);
        rb->report.ctx = &rb->ctx;
        return 0;
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

static int check_probes(struct verify_result *res, yajl_val b, size_t *n_pass, size_t *n_total)
{
        yajl_val probes = get(b, "probes");
        struct rebuilt rb = {0};
        struct attestation a = {0};

        if (!YAJL_IS_ARRAY(probes)) /* the schema check made sure */
                return 0;
        if (rebuild_report(b, &rb) < 0 || (a.report = rb.report, attest_adjudicate(&a) < 0)) {
                rebuilt_free(&rb);
                return -ENOMEM;
        }
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
        return 0;
}

/* ---- the checks on the whole bundle ------------------------------------------------------------ */

static void check_attestation(struct verify_result *res, yajl_val b)
{
        yajl_val w = get(b, "weakened"), steps = get(b, "steps");
        bool attestation = YAJL_IS_TRUE(get(b, "attestation"));

        if (!YAJL_IS_ARRAY(w) || !YAJL_IS_ARRAY(steps)) /* the schema check made sure */
                return;

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
        yajl_val probes = get(b, "probes"), s = get(b, "summary"), w = get(b, "weakened");
        long long counted[3] = {0, 0, 0};
        static const char *const names[3] = {"pass", "fail", "unverified"};
        static const char *const verdicts[3] = {"PASS", "FAIL", "UNVERIFIED"};

        if (!YAJL_IS_ARRAY(probes) || !YAJL_IS_ARRAY(w)) /* the schema check made sure */
                return;
        for (size_t i = 0; i < probes->u.array.len; i++)
                for (int k = 0; k < 3; k++)
                        counted[k] += str(probes->u.array.values[i], "verdict") &&
                                      strcmp(str(probes->u.array.values[i], "verdict"), verdicts[k]) == 0;
        if (num(s, "total", -1) != (long long)n_total)
                finding(res, "summary: total %lld, but the bundle holds %zu probes", num(s, "total", -1), n_total);
        for (int k = 0; k < 3; k++)
                if (num(s, names[k], -1) != counted[k])
                        finding(res, "summary: %s %lld, but %lld probes say %s", names[k], num(s, names[k], -1), counted[k], verdicts[k]);
        bool weakened = !YAJL_IS_TRUE(get(b, "attestation")) || w->u.array.len > 0;
        const char *want = weakened ? "NOT AN ATTESTATION (weakened)" : n_pass == n_total ? "PASS" : "FAIL";
        if (str(s, "verdict") && strcmp(str(s, "verdict"), want) != 0)
                finding(res, "summary: verdict \"%s\", but the bundle's probes and flags give \"%s\"", str(s, "verdict"), want);
        if (!weakened && n_pass != n_total)
                finding(res, "verdict: FAIL: %zu of %zu probes did not PASS (the boundary is not attested)", n_total - n_pass, n_total);
}

/* What adjudication compared against is what the sandbox was configured with (a weakened run may
 * differ: --weaken user expects the configured user while running as another). */
static void check_context(struct verify_result *res, yajl_val b)
{
        yajl_val c = get(b, "probe_context"), sb = get(b, "sandbox"), lim = get(b, "limits");
        yajl_val mem = get(get(lim, "memory"), "value"), swap = get(get(lim, "memory-swap"), "value");
        long long pids = num(get(lim, "pids"), "value", -1);
        long long memory = YAJL_IS_INTEGER(mem) ? YAJL_GET_INTEGER(mem) : YAJL_IS_INTEGER(swap) ? YAJL_GET_INTEGER(swap) : -1;
        /* the mechanism of the limit memory came from (attest: memory, else memory-swap) */
        const char *mem_key = YAJL_IS_INTEGER(mem) || !YAJL_IS_INTEGER(swap) ? "memory" : "memory-swap";
        const char *mech = str(get(lim, mem_key), "mechanism"), *ctx_mech = str(c, "memory_mechanism");

        if (!YAJL_IS_TRUE(get(b, "attestation")))
                return;
        if (num(c, "uid", -1) != num(sb, "uid", -2) || num(c, "gid", -1) != num(sb, "gid", -2))
                finding(res, "probe_context: uid/gid %lld:%lld, but the sandbox ran as %lld:%lld", num(c, "uid", -1),
                        num(c, "gid", -1), num(sb, "uid", -1), num(sb, "gid", -1));
        if (num(c, "pids_limit", -2) != pids)
                finding(res, "probe_context: pids_limit %lld, but limits.pids is %lld", num(c, "pids_limit", -2), pids);
        if (num(c, "memory", -2) != memory)
                finding(res, "probe_context: memory %lld, but limits.memory is %lld", num(c, "memory", -2), memory);
        if (!ctx_mech || !mech || strcmp(ctx_mech, mech) != 0)
                finding(res, "probe_context: memory_mechanism %s, but limits.%s.mechanism is %s", ctx_mech ? ctx_mech : "absent",
                        mem_key, mech ? mech : "absent");
        if (!str(c, "hostname") || strcmp(str(c, "hostname"), SANDBOX_HOSTNAME) != 0)
                finding(res, "probe_context: hostname %s, but denybox names the sandbox %s",
                        str(c, "hostname") ? str(c, "hostname") : "absent", SANDBOX_HOSTNAME);
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
        if (o->image) { /* the image resolved again (index, manifest, config by digest; nothing unpacked) */
                char manifest[80], config[80];
                if ((r = image_resolve_digests(o->image, manifest, config, sizeof(manifest), err)) < 0)
                        return dbx_error_wrap(err, "verify");
                const char *got = str(b, "image_digest"), *got_cfg = str(b, "image_config_digest");
                if (!got || strcmp(got, manifest) != 0)
                        finding(res, "--image: %s has manifest digest %s, the bundle attested %s", o->image, manifest, got ? got : "none");
                else if (!got_cfg || strcmp(got_cfg, config) != 0)
                        finding(res, "--image: %s has config digest %s, the bundle records %s", o->image, config, got_cfg ? got_cfg : "none");
                else
                        note(res, "image %s: manifest and config digests match the bundle", o->image);
        }
        return 0;
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
        struct dbx_error e = {0};
        if (profile_json_prescan(*text, len, &e) < 0) { /* bounded nesting: yajl_tree_free recurses */
                finding(res, "json: %s is not a bundle: %s", path, e.msg);
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
                verify_check_statement(res, doc, b);
        }
        if (!verify_check_schema(res, b))
                goto summary;

        check_attestation(res, b);
        if ((r = check_probes(res, b, &n_pass, &n_total)) < 0) {
                dbx_error_set(err, -r, "verify: out of memory");
                goto out;
        }
        check_summary(res, b, n_pass, n_total);
        check_context(res, b);
        check_seeds(o, res, b);
        if ((r = check_inputs(o, res, b, err)) < 0)
                goto out;

        /* the other files of the same run */
        if ((md = verify_read_beside(dir, REPORT_MD_NAME, res)))
                verify_check_markdown(res, b, md);
        if ((xml = verify_read_beside(dir, REPORT_JUNIT_NAME, res)))
                verify_check_junit(res, b, xml);
        const char *other = statement ? BUNDLE_NAME : INTOTO_NAME;
        snprintf(path, sizeof(path), "%s/%s", dir, other);
        if (access(path, F_OK) == 0) {
                struct dbx_error e = {0};
                if ((beside = parse_json(path, other, res, &beside_text, &e))) {
                        yajl_val ob = statement ? beside : get(beside, "predicate");
                        if (!statement)
                                verify_check_statement(res, beside, ob);
                        if (!str(ob, "run_id") || strcmp(str(ob, "run_id"), str(b, "run_id")) != 0)
                                finding(res, "%s: run id %s is not the bundle's %s (another run)", other,
                                        str(ob, "run_id") ? str(ob, "run_id") : "none", str(b, "run_id"));
                        else if (!verify_json_equal(ob, b))
                                finding(res, "%s and %s: the statement's predicate and the bundle differ (one was edited)",
                                        INTOTO_NAME, BUNDLE_NAME);
                } else if (e.code) /* unreadable (an unparsable one is a finding already) */
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
        if (r == 0 && res->oom)
                r = dbx_error_set(err, ENOMEM, "verify: out of memory");
        if (!res->summary[0])
                snprintf(res->summary, sizeof(res->summary), "%s: NOT a valid attestation (%zu finding%s)", o->bundle,
                         res->n_findings, res->n_findings == 1 ? "" : "s");
        yajl_tree_free(doc);
        yajl_tree_free(beside);
        return r;
}
