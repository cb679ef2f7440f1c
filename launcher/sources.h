/* SPDX-License-Identifier: MIT */
/* What may be bound into the sandbox (issue 9, items 4 and 5): --rootfs and each -v source are
 * resolved ONCE to an O_PATH fd and judged by what that fd IS (file type, identity, file system
 * type), never by how the path is spelled.  The launcher judges (preflight: a refusal is bad
 * input, exit 64) and remembers the identity (st_dev, st_ino) of what it judged; the sandbox's
 * child opens the source again and refuses anything that is not the very inode the launcher
 * judged (every verdict is a property of the inode, so the same inode needs no second judging),
 * then clones THAT fd (open_tree on it): check and bind cannot disagree.
 * (The child must open its own fd: a mount of the launcher's mount namespace cannot be cloned
 * from the child's.) */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "config.h"
#include "error.h"

/* The directory walk looking for sockets in a volume stops after this many entries or this depth;
 * explain and the bundle say when a walk was cut short. */
#define SOURCE_WALK_MAX_ENTRIES 20000
#define SOURCE_WALK_MAX_DEPTH 32
#define SOURCE_MAX_LISTED 16

struct socket_scan {
        size_t n;                                 /* sockets found */
        char listed[SOURCE_MAX_LISTED][256];      /* the first ones, relative to the source */
        bool complete;                            /* false: a bound cut the walk short */
        size_t entries;                           /* entries looked at */
};

/* Is this file name a container engine's API socket (docker.sock, containerd.sock, ...)? */
bool source_is_engine_socket_name(const char *base);

/* Open path O_PATH (following symlinks once, as a bind would) and judge it; *st is its fstat.
 * what names it in messages ("-v SRC:DST" or "--rootfs DIR").  rootfs: it must be a directory. */
int source_open_checked(const char *path, const char *what, bool rootfs, int *ret_fd, struct stat *st,
                        struct dbx_error *err);

/* Walk a directory source (bounded) for sockets: an engine socket anywhere is refused. */
int source_scan_sockets(int fd, const char *what, struct socket_scan *scan, struct dbx_error *err);

/* Launcher: remember what was judged (slot: volume index, or MAX_VOLUMES for the rootfs).
 * Child: open path again (O_PATH, as source_open_checked does) and refuse it unless it is the
 * remembered inode. */
void source_remember(size_t slot, const struct stat *st);
int source_open_judged(size_t slot, const char *path, const char *what, bool rootfs, int *ret_fd, struct dbx_error *err);
