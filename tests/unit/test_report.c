/* SPDX-License-Identifier: MIT */
/* Escaping of payload-controlled text: on the terminal (escape_for_terminal), in the Markdown
 * report (cells stay cells, rows stay rows) and in the JUnit file (always parses and validates
 * against tests/integration/junit.xsd), whatever bytes a probe's output or a path carries. */
#include "attest.h"
#include "escape.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"

/* ESC ] 0 ; title BEL (set the window title), a forged line, a cell breaker, markup, invalid
 * UTF-8 (a stray continuation byte, an overlong '/'), U+FFFF, a C1 CSI, a backslash. */
static const char hostile[] = "/x\r\ndenybox: exec allowed\033]0;pwned\007 | <b>&amp;\"'\x80\xc0\xaf\xef\xbf\xbf\xc2\x9b\\ ok \xc3\xa9";

START_TEST(terminal_escape)
{
        char buf[256];
        ck_assert_str_eq(escape_for_terminal("a\033[2Jb\r\n\\c", buf, sizeof(buf)), "a\\x1b[2Jb\\x0d\\x0a\\\\c");
        ck_assert_str_eq(escape_for_terminal("\x7f\xff", buf, sizeof(buf)), "\\x7f\\xff");
        ck_assert_str_eq(escape_for_terminal(NULL, buf, sizeof(buf)), "(null)");
        escape_for_terminal(hostile, buf, sizeof(buf));
        for (const char *p = buf; *p; p++)
                ck_assert_msg(*p >= 0x20 && *p < 0x7f, "byte 0x%02x left in '%s'", (unsigned char)*p, buf);
        ck_assert_ptr_nonnull(strstr(buf, "\\x0d\\x0adenybox: exec allowed\\x1b]0;pwned\\x07"));
        /* cut, never overrun, and it says so */
        char small[12];
        memset(small, 'Z', sizeof(small));
        escape_for_terminal("\033\033\033\033\033\033", small, 10);
        ck_assert_str_eq(small, "\\x1b...");
        ck_assert_int_eq(small[10], 'Z');
        ck_assert_str_eq(escape_for_terminal("abcdef", small, 7), "abcdef");
        ck_assert_str_eq(escape_for_terminal("abcdefg", small, 7), "abc...");
}
END_TEST

START_TEST(utf8)
{
        uint32_t cp;
        ck_assert_uint_eq(escape_utf8_char("a", &cp), 1);
        ck_assert_uint_eq(escape_utf8_char("\xc3\xa9", &cp), 2);
        ck_assert_uint_eq(cp, 0xe9);
        ck_assert_uint_eq(escape_utf8_char("\xf0\x9f\x98\x80", &cp), 4);
        ck_assert_uint_eq(cp, 0x1f600);
        ck_assert_uint_eq(escape_utf8_char("\x80", &cp), 0);         /* stray continuation */
        ck_assert_uint_eq(escape_utf8_char("\xc0\xaf", &cp), 0);     /* overlong '/' */
        ck_assert_uint_eq(escape_utf8_char("\xed\xa0\x80", &cp), 0); /* a surrogate */
        ck_assert_uint_eq(escape_utf8_char("\xf4\x90\x80\x80", &cp), 0); /* beyond U+10FFFF */
        ck_assert_uint_eq(escape_utf8_char("\xe2\x82", &cp), 0);     /* cut by the end */
}
END_TEST

/* An attestation whose every probe saw the hostile string, half of them failing with it. */
static struct verdict_row rows[4];
static struct probe_observation obs;
static struct sandbox_config cfg;
static struct filter_set fs;

static void hostile_attestation(struct attestation *a)
{
        config_init(&cfg);
        memset(a, 0, sizeof(*a));
        a->c = &cfg;
        a->fs = &fs;
        sandbox_plan_make(&cfg, &a->plan);
        a->profile_name = "builtin:strict";
        snprintf(a->run_id, sizeof(a->run_id), "0123456789abcdef0123456789abcdef");
        snprintf(a->rootfs_digest, sizeof(a->rootfs_digest), "embedded");
        snprintf(obs.actual, sizeof(obs.actual), "%s", hostile);
        obs.err = 1;
        for (size_t i = 0; i < ELEMENTSOF(rows); i++) {
                rows[i].def = &probe_catalogue[i];
                rows[i].obs = &obs;
                rows[i].verdict = i % 2 ? VERDICT_FAIL : VERDICT_PASS;
                snprintf(rows[i].why, sizeof(rows[i].why), "%s", hostile);
        }
        a->rows = rows;
        a->n_rows = ELEMENTSOF(rows);
        a->n_pass = a->n_fail = 2;
}

START_TEST(markdown_escaped)
{
        struct attestation a;
        struct dbx_error err = {0};
        char *md;
        size_t len;
        hostile_attestation(&a);
        ck_assert_int_eq(report_markdown(&a, &md, &len, &err), 0);
        size_t table_rows = 0, columns = 0;
        for (char *line = md, *nl; *line; line = nl + 1) {
                nl = strchrnul(line, '\n');
                for (char *p = line; p < nl; p++)
                        ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in the Markdown",
                                      (unsigned char)*p);
                /* every row has the header's cells: as many unescaped '|' as the header has */
                size_t bars = 0;
                for (char *p = line; p < nl; p++)
                        bars += *p == '|' && (p == line || p[-1] != '\\');
                if (strncmp(line, "| Probe |", 9) == 0) {
                        ck_assert_uint_eq(columns, 0);
                        ck_assert_uint_ge(bars, 6); /* at least Probe Verdict errno Observed Layer */
                        columns = bars;
                } else if (strncmp(line, "|---|", 5) == 0) {
                        ck_assert_uint_eq(bars, columns);
                } else if (strncmp(line, "| PR-", 5) == 0) {
                        table_rows++;
                        ck_assert_uint_ne(columns, 0); /* rows come after the header */
                        ck_assert_uint_eq(bars, columns);
                }
                if (!*nl)
                        break;
        }
        ck_assert_uint_eq(table_rows, ELEMENTSOF(rows));
        ck_assert_ptr_null(strstr(md, "<b>"));
        ck_assert_ptr_nonnull(strstr(md, "\\x0d\\x0adenybox: exec allowed\\x1b]0;pwned\\x07 \\| &lt;b&gt;&amp;amp;"));
        ck_assert_ptr_nonnull(strstr(md, "ok \xc3\xa9")); /* UTF-8 text stays text */
        free(md);
}
END_TEST

START_TEST(junit_escaped_and_valid)
{
        struct attestation a;
        struct dbx_error err = {0};
        char *xml;
        size_t len;
        hostile_attestation(&a);
        ck_assert_int_eq(report_junit(&a, &xml, &len, &err), 0);
        for (size_t i = 0; i < len; i++)
                ck_assert_msg((unsigned char)xml[i] >= 0x20 || xml[i] == '\n', "control byte 0x%02x in the JUnit file",
                              (unsigned char)xml[i]);
        ck_assert_ptr_null(strstr(xml, "\xef\xbf\xbf"));
        ck_assert_ptr_nonnull(strstr(xml, "\\x0d\\x0adenybox: exec allowed\\x1b]0;pwned\\x07 | &lt;b&gt;&amp;amp;&quot;&apos;"
                                          "\\x80\\xc0\\xaf\\xef\\xbf\\xbf\\xc2\\x9b\\\\ ok \xc3\xa9"));

        /* and the schema the integration tests use accepts it */
        char path[] = "/tmp/denybox-junit-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, xml, len), (ssize_t)len);
        close(fd);
        char cmd[1024];
        snprintf(cmd, sizeof(cmd), "xmllint --noout --schema %s/tests/integration/junit.xsd %s >/dev/null 2>&1", SRCDIR, path);
        int st = system("command -v xmllint >/dev/null") == 0 ? system(cmd) : -1;
        unlink(path);
        ck_assert_msg(st != -1, "xmllint (Debian: libxml2-utils) is needed to validate the JUnit file");
        ck_assert_msg(st == 0, "the JUnit file with hostile strings does not validate");
        free(xml);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("report");
        TCase *tc = tcase_create("escaping");
        tcase_add_test(tc, terminal_escape);
        tcase_add_test(tc, utf8);
        tcase_add_test(tc, markdown_escaped);
        tcase_add_test(tc, junit_escaped_and_valid);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
