/* SPDX-License-Identifier: MIT */
/* The exec-once supervisor, live: a forked child loads the real stage-1 filter with a listener and
 * hands it over; the supervisor under test lets the first exec through (CONTINUE: the kernel then
 * answers it, ENOENT for a missing file) and answers every later one as the profile says, logging
 * the path; an exec by init itself is never taken for that first one.  The listener comes over
 * the production hand-off (protocol.h).  And fail-closed: with no supervisor listening, every
 * exec fails (ENOSYS).  And init's own filter, simulated: it decides for every syscall number
 * exactly as its list says (the search tree is an optimisation, never a change of verdict). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpf_sim.h"
#include "filter.h"
#include "init.h"
#include "protocol.h"
#include "supervisor.h"
#include "unit.h"

static struct filter_set fs;

static void compile_strict(void)
{
        size_t len;
        const char *json = profile_builtin("strict", &len);
        struct profile *p = NULL;
        struct dbx_error err = {0};
        struct filter_host host = {6, 1};
        ck_assert_ptr_nonnull(json);
        ck_assert_int_eq(profile_parse(json, len, &p, &err), 0);
        ck_assert_int_eq(filter_set_compile(p, &host, &fs, &err), 0);
        profile_free(p);
}

static int load_stage1(void)
{
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -1;
        return bpf_blob_load(&fs.stage1, SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL);
}

/* Fork a child that loads the real stage 1 and hands its listener over with the production
 * hand-off (protocol.h, as sandbox.c's load_exec_notify and receive_handoff do); the child then
 * runs body (which _exits).  Returns the child's pid; *ret_listener is the supervisor's end and
 * ret_own_path the path the child sent with it. */
static pid_t fork_stage1_child(void (*body)(void), int *ret_listener, char ret_own_path[256])
{
        int sv[2];
        compile_strict();
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
                close(sv[0]);
                int l = load_stage1();
                if (l < 0)
                        _exit(91);
                struct proto_msg m = proto_listener(l, "/the/payload (from the handoff)");
                if (proto_send(sv[1], &m, MSG_NOSIGNAL, NULL) < 0)
                        _exit(90);
                close(l);
                body();
                _exit(92);
        }
        close(sv[1]);
        struct proto_msg m;
        struct dbx_error err = {0};
        ck_assert_msg(proto_recv_handoff(sv[0], 0, &m, &err) == 0, "hand-off: %s", err.msg);
        close(sv[0]);
        ck_assert_int_ge(m.fd, 0);
        *ret_listener = m.fd;
        snprintf(ret_own_path, 256, "%s", m.text);
        return child;
}

static void three_execs(void)
{
        char *argv[] = {(char *)"x", NULL};
        /* 1st: let through by the supervisor; the kernel then finds no such file */
        long r1 = syscall(SYS_execve, "/nonexistent/denybox-first", argv, NULL);
        int e1 = errno;
        /* 2nd and 3rd: answered by the policy (strict: EPERM), whatever the path */
        long r2 = syscall(SYS_execve, "/bin/true", argv, NULL);
        int e2 = errno;
        long r3 = syscall(SYS_execveat, AT_FDCWD, "/bin/true", argv, NULL, 0);
        int e3 = errno;
        _exit(r1 == -1 && e1 == ENOENT ? (r2 == -1 && e2 == EPERM ? (r3 == -1 && e3 == EPERM ? 0 : 3) : 2) : 1);
}

START_TEST(first_exec_continues_later_denied)
{
        int listener;
        struct supervisor s = {.init_pid = 1 /* not the child: its first exec is "ours" */};
        pid_t child = fork_stage1_child(three_execs, &listener, s.own_path);
        s.listener = listener;
        s.policy = fs.exec; /* (compiled by fork_stage1_child) */
        ck_assert_int_eq(s.policy.verdict, EXEC_VERDICT_ERRNO);
        for (int i = 0; i < 3; i++)
                ck_assert_int_eq(supervisor_handle(&s), 0);
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
        ck_assert_uint_eq(s.n_log, 3);
        ck_assert(s.log[0].own_exec && s.log[0].allowed);
        ck_assert_str_eq(s.log[0].path, "/the/payload (from the handoff)"); /* not read from memory */
        ck_assert(!s.log[1].allowed && s.log[1].err == EPERM);
        ck_assert_str_eq(s.log[1].syscall, "execve");
        ck_assert_str_eq(s.log[1].path, "/bin/true");
        ck_assert(!s.log[2].allowed);
        ck_assert_str_eq(s.log[2].syscall, "execveat");
        close(s.listener);
        filter_set_free(&fs);
}
END_TEST

START_TEST(no_supervisor_fails_closed)
{
        compile_strict();
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
                int l = load_stage1();
                if (l < 0)
                        _exit(91);
                close(l); /* the supervisor is gone */
                char *argv[] = {(char *)"true", NULL};
                long r = syscall(SYS_execve, "/bin/true", argv, NULL);
                _exit(r == -1 && errno == ENOSYS ? 0 : 1);
        }
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "an exec got through with no supervisor");
        filter_set_free(&fs);
}
END_TEST

static void two_execs(void)
{
        char *argv[] = {(char *)"x", NULL};
        syscall(SYS_execve, "/nonexistent/a", argv, NULL);
        long r = syscall(SYS_execve, "/nonexistent/b", argv, NULL);
        _exit(r == -1 && errno == ENOENT ? 0 : 1); /* continued: the kernel answered */
}

START_TEST(policy_allow_lets_every_exec_through)
{
        int listener;
        struct supervisor s = {.init_pid = 1, .policy = {.verdict = EXEC_VERDICT_ALLOW}};
        pid_t child = fork_stage1_child(two_execs, &listener, s.own_path);
        s.listener = listener;
        ck_assert_int_eq(supervisor_handle(&s), 0);
        ck_assert_int_eq(supervisor_handle(&s), 0);
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        ck_assert(s.log[1].allowed && !s.log[1].own_exec);
        close(s.listener);
        filter_set_free(&fs);
}
END_TEST

/* The child plays the sandbox's init: init never execs, so an exec of its own is never taken
 * for denybox's final exec, even as the first one; that is the exec of a process init forks. */
static void init_execs_then_forks(void)
{
        char *argv[] = {(char *)"x", NULL};
        long r1 = syscall(SYS_execve, "/nonexistent/by-init", argv, NULL);
        int e1 = errno;
        if (r1 != -1 || e1 != EPERM)
                _exit(1); /* let through (ENOENT from the kernel): taken for the own exec */
        pid_t payload = fork();
        if (payload == 0) {
                long r = syscall(SYS_execve, "/nonexistent/by-payload", argv, NULL);
                _exit(r == -1 && errno == ENOENT ? 0 : 1); /* continued: the kernel answered */
        }
        int st;
        if (payload < 0 || waitpid(payload, &st, 0) != payload || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
                _exit(2);
        _exit(0);
}

START_TEST(init_pid_exec_is_never_the_own_exec)
{
        int listener;
        struct supervisor s = {0};
        pid_t child = fork_stage1_child(init_execs_then_forks, &listener, s.own_path);
        s.listener = listener;
        s.policy = fs.exec;
        s.init_pid = child; /* as sandbox.c sets it: the pid of the sandbox's init seen from the host */
        ck_assert_int_eq(supervisor_handle(&s), 0);
        ck_assert_int_eq(supervisor_handle(&s), 0);
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
        ck_assert_uint_eq(s.n_log, 2);
        ck_assert_int_eq(s.log[0].pid, child);
        ck_assert(!s.log[0].own_exec && !s.log[0].allowed && s.log[0].err == EPERM);
        ck_assert_str_eq(s.log[0].path, "/nonexistent/by-init"); /* read from init's memory */
        ck_assert_int_ne(s.log[1].pid, child);
        ck_assert(s.log[1].own_exec && s.log[1].allowed);
        ck_assert_str_eq(s.log[1].path, "/the/payload (from the handoff)");
        close(s.listener);
        filter_set_free(&fs);
}
END_TEST

#ifdef __x86_64__
START_TEST(init_filter_decides_as_its_list)
{
        struct sock_filter f[INIT_FILTER_MAX];
        unsigned short n = init_filter_build(f);
        ck_assert_ptr_null(bpf_sim_check(f, n));
        const int *allowed;
        size_t n_allowed = init_filter_allowed(&allowed);
        ck_assert_uint_gt(n_allowed, 20);
        unsigned hits = 0;
        for (int nr = 0; nr < 1024; nr++) {
                bool listed = false;
                for (size_t i = 0; i < n_allowed; i++)
                        listed = listed || allowed[i] == nr;
                struct seccomp_data d = {.nr = nr, .arch = AUDIT_ARCH_X86_64};
                uint32_t want = listed ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | EPERM;
                ck_assert_msg(bpf_sim_run(f, n, &d) == want, "syscall %d: %#x, want %#x", nr, bpf_sim_run(f, n, &d), want);
                hits += listed;
        }
        ck_assert_uint_eq(hits, n_allowed); /* every listed number was reached */
        struct seccomp_data x32 = {.nr = 0x40000000 | SYS_write, .arch = AUDIT_ARCH_X86_64};
        struct seccomp_data i386 = {.nr = 4 /* write */, .arch = AUDIT_ARCH_I386};
        ck_assert_uint_eq(bpf_sim_run(f, n, &x32), SECCOMP_RET_KILL_PROCESS);
        ck_assert_uint_eq(bpf_sim_run(f, n, &i386), SECCOMP_RET_KILL_PROCESS);
}
END_TEST
#endif

int main(void)
{
        Suite *s = suite_create("supervisor");
        TCase *tc = tcase_create("live");
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, first_exec_continues_later_denied);
        tcase_add_test(tc, no_supervisor_fails_closed);
        tcase_add_test(tc, policy_allow_lets_every_exec_through);
        tcase_add_test(tc, init_pid_exec_is_never_the_own_exec);
#ifdef __x86_64__
        tcase_add_test(tc, init_filter_decides_as_its_list);
#endif
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
