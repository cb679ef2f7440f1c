/* SPDX-License-Identifier: MIT */
/* Whole-buffer writes to a file descriptor. */
#pragma once
#include <stddef.h>

/* Writes all len bytes of buf to fd, retrying after a signal and after a short write: 0, or a
 * negative errno (-EIO when write(2) wrote nothing without saying why). */
int fd_write_all(int fd, const void *buf, size_t len);
