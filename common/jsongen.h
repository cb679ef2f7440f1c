/* SPDX-License-Identifier: MIT */
/* JSON text written with yajl_gen, handed over as one NUL-terminated string ending in a newline.
 *
 *   yajl_gen g;
 *   if ((r = jsongen_new("  ", false, &g, err)) < 0)
 *           return r;
 *   yajl_gen_map_open(g); ...; yajl_gen_map_close(g);
 *   return jsongen_take(g, "the profile's JSON", &ret, &ret_len, err);
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <yajl/yajl_gen.h>

#include "error.h"

/* A generator: indent NULL writes compact JSON, else one value a line indented by indent;
 * validate_utf8 makes a string that is not UTF-8 fail jsongen_take. */
int jsongen_new(const char *indent, bool validate_utf8, yajl_gen *ret, struct dbx_error *err);

/* Frees g and hands over its text (a newline added where it has none) in *ret, its length in
 * *ret_len; "cannot generate <what>" when g is not a complete, valid document. */
int jsongen_take(yajl_gen g, const char *what, char **ret, size_t *ret_len, struct dbx_error *err);
