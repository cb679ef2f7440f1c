/* SPDX-License-Identifier: MIT */
#pragma once
#include "digest.h"
#include "error.h"

/* sha256 over a sorted manifest of the tree (path, type, mode, uid, gid, size, symlink target,
 * file content digest), never following symlinks and never leaving the tree. */
int rootfs_digest(const char *dir, char out[SHA256_HEX_SIZE], struct dbx_error *err);
