/* SPDX-License-Identifier: MIT */
#include "mounts.h"
#include "sources.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Where the new root is attached before pivot_root.  Only inside our private mount namespace,
 * and only after every source is captured, so shadowing the host's /tmp hides nothing we need. */
#define STAGING_DIR "/tmp"

const char *const sandbox_dev_nodes[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};

static const char embedded_passwd[] =
        "root:x:0:0:root:/root:/sbin/nologin\n"
        "nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n"
        "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
static const char embedded_group[] =
        "root:x:0:\n"
        "nogroup:x:65534:\n"
        "nonroot:x:65532:\n";

static int openat2_resolve(int root, const char *path, int flags, bool nofollow)
{
        struct open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (nofollow ? RESOLVE_NO_SYMLINKS : 0),
        };
        while (*path == '/')
                path++;
        if (!*path)
                path = ".";
        return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

static int openat2_in_root(int root, const char *path, int flags)
{
        return openat2_resolve(root, path, flags, false);
}

static int set_attr(int fd, const char *path, unsigned flags, uint64_t attr, struct dbx_error *err, const char *what)
{
        struct mount_attr a = {.attr_set = attr};
        if (mount_setattr(fd, path, flags, &a, sizeof(a)) < 0)
                return dbx_error_set(err, errno, "cannot set the mount flags of %s: %s", what, strerror(errno));
        return 0;
}

static int clone_tree(const char *path, int *ret, struct dbx_error *err)
{
        int fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
        if (fd < 0)
                return dbx_error_set(err, errno, "cannot bind %s: %s", path, strerror(errno));
        *ret = fd;
        return 0;
}

static int clone_judged(const char *path, const char *opt, bool rootfs, size_t slot, int *ret, struct dbx_error *err)
{
        char what[PATH_MAX + 16];
        int r;

        snprintf(what, sizeof(what), "%s %s", opt, path);
        _cleanup_close_ int fd = -1;
        if ((r = source_open_judged(slot, path, what, rootfs, &fd, err)) < 0)
                return r;
        int m = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
        if (m < 0)
                return dbx_error_set(err, errno, "cannot bind %s: %s", what, strerror(errno));
        *ret = m;
        return 0;
}

int mounts_capture(const struct sandbox_plan *p, struct mount_sources *s, struct dbx_error *err)
{
        int r;

        for (size_t i = 0; i < ELEMENTSOF(s->mounts); i++)
                s->mounts[i] = -1;
        for (size_t i = 0; i < ELEMENTSOF(s->devnodes); i++)
                s->devnodes[i] = -1;

        /* Nothing we mount may propagate back to the host. */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return dbx_error_set(err, errno, "cannot make the mounts private: %s", strerror(errno));

        /* --rootfs and the volumes: opened once here, compared with what the launcher judged
         * (sources.h), and that very fd cloned. */
        for (size_t i = 0; i < p->n_mounts; i++) {
                const struct sandbox_mount *m = &p->mounts[i];
                switch (m->kind) {
                case MOUNT_ROOT_BIND:
                        r = clone_judged(m->source, "--rootfs", true, MAX_VOLUMES, &s->mounts[i], err);
                        break;
                case MOUNT_VOLUME:
                        r = clone_judged(m->source, "-v", false, m->volume, &s->mounts[i], err);
                        break;
                case MOUNT_HOST_BIND: /* a negative control's: the host's own tree, as it is */
                        r = clone_tree(m->source, &s->mounts[i], err);
                        break;
                case MOUNT_DEV:
                        r = 0;
                        for (size_t k = 0; r >= 0 && sandbox_dev_nodes[k]; k++) {
                                char path[64];
                                snprintf(path, sizeof(path), "/dev/%s", sandbox_dev_nodes[k]);
                                r = clone_tree(path, &s->devnodes[k], err);
                        }
                        break;
                case MOUNT_ROOT_TMPFS:
                case MOUNT_PROC:
                case MOUNT_TMPFS:
                        r = 0; /* made fresh */
                        break;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

void mount_sources_close(struct mount_sources *s)
{
        for (size_t i = 0; i < ELEMENTSOF(s->mounts); i++)
                closep(&s->mounts[i]);
        for (size_t i = 0; i < ELEMENTSOF(s->devnodes); i++)
                closep(&s->devnodes[i]);
}

/* A fresh filesystem (tmpfs, proc) as a detached mount with the given mount attributes. */
static int new_fs(const char *type, const char *const *opts, uint64_t attr, int *ret, struct dbx_error *err)
{
        _cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);
        if (fs < 0)
                return dbx_error_set(err, errno, "cannot create a %s filesystem: %s", type, strerror(errno));
        for (size_t i = 0; opts && opts[i]; i += 2)
                if (fsconfig(fs, FSCONFIG_SET_STRING, opts[i], opts[i + 1], 0) < 0)
                        return dbx_error_set(err, errno, "%s option %s=%s: %s", type, opts[i], opts[i + 1], strerror(errno));
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return dbx_error_set(err, errno, "cannot create a %s filesystem: %s", type, strerror(errno));
        int m = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attr);
        if (m < 0)
                return dbx_error_set(err, errno, "cannot mount a %s filesystem: %s", type, strerror(errno));
        *ret = m;
        return 0;
}

/* mkdir -p inside the root, never leaving it (only used on denybox's own tmpfs root). */
static int mkdir_in_root(int root, const char *path, mode_t mode)
{
        char buf[PATH_MAX];
        snprintf(buf, sizeof(buf), "%s", path);
        for (char *p = buf + 1;; p++) {
                if (*p != '/' && *p != '\0')
                        continue;
                char saved = *p;
                *p = '\0';
                _cleanup_close_ int fd = openat2_in_root(root, buf, O_PATH | O_DIRECTORY);
                if (fd < 0) {
                        if (errno != ENOENT)
                                return -errno;
                        char *slash = strrchr(buf, '/');
                        *slash = '\0';
                        _cleanup_close_ int parent = openat2_in_root(root, buf[0] ? buf : "/", O_PATH | O_DIRECTORY);
                        *slash = '/';
                        if (parent < 0)
                                return -errno;
                        if (mkdirat(parent, slash + 1, mode) < 0 && errno != EEXIST)
                                return -errno;
                }
                *p = saved;
                if (!saved)
                        return 0;
        }
}

static int write_file_at(int dir, const char *name, const char *text, mode_t mode)
{
        _cleanup_close_ int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return -errno;
        for (size_t n = strlen(text); n;) { /* a short write is carried on: only a failure stops it, with its errno */
                ssize_t k = write(fd, text, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return -errno;
                text += k;
                n -= (size_t)k;
        }
        return 0;
}

/* The embedded root: the distroless skeleton and nothing else. */
static int populate_embedded(const struct sandbox_config *c, const struct sandbox_plan *p, int root, struct dbx_error *err)
{
        static const struct {
                const char *path;
                mode_t mode;
                bool sandbox_owned;
        } dirs[] = {
                {"/etc", 0755, false},  {"/root", 0700, false}, {"/home", 0755, false},
                {"/home/nonroot", 0700, true}, {"/app", 0755, false}, {"/in", 0755, false},
                {"/out", 0755, false},  {"/tmp", 01777, false}, {"/proc", 0555, false},
                {"/dev", 0755, false},
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                if ((r = mkdir_in_root(root, dirs[i].path, dirs[i].mode)) < 0)
                        return dbx_error_set(err, -r, "cannot create %s in the embedded root: %s", dirs[i].path, strerror(-r));
                if (dirs[i].sandbox_owned && fchownat(root, dirs[i].path + 1, p->uid, p->gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return dbx_error_set(err, errno, "cannot give %s to uid %u: %s", dirs[i].path, (unsigned)p->uid, strerror(errno));
        }
        for (size_t i = 1; i < p->n_mounts; i++) /* every mount point: the volumes', and the above */
                if ((r = mkdir_in_root(root, p->mounts[i].target, 0755)) < 0)
                        return dbx_error_set(err, -r, "cannot create %s in the embedded root: %s", p->mounts[i].target, strerror(-r));

        /* A host /usr bound in (-v /usr:/usr:ro) brings programs that expect a merged-/usr layout:
         * /bin, /sbin, /lib, /lib64 as links into /usr, as on Debian and most distributions. */
        if (config_volume_at(c, "/usr")) {
                static const char *const merged[][2] = {
                        {"bin", "usr/bin"}, {"sbin", "usr/sbin"}, {"lib", "usr/lib"}, {"lib64", "usr/lib64"},
                };
                for (size_t i = 0; i < ELEMENTSOF(merged); i++) {
                        char target[16];
                        snprintf(target, sizeof(target), "/%s", merged[i][0]);
                        if (!config_volume_at(c, target) && symlinkat(merged[i][1], root, merged[i][0]) < 0)
                                return dbx_error_set(err, errno, "cannot create %s in the embedded root: %s", target, strerror(errno));
                }
        }

        _cleanup_close_ int etc = openat2_in_root(root, "/etc", O_PATH | O_DIRECTORY);
        if (etc < 0)
                return dbx_error_set(err, errno, "cannot open /etc of the embedded root: %s", strerror(errno));
        if ((r = write_file_at(etc, "passwd", embedded_passwd, 0644)) < 0)
                return dbx_error_set(err, -r, "cannot write /etc/passwd of the embedded root: %s", strerror(-r));
        if ((r = write_file_at(etc, "group", embedded_group, 0644)) < 0)
                return dbx_error_set(err, -r, "cannot write /etc/group of the embedded root: %s", strerror(-r));
        return 0;
}

/* Attach a detached mount at path inside root: no symlink on the way to it (issue 9, item 5). */
static int attach_at(int root, int mnt, const char *path, struct dbx_error *err)
{
        _cleanup_close_ int target = openat2_resolve(root, path, O_PATH, true);
        if (target < 0) {
                if (errno == ELOOP)
                        return dbx_error_set(err, ELOOP, "%s in the root is or goes through a symlink: refusing to mount on it", path);
                if (errno == ENOENT)
                        return dbx_error_set(err, ENOENT, "the root has no %s to mount on; create it (denybox never writes into a host rootfs)", path);
                return dbx_error_set(err, errno, "cannot resolve %s inside the root: %s", path, strerror(errno));
        }
        if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return dbx_error_set(err, errno, "cannot mount on %s: %s", path, strerror(errno));
        return 0;
}

static int build_dev(int root, uint64_t attr, struct mount_sources *s, struct dbx_error *err)
{
        static const char *const tmpfs_opts[] = {"mode", "0755", "size", "64k", "nr_inodes", "64", NULL};
        _cleanup_close_ int dev = -1;
        int r;

        if ((r = new_fs("tmpfs", tmpfs_opts, attr, &dev, err)) < 0)
                return r;
        for (size_t i = 0; sandbox_dev_nodes[i]; i++) {
                _cleanup_close_ int f = openat(dev, sandbox_dev_nodes[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
                if (f < 0)
                        return dbx_error_set(err, errno, "cannot create /dev/%s: %s", sandbox_dev_nodes[i], strerror(errno));
        }
        static const char *const links[][2] = {
                {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
                {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
        };
        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                if (symlinkat(links[i][1], dev, links[i][0]) < 0)
                        return dbx_error_set(err, errno, "cannot create /dev/%s: %s", links[i][0], strerror(errno));
        if ((r = attach_at(root, dev, "/dev", err)) < 0)
                return r;
        for (size_t i = 0; sandbox_dev_nodes[i]; i++) {
                char p[64];
                snprintf(p, sizeof(p), "/dev/%s", sandbox_dev_nodes[i]);
                if ((r = set_attr(s->devnodes[i], "", AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err, p)) < 0 ||
                    (r = attach_at(root, s->devnodes[i], p, err)) < 0)
                        return r;
        }
        /* /dev itself read-only: nothing can be created there; the node binds stay writable. */
        return set_attr(dev, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY, err, "/dev");
}

/* What the masks will cover must be a procfs: fail closed otherwise (a rootfs whose /proc led
 * elsewhere once ran with no procfs at all and the masks silently skipped). */
static int check_procfs(int root, struct dbx_error *err)
{
        struct statfs sfs;
        _cleanup_close_ int fd = openat2_resolve(root, "/proc", O_PATH | O_DIRECTORY, true);
        if (fd < 0 || fstatfs(fd, &sfs) < 0)
                return dbx_error_set(err, errno, "cannot check /proc of the new root: %s", strerror(errno));
        if (sfs.f_type != PROC_SUPER_MAGIC)
                return dbx_error_set(err, EPROTO, "/proc of the new root is not a procfs (type 0x%lx): refusing to go on",
                                     (unsigned long)sfs.f_type);
        return 0;
}

uint64_t tmpfs_inodes(uint64_t size)
{
        return size / TMPFS_BYTES_PER_INODE > 64 ? size / TMPFS_BYTES_PER_INODE : 64;
}

/* A fresh tmpfs of the mount table (mode, owner, size, nr_inodes) with the given attributes. */
static int new_tmpfs(const struct sandbox_plan *p, const struct sandbox_mount *m, uint64_t attr, int *ret, struct dbx_error *err)
{
        char mode[16], uid[16], gid[16], size[32], inodes[32];
        const char *opts[12];
        size_t n = 0;

        snprintf(mode, sizeof(mode), "%o", m->mode);
        opts[n++] = "mode", opts[n++] = mode;
        if (m->owned) {
                snprintf(uid, sizeof(uid), "%u", (unsigned)p->uid);
                snprintf(gid, sizeof(gid), "%u", (unsigned)p->gid);
                opts[n++] = "uid", opts[n++] = uid, opts[n++] = "gid", opts[n++] = gid;
        }
        snprintf(size, sizeof(size), "%llu", (unsigned long long)m->size);
        opts[n++] = "size", opts[n++] = size;
        if (m->nr_inodes) {
                snprintf(inodes, sizeof(inodes), "%llu", (unsigned long long)m->nr_inodes);
                opts[n++] = "nr_inodes", opts[n++] = inodes;
        }
        opts[n] = NULL;
        return new_fs("tmpfs", opts, attr, ret, err);
}

/* The root itself, attached at the staging point: the --rootfs clone (every mount nested in it
 * too, AT_RECURSIVE), or a fresh tmpfs populated with the embedded root (made read-only after the
 * pivot, mounts_pivot). */
static int attach_root(const struct sandbox_config *c, const struct sandbox_plan *p, int *src, int *ret_root,
                       struct dbx_error *err)
{
        const struct sandbox_mount *m = &p->mounts[0];
        _cleanup_close_ int rootmnt = -1;
        int r;

        if (m->kind == MOUNT_ROOT_BIND) {
                rootmnt = TAKE_FD(*src);
                if ((r = set_attr(rootmnt, "", AT_EMPTY_PATH | AT_RECURSIVE, m->attr, err, "the --rootfs tree")) < 0)
                        return r;
        } else if ((r = new_tmpfs(p, m, m->attr & ~(uint64_t)MOUNT_ATTR_RDONLY, &rootmnt, err)) < 0) {
                return r;
        }
        if (move_mount(rootmnt, "", AT_FDCWD, STAGING_DIR, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return dbx_error_set(err, errno, "cannot attach the new root at %s: %s", STAGING_DIR, strerror(errno));
        _cleanup_close_ int root = open(STAGING_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return dbx_error_set(err, errno, "cannot open the new root: %s", strerror(errno));
        if (m->kind == MOUNT_ROOT_TMPFS && (r = populate_embedded(c, p, root, err)) < 0)
                return r;
        *ret_root = TAKE_FD(root);
        return 0;
}

/* One mount of the table (after the root) onto its target inside the new root. */
static int attach_mount(const struct sandbox_plan *p, int root, const struct sandbox_mount *m, int *src,
                        struct mount_sources *s, struct dbx_error *err)
{
        _cleanup_close_ int fresh = -1;
        int r;

        switch (m->kind) {
        case MOUNT_PROC:
                if ((r = new_fs("proc", NULL, m->attr, &fresh, err)) < 0)
                        return r;
                return attach_at(root, fresh, m->target, err);
        case MOUNT_DEV:
                return build_dev(root, m->attr, s, err);
        case MOUNT_TMPFS:
                if ((r = new_tmpfs(p, m, m->attr, &fresh, err)) < 0)
                        return r;
                return attach_at(root, fresh, m->target, err);
        case MOUNT_VOLUME:
                if ((r = set_attr(*src, "", AT_EMPTY_PATH | AT_RECURSIVE, m->attr, err, m->target)) < 0)
                        return r;
                return attach_at(root, *src, m->target, err);
        case MOUNT_HOST_BIND:
                return attach_at(root, *src, m->target, err);
        case MOUNT_ROOT_BIND:
        case MOUNT_ROOT_TMPFS:
                break;
        }
        return dbx_error_set(err, EINVAL, "%s: a second root in the mount table", m->target);
}

int mounts_build_root(const struct sandbox_config *c, const struct sandbox_plan *p, struct mount_sources *s,
                      int *ret_root, struct dbx_error *err)
{
        _cleanup_close_ int root = -1;
        int r;

        if ((r = attach_root(c, p, &s->mounts[0], &root, err)) < 0)
                return r;
        for (size_t i = 1; i < p->n_mounts; i++) {
                if ((r = attach_mount(p, root, &p->mounts[i], &s->mounts[i], s, err)) < 0)
                        return r;
                /* what the masks will cover must be a procfs */
                if (strcmp(p->mounts[i].target, "/proc") == 0 && (r = check_procfs(root, err)) < 0)
                        return r;
        }
        *ret_root = TAKE_FD(root);
        return 0;
}

int mounts_pivot(int root_fd, uint64_t root_attr, struct dbx_error *err)
{
        if (fchdir(root_fd) < 0)
                return dbx_error_set(err, errno, "cannot enter the new root: %s", strerror(errno));
        /* pivot_root(".", "."): the old root ends up stacked under the new one, then detached. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return dbx_error_set(err, errno, "pivot_root failed: %s", strerror(errno));
        if (umount2(".", MNT_DETACH) < 0)
                return dbx_error_set(err, errno, "cannot detach the old root: %s", strerror(errno));
        if (chdir("/") < 0)
                return dbx_error_set(err, errno, "chdir /: %s", strerror(errno));
        return set_attr(AT_FDCWD, "/", 0, root_attr, err, "/");
}

int mounts_mask_proc(struct dbx_error *err)
{
        /* The paths Docker/OCI runtimes mask (/dev/null or an empty tmpfs) or make read-only. */
        static const char *const masked[] = {
                "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
                "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                "/proc/scsi", "/proc/kmsg",
        };
        static const char *const readonly[] = {
                "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
        };
        static const char *const empty_opts[] = {"size", "0", "mode", "0555", "nr_inodes", "1", NULL};
        int r;

        for (size_t i = 0; i < ELEMENTSOF(masked); i++) {
                struct stat st;
                if (lstat(masked[i], &st) < 0) {
                        if (errno == ENOENT)
                                continue; /* not on this kernel */
                        return dbx_error_set(err, errno, "cannot mask %s: %s", masked[i], strerror(errno));
                }
                _cleanup_close_ int m = -1;
                if (S_ISDIR(st.st_mode))
                        r = new_fs("tmpfs", empty_opts, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, &m, err);
                else if ((m = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)) < 0)
                        r = dbx_error_set(err, errno, "cannot mask %s: %s", masked[i], strerror(errno));
                else
                        r = set_attr(m, "", AT_EMPTY_PATH, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err, masked[i]);
                if (r < 0)
                        return r;
                if (move_mount(m, "", AT_FDCWD, masked[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        return dbx_error_set(err, errno, "cannot mask %s: %s", masked[i], strerror(errno));
        }
        for (size_t i = 0; i < ELEMENTSOF(readonly); i++) {
                _cleanup_close_ int m = open_tree(AT_FDCWD, readonly[i], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
                if (m < 0) {
                        if (errno == ENOENT)
                                continue;
                        return dbx_error_set(err, errno, "cannot make %s read-only: %s", readonly[i], strerror(errno));
                }
                if ((r = set_attr(m, "", AT_EMPTY_PATH | AT_RECURSIVE,
                                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err, readonly[i])) < 0)
                        return r;
                if (move_mount(m, "", AT_FDCWD, readonly[i], MOVE_MOUNT_F_EMPTY_PATH) < 0)
                        return dbx_error_set(err, errno, "cannot make %s read-only: %s", readonly[i], strerror(errno));
        }
        return 0;
}
