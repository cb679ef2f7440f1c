/* SPDX-License-Identifier: MIT */
#include "preflight.h"
#include "privs.h"
#include "sandbox_plan.h"
#include "sources.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

int read_file(const char *path, size_t max, char **ret, size_t *ret_len, struct dbx_error *err)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return dbx_error_set(err, errno, "%s: %s", path, strerror(errno));
        struct stat st;
        if (fstat(fd, &st) < 0)
                return dbx_error_set(err, errno, "%s: %s", path, strerror(errno));
        if (S_ISDIR(st.st_mode))
                return dbx_error_set(err, EISDIR, "%s: is a directory, not a file", path);
        size_t cap = 4096, len = 0;
        _cleanup_free_ char *buf = malloc(cap + 1);
        if (!buf)
                return dbx_error_set(err, ENOMEM, "out of memory");
        for (;;) {
                if (len == cap) {
                        if (cap >= max)
                                return dbx_error_set(err, EFBIG, "%s: larger than %zu bytes", path, max);
                        cap = cap * 2 > max ? max : cap * 2;
                        char *n = realloc(buf, cap + 1);
                        if (!n)
                                return dbx_error_set(err, ENOMEM, "out of memory");
                        buf = n;
                }
                ssize_t k = read(fd, buf + len, cap - len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return dbx_error_set(err, errno, "%s: %s", path, strerror(errno));
                if (k == 0)
                        break;
                len += (size_t)k;
        }
        buf[len] = '\0';
        *ret = TAKE_PTR(buf);
        if (ret_len)
                *ret_len = len;
        return 0;
}

static long read_sysctl(const char *path)
{
        char buf[32] = "";
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
                return -1;
        return strtol(buf, NULL, 10);
}

/* User namespaces: say which sysctl stops them, rather than a bare EPERM from clone. */
static int check_userns(struct dbx_error *err)
{
        static const struct {
                const char *path, *name;
                long bad;
                bool root_too;
                const char *fix;
        } knobs[] = {
                {"/proc/sys/user/max_user_namespaces", "user.max_user_namespaces", 0, true,
                 "it applies to root too: raise it (sysctl -w user.max_user_namespaces=15000)"},
                {"/proc/sys/kernel/unprivileged_userns_clone", "kernel.unprivileged_userns_clone", 0, false,
                 "run denybox under sudo, or set it to 1"},
                {"/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "kernel.apparmor_restrict_unprivileged_userns", 1, false,
                 "AppArmor restricts unprivileged user namespaces: run denybox under sudo, or set it to 0"},
        };
        bool root = geteuid() == 0;
        for (size_t i = 0; i < ELEMENTSOF(knobs); i++) {
                if (!knobs[i].root_too && root)
                        continue;
                if (read_sysctl(knobs[i].path) == knobs[i].bad)
                        return dbx_error_set(err, EPERM, "user namespaces are disabled here by sysctl %s=%ld; %s",
                                             knobs[i].name, knobs[i].bad, knobs[i].fix);
        }
        return 0;
}

static int check_kernel(struct dbx_error *err)
{
        struct utsname u;
        unsigned major = 0, minor = 0;
        if (uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
            (major < 5 || (major == 5 && minor < 12)))
                return dbx_error_set(err, ENOSYS, "Linux %s is too old: denybox needs 5.12 or newer (mount_setattr)", u.release);
        return 0;
}

/* May the host uid/gid write into dir?  Mode bits, as the kernel would check them for a process
 * with no capabilities (ACLs are not consulted). */
static bool host_can_write(const struct stat *st, uid_t uid, gid_t gid)
{
        mode_t need = S_IWOTH | S_IXOTH;
        if (st->st_uid == uid)
                need = S_IWUSR | S_IXUSR;
        else if (st->st_gid == gid)
                need = S_IWGRP | S_IXGRP;
        return (st->st_mode & need) == need;
}

/* A mount point inside the rootfs: resolved in it, no symlink on the way (a symlinked /proc once
 * ran the payload with no procfs at all), a directory (or, for a volume, a file). */
static int check_mount_point(int root, const char *rootfs, const char *target, bool file_ok, struct dbx_error *err)
{
        struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS};
        _cleanup_close_ int fd = (int)syscall(SYS_openat2, root, target + 1, &how, sizeof(how));
        struct stat st;
        if (fd < 0 && errno == ELOOP)
                return dbx_error_set(err, ELOOP, "--rootfs %s: %s is or goes through a symlink; denybox mounts only on "
                                     "real directories of the rootfs", rootfs, target);
        if (fd < 0 && errno == ENOENT)
                return dbx_error_set(err, ENOENT, "--rootfs %s has no directory %s to mount on; create it (mkdir -p %s%s)",
                                     rootfs, target, rootfs, target);
        if (fd < 0)
                return dbx_error_set(err, errno, "--rootfs %s: cannot look up %s in it: %s", rootfs, target, strerror(errno));
        if (fstat(fd, &st) < 0)
                return dbx_error_set(err, errno, "--rootfs %s: %s: %s", rootfs, target, strerror(errno));
        if (!S_ISDIR(st.st_mode) && !(file_ok && S_ISREG(st.st_mode)))
                return dbx_error_set(err, ENOTDIR, "--rootfs %s: %s is not a directory to mount on", rootfs, target);
        return 0;
}

static int check_rootfs(const struct sandbox_config *c, struct dbx_error *err)
{
        char what[PATH_MAX + 16];
        struct stat st;
        int r;

        if (!c->rootfs)
                return 0;
        snprintf(what, sizeof(what), "--rootfs %s", c->rootfs);
        _cleanup_close_ int root = -1;
        if ((r = source_open_checked(c->rootfs, what, true, &root, &st, err)) < 0)
                return r;
        /* Someone else who can write the rootfs could change it under the running sandbox. */
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) || (st.st_uid != geteuid() && st.st_uid != 0))
                return dbx_error_set(err, EPERM,
                                     "--rootfs %s is unsafe: it is writable by others or owned by another user (uid %u); "
                                     "use a root owned by you or root with mode 0755",
                                     c->rootfs, (unsigned)st.st_uid);
        /* An unreadable root is said so, not reported as a missing /proc. */
        if (faccessat(root, "", R_OK | X_OK, AT_EACCESS | AT_EMPTY_PATH) < 0)
                return dbx_error_set(err, errno, "--rootfs %s cannot be read by uid %u: %s", c->rootfs, (unsigned)geteuid(),
                                     strerror(errno));

        /* Mount points must exist: denybox never writes into a host rootfs. */
        static const char *const need[] = {"/proc", "/dev", "/tmp", "/in", "/out"};
        for (size_t i = 0; i < ELEMENTSOF(need); i++)
                if ((r = check_mount_point(root, c->rootfs, need[i], false, err)) < 0)
                        return r;
        for (size_t i = 0; i < c->n_volumes; i++) {
                bool checked = false; /* /in, /out: just checked, as directories */
                for (size_t k = 0; k < ELEMENTSOF(need); k++)
                        checked = checked || strcmp(c->volumes[i].target, need[k]) == 0;
                if (!checked && (r = check_mount_point(root, c->rootfs, c->volumes[i].target, true, err)) < 0)
                        return r;
        }
        source_remember(MAX_VOLUMES, &st);
        return 0;
}

static int check_volumes(const struct sandbox_config *c, struct dbx_error *err)
{
        uid_t euid = geteuid();
        struct sandbox_plan plan;
        sandbox_plan_make(c, &plan);
        uid_t huid = userns_host_uid(&plan, euid);
        gid_t hgid = userns_host_gid(&plan, euid, getegid());

        for (size_t i = 0; i < c->n_volumes; i++) {
                const struct volume *v = &c->volumes[i];
                char what[2 * PATH_MAX + 16];
                struct stat st;
                struct socket_scan scan;
                int r;
                snprintf(what, sizeof(what), "-v %s:%s", v->source, v->target);
                _cleanup_close_ int fd = -1;
                if ((r = source_open_checked(v->source, what, false, &fd, &st, err)) < 0 ||
                    (r = source_scan_sockets(fd, what, &scan, err)) < 0)
                        return r;
                if (strcmp(v->target, "/out") == 0 && v->writable && S_ISDIR(st.st_mode) && !host_can_write(&st, huid, hgid))
                        return dbx_error_set(err, EACCES,
                                             "/out: %s is not writable by the sandbox user (host uid %u, gid %u); "
                                             "fix it with 'chown %u:%u %s' (or 'chmod 0777 %s')",
                                             v->source, (unsigned)huid, (unsigned)hgid, (unsigned)huid, (unsigned)hgid,
                                             v->source, v->source);
                source_remember(i, &st);
        }
        return 0;
}

int preflight(const struct sandbox_config *c, struct dbx_error *err)
{
        int r;
        if (config_weakened(c, WEAKEN_HOST_ROOT) && geteuid() != 0)
                return dbx_error_set(err, EPERM, "--weaken host-root needs root: unprivileged, host root cannot be mapped");
        if ((r = check_kernel(err)) < 0 || (r = check_userns(err)) < 0 || (r = check_rootfs(c, err)) < 0 ||
            (r = check_volumes(c, err)) < 0)
                return r;
        return 0;
}
