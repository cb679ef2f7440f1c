/* SPDX-License-Identifier: MIT */
/* Observations of mounts and identity (issue 9, items 2 and 7): who owns the host's nodes as seen
 * from inside, and how many inodes /tmp may hold. */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

static unsigned read_overflow(const char *path)
{
        char buf[32];
        size_t len;
        if (read_bounded(path, buf, sizeof(buf) - 1, &len) != 0)
                return 65534; /* the kernel's default */
        return (unsigned) strtoul(buf, NULL, 10);
}

/* The /dev nodes are the host's own (bound from its /dev, owned by host root): their owner as
 * seen from inside tells whether host root is mapped into the sandbox's user namespace. */
void probe_host_root(struct obs *o)
{
        static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
        char val[sizeof(o->value)];
        size_t off = (size_t) snprintf(val, sizeof(val), "overflow=%u:%u", read_overflow("/proc/sys/kernel/overflowuid"),
                                       read_overflow("/proc/sys/kernel/overflowgid"));
        int err = 0;
        for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]) && off < sizeof(val); i++) {
                char p[32];
                struct stat st;
                snprintf(p, sizeof(p), "/dev/%s", nodes[i]);
                if (stat(p, &st) < 0) {
                        err = errno;
                        off += (size_t) snprintf(val + off, sizeof(val) - off, " %s=?", nodes[i]);
                        continue;
                }
                off += (size_t) snprintf(val + off, sizeof(val) - off, " %s=%u:%u", nodes[i], (unsigned) st.st_uid,
                                         (unsigned) st.st_gid);
        }
        record(o, err, "stat the /dev nodes bound from the host");
        set_value(o, "%s", val);
        snprintf(o->actual, sizeof(o->actual), "owners (uid:gid): %.480s", val);
}

void probe_tmp_inodes(struct obs *o)
{
        struct statvfs v;
        if (statvfs("/tmp", &v) < 0) {
                record(o, errno, "statvfs(\"/tmp\")");
                return;
        }
        record(o, 0, "statvfs(\"/tmp\")");
        set_value(o, "files=%llu bytes=%llu", (unsigned long long) v.f_files,
                  (unsigned long long) v.f_blocks * (unsigned long long) v.f_frsize);
        snprintf(o->actual, sizeof(o->actual), "/tmp: %s", o->value);
}
