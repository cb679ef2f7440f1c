/* SPDX-License-Identifier: MIT */
#include "rootfs_digest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIGEST_MAX_DEPTH 64

static int file_digest(int dirfd, const char *name, char out[SHA256_HEX_SIZE])
{
        _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
        if (fd < 0)
                return -errno;
        struct sha256_stream *s = sha256_stream_new();
        if (!s)
                return -ENOMEM;
        char buf[65536];
        ssize_t n;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                sha256_stream_add(s, buf, (size_t)n);
        sha256_stream_finish(s, out);
        return n < 0 ? -errno : 0;
}

static int cmp_names(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct sha256_stream *s, int dirfd, const char *rel, unsigned depth, struct dbx_error *err)
{
        if (depth > DIGEST_MAX_DEPTH)
                return dbx_error_set(err, ELOOP, "rootfs digest: %s is nested too deep", rel);
        int fd = dup(dirfd);
        if (fd < 0)
                return dbx_error_set(err, errno, "rootfs digest: %s", strerror(errno));
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return dbx_error_set(err, errno, "rootfs digest: %s: %s", rel, strerror(errno));
        }
        rewinddir(d);
        char **names = NULL;
        size_t n = 0, cap = 0;
        int r = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 32;
                        char **nn = realloc(names, cap * sizeof(*names));
                        if (!nn) {
                                r = dbx_error_set(err, ENOMEM, "out of memory");
                                break;
                        }
                        names = nn;
                }
                if (!(names[n++] = strdup(e->d_name))) {
                        r = dbx_error_set(err, ENOMEM, "out of memory");
                        break;
                }
        }
        closedir(d);
        if (n > 1)
                qsort(names, n, sizeof(*names), cmp_names);
        for (size_t i = 0; r == 0 && i < n; i++) {
                char path[PATH_MAX], line[PATH_MAX * 2 + 256], extra[PATH_MAX] = "";
                struct stat st;
                snprintf(path, sizeof(path), "%s/%s", rel, names[i]);
                if (fstatat(dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (S_ISLNK(st.st_mode)) {
                        ssize_t k = readlinkat(dirfd, names[i], extra, sizeof(extra) - 1);
                        extra[k > 0 ? k : 0] = '\0';
                } else if (S_ISREG(st.st_mode)) {
                        char h[SHA256_HEX_SIZE];
                        if (file_digest(dirfd, names[i], h) == 0)
                                snprintf(extra, sizeof(extra), "%s", h);
                        else
                                snprintf(extra, sizeof(extra), "unreadable");
                }
                int len = snprintf(line, sizeof(line), "%s\t%o\t%u\t%u\t%lld\t%s\n", path, (unsigned)st.st_mode,
                                   (unsigned)st.st_uid, (unsigned)st.st_gid,
                                   S_ISDIR(st.st_mode) ? 0LL : (long long)st.st_size, extra);
                sha256_stream_add(s, line, (size_t)len);
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int sub = openat(dirfd, names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0)
                                r = walk(s, sub, path, depth + 1, err);
                }
        }
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        return r;
}

int rootfs_digest(const char *dir, char out[SHA256_HEX_SIZE], struct dbx_error *err)
{
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return dbx_error_set(err, errno, "rootfs digest: %s: %s", dir, strerror(errno));
        struct sha256_stream *s = sha256_stream_new();
        if (!s)
                return dbx_error_set(err, ENOMEM, "out of memory");
        int r = walk(s, fd, "", 0, err);
        sha256_stream_finish(s, out);
        return r;
}
