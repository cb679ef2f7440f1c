/* SPDX-License-Identifier: MIT */
/* The launcher's check of PR-MEM-2 (observe_limits.c): memory written into a memfd, which the
 * address space does not hold, must stop at the memory limit. */
#include "catalogue.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* PR-MEM-2: "bytes=N" written into a memfd in a child; o->err is the outcome (ENOMEM, ENOSPC,
 * PROBE_ERR_KILLED(SIGKILL) by the OOM killer, or 0: all of it went in). */
enum verdict probe_value_memory_unmapped(const struct probe_observation *o, const struct probe_context *ctx,
                                         char *why, size_t why_size)
{
        long long bytes;
        char got[48];
        if (strncmp(o->value, "bytes=", 6) != 0 || sscanf(o->value + 6, "%lld", &bytes) != 1) {
                snprintf(why, why_size, "malformed memory value '%.80s'", o->value);
                return VERDICT_UNVERIFIED;
        }
        if (!ctx || ctx->memory <= 0) {
                snprintf(why, why_size, "no memory limit configured to check (%s)", o->value);
                return VERDICT_UNVERIFIED;
        }
        if (bytes < ctx->memory + PROBE_MEM_EXTRA) {
                snprintf(why, why_size, "the probe wrote only %lld bytes, limit %lld", bytes, ctx->memory);
                return VERDICT_UNVERIFIED;
        }
        probe_errno_label(o->err, got, sizeof(got));
        if (o->err < 0) {
                snprintf(why, why_size, "no outcome observed for %lld bytes", bytes);
                return VERDICT_UNVERIFIED;
        }
        if (o->err == 0) {
                snprintf(why, why_size, "%lld bytes went into a memfd, over the limit of %lld: not held (mechanism: %s)",
                         bytes, ctx->memory, ctx->memory_mechanism ? ctx->memory_mechanism : "unknown");
                return VERDICT_FAIL;
        }
        if (o->err != ENOMEM && o->err != ENOSPC && o->err != PROBE_ERR_KILLED(SIGKILL)) {
                snprintf(why, why_size, "%s writing %lld bytes into a memfd, expected ENOMEM(12), ENOSPC(28) or SIGKILL",
                         got, bytes);
                return VERDICT_FAIL;
        }
        snprintf(why, why_size, "%s writing %lld bytes into a memfd (limit %lld)", got, bytes, ctx->memory);
        return VERDICT_PASS;
}
