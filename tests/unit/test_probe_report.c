/* SPDX-License-Identifier: MIT */
/* The probe report parser (yajl): good documents, every malformed or hostile one refused with the
 * JSON path of the value at fault, nothing cut silently, nothing taken from the report that the
 * launcher must set itself. */
#include "catalogue.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"


static enum verdict verdict_of(const char *id, const struct probe_report *r)
{
        char why[512];
        return probe_adjudicate(probe_catalogue_find(id), r, why, sizeof(why));
}

/* ---- report parsing -------------------------------------------------------------------------------- */

static const char good_report[] =
        "{\"schema\":\"denybox-probe/1\",\"probes\":["
        "{\"id\":\"PR-SOCK-1\",\"errno\":1,\"actual\":\"socket(AF_INET) -> EPERM (Operation not permitted)\"},"
        "{\"id\":\"PR-FS-OUT-OK\",\"errno\":0},"
        "{\"id\":\"PR-NET-2\",\"errno\":0,\"actual\":\"interfaces == [lo]\",\"extra\":[1,{}]}],"
        "\"raw\":{\"mountinfo\":\"1 0 0:1 / / ro - ext4 r rw\\n\",\"env_keyset\":[\"PATH\",\"HOME\",\"LANG\"],"
        "\"proc_net_dev\":\"Inter-|\\n face |\\n    lo: 0\\n\"},\"future\":true}";

static int parse(const char *json, struct probe_report *r, struct dbx_error *err)
{
        return probe_report_parse(json, strlen(json), r, err);
}

START_TEST(parse_good)
{
        struct probe_report r;
        struct dbx_error err = { 0 };
        ck_assert_int_eq(parse(good_report, &r, &err), 0);
        ck_assert_uint_eq(r.n_obs, 3);
        const struct probe_observation *o = probe_report_find(&r, "PR-SOCK-1");
        ck_assert_ptr_nonnull(o);
        ck_assert_int_eq(o->err, EPERM);
        ck_assert_str_eq(o->actual, "socket(AF_INET) -> EPERM (Operation not permitted)");
        ck_assert_ptr_null(probe_report_find(&r, "PR-EXEC-1"));
        ck_assert_str_eq(r.mountinfo, "1 0 0:1 / / ro - ext4 r rw\n");
        ck_assert_uint_eq(r.n_env_keys, 3);
        ck_assert(!strcmp(r.env_keys[0], "HOME") && !strcmp(r.env_keys[2], "PATH")); /* sorted */
        ck_assert_ptr_nonnull(strstr(r.proc_net_dev, "lo: 0"));
        ck_assert_int_eq(verdict_of("PR-SOCK-1", &r), VERDICT_PASS);
        ck_assert_int_eq(verdict_of("PR-FS-OUT-OK", &r), VERDICT_PASS);
        ck_assert_int_eq(verdict_of("PR-NET-2", &r), VERDICT_PASS);
        ck_assert_int_eq(verdict_of("PR-EXEC-1", &r), VERDICT_UNVERIFIED);
        ck_assert_int_eq(verdict_of("PR-MOUNT-1", &r), VERDICT_UNVERIFIED);
        probe_report_free(&r);
        probe_report_free(&r); /* idempotent */
        /* minimal: no raw at all -> raw NULL, empty env array -> non-NULL and empty */
        ck_assert_int_eq(parse("{\"probes\":[]}", &r, &err), 0);
        ck_assert(!r.mountinfo && !r.env_keys && !r.proc_net_dev);
        probe_report_free(&r);
        ck_assert_int_eq(parse("{\"probes\":[],\"raw\":{\"env_keyset\":[]}}", &r, &err), 0);
        ck_assert_ptr_nonnull(r.env_keys);
        ck_assert_uint_eq(r.n_env_keys, 0);
        probe_report_free(&r);
}
END_TEST

START_TEST(parse_bad)
{
        static const struct { const char *json, *path; int code; } cases[] = {
                { "", "$", EINVAL },
                { "{", "$", EINVAL },
                { "not json", "$", EINVAL },
                { "{\"probes\":[]} trailing", "$", EINVAL },
                { "[]", "$", EINVAL },
                { "\"probes\"", "$", EINVAL },
                { "{}", "$", EINVAL },
                { "{\"probes\":{}}", "probes", EINVAL },
                { "{\"probes\":null}", "probes", EINVAL },
                { "{\"probes\":[1]}", "probes[0]", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":1},[]]}", "probes[1]", EINVAL },
                { "{\"probes\":[{\"errno\":1}]}", "probes[0]", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\"}]}", "probes[0]", EINVAL },
                { "{\"probes\":[{\"id\":7,\"errno\":1}]}", "probes[0].id", EINVAL },
                { "{\"probes\":[{\"id\":\"\",\"errno\":1}]}", "probes[0].id", EINVAL },
                { "{\"probes\":[{\"id\":\"PR A\",\"errno\":1}]}", "probes[0].id", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-0123456789012345678901234567890\",\"errno\":1}]}", "probes[0].id", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":\"1\"}]}", "probes[0].errno", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":1.5}]}", "probes[0].errno", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":null}]}", "probes[0].errno", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":99999}]}", "probes[0].errno", ERANGE },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":-2}]}", "probes[0].errno", ERANGE },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":99999999999999999999999}]}", "probes[0].errno", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":1,\"actual\":5}]}", "probes[0].actual", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":1,\"errno\":0}]}", "probes[0].errno", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-A\",\"errno\":1},{\"id\":\"PR-A\",\"errno\":0}]}", "probes[1].id", EINVAL },
                { "{\"probes\":[],\"probes\":[]}", "probes", EINVAL },
                { "{\"probes\":[],\"raw\":[]}", "raw", EINVAL },
                { "{\"probes\":[],\"raw\":{\"mountinfo\":1}}", "raw.mountinfo", EINVAL },
                { "{\"probes\":[],\"raw\":{\"proc_net_dev\":{}}}", "raw.proc_net_dev", EINVAL },
                { "{\"probes\":[],\"raw\":{\"env_keyset\":\"HOME\"}}", "raw.env_keyset", EINVAL },
                { "{\"probes\":[],\"raw\":{\"env_keyset\":[\"HOME\",1]}}", "raw.env_keyset[1]", EINVAL },
                { "{\"probes\":[],\"schema\":\"other/2\"}", "schema", EINVAL },
                { "{\"probes\":[],\"raw\":{\"mountinfo\":\"a\\u0000b\"}}", "$", EINVAL },
                { "{\"probes\":[{\"id\":\"PR-\xff\",\"errno\":1}]}", "$", EINVAL }, /* invalid UTF-8 */
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                struct probe_report r, sentinel;
                struct dbx_error err = { 0 };
                memset(&r, 0xa5, sizeof(r));
                sentinel = r;
                int rc = parse(cases[i].json, &r, &err);
                ck_assert_msg(rc == -cases[i].code, "case %zu %s: rc %d (%s: %s)", i, cases[i].json, rc, err.path,
                              err.msg);
                ck_assert_msg(strcmp(err.path, cases[i].path) == 0, "case %zu %s: path '%s', expected '%s' (%s)", i,
                              cases[i].json, err.path, cases[i].path, err.msg);
                ck_assert_msg(err.msg[0], "case %zu: no message", i);
                ck_assert_msg(memcmp(&r, &sentinel, sizeof(r)) == 0, "case %zu: ret touched on failure", i);
                ck_assert_int_eq(parse(cases[i].json, &r, NULL), -cases[i].code); /* no error object */
        }
        /* an escaped backslash before u0000 is text, not NUL */
        struct probe_report r;
        ck_assert_int_eq(parse("{\"probes\":[],\"raw\":{\"mountinfo\":\"a\\\\u0000b\"}}", &r, NULL), 0);
        ck_assert_str_eq(r.mountinfo, "a\\u0000b");
        probe_report_free(&r);
        /* NUL byte inside the buffer */
        ck_assert_int_eq(probe_report_parse("{\"probes\":[]}\0x", 15, &r, NULL), -EINVAL);
        ck_assert_int_eq(probe_report_parse(NULL, 0, &r, NULL), -EINVAL);
        ck_assert_int_eq(probe_report_parse("{}", 2, NULL, NULL), -EINVAL);
}
END_TEST

/* A JSON document of roughly n bytes: prefix, n filler bytes, suffix. */
static char *big_doc(const char *prefix, char fill, size_t n, const char *suffix)
{
        size_t pl = strlen(prefix), sl = strlen(suffix);
        char *s = malloc(pl + n + sl + 1);
        ck_assert_ptr_nonnull(s);
        memcpy(s, prefix, pl);
        memset(s + pl, fill, n);
        memcpy(s + pl + n, suffix, sl + 1);
        return s;
}

START_TEST(parse_huge)
{
        struct probe_report r;
        struct dbx_error err = { 0 };

        /* a 100 KiB "actual" is truncated, not an error */
        char *s = big_doc("{\"probes\":[{\"id\":\"PR-A\",\"errno\":1,\"actual\":\"", 'x', 100000, "\"}]}");
        ck_assert_int_eq(parse(s, &r, &err), 0);
        ck_assert_uint_eq(strlen(r.obs[0].actual), sizeof(r.obs[0].actual) - 1);
        probe_report_free(&r);
        free(s);
        static const struct { const char *prefix; size_t n; const char *suffix, *path; } big[] = {
                { "{\"probes\":[],\"raw\":{\"mountinfo\":\"", PROBE_RAW_MAX + 1, "\"}}", "raw.mountinfo" },
                { "{\"probes\":[],\"raw\":{\"env_keyset\":[\"", PROBE_ENV_MAX_KEY + 1, "\"]}}", "raw.env_keyset[0]" },
                { "{\"probes\":[],\"x\":\"", PROBE_REPORT_MAX, "\"}", "$" },
        };
        for (size_t i = 0; i < ELEMENTSOF(big); i++) {
                s = big_doc(big[i].prefix, 'x', big[i].n, big[i].suffix);
                ck_assert_int_eq(parse(s, &r, &err), -EFBIG);
                ck_assert_str_eq(err.path, big[i].path);
                free(s);
        }
        /* too many entries */
        size_t n = PROBE_REPORT_MAX_OBS + 1, off = 0, size = n * 40 + 64;
        s = malloc(size);
        off += (size_t) snprintf(s + off, size - off, "{\"probes\":[");
        for (size_t i = 0; i < n; i++)
                off += (size_t) snprintf(s + off, size - off, "%s{\"id\":\"P%zu\",\"errno\":1}", i ? "," : "", i);
        snprintf(s + off, size - off, "]}");
        ck_assert_int_eq(parse(s, &r, &err), -EFBIG);
        ck_assert_str_eq(err.path, "probes");
        free(s);
        /* deep nesting must not reach yajl_tree's recursion */
        s = big_doc("{\"probes\":[],\"x\":", '[', 100000, "");
        ck_assert_int_eq(parse(s, &r, &err), -EINVAL);
        ck_assert_ptr_nonnull(strstr(err.msg, "nesting"));
        free(s);
        s = big_doc("", '{', 50, "");
        ck_assert_int_eq(parse(s, &r, &err), -EINVAL);
        free(s);
}
END_TEST

/* Hostile bytes: every truncation of a good report is refused (a cut JSON object is never a
 * report), with an error that says why; every byte flip is either a report or refused the same
 * way, never anything else; none crashes (each test runs in a forked child: a crash fails it). */
static void assert_refused_or_parsed(int r, const struct dbx_error *err, const char *what, size_t at)
{
        ck_assert_msg(r == 0 || (r < 0 && err->code == -r && err->msg[0]),
                      "%s at %zu: returned %d, error %d '%s'", what, at, r, err->code, err->msg);
}

START_TEST(parse_hostile)
{
        size_t len = strlen(good_report);
        char *buf = malloc(len + 1);
        struct probe_report r;
        size_t parsed = 0;
        for (size_t cut = 0; cut <= len; cut++) {
                struct dbx_error err = { 0 };
                memcpy(buf, good_report, cut);
                buf[cut] = '\0';
                int k = probe_report_parse(buf, cut, &r, &err);
                assert_refused_or_parsed(k, &err, "truncation", cut);
                ck_assert_msg((k == 0) == (cut == len), "the report cut to %zu of %zu bytes was %s", cut, len,
                              k == 0 ? "accepted" : "refused");
                if (k == 0)
                        probe_report_free(&r);
        }
        static const char flips[] = { '"', '{', '}', '[', ']', ',', ':', '\\', 'x', '\x80', '0', '-' };
        for (size_t i = 0; i < len; i++)
                for (size_t f = 0; f < sizeof(flips); f++) {
                        struct dbx_error err = { 0 };
                        memcpy(buf, good_report, len + 1);
                        buf[i] = flips[f];
                        int k = probe_report_parse(buf, len, &r, &err);
                        assert_refused_or_parsed(k, &err, "byte flip", i);
                        if (k == 0) {
                                parsed++;
                                probe_report_free(&r);
                        }
                }
        free(buf);
        ck_assert_uint_gt(parsed, 0); /* some flips land in strings: the flips did reach the parser's success path */
}
END_TEST

START_TEST(parse_values)
{
        struct probe_report r;
        struct dbx_error err = { 0 };
        const char *doc = "{\"probes\":[{\"id\":\"PR-CAP-EFF\",\"errno\":0,\"value\":\"0000000000000000\"},"
                          "{\"id\":\"PR-I386-1\",\"errno\":1031},{\"id\":\"PR-NNP-1\",\"errno\":0}]}";
        ck_assert_int_eq(probe_report_parse(doc, strlen(doc), &r, &err), 0);
        const struct probe_observation *o = probe_report_find(&r, "PR-CAP-EFF");
        ck_assert(o && o->has_value);
        ck_assert_str_eq(o->value, "0000000000000000");
        ck_assert_ptr_null(r.ctx); /* never from the report */
        ck_assert_int_eq(verdict_of("PR-CAP-EFF", &r), VERDICT_PASS);
        ck_assert_int_eq(verdict_of("PR-I386-1", &r), VERDICT_PASS);
        ck_assert_int_eq(verdict_of("PR-NNP-1", &r), VERDICT_UNVERIFIED); /* no value */
        ck_assert(!probe_report_find(&r, "PR-NNP-1")->has_value);
        probe_report_free(&r);

        char *big = big_doc("{\"probes\":[{\"id\":\"PR-DEV-1\",\"errno\":0,\"value\":\"", 'x',
                            sizeof(((struct probe_observation *) 0)->value), "\"}]}");
        ck_assert_int_eq(probe_report_parse(big, strlen(big), &r, &err), -EFBIG); /* never cut silently */
        ck_assert_str_eq(err.path, "probes[0].value");
        free(big);
        big = big_doc("{\"probes\":[{\"id\":\"PR-DEV-1\",\"errno\":0,\"value\":\"", 'x',
                      sizeof(((struct probe_observation *) 0)->value) - 1, "\"}]}");
        ck_assert_int_eq(probe_report_parse(big, strlen(big), &r, &err), 0);
        probe_report_free(&r);
        free(big);
        static const char *const bad[] = {
                "{\"probes\":[{\"id\":\"PR-A\",\"errno\":0,\"value\":1}]}",
                "{\"probes\":[{\"id\":\"PR-A\",\"errno\":0,\"value\":null}]}",
                "{\"probes\":[{\"id\":\"PR-A\",\"errno\":0,\"value\":\"a\",\"value\":\"b\"}]}",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                ck_assert_int_eq(probe_report_parse(bad[i], strlen(bad[i]), &r, &err), -EINVAL);
                ck_assert_str_eq(err.path, "probes[0].value");
        }
}
END_TEST

int main(void)
{
        Suite *s = suite_create("probe-report");
        TCase *tc = tcase_create("report");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, parse_good);
        tcase_add_test(tc, parse_bad);
        tcase_add_test(tc, parse_huge);
        tcase_add_test(tc, parse_hostile);
        tcase_add_test(tc, parse_values);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
