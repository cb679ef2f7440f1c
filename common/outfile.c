/* SPDX-License-Identifier: MIT */
#include "outfile.h"
#include "fdio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define CURRENT ".current"
#define SET_PREFIX ".set-"

int outdir_open(const char *path, struct dbx_error *err)
{
        char buf[PATH_MAX];
        size_t n = strlen(path);
        if (n == 0 || n >= sizeof(buf))
                return dbx_error_set(err, EINVAL, "output directory '%s': not a usable path", path);
        memcpy(buf, path, n + 1);
        while (n > 1 && buf[n - 1] == '/')
                buf[--n] = '\0';

        /* The parent is the caller's path, resolved as given; the last component is the one
         * denybox creates, so it is never followed if it is a symlink. */
        const char *parent = ".", *base = buf;
        char *slash = strrchr(buf, '/');
        if (slash == buf) {
                parent = "/";
                base = buf[1] ? buf + 1 : ".";
        } else if (slash) {
                *slash = '\0';
                parent = buf;
                base = slash + 1;
        }
        _cleanup_close_ int pfd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (pfd < 0)
                return dbx_error_set(err, errno, "output directory %s: %s", path, strerror(errno));
        if (strcmp(base, ".") != 0 && strcmp(base, "..") != 0 && mkdirat(pfd, base, 0755) < 0 && errno != EEXIST)
                return dbx_error_set(err, errno, "cannot create the output directory %s: %s", path, strerror(errno));
        struct stat st;
        if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return dbx_error_set(err, errno, "output directory %s: %s", path, strerror(errno));
        if (S_ISLNK(st.st_mode))
                return dbx_error_set(err, EPERM, "output directory %s is a symlink: refusing to follow it (give the directory it names)", path);
        _cleanup_close_ int fd = openat(pfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0)
                return dbx_error_set(err, errno, "output directory %s: %s", path, strerror(errno));
        uid_t me = geteuid();
        if (me == 0 && st.st_uid != 0)
                return dbx_error_set(err, EPERM, "output directory %s is owned by uid %u: as root, denybox writes only into a directory owned by root",
                                     path, (unsigned)st.st_uid);
        if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
                return dbx_error_set(err, EPERM, "output directory %s is writable by others (mode %04o) without the sticky bit: refusing it",
                                     path, (unsigned)(st.st_mode & 07777));
        if (faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) < 0)
                return dbx_error_set(err, errno, "output directory %s: %s", path, strerror(errno));
        return TAKE_FD(fd);
}

static bool has_prefix(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Removes a set directory (one level of plain files) or a stray non-directory; best effort. */
static int remove_entry(int dfd, const char *name)
{
        int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return unlinkat(dfd, name, 0) < 0 ? -errno : 0;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        for (struct dirent *e; (e = readdir(d));)
                if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
                        unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
        return unlinkat(dfd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* Everything of ours that is not the current set: sets of earlier runs, half-written sets and
 * temporary names (".*.tmp", also those of denybox versions before sets) of killed runs. */
static void sweep(int dfd, const char *keep)
{
        int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d = fd < 0 ? NULL : fdopendir(fd);
        if (!d) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        for (struct dirent *e; (e = readdir(d));)
                if ((has_prefix(e->d_name, SET_PREFIX) && strcmp(e->d_name, keep) != 0) ||
                    (e->d_name[0] == '.' && has_suffix(e->d_name, ".tmp")))
                        remove_entry(dfd, e->d_name);
        closedir(d);
}

/* name -> target, replaced in one rename (a temporary symlink first). */
static int put_symlink(int dfd, const char *target, const char *name, const char *gen)
{
        char tmp[NAME_MAX + 1];
        if ((size_t)snprintf(tmp, sizeof(tmp), ".%s.%s.tmp", name, gen) >= sizeof(tmp))
                return -ENAMETOOLONG;
        unlinkat(dfd, tmp, 0);
        if (symlinkat(target, dfd, tmp) < 0)
                return -errno;
        if (renameat(dfd, tmp, dfd, name) < 0) {
                int r = -errno;
                unlinkat(dfd, tmp, 0);
                return r;
        }
        return 0;
}

/* DIR/name -> .current/name, unless it already is. */
static int ensure_link(int dfd, const char *name, const char *gen)
{
        char want[NAME_MAX + 16], have[NAME_MAX + 16];
        snprintf(want, sizeof(want), CURRENT "/%s", name);
        ssize_t k = readlinkat(dfd, name, have, sizeof(have) - 1);
        if (k >= 0) {
                have[k] = '\0';
                if (strcmp(have, want) == 0)
                        return 0;
        }
        return put_symlink(dfd, want, name, gen);
}

static int make_current(int dfd, const char *set, const char *gen)
{
        int r = put_symlink(dfd, set, CURRENT, gen);
        if (r == 0)
                fsync(dfd);
        return r;
}

static int write_new(int setfd, const struct outset_file *f)
{
        _cleanup_close_ int fd = openat(setfd, f->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        int r = fd_write_all(fd, f->data, f->len);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        return r;
}

/* A directory written by a denybox from before sets holds the files themselves: their current
 * contents become a set of their own first, so that replacing each file by its symlink never
 * shows a name from another run. */
/* One file, replaced atomically (a temporary name, fsync, rename): learn's profile. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, struct dbx_error *err)
{
        char tmp[256];
        snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());
        int r = write_new(dirfd, &(struct outset_file){tmp, data, len});
        if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0) {
                unlinkat(dirfd, tmp, 0);
                return dbx_error_set(err, -r, "cannot write %s: %s", name, strerror(-r));
        }
        fsync(dirfd);
        return 0;
}

static int adopt_plain_files(int dfd, const char *gen, const struct outset_file *files, size_t n)
{
        struct stat st;
        size_t plain = 0;
        for (size_t i = 0; i < n; i++)
                plain += fstatat(dfd, files[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
        if (!plain)
                return 0;
        char set[NAME_MAX + 1];
        snprintf(set, sizeof(set), SET_PREFIX "%s-adopted", gen);
        if (mkdirat(dfd, set, 0755) < 0)
                return -errno;
        int r = 0;
        _cleanup_close_ int setfd = openat(dfd, set, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (setfd < 0)
                r = -errno;
        for (size_t i = 0; r == 0 && i < n; i++)
                if (fstatat(dfd, files[i].name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                    linkat(dfd, files[i].name, setfd, files[i].name, 0) < 0)
                        r = -errno;
        if (r == 0 && fsync(setfd) < 0)
                r = -errno;
        if (r == 0)
                r = make_current(dfd, set, gen);
        if (r < 0)
                remove_entry(dfd, set);
        return r;
}

static void current_set(int dfd, char *buf, size_t size)
{
        ssize_t k = readlinkat(dfd, CURRENT, buf, size - 1);
        buf[k > 0 ? k : 0] = '\0';
}

int outset_write(int dfd, const char *gen, const struct outset_file *files, size_t n, struct dbx_error *err)
{
        char set[NAME_MAX + 1], keep[NAME_MAX + 1];
        const char *what = "the set";
        int r;

        if ((size_t)snprintf(set, sizeof(set), SET_PREFIX "%s", gen) >= sizeof(set))
                return dbx_error_set(err, ENAMETOOLONG, "set name too long");
        /* one writer at a time per directory; a killed writer's lock goes with it */
        if (flock(dfd, LOCK_EX) < 0)
                return dbx_error_set(err, errno, "cannot lock: %s", strerror(errno));
        current_set(dfd, keep, sizeof(keep));
        sweep(dfd, keep);

        if ((r = adopt_plain_files(dfd, gen, files, n)) < 0) {
                what = "the files of an earlier denybox";
                goto fail;
        }
        for (size_t i = 0; i < n; i++)
                if ((r = ensure_link(dfd, files[i].name, gen)) < 0) {
                        what = files[i].name;
                        goto fail;
                }

        if (mkdirat(dfd, set, 0755) < 0) {
                r = -errno;
                goto fail;
        }
        {
                _cleanup_close_ int setfd = openat(dfd, set, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (setfd < 0)
                        r = -errno;
                for (size_t i = 0; r == 0 && i < n; i++)
                        if ((r = write_new(setfd, &files[i])) < 0)
                                what = files[i].name;
                if (r == 0 && fsync(setfd) < 0)
                        r = -errno;
        }
        /* the one step that makes the new set visible, all of it at once */
        if (r == 0)
                r = make_current(dfd, set, gen);
        if (r < 0) {
                remove_entry(dfd, set);
                goto fail;
        }
        sweep(dfd, set);
        flock(dfd, LOCK_UN);
        return 0;
fail:
        flock(dfd, LOCK_UN);
        return dbx_error_set(err, -r, "cannot write %s: %s; nothing of this run was made visible", what, strerror(-r));
}
