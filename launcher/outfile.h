/* SPDX-License-Identifier: MIT */
#pragma once
#include <stddef.h>

#include "error.h"

/* Write data as dir/name atomically: an unnamed O_TMPFILE (or a named temp file where the
 * filesystem has none), fsync, then linked in and renamed over name, so that name never holds a
 * partial file and a SIGKILL at any point leaves at most a complete temp file. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, struct dbx_error *err);
