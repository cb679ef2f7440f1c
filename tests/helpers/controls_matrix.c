/* SPDX-License-Identifier: MIT */
/* Prints the redundancy matrix docs/CONTROLS.md carries (scripts/controls-matrix.sh splices it in). */
#include <stdio.h>
#include <stdlib.h>

#include "catalogue.h"

int main(void)
{
        size_t n = probe_matrix_markdown(NULL, 0);
        char *buf = malloc(n + 1);
        if (!buf)
                return 1;
        probe_matrix_markdown(buf, n + 1);
        fputs(buf, stdout);
        free(buf);
        return 0;
}
