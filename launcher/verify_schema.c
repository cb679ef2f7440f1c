/* SPDX-License-Identifier: MIT */
/* denybox verify: the structure of a bundle, as docs/bundle.schema.json publishes it (required
 * fields and their types, the schema version, digest and run-id formats, the verdict names).  The
 * test suite validates real bundles against the schema itself with a JSON Schema validator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attest.h"
#include "verify_internal.h"

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

bool verify_check_schema(struct verify_result *res, yajl_val b)
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
                {"memory_mechanism", T_STR | T_NULL}, {"stdio_ino", T_ARR},
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
