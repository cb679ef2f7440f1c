/* SPDX-License-Identifier: MIT */
/* Preflight: check the configuration against the host before anything is created, so a wrong
 * input gets one clear sentence and nothing is started or written. */
#pragma once

#include "config.h"
#include "error.h"

int preflight(const struct sandbox_config *c, struct dbx_error *err);

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer. */
int read_file(const char *path, size_t max, char **ret, size_t *ret_len, struct dbx_error *err);
