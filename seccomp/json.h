/* SPDX-License-Identifier: MIT */
/* Typed access to a yajl tree for the profile parser (profile.c, conditions.c): each getter takes
 * the JSON path of the value it reads and, on failure, returns a negative errno with that path in
 * the error object.  No system calls.  Only the files that read JSON include this header. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "error.h"

/* A row of a name -> value table (actions, operators, flags, architectures). */
struct name_value {
        const char *name;
        unsigned value;
};

const struct name_value *name_value_lookup(const struct name_value *t, size_t n, const char *name);
#define LOOKUP(table, name) name_value_lookup(table, ELEMENTSOF(table), name)

/* JSON paths are truncated at the buffer's size (the error object keeps 160): a deliberate,
 * silent cut. */
void json_path_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "string", "number", ... for messages. */
const char *json_type_name(yajl_val v);
int json_type_error(const char *path, const char *want, yajl_val v, struct dbx_error *err);

/* Member of an object, or NULL when absent or JSON null (as Go treats null). */
yajl_val json_member(yajl_val o, const char *key);

/* Rejects a value that is not an object, and an object with unknown or duplicate keys: keys is a
 * NULL-terminated list. */
int json_check_keys(yajl_val o, const char *path, const char *const *keys, struct dbx_error *err);

/* Member key of the object o at path, which must be there ("missing (required)" when absent or
 * null): its path, "path.key", into p. */
int json_required(yajl_val o, const char *path, const char *key, char *p, size_t size, yajl_val *ret,
                  struct dbx_error *err);

/* A string, copied (malloc'd) into *ret. */
int json_get_string(yajl_val v, const char *path, bool allow_empty, char **ret, struct dbx_error *err);

/* A string naming a row of table t: "expected an <what> name" when not a string, "unknown <what>
 * \"...\"" when no row has that name. */
int json_get_name(yajl_val v, const char *path, const char *what, const struct name_value *t, size_t n,
                  const struct name_value **ret, struct dbx_error *err);

/* An unsigned JSON integer up to max, from yajl's literal text. */
int json_get_uint(yajl_val v, const char *path, uint64_t max, uint64_t *ret, struct dbx_error *err);

/* An array of strings (NULL-terminated and counted); with table, each must be one of its names. */
int json_get_strings(yajl_val v, const char *path, bool allow_empty_array, const struct name_value *table,
                     size_t table_len, char ***ret, size_t *ret_n, struct dbx_error *err);

void strv_free(char **v, size_t n);
