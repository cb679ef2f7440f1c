/* SPDX-License-Identifier: MIT */
/* Text built with stdio into a growing buffer (open_memstream), handed over once complete.
 *
 *   struct membuf m;
 *   if ((r = membuf_open(&m, err)) < 0)
 *           return r;
 *   fprintf(m.f, ...);
 *   return membuf_take(&m, &ret, &ret_len, err);
 *
 * The struct must stay where it is between the two calls: the stream writes its buffer's address
 * and size into it, and they are final only once the stream is closed. */
#pragma once
#include <stdio.h>

#include "error.h"

struct membuf {
        FILE *f;
        char *buf;
        size_t len;
};

/* Opens m->f; fails with ENOMEM. */
int membuf_open(struct membuf *m, struct dbx_error *err);

/* Closes m->f and hands over the NUL-terminated text (ret_len may be NULL); on failure frees it
 * and fails with ENOMEM.  Either way m is spent. */
int membuf_take(struct membuf *m, char **ret, size_t *ret_len, struct dbx_error *err);
