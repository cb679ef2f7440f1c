/* SPDX-License-Identifier: MIT */
/* Moby's includes/excludes of a syscall rule (arches, caps, minKernel): parsed by
 * profile_cond_parse() for profile.c, evaluated by profile_syscall_applies() (profile.h). */
#pragma once

#include "json.h"
#include "profile.h"

int profile_cond_parse(yajl_val v, const char *path, struct profile_cond *c, struct dbx_error *err);
void profile_cond_free(struct profile_cond *c);
