/* SPDX-License-Identifier: MIT */
/* The compiler: exec policy, always-on protections, contradictions, golden PFC, and live tables
 * (libseccomp has no public simulator, so each table runs in a forked child that loads the
 * exported stage-2 BPF with no_new_privs and checks syscall results; stage 1 is exercised with
 * a real listener). */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "filter.h"
#include "plan.h"
#include "profile.h"
#include "live.h"
#include "unit.h"

/* Under ASan (build-asan) a leak in the compiler fails the case that caused it, not only the
 * whole process at exit. */
#if defined(__SANITIZE_ADDRESS__)
#define DENYBOX_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DENYBOX_LSAN 1
#endif
#endif
#ifdef DENYBOX_LSAN
#include <sanitizer/lsan_interface.h>
#endif

static const struct filter_host host61 = { 6, 1 };


static struct profile *parse_text(const char *json)
{
        struct profile *p = NULL;
        struct dbx_error err;
        char line[800];
        ck_assert_msg(profile_parse(json, strlen(json), &p, &err) == 0, "%s", dbx_error_line(&err, line, sizeof(line)));
        return p;
}

/* "builtin:NAME", or a path (relative ones under PROFILES_DIR). */
static struct profile *parse_named(const char *name)
{
        size_t len;
        if (strncmp(name, "builtin:", 8) == 0) {
                const char *json = profile_builtin(name + 8, &len);
                ck_assert_ptr_nonnull(json);
                return parse_text(json);
        }
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", PROFILES_DIR, name);
        char *json = slurp(path, &len);
        struct profile *p = parse_text(json);
        free(json);
        return p;
}

static void compile_ok(const struct profile *p, struct filter_set *fs)
{
        struct dbx_error err;
        char line[800];
        ck_assert_msg(filter_set_compile(p, &host61, fs, &err) == 0, "%s", dbx_error_line(&err, line, sizeof(line)));
        ck_assert_uint_gt(fs->stage1.len, 0);
        ck_assert_uint_eq(fs->stage1.len % sizeof(struct sock_filter), 0);
        ck_assert_uint_eq(fs->stage2.len % sizeof(struct sock_filter), 0);
}

/* ---- exec policy ---- */

START_TEST(exec_policy_table)
{
        static const struct {
                const char *profile;
                enum exec_verdict verdict;
                int errno_ret;
        } t[] = {
                { "builtin:strict", EXEC_VERDICT_ERRNO, EPERM },
                { "builtin:startup-safe", EXEC_VERDICT_ALLOW, 0 },
                { "builtin:default-deny", EXEC_VERDICT_ERRNO, EPERM },
                { "real/moby-default.json", EXEC_VERDICT_ALLOW, 0 },
                { "real/jessfraz-chrome.json", EXEC_VERDICT_ALLOW, 0 },
                { "real/oci-runtime-spec-example-seccomp.json", EXEC_VERDICT_ALLOW, 0 },
                { "edge/moby-default-errnoret-6.json", EXEC_VERDICT_ERRNO, 6 },
                { "edge/runc-bats-kill-mkdir.json", EXEC_VERDICT_ALLOW, 0 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct profile *p = parse_named(t[i].profile);
                struct filter_set fs;
                compile_ok(p, &fs);
                ck_assert_msg(fs.exec.verdict == t[i].verdict, "%s: verdict %d", t[i].profile, fs.exec.verdict);
                if (t[i].verdict == EXEC_VERDICT_ERRNO)
                        ck_assert_int_eq(fs.exec.errno_ret, t[i].errno_ret);
                filter_set_free(&fs);
                profile_free(p);
        }
}
END_TEST

START_TEST(exec_policy_rules)
{
        static const struct {
                const char *json;
                enum exec_verdict verdict;
                int errno_ret;
                const char *warning;
        } t[] = {
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"execve\",\"execveat\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
                  EXEC_VERDICT_KILL, 0, NULL },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"execve\",\"execveat\"],\"action\":\"SCMP_ACT_TRAP\"}]}",
                  EXEC_VERDICT_KILL, 0, NULL },
                { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"execve\",\"execveat\"],\"action\":\"SCMP_ACT_LOG\"}]}",
                  EXEC_VERDICT_ALLOW, 0, NULL },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"execve\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}",
                  EXEC_VERDICT_ERRNO, 13, "stricter" },
                { "{\"defaultAction\":\"SCMP_ACT_KILL\"}", EXEC_VERDICT_KILL, 0, NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct profile *p = parse_text(t[i].json);
                struct filter_set fs;
                compile_ok(p, &fs);
                ck_assert_msg(fs.exec.verdict == t[i].verdict, "#%zu: verdict %d", i, fs.exec.verdict);
                ck_assert_int_eq(fs.exec.errno_ret, t[i].errno_ret);
                if (t[i].warning)
                        ck_assert_msg(fs.warnings && strstr(fs.warnings, t[i].warning), "#%zu: warnings %s", i, fs.warnings);
                filter_set_free(&fs);
                profile_free(p);
        }
}
END_TEST

/* Profiles that parse (upstream accepts them) but that denybox cannot honour or that would
 * compile to something silently different. */
START_TEST(compile_rejects)
{
        static const struct {
                const char *json, *path, *word;
        } t[] = {
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\",\"execve\"],\"action\":\"SCMP_ACT_ERRNO\","
                  "\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "syscalls[0].names[1]", "racy" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"/x\",\"syscalls\":[{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                  "syscalls[0].names[0]", "NOTIFY" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"no_such_syscall\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                  "syscalls[0].names[0]", "weaken" },
                { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                  "{\"names\":[\"kill\"],\"action\":\"SCMP_ACT_KILL\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "syscalls[1].names[0]", "override" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"seccomp\"],\"action\":\"SCMP_ACT_ERRNO\","
                  "\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "syscalls[0].names[0]", "seccomp(2)" },
                { "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"name\":\"execveat\",\"action\":\"SCMP_ACT_ERRNO\","
                  "\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}}}",
                  "linux.seccomp.syscalls[0].name", "racy" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct profile *p = parse_text(t[i].json);
                struct filter_set fs;
                struct dbx_error err = { 0 };
                ck_assert_msg(filter_set_compile(p, &host61, &fs, &err) < 0, "#%zu compiled", i);
                ck_assert_msg(strcmp(err.path, t[i].path) == 0, "#%zu: path \"%s\" (%s)", i, err.path, err.msg);
                ck_assert_msg(strstr(err.msg, t[i].word), "#%zu: \"%s\" lacks \"%s\"", i, err.msg, t[i].word);
                ck_assert(!strchr(err.msg, '\n'));
                profile_free(p);
        }
}
END_TEST

START_TEST(warnings_and_flags)
{
        /* unknown name in an allow rule of a default-deny profile: skipped, said out loud */
        struct profile *p = parse_text("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"],"
                                       "\"syscalls\":[{\"names\":[\"getpid\",\"no_such_syscall\",\"socketcall\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                                       "{\"names\":[\"setns\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":[\"setns\"],\"action\":\"SCMP_ACT_KILL\"}]}");
        struct filter_set fs;
        compile_ok(p, &fs);
        ck_assert_ptr_nonnull(fs.warnings);
        ck_assert_ptr_nonnull(strstr(fs.warnings, "syscalls[0].names[1]: unknown syscall \"no_such_syscall\" ignored"));
        ck_assert_ptr_null(strstr(fs.warnings, "socketcall")); /* another ABI's name: silently nothing on x86_64 */
        ck_assert_ptr_nonnull(strstr(fs.warnings, "stricter SCMP_ACT_KILL_THREAD"));
        ck_assert_uint_eq(fs.stage2_flags, SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW);
        filter_set_free(&fs);
        profile_free(p);

        /* many unknown names: the first PLAN_WARNINGS_MAX lines, then one line counting the rest
         * (20000 warnings appended one realloc at a time took a minute under ASan) */
        char text[8192];
        size_t o = (size_t)snprintf(text, sizeof(text), "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[");
        for (int i = 0; i < 100; i++)
                o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\"nosys%d\"", i ? "," : "", i);
        snprintf(text + o, sizeof(text) - o, "],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        p = parse_text(text);
        compile_ok(p, &fs);
        size_t lines = 0;
        for (const char *c = fs.warnings; c && *c; c++)
                lines += *c == '\n';
        ck_assert_uint_eq(lines, PLAN_WARNINGS_MAX + 1);
        ck_assert_ptr_nonnull(strstr(fs.warnings, "... and 68 more warnings like these"));
        filter_set_free(&fs);
        profile_free(p);
}
END_TEST

START_TEST(hashes_deterministic)
{
        struct profile *a = parse_named("builtin:strict"), *b = parse_named("real/moby-default.json");
        struct filter_set f1, f2, f3;
        compile_ok(a, &f1);
        compile_ok(a, &f2);
        compile_ok(b, &f3);
        ck_assert_str_eq(f1.stage2_sha256, f2.stage2_sha256);
        ck_assert_str_eq(f1.bpf_sha256, f2.bpf_sha256);
        ck_assert_str_eq(f1.stage1_sha256, f3.stage1_sha256); /* stage 1 does not depend on the profile */
        ck_assert_str_ne(f1.stage2_sha256, f3.stage2_sha256);
        ck_assert_uint_eq(strlen(f1.bpf_sha256), 64);
        char hex[SHA256_HEX_SIZE];
        sha256_hex(f1.stage2.data, f1.stage2.len, hex);
        ck_assert_str_eq(hex, f1.stage2_sha256);
        filter_set_free(&f1);
        filter_set_free(&f2);
        filter_set_free(&f3);
        profile_free(a);
        profile_free(b);
}
END_TEST

/* libseccomp 2.5.4 leaks the nodes it prunes when a rule makes an existing conditional chain of the
 * same action redundant (_db_tree_prune): {A0==100 && A1==9001}, then A1==100, then A1==9001.
 * The fuzzer found it (tests/fuzz/corpus/libseccomp-prune-leak.json); the compiler drops
 * subsumed rules itself so libseccomp never prunes.  Under ASan, LeakSanitizer checks here. */
START_TEST(compile_no_leak_on_subsumed_rules)
{
        static const char minimal[] =
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
                "{\"names\":[\"process_vm_readv\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                "{\"index\":0,\"value\":100,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":9001,\"op\":\"SCMP_CMP_EQ\"}]},"
                "{\"names\":[\"process_vm_readv\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":["
                "{\"index\":1,\"value\":100,\"op\":\"SCMP_CMP_EQ\"},{\"index\":1,\"value\":9001,\"op\":\"SCMP_CMP_EQ\"}]}]}";
        size_t len;
        char *fuzzed = slurp(SRCDIR "/tests/fuzz/corpus/libseccomp-prune-leak.json", &len);
        const char *inputs[] = { minimal, fuzzed };
        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                struct profile *p = parse_text(inputs[i]);
                struct filter_set fs;
                compile_ok(p, &fs);
                filter_set_free(&fs);
                char *pfc = NULL;
                struct dbx_error err;
                ck_assert_int_eq(filter_set_pfc(p, &host61, &pfc, &err), 0);
                free(pfc);
                profile_free(p);
        }
        free(fuzzed);
#ifdef DENYBOX_LSAN
        ck_assert_msg(__lsan_do_recoverable_leak_check() == 0, "LeakSanitizer found a leak (report on stderr)");
#endif
}
END_TEST

/* Golden PFC for the strict profile (DENYBOX_UPDATE_GOLDEN=1 rewrites it). */
START_TEST(golden_pfc_strict)
{
        struct profile *p = parse_named("builtin:strict");
        struct dbx_error err;
        char *pfc = NULL;
        ck_assert_int_eq(filter_set_pfc(p, &host61, &pfc, &err), 0);
        const char *golden = SRCDIR "/tests/golden/strict.pfc";
        if (getenv("DENYBOX_UPDATE_GOLDEN")) {
                FILE *f = fopen(golden, "we");
                ck_assert_ptr_nonnull(f);
                fputs(pfc, f);
                fclose(f);
        }
        size_t len;
        char *want = slurp(golden, &len);
        if (strcmp(pfc, want) != 0)
                fprintf(stderr, "%s", pfc);
        ck_assert_msg(strcmp(pfc, want) == 0, "PFC differs from %s (printed on stderr; DENYBOX_UPDATE_GOLDEN=1 rewrites it)", golden);
        ck_assert_ptr_nonnull(strstr(pfc, "action 0x7fc00000;")); /* NOTIFY: 2.5.4 PFC has no name for it */
        /* stage 1 closes non-native ABIs with ENOSYS, stage 2 kills (see filter.c) */
        const char *stage2 = strstr(pfc, "# denybox stage 2:");
        ck_assert_ptr_nonnull(stage2);
        const char *s1_badarch = strstr(pfc, "# invalid architecture action\naction ERRNO(38);");
        ck_assert_ptr_nonnull(s1_badarch);
        ck_assert(s1_badarch < stage2);
        ck_assert_ptr_nonnull(strstr(stage2, "# invalid architecture action\naction KILL_PROCESS;"));
        /* the always-on rules are named, with their reasons, in the stage-2 header */
        ck_assert_ptr_nonnull(strstr(stage2, "keyctl, add_key, request_key -> SCMP_ACT_ERRNO(1)"));
        ck_assert_ptr_nonnull(strstr(stage2, "not namespaced"));
        ck_assert_ptr_nonnull(strstr(stage2, "io_uring_setup, io_uring_enter, io_uring_register -> SCMP_ACT_ERRNO(1)"));
        free(want);
        free(pfc);
        profile_free(p);
}
END_TEST

/* The action libseccomp emits for a syscall in stage 2: the line after its "# filter for syscall"
 * header, or "" when there is no rule (the syscall takes defaultAction). */
static const char *stage2_action(const char *pfc, const char *name, char *buf, size_t size)
{
        char head[80];
        snprintf(head, sizeof(head), "# filter for syscall \"%s\"", name);
        const char *s = strstr(pfc, "# denybox stage 2:");
        ck_assert_ptr_nonnull(s);
        s = strstr(s, head);
        buf[0] = 0;
        if (s && (s = strstr(s, "action ")))
                snprintf(buf, size, "%.*s", (int)strcspn(s, ";\n"), s);
        return buf;
}

/* keyctl/add_key/request_key and io_uring_* are denied whatever the profile says -- but a
 * stricter action of the profile for them (a rule, or defaultAction) is kept. */
START_TEST(always_on_keyring)
{
        static const struct {
                const char *json, *action;
        } t[] = {
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}", "action ERRNO(1)" },
                { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"keyctl\",\"add_key\",\"request_key\",\"io_uring_setup\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                  "" /* = defaultAction ERRNO(1): no rule needed */ },
                { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":38,\"syscalls\":[{\"names\":[\"keyctl\",\"add_key\",\"request_key\",\"io_uring_setup\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                  "action ERRNO(1)" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\",\"add_key\",\"request_key\",\"io_uring_setup\"],\"action\":\"SCMP_ACT_ALLOW\","
                  "\"args\":[{\"index\":0,\"value\":0,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "action ERRNO(1)" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\",\"add_key\",\"request_key\",\"io_uring_setup\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]}",
                  "action ERRNO(1)" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"keyctl\",\"add_key\",\"request_key\",\"io_uring_setup\"],\"action\":\"SCMP_ACT_KILL_PROCESS\"}]}",
                  "action KILL_PROCESS" },
                { "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                  "" /* = defaultAction KILL_PROCESS */ },
        };
        static const char *const names[] = { "keyctl", "add_key", "request_key", "io_uring_setup" };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct profile *p = parse_text(t[i].json);
                struct dbx_error err;
                char *pfc = NULL, got[64];
                ck_assert_int_eq(filter_set_pfc(p, &host61, &pfc, &err), 0);
                for (size_t j = 0; j < ELEMENTSOF(names); j++)
                        ck_assert_msg(strcmp(stage2_action(pfc, names[j], got, sizeof(got)), t[i].action) == 0,
                                      "#%zu %s: \"%s\", want \"%s\"", i, names[j], got, t[i].action);
                free(pfc);
                profile_free(p);
        }
}
END_TEST

/* ---- live tables ---- */

/* expectations besides "fails with errno N"; KILLED_SIGSYS runs the case in a grandchild */
enum { OK = -1, NOT_EPERM = -2, KILLED_SIGSYS = -3 };

struct live_case {
        const char *what;
        long (*fn)(void);
        int expect; /* errno, OK (returns >= 0) or NOT_EPERM */
};

static long sys_socket(void) { return syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); }
static long sys_socket_x32(void) { return syscall(SYS_socket | 0x40000000, AF_INET, SOCK_STREAM, 0); }
static long sys_getpid(void) { return syscall(SYS_getpid); }
static long sys_getpid_x32(void) { return syscall(SYS_getpid | 0x40000000); }
static long sys_keyctl(void) { return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0); }
static long sys_add_key(void) { return syscall(SYS_add_key, "user", "denybox", "x", 1, -3); }
static long sys_request_key(void) { return syscall(SYS_request_key, "user", "denybox", NULL, 0); }
static long sys_clone3(void) { return syscall(SYS_clone3, NULL, 0); }
static long sys_io_uring_setup(void) { return syscall(SYS_io_uring_setup, 0, NULL); }
static long sys_io_uring_enter(void) { return syscall(SYS_io_uring_enter, -1, 0, 0, 0, NULL, 0); }
static long sys_seccomp_listener(void) { return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL); }
static long sys_seccomp_filter(void) { return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, NULL); } /* EFAULT: let through */
static long sys_seccomp_avail(void)
{
        unsigned action = SECCOMP_RET_ERRNO;
        return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
}
static long sys_execve_missing(void)
{
        char *argv[] = { NULL };
        return syscall(SYS_execve, "/nonexistent/denybox", argv, argv);
}
static long sys_unshare_user(void) { return syscall(SYS_unshare, CLONE_NEWUSER); }
static long sys_unshare_none(void) { return syscall(SYS_unshare, 0); }
static long sys_mount(void) { return syscall(SYS_mount, "none", "/", "tmpfs", 0, NULL); }
static long sys_acct(void) { return syscall(SYS_acct, NULL); }
static long sys_mkdir(void) { return syscall(SYS_mkdir, "/nonexistent/denybox/x", 0700); }
static long sys_mkdirat(void) { return syscall(SYS_mkdirat, AT_FDCWD, "/nonexistent/denybox/x", 0700); }
static long sys_pvr_100(void) { return syscall(SYS_process_vm_readv, 100, NULL, 0, NULL, 0, 0); }
static long sys_pvr_9001(void) { return syscall(SYS_process_vm_readv, 9001, NULL, 0, NULL, 0, 0); }
static long sys_pvr_101(void) { return syscall(SYS_process_vm_readv, 101, NULL, 0, NULL, 0, 0); }
static long sys_tiocsti(void) { return syscall(SYS_ioctl, -1, TIOCSTI, NULL); }
static long sys_tiocsti_high(void) { return syscall(SYS_ioctl, -1, TIOCSTI | (1ul << 32), NULL); }
static long sys_tcgets(void) { return syscall(SYS_ioctl, -1, TCGETS, NULL); }
static long sys_personality_query(void) { return syscall(SYS_personality, 0xffffffffUL); }
static long sys_personality_rie(void) { return syscall(SYS_personality, 0x0400000UL); }
static long sys_clone_newuser(void)
{
        long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
        if (r == 0)
                _exit(0); /* the filter failed to stop it: the parent reports */
        if (r > 0)
                waitpid((pid_t)r, NULL, 0);
        return r;
}
static void *thread_fn(void *arg) { return arg; }
static long do_pthread_create(void)
{
        pthread_t t;
        int r = pthread_create(&t, NULL, thread_fn, NULL);
        if (r) {
                errno = r;
                return -1;
        }
        pthread_join(t, NULL);
        return 0;
}

/* int80() returns -errno; this turns it into -1 and errno, like syscall(). */
static long i386_result(long raw)
{
        if (raw < 0 && raw > -4096) {
                errno = (int)-raw;
                return -1;
        }
        return raw;
}
static long sys_i386_getpid(void) { return i386_result(int80(20, 0, 0, 0)); }
static long sys_i386_socketcall(void)
{
        unsigned args[3] = { AF_INET, SOCK_STREAM, 0 };
        return i386_result(int80(102, 1, (long)(uintptr_t)args, 0));
}

/* Runs fn in a child: was it killed by SIGSYS (a seccomp KILL), rather than returning? */
static bool killed_by_sigsys(long (*fn)(void))
{
        pid_t g = fork();
        if (g == 0) {
                fn();
                _exit(0);
        }
        int st = 0;
        if (g < 0 || waitpid(g, &st, 0) != g)
                return false;
        return WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS;
}



/* Forks, loads stage 2 of the profile, runs the table.  The verdict travels through shared memory,
 * not the exit status: a profile may deny write and even exit_group (derived-duplicate-arg-index-
 * or.json denies everything but process_vm_readv), after which the child can only crash. */
struct live_result {
        volatile int done;
        volatile int failed; /* 1-based index of the first failing case, 0 = none */
        char msg[240];
};

static void run_live(const char *profile, const struct live_case *t, size_t n)
{
        struct profile *p = parse_named(profile);
        struct filter_set fs;
        compile_ok(p, &fs);
        struct live_result *res = mmap(NULL, sizeof(*res), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        ck_assert(res != MAP_FAILED);
        memset(res, 0, sizeof(*res));
        fflush(NULL);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                struct rlimit no_core = { 0, 0 }; /* KILLED_SIGSYS cases would dump core */
                if (setrlimit(RLIMIT_CORE, &no_core) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                    bpf_blob_load(&fs.stage2, fs.stage2_flags, NULL) < 0) {
                        snprintf(res->msg, sizeof(res->msg), "loading stage 2: %s", strerror(errno));
                        _exit(100);
                }
                for (size_t i = 0; i < n && !res->failed; i++) {
                        if (t[i].expect == KILLED_SIGSYS) {
                                if (!killed_by_sigsys(t[i].fn)) {
                                        snprintf(res->msg, sizeof(res->msg), "%s: not killed by SIGSYS", t[i].what);
                                        res->failed = (int)i + 1;
                                }
                                continue;
                        }
                        errno = 0;
                        long r = t[i].fn();
                        int e = r < 0 ? errno : 0;
                        bool ok = t[i].expect == OK ? r >= 0 : t[i].expect == NOT_EPERM ? e != EPERM : (r < 0 && e == t[i].expect);
                        if (!ok) {
                                snprintf(res->msg, sizeof(res->msg), "%s: returned %ld errno %d (%s), want %d", t[i].what, r, e,
                                         strerrorname_np(e) ? strerrorname_np(e) : "0", t[i].expect);
                                res->failed = (int)i + 1;
                        }
                }
                res->done = 1;
                _exit(0);
        }
        /* Once the verdict is in, the child may be stuck (sanitizer runtimes loop when exit_group
         * is denied): kill it rather than wait for it. */
        int st = 0;
        pid_t w = 0;
        for (int i = 0; i < 2000 && w == 0 && !res->done; i++) {
                w = waitpid(pid, &st, WNOHANG);
                if (w == 0)
                        usleep(5000);
        }
        if (w == 0) {
                kill(pid, SIGKILL);
                ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        }
        ck_assert_msg(res->done, "%s: child did not finish (status %d): %s", profile, st, res->msg);
        ck_assert_msg(!res->failed, "%s: %s", profile, res->msg);
        munmap(res, sizeof(*res));
        filter_set_free(&fs);
        profile_free(p);
}

/* The always-on protections and the profile's own denials. */
static const struct live_case strict_cases[] = {
        { "socket -> EPERM (profile)", sys_socket, EPERM },
        { "getpid works", sys_getpid, OK },
        { "clone3 -> ENOSYS", sys_clone3, ENOSYS },
        { "io_uring_setup -> EPERM", sys_io_uring_setup, EPERM },
        { "io_uring_enter -> EPERM", sys_io_uring_enter, EPERM },
        { "x32 socket -> killed by SIGSYS (bad arch)", sys_socket_x32, KILLED_SIGSYS },
        { "x32 getpid -> killed by SIGSYS (bad arch)", sys_getpid_x32, KILLED_SIGSYS },
        { "keyctl -> EPERM", sys_keyctl, EPERM },
        { "add_key -> EPERM", sys_add_key, EPERM },
        { "request_key -> EPERM", sys_request_key, EPERM },
        { "seccomp NEW_LISTENER -> EPERM", sys_seccomp_listener, EPERM },
        { "seccomp filter w/o listener passes (EFAULT)", sys_seccomp_filter, EFAULT },
        { "seccomp GET_ACTION_AVAIL works", sys_seccomp_avail, OK },
        { "execve left to stage 1 (ENOENT)", sys_execve_missing, ENOENT },
        { "unshare(CLONE_NEWUSER) -> EPERM", sys_unshare_user, EPERM },
        { "mount -> EPERM", sys_mount, EPERM },
        { "pthread_create falls back to clone", do_pthread_create, OK },
};
START_TEST(live_strict) { run_live("builtin:strict", strict_cases, ELEMENTSOF(strict_cases)); }
END_TEST

/* Without any filter neither is killed: a kernel answers an ABI it lacks with ENOSYS (Debian's
 * answers x32 so unless booted with syscall.x32=y), never with SIGSYS -- which is why stage 2's
 * bad-arch action is KILL_PROCESS, so the probe can tell the two apart. */
START_TEST(live_badarch_control)
{
        ck_assert_msg(!killed_by_sigsys(sys_getpid_x32), "x32 getpid killed without a filter");
        errno = 0;
        long r = sys_getpid_x32();
        ck_assert_msg(r >= 0 || errno == ENOSYS, "x32 getpid without a filter: %ld errno %d", r, errno);
}
END_TEST

/* ---- the i386 ABI (int 0x80): its own suite, run only where the kernel has IA32 emulation and
 * reported as skipped where it has not (main) -------------------------------------------------- */

START_TEST(live_i386_control)
{
        ck_assert_msg(!killed_by_sigsys(sys_i386_getpid), "i386 getpid killed without a filter");
}
END_TEST

static const struct live_case i386_cases[] = {
        { "i386 getpid via int 0x80 -> killed by SIGSYS", sys_i386_getpid, KILLED_SIGSYS },
        { "i386 socketcall(SYS_SOCKET) -> killed by SIGSYS", sys_i386_socketcall, KILLED_SIGSYS },
};
START_TEST(live_i386_closed)
{
        run_live("builtin:strict", i386_cases, ELEMENTSOF(i386_cases));
        run_live("real/moby-default.json", i386_cases, ELEMENTSOF(i386_cases)); /* its archMap allows x86: denybox does not */
}
END_TEST

static const struct live_case moby_cases[] = {
        { "unshare(CLONE_NEWUSER) -> EPERM", sys_unshare_user, EPERM },
        { "pthread_create works", do_pthread_create, OK },
        { "clone3 -> ENOSYS", sys_clone3, ENOSYS },
        { "socket works", sys_socket, OK },
        { "getpid works", sys_getpid, OK },
        { "io_uring_setup -> EPERM", sys_io_uring_setup, EPERM },
        { "keyctl -> EPERM", sys_keyctl, EPERM },
        { "add_key -> EPERM", sys_add_key, EPERM },
        { "request_key -> EPERM", sys_request_key, EPERM },
        { "x32 getpid -> killed by SIGSYS (bad arch)", sys_getpid_x32, KILLED_SIGSYS },
        { "seccomp NEW_LISTENER -> EPERM (moby allows seccomp)", sys_seccomp_listener, EPERM },
        { "seccomp GET_ACTION_AVAIL works", sys_seccomp_avail, OK },
        { "acct -> EPERM (needs CAP_SYS_PACCT)", sys_acct, EPERM },
        { "clone(CLONE_NEWUSER) -> EPERM (masked)", sys_clone_newuser, EPERM },
        { "personality query works", sys_personality_query, OK },
};
START_TEST(live_moby_default) { run_live("real/moby-default.json", moby_cases, ELEMENTSOF(moby_cases)); }
END_TEST

static const struct live_case default_deny_cases[] = {
        { "getpid works", sys_getpid, OK },
        { "socket -> EPERM", sys_socket, EPERM },
        { "mount -> EPERM", sys_mount, EPERM },
        { "acct (unlisted) -> EPERM", sys_acct, EPERM },
        { "pthread_create works", do_pthread_create, OK },
        { "clone(CLONE_NEWUSER) -> EPERM", sys_clone_newuser, EPERM },
        { "personality query works", sys_personality_query, OK },
        { "personality(READ_IMPLIES_EXEC) -> EPERM", sys_personality_rie, EPERM },
        { "mkdir allowed (ENOENT)", sys_mkdir, ENOENT },
        { "clone3 -> ENOSYS", sys_clone3, ENOSYS },
        { "seccomp NEW_LISTENER -> EPERM", sys_seccomp_listener, EPERM },
        { "execve left to stage 1 (ENOENT)", sys_execve_missing, ENOENT },
        { "keyctl -> EPERM", sys_keyctl, EPERM },
        { "x32 getpid -> killed by SIGSYS (bad arch)", sys_getpid_x32, KILLED_SIGSYS },
};
START_TEST(live_default_deny) { run_live("builtin:default-deny", default_deny_cases, ELEMENTSOF(default_deny_cases)); }
END_TEST

static const struct live_case getpid_cases[] = { { "getpid -> EPERM", sys_getpid, EPERM } };
static const struct live_case dup_index_cases[] = {
        { "process_vm_readv(100) allowed", sys_pvr_100, NOT_EPERM },
        { "process_vm_readv(9001) allowed", sys_pvr_9001, NOT_EPERM },
        { "process_vm_readv(101) -> EPERM", sys_pvr_101, EPERM },
};
static const struct live_case tiocsti_cases[] = {
        { "ioctl TIOCSTI -> 111", sys_tiocsti, 111 },
        { "ioctl TIOCSTI | 1<<32 -> 111", sys_tiocsti_high, 111 },
        { "ioctl TCGETS passes (EBADF)", sys_tcgets, EBADF },
};
static const struct live_case errnoret_cases[] = {
        { "mkdir -> 100", sys_mkdir, 100 },
        { "mkdirat -> 100", sys_mkdirat, 100 },
};
static const struct live_case userns_args_cases[] = {
        { "unshare(CLONE_NEWUSER) -> EPERM", sys_unshare_user, EPERM },
        { "unshare(0) -> EPERM (always-on: the profile's EQ rule no longer decides)", sys_unshare_none, EPERM },
};
/* docs/SECCOMP.md section 8 quotes `denybox seccomp strict`'s hashes (8 hex digits) and
 * instruction counts: they must be the compiler's. */
static const char *doc_quote(const char *doc, const char *label, char hex[9], unsigned *ret_n)
{
        const char *l = strstr(doc, label);
        ck_assert_msg(l != NULL, "docs/SECCOMP.md section 8 has no line '%s'", label);
        l += strlen(label);
        ck_assert_msg(strspn(l, "0123456789abcdef") == 8 && strncmp(l + 8, "...", 3) == 0, "'%s' is not 8 hex digits + ...", label);
        memcpy(hex, l, 8);
        hex[8] = 0;
        if (ret_n)
                ck_assert_msg(sscanf(l + 11, " (%u instructions)", ret_n) == 1, "'%s' has no instruction count", label);
        return l;
}

START_TEST(seccomp_doc_numbers_true)
{
        char path[4096], hex[9], line[800];
        snprintf(path, sizeof(path), "%s/docs/SECCOMP.md", SRCDIR);
        FILE *f = fopen(path, "r");
        ck_assert_msg(f != NULL, "cannot open %s", path);
        char *doc = calloc(1, 1 << 20);
        ck_assert_ptr_nonnull(doc);
        ck_assert_uint_gt(fread(doc, 1, (1 << 20) - 1, f), 0);
        fclose(f);
        const char *sec = strstr(doc, "## 8. `denybox seccomp");
        ck_assert_ptr_nonnull(sec);
        size_t jlen;
        const char *json = profile_builtin("strict", &jlen);
        struct profile *p = NULL;
        struct dbx_error err = { 0 };
        struct filter_set fs;
        const struct filter_host host = { 6, 1 };
        ck_assert_msg(profile_parse(json, jlen, &p, &err) == 0, "%s", dbx_error_line(&err, line, sizeof(line)));
        ck_assert_msg(filter_set_compile(p, &host, &fs, &err) == 0, "%s", dbx_error_line(&err, line, sizeof(line)));
        char profile_sha[SHA256_HEX_SIZE];
        sha256_hex(json, jlen, profile_sha);
        unsigned n;
        doc_quote(sec, "# profile sha256: ", hex, NULL);
        ck_assert_msg(strncmp(profile_sha, hex, 8) == 0, "profile sha256 %s, the doc says %s...", profile_sha, hex);
        doc_quote(sec, "# stage 1 bpf sha256: ", hex, &n);
        ck_assert_msg(strncmp(fs.stage1_sha256, hex, 8) == 0, "stage 1 sha256 %s, the doc says %s...", fs.stage1_sha256, hex);
        ck_assert_uint_eq(n, fs.stage1.len / 8);
        doc_quote(sec, "# stage 2 bpf sha256: ", hex, &n);
        ck_assert_msg(strncmp(fs.stage2_sha256, hex, 8) == 0, "stage 2 sha256 %s, the doc says %s...", fs.stage2_sha256, hex);
        ck_assert_uint_eq(n, fs.stage2.len / 8);
        doc_quote(sec, "# combined bpf sha256: ", hex, NULL);
        ck_assert_msg(strncmp(fs.bpf_sha256, hex, 8) == 0, "combined sha256 %s, the doc says %s...", fs.bpf_sha256, hex);
        filter_set_free(&fs);
        profile_free(p);
        free(doc);
}
END_TEST

START_TEST(live_edge_profiles)
{
        run_live("edge/crun-block-getpid.json", getpid_cases, ELEMENTSOF(getpid_cases));
        run_live("edge/derived-duplicate-arg-index-or.json", dup_index_cases, ELEMENTSOF(dup_index_cases));
        run_live("edge/derived-flatpak-tiocsti-masked.json", tiocsti_cases, ELEMENTSOF(tiocsti_cases));
        run_live("edge/runc-bats-errnoret-100.json", errnoret_cases, ELEMENTSOF(errnoret_cases));
        run_live("edge/moby-cli-deny-unshare-userns-args.json", userns_args_cases, ELEMENTSOF(userns_args_cases));
}
END_TEST

/* Fork a child that loads the real stage 1 (builtin:strict) with a listener, runs body with it
 * and exits with what body returns; the test fails unless that is 0. */
static void run_under_stage1(int (*body)(int listener))
{
        struct profile *p = parse_named("builtin:strict");
        struct filter_set fs;
        compile_ok(p, &fs);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(10);
                int fd = bpf_blob_load(&fs.stage1, SECCOMP_FILTER_FLAG_NEW_LISTENER, NULL);
                if (fd < 0)
                        _exit(11);
                _exit(body(fd));
        }
        int st;
        waitpid(pid, &st, 0);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "stage 1 child: status %d", st);
        filter_set_free(&fs);
        profile_free(p);
}

/* Stage 1 for real: loaded with a listener; a grandchild's execve is held until the "supervisor"
 * (the child) answers EPERM.  (An i386 execve never reaches it: live_stage1_i386_enosys.) */
static int stage1_notify(int fd)
{
        pid_t g = fork();
        if (g == 0) {
                char *argv[] = { "true", NULL };
                execve("/bin/true", argv, argv);
                _exit(errno == EPERM ? 0 : 12);
        }
        struct seccomp_notif req;
        memset(&req, 0, sizeof(req));
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
                return 13;
        if (req.data.nr != SYS_execve || req.pid != (unsigned)g)
                return 14;
        struct seccomp_notif_resp resp = { .id = req.id, .error = -EPERM };
        if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
                return 15;
        int st;
        waitpid(g, &st, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
                return WIFEXITED(st) ? WEXITSTATUS(st) : 16;
        return 0;
}

START_TEST(live_stage1_notify) { run_under_stage1(stage1_notify); }
END_TEST

/* An i386 execve("/bin/false") with valid 32-bit pointers under stage 1 (its listener held and
 * never read): stage 1 alone answers ENOSYS (bad arch).  Had it been notified, the call would
 * wait for an answer until the alarm; had it run, the exit status would be 1. */
static int stage1_i386_execve(int fd)
{
        (void)fd;
        alarm(10);
        char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
        if (low == MAP_FAILED)
                return 17;
        strcpy(low, "/bin/false");
        uint32_t *argv32 = (uint32_t *)(low + 64);
        argv32[0] = (uint32_t)(uintptr_t)low;
        argv32[1] = 0;
        long r = int80(11, (long)(uintptr_t)low, (long)(uintptr_t)argv32, (long)(uintptr_t)(argv32 + 1));
        return r == -ENOSYS ? 0 : 18;
}

START_TEST(live_stage1_i386_enosys) { run_under_stage1(stage1_i386_execve); }
END_TEST

/* `test-filter i386`: the i386 suite alone.  Without IA32 emulation it cannot run: it says so as
 * a TAP skip (meson reports SKIP), never as a pass. */
static int run_i386(void)
{
        if (!have_ia32()) {
                printf("1..0 # SKIP no IA32 emulation on this kernel (int 0x80 does not run): the i386 ABI tests cannot run\n");
                return EXIT_SUCCESS;
        }
        Suite *s = suite_create("filter-i386");
        TCase *tc = tcase_create("i386");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, live_i386_control);
        tcase_add_test(tc, live_i386_closed);
        tcase_add_test(tc, live_stage1_i386_enosys);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}

int main(int argc, char **argv)
{
        if (argc > 1 && strcmp(argv[1], "i386") == 0)
                return run_i386();
        Suite *s = suite_create("filter");
        TCase *tc = tcase_create("compile");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, exec_policy_table);
        tcase_add_test(tc, exec_policy_rules);
        tcase_add_test(tc, compile_rejects);
        tcase_add_test(tc, warnings_and_flags);
        tcase_add_test(tc, hashes_deterministic);
        tcase_add_test(tc, golden_pfc_strict);
        tcase_add_test(tc, compile_no_leak_on_subsumed_rules);
        tcase_add_test(tc, always_on_keyring);
        tcase_add_test(tc, seccomp_doc_numbers_true);
        suite_add_tcase(s, tc);
        TCase *live = tcase_create("live");
        tcase_set_timeout(live, 60);
        tcase_add_test(live, live_strict);
        tcase_add_test(live, live_badarch_control);
        tcase_add_test(live, live_moby_default);
        tcase_add_test(live, live_default_deny);
        tcase_add_test(live, live_edge_profiles);
        tcase_add_test(live, live_stage1_notify);
        suite_add_tcase(s, live);
        return run_suite_tap(s);
}
