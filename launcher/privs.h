/* SPDX-License-Identifier: MIT */
/* Credentials and privileges: uid/gid maps (parent side), and the final drop (child side). */
#pragma once

#include <sys/types.h>

#include "config.h"
#include "error.h"

/* Parent: write setgroups=deny, uid_map and gid_map of the child.  The sandbox uid/gid map to the
 * caller's own ids when unprivileged; when root, they map to themselves and root maps to root
 * (so denybox's setup inside can own the files of its own tmpfs). */
int userns_write_maps(pid_t child, const struct sandbox_config *c, struct dbx_error *err);

/* Child: lock securebits, empty the bounding and ambient sets, switch to the sandbox uid/gid,
 * empty every capability set (libcap).  Afterwards the process holds no capability at all. */
int privs_drop(const struct sandbox_config *c, struct dbx_error *err);
