/* SPDX-License-Identifier: MIT */
/* struct learned_profile <-> Docker/OCI seccomp JSON (emit.h).  yajl's generator writes, yajl's
 * tree reads back; the reader re-emits what it read and insists on the same bytes, so what
 * --merge takes in is exactly a file `denybox learn` wrote. */
#include "emit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "json.h"
#include "jsongen.h"

#define EPERM_NR 1
#define ENOSYS_NR 38

/* ---- the model -------------------------------------------------------------------------- */

static struct learned_syscall *find_mut(struct learned_profile *lp, const char *name, size_t *ret_pos)
{
        size_t lo = 0, hi = lp->n;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int c = strcmp(lp->v[mid].name, name);
                if (c == 0)
                        return &lp->v[mid];
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *ret_pos = lo;
        return NULL;
}

const struct learned_syscall *learned_find(const struct learned_profile *lp, const char *name)
{
        size_t pos;
        return find_mut((struct learned_profile *)lp, name, &pos);
}

static int add_value(struct learned_syscall *s, uint64_t value)
{
        size_t lo = 0, hi = s->n_values;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (s->values[mid] == value)
                        return 0;
                if (s->values[mid] < value)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (s->n_values >= LEARNED_MAX_VALUES) { /* too many to list: allowed by name */
                s->by_args = false;
                free(s->values);
                s->values = NULL;
                s->n_values = 0;
                return 0;
        }
        uint64_t *v = realloc(s->values, (s->n_values + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        memmove(v + lo + 1, v + lo, (s->n_values - lo) * sizeof(*v));
        v[lo] = value;
        s->values = v;
        s->n_values++;
        return 0;
}

int learned_add(struct learned_profile *lp, const char *name, uint64_t count, bool with_arg, unsigned arg_index,
                enum learned_cmp cmp, uint64_t value)
{
        size_t pos = 0;
        struct learned_syscall *s = find_mut(lp, name, &pos);
        if (!s) {
                struct learned_syscall *v = realloc(lp->v, (lp->n + 1) * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                lp->v = v;
                char *copy = strdup(name);
                if (!copy)
                        return -ENOMEM;
                memmove(v + pos + 1, v + pos, (lp->n - pos) * sizeof(*v));
                v[pos] = (struct learned_syscall){ .name = copy, .by_args = with_arg, .arg_index = arg_index, .cmp = cmp };
                lp->n++;
                s = &v[pos];
        } else if (!with_arg || s->arg_index != arg_index || s->cmp != cmp) {
                /* seen without a condition (or under another one): allowed by name from now on */
                s->by_args = false;
                free(s->values);
                s->values = NULL;
                s->n_values = 0;
        }
        s->count += count;
        return s->by_args ? add_value(s, value) : 0;
}

static int add_command(struct learned_profile *lp, const char *cmd)
{
        char **v = realloc(lp->command, (lp->n_command + 1) * sizeof(*v));
        if (!v)
                return -ENOMEM;
        lp->command = v;
        if (!(v[lp->n_command] = strdup(cmd)))
                return -ENOMEM;
        lp->n_command++;
        return 0;
}

int learned_merge(struct learned_profile *into, const struct learned_profile *from)
{
        int r;
        for (size_t i = 0; i < from->n; i++) {
                const struct learned_syscall *s = &from->v[i];
                if (!s->by_args) {
                        if ((r = learned_add(into, s->name, s->count, false, 0, LEARNED_CMP_EQ, 0)) < 0)
                                return r;
                        continue;
                }
                for (size_t k = 0; k < s->n_values; k++)
                        if ((r = learned_add(into, s->name, k ? 0 : s->count, true, s->arg_index, s->cmp, s->values[k])) < 0)
                                return r;
        }
        for (size_t i = 0; i < from->n_command; i++)
                if ((r = add_command(into, from->command[i])) < 0)
                        return r;
        into->exec_attempts += from->exec_attempts;
        into->exec_allowed = into->exec_allowed || from->exec_allowed;
        into->runs += from->runs;
        return 0;
}

void learned_free(struct learned_profile *lp)
{
        if (!lp)
                return;
        for (size_t i = 0; i < lp->n; i++) {
                free(lp->v[i].name);
                free(lp->v[i].values);
        }
        free(lp->v);
        strv_free(lp->command, lp->n_command);
        free(lp->version);
        free(lp->base_profile);
        free(lp->base_sha256);
        *lp = (struct learned_profile){ .date = -1 };
}

/* ---- writing ---------------------------------------------------------------------------- */

static void gen_str(yajl_gen g, const char *s)
{
        yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_u64(yajl_gen g, uint64_t v)
{
        char buf[24];
        int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
        yajl_gen_number(g, buf, (size_t)n);
}

static void gen_kv_str(yajl_gen g, const char *k, const char *v)
{
        gen_str(g, k);
        gen_str(g, v ? v : "");
}

static void gen_kv_u64(yajl_gen g, const char *k, uint64_t v)
{
        gen_str(g, k);
        gen_u64(g, v);
}

static void gen_entry(yajl_gen g, const char *const *names, size_t n, const char *action, int errno_ret,
                      const char *comment)
{
        yajl_gen_map_open(g);
        gen_str(g, "names");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < n; i++)
                gen_str(g, names[i]);
        yajl_gen_array_close(g);
        gen_kv_str(g, "action", action);
        if (errno_ret >= 0)
                gen_kv_u64(g, "errnoRet", (uint64_t)errno_ret);
        if (comment)
                gen_kv_str(g, "comment", comment);
        yajl_gen_map_close(g);
}

static void gen_arg_entry(yajl_gen g, const struct learned_syscall *s, uint64_t value)
{
        yajl_gen_map_open(g);
        gen_str(g, "names");
        yajl_gen_array_open(g);
        gen_str(g, s->name);
        yajl_gen_array_close(g);
        gen_kv_str(g, "action", "SCMP_ACT_ALLOW");
        gen_str(g, "args");
        yajl_gen_array_open(g);
        yajl_gen_map_open(g);
        gen_kv_u64(g, "index", s->arg_index);
        if (s->cmp == LEARNED_CMP_LOW32) { /* Docker: value is the mask, valueTwo the datum */
                gen_kv_u64(g, "value", 0xffffffffULL);
                gen_kv_u64(g, "valueTwo", value & 0xffffffffULL);
                gen_kv_str(g, "op", "SCMP_CMP_MASKED_EQ");
        } else {
                gen_kv_u64(g, "value", value);
                gen_kv_u64(g, "valueTwo", 0);
                gen_kv_str(g, "op", "SCMP_CMP_EQ");
        }
        yajl_gen_map_close(g);
        yajl_gen_array_close(g);
        yajl_gen_map_close(g);
}

static bool is_exec_name(const char *n)
{
        return strcmp(n, "execve") == 0 || strcmp(n, "execveat") == 0;
}

static void format_date(int64_t t, char buf[32])
{
        time_t tt = (time_t)t;
        struct tm tm;
        if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                snprintf(buf, 32, "%lld", (long long)t);
}

static void gen_metadata(yajl_gen g, const struct learned_profile *lp)
{
        gen_str(g, LEARNED_KEY);
        yajl_gen_map_open(g);
        gen_kv_str(g, "generator", "denybox learn");
        gen_kv_str(g, "version", lp->version);
        if (lp->date >= 0) {
                char d[32];
                format_date(lp->date, d);
                gen_kv_str(g, "date", d);
        }
        gen_kv_str(g, "base_profile", lp->base_profile);
        gen_kv_str(g, "base_profile_sha256", lp->base_sha256);
        gen_kv_u64(g, "runs", lp->runs);
        gen_str(g, "commands");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < lp->n_command; i++)
                gen_str(g, lp->command[i]);
        yajl_gen_array_close(g);
        gen_str(g, "exec_after_start");
        yajl_gen_map_open(g);
        gen_kv_u64(g, "attempts", lp->exec_attempts);
        gen_str(g, "allowed");
        yajl_gen_bool(g, lp->exec_allowed);
        yajl_gen_map_close(g);
        gen_str(g, "calls");
        yajl_gen_map_open(g);
        for (size_t i = 0; i < lp->n; i++) {
                const struct learned_syscall *s = &lp->v[i];
                gen_str(g, s->name);
                yajl_gen_map_open(g);
                gen_kv_u64(g, "count", s->count);
                if (s->by_args) {
                        gen_kv_u64(g, "arg", s->arg_index);
                        gen_kv_str(g, "cmp", s->cmp == LEARNED_CMP_LOW32 ? "low32" : "eq");
                        gen_str(g, "values");
                        yajl_gen_array_open(g);
                        for (size_t k = 0; k < s->n_values; k++)
                                gen_u64(g, s->values[k]);
                        yajl_gen_array_close(g);
                }
                yajl_gen_map_close(g);
        }
        yajl_gen_map_close(g);
        yajl_gen_map_close(g);
}

int learned_emit(const struct learned_profile *lp, char **ret, size_t *ret_len, struct dbx_error *err)
{
        yajl_gen g;
        int r = jsongen_new("  ", false, &g, err);
        if (r < 0)
                return r;
        yajl_gen_map_open(g);
        gen_kv_str(g, "defaultAction", "SCMP_ACT_ERRNO");
        gen_kv_u64(g, "defaultErrnoRet", EPERM_NR);
        gen_str(g, "architectures");
        yajl_gen_array_open(g);
        gen_str(g, "SCMP_ARCH_X86_64");
        yajl_gen_array_close(g);

        gen_str(g, "syscalls");
        yajl_gen_array_open(g);
        const char **plain = calloc(lp->n + 1, sizeof(*plain));
        if (!plain) {
                yajl_gen_free(g);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        size_t n_plain = 0;
        for (size_t i = 0; i < lp->n; i++)
                if (!lp->v[i].by_args && !is_exec_name(lp->v[i].name) && strcmp(lp->v[i].name, "clone3") != 0)
                        plain[n_plain++] = lp->v[i].name;
        if (n_plain)
                gen_entry(g, plain, n_plain, "SCMP_ACT_ALLOW", -1, "seen: allowed by name");
        free(plain);
        for (size_t i = 0; i < lp->n; i++)
                for (size_t k = 0; lp->v[i].by_args && k < lp->v[i].n_values; k++)
                        gen_arg_entry(g, &lp->v[i], lp->v[i].values[k]);
        static const char *const exec_names[] = { "execve", "execveat" };
        if (lp->exec_allowed)
                gen_entry(g, exec_names, 2, "SCMP_ACT_ALLOW", -1,
                          "FINDING: the workload exec'd after its own start and the base profile let it: it runs subprocesses");
        else
                gen_entry(g, exec_names, 2, "SCMP_ACT_ERRNO", EPERM_NR,
                          "exec-once: denybox's own exec of the payload is let through by its supervisor, every later one is EPERM");
        static const char *const clone3[] = { "clone3" };
        gen_entry(g, clone3, 1, "SCMP_ACT_ERRNO", ENOSYS_NR, "ENOSYS, not EPERM: glibc then falls back to clone");
        yajl_gen_array_close(g);

        gen_metadata(g, lp);
        yajl_gen_map_close(g);
        return jsongen_take(g, "the profile's JSON", ret, ret_len, err);
}

/* ---- reading back (--merge) --------------------------------------------------------------- */

/* Required members of o at path, each read by its typed getter. */
static int get_str(yajl_val o, const char *key, const char *path, char **ret, struct dbx_error *err)
{
        char p[160];
        yajl_val v;
        int r = json_required(o, path, key, p, sizeof(p), &v, err);
        return r < 0 ? r : json_get_string(v, p, true, ret, err);
}

static int get_u64(yajl_val o, const char *key, const char *path, uint64_t *ret, struct dbx_error *err)
{
        char p[160];
        yajl_val v;
        int r = json_required(o, path, key, p, sizeof(p), &v, err);
        return r < 0 ? r : json_get_uint(v, p, UINT64_MAX, ret, err);
}

static int parse_call(yajl_val c, const char *name, const char *path, struct learned_profile *lp, struct dbx_error *err)
{
        uint64_t count, arg;
        int r;
        if (!YAJL_IS_OBJECT(c))
                return json_type_error(path, "an object", c, err);
        if ((r = get_u64(c, "count", path, &count, err)) < 0)
                return r;
        yajl_val values = json_member(c, "values");
        if (!values)
                return learned_add(lp, name, count, false, 0, LEARNED_CMP_EQ, 0) < 0 ? dbx_error_set(err, ENOMEM, "out of memory") : 0;
        _cleanup_free_ char *cmp = NULL;
        if ((r = get_u64(c, "arg", path, &arg, err)) < 0 || (r = get_str(c, "cmp", path, &cmp, err)) < 0)
                return r;
        char p[160];
        json_path_fmt(p, sizeof(p), "%s.values", path);
        if (arg > 5 || (strcmp(cmp, "eq") != 0 && strcmp(cmp, "low32") != 0) || !YAJL_IS_ARRAY(values) || !values->u.array.len)
                return dbx_error_set_path(err, EINVAL, path, "not an argument rule denybox learn writes");
        for (size_t k = 0; k < values->u.array.len; k++) {
                uint64_t v;
                json_path_fmt(p, sizeof(p), "%s.values[%zu]", path, k);
                if ((r = json_get_uint(values->u.array.values[k], p, UINT64_MAX, &v, err)) < 0)
                        return r;
                if (learned_add(lp, name, k ? 0 : count, true, (unsigned)arg,
                                strcmp(cmp, "eq") == 0 ? LEARNED_CMP_EQ : LEARNED_CMP_LOW32, v) < 0)
                        return dbx_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

static int parse_meta(yajl_val m, struct learned_profile *lp, struct dbx_error *err)
{
        const char *path = LEARNED_KEY;
        _cleanup_free_ char *gen = NULL, *date = NULL;
        char p[160];
        int r;
        if (!YAJL_IS_OBJECT(m))
                return json_type_error(path, "an object", m, err);
        if ((r = get_str(m, "generator", path, &gen, err)) < 0)
                return r;
        if (strcmp(gen, "denybox learn") != 0)
                return dbx_error_set_path(err, EINVAL, LEARNED_KEY ".generator", "not a profile denybox learn wrote");
        if ((r = get_str(m, "version", path, &lp->version, err)) < 0 ||
            (r = get_str(m, "base_profile", path, &lp->base_profile, err)) < 0 ||
            (r = get_str(m, "base_profile_sha256", path, &lp->base_sha256, err)) < 0 ||
            (r = get_u64(m, "runs", path, &lp->runs, err)) < 0)
                return r;
        if (json_member(m, "date")) {
                struct tm tm = { 0 };
                if ((r = get_str(m, "date", path, &date, err)) < 0)
                        return r;
                const char *end = strptime(date, "%Y-%m-%dT%H:%M:%SZ", &tm);
                if (!end || *end)
                        return dbx_error_set_path(err, EINVAL, LEARNED_KEY ".date", "expected YYYY-MM-DDTHH:MM:SSZ");
                lp->date = (int64_t)timegm(&tm);
        }
        yajl_val cmds = json_member(m, "commands");
        if (!YAJL_IS_ARRAY(cmds))
                return json_type_error(LEARNED_KEY ".commands", "an array", cmds, err);
        for (size_t i = 0; i < cmds->u.array.len; i++) {
                _cleanup_free_ char *s = NULL;
                json_path_fmt(p, sizeof(p), "%s.commands[%zu]", path, i);
                if ((r = json_get_string(cmds->u.array.values[i], p, true, &s, err)) < 0)
                        return r;
                if (add_command(lp, s) < 0)
                        return dbx_error_set(err, ENOMEM, "out of memory");
        }
        yajl_val ex = json_member(m, "exec_after_start"), allowed = ex ? json_member(ex, "allowed") : NULL;
        if (!ex || !allowed || !(YAJL_IS_TRUE(allowed) || YAJL_IS_FALSE(allowed)))
                return dbx_error_set_path(err, EINVAL, LEARNED_KEY ".exec_after_start", "expected {attempts, allowed}");
        if ((r = get_u64(ex, "attempts", LEARNED_KEY ".exec_after_start", &lp->exec_attempts, err)) < 0)
                return r;
        lp->exec_allowed = YAJL_IS_TRUE(allowed);
        yajl_val calls = json_member(m, "calls");
        if (!YAJL_IS_OBJECT(calls))
                return json_type_error(LEARNED_KEY ".calls", "an object", calls, err);
        for (size_t i = 0; i < calls->u.object.len; i++) {
                json_path_fmt(p, sizeof(p), "%s.calls.%s", path, calls->u.object.keys[i]);
                if ((r = parse_call(calls->u.object.values[i], calls->u.object.keys[i], p, lp, err)) < 0)
                        return r;
        }
        return 0;
}

int learned_parse(const char *json, size_t len, struct learned_profile *ret, struct dbx_error *err)
{
        char errbuf[256] = "";
        _cleanup_free_ char *text = strndup(json, len);
        if (!text)
                return dbx_error_set(err, ENOMEM, "out of memory");
        yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
        if (!root)
                return dbx_error_set(err, EINVAL, "not JSON: %.*s", (int)strcspn(errbuf, "\n"), errbuf);
        struct learned_profile lp = { .date = -1 };
        int r;
        yajl_val m = YAJL_IS_OBJECT(root) ? json_member(root, LEARNED_KEY) : NULL;
        if (!m)
                r = dbx_error_set_path(err, EINVAL, LEARNED_KEY, "missing: not a profile denybox learn wrote");
        else
                r = parse_meta(m, &lp, err);
        yajl_tree_free(root);
        /* The file must be exactly what learned_emit() makes of what was read: an edited rule list
         * is not silently replaced by the metadata. */
        _cleanup_free_ char *again = NULL;
        size_t again_len = 0;
        if (r == 0 && (r = learned_emit(&lp, &again, &again_len, err)) == 0 &&
            (again_len != len || memcmp(again, json, len) != 0))
                r = dbx_error_set(err, EINVAL, "the rules differ from what its " LEARNED_KEY
                                  " metadata records (edited by hand?): merge only files denybox learn wrote");
        if (r < 0) {
                learned_free(&lp);
                return r;
        }
        *ret = lp;
        return 0;
}
