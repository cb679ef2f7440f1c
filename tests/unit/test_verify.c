/* SPDX-License-Identifier: MIT */
/* denybox verify's pure parts: the seeds' matrix binding, argument parsing, JSON equality.  The
 * verification of real (and tampered) bundles: tests/integration/verify.sh. */
#include "seeds.h"
#include "verify.h"
#include "verify_internal.h"

#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "catalogue.h"
#include "unit.h"

/* The seeds' report table (run 27247749834), "Matrix" column, written out here independently. */
static const char *const seeds_report[][2] = {
        {"PR-NET-1", "#27"}, {"PR-NET-2", "#27 sib"}, {"PR-SOCK-1", "#25 sib"}, {"PR-ENV-1", "#28"},
        {"PR-FS-RO-IN", "#33"}, {"PR-FS-ESC-1", "#29"}, {"PR-FS-ESC-2", "#29/#33"}, {"PR-FS-OUT-OK", "#33 ctrl"},
        {"PR-EXEC-1", "#34/#25"}, {"PR-MOUNT-1", "#29/#33"}, {"PR-SOCK-DOCKER", "#36"}, {"PR-PTRACE-1", "#37"},
};

START_TEST(seeds_binding)
{
        ck_assert_uint_eq(seed_probes_len, ELEMENTSOF(seeds_report));
        for (size_t i = 0; i < ELEMENTSOF(seeds_report); i++) {
                ck_assert_str_eq(seed_probes[i].id, seeds_report[i][0]);
                ck_assert_str_eq(seed_matrix(seeds_report[i][0]), seeds_report[i][1]);
                /* the catalogue starts with the seeds' 12, in their order */
                ck_assert_str_eq(probe_catalogue[i].id, seeds_report[i][0]);
        }
        ck_assert_ptr_null(seed_matrix("PR-EXEC-2"));
        ck_assert_ptr_null(seed_matrix(NULL));
}
END_TEST

static int parse(struct verify_options *o, struct dbx_error *err, int argc, ...)
{
        char *argv[16];
        va_list ap;
        va_start(ap, argc);
        for (int i = 0; i < argc; i++)
                argv[i] = va_arg(ap, char *);
        va_end(ap);
        argv[argc] = NULL;
        *o = (struct verify_options){0};
        *err = (struct dbx_error){0};
        return verify_parse_args(argc, argv, o, err);
}

START_TEST(arguments)
{
        struct verify_options o;
        struct dbx_error err;

        ck_assert_int_eq(parse(&o, &err, 6, "verify", "--seeds", "dir", "--require", "PR-EXEC-2", "--require=PR-NET-1"), 0);
        ck_assert_str_eq(o.bundle, "dir");
        ck_assert(o.seeds);
        ck_assert_uint_eq(o.n_require, 2);
        ck_assert_int_eq(parse(&o, &err, 4, "verify", "b", "--profile", "strict"), 0);
        ck_assert_str_eq(o.profile, "strict");
        ck_assert_int_eq(parse(&o, &err, 1, "verify"), -EINVAL);
        ck_assert_ptr_nonnull(strstr(err.msg, "missing BUNDLE"));
        ck_assert_int_eq(parse(&o, &err, 3, "verify", "a", "b"), -EINVAL);
        ck_assert_int_eq(parse(&o, &err, 4, "verify", "a", "--require", "PR-NOPE"), -EINVAL);
        ck_assert_ptr_nonnull(strstr(err.msg, "PR-NOPE"));
        ck_assert_int_eq(parse(&o, &err, 4, "verify", "a", "--image", "oci:x"), 0);
        ck_assert_str_eq(o.image, "oci:x");
        ck_assert_int_eq(parse(&o, &err, 6, "verify", "a", "--image", "oci:x", "--rootfs", "y"), -EINVAL);
        ck_assert_ptr_nonnull(strstr(err.msg, "two roots"));
        ck_assert_int_eq(parse(&o, &err, 3, "verify", "a", "--bogus"), -EINVAL);
        ck_assert_int_eq(parse(&o, &err, 6, "verify", "a", "--rootfs", "x", "--rootfs", "y"), -EINVAL);
}
END_TEST

static bool same(const char *a, const char *b)
{
        char e[128];
        yajl_val x = yajl_tree_parse(a, e, sizeof(e)), y = yajl_tree_parse(b, e, sizeof(e));
        ck_assert(x && y);
        bool r = verify_json_equal(x, y);
        yajl_tree_free(x);
        yajl_tree_free(y);
        return r;
}

START_TEST(json_equal)
{
        ck_assert(same("{\"a\":[1,\"x\",null,true],\"b\":{}}", "{\"b\":{},\"a\":[1,\"x\",null,true]}"));
        ck_assert(!same("{\"a\":1}", "{\"a\":1.0}"));
        ck_assert(!same("{\"a\":1}", "{\"a\":1,\"b\":2}"));
        ck_assert(!same("{\"a\":1,\"c\":2}", "{\"a\":1,\"b\":2}"));
        ck_assert(!same("[1,2]", "[2,1]"));
        ck_assert(!same("[true]", "[false]"));
        ck_assert(!same("{\"a\":\"x\"}", "{\"a\":\"y\"}"));
        ck_assert(!same("{\"a\":null}", "{\"a\":\"null\"}"));
}
END_TEST

int main(void)
{
        Suite *s = suite_create("verify");
        TCase *tc = tcase_create("verify");
        tcase_add_test(tc, seeds_binding);
        tcase_add_test(tc, arguments);
        tcase_add_test(tc, json_equal);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
