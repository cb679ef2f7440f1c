/* SPDX-License-Identifier: MIT */
/* The output directory and the all-or-nothing file set written into it.
 *
 * Layout of DIR after a run (the scheme of Kubernetes' atomic volume writer):
 *   DIR/.current                     -> .set-<id>        (a symlink, replaced by one rename)
 *   DIR/.set-<id>/<name>                                 (the set: regular files)
 *   DIR/<name>                       -> .current/<name>  (stable symlinks, one per name)
 * A set is written complete into a fresh .set-<id> and becomes visible by renaming a new
 * .current symlink over the old one, so a path DIR/<name> always resolves into one complete set
 * (or, before the first set, to nothing).  Anything else of ours (a set no longer current, a
 * half-written set of a killed run, a temporary symlink) is swept by the next writer. */
#pragma once
#include <stddef.h>

#include "error.h"

struct outset_file {
        const char *name; /* a plain file name: no '/' */
        const void *data;
        size_t len;
};

/* Opens (creating its last component if needed) the output directory once and checks it:
 * the last component must not be a symlink, must be a directory, must not be writable by others
 * without the sticky bit and, for root, must be owned by root.  Returns an O_DIRECTORY fd. */
int outdir_open(const char *path, struct dbx_error *err);

/* Writes the files as one set into the directory dfd (from outdir_open) and makes it current,
 * all or nothing; gen names the set (letters and digits, unique per run). */
int outset_write(int dfd, const char *gen, const struct outset_file *files, size_t n, struct dbx_error *err);

/* One file written into dirfd under name, replaced atomically (temporary name, fsync, rename). */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, struct dbx_error *err);
