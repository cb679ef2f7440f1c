/* SPDX-License-Identifier: MIT */
/* What every attack payload prints of each step: "STEP <name> ok" or "STEP <name> errno <NAME>",
 * flushed at once (the payload may be killed by the next step).  Returns ret. */
#pragma once
#include <errno.h>
#include <stdio.h>
#include <string.h>

static inline long step(const char *name, long ret)
{
        if (ret < 0)
                printf("STEP %s errno %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
        else
                printf("STEP %s ok\n", name);
        fflush(stdout);
        return ret;
}
