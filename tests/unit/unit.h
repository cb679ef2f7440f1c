/* SPDX-License-Identifier: MIT */
/* What every check suite shares. */
#pragma once

#include <check.h>
#include <stdlib.h>

#include "preflight.h"

/* A whole file for a test (the library's bounded reader); the test fails if it cannot be read. */
static inline char *slurp(const char *path, size_t *len)
{
        char *buf = NULL;
        struct dbx_error err = {0};
        ck_assert_msg(read_file(path, 64u << 20, &buf, len, &err) == 0, "%s", err.msg);
        return buf;
}

/* Every suite ends the same way: TAP on stdout for meson (unless CK_TAP_LOG_FILE_NAME says
 * otherwise), no other output, the exit status says whether any test failed. */
static inline int run_suite_tap(Suite *s)
{
        SRunner *sr = srunner_create(s);
        if (!getenv("CK_TAP_LOG_FILE_NAME"))
                srunner_set_tap(sr, "-");
        srunner_run_all(sr, CK_SILENT);
        int failed = srunner_ntests_failed(sr);
        srunner_free(sr);
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
