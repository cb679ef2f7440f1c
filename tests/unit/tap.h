/* SPDX-License-Identifier: MIT */
/* Every check suite ends the same way: TAP on stdout for meson (unless CK_TAP_LOG_FILE_NAME says
 * otherwise), no other output, the exit status says whether any test failed. */
#pragma once

#include <check.h>
#include <stdlib.h>

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
