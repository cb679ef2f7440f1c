/* SPDX-License-Identifier: MIT */
/* Credentials and privileges: uid/gid maps (parent side), and the final drop (child side). */
#pragma once

#include <sys/types.h>

#include "config.h"
#include "error.h"
#include "sandbox_plan.h"

#include <stdbool.h>

/* The uid_map/gid_map denybox writes.  Unprivileged: the sandbox uid/gid map to the caller's own
 * ids.  As root: the sandbox ids map to themselves, and inside 0 (denybox's own setup, --user 0)
 * maps to the overflow id SANDBOX_OVERFLOW_ID, never to host root: a payload can own no host
 * file that host root owns (issue 9, item 2).  The ids are the plan's: its uid/gid, and its
 * root_host_id (host root only under --weaken host-root, the old mapping). */
struct userns_maps {
        char uid_map[64], gid_map[64];
        uid_t setup_uid;       /* inside id denybox's setup runs as (before the final drop) */
        gid_t setup_gid;
        bool host_root_mapped; /* only under --weaken host-root */
};
void userns_maps(const struct sandbox_plan *p, uid_t euid, gid_t egid, struct userns_maps *m);

/* The host uid/gid the plan's sandbox uid/gid map to, given who runs denybox: the caller's own
 * ids when unprivileged; as root the same ids, except that inside 0 maps to the plan's
 * root_host_id (SANDBOX_OVERFLOW_ID: host root is never mapped; --weaken host-root, a negative
 * control, maps it as the old code did). */
uid_t userns_host_uid(const struct sandbox_plan *p, uid_t caller_euid);
gid_t userns_host_gid(const struct sandbox_plan *p, uid_t caller_euid, gid_t caller_egid);
/* Is this the initial user namespace (uid_map "0 0 4294967295")? */
bool userns_is_initial(void);
/* uid 0 here is the parent namespace's uid 0 (e.g. root under `unshare -r`): refused (main.c). */
bool userns_root_is_parent_root(void);

/* Parent: write setgroups=deny, uid_map and gid_map of the child (userns_maps). */
int userns_write_maps(pid_t child, const struct sandbox_plan *p, struct dbx_error *err);

/* Child, once every host source is captured: leave the launcher's credentials (as root: kernel
 * uid 0, unmapped here, which could still open root's 0700 directories as their owner) for the
 * mapped setup ids: inside 0 where mapped, else the sandbox ids. */
int privs_become_setup_user(const struct sandbox_plan *p, struct dbx_error *err);

/* Child: lock securebits, empty the bounding and ambient sets, switch to the sandbox uid/gid,
 * empty every capability set (libcap).  Afterwards the process holds no capability at all. */
int privs_drop(const struct sandbox_plan *p, struct dbx_error *err);

/* Child, the negative control --weaken caps (the plan's keep_capabilities step in place of
 * drop_privileges): switch to the sandbox uid/gid keeping every capability of the user namespace,
 * made to survive the exec (inheritable + ambient), securebits unlocked. */
int privs_keep_all(const struct sandbox_plan *p, struct dbx_error *err);
