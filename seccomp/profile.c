/* SPDX-License-Identifier: MIT */
/* Docker/OCI seccomp JSON -> struct profile.  yajl_tree, no system calls.
 *
 * Accepted: Moby's format (names/legacy name, archMap, includes/excludes, errnoRet, comment,
 * flags, listenerPath/listenerMetadata), containers-common's additions (errno/defaultErrno as
 * names beside the numbers), the runtime-spec's seccomp object, and a whole OCI config.json
 * (its linux.seccomp).  Validation follows upstream (moby/profiles, runc, crun, the runtime-spec
 * MUSTs) and is stricter in two places, so a typo can never leave a silently weaker filter:
 * unknown keys and duplicate keys are errors (Go ignores the first and takes the last of the
 * second).  A JSON null member is treated as absent, as Go does; a null array element is an
 * error.  Every error names the JSON path of the value at fault. */
#include "profile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#define ERRNO_MAX_DATA 0xffffu /* SECCOMP_RET_DATA is 16 bits: larger values would be truncated */

struct name_value {
        const char *name;
        unsigned value;
};

static const struct name_value action_table[] = {
        { "SCMP_ACT_KILL", PA_KILL_THREAD },       { "SCMP_ACT_KILL_THREAD", PA_KILL_THREAD },
        { "SCMP_ACT_KILL_PROCESS", PA_KILL_PROCESS }, { "SCMP_ACT_TRAP", PA_TRAP },
        { "SCMP_ACT_ERRNO", PA_ERRNO },            { "SCMP_ACT_TRACE", PA_TRACE },
        { "SCMP_ACT_ALLOW", PA_ALLOW },            { "SCMP_ACT_LOG", PA_LOG },
        { "SCMP_ACT_NOTIFY", PA_NOTIFY },
};

static const struct name_value op_table[] = {
        { "SCMP_CMP_NE", PO_NE }, { "SCMP_CMP_LT", PO_LT }, { "SCMP_CMP_LE", PO_LE },
        { "SCMP_CMP_EQ", PO_EQ }, { "SCMP_CMP_GE", PO_GE }, { "SCMP_CMP_GT", PO_GT },
        { "SCMP_CMP_MASKED_EQ", PO_MASKED_EQ },
};

static const struct name_value flag_table[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", PROFILE_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", PROFILE_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", PROFILE_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", PROFILE_FLAG_WAIT_KILLABLE_RECV },
};

/* The runtime-spec's SeccompArch enum (value unused: names are only validated, denybox always
 * filters the native x86_64 ABI alone). */
static const struct name_value arch_table[] = {
        { "SCMP_ARCH_X86", 0 },        { "SCMP_ARCH_X86_64", 0 },      { "SCMP_ARCH_X32", 0 },
        { "SCMP_ARCH_ARM", 0 },        { "SCMP_ARCH_AARCH64", 0 },     { "SCMP_ARCH_LOONGARCH64", 0 },
        { "SCMP_ARCH_M68K", 0 },       { "SCMP_ARCH_MIPS", 0 },        { "SCMP_ARCH_MIPS64", 0 },
        { "SCMP_ARCH_MIPS64N32", 0 },  { "SCMP_ARCH_MIPSEL", 0 },      { "SCMP_ARCH_MIPSEL64", 0 },
        { "SCMP_ARCH_MIPSEL64N32", 0 }, { "SCMP_ARCH_PPC", 0 },        { "SCMP_ARCH_PPC64", 0 },
        { "SCMP_ARCH_PPC64LE", 0 },    { "SCMP_ARCH_S390", 0 },        { "SCMP_ARCH_S390X", 0 },
        { "SCMP_ARCH_SH", 0 },         { "SCMP_ARCH_SHEB", 0 },        { "SCMP_ARCH_PARISC", 0 },
        { "SCMP_ARCH_PARISC64", 0 },   { "SCMP_ARCH_RISCV64", 0 },
};

static const struct name_value *lookup(const struct name_value *t, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(t[i].name, name) == 0)
                        return &t[i];
        return NULL;
}
#define LOOKUP(table, name) lookup(table, ELEMENTSOF(table), name)

const char *profile_action_name(const struct profile_action *a, char *buf, size_t size)
{
        for (size_t i = 0; i < ELEMENTSOF(action_table); i++)
                if (action_table[i].value == a->kind && strcmp(action_table[i].name, "SCMP_ACT_KILL") != 0) {
                        if (a->kind == PA_ERRNO || a->kind == PA_TRACE)
                                snprintf(buf, size, "%s(%u)", action_table[i].name, a->data);
                        else
                                snprintf(buf, size, "%s", action_table[i].name);
                        return buf;
                }
        snprintf(buf, size, "?");
        return buf;
}

/* Input text quoted for a one-line message: printable ASCII only, truncated. */
const char *profile_quote(const char *s, char buf[static 72])
{
        size_t o = 0;
        buf[o++] = '"';
        for (; *s && o < 64; s++)
                buf[o++] = (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') ? *s : '?';
        if (*s) {
                memcpy(buf + o, "...", 3);
                o += 3;
        }
        buf[o++] = '"';
        buf[o] = 0;
        return buf;
}

/* ---- JSON access helpers (path in, error out) ---- */

/* JSON paths are truncated at the error object's size (160): a deliberate, silent cut. */
static void path_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void path_fmt(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
}

static const char *type_name(yajl_val v)
{
        static const char *const names[] = { "?", "string", "number", "object", "array", "true", "false", "null" };
        return v && v->type >= yajl_t_string && v->type <= yajl_t_null ? names[v->type] : "?";
}

static int type_error(const char *path, const char *want, yajl_val v, struct dbx_error *err)
{
        return dbx_error_set_path(err, EINVAL, path, "expected %s, got %s", want, type_name(v));
}

/* Member of an object, or NULL when absent or JSON null. */
static yajl_val member(yajl_val o, const char *key)
{
        for (size_t i = 0; i < o->u.object.len; i++)
                if (strcmp(o->u.object.keys[i], key) == 0)
                        return YAJL_IS_NULL(o->u.object.values[i]) ? NULL : o->u.object.values[i];
        return NULL;
}

/* Rejects unknown and duplicate keys: keys is a NULL-terminated list. */
static int check_keys(yajl_val o, const char *path, const char *const *keys, struct dbx_error *err)
{
        char q[72];
        for (size_t i = 0; i < o->u.object.len; i++) {
                const char *k = o->u.object.keys[i];
                bool known = false;
                for (size_t j = 0; keys[j] && !known; j++)
                        known = strcmp(keys[j], k) == 0;
                if (!known)
                        return dbx_error_set_path(err, EINVAL, path, "unknown key %s", profile_quote(k, q));
                for (size_t j = 0; j < i; j++)
                        if (strcmp(o->u.object.keys[j], k) == 0)
                                return dbx_error_set_path(err, EINVAL, path, "duplicate key %s", profile_quote(k, q));
        }
        return 0;
}

static int get_string(yajl_val v, const char *path, bool allow_empty, char **ret, struct dbx_error *err)
{
        if (!YAJL_IS_STRING(v))
                return type_error(path, "a string", v, err);
        if (!allow_empty && !v->u.string[0])
                return dbx_error_set_path(err, EINVAL, path, "empty string");
        char *s = strdup(v->u.string);
        if (!s)
                return dbx_error_set(err, ENOMEM, "out of memory");
        *ret = s;
        return 0;
}

/* An unsigned JSON integer up to max, from yajl's literal text (no double rounding, no wrap of
 * negatives, no saturation at 2^64-1). */
static int get_uint(yajl_val v, const char *path, uint64_t max, uint64_t *ret, struct dbx_error *err)
{
        if (!YAJL_IS_NUMBER(v))
                return type_error(path, "an unsigned integer", v, err);
        const char *t = v->u.number.r;
        size_t n = strspn(t, "0123456789");
        if (n == 0 || t[n] != 0)
                return dbx_error_set_path(err, EINVAL, path, "expected an unsigned integer, got %.40s%s", t,
                                          strlen(t) > 40 ? "..." : "");
        errno = 0;
        unsigned long long x = strtoull(t, NULL, 10);
        if (errno == ERANGE || n > 20 || x > max)
                return dbx_error_set_path(err, ERANGE, path, "%.40s%s is out of range (max %llu)", t,
                                          strlen(t) > 40 ? "..." : "", (unsigned long long)max);
        *ret = x;
        return 0;
}

static void strv_free(char **v, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

/* An array of strings; with table, each must be one of its names. */
static int get_strings(yajl_val v, const char *path, bool allow_empty_array, const struct name_value *table,
                       size_t table_len, char ***ret, size_t *ret_n, struct dbx_error *err)
{
        char p[160], q[72];
        if (!YAJL_IS_ARRAY(v))
                return type_error(path, "an array of strings", v, err);
        if (v->u.array.len == 0 && !allow_empty_array)
                return dbx_error_set_path(err, EINVAL, path, "must hold at least one entry");
        char **s = calloc(v->u.array.len + 1, sizeof(char *));
        if (!s)
                return dbx_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < v->u.array.len; i++) {
                path_fmt(p, sizeof(p), "%s[%zu]", path, i);
                int r = get_string(v->u.array.values[i], p, false, &s[i], err);
                if (r == 0 && table && !lookup(table, table_len, s[i]))
                        r = dbx_error_set_path(err, EINVAL, p, "unknown value %s", profile_quote(s[i], q));
                if (r < 0) {
                        strv_free(s, i + 1);
                        return r;
                }
        }
        *ret = s;
        *ret_n = v->u.array.len;
        return 0;
}

/* ---- profile pieces ---- */

static int errno_from_name(const char *name)
{
        for (int e = 1; e < 4096; e++) {
                const char *n = strerrorname_np(e);
                if (n && strcmp(n, name) == 0)
                        return e;
        }
        return -1;
}

/* action + errnoRet (+ containers-common's errno name) -> struct profile_action. */
static int parse_action(yajl_val o, const char *prefix, const char *act_key, const char *ret_key,
                        const char *name_key, bool required, bool *present, struct profile_action *ret,
                        struct dbx_error *err)
{
        char p[160], q[72];
        yajl_val a = member(o, act_key), e = member(o, ret_key), en = member(o, name_key);
        path_fmt(p, sizeof(p), "%s%s", prefix, act_key);
        *present = a != NULL;
        if (!a)
                return required ? dbx_error_set_path(err, EINVAL, p, "missing (required)") : 0;
        if (!YAJL_IS_STRING(a))
                return type_error(p, "an action name", a, err);
        const struct name_value *nv = LOOKUP(action_table, a->u.string);
        if (!nv)
                return dbx_error_set_path(err, EINVAL, p, "unknown action %s", profile_quote(a->u.string, q));
        ret->kind = nv->value;
        ret->data = ret->kind == PA_ERRNO ? EPERM : 0;
        bool takes_data = ret->kind == PA_ERRNO || ret->kind == PA_TRACE;
        if (e) {
                uint64_t x;
                path_fmt(p, sizeof(p), "%s%s", prefix, ret_key);
                if (!takes_data) /* runtime-spec: "the runtime MUST print an error and fail" */
                        return dbx_error_set_path(err, EINVAL, p, "%s does not take an errno value", a->u.string);
                int r = get_uint(e, p, ERRNO_MAX_DATA, &x, err);
                if (r < 0)
                        return r;
                ret->data = (uint32_t)x;
        }
        if (en) {
                path_fmt(p, sizeof(p), "%s%s", prefix, name_key);
                if (!YAJL_IS_STRING(en))
                        return type_error(p, "an errno name", en, err);
                int x = errno_from_name(en->u.string);
                if (x < 0)
                        return dbx_error_set_path(err, EINVAL, p, "unknown errno name %s", profile_quote(en->u.string, q));
                if (ret->kind != PA_ERRNO)
                        return dbx_error_set_path(err, EINVAL, p, "%s does not take an errno value", a->u.string);
                if (e && (uint32_t)x != ret->data)
                        return dbx_error_set_path(err, EINVAL, p, "%s (%d) contradicts %s%s (%u)", en->u.string, x,
                                                  prefix, ret_key, ret->data);
                ret->data = (uint32_t)x;
        }
        return 0;
}

/* Moby's KernelVersion.UnmarshalJSON: "<major>.<minor>", each a uint8, not "0.0"; "" = absent. */
static int parse_min_kernel(yajl_val v, const char *path, struct profile_cond *c, struct dbx_error *err)
{
        char q[72];
        if (!YAJL_IS_STRING(v))
                return dbx_error_set_path(err, EINVAL, path, "invalid kernel version: expected a string \"<major>.<minor>\", got %s",
                                          type_name(v));
        const char *s = v->u.string;
        if (!s[0])
                return 0;
        size_t a = strspn(s, "0123456789"), b = a < strlen(s) && s[a] == '.' ? strspn(s + a + 1, "0123456789") : 0;
        if (a == 0 || a > 3 || s[a] != '.' || b == 0 || b > 3 || s[a + 1 + b] != 0)
                return dbx_error_set_path(err, EINVAL, path, "invalid kernel version %s, expected \"<major>.<minor>\"", profile_quote(s, q));
        unsigned long major = strtoul(s, NULL, 10), minor = strtoul(s + a + 1, NULL, 10);
        if (major > 255 || minor > 255 || (major == 0 && minor == 0))
                return dbx_error_set_path(err, EINVAL, path, "invalid kernel version %s", profile_quote(s, q));
        c->has_min_kernel = true;
        c->min_kernel_major = (unsigned)major;
        c->min_kernel_minor = (unsigned)minor;
        return 0;
}

static int parse_cond(yajl_val v, const char *path, struct profile_cond *c, struct dbx_error *err)
{
        static const char *const keys[] = { "caps", "arches", "minKernel", NULL };
        char p[160];
        int r;
        if (!YAJL_IS_OBJECT(v))
                return type_error(path, "an object", v, err);
        if ((r = check_keys(v, path, keys, err)) < 0)
                return r;
        yajl_val x;
        path_fmt(p, sizeof(p), "%s.caps", path);
        if ((x = member(v, "caps")) && (r = get_strings(x, p, true, NULL, 0, &c->caps, &c->n_caps, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.arches", path);
        if ((x = member(v, "arches")) && (r = get_strings(x, p, true, NULL, 0, &c->arches, &c->n_arches, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.minKernel", path);
        if ((x = member(v, "minKernel")) && (r = parse_min_kernel(x, p, c, err)) < 0)
                return r;
        return 0;
}

static int parse_arg(yajl_val v, const char *path, struct profile_arg *a, struct dbx_error *err)
{
        static const char *const keys[] = { "index", "value", "valueTwo", "op", NULL };
        char p[160], q[72];
        uint64_t x;
        int r;
        if (!YAJL_IS_OBJECT(v))
                return type_error(path, "an object", v, err);
        if ((r = check_keys(v, path, keys, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.index", path);
        yajl_val m = member(v, "index");
        if (!m)
                return dbx_error_set_path(err, EINVAL, p, "missing (required)");
        if ((r = get_uint(m, p, UINT32_MAX, &x, err)) < 0)
                return r;
        if (x > 5) /* crun: "invalid seccomp index"; libseccomp: only 6 arguments */
                return dbx_error_set_path(err, EINVAL, p, "argument index %llu out of range 0..5", (unsigned long long)x);
        a->index = (unsigned)x;
        path_fmt(p, sizeof(p), "%s.value", path);
        if (!(m = member(v, "value")))
                return dbx_error_set_path(err, EINVAL, p, "missing (required)");
        if ((r = get_uint(m, p, UINT64_MAX, &a->value, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.valueTwo", path);
        if ((m = member(v, "valueTwo")) && (r = get_uint(m, p, UINT64_MAX, &a->value_two, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.op", path);
        if (!(m = member(v, "op")))
                return dbx_error_set_path(err, EINVAL, p, "missing (required)");
        if (!YAJL_IS_STRING(m))
                return type_error(p, "an operator name", m, err);
        const struct name_value *nv = LOOKUP(op_table, m->u.string);
        if (!nv)
                return dbx_error_set_path(err, EINVAL, p, "unknown operator %s", profile_quote(m->u.string, q));
        a->op = nv->value;
        return 0;
}

static int parse_syscall(yajl_val v, const char *path, struct profile_syscall *s, struct dbx_error *err)
{
        static const char *const keys[] = { "name", "names", "action", "errnoRet", "errno", "args",
                                            "includes", "excludes", "comment", NULL };
        char p[160], pre[160];
        int r;
        bool present;
        if (!YAJL_IS_OBJECT(v))
                return type_error(path, "an object", v, err);
        if ((r = check_keys(v, path, keys, err)) < 0)
                return r;
        yajl_val name = member(v, "name"), names = member(v, "names"), m;
        if (name && names) /* moby/profiles' wording */
                return dbx_error_set_path(err, EINVAL, path,
                                          "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
        if (!name && !names) /* runc: "empty string is not a valid syscall" (moby#27224) */
                return dbx_error_set_path(err, EINVAL, path, "syscall entry has neither 'names' nor 'name'");
        if (name) {
                path_fmt(p, sizeof(p), "%s.name", path);
                s->legacy_name = true;
                if (!(s->names = calloc(2, sizeof(char *))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                if ((r = get_string(name, p, false, &s->names[0], err)) < 0)
                        return r;
                s->n_names = 1;
        } else {
                path_fmt(p, sizeof(p), "%s.names", path);
                if ((r = get_strings(names, p, false, NULL, 0, &s->names, &s->n_names, err)) < 0)
                        return r;
        }
        path_fmt(pre, sizeof(pre), "%s.", path);
        if ((r = parse_action(v, pre, "action", "errnoRet", "errno", true, &present, &s->action, err)) < 0)
                return r;
        if ((m = member(v, "args"))) {
                path_fmt(p, sizeof(p), "%s.args", path);
                if (!YAJL_IS_ARRAY(m))
                        return type_error(p, "an array", m, err);
                if (m->u.array.len > PROFILE_MAX_ARGS)
                        return dbx_error_set_path(err, E2BIG, p, "more than %d argument conditions", PROFILE_MAX_ARGS);
                if (m->u.array.len && !(s->args = calloc(m->u.array.len, sizeof(*s->args))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                for (size_t i = 0; i < m->u.array.len; i++, s->n_args++) {
                        path_fmt(p, sizeof(p), "%s.args[%zu]", path, i);
                        if ((r = parse_arg(m->u.array.values[i], p, &s->args[i], err)) < 0)
                                return r;
                }
        }
        path_fmt(p, sizeof(p), "%s.includes", path);
        if ((m = member(v, "includes")) && (r = parse_cond(m, p, &s->includes, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.excludes", path);
        if ((m = member(v, "excludes")) && (r = parse_cond(m, p, &s->excludes, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.comment", path);
        if ((m = member(v, "comment")) && (r = get_string(m, p, true, &s->comment, err)) < 0)
                return r;
        return 0;
}

static int parse_arch_map(yajl_val v, const char *path, struct profile_arch_map *a, struct dbx_error *err)
{
        static const char *const keys[] = { "architecture", "subArchitectures", NULL };
        char p[160], q[72];
        int r;
        if (!YAJL_IS_OBJECT(v))
                return type_error(path, "an object", v, err);
        if ((r = check_keys(v, path, keys, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%s.architecture", path);
        yajl_val m = member(v, "architecture");
        if (!m)
                return dbx_error_set_path(err, EINVAL, p, "missing (required)");
        if ((r = get_string(m, p, false, &a->arch, err)) < 0)
                return r;
        if (!LOOKUP(arch_table, a->arch))
                return dbx_error_set_path(err, EINVAL, p, "unknown architecture %s", profile_quote(a->arch, q));
        path_fmt(p, sizeof(p), "%s.subArchitectures", path);
        if ((m = member(v, "subArchitectures")) &&
            (r = get_strings(m, p, true, arch_table, ELEMENTSOF(arch_table), &a->sub_arches, &a->n_sub_arches, err)) < 0)
                return r;
        return 0;
}

static int parse_top(yajl_val o, struct profile *pr, struct dbx_error *err)
{
        static const char *const keys[] = { "defaultAction", "defaultErrnoRet", "defaultErrno", "architectures",
                                            "archMap", "syscalls", "flags", "listenerPath", "listenerMetadata", NULL };
        const char *pre = pr->path_prefix;
        char p[160], q[72];
        int r;
        bool present;
        if ((r = check_keys(o, pre[0] ? "linux.seccomp" : "", keys, err)) < 0)
                return r;
        if ((r = parse_action(o, pre, "defaultAction", "defaultErrnoRet", "defaultErrno", true, &present,
                              &pr->default_action, err)) < 0)
                return r;
        if (pr->default_action.kind == PA_NOTIFY) { /* runc: "SCMP_ACT_NOTIFY cannot be used as default action" */
                path_fmt(p, sizeof(p), "%sdefaultAction", pre);
                return dbx_error_set_path(err, EINVAL, p, "SCMP_ACT_NOTIFY cannot be used as the default action");
        }
        yajl_val arches = member(o, "architectures"), map = member(o, "archMap"), m;
        if (YAJL_IS_ARRAY(arches) && arches->u.array.len && YAJL_IS_ARRAY(map) && map->u.array.len) /* moby's wording */
                return dbx_error_set_path(err, EINVAL, pre[0] ? "linux.seccomp" : "",
                                          "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'");
        path_fmt(p, sizeof(p), "%sarchitectures", pre);
        if (arches && (r = get_strings(arches, p, true, arch_table, ELEMENTSOF(arch_table), &pr->arches, &pr->n_arches, err)) < 0)
                return r;
        if (map) {
                path_fmt(p, sizeof(p), "%sarchMap", pre);
                if (!YAJL_IS_ARRAY(map))
                        return type_error(p, "an array", map, err);
                if (map->u.array.len && !(pr->arch_map = calloc(map->u.array.len, sizeof(*pr->arch_map))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                for (size_t i = 0; i < map->u.array.len; i++) {
                        path_fmt(p, sizeof(p), "%sarchMap[%zu]", pre, i);
                        r = parse_arch_map(map->u.array.values[i], p, &pr->arch_map[i], err);
                        pr->n_arch_map++; /* also a partial entry, so profile_free sees it */
                        if (r < 0)
                                return r;
                }
        }
        if ((m = member(o, "flags"))) {
                char **flags = NULL;
                size_t n = 0;
                path_fmt(p, sizeof(p), "%sflags", pre);
                if ((r = get_strings(m, p, true, flag_table, ELEMENTSOF(flag_table), &flags, &n, err)) < 0)
                        return r;
                for (size_t i = 0; i < n; i++) {
                        const struct name_value *nv = LOOKUP(flag_table, flags[i]);
                        pr->flags |= nv ? nv->value : 0; /* get_strings checked every name */
                }
                strv_free(flags, n);
        }
        path_fmt(p, sizeof(p), "%slistenerPath", pre);
        if ((m = member(o, "listenerPath")) && (r = get_string(m, p, true, &pr->listener_path, err)) < 0)
                return r;
        path_fmt(p, sizeof(p), "%slistenerMetadata", pre);
        if ((m = member(o, "listenerMetadata")) && (r = get_string(m, p, true, &pr->listener_metadata, err)) < 0)
                return r;
        if (pr->listener_metadata && pr->listener_metadata[0] && !(pr->listener_path && pr->listener_path[0]))
                return dbx_error_set_path(err, EINVAL, p, "listenerMetadata %s is set but listenerPath is not",
                                          profile_quote(pr->listener_metadata, q));
        if ((m = member(o, "syscalls"))) {
                path_fmt(p, sizeof(p), "%ssyscalls", pre);
                if (!YAJL_IS_ARRAY(m))
                        return type_error(p, "an array", m, err);
                if (m->u.array.len && !(pr->syscalls = calloc(m->u.array.len, sizeof(*pr->syscalls))))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                for (size_t i = 0; i < m->u.array.len; i++, pr->n_syscalls++) {
                        path_fmt(p, sizeof(p), "%ssyscalls[%zu]", pre, i);
                        pr->syscalls[i].json_index = i;
                        if ((r = parse_syscall(m->u.array.values[i], p, &pr->syscalls[i], err)) < 0) {
                                pr->n_syscalls++; /* so profile_free sees the partial entry */
                                return r;
                        }
                }
        }
        return 0;
}

/* Before yajl sees the text: bounded nesting (yajl_tree_free recurses), no comments (yajl_tree
 * would accept them; JSON does not), no NUL bytes. */
static int prescan(const char *json, size_t len, struct dbx_error *err)
{
        unsigned depth = 0, line = 1;
        bool in_string = false;
        for (size_t i = 0; i < len; i++) {
                char c = json[i];
                if (c == 0)
                        return dbx_error_set(err, EINVAL, "line %u: NUL byte in JSON text", line);
                if (c == '\n')
                        line++;
                if (in_string) {
                        if (c == '\\')
                                i++;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == '[' || c == '{') {
                        if (++depth > PROFILE_MAX_DEPTH)
                                return dbx_error_set(err, EINVAL, "line %u: JSON nested deeper than %d levels", line,
                                                     PROFILE_MAX_DEPTH);
                } else if (c == ']' || c == '}') {
                        depth = depth ? depth - 1 : 0;
                } else if (c == '/') {
                        return dbx_error_set(err, EINVAL, "line %u: comments are not JSON", line);
                }
        }
        return 0;
}

int profile_parse(const char *json, size_t len, struct profile **ret, struct dbx_error *err)
{
        char errbuf[256] = "";
        int r;
        if (len > PROFILE_MAX_BYTES)
                return dbx_error_set(err, EFBIG, "seccomp profile larger than %u bytes", PROFILE_MAX_BYTES);
        if ((r = prescan(json, len, err)) < 0)
                return r;
        _cleanup_free_ char *text = malloc(len + 1);
        if (!text)
                return dbx_error_set(err, ENOMEM, "out of memory");
        memcpy(text, json, len);
        text[len] = 0;
        yajl_val root = yajl_tree_parse(text, errbuf, sizeof(errbuf));
        if (!root) {
                errbuf[strcspn(errbuf, "\n")] = 0; /* yajl adds a multi-line excerpt: keep one line */
                return dbx_error_set(err, EINVAL, "not valid JSON: %s", errbuf[0] ? errbuf : "empty input");
        }
        struct profile *pr = calloc(1, sizeof(*pr));
        if (!pr) {
                yajl_tree_free(root);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        yajl_val o = root;
        if (!YAJL_IS_OBJECT(o)) {
                r = type_error("", "a JSON object at the top level", o, err);
                goto fail;
        }
        if (!member(o, "defaultAction") && member(o, "linux")) { /* a whole OCI runtime config.json */
                yajl_val linux_ = member(o, "linux");
                o = YAJL_IS_OBJECT(linux_) ? member(linux_, "seccomp") : NULL;
                if (!YAJL_IS_OBJECT(o)) {
                        r = dbx_error_set_path(err, EINVAL, "linux.seccomp", "OCI config without a seccomp object");
                        goto fail;
                }
                snprintf(pr->path_prefix, sizeof(pr->path_prefix), "linux.seccomp.");
        }
        r = parse_top(o, pr, err);
fail:
        yajl_tree_free(root);
        if (r < 0) {
                profile_free(pr);
                return r;
        }
        *ret = pr;
        return 0;
}

static void cond_free(struct profile_cond *c)
{
        strv_free(c->arches, c->n_arches);
        strv_free(c->caps, c->n_caps);
}

void profile_free(struct profile *p)
{
        if (!p)
                return;
        strv_free(p->arches, p->n_arches);
        for (size_t i = 0; i < p->n_arch_map; i++) {
                free(p->arch_map[i].arch);
                strv_free(p->arch_map[i].sub_arches, p->arch_map[i].n_sub_arches);
        }
        free(p->arch_map);
        free(p->listener_path);
        free(p->listener_metadata);
        for (size_t i = 0; i < p->n_syscalls; i++) {
                struct profile_syscall *s = &p->syscalls[i];
                strv_free(s->names, s->n_names);
                free(s->args);
                cond_free(&s->includes);
                cond_free(&s->excludes);
                free(s->comment);
        }
        free(p->syscalls);
        free(p);
}

/* ---- Moby's includes/excludes ---- */

#define NATIVE_GOARCH "amd64"

static bool has_string(char **v, size_t n, const char *s)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

static bool kernel_at_least(const struct filter_host *h, unsigned major, unsigned minor)
{
        return h->kernel_major > major || (h->kernel_major == major && h->kernel_minor >= minor);
}

/* moby/profiles seccomp_linux.go setupSeccomp(), with an empty capability bounding set (denybox
 * drops every capability) and runtime.GOARCH = amd64:
 *   excludes.arches has amd64 -> skip; excludes.caps: never matches (no caps held);
 *   excludes.minKernel <= host -> skip; includes.arches non-empty without amd64 -> skip;
 *   includes.caps non-empty -> skip (every listed cap is required and none is held);
 *   includes.minKernel > host -> skip. */
bool profile_syscall_applies(const struct profile_syscall *s, const struct filter_host *host)
{
        if (has_string(s->excludes.arches, s->excludes.n_arches, NATIVE_GOARCH))
                return false;
        if (s->excludes.has_min_kernel && kernel_at_least(host, s->excludes.min_kernel_major, s->excludes.min_kernel_minor))
                return false;
        if (s->includes.n_arches && !has_string(s->includes.arches, s->includes.n_arches, NATIVE_GOARCH))
                return false;
        if (s->includes.n_caps)
                return false;
        if (s->includes.has_min_kernel && !kernel_at_least(host, s->includes.min_kernel_major, s->includes.min_kernel_minor))
                return false;
        return true;
}
