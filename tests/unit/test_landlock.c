/* SPDX-License-Identifier: MIT */
/* Landlock (issue 17): the plan per ABI (pure), the kernel-without-Landlock path (ENOSYS,
 * EOPNOTSUPP: a single-layer sandbox, never a failure), the interpreter lookup, the layers that hold
 * each probe per ABI, docs/CONTROLS.md's matrix in step with the catalogue, and one live ruleset in
 * a forked child. */
#include "catalogue.h"
#include "config.h"
#include "landlock.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "unit.h"

static const struct landlock_right *right(const char *name)
{
        for (size_t i = 0; i < landlock_rights_len; i++)
                if (strcmp(landlock_rights[i].name, name) == 0)
                        return &landlock_rights[i];
        ck_abort_msg("no right %s", name);
        return NULL;
}

START_TEST(abi_from_result)
{
        /* no Landlock: not built (ENOSYS) or not enabled at boot (EOPNOTSUPP) is ABI 0, not an error */
        ck_assert_int_eq(landlock_abi_from_result(-1, ENOSYS), 0);
        ck_assert_int_eq(landlock_abi_from_result(-1, EOPNOTSUPP), 0);
        ck_assert_int_eq(landlock_abi_from_result(-1, EINVAL), -EINVAL);
        ck_assert_int_eq(landlock_abi_from_result(2, 0), 2);
        ck_assert_int_eq(landlock_abi_from_result(99, 0), LANDLOCK_ABI_KNOWN); /* a newer kernel, used at ours */
}
END_TEST

START_TEST(plan_per_abi)
{
        struct landlock_plan p;

        landlock_plan_for(0, true, &p); /* no Landlock: nothing handled, every right says so */
        ck_assert(p.fs == 0 && p.net == 0 && p.scoped == 0);
        for (size_t i = 0; i < landlock_rights_len; i++)
                ck_assert_str_eq(landlock_right_status(&landlock_rights[i], &p), "unavailable (no Landlock)");

        landlock_plan_for(2, true, &p); /* Debian 12's 6.1 */
        ck_assert_str_eq(landlock_right_status(right("fs.execute"), &p), "enforced");
        ck_assert_str_eq(landlock_right_status(right("fs.refer"), &p), "enforced");
        ck_assert_str_eq(landlock_right_status(right("fs.truncate"), &p), "unavailable (ABI 3 needed)");
        ck_assert_str_eq(landlock_right_status(right("net.connect_tcp"), &p), "unavailable (ABI 4 needed)");
        ck_assert_str_eq(landlock_right_status(right("fs.ioctl_dev"), &p), "unavailable (ABI 5 needed)");
        ck_assert_str_eq(landlock_right_status(right("scope.signal"), &p), "unavailable (ABI 6 needed)");
        ck_assert(p.net == 0 && p.scoped == 0);
        ck_assert_uint_eq(p.fs >> 14, 0); /* nothing past REFER */

        landlock_plan_for(7, true, &p);
        for (size_t i = 0; i < landlock_rights_len; i++)
                ck_assert_str_eq(landlock_right_status(&landlock_rights[i], &p), "enforced");

        /* the profile allows exec: execute is still handled (nowhere the payload can write), and says so */
        landlock_plan_for(7, false, &p);
        ck_assert(landlock_right_enforced(right("fs.execute"), &p));
        ck_assert_str_eq(landlock_right_status(right("fs.execute"), &p), "enforced (not where the payload can write)");
        ck_assert(landlock_right_enforced(right("fs.write"), &p));
        landlock_plan_for(1, false, &p);
        ck_assert(landlock_right_enforced(right("fs.execute"), &p));
}
END_TEST

static int file_with(const char *text, size_t len)
{
        char path[] = "/tmp/denybox-ll-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        unlink(path);
        ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
        return fd;
}

START_TEST(interpreter)
{
        char got[256];
        int fd = file_with("#!/bin/sh -e\necho\n", 18);
        ck_assert_int_eq(landlock_interpreter(fd, got, sizeof(got)), 0);
        ck_assert_str_eq(got, "/bin/sh");
        close(fd);
        fd = file_with("#!   /usr/bin/env python3\n", 26);
        ck_assert_int_eq(landlock_interpreter(fd, got, sizeof(got)), 0);
        ck_assert_str_eq(got, "/usr/bin/env");
        close(fd);
        fd = file_with("#!/bin/sh", 9); /* no end of line within what was read */
        ck_assert_int_eq(landlock_interpreter(fd, got, sizeof(got)), -ENOEXEC);
        close(fd);
        fd = file_with("plain text\n", 11); /* neither: nothing to allow, the kernel refuses it */
        ck_assert_int_eq(landlock_interpreter(fd, got, sizeof(got)), 0);
        ck_assert_str_eq(got, "");
        close(fd);
        /* a dynamic ELF names its loader (this very test is one) */
        fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(landlock_interpreter(fd, got, sizeof(got)), 0);
        ck_assert_msg(got[0] == '\0' || strstr(got, "ld") != NULL, "PT_INTERP '%s'", got);
        close(fd);
}
END_TEST

START_TEST(held_by_per_abi)
{
        char held[256];
        const struct probe_def *bind = probe_catalogue_find("PR-LL-BIND-1");
        ck_assert_ptr_nonnull(bind);
        ck_assert_uint_eq(probe_held_by(bind, 7, held, sizeof(held)), 2);
        ck_assert_str_eq(held, "seccomp landlock");
        ck_assert_uint_eq(probe_held_by(bind, 2, held, sizeof(held)), 1); /* TCP rules need ABI 4 */
        ck_assert_str_eq(held, "seccomp");
        ck_assert_uint_eq(probe_held_by(bind, 0, held, sizeof(held)), 1);
        const struct probe_def *w = probe_catalogue_find("PR-LL-WRITE-1");
        ck_assert_uint_eq(probe_held_by(w, 2, held, sizeof(held)), 2);
        ck_assert_uint_eq(probe_held_by(w, 0, held, sizeof(held)), 1);
        ck_assert_str_eq(held, "ro-root");
        /* PR-NET-1: from ABI 4 Landlock answers before the namespace, with an errno the seeds do not
         * accept: seccomp alone holds it there */
        const struct probe_def *net = probe_catalogue_find("PR-NET-1");
        ck_assert_uint_eq(probe_held_by(net, 7, held, sizeof(held)), 1);
        ck_assert_str_eq(held, "seccomp");
        ck_assert_uint_eq(probe_held_by(net, 2, held, sizeof(held)), 2);
        ck_assert_str_eq(held, "net seccomp");
        /* PR-LL-SCOPE-1: Landlock's abstract-unix scope comes with ABI 6; below it the namespace and
         * seccomp hold it, never one layer alone */
        const struct probe_def *scope = probe_catalogue_find("PR-LL-SCOPE-1");
        ck_assert_ptr_nonnull(scope);
        ck_assert_uint_eq(probe_held_by(scope, 7, held, sizeof(held)), 3);
        ck_assert_str_eq(held, "net seccomp landlock");
        ck_assert_uint_eq(probe_held_by(scope, 6, held, sizeof(held)), 3);
        ck_assert_uint_eq(probe_held_by(scope, 5, held, sizeof(held)), 2);
        ck_assert_str_eq(held, "net seccomp");
        ck_assert_uint_eq(probe_held_by(scope, 0, held, sizeof(held)), 2);
        /* PR-LL-SIGNAL-1: the signal scope comes with ABI 6 too; below it the pid namespace alone */
        const struct probe_def *sig = probe_catalogue_find("PR-LL-SIGNAL-1");
        ck_assert_ptr_nonnull(sig);
        ck_assert_uint_eq(probe_held_by(sig, 6, held, sizeof(held)), 2);
        ck_assert_str_eq(held, "pidns landlock");
        ck_assert_uint_eq(probe_held_by(sig, 5, held, sizeof(held)), 1);
        ck_assert_str_eq(held, "pidns");
        /* "landlock" is in a control exactly when the entry says from which ABI, and never alone */
        for (size_t i = 0; i < probe_catalogue_len; i++) {
                const struct probe_def *d = &probe_catalogue[i];
                bool named = strstr(d->control, "landlock") != NULL;
                ck_assert_msg((named || d->landlock_shadows) == (d->landlock_abi > 0), "%s: control '%s', landlock_abi %d", d->id, d->control,
                              d->landlock_abi);
                ck_assert_msg(!named || probe_held_by(d, 0, held, sizeof(held)) >= 1, "%s is held by Landlock alone", d->id);
        }
}
END_TEST

/* docs/CONTROLS.md carries the matrix verbatim (scripts/controls-matrix.sh BUILD_DIR rewrites it). */
START_TEST(controls_matrix_in_step)
{
        char *doc = slurp(SRCDIR "/docs/CONTROLS.md", NULL);
        size_t n = probe_matrix_markdown(NULL, 0);
        char *m = malloc(n + 1);
        ck_assert_ptr_nonnull(m);
        probe_matrix_markdown(m, n + 1);
        const char *begin = "<!-- redundancy matrix: generated from probes/catalogue.c by scripts/controls-matrix.sh -->\n";
        const char *at = strstr(doc, begin);
        ck_assert_msg(at != NULL, "docs/CONTROLS.md lacks the matrix marker");
        at += strlen(begin);
        ck_assert_msg(strncmp(at, m, n) == 0 && strncmp(at + n, "<!-- end of the redundancy matrix -->", 37) == 0,
                      "docs/CONTROLS.md's redundancy matrix is not the catalogue's: run scripts/controls-matrix.sh BUILD_DIR");
        free(m);
        free(doc);
}
END_TEST

/* Live, in a forked child: the ruleset denies a write outside the writable trees and the exec of
 * any file but the payload's, and still lets the payload's own file (and its loader) run.  A kernel
 * without Landlock skips the denials (landlock_apply returns 0: single layer). */
START_TEST(live_ruleset)
{
        if (landlock_abi() == 0)
                return;
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct sandbox_config c = {0};
                struct dbx_error err = {0};
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || landlock_apply(&c, "/bin/true", true, &err) < 0)
                        _exit(10);
                if (open("/etc/denybox-landlock-probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0600) >= 0 || errno != EACCES)
                        _exit(11);
                if (access("/bin/true", F_OK) < 0)
                        _exit(12);
                pid_t k = fork();
                if (k == 0) {
                        char *argv[] = {(char *)"sh", (char *)"-c", (char *)"exit 0", NULL};
                        execv("/bin/sh", argv);
                        _exit(errno == EACCES ? 0 : 13); /* another file: denied */
                }
                int st;
                waitpid(k, &st, 0);
                if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                        _exit(14);
                char *argv[] = {(char *)"true", NULL};
                execv("/bin/true", argv); /* the payload's own file: allowed */
                _exit(15);
        }
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's check %d failed", WEXITSTATUS(st));
}
END_TEST

/* Exit status of running path (argv[0] "x", one argument) in a child: 0 if it ran and exited 0,
 * 100 + errno if the exec failed. */
static int run_file(const char *path)
{
        pid_t k = fork();
        if (k == 0) {
                char *argv[] = {(char *)"true", NULL};
                execv(path, argv);
                _exit(100 + errno);
        }
        int st;
        if (k < 0 || waitpid(k, &st, 0) != k || !WIFEXITED(st))
                return -1;
        return WEXITSTATUS(st);
}

/* Live, with a profile that lets the payload exec: the files of the root still run, a file written
 * under /tmp (a writable tree) does not -- where the host's /tmp lets it run without Landlock, so
 * that the denial is Landlock's own. */
START_TEST(live_ruleset_exec_allowed)
{
        if (landlock_abi() == 0)
                return;
        char copy[] = "/tmp/denybox-ll-exec-XXXXXX";
        int fd = mkstemp(copy);
        ck_assert_int_ge(fd, 0);
        int src = open("/bin/true", O_RDONLY | O_CLOEXEC);
        ck_assert_int_ge(src, 0);
        char buf[65536];
        ssize_t n;
        while ((n = read(src, buf, sizeof(buf))) > 0)
                ck_assert_int_eq(write(fd, buf, (size_t)n), n);
        close(src);
        ck_assert_int_eq(fchmod(fd, 0755), 0);
        close(fd);
        int before = run_file(copy);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct sandbox_config c = {0};
                struct dbx_error err = {0};
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || landlock_apply(&c, NULL, false, &err) < 0)
                        _exit(10);
                if (run_file("/bin/true") != 0) /* a file of the root: runs */
                        _exit(11);
                if (before == 0 && run_file(copy) != 100 + EACCES) /* under /tmp: denied */
                        _exit(12);
                _exit(0);
        }
        int st;
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        unlink(copy);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child's check %d failed", WEXITSTATUS(st));
        if (before != 0)
                fprintf(stderr, "# note: the host's /tmp does not run files (exec gave %d): only the root's side checked\n", before);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("landlock");
        TCase *tc = tcase_create("landlock");
        tcase_add_test(tc, abi_from_result);
        tcase_add_test(tc, plan_per_abi);
        tcase_add_test(tc, interpreter);
        tcase_add_test(tc, held_by_per_abi);
        tcase_add_test(tc, controls_matrix_in_step);
        tcase_add_test(tc, live_ruleset);
        tcase_add_test(tc, live_ruleset_exec_allowed);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
