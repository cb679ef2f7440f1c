/* SPDX-License-Identifier: MIT */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int error_vset(struct dbx_error *err, int errnum, const char *path, const char *fmt, va_list ap)
{
        if (errnum <= 0)
                errnum = EINVAL;
        if (err) {
                err->code = errnum;
                snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
                vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        }
        return -errnum;
}

int dbx_error_set(struct dbx_error *err, int errnum, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = error_vset(err, errnum, NULL, fmt, ap);
        va_end(ap);
        return r;
}

int dbx_error_set_path(struct dbx_error *err, int errnum, const char *path, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int r = error_vset(err, errnum, path, fmt, ap);
        va_end(ap);
        return r;
}

int dbx_error_wrap(struct dbx_error *err, const char *fmt, ...)
{
        if (!err)
                return -EINVAL;
        char prefix[256], old[sizeof(err->msg)];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof(prefix), fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof(old));
        snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
        return -(err->code > 0 ? err->code : EINVAL);
}

const char *dbx_error_line(const struct dbx_error *err, char *buf, size_t size)
{
        if (err->path[0])
                snprintf(buf, size, "%s: %s", err->path, err->msg);
        else
                snprintf(buf, size, "%s", err->msg);
        return buf;
}

void freep(void *p)
{
        free(*(void **)p);
}

void closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}
