/* SPDX-License-Identifier: MIT */
/* JSON text written with yajl_gen (jsongen.h). */
#include "jsongen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int jsongen_new(const char *indent, bool validate_utf8, yajl_gen *ret, struct dbx_error *err)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return dbx_error_set(err, ENOMEM, "out of memory");
        if (indent) {
                yajl_gen_config(g, yajl_gen_beautify, 1);
                yajl_gen_config(g, yajl_gen_indent_string, indent);
        }
        if (validate_utf8)
                yajl_gen_config(g, yajl_gen_validate_utf8, 1);
        *ret = g;
        return 0;
}

int jsongen_take(yajl_gen g, const char *what, char **ret, size_t *ret_len, struct dbx_error *err)
{
        const unsigned char *buf;
        size_t len;
        int r = 0;
        char *out = NULL;
        if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
                r = dbx_error_set(err, EINVAL, "cannot generate %s", what);
        else if (!(out = malloc(len + 2)))
                r = dbx_error_set(err, ENOMEM, "out of memory");
        else {
                memcpy(out, buf, len);
                if (len == 0 || out[len - 1] != '\n')
                        out[len++] = '\n';
                out[len] = '\0';
                *ret = out;
                *ret_len = len;
        }
        yajl_gen_free(g);
        return r;
}
