/* SPDX-License-Identifier: MIT */
/* The value checks of probes/probe_mounts.c (pure: the launcher adjudicates with them). */
#include "catalogue.h"

#include <stdio.h>
#include <string.h>

/* the verdict, with why it was reached written to why */
#define VERDICT(v, ...) (snprintf(why, why_size, __VA_ARGS__), (v))

/* "overflow=U:G null=U:G zero=U:G ...": every node owned by the overflow ids, none by 0. */
enum verdict probe_value_host_root(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                   size_t why_size)
{
        unsigned ou, og;
        int n = 0;
        (void) ctx;
        if (sscanf(o->value, "overflow=%u:%u%n", &ou, &og, &n) != 2)
                return VERDICT(VERDICT_FAIL, "unreadable observation '%.200s'", o->value);
        size_t nodes = 0;
        for (const char *p = o->value + n; (p = strchr(p, ' ')); p++) {
                char name[16];
                unsigned u, g;
                if (sscanf(p + 1, "%15[a-z]=%u:%u", name, &u, &g) != 3)
                        return VERDICT(VERDICT_FAIL, "a node could not be looked at: '%.200s'", o->value);
                if (u != ou || g != og)
                        return VERDICT(VERDICT_FAIL, "/dev/%s (the host's, owned by host root) shows as %u:%u, not as the overflow ids "
                                           "%u:%u: host root is mapped into the sandbox", name, u, g, ou, og);
                nodes++;
        }
        if (nodes == 0)
                return VERDICT(VERDICT_FAIL, "no /dev node to look at");
        return VERDICT(VERDICT_PASS, "all %zu host nodes show as the overflow ids %u:%u", nodes, ou, og);
}

/* "files=F bytes=B": at most one inode per KiB of size= (64 at least). */
enum verdict probe_value_tmp_inodes(const struct probe_observation *o, const struct probe_context *ctx, char *why,
                                    size_t why_size)
{
        unsigned long long files, bytes;
        (void) ctx;
        if (sscanf(o->value, "files=%llu bytes=%llu", &files, &bytes) != 2)
                return VERDICT(VERDICT_FAIL, "unreadable observation '%.200s'", o->value);
        unsigned long long bound = bytes / 1024 > 64 ? bytes / 1024 : 64;
        if (files == 0)
                return VERDICT(VERDICT_FAIL, "/tmp has no inode limit at all (nr_inodes=0)");
        if (files > bound)
                return VERDICT(VERDICT_FAIL, "/tmp allows %llu inodes for %llu bytes (bound %llu): empty files could pin ~%llu MiB "
                                   "of host kernel memory", files, bytes, bound, files / 1024);
        return VERDICT(VERDICT_PASS, "/tmp allows %llu inodes for %llu bytes (<= %llu)", files, bytes, bound);
}
