/* SPDX-License-Identifier: MIT */
/* Parser and validator: real profiles load, upstream-rejected ones are rejected with the JSON
 * path at fault, hostile inputs give one-line errors, includes/excludes follow Moby. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "profile.h"
#include "unit.h"

static const struct filter_host host61 = { 6, 1 };


/* Parse then compile; returns 0 or the first negative errno, err filled. */
static int load_text(const char *json, size_t len, struct dbx_error *err)
{
        struct profile *p = NULL;
        struct filter_set fs;
        *err = (struct dbx_error){ 0 };
        int r = profile_parse(json, len, &p, err);
        if (r < 0)
                return r;
        r = filter_set_compile(p, &host61, &fs, err);
        if (r == 0)
                filter_set_free(&fs);
        profile_free(p);
        return r;
}

static int load_file(const char *path, struct dbx_error *err)
{
        size_t len;
        char *json = slurp(path, &len);
        int r = load_text(json, len, err);
        free(json);
        return r;
}

static int load_str(const char *json, struct dbx_error *err)
{
        return load_text(json, strlen(json), err);
}

static void assert_one_line(const struct dbx_error *err)
{
        ck_assert_msg(!strchr(err->msg, '\n') && !strchr(err->path, '\n'), "multi-line error: %s", err->msg);
}

/* Calls fn for each *.json in PROFILES_DIR/sub, returns how many. */
static int for_each_json(const char *sub, void (*fn)(const char *path, const char *name))
{
        char dir[512], path[1024];
        snprintf(dir, sizeof(dir), "%s/%s", PROFILES_DIR, sub);
        DIR *d = opendir(dir);
        ck_assert_msg(d, "cannot open %s", dir);
        int n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                size_t l = strlen(de->d_name);
                if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
                        continue;
                snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
                fn(path, de->d_name);
                n++;
        }
        closedir(d);
        return n;
}

static void expect_loads(const char *path, const char *name)
{
        struct dbx_error err;
        char line[800];
        int r = load_file(path, &err);
        ck_assert_msg(r == 0, "%s: %s", name, dbx_error_line(&err, line, sizeof(line)));
}

START_TEST(real_profiles_load)
{
        ck_assert_int_ge(for_each_json("real", expect_loads), 10);
}
END_TEST

START_TEST(seed_profiles_load)
{
        expect_loads(SRCDIR "/seccomp/seccomp-deny-by-default.json", "strict");
        expect_loads(SRCDIR "/seccomp/seccomp-startup-safe.json", "startup-safe");
        expect_loads(SRCDIR "/seccomp/seccomp-default-deny.json", "default-deny");
        expect_loads(PROFILES_DIR "/seccomp-deny-by-default.json", "shared strict");
}
END_TEST

START_TEST(builtins_are_the_committed_files)
{
        static const struct {
                const char *name, *file;
        } t[] = {
                { "strict", "seccomp-deny-by-default.json" },
                { "startup-safe", "seccomp-startup-safe.json" },
                { "default-deny", "seccomp-default-deny.json" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                char path[512];
                size_t len, blen = 0;
                snprintf(path, sizeof(path), "%s/seccomp/%s", SRCDIR, t[i].file);
                char *disk = slurp(path, &len);
                const char *b = profile_builtin(t[i].name, &blen);
                ck_assert_ptr_nonnull(b);
                ck_assert_uint_eq(blen, len);
                ck_assert(memcmp(b, disk, len) == 0);
                ck_assert_int_eq(b[blen], 0);
                ck_assert_str_eq(profile_builtin_name(i), t[i].name);
                free(disk);
        }
        ck_assert_ptr_null(profile_builtin_name(ELEMENTSOF(t)));
        ck_assert_ptr_null(profile_builtin("nope", NULL));
        size_t len;
        char hex[SHA256_HEX_SIZE];
        const char *strict = profile_builtin("strict", &len);
        sha256_hex(strict, len, hex);
        ck_assert_str_eq(hex, "68b07c179a8c338d8aedca940150982106c793b75daadfaa323109ac309e8dbe");
}
END_TEST

static void expect_rejected(const char *path, const char *name)
{
        struct dbx_error err;
        int r = load_file(path, &err);
        ck_assert_msg(r < 0, "%s was accepted", name);
        ck_assert_msg(err.msg[0], "%s: empty error message", name);
        assert_one_line(&err);
}

START_TEST(bad_profiles_rejected)
{
        ck_assert_int_ge(for_each_json("bad", expect_rejected), 30);
}
END_TEST

/* Where each bad/ file must be caught (path, and a word of the message). */
START_TEST(bad_profile_paths)
{
        static const struct {
                const char *file, *path, *word;
        } t[] = {
                { "common-validate-architectures-and-archmap.json", "", "archMap" },
                { "common-validate-not-json.json", "", "JSON" },
                { "common-validate-syscall-without-action.json", "syscalls[0].action", "missing" },
                { "derived-bad-flag.json", "flags[0]", "unknown" },
                { "derived-bad-operator.json", "syscalls[0].args[0].op", "SCMP_CMP_INVALID" },
                { "derived-crun-arg-index-6.json", "syscalls[0].args[0].index", "0..5" },
                { "derived-empty-file.json", "", "JSON" },
                { "derived-missing-default-action.json", "defaultAction", "missing" },
                { "derived-notify-default.json", "defaultAction", "NOTIFY" },
                { "derived-null-architecture.json", "architectures[0]", "string" },
                { "derived-null-flag.json", "flags[0]", "string" },
                { "derived-null-syscall-name.json", "syscalls[0].names[0]", "string" },
                { "derived-spec-default-errno-on-allow.json", "defaultErrnoRet", "errno" },
                { "derived-spec-empty-names.json", "syscalls[0].names", "at least one" },
                { "derived-spec-errnoret-on-allow.json", "syscalls[0].errnoRet", "errno" },
                { "derived-spec-metadata-without-listener.json", "listenerMetadata", "listenerPath" },
                { "derived-top-level-array.json", "", "object" },
                { "derived-truncated-moby-default.json", "", "JSON" },
                { "derived-value-as-string.json", "syscalls[0].args[0].value", "unsigned" },
                { "derived-value-negative.json", "syscalls[0].args[0].value", "unsigned" },
                { "derived-value-overflow-u64.json", "syscalls[0].args[0].value", "range" },
                { "moby-architectures-and-archmap.json", "", "both 'architectures' and 'archMap'" },
                { "moby-minkernel-invalid-00.json", "syscalls[0].includes.minKernel", "kernel version" },
                { "moby-minkernel-invalid-03.json", "syscalls[0].includes.minKernel", "kernel version" },
                { "moby-minkernel-invalid-08.json", "syscalls[0].includes.minKernel", "kernel version" },
                { "moby-minkernel-invalid-09.json", "syscalls[0].includes.minKernel", "kernel version" },
                { "moby-name-and-names.json", "syscalls[0]", "both 'name' and 'names'" },
                { "moby-pr24537-syscall-without-name.json", "syscalls[0]", "neither" },
                { "runc-invalid-architecture.json", "architectures[0]", "SCMP_ARCH_NON_EXISTENT_ARCH" },
                { "runc-invalid-default-action.json", "defaultAction", "unknown action" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                char path[512];
                struct dbx_error err;
                snprintf(path, sizeof(path), "%s/bad/%s", PROFILES_DIR, t[i].file);
                ck_assert_int_lt(load_file(path, &err), 0);
                ck_assert_msg(strcmp(err.path, t[i].path) == 0, "%s: path \"%s\", want \"%s\" (%s)", t[i].file, err.path,
                              t[i].path, err.msg);
                ck_assert_msg(strstr(err.msg, t[i].word), "%s: message \"%s\" lacks \"%s\"", t[i].file, err.msg, t[i].word);
        }
}
END_TEST

/* edge/: everything loads, except an unknown name in a rule stricter than the default (our
 * documented choice: skipping it would weaken the filter; crun with fail_unknown_syscall does
 * the same). */
static void expect_edge(const char *path, const char *name)
{
        struct dbx_error err;
        char line[800];
        int r = load_file(path, &err);
        if (strcmp(name, "crun-unknown-syscall-name.json") == 0) {
                ck_assert_int_lt(r, 0);
                ck_assert_str_eq(err.path, "syscalls[0].names[0]");
                ck_assert_ptr_nonnull(strstr(err.msg, "this_syscall_does_not_exist_12345"));
        } else {
                ck_assert_msg(r == 0, "%s: %s", name, dbx_error_line(&err, line, sizeof(line)));
        }
}

START_TEST(edge_profiles)
{
        ck_assert_int_ge(for_each_json("edge", expect_edge), 15);
}
END_TEST

START_TEST(hostile_inputs)
{
        static const struct {
                const char *json, *path, *word;
        } t[] = {
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultAction\":\"SCMP_ACT_ERRNO\"}", "", "duplicate key" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscals\":[]}", "", "unknown key" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"acton\":1}]}",
                  "syscalls[0]", "unknown key" },
                { "{\"defaultAction\":7}", "defaultAction", "action" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":{}}", "syscalls", "array" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[7]}", "syscalls[0]", "object" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":\"getpid\",\"action\":\"SCMP_ACT_ERRNO\"}]}",
                  "syscalls[0].names", "array" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1.5,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "syscalls[0].args[0].value", "unsigned" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1e3,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "syscalls[0].args[0].value", "unsigned" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":123456789012345678901234567890,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "syscalls[0].args[0].value", "range" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "syscalls[0].args[0].index", "missing" },
                { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":65536}", "defaultErrnoRet", "range" },
                { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrno\":\"ENOTANERRNO\"}", "defaultErrno", "errno" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errno\":\"EPERM\",\"errnoRet\":22}]}",
                  "syscalls[0].errno", "contradicts" },
                { "{\"defaultAction\":\"SCMP_ACT_FOO\\nBAR\"}", "defaultAction", "unknown action" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\"} {}", "", "JSON" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\" /* c */}", "", "comments" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"\"],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                  "syscalls[0].names[0]", "empty" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"minKernel\":\"256.1\"}}]}",
                  "syscalls[0].includes.minKernel", "kernel version" },
                { "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_BOGUS\"}]}}}",
                  "linux.seccomp.syscalls[0].action", "unknown action" },
                { "\"just a string\"", "", "object" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":-1}]}",
                  "syscalls[0].errnoRet", "unsigned" },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++) {
                struct dbx_error err;
                ck_assert_msg(load_str(t[i].json, &err) < 0, "accepted: %s", t[i].json);
                assert_one_line(&err);
                ck_assert_msg(strcmp(err.path, t[i].path) == 0, "#%zu: path \"%s\", want \"%s\" (%s)", i, err.path, t[i].path,
                              err.msg);
                ck_assert_msg(strstr(err.msg, t[i].word), "#%zu: message \"%s\" lacks \"%s\"", i, err.msg, t[i].word);
        }
}
END_TEST

START_TEST(hostile_sizes)
{
        struct dbx_error err;
        /* deep nesting: refused before yajl builds (and recursively frees) a tree */
        size_t n = 100000;
        char *deep = malloc(2 * n + 1);
        memset(deep, '[', n);
        memset(deep + n, ']', n);
        deep[2 * n] = 0;
        ck_assert_int_lt(load_str(deep, &err), 0);
        ck_assert_ptr_nonnull(strstr(err.msg, "nested"));
        free(deep);
        /* NUL inside the text */
        static const char nul[] = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}\0{}";
        ck_assert_int_lt(load_text(nul, sizeof(nul) - 1, &err), 0);
        ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
        /* too big */
        ck_assert_int_eq(load_text("{}", PROFILE_MAX_BYTES + 1, &err), -EFBIG);
        /* a huge but legal names array (all unknown, allowed: falls to the default deny) */
        size_t count = 20000;
        char *big = malloc(count * 16 + 200);
        size_t o = (size_t)sprintf(big, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[");
        for (size_t i = 0; i < count; i++)
                o += (size_t)sprintf(big + o, "%s\"nosys%zu\"", i ? "," : "", i);
        sprintf(big + o, "],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        char line[800];
        ck_assert_msg(load_str(big, &err) == 0, "%s", dbx_error_line(&err, line, sizeof(line)));
        free(big);
        /* 2^64-1 is a legal value */
        ck_assert_int_eq(load_str("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"ioctl\"],\"action\":\"SCMP_ACT_ERRNO\","
                                  "\"args\":[{\"index\":1,\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                                  &err),
                         0);
}
END_TEST

START_TEST(parsed_fields)
{
        struct profile *p = NULL;
        struct dbx_error err;
        size_t len;
        char *json = slurp(PROFILES_DIR "/real/containers-common-seccomp.json", &len);
        ck_assert_int_eq(profile_parse(json, len, &p, &err), 0);
        free(json);
        ck_assert_int_eq(p->default_action.kind, PA_ERRNO);
        ck_assert_uint_eq(p->default_action.data, ENOSYS); /* "defaultErrno": "ENOSYS" beside defaultErrnoRet 38 */
        ck_assert_uint_gt(p->n_arch_map, 0);
        ck_assert_str_eq(p->arch_map[0].arch, "SCMP_ARCH_X86_64");
        profile_free(p);

        json = slurp(PROFILES_DIR "/edge/derived-flatpak-tiocsti-masked.json", &len);
        ck_assert_int_eq(profile_parse(json, len, &p, &err), 0);
        free(json);
        ck_assert_uint_eq(p->syscalls[0].action.data, 111);
        ck_assert_int_eq(p->syscalls[1].args[0].op, PO_MASKED_EQ);
        ck_assert_uint_eq(p->syscalls[1].args[0].value, 4294967295u);
        ck_assert_uint_eq(p->syscalls[1].args[0].value_two, 21522);
        profile_free(p);

        json = slurp(PROFILES_DIR "/edge/moby-listener-path.json", &len);
        ck_assert_int_eq(profile_parse(json, len, &p, &err), 0);
        free(json);
        ck_assert_str_eq(p->listener_path, "/var/run/seccompaget.sock");
        ck_assert_str_eq(p->listener_metadata, "opaque-metadata");
        profile_free(p);

        json = slurp(PROFILES_DIR "/edge/moby-flags-spec-allow-log.json", &len);
        ck_assert_int_eq(profile_parse(json, len, &p, &err), 0);
        free(json);
        ck_assert_uint_eq(p->flags, PROFILE_FLAG_SPEC_ALLOW | PROFILE_FLAG_LOG);
        profile_free(p);

        /* a whole OCI config.json: its linux.seccomp */
        json = slurp(PROFILES_DIR "/oci-runtime-spec/good-spec-example-config.json", &len);
        ck_assert_int_eq(profile_parse(json, len, &p, &err), 0);
        free(json);
        ck_assert_str_eq(p->path_prefix, "linux.seccomp.");
        profile_free(p);
}
END_TEST

static struct profile *parse_ok(const char *json)
{
        struct profile *p = NULL;
        struct dbx_error err;
        char line[800];
        ck_assert_msg(profile_parse(json, strlen(json), &p, &err) == 0, "%s", dbx_error_line(&err, line, sizeof(line)));
        return p;
}

START_TEST(includes_excludes_like_moby)
{
        size_t len;
        char *json = slurp(PROFILES_DIR "/real/moby-fixture-conditional_include.json", &len);
        struct profile *p = NULL;
        struct dbx_error err;
        ck_assert_int_eq(profile_parse(json, len, &p, &err), 0);
        free(json);
        ck_assert(profile_syscall_applies(&p->syscalls[0], &host61));  /* chmod: unconditional */
        ck_assert(!profile_syscall_applies(&p->syscalls[1], &host61)); /* syslog needs CAP_SYSLOG: none held */
        ck_assert(profile_syscall_applies(&p->syscalls[2], &host61));  /* ptrace unless CAP_SYS_ADMIN: not held */
        profile_free(p);

        p = parse_ok("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":["
                     "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\"}},"
                     "{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"minKernel\":\"4.8\"}},"
                     "{\"names\":[\"c\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"amd64\",\"x32\"]}},"
                     "{\"names\":[\"d\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"arches\":[\"s390x\"]}},"
                     "{\"names\":[\"e\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"arches\":[\"amd64\"]}},"
                     "{\"names\":[\"f\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"\"}},"
                     "{\"names\":[\"g\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"0.5\"}}]}");
        static const struct filter_host k47 = { 4, 7 }, k48 = { 4, 8 }, k315 = { 3, 15 };
        ck_assert(!profile_syscall_applies(&p->syscalls[0], &k47));
        ck_assert(profile_syscall_applies(&p->syscalls[0], &k48));
        ck_assert(!profile_syscall_applies(&p->syscalls[0], &k315));
        ck_assert(profile_syscall_applies(&p->syscalls[1], &k47));
        ck_assert(!profile_syscall_applies(&p->syscalls[1], &host61));
        ck_assert(profile_syscall_applies(&p->syscalls[2], &host61));
        ck_assert(!profile_syscall_applies(&p->syscalls[3], &host61));
        ck_assert(!profile_syscall_applies(&p->syscalls[4], &host61));
        ck_assert(profile_syscall_applies(&p->syscalls[5], &k315));
        ck_assert(profile_syscall_applies(&p->syscalls[6], &k315));
        profile_free(p);
}
END_TEST

START_TEST(host_from_release)
{
        struct filter_host h;
        filter_host_from_release("6.1.0-18-amd64", &h);
        ck_assert_uint_eq(h.kernel_major, 6);
        ck_assert_uint_eq(h.kernel_minor, 1);
        filter_host_from_release("garbage", &h);
        ck_assert_uint_eq(h.kernel_major, 0);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("profile");
        TCase *tc = tcase_create("parse");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, real_profiles_load);
        tcase_add_test(tc, seed_profiles_load);
        tcase_add_test(tc, builtins_are_the_committed_files);
        tcase_add_test(tc, bad_profiles_rejected);
        tcase_add_test(tc, bad_profile_paths);
        tcase_add_test(tc, edge_profiles);
        tcase_add_test(tc, hostile_inputs);
        tcase_add_test(tc, hostile_sizes);
        tcase_add_test(tc, parsed_fields);
        tcase_add_test(tc, includes_excludes_like_moby);
        tcase_add_test(tc, host_from_release);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
