/* SPDX-License-Identifier: MIT */
/* Text built with stdio into a growing buffer (membuf.h). */
#include "membuf.h"

#include <errno.h>
#include <stdlib.h>

int membuf_open(struct membuf *m, struct dbx_error *err)
{
        *m = (struct membuf){ 0 };
        m->f = open_memstream(&m->buf, &m->len);
        if (!m->f)
                return dbx_error_set(err, ENOMEM, "out of memory");
        return 0;
}

int membuf_take(struct membuf *m, char **ret, size_t *ret_len, struct dbx_error *err)
{
        /* open_memstream's buffer and size are only final after fclose */
        int r = fclose(m->f);
        m->f = NULL;
        if (r != 0 || !m->buf) {
                free(m->buf);
                *m = (struct membuf){ 0 };
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        *ret = m->buf;
        if (ret_len)
                *ret_len = m->len;
        *m = (struct membuf){ 0 };
        return 0;
}
