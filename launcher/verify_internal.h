/* SPDX-License-Identifier: MIT */
/* Shared by the files of denybox verify (verify.c, verify_schema.c, verify_reports.c) only. */
#pragma once

#include <stdbool.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "verify.h"

/* One line each into res (findings make the bundle invalid; notes do not). */
void verify_finding(struct verify_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void verify_note(struct verify_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define finding verify_finding
#define note verify_note

/* ---- JSON access ---------------------------------------------------------------------------- */

static inline yajl_val get(yajl_val obj, const char *key)
{
        if (!YAJL_IS_OBJECT(obj))
                return NULL;
        for (size_t i = 0; i < obj->u.object.len; i++)
                if (strcmp(obj->u.object.keys[i], key) == 0)
                        return obj->u.object.values[i];
        return NULL;
}

/* the text of a value already known to be a string */
static inline const char *sv(yajl_val v)
{
        return v->u.string;
}

static inline const char *str(yajl_val obj, const char *key)
{
        yajl_val v = get(obj, key);
        return YAJL_IS_STRING(v) ? sv(v) : NULL;
}

static inline long long num(yajl_val obj, const char *key, long long dflt)
{
        yajl_val v = get(obj, key);
        return YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : dflt;
}

enum { T_STR = 1, T_INT = 2, T_BOOL = 4, T_NULL = 8, T_ARR = 16, T_OBJ = 32 };

/* verify_schema.c: the structure of docs/bundle.schema.json; false if the bundle cannot be read further. */
bool verify_check_schema(struct verify_result *res, yajl_val b);

/* verify_reports.c: the files beside the bundle, and the in-toto frame around it. */
char *verify_read_beside(const char *dir, const char *name, struct verify_result *res);
void verify_check_markdown(struct verify_result *res, yajl_val b, const char *md);
void verify_check_junit(struct verify_result *res, yajl_val b, const char *xml);
void verify_check_statement(struct verify_result *res, yajl_val st, yajl_val b);
/* The same JSON value (object keys in any order, numbers by their literal text). */
bool verify_json_equal(yajl_val a, yajl_val b);
