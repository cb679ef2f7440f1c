/* SPDX-License-Identifier: MIT */
#include "seeds.h"

#include <string.h>

#include "error.h"

/* The seeds' report (run 27247749834) and their "Probe -> rev4 matrix binding" table. */
const struct seed_probe seed_probes[] = {
        {"PR-NET-1", "#27"},
        {"PR-NET-2", "#27 sib"},
        {"PR-SOCK-1", "#25 sib"},
        {"PR-ENV-1", "#28"},
        {"PR-FS-RO-IN", "#33"},
        {"PR-FS-ESC-1", "#29"},
        {"PR-FS-ESC-2", "#29/#33"},
        {"PR-FS-OUT-OK", "#33 ctrl"},
        {"PR-EXEC-1", "#34/#25"},
        {"PR-MOUNT-1", "#29/#33"},
        {"PR-SOCK-DOCKER", "#36"},
        {"PR-PTRACE-1", "#37"},
};
const size_t seed_probes_len = ELEMENTSOF(seed_probes);

const char *seed_matrix(const char *id)
{
        for (size_t i = 0; id && i < seed_probes_len; i++)
                if (strcmp(seed_probes[i].id, id) == 0)
                        return seed_probes[i].matrix;
        return NULL;
}
