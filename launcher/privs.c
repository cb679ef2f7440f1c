/* SPDX-License-Identifier: MIT */
#include "privs.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/securebits.h>

static int write_proc(pid_t pid, const char *file, const char *text, struct dbx_error *err)
{
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return dbx_error_set(err, errno, "cannot open %s: %s", path, strerror(errno));
        size_t n = strlen(text);
        if (write(fd, text, n) != (ssize_t)n)
                return dbx_error_set(err, errno, "cannot write %s (\"%s\"): %s", path, text, strerror(errno));
        return 0;
}

int userns_write_maps(pid_t child, const struct sandbox_config *c, struct dbx_error *err)
{
        char uid_map[96], gid_map[96];
        uid_t euid = geteuid();
        int r;

        if (euid == 0 && c->uid != 0)
                snprintf(uid_map, sizeof(uid_map), "0 0 1\n%u %u 1\n", (unsigned)c->uid, (unsigned)c->uid);
        else
                snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", (unsigned)c->uid, (unsigned)config_host_uid(c, euid));
        if (euid == 0 && c->gid != 0)
                snprintf(gid_map, sizeof(gid_map), "0 0 1\n%u %u 1\n", (unsigned)c->gid, (unsigned)c->gid);
        else
                snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", (unsigned)c->gid,
                         (unsigned)config_host_gid(c, euid, getegid()));

        /* setgroups must be denied before an unprivileged gid_map; the child never needs it. */
        if ((r = write_proc(child, "setgroups", "deny", err)) < 0 ||
            (r = write_proc(child, "uid_map", uid_map, err)) < 0 ||
            (r = write_proc(child, "gid_map", gid_map, err)) < 0)
                return r;
        return 0;
}

/* --weaken caps: the negative control keeps every capability of the user namespace, and makes
 * them survive the exec (inheritable + ambient), securebits unlocked. */
static int privs_keep_all(const struct sandbox_config *c, struct dbx_error *err)
{
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresgid(c->gid, c->gid, c->gid) < 0 ||
            setresuid(c->uid, c->uid, c->uid) < 0)
                return dbx_error_set(err, errno, "--weaken caps: cannot switch user: %s", strerror(errno));
        cap_t all = cap_get_proc();
        if (!all)
                return dbx_error_set(err, errno, "cap_get_proc: %s", strerror(errno));
        cap_value_t v[CAP_LAST_CAP + 1];
        int n = 0;
        for (cap_value_t cap = 0; cap <= CAP_LAST_CAP && cap < (cap_value_t)cap_max_bits(); cap++)
                v[n++] = cap;
        int r = cap_set_flag(all, CAP_EFFECTIVE, n, v, CAP_SET) | cap_set_flag(all, CAP_INHERITABLE, n, v, CAP_SET);
        r = r ? r : cap_set_proc(all);
        cap_free(all);
        for (int i = 0; r == 0 && i < n; i++)
                r = cap_set_ambient(v[i], CAP_SET);
        if (r < 0)
                return dbx_error_set(err, errno, "--weaken caps: cannot keep the capabilities: %s", strerror(errno));
        return 0;
}

int privs_drop(const struct sandbox_config *c, struct dbx_error *err)
{
        if (config_weakened(c, WEAKEN_CAPS))
                return privs_keep_all(c, err);

        /* Lock the securebits first: no root magic, no setuid fixups, no ambient raising, ever. */
        unsigned bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
                        SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
                        SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
        if (cap_set_secbits(bits) < 0)
                return dbx_error_set(err, errno, "cannot lock the securebits: %s", strerror(errno));

        /* The bounding set limits what any later exec could ever gain: empty it. */
        for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
                if (cap_drop_bound(cap) < 0 && errno != EINVAL)
                        return dbx_error_set(err, errno, "cannot drop capability %d from the bounding set: %s", cap, strerror(errno));
        if (cap_reset_ambient() < 0)
                return dbx_error_set(err, errno, "cannot clear the ambient set: %s", strerror(errno));

        if (setresgid(c->gid, c->gid, c->gid) < 0)
                return dbx_error_set(err, errno, "cannot switch to gid %u: %s", (unsigned)c->gid, strerror(errno));
        if (setresuid(c->uid, c->uid, c->uid) < 0)
                return dbx_error_set(err, errno, "cannot switch to uid %u: %s", (unsigned)c->uid, strerror(errno));

        /* With NO_SETUID_FIXUP the sets survived setresuid: empty them explicitly. */
        cap_t none = cap_init();
        if (!none)
                return dbx_error_set(err, ENOMEM, "out of memory");
        int r = cap_set_proc(none);
        cap_free(none);
        if (r < 0)
                return dbx_error_set(err, errno, "cannot empty the capability sets: %s", strerror(errno));
        return 0;
}
