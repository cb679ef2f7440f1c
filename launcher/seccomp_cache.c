/* SPDX-License-Identifier: MIT */
/* The compiled-filter cache on disk (seccomp_cache.h). */
#include "seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter_cache.h"
#include "image.h"
#include "outfile.h"

#define ENTRY_MAX (1u << 20) /* four programs of at most 4096 instructions, and the warnings */

int seccomp_cache_open(const char *override, struct dbx_error *err)
{
        _cleanup_free_ char *base = NULL;
        char dir[PATH_MAX];
        int r;
        if (override && strcmp(override, "off") == 0)
                return dbx_error_set(err, ENOENT, "--seccomp-cache off");
        if (override)
                snprintf(dir, sizeof(dir), "%s", override);
        else if ((r = image_cache_dir(NULL, &base, err)) < 0)
                return r;
        else
                snprintf(dir, sizeof(dir), "%s/seccomp", base);
        /* image_cache_ensure: mkdir -p, the last component 0700, and it must be the caller's alone */
        if ((r = image_cache_ensure(dir, err)) < 0)
                return r;
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return dbx_error_set(err, errno, "%s: %s", dir, strerror(errno));
        return fd;
}

static void entry_name(const char key[SHA256_HEX_SIZE], char name[SHA256_HEX_SIZE + 8])
{
        snprintf(name, SHA256_HEX_SIZE + 8, "%s.bpf", key);
}

bool seccomp_cache_load(int dfd, const char key[SHA256_HEX_SIZE], struct filter_set *ret)
{
        char name[SHA256_HEX_SIZE + 8];
        struct stat st;
        entry_name(key, name);
        _cleanup_close_ int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) ||
            st.st_size <= 0 || (size_t)st.st_size > ENTRY_MAX)
                return false;
        _cleanup_free_ uint8_t *buf = malloc((size_t)st.st_size);
        size_t got = 0;
        while (buf && got < (size_t)st.st_size) {
                ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
                if (n <= 0)
                        return false;
                got += (size_t)n;
        }
        return buf && filter_set_decode(buf, got, key, ret, NULL) == 0;
}

int seccomp_cache_store(int dfd, const char key[SHA256_HEX_SIZE], const struct filter_set *fs, struct dbx_error *err)
{
        char name[SHA256_HEX_SIZE + 8];
        _cleanup_free_ uint8_t *data = NULL;
        size_t len;
        int r;
        entry_name(key, name);
        if ((r = filter_set_encode(fs, key, &data, &len, err)) < 0)
                return r;
        return write_file_atomic(dfd, name, data, len, err);
}

bool seccomp_embedded_find(const char profile_sha256[SHA256_HEX_SIZE], struct filter_set *ret)
{
        for (const struct seccomp_embedded *e = seccomp_embedded; e->profile_sha256; e++)
                if (strcmp(e->profile_sha256, profile_sha256) == 0)
                        return filter_set_decode(e->entry, e->len, e->key, ret, NULL) == 0;
        return false;
}
