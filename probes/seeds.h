/* SPDX-License-Identifier: MIT */
/* The seeds' 12 probes and their binding to the rev4 acceptance matrix (the seeds' report table,
 * "Matrix" column; the seeds' §7 binding table gives the same numbers). */
#pragma once

#include <stddef.h>

struct seed_probe {
        const char *id;
        const char *matrix; /* as the seeds write it: "#27", "#27 sib", "#29/#33", "#33 ctrl" */
};

extern const struct seed_probe seed_probes[];
extern const size_t seed_probes_len;

/* The matrix binding of a seeds' probe, or NULL for a probe the seeds do not have. */
const char *seed_matrix(const char *id);
