/* SPDX-License-Identifier: MIT */
/* The payload's stdio (issue 10): its 0/1/2 are the pipes the launcher created and relays, not
 * descriptors of the caller's (a terminal it could TIOCSTI/TIOCSETD, a file it could reopen for
 * writing through /proc/self/fd and fchmod).
 *
 * The probe reports what 0, 1 and 2 are ("0=fifo:INO 1=fifo:INO 2=fifo:INO"); the launcher, which
 * knows the inodes of the pipes it made (probe_context.stdio_ino), adjudicates: each must be that
 * very pipe.  Under --weaken stdio the payload gets the caller's 0 and 2 (stdout stays captured):
 * different inodes, FAIL. */
#include "catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef DENYBOX_PROBE_BINARY
#include <errno.h>
#include <sys/stat.h>

#include "probe.h"

static const char *kind(mode_t m)
{
        return S_ISFIFO(m) ? "fifo" : S_ISCHR(m) ? "chr" : S_ISREG(m) ? "reg" : S_ISSOCK(m) ? "sock" : S_ISDIR(m) ? "dir" : "other";
}

void probe_stdio(struct obs *o)
{
        char v[128] = "";
        size_t n = 0;
        for (int fd = 0; fd < 3; fd++) {
                struct stat st;
                if (fstat(fd, &st) < 0) {
                        record(o, errno, "fstat(0/1/2)");
                        return;
                }
                n += (size_t) snprintf(v + n, sizeof(v) - n, "%s%d=%s:%llu", fd ? " " : "", fd, kind(st.st_mode),
                                       (unsigned long long) st.st_ino);
        }
        char what[200];
        snprintf(what, sizeof(what), "fstat(0/1/2): %s", v);
        record(o, 0, what);
        set_value(o, "%s", v);
}
#endif

/* PR-STDIO-1: "0=fifo:INO 1=fifo:INO 2=fifo:INO" against the launcher's own pipes. */
enum verdict probe_value_stdio(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                               size_t why_size)
{
        if (!ctx || !ctx->stdio_ino[0] || !ctx->stdio_ino[1] || !ctx->stdio_ino[2]) {
                snprintf(why, why_size, "the launcher's pipe inodes are unknown");
                return VERDICT_UNVERIFIED;
        }
        const char *p = o->value;
        for (int fd = 0; fd < 3; fd++) {
                char k[8];
                unsigned long long ino;
                int used = 0;
                if (sscanf(p, " %*d=%7[a-z]:%llu%n", k, &ino, &used) != 2 || used == 0) {
                        snprintf(why, why_size, "malformed stdio view '%.80s'", o->value);
                        return VERDICT_UNVERIFIED;
                }
                p += used;
                if (strcmp(k, "fifo") != 0 || ino != ctx->stdio_ino[fd]) {
                        snprintf(why, why_size, "fd %d is %s:%llu, not the launcher's pipe (fifo:%llu): a descriptor of the caller's",
                                 fd, k, ino, ctx->stdio_ino[fd]);
                        return VERDICT_FAIL;
                }
        }
        snprintf(why, why_size, "0, 1 and 2 are the launcher's own pipes");
        return VERDICT_PASS;
}
