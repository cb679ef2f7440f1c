/* SPDX-License-Identifier: MIT */
/* One error convention for all of denybox: a function returns a negative errno and, when given
 * an error object, fills it with one human sentence (and, for JSON input, the path of the value
 * at fault).  Only main.c prints. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct dbx_error {
        int code;          /* positive errno (EINVAL for bad input) */
        char path[160];    /* JSON path of the value at fault, e.g. "syscalls[3].args[0].op"; may be empty */
        char msg[512];     /* one sentence, no trailing newline */
};

/* Fills err (if non-NULL) and returns -errnum.  errnum must be positive. */
int dbx_error_set(struct dbx_error *err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Same, recording the JSON path of the value at fault. */
int dbx_error_set_path(struct dbx_error *err, int errnum, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Prepends "context: " to an already filled message and returns -err->code. */
int dbx_error_wrap(struct dbx_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats the error as one line: "path: msg" or "msg". */
const char *dbx_error_line(const struct dbx_error *err, char *buf, size_t size);

/* cleanup helpers */
void freep(void *p);
void closep(int *fd);
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

static inline void *take_ptr_(void **p)
{
        void *v = *p;
        *p = NULL;
        return v;
}
#define TAKE_PTR(p) ((__typeof__(p))take_ptr_((void **)&(p)))
static inline int take_fd_(int *fd)
{
        int v = *fd;
        *fd = -1;
        return v;
}
#define TAKE_FD(fd) take_fd_(&(fd))
#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
