/* SPDX-License-Identifier: MIT */
/* Building the sandbox's root with the new mount API (open_tree, fsopen/fsmount, move_mount,
 * mount_setattr): every source is captured as a detached clone first, every target inside the
 * new root is resolved with openat2(RESOLVE_IN_ROOT) so no symlink leads out of it.
 * Needs Linux >= 5.12 (mount_setattr). Runs in the child, inside the new user+mount namespaces. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "error.h"
#include "sandbox_plan.h"

struct mount_sources {
        int mounts[PLAN_MOUNTS_MAX];   /* per mount of the plan: the clone of its host source, or -1 */
        int devnodes[8];               /* clones of the host's /dev nodes (MOUNT_DEV) */
};

/* Make every mount private, then capture each host source of the plan's mount table (--rootfs,
 * volumes, /dev nodes) as a detached recursive clone. */
int mounts_capture(const struct sandbox_plan *p, struct mount_sources *s, struct dbx_error *err);
void mount_sources_close(struct mount_sources *s);

/* Build the new root as the plan's mount table says and attach it at a staging point; returns an
 * O_PATH fd of the new root. */
int mounts_build_root(const struct sandbox_config *c, const struct sandbox_plan *p, struct mount_sources *s,
                      int *ret_root, struct dbx_error *err);

/* pivot_root into root_fd, detach the old root, set root_attr (MOUNT_ATTR_*) on the new /. */
int mounts_pivot(int root_fd, uint64_t root_attr, struct dbx_error *err);

/* Mask and make read-only the dangerous /proc paths (after the pivot). */
int mounts_mask_proc(struct dbx_error *err);

/* nr_inodes of the /tmp and /out tmpfs of a given size=: one inode per KiB, at least 64. */
#define TMPFS_BYTES_PER_INODE 1024
uint64_t tmpfs_inodes(uint64_t size);

/* The /dev nodes bound from the host. */
extern const char *const sandbox_dev_nodes[];
