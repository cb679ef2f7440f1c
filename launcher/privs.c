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

/* As root, is inside id 0 mapped for denybox's own setup, and to which host id?  It maps to
 * root_host (the plan's: the overflow id), unless the sandbox id already maps there (--user
 * 65534): then setup runs as the sandbox id itself, as it does unprivileged. */
static bool root_maps_zero(unsigned root_host, unsigned inside, unsigned host_of_inside, unsigned *ret_host)
{
        *ret_host = root_host;
        return inside != 0 && host_of_inside != root_host;
}

/* The initial user namespace maps every id to itself: "0 0 4294967295".  Anywhere else (e.g. under
 * `unshare -r`) uid 0 is not the host's root, and only the ids the parent mapped can be mapped. */
bool userns_is_initial(void)
{
        static int initial = -1;
        if (initial < 0) {
                char buf[128] = "";
                _cleanup_close_ int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
                ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
                unsigned a = 1, b = 1, len = 0;
                buf[n > 0 ? n : 0] = '\0';
                initial = fd < 0 || (sscanf(buf, "%u %u %u", &a, &b, &len) == 3 && a == 0 && b == 0 && len == 4294967295u &&
                                     !strchr(strchr(buf, '\n') ? strchr(buf, '\n') + 1 : "", '\n'));
        }
        return initial;
}

/* uid 0 of a user namespace whose uid 0 is its parent's uid 0: the only id denybox could give the
 * sandbox user is that root (the host's, when the parent is the initial namespace). */
bool userns_root_is_parent_root(void)
{
        if (geteuid() != 0 || userns_is_initial())
                return false;
        char buf[4096] = "";
        _cleanup_close_ int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
        buf[n > 0 ? n : 0] = '\0';
        for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
                unsigned inside, outside, len;
                if (sscanf(line, "%u %u %u", &inside, &outside, &len) == 3 && inside == 0 && outside == 0 && len > 0)
                        return true;
        }
        return false;
}

uid_t userns_host_uid(const struct sandbox_plan *p, uid_t caller_euid)
{
        if (caller_euid != 0 || !userns_is_initial()) /* uid 0 of a nested namespace: its own id only */
                return caller_euid;
        return p->uid == 0 ? p->root_host_id : p->uid;
}

gid_t userns_host_gid(const struct sandbox_plan *p, uid_t caller_euid, gid_t caller_egid)
{
        if (caller_euid != 0 || !userns_is_initial())
                return caller_egid;
        return p->gid == 0 ? (gid_t)p->root_host_id : p->gid;
}

void userns_maps(const struct sandbox_plan *p, uid_t euid, gid_t egid, struct userns_maps *m)
{
        unsigned hu = userns_host_uid(p, euid), hg = userns_host_gid(p, euid, egid), zu, zg;
        bool root = euid == 0 && userns_is_initial(); /* uid 0 of a nested namespace maps like any caller */
        bool mu = root && root_maps_zero(p->root_host_id, p->uid, hu, &zu);
        bool mg = root && root_maps_zero(p->root_host_id, p->gid, hg, &zg);

        snprintf(m->uid_map, sizeof(m->uid_map), "%u %u 1\n", (unsigned)p->uid, hu);
        if (mu)
                snprintf(m->uid_map + strlen(m->uid_map), sizeof(m->uid_map) - strlen(m->uid_map), "0 %u 1\n", zu);
        snprintf(m->gid_map, sizeof(m->gid_map), "%u %u 1\n", (unsigned)p->gid, hg);
        if (mg)
                snprintf(m->gid_map + strlen(m->gid_map), sizeof(m->gid_map) - strlen(m->gid_map), "0 %u 1\n", zg);
        m->setup_uid = mu ? 0 : p->uid;
        m->setup_gid = mg ? 0 : p->gid;
        m->host_root_mapped = root && ((mu && zu == 0) || hu == 0);
}

int userns_write_maps(pid_t child, const struct sandbox_plan *p, struct dbx_error *err)
{
        struct userns_maps m;
        int r;

        if (userns_root_is_parent_root())
                return dbx_error_set(err, EPERM,
                                     "denybox runs as uid 0 of a user namespace whose uid 0 is its parent's root (unshare -r): "
                                     "the sandbox user could only be that root; run denybox as root directly, or as an "
                                     "unprivileged user");
        userns_maps(p, geteuid(), getegid(), &m);
        /* setgroups must be denied before an unprivileged gid_map; the child never needs it. */
        if ((r = write_proc(child, "setgroups", "deny", err)) < 0 ||
            (r = write_proc(child, "uid_map", m.uid_map, err)) < 0 ||
            (r = write_proc(child, "gid_map", m.gid_map, err)) < 0)
                return r;
        return 0;
}

int privs_become_setup_user(const struct sandbox_plan *p, struct dbx_error *err)
{
        /* Inside 0 where the parent mapped it (root), else the sandbox ids (unprivileged, or
         * --user 65534 as root): setresuid to an unmapped id fails with EINVAL. */
        if (setresgid(0, 0, 0) < 0 && (errno != EINVAL || setresgid(p->gid, p->gid, p->gid) < 0))
                return dbx_error_set(err, errno, "cannot switch to a mapped gid inside the user namespace: %s", strerror(errno));
        if (setresuid(0, 0, 0) < 0 && (errno != EINVAL || setresuid(p->uid, p->uid, p->uid) < 0))
                return dbx_error_set(err, errno, "cannot switch to a mapped uid inside the user namespace: %s", strerror(errno));
        return 0;
}

int privs_keep_all(const struct sandbox_plan *p, struct dbx_error *err)
{
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresgid(p->gid, p->gid, p->gid) < 0 ||
            setresuid(p->uid, p->uid, p->uid) < 0)
                return dbx_error_set(err, errno, "keep_capabilities (a negative control): cannot switch user: %s", strerror(errno));
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
                return dbx_error_set(err, errno, "keep_capabilities (a negative control): cannot keep the capabilities: %s", strerror(errno));
        return 0;
}

int privs_drop(const struct sandbox_plan *p, struct dbx_error *err)
{
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
        /* One prctl: libcap's cap_reset_ambient() first probes every capability (41 more calls). */
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
                return dbx_error_set(err, errno, "cannot clear the ambient set: %s", strerror(errno));

        if (setresgid(p->gid, p->gid, p->gid) < 0)
                return dbx_error_set(err, errno, "cannot switch to gid %u: %s", (unsigned)p->gid, strerror(errno));
        if (setresuid(p->uid, p->uid, p->uid) < 0)
                return dbx_error_set(err, errno, "cannot switch to uid %u: %s", (unsigned)p->uid, strerror(errno));

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
