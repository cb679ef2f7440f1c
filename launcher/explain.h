/* SPDX-License-Identifier: MIT */
#pragma once
#include <stdio.h>

#include "config.h"
#include "filter.h"

/* Print the isolation sequence denybox would execute for c, with the values it would use,
 * without running anything.  Returns 0. */
int explain_print(const struct sandbox_config *c, const struct filter_set *fs, const char *profile_name,
                  const char *profile_sha256, FILE *f);
