/* SPDX-License-Identifier: MIT */
/* The redundancy matrix (issue 17) as Markdown, from the catalogue alone: docs/CONTROLS.md carries
 * it verbatim (the unit test controls_matrix_in_step keeps it so; scripts/controls-matrix.sh
 * rewrites it).  No I/O: the text goes into the caller's buffer. */
#include "catalogue.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The Landlock ABIs the matrix shows: this project's hosts (6.18: ABI 7), Debian 12's 6.1 (ABI 2),
 * and a kernel without Landlock. */
static const struct {
        int abi;
        const char *label;
} matrix_abis[] = {{7, "ABI 7"}, {2, "ABI 2 (Debian 12's 6.1)"}, {0, "no Landlock"}};

static void put(char *buf, size_t size, size_t *used, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*used < size ? buf + *used : NULL, *used < size ? size - *used : 0, fmt, ap);
        va_end(ap);
        if (n > 0)
                *used += (size_t) n;
}

/* The most layers that hold d at any of the matrix's ABIs. */
static size_t most_layers(const struct probe_def *d)
{
        char held[256];
        size_t most = 0;
        for (size_t k = 0; k < ELEMENTSOF(matrix_abis); k++) {
                size_t n = probe_held_by(d, matrix_abis[k].abi, held, sizeof(held));
                most = n > most ? n : most;
        }
        return most;
}

static bool setup_control(const char *control)
{
        return strcmp(control, PROBE_CONTROL_ROOTFS_DOCKER_SOCK) == 0 || strcmp(control, PROBE_CONTROL_OUT_UNWRITABLE) == 0;
}

size_t probe_matrix_markdown(char *buf, size_t size)
{
        size_t used = 0, n_single = 0, n_setup = 0;
        char held[256];

        put(buf, size, &used, "| probe | layers that hold it | Landlock from |");
        for (size_t k = 0; k < ELEMENTSOF(matrix_abis); k++)
                put(buf, size, &used, " %s |", matrix_abis[k].label);
        put(buf, size, &used, "\n|---|---|---|");
        for (size_t k = 0; k < ELEMENTSOF(matrix_abis); k++)
                put(buf, size, &used, "---|");
        put(buf, size, &used, "\n");
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                const struct probe_def *d = &probe_catalogue[i];
                if (most_layers(d) < 2)
                        continue;
                put(buf, size, &used, "| %s | `%s` |", d->id, d->control);
                if (d->landlock_abi && d->landlock_shadows)
                        put(buf, size, &used, " ABI %d, answers before `%s` with an errno not accepted |", d->landlock_abi,
                            d->landlock_shadows);
                else if (d->landlock_abi)
                        put(buf, size, &used, " ABI %d |", d->landlock_abi);
                else
                        put(buf, size, &used, " - |");
                for (size_t k = 0; k < ELEMENTSOF(matrix_abis); k++) {
                        size_t n = probe_held_by(d, matrix_abis[k].abi, held, sizeof(held));
                        if (n == 1)
                                put(buf, size, &used, " **single layer** (`%s`) |", held);
                        else
                                put(buf, size, &used, " %zu layers |", n);
                }
                put(buf, size, &used, "\n");
        }
        put(buf, size, &used, "\nSingle-layer probes at every ABI (the control that makes each FAIL is its one layer; "
                              "the set-up controls are not layers):");
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                const struct probe_def *d = &probe_catalogue[i];
                if (most_layers(d) != 1)
                        continue;
                probe_held_by(d, 7, held, sizeof(held));
                put(buf, size, &used, "%s %s (`%s`)", n_single ? "," : "", d->id, held);
                n_single++;
                n_setup += setup_control(d->control);
        }
        put(buf, size, &used, ": %zu probes, %zu of them held by a set-up rather than a layer.\n", n_single, n_setup);
        return used;
}
