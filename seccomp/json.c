/* SPDX-License-Identifier: MIT */
/* Typed access to a yajl tree, with the JSON path in every error (json.h). */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h" /* profile_quote */

const struct name_value *name_value_lookup(const struct name_value *t, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(t[i].name, name) == 0)
                        return &t[i];
        return NULL;
}

void json_path_fmt(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
}

const char *json_type_name(yajl_val v)
{
        static const char *const names[] = { "?", "string", "number", "object", "array", "true", "false", "null" };
        return v && v->type >= yajl_t_string && v->type <= yajl_t_null ? names[v->type] : "?";
}

int json_type_error(const char *path, const char *want, yajl_val v, struct dbx_error *err)
{
        return dbx_error_set_path(err, EINVAL, path, "expected %s, got %s", want, json_type_name(v));
}

/* Member of an object, or NULL when absent or JSON null. */
yajl_val json_member(yajl_val o, const char *key)
{
        for (size_t i = 0; i < o->u.object.len; i++)
                if (strcmp(o->u.object.keys[i], key) == 0)
                        return YAJL_IS_NULL(o->u.object.values[i]) ? NULL : o->u.object.values[i];
        return NULL;
}

/* Rejects a non-object, and unknown and duplicate keys: keys is a NULL-terminated list. */
int json_check_keys(yajl_val o, const char *path, const char *const *keys, struct dbx_error *err)
{
        char q[72];
        if (!YAJL_IS_OBJECT(o))
                return json_type_error(path, "an object", o, err);
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

int json_required(yajl_val o, const char *path, const char *key, char *p, size_t size, yajl_val *ret,
                  struct dbx_error *err)
{
        json_path_fmt(p, size, "%s.%s", path, key);
        *ret = json_member(o, key);
        if (!*ret)
                return dbx_error_set_path(err, EINVAL, p, "missing (required)");
        return 0;
}

int json_get_string(yajl_val v, const char *path, bool allow_empty, char **ret, struct dbx_error *err)
{
        if (!YAJL_IS_STRING(v))
                return json_type_error(path, "a string", v, err);
        if (!allow_empty && !v->u.string[0])
                return dbx_error_set_path(err, EINVAL, path, "empty string");
        char *s = strdup(v->u.string);
        if (!s)
                return dbx_error_set(err, ENOMEM, "out of memory");
        *ret = s;
        return 0;
}

int json_get_name(yajl_val v, const char *path, const char *what, const struct name_value *t, size_t n,
                  const struct name_value **ret, struct dbx_error *err)
{
        char want[64], q[72];
        if (!YAJL_IS_STRING(v)) {
                snprintf(want, sizeof(want), "an %s name", what);
                return json_type_error(path, want, v, err);
        }
        const struct name_value *nv = name_value_lookup(t, n, v->u.string);
        if (!nv)
                return dbx_error_set_path(err, EINVAL, path, "unknown %s %s", what, profile_quote(v->u.string, q));
        *ret = nv;
        return 0;
}

/* An unsigned JSON integer up to max, from yajl's literal text (no double rounding, no wrap of
 * negatives, no saturation at 2^64-1). */
int json_get_uint(yajl_val v, const char *path, uint64_t max, uint64_t *ret, struct dbx_error *err)
{
        if (!YAJL_IS_NUMBER(v))
                return json_type_error(path, "an unsigned integer", v, err);
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

void strv_free(char **v, size_t n)
{
        for (size_t i = 0; v && i < n; i++)
                free(v[i]);
        free(v);
}

/* An array of strings; with table, each must be one of its names. */
int json_get_strings(yajl_val v, const char *path, bool allow_empty_array, const struct name_value *table,
                       size_t table_len, char ***ret, size_t *ret_n, struct dbx_error *err)
{
        char p[160], q[72];
        if (!YAJL_IS_ARRAY(v))
                return json_type_error(path, "an array of strings", v, err);
        if (v->u.array.len == 0 && !allow_empty_array)
                return dbx_error_set_path(err, EINVAL, path, "must hold at least one entry");
        char **s = calloc(v->u.array.len + 1, sizeof(char *));
        if (!s)
                return dbx_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < v->u.array.len; i++) {
                json_path_fmt(p, sizeof(p), "%s[%zu]", path, i);
                int r = json_get_string(v->u.array.values[i], p, false, &s[i], err);
                if (r == 0 && table && !name_value_lookup(table, table_len, s[i]))
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
