/* SPDX-License-Identifier: MIT */
/* libFuzzer target: any bytes -> profile_parse -> filter_set_compile.  Must never crash, leak or
 * hang; errors must be one line.  Built as tests/fuzz-profile with -Dfuzz=enabled (clang,
 * ASan+UBSan: scripts/fuzz.sh sets up build-fuzz and runs it); the committed corpus
 * (tests/fuzz/corpus) and tests/fixtures/profiles/{real,edge,bad} are replayed by `meson test`
 * (tests/fuzz/replay.c).  A leak found here gets a check case in tests/unit/test_filter.c too,
 * which LeakSanitizer runs under the ASan build. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const struct filter_host host = { 6, 1 };
        struct profile *p = NULL;
        struct dbx_error err = { 0 };
        if (profile_parse((const char *)data, size, &p, &err) < 0) {
                if (!err.msg[0] || strchr(err.msg, '\n'))
                        abort();
                return 0;
        }
        struct filter_set fs;
        if (filter_set_compile(p, &host, &fs, &err) == 0)
                filter_set_free(&fs);
        else if (!err.msg[0] || strchr(err.msg, '\n'))
                abort();
        profile_free(p);
        return 0;
}
