/* SPDX-License-Identifier: MIT */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t len)
{
        while (len) {
                ssize_t k = write(fd, p, len);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return -(errno ? errno : EIO);
                p += k;
                len -= (size_t)k;
        }
        return 0;
}

int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, struct dbx_error *err)
{
        char tmp[256], proc[64];
        snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", name, (int)getpid());

        _cleanup_close_ int fd = openat(dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0644);
        bool named = fd < 0;
        if (named)
                fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0)
                return dbx_error_set(err, errno, "cannot create %s: %s", name, strerror(errno));
        int r = write_all(fd, data, len);
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (r == 0 && !named) {
                snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
                if (linkat(AT_FDCWD, proc, dirfd, tmp, AT_SYMLINK_FOLLOW) < 0)
                        r = -errno;
        }
        if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
                r = -errno;
        if (r < 0) {
                unlinkat(dirfd, tmp, 0);
                return dbx_error_set(err, -r, "cannot write %s: %s", name, strerror(-r));
        }
        fsync(dirfd);
        return 0;
}
