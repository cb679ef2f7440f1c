/* SPDX-License-Identifier: MIT */
#include "sources.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#ifndef CONFIGFS_MAGIC
#define CONFIGFS_MAGIC 0x62656570
#endif

bool source_is_engine_socket_name(const char *base)
{
        static const char *const names[] = {
                "docker.sock", "containerd.sock", "podman.sock", "crio.sock", "buildkitd.sock",
                "cri-dockerd.sock", "dockershim.sock", "containerd-shim.sock",
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcmp(base, names[i]) == 0)
                        return true;
        return false;
}

/* Kernel interfaces, not data: never bound, whatever path leads to them. */
static const char *kernel_fs_name(long type)
{
        static const struct {
                long magic;
                const char *name;
        } fs[] = {
                {PROC_SUPER_MAGIC, "procfs"}, {SYSFS_MAGIC, "sysfs"}, {CGROUP_SUPER_MAGIC, "cgroupfs"},
                {CGROUP2_SUPER_MAGIC, "cgroup2"}, {DEBUGFS_MAGIC, "debugfs"}, {TRACEFS_MAGIC, "tracefs"},
                {SECURITYFS_MAGIC, "securityfs"}, {BPF_FS_MAGIC, "bpffs"}, {EFIVARFS_MAGIC, "efivarfs"},
                {PSTOREFS_MAGIC, "pstore"}, {NSFS_MAGIC, "nsfs"}, {DEVPTS_SUPER_MAGIC, "devpts"},
                {BINFMTFS_MAGIC, "binfmt_misc"}, {CONFIGFS_MAGIC, "configfs"}, {SELINUX_MAGIC, "selinuxfs"},
                {SMACK_MAGIC, "smackfs"}, {AAFS_MAGIC, "apparmorfs"},
        };
        for (size_t i = 0; i < ELEMENTSOF(fs); i++)
                if (type == fs[i].magic)
                        return fs[i].name;
        return NULL;
}

/* The host's /, /run, /proc and /sys by identity, looked up once per process: the launcher judges
 * the rootfs and every volume against the same four (it never changes its root or mounts). */
enum { HOST_ROOT, HOST_RUN, HOST_PROC, HOST_SYS, HOST_N };
static struct {
        bool looked;
        bool have[HOST_N];
        struct stat st[HOST_N];
} host;

static const struct stat *host_dir(int which)
{
        static const char *const path[HOST_N] = {"/", "/run", "/proc", "/sys"};
        if (!host.looked) {
                for (int i = 0; i < HOST_N; i++)
                        host.have[i] = stat(path[i], &host.st[i]) == 0;
                host.looked = true;
        }
        return host.have[which] ? &host.st[which] : NULL;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
        return b && a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* A directory under the host's /proc or /sys (a tmpfs at /sys/fs/cgroup, say): the ancestors of fd,
 * by identity, up to the root (at most 64 levels; deeper is refused too). */
static int under_kernel_tree(int fd, const char *what, struct dbx_error *err)
{
        struct stat cur;
        const struct stat *root = host_dir(HOST_ROOT);
        if (!root)
                return dbx_error_set(err, EIO, "%s: cannot stat the host's / to tell where it lies", what);
        _cleanup_close_ int at = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        for (int depth = 0; at >= 0 && depth < 64; depth++) {
                if (fstat(at, &cur) < 0)
                        break;
                if (same_inode(&cur, root))
                        return 0;
                if (same_inode(&cur, host_dir(HOST_PROC)) || same_inode(&cur, host_dir(HOST_SYS)))
                        return dbx_error_set(err, EPERM, "%s: refusing a path under the host's /proc or /sys", what);
                int up = openat(at, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (up < 0 && errno == EACCES)
                        return 0; /* every directory of /proc and /sys up to theirs is searchable: not there */
                close(at);
                at = up;
        }
        return dbx_error_set(err, EPERM, "%s: cannot tell where it lies (not under the root within 64 levels)", what);
}

int source_open_checked(const char *path, const char *what, bool rootfs, int *ret_fd, struct stat *st,
                        struct dbx_error *err)
{
        int r;
        _cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC | (rootfs ? O_DIRECTORY : 0));
        if (fd < 0 && errno == ENOTDIR)
                return dbx_error_set(err, ENOTDIR, "%s: not a directory", what);
        if (fd < 0)
                return dbx_error_set(err, errno, "%s: %s", what, strerror(errno));
        struct statfs sfs;
        if (fstat(fd, st) < 0 || fstatfs(fd, &sfs) < 0)
                return dbx_error_set(err, errno, "%s: %s", what, strerror(errno));

        const char *kind = S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode) ? "a device node" :
                           S_ISFIFO(st->st_mode) ? "a FIFO" : S_ISSOCK(st->st_mode) ? "a socket" : NULL;
        if (kind)
                return dbx_error_set(err, EINVAL, "%s: refusing to bind %s into the sandbox", what, kind);
        /* "/" by identity, however it is spelled: //, /., /tmp/.., /proc/self/root, a symlink */
        if (same_inode(st, host_dir(HOST_ROOT)))
                return dbx_error_set(err, EPERM, "%s: refusing the host's own root directory (however it is spelled)", what);
        if (same_inode(st, host_dir(HOST_RUN)))
                return dbx_error_set(err, EPERM, "%s: refusing the host's /run (engine and system sockets)", what);
        if (S_ISDIR(st->st_mode) && (r = under_kernel_tree(fd, what, err)) < 0) /* files: by fs type */
                return r;
        const char *fs = kernel_fs_name((long)sfs.f_type);
        if (fs)
                return dbx_error_set(err, EPERM, "%s: refusing a %s file system (a kernel interface of the host)", what, fs);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static void note_socket(struct socket_scan *scan, const char *rel)
{
        if (scan->n < SOURCE_MAX_LISTED)
                snprintf(scan->listed[scan->n], sizeof(scan->listed[0]), "%s", rel);
        scan->n++;
}

/* Depth-first, without following symlinks (inside the sandbox they resolve in its root). */
static int walk(int dir, char *rel, size_t rel_len, unsigned depth, const char *what, struct socket_scan *scan,
                struct dbx_error *err)
{
        if (depth > SOURCE_WALK_MAX_DEPTH) {
                scan->complete = false;
                return 0;
        }
        DIR *d = fdopendir(dir);
        if (!d) {
                close(dir);
                return 0; /* unreadable: the sandbox user cannot list it either */
        }
        int r = 0;
        struct dirent *e;
        while (r == 0 && (e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                if (++scan->entries > SOURCE_WALK_MAX_ENTRIES) {
                        scan->complete = false;
                        break;
                }
                unsigned char type = e->d_type;
                if (type == DT_UNKNOWN) {
                        struct stat st;
                        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                                continue;
                        type = S_ISSOCK(st.st_mode) ? DT_SOCK : S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
                }
                size_t n = strlen(e->d_name);
                if (rel_len + 1 + n >= PATH_MAX)
                        continue;
                rel[rel_len] = '/';
                memcpy(rel + rel_len + 1, e->d_name, n + 1);
                if (type == DT_SOCK) {
                        note_socket(scan, rel);
                        if (source_is_engine_socket_name(e->d_name))
                                r = dbx_error_set(err, EPERM, "%s: refusing a volume that exposes the container engine socket %s",
                                                  what, rel);
                } else if (type == DT_DIR) {
                        int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                r = walk(sub, rel, rel_len + 1 + n, depth + 1, what, scan, err);
                }
                rel[rel_len] = '\0';
        }
        closedir(d);
        return r;
}

int source_scan_sockets(int fd, const char *what, struct socket_scan *scan, struct dbx_error *err)
{
        char rel[PATH_MAX] = "";
        *scan = (struct socket_scan){.complete = true};
        int dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return 0; /* not a directory, or unreadable */
        return walk(dir, rel, 0, 0, what, scan, err);
}

/* The identities the launcher judged; the child inherits this memory (clone without CLONE_VM
 * copies it), so it compares what it is about to bind with what was judged. */
static struct {
        bool set;
        dev_t dev;
        ino_t ino;
} judged[MAX_VOLUMES + 1];

void source_remember(size_t slot, const struct stat *st)
{
        judged[slot].set = true;
        judged[slot].dev = st->st_dev;
        judged[slot].ino = st->st_ino;
}

int source_open_judged(size_t slot, const char *path, const char *what, bool rootfs, int *ret_fd, struct dbx_error *err)
{
        _cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC | (rootfs ? O_DIRECTORY : 0));
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
                return dbx_error_set(err, errno, "%s: %s", what, strerror(errno));
        /* Every verdict of source_open_checked is a property of the inode: its type, its file
         * system (st_dev), whether it is the host's / or /run, and where a directory lies (a
         * directory has one parent, and no rename crosses into /proc or /sys). */
        if (!judged[slot].set || judged[slot].dev != st.st_dev || judged[slot].ino != st.st_ino)
                return dbx_error_set(err, EBUSY, "%s changed between the check and the mount (it now resolves to another "
                                     "inode): refusing to bind it", what);
        *ret_fd = TAKE_FD(fd);
        return 0;
}
