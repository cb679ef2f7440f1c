/* SPDX-License-Identifier: MIT */
/* Replays a fuzz corpus through the libFuzzer target without libFuzzer, as an ordinary test:
 * every file given (or found in a directory given) goes through LLVMFuzzerTestOneInput. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "preflight.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, unsigned *count)
{
        char *buf = NULL;
        size_t len = 0;
        struct dbx_error err = {0};
        if (read_file(path, 16u << 20, &buf, &len, &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return -1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        free(buf);
        (*count)++;
        return 0;
}

int main(int argc, char **argv)
{
        unsigned count = 0;
        for (int i = 1; i < argc; i++) {
                struct stat st;
                if (stat(argv[i], &st) < 0) {
                        fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                        return 1;
                }
                if (!S_ISDIR(st.st_mode)) {
                        if (replay_file(argv[i], &count) < 0)
                                return 1;
                        continue;
                }
                DIR *d = opendir(argv[i]);
                struct dirent *e;
                while (d && (e = readdir(d))) {
                        char p[4096];
                        if (e->d_name[0] == '.')
                                continue;
                        snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
                        if (replay_file(p, &count) < 0)
                                return 1;
                }
                if (d)
                        closedir(d);
        }
        printf("replayed %u inputs without a crash\n", count);
        return count ? 0 : 1;
}
