/* SPDX-License-Identifier: MIT */
/* The probe binary, embedded in denybox's own image (probes/meson.build: probe_blob.S). Linked
 * into the denybox executable only. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "attest.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

extern const unsigned char denybox_probe_start[], denybox_probe_end[];

/* The probe binary, from denybox's own image into a sealed memfd: the payload needs nothing
 * on the host or in the rootfs, and nobody can change it between the seal and the exec. */
int probe_memfd(struct dbx_error *err)
{
        size_t len = (size_t)(denybox_probe_end - denybox_probe_start);
        int fd = memfd_create("denybox-probe", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
        if (fd < 0 && errno == EINVAL) /* kernels before 6.3 know no MFD_EXEC */
                fd = memfd_create("denybox-probe", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return dbx_error_set(err, errno, "memfd_create: %s", strerror(errno));
        size_t off = 0;
        while (off < len) {
                ssize_t k = write(fd, denybox_probe_start + off, len - off);
                if (k <= 0) {
                        close(fd);
                        return dbx_error_set(err, errno, "cannot write the probe: %s", strerror(errno));
                }
                off += (size_t)k;
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
                close(fd);
                return dbx_error_set(err, errno, "cannot seal the probe: %s", strerror(errno));
        }
        return fd;
}

