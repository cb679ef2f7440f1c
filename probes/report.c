/* SPDX-License-Identifier: MIT */
/* Parsing the probe binary's JSON report (yajl_tree).  The report is untrusted: it comes from
 * inside the sandbox.  Every size is bounded, every type checked, and errors name the JSON path.
 *
 *   {"schema": "denybox-probe/1",
 *    "probes": [{"id": "PR-NET-1", "errno": 1, "actual": "socket(AF_INET) -> EPERM (...)"},
 *               {"id": "PR-CAP-EFF", "errno": 0, "value": "0000000000000000", "actual": "..."}, ...],
 *    "raw": {"mountinfo": "...", "env_keyset": ["HOME", ...], "proc_net_dev": "..."}}
 *
 * "errno" is the errno of the operation, 0 if it succeeded, -1 if not applicable, or
 * PROBE_ERR_KILLED(sig) (1000 + sig) if the child doing it was killed by a signal.  "actual" is
 * optional (truncated to fit).  "value" is optional: the raw observation an EXPECT_VALUE check
 * reads; longer than the observation's buffer is an error, never cut.  Unknown keys are ignored; a repeated key is an error. */
#include "catalogue.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define PATH_MAX_LEN sizeof(((struct dbx_error *) 0)->path)

/* One known key of a JSON object: its parser gets the value, its path, and the context. */
struct field {
        const char *key;
        bool required;
        int (*parse)(yajl_val v, const char *path, void *ctx, struct dbx_error *err);
};

static int parse_object(yajl_val obj, const char *path, const struct field *fields, size_t n_fields,
                        void *ctx, struct dbx_error *err)
{
        bool seen[8] = { false };
        char sub[PATH_MAX_LEN];

        if (!YAJL_IS_OBJECT(obj))
                return dbx_error_set_path(err, EINVAL, path, "expected an object");
        if (n_fields > ELEMENTSOF(seen))
                return dbx_error_set_path(err, EINVAL, path, "internal error: too many fields");
        for (size_t i = 0; i < obj->u.object.len; i++) {
                const char *key = obj->u.object.keys[i];
                for (size_t f = 0; f < n_fields; f++) {
                        if (strcmp(key, fields[f].key) != 0)
                                continue;
                        snprintf(sub, sizeof(sub), "%s%s%s", strcmp(path, "$") ? path : "",
                                 strcmp(path, "$") ? "." : "", key);
                        if (seen[f])
                                return dbx_error_set_path(err, EINVAL, sub, "key repeated");
                        seen[f] = true;
                        int r = fields[f].parse(obj->u.object.values[i], sub, ctx, err);
                        if (r < 0)
                                return r;
                }
        }
        for (size_t f = 0; f < n_fields; f++)
                if (fields[f].required && !seen[f])
                        return dbx_error_set_path(err, EINVAL, path, "missing required key \"%s\"", fields[f].key);
        return 0;
}

/* A string of at most max bytes ("<what> of N bytes exceeds the limit"): its length in *ret_len. */
static int bounded_string(yajl_val v, const char *path, const char *what, size_t max, size_t *ret_len,
                          struct dbx_error *err)
{
        if (!YAJL_IS_STRING(v))
                return dbx_error_set_path(err, EINVAL, path, "expected a string");
        size_t len = strlen(v->u.string);
        if (len > max)
                return dbx_error_set_path(err, EFBIG, path, "%s of %zu bytes exceeds the limit of %zu", what, len, max);
        *ret_len = len;
        return 0;
}

/* An array of at most max entries ("N <what> exceed the limit"), and a zeroed vector for them of
 * at least one element (non-NULL: reported, even if empty). */
static int bounded_array(yajl_val v, const char *path, const char *what, size_t max, size_t elem_size, void **ret,
                         struct dbx_error *err)
{
        if (!YAJL_IS_ARRAY(v))
                return dbx_error_set_path(err, EINVAL, path, "expected an array");
        size_t n = v->u.array.len;
        if (n > max)
                return dbx_error_set_path(err, EFBIG, path, "%zu %s exceed the limit of %zu", n, what, max);
        *ret = calloc(n ? n : 1, elem_size);
        if (!*ret)
                return dbx_error_set_path(err, ENOMEM, path, "out of memory");
        return 0;
}

/* A bounded string copy; max is the largest accepted strlen. */
static int dup_string(yajl_val v, const char *path, size_t max, char **ret, struct dbx_error *err)
{
        size_t len = 0;
        int r = bounded_string(v, path, "string", max, &len, err);
        if (r < 0)
                return r;
        char *s = strdup(v->u.string);
        if (!s)
                return dbx_error_set_path(err, ENOMEM, path, "out of memory");
        *ret = s;
        return 0;
}

/* ---- one entry of "probes" -------------------------------------------------------------------- */

static int parse_obs_id(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        struct probe_observation *o = ctx;
        if (!YAJL_IS_STRING(v))
                return dbx_error_set_path(err, EINVAL, path, "expected a string");
        size_t len = strlen(v->u.string);
        if (len == 0 || len >= sizeof(o->id))
                return dbx_error_set_path(err, EINVAL, path, "probe id must be 1..%zu bytes", sizeof(o->id) - 1);
        for (size_t i = 0; i < len; i++)
                if (v->u.string[i] <= ' ' || v->u.string[i] > '~')
                        return dbx_error_set_path(err, EINVAL, path, "probe id must be printable ASCII");
        memcpy(o->id, v->u.string, len + 1);
        return 0;
}

static int parse_obs_errno(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        struct probe_observation *o = ctx;
        if (!YAJL_IS_INTEGER(v))
                return dbx_error_set_path(err, EINVAL, path, "expected an integer");
        long long e = YAJL_GET_INTEGER(v);
        if (e < -1 || e > 4095)
                return dbx_error_set_path(err, ERANGE, path, "errno %lld out of range -1..4095", e);
        o->err = (int) e;
        return 0;
}

static int parse_obs_actual(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        struct probe_observation *o = ctx;
        if (!YAJL_IS_STRING(v))
                return dbx_error_set_path(err, EINVAL, path, "expected a string");
        snprintf(o->actual, sizeof(o->actual), "%s", v->u.string); /* truncated: it is for people */
        return 0;
}

/* Unlike "actual", a value is what a check reads: never silently cut. */
static int parse_obs_value(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        struct probe_observation *o = ctx;
        size_t len = 0;
        int r = bounded_string(v, path, "value", sizeof(o->value) - 1, &len, err);
        if (r < 0)
                return r;
        memcpy(o->value, v->u.string, len + 1);
        o->has_value = true;
        return 0;
}

static const struct field obs_fields[] = {
        { "id", true, parse_obs_id },
        { "errno", true, parse_obs_errno },
        { "actual", false, parse_obs_actual },
        { "value", false, parse_obs_value },
};

static int parse_probes(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        struct probe_report *r = ctx;
        char sub[PATH_MAX_LEN];
        void *obs;

        int ret = bounded_array(v, path, "entries", PROBE_REPORT_MAX_OBS, sizeof(*r->obs), &obs, err);
        if (ret < 0)
                return ret;
        r->obs = obs;
        for (size_t i = 0; i < v->u.array.len; i++) {
                struct probe_observation *o = &r->obs[i];
                snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
                o->err = -1;
                ret = parse_object(v->u.array.values[i], sub, obs_fields, ELEMENTSOF(obs_fields), o, err);
                if (ret < 0)
                        return ret;
                if (probe_report_find(r, o->id)) {
                        snprintf(sub, sizeof(sub), "%s[%zu].id", path, i);
                        return dbx_error_set_path(err, EINVAL, sub, "probe \"%s\" reported twice", o->id);
                }
                o->present = true;
                r->n_obs = i + 1;
        }
        return 0;
}

/* ---- "raw" -------------------------------------------------------------------------------------- */

static int parse_raw_mountinfo(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        return dup_string(v, path, PROBE_RAW_MAX, &((struct probe_report *) ctx)->mountinfo, err);
}

static int parse_raw_net_dev(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        return dup_string(v, path, PROBE_RAW_MAX, &((struct probe_report *) ctx)->proc_net_dev, err);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static int parse_raw_env(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        struct probe_report *r = ctx;
        char sub[PATH_MAX_LEN];
        void *keys;

        int ret = bounded_array(v, path, "keys", PROBE_ENV_MAX_KEYS, sizeof(char *), &keys, err);
        if (ret < 0)
                return ret;
        r->env_keys = keys;
        for (size_t i = 0; i < v->u.array.len; i++) {
                snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
                ret = dup_string(v->u.array.values[i], sub, PROBE_ENV_MAX_KEY, &r->env_keys[i], err);
                if (ret < 0)
                        return ret;
                r->n_env_keys = i + 1;
        }
        qsort(r->env_keys, r->n_env_keys, sizeof(char *), cmp_str);
        return 0;
}

static const struct field raw_fields[] = {
        { "mountinfo", false, parse_raw_mountinfo },
        { "env_keyset", false, parse_raw_env },
        { "proc_net_dev", false, parse_raw_net_dev },
};

static int parse_raw(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        return parse_object(v, path, raw_fields, ELEMENTSOF(raw_fields), ctx, err);
}

static int parse_schema(yajl_val v, const char *path, void *ctx, struct dbx_error *err)
{
        if (!YAJL_IS_STRING(v) || strcmp(v->u.string, PROBE_REPORT_SCHEMA) != 0)
                return dbx_error_set_path(err, EINVAL, path, "expected \"" PROBE_REPORT_SCHEMA "\"");
        return 0;
}

static const struct field top_fields[] = {
        { "schema", false, parse_schema },
        { "probes", true, parse_probes },
        { "raw", false, parse_raw },
};

/* ---- the document ------------------------------------------------------------------------------ */

/* Before yajl sees it: no NUL byte, no \u0000 escape (yajl_tree would cut the string there and
 * hide the rest of, say, the mount table), and bounded nesting (yajl_tree_free recurses). */
static int prescan(const char *json, size_t len, struct dbx_error *err)
{
        size_t depth = 0;
        bool in_string = false;

        for (size_t i = 0; i < len; i++) {
                char c = json[i];
                if (c == '\0')
                        return dbx_error_set_path(err, EINVAL, "$", "NUL byte at offset %zu", i);
                if (in_string) {
                        if (c == '"')
                                in_string = false;
                        else if (c == '\\' && i + 1 < len) {
                                if (json[i + 1] == 'u' && i + 5 < len && memcmp(json + i + 2, "0000", 4) == 0)
                                        return dbx_error_set_path(err, EINVAL, "$",
                                                                  "\\u0000 in a string at offset %zu", i);
                                i++;
                        }
                        continue;
                }
                if (c == '"')
                        in_string = true;
                else if ((c == '[' || c == '{') && ++depth > PROBE_REPORT_MAX_DEPTH)
                        return dbx_error_set_path(err, EINVAL, "$", "nesting deeper than %d at offset %zu",
                                                  PROBE_REPORT_MAX_DEPTH, i);
                else if ((c == ']' || c == '}') && depth > 0)
                        depth--;
        }
        return 0;
}

int probe_report_parse(const char *json, size_t len, struct probe_report *ret, struct dbx_error *err)
{
        struct probe_report r = { 0 };
        char errbuf[256] = "";
        int rc;

        if (!json || !ret)
                return dbx_error_set(err, EINVAL, "no probe report");
        if (len > PROBE_REPORT_MAX)
                return dbx_error_set_path(err, EFBIG, "$", "report of %zu bytes exceeds the limit of %u", len,
                                          PROBE_REPORT_MAX);
        rc = prescan(json, len, err);
        if (rc < 0)
                return rc;

        char *text = malloc(len + 1);
        if (!text)
                return dbx_error_set(err, ENOMEM, "out of memory");
        memcpy(text, json, len);
        text[len] = '\0';
        yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
        free(text);
        if (!root) {
                errbuf[strcspn(errbuf, "\n")] = '\0';
                return dbx_error_set_path(err, EINVAL, "$", "malformed JSON: %s", errbuf[0] ? errbuf : "parse error");
        }
        rc = parse_object(root, "$", top_fields, ELEMENTSOF(top_fields), &r, err);
        yajl_tree_free(root);
        if (rc < 0) {
                probe_report_free(&r);
                return rc;
        }
        *ret = r;
        return 0;
}

void probe_report_free(struct probe_report *r)
{
        if (!r)
                return;
        free(r->obs);
        free(r->mountinfo);
        free(r->proc_net_dev);
        for (size_t i = 0; r->env_keys && i < r->n_env_keys; i++)
                free(r->env_keys[i]);
        free(r->env_keys);
        *r = (struct probe_report) { 0 };
}
