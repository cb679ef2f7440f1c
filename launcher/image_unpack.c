/* SPDX-License-Identifier: MIT */
/* Applying image layers to a root being built, the part that has burned every engine (docker cp's
 * symlink races, the containerd/umoci/podman unpacker escapes through symlinks, hardlinks,
 * whiteouts and ".."), so the rules are few and strict:
 *   - a name is made relative to the root ("/a" and "./a" are "a"); a ".." component refuses the
 *     image; every directory on the way is opened with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS)
 *     from the root fd, never chdir or a joined host path: an entry written through a symlink (a
 *     symlink planted by an earlier entry or layer) refuses the image;
 *   - the last component is created with O_EXCL|O_NOFOLLOW / mkdirat / symlinkat / linkat on that
 *     directory fd; what was there is removed first without following symlinks;
 *   - a hardlink's target is resolved the same way and must be a regular file inside the root;
 *   - whiteouts (.wh.NAME, .wh..wh..opq) are applied before the layer's other entries, to what the
 *     lower layers made, with the same resolution;
 *   - device nodes, fifos and sockets are not created, extended attributes (file capabilities
 *     included) are not applied, setuid/setgid bits are dropped (the root is mounted nosuid as
 *     well); ownership is recreated only when root unpacks (into root's own 0700 cache; an
 *     unprivileged caller's files are all its own, as is the sandbox user's host uid);
 *   - bytes and entries are counted against a budget and an image over it is refused.
 * The root is a private temporary directory nothing else writes; it is trusted only once it is
 * complete and renamed into the cache (image.c). */
#include "image.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_DEPTH 128
#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

static int openat2_dir(int dirfd, const char *path, uint64_t resolve)
{
        struct open_how how = {
                .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                .resolve = resolve | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
        return fd < 0 ? -errno : fd;
}

/* "./a//b/" -> "a/b".  An absolute name is taken inside the root (as RESOLVE_IN_ROOT would);
 * "." components go; ".." refuses (-EXDEV); too long or too deep: -ENAMETOOLONG. */
int image_path_norm(const char *in, char *out, size_t size)
{
        size_t n = 0;
        unsigned depth = 0;
        for (const char *p = in; *p;) {
                while (*p == '/')
                        p++;
                const char *e = strchrnul(p, '/');
                size_t len = (size_t)(e - p);
                if (len == 2 && p[0] == '.' && p[1] == '.')
                        return -EXDEV;
                if (len > 0 && !(len == 1 && p[0] == '.')) {
                        if (n + len + 2 > size || ++depth > MAX_DEPTH)
                                return -ENAMETOOLONG;
                        if (n)
                                out[n++] = '/';
                        memcpy(out + n, p, len);
                        n += len;
                }
                p = e;
        }
        out[n] = '\0';
        return 0;
}

/* The directory rel (normalised) under root: opened without following any symlink; missing
 * components are created (0755) when create.  Returns an O_PATH fd or a negative errno. */
static int open_dir(int root, const char *rel, bool create)
{
        int fd = openat2_dir(root, *rel ? rel : ".", RESOLVE_IN_ROOT);
        if (fd >= 0 || fd != -ENOENT || !create)
                return fd;
        char buf[PATH_MAX];
        snprintf(buf, sizeof(buf), "%s", rel);
        int cur = fcntl(root, F_DUPFD_CLOEXEC, 3);
        if (cur < 0)
                return -errno;
        for (char *save = NULL, *c = strtok_r(buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (mkdirat(cur, c, 0755) < 0 && errno != EEXIST) {
                        int e = -errno;
                        close(cur);
                        return e;
                }
                int next = openat2_dir(cur, c, RESOLVE_BENEATH);
                close(cur);
                if (next < 0)
                        return next;
                cur = next;
        }
        return cur;
}

int remove_tree_at(int at, const char *name, unsigned depth)
{
        struct stat st;
        if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISDIR(st.st_mode))
                return unlinkat(at, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        if (depth > MAX_DEPTH + 8)
                return -ELOOP;
        int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        (void)fchmod(fd, 0700); /* a read-only directory of the image: we own it, make it deletable */
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        int r = 0;
        for (struct dirent *de; r == 0 && (de = readdir(d));) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                r = remove_tree_at(dirfd(d), de->d_name, depth + 1);
                if (r == 0)
                        rewinddir(d);
        }
        closedir(d);
        if (r == 0 && unlinkat(at, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
                r = -errno;
        return r;
}

/* ---- reading a layer: libarchive over our own read callback, which hashes every byte ---- */

struct reader {
        int fd;
        struct sha256_stream *hash;
        char buf[1 << 16];
};

static la_ssize_t reader_read(struct archive *a, void *data, const void **ret)
{
        struct reader *rd = data;
        for (;;) {
                ssize_t k = read(rd->fd, rd->buf, sizeof(rd->buf));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        archive_set_error(a, errno, "read: %s", strerror(errno));
                        return -1;
                }
                if (rd->hash && k > 0)
                        sha256_stream_add(rd->hash, rd->buf, (size_t)k);
                *ret = rd->buf;
                return k;
        }
}

/* libarchive reader for fd (from offset 0) with only the filters this layer may use. */
static int open_archive(struct reader *rd, enum layer_compression comp, bool raw, struct archive **ret,
                        const char *what, struct dbx_error *err)
{
        if (lseek(rd->fd, 0, SEEK_SET) < 0)
                return dbx_error_set(err, errno, "%s: %s", what, strerror(errno));
        struct archive *a = archive_read_new();
        if (!a)
                return dbx_error_set(err, ENOMEM, "out of memory");
        if (comp == LAYER_GZIP || comp == LAYER_ANY)
                archive_read_support_filter_gzip(a);
        if (comp == LAYER_ZSTD || comp == LAYER_ANY)
                archive_read_support_filter_zstd(a);
        if (raw)
                archive_read_support_format_raw(a);
        else
                archive_read_support_format_tar(a);
        if (archive_read_open(a, rd, NULL, reader_read, NULL) != ARCHIVE_OK) {
                int r = dbx_error_set(err, EINVAL, "%s: not a readable %s: %s", what, raw ? "stream" : "tar layer",
                                      archive_error_string(a));
                archive_read_free(a);
                return r;
        }
        *ret = a;
        return 0;
}

/* Read the rest of the fd into the hash (libarchive stops at the tar trailer). */
static int drain(struct reader *rd)
{
        const void *p;
        la_ssize_t k;
        while ((k = reader_read(NULL, rd, &p)) > 0)
                ;
        return k < 0 ? -EIO : 0;
}

int layer_hash(int fd, bool decompress, char out[SHA256_HEX_SIZE], struct dbx_error *err)
{
        _cleanup_free_ struct reader *rd = calloc(1, sizeof(*rd));
        if (!rd)
                return dbx_error_set(err, ENOMEM, "out of memory");
        rd->fd = fd;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return dbx_error_set(err, errno, "layer: %s", strerror(errno));
        struct sha256_stream *h = sha256_stream_new();
        if (!h)
                return dbx_error_set(err, ENOMEM, "out of memory");
        if (!decompress) {
                rd->hash = h;
                int r = drain(rd);
                sha256_stream_finish(h, out);
                return r < 0 ? dbx_error_set(err, EIO, "layer: read error") : 0;
        }
        struct archive *a;
        int r = open_archive(rd, LAYER_ANY, true, &a, "layer", err);
        if (r < 0) {
                sha256_stream_finish(h, out);
                return r;
        }
        struct archive_entry *e;
        if (archive_read_next_header(a, &e) == ARCHIVE_OK) {
                la_ssize_t k;
                while ((k = archive_read_data(a, rd->buf, sizeof(rd->buf))) > 0)
                        sha256_stream_add(h, rd->buf, (size_t)k);
                if (k < 0)
                        r = dbx_error_set(err, EINVAL, "layer: %s", archive_error_string(a));
        }
        archive_read_free(a);
        sha256_stream_finish(h, out);
        return r;
}

/* ---- entries ---- */

static int refuse(struct dbx_error *err, const char *what, const char *name, const char *why)
{
        return dbx_error_set(err, EPERM, "%s: entry '%.200s' %s: image refused", what, name, why);
}

static void resolve_errno_why(int r, const char **why)
{
        *why = r == -ELOOP || r == -EXDEV ? "goes through a symlink (or leaves the root)"
             : r == -ENOTDIR              ? "goes through something that is not a directory"
                                          : "cannot be resolved inside the root";
}

static void split(char *path, char **parent, char **base)
{
        char *slash = strrchr(path, '/');
        if (slash) {
                *slash = '\0';
                *parent = path;
                *base = slash + 1;
        } else {
                *parent = (char *)"";
                *base = path;
        }
}

static int budget_entry(struct unpack *u, uint64_t bytes, const char *what, struct dbx_error *err)
{
        if (++u->stats.entries > u->budget.max_entries)
                return dbx_error_set(err, EFBIG, "%s: more than %llu entries: image refused (over the entry budget, "
                                     "DENYBOX_IMAGE_MAX_ENTRIES)", what, (unsigned long long)u->budget.max_entries);
        if (bytes > u->budget.max_bytes - u->stats.bytes || u->stats.bytes > u->budget.max_bytes)
                return dbx_error_set(err, EFBIG, "%s: more than %llu bytes unpacked: image refused (over the size budget, "
                                     "DENYBOX_IMAGE_MAX_BYTES)", what, (unsigned long long)u->budget.max_bytes);
        return 0;
}

/* Whiteouts: .wh.NAME removes NAME; .wh..wh..opq empties its directory (of lower layers' content:
 * they are applied before this layer's other entries). */
static int apply_whiteout(struct unpack *u, char *path, const char *what, struct dbx_error *err)
{
        char shown[PATH_MAX];
        snprintf(shown, sizeof(shown), "%s", path);
        char *parent, *base;
        split(path, &parent, &base);
        const char *why;
        int dir = open_dir(u->root, parent, false);
        if (dir == -ENOENT)
                return 0; /* nothing below to hide */
        if (dir < 0)
                return resolve_errno_why(dir, &why), refuse(err, what, shown, why);
        int r = 0;
        u->stats.whiteouts++;
        if (strcmp(base, WH_OPAQUE) == 0) {
                int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
                if (!d) {
                        if (fd >= 0)
                                close(fd);
                        close(dir);
                        return dbx_error_set(err, errno, "%s: whiteout '%s': %s", what, shown, strerror(errno));
                }
                for (struct dirent *de; r == 0 && (de = readdir(d));) {
                        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                                continue;
                        r = remove_tree_at(dirfd(d), de->d_name, 0);
                        if (r == 0)
                                rewinddir(d);
                }
                closedir(d);
        } else if (strncmp(base, WH_PREFIX WH_PREFIX, 8) == 0) {
                /* other aufs metadata (.wh..wh.plnk, ...): nothing to do */
        } else {
                const char *name = base + strlen(WH_PREFIX);
                if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
                        close(dir);
                        return refuse(err, what, shown, "is a whiteout of no name, '.' or '..'");
                }
                r = remove_tree_at(dir, name, 0);
        }
        close(dir);
        return r < 0 ? dbx_error_set(err, -r, "%s: whiteout '%s': %s", what, shown, strerror(-r)) : 0;
}

static int record_dir(struct unpack *u, const char *path, unsigned mode, struct archive_entry *e)
{
        if (u->n_dirs == u->cap_dirs) {
                size_t cap = u->cap_dirs ? u->cap_dirs * 2 : 64;
                struct dirmode *d = realloc(u->dirs, cap * sizeof(*d));
                if (!d)
                        return -ENOMEM;
                u->dirs = d;
                u->cap_dirs = cap;
        }
        struct dirmode *d = &u->dirs[u->n_dirs];
        if (!(d->path = strdup(path)))
                return -ENOMEM;
        d->mode = mode;
        d->uid = (uid_t)archive_entry_uid(e);
        d->gid = (gid_t)archive_entry_gid(e);
        u->n_dirs++;
        return 0;
}

static int write_file(struct unpack *u, struct archive *a, struct archive_entry *e, int dir, const char *base, unsigned mode,
                      const char *what, const char *shown, struct dbx_error *err)
{
        _cleanup_close_ int fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return dbx_error_set(err, errno, "%s: '%s': %s", what, shown, strerror(errno));
        char buf[1 << 16];
        la_ssize_t k;
        while ((k = archive_read_data(a, buf, sizeof(buf))) > 0) {
                u->stats.bytes += (uint64_t)k;
                if (u->stats.bytes > u->budget.max_bytes)
                        return dbx_error_set(err, EFBIG, "%s: more than %llu bytes unpacked: image refused (over the size "
                                             "budget, DENYBOX_IMAGE_MAX_BYTES)", what, (unsigned long long)u->budget.max_bytes);
                for (char *p = buf; k > 0;) {
                        ssize_t w = write(fd, p, (size_t)k);
                        if (w < 0 && errno == EINTR)
                                continue;
                        if (w < 0)
                                return dbx_error_set(err, errno, "%s: writing '%s': %s", what, shown, strerror(errno));
                        p += w;
                        k -= w;
                }
        }
        if (k < 0)
                return dbx_error_set(err, EINVAL, "%s: '%s': %s (truncated or corrupt layer)", what, shown, archive_error_string(a));
        if (mode & (S_ISUID | S_ISGID))
                u->stats.setid++;
        if (u->owners && fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
                return dbx_error_set(err, errno, "%s: owner of '%s': %s", what, shown, strerror(errno));
        if (fchmod(fd, mode & 0777) < 0)
                return dbx_error_set(err, errno, "%s: '%s': %s", what, shown, strerror(errno));
        return 0;
}

static int apply_entry(struct unpack *u, struct archive *a, struct archive_entry *e, const char *what, struct dbx_error *err)
{
        const char *raw = archive_entry_pathname(e);
        char path[PATH_MAX], shown[PATH_MAX];
        const char *why;
        if (!raw)
                return refuse(err, what, "?", "has no name");
        int r = image_path_norm(raw, path, sizeof(path));
        if (r == -EXDEV)
                return refuse(err, what, raw, "has a '..' component");
        if (r < 0)
                return refuse(err, what, raw, "is too long or too deep");
        if (!*path)
                return 0; /* the root itself */
        snprintf(shown, sizeof(shown), "%s", path);
        char *parent, *base;
        split(path, &parent, &base);
        if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) == 0)
                return 0; /* applied before the entries */

        const char *hardlink = archive_entry_hardlink(e);
        mode_t type = archive_entry_filetype(e);
        if (!hardlink && (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK)) {
                if (u->stats.special++ == 0)
                        snprintf(u->stats.special_example, sizeof(u->stats.special_example), "%s", shown);
                return budget_entry(u, 0, what, err);
        }
        if ((r = budget_entry(u, archive_entry_size_is_set(e) && archive_entry_size(e) > 0 ? (uint64_t)archive_entry_size(e) : 0,
                              what, err)) < 0)
                return r;
        _cleanup_close_ int dir = open_dir(u->root, parent, true);
        if (dir < 0)
                return resolve_errno_why(dir, &why), refuse(err, what, shown, why);
        unsigned mode = archive_entry_perm(e) & 07777;

        struct stat st;
        bool exists = fstatat(dir, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
        if (!hardlink && type == AE_IFDIR) {
                if (exists && !S_ISDIR(st.st_mode) && (r = remove_tree_at(dir, base, 0)) < 0)
                        return dbx_error_set(err, -r, "%s: '%s': %s", what, shown, strerror(-r));
                if ((!exists || !S_ISDIR(st.st_mode)) && mkdirat(dir, base, 0700) < 0)
                        return dbx_error_set(err, errno, "%s: '%s': %s", what, shown, strerror(errno));
                if (mode & S_ISUID)
                        u->stats.setid++;
                return record_dir(u, shown, mode & 01777, e) < 0 ? dbx_error_set(err, ENOMEM, "out of memory") : 0;
        }

        /* a non-directory replaces whatever was there (as overlayfs would show it) */
        if (hardlink) {
                char target[PATH_MAX];
                r = image_path_norm(hardlink, target, sizeof(target));
                if (r == -EXDEV)
                        return refuse(err, what, shown, "is a hardlink with a '..' component (out of the root)");
                if (r < 0 || !*target)
                        return refuse(err, what, shown, "is a hardlink to an unusable name");
                char *tparent, *tbase;
                split(target, &tparent, &tbase);
                _cleanup_close_ int tdir = open_dir(u->root, tparent, false);
                if (tdir < 0)
                        return refuse(err, what, shown, "is a hardlink through a symlink or to a missing path");
                struct stat tst;
                if (fstatat(tdir, tbase, &tst, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(tst.st_mode))
                        return refuse(err, what, shown, "is a hardlink to something that is not a regular file of the image");
                if (exists && st.st_ino == tst.st_ino && st.st_dev == tst.st_dev)
                        return 0;
                if (exists && (r = remove_tree_at(dir, base, 0)) < 0)
                        return dbx_error_set(err, -r, "%s: '%s': %s", what, shown, strerror(-r));
                if (linkat(tdir, tbase, dir, base, 0) < 0)
                        return dbx_error_set(err, errno, "%s: hardlink '%s': %s", what, shown, strerror(errno));
                return 0;
        }
        if (exists && (r = remove_tree_at(dir, base, 0)) < 0)
                return dbx_error_set(err, -r, "%s: '%s': %s", what, shown, strerror(-r));
        switch (type) {
        case AE_IFREG:
                return write_file(u, a, e, dir, base, mode, what, shown, err);
        case AE_IFLNK: {
                const char *target = archive_entry_symlink(e);
                if (!target || !*target || strlen(target) >= PATH_MAX)
                        return refuse(err, what, shown, "is a symlink with an empty or too long target");
                /* Stored as is: never followed while unpacking (RESOLVE_NO_SYMLINKS), and inside the
                 * sandbox it resolves within its own root. */
                if (symlinkat(target, dir, base) < 0)
                        return dbx_error_set(err, errno, "%s: symlink '%s': %s", what, shown, strerror(errno));
                if (u->owners && fchownat(dir, base, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
                        return dbx_error_set(err, errno, "%s: owner of '%s': %s", what, shown, strerror(errno));
                return 0;
        }
        default:
                return refuse(err, what, shown, "has a type this unpacker does not know");
        }
}

/* Pass 1 of a layer: hash it (the digest is checked before anything is written) and apply its
 * whiteouts; pass 2: its entries, hashing again to see the bytes did not change in between. */
int layer_apply(struct unpack *u, int fd, enum layer_compression comp, const char *want_sha256, const char *what,
                struct dbx_error *err)
{
        _cleanup_free_ struct reader *rd = calloc(1, sizeof(*rd));
        if (!rd)
                return dbx_error_set(err, ENOMEM, "out of memory");
        rd->fd = fd;
        char got[SHA256_HEX_SIZE];
        int r = layer_hash(fd, false, got, err);
        if (r < 0)
                return r;
        if (want_sha256 && strcmp(got, want_sha256) != 0)
                return dbx_error_set(err, EBADMSG, "%s: digest mismatch: the blob's sha256 is %s: image refused", what, got);

        for (int pass = 1; pass <= 2; pass++) {
                struct archive *a;
                if (!(rd->hash = sha256_stream_new()))
                        return dbx_error_set(err, ENOMEM, "out of memory");
                if ((r = open_archive(rd, comp, false, &a, what, err)) < 0) {
                        char junk[SHA256_HEX_SIZE];
                        sha256_stream_finish(rd->hash, junk);
                        return r;
                }
                struct archive_entry *e;
                int k;
                while (r == 0 && (k = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
                        if (pass == 2) {
                                r = apply_entry(u, a, e, what, err);
                                continue;
                        }
                        char path[PATH_MAX];
                        const char *raw = archive_entry_pathname(e);
                        int n = raw ? image_path_norm(raw, path, sizeof(path)) : -EINVAL;
                        const char *base = n == 0 ? strrchr(path, '/') : NULL;
                        base = base ? base + 1 : path;
                        if (n == 0 && strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) == 0)
                                r = apply_whiteout(u, path, what, err);
                        else if (n == -EXDEV)
                                r = refuse(err, what, raw, "has a '..' component");
                }
                if (r == 0 && k != ARCHIVE_EOF)
                        r = dbx_error_set(err, EINVAL, "%s: %s (truncated or corrupt layer): image refused", what,
                                          archive_error_string(a) ? archive_error_string(a) : "unreadable");
                archive_read_free(a);
                if (r == 0 && drain(rd) < 0)
                        r = dbx_error_set(err, EIO, "%s: read error", what);
                char again[SHA256_HEX_SIZE];
                sha256_stream_finish(rd->hash, again);
                rd->hash = NULL;
                if (r == 0 && strcmp(again, got) != 0)
                        r = dbx_error_set(err, EBADMSG, "%s: the blob changed while it was read: image refused", what);
                if (r < 0)
                        return r;
        }
        return 0;
}

static const struct unpack *sort_u; /* qsort has no context argument; unpacking is single-threaded */

static size_t depth_of(const char *p)
{
        size_t d = 1;
        for (; *p; p++)
                d += *p == '/';
        return d;
}

static int cmp_dirmode(const void *x, const void *y)
{
        size_t i = *(const size_t *)x, j = *(const size_t *)y;
        size_t di = depth_of(sort_u->dirs[i].path), dj = depth_of(sort_u->dirs[j].path);
        if (di != dj)
                return di > dj ? -1 : 1;
        int c = strcmp(sort_u->dirs[i].path, sort_u->dirs[j].path);
        if (c)
                return c;
        return i > j ? -1 : i < j; /* the later record first */
}

int unpack_finish(struct unpack *u, const char *const *mkdirs, struct dbx_error *err)
{
        for (size_t i = 0; mkdirs && mkdirs[i]; i++) {
                char path[PATH_MAX];
                if (image_path_norm(mkdirs[i], path, sizeof(path)) < 0)
                        return dbx_error_set(err, EINVAL, "image: unusable directory '%s'", mkdirs[i]);
                int fd = open_dir(u->root, path, true);
                if (fd < 0 && fd != -ELOOP && fd != -ENOTDIR) /* a symlink there is the image's own choice */
                        return dbx_error_set(err, -fd, "image: creating /%s: %s", path, strerror(-fd));
                if (fd >= 0)
                        close(fd);
        }
        /* deepest first (a directory's mode may shut its children), the last layer's mode of each */
        size_t *order = calloc(u->n_dirs + 1, sizeof(*order));
        if (!order)
                return dbx_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < u->n_dirs; i++)
                order[i] = i;
        sort_u = u;
        qsort(order, u->n_dirs, sizeof(*order), cmp_dirmode);
        for (size_t k = 0; k < u->n_dirs; k++) {
                const struct dirmode *d = &u->dirs[order[k]];
                if (k > 0 && strcmp(u->dirs[order[k - 1]].path, d->path) == 0)
                        continue; /* an earlier layer's mode for the same directory */
                int dir = open_dir(u->root, d->path, false);
                if (dir < 0)
                        continue; /* removed or replaced by a later layer */
                int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                close(dir);
                if (fd < 0 || (u->owners && fchown(fd, d->uid, d->gid) < 0) || fchmod(fd, d->mode) < 0) {
                        int e = errno;
                        if (fd >= 0)
                                close(fd);
                        free(order);
                        return dbx_error_set(err, e, "image: mode of /%s: %s", d->path, strerror(e));
                }
                close(fd);
        }
        free(order);
        /* the root itself: what preflight demands of any --rootfs */
        int fd = openat(u->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fchmod(fd, 0755) < 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                return dbx_error_set(err, e, "image: root mode: %s", strerror(e));
        }
        close(fd);
        return 0;
}

void unpack_free(struct unpack *u)
{
        for (size_t i = 0; i < u->n_dirs; i++)
                free(u->dirs[i].path);
        free(u->dirs);
        u->dirs = NULL;
        u->n_dirs = u->cap_dirs = 0;
}
