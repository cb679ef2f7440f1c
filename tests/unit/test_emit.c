/* SPDX-License-Identifier: MIT */
/* denybox learn's pure parts: the learned-profile model and its JSON (seccomp/emit.c), and the
 * recording filter (launcher/learn.c) run in the BPF simulator, without loading anything. */
#include <check.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "bpf_sim.h"
#include "emit.h"
#include "filter.h"
#include "learn.h"
#include "profile.h"
#include "unit.h"

static void sample(struct learned_profile *lp)
{
        *lp = (struct learned_profile){ .date = 0, .runs = 1 };
        ck_assert_int_eq(learned_add(lp, "write", 3, false, 0, LEARNED_CMP_EQ, 0), 0);
        ck_assert_int_eq(learned_add(lp, "read", 2, false, 0, LEARNED_CMP_EQ, 0), 0);
        ck_assert_int_eq(learned_add(lp, "socket", 1, true, 0, LEARNED_CMP_LOW32, 1), 0);
        ck_assert_int_eq(learned_add(lp, "clone", 1, true, 0, LEARNED_CMP_EQ, 0x1200011), 0);
        lp->version = strdup("test");
        lp->base_profile = strdup("builtin:strict");
        lp->base_sha256 = strdup("00");
        lp->command = calloc(1, sizeof(char *));
        lp->command[0] = strdup("/bin/x a \"b\"");
        lp->n_command = 1;
}

START_TEST(emit_is_sorted_and_loadable)
{
        struct learned_profile lp;
        struct dbx_error err = { 0 };
        char *json = NULL;
        size_t len = 0;
        sample(&lp);
        ck_assert_int_eq(learned_emit(&lp, &json, &len, &err), 0);
        ck_assert_uint_eq(strlen(json), len);
        ck_assert_ptr_nonnull(strstr(json, "\"defaultAction\": \"SCMP_ACT_ERRNO\""));
        ck_assert_ptr_nonnull(strstr(json, "\"defaultErrnoRet\": 1"));
        ck_assert_ptr_nonnull(strstr(json, "\"date\": \"1970-01-01T00:00:00Z\""));
        /* names sorted: read before write; the argument rules after the plain entry */
        char *r = strstr(json, "\"read\""), *w = strstr(json, "\"write\""), *s = strstr(json, "\"socket\"");
        ck_assert_ptr_nonnull(r);
        ck_assert(r < w && w < s);
        ck_assert_ptr_nonnull(strstr(json, "\"valueTwo\": 1"));
        ck_assert_ptr_nonnull(strstr(json, "\"value\": 4294967295"));
        ck_assert_ptr_nonnull(strstr(json, "\"value\": 18874385"));

        /* denybox's own strict parser takes it (the metadata key is skipped) and compiles it */
        struct profile *p = NULL;
        ck_assert_msg(profile_parse(json, len, &p, &err) == 0, "%s: %s", err.path, err.msg);
        struct filter_set fs = { 0 };
        struct filter_host host = { 6, 1 };
        ck_assert_msg(filter_set_compile(p, &host, &fs, &err) == 0, "%s", err.msg);
        ck_assert_int_eq(fs.exec.verdict, EXEC_VERDICT_ERRNO);
        ck_assert_int_eq(fs.exec.errno_ret, EPERM);
        /* socket: AF_UNIX allowed, AF_INET EPERM (also with garbage in the upper 32 bits) */
        struct seccomp_data d = { .nr = __NR_socket, .arch = AUDIT_ARCH_X86_64, .args = { 1 } };
        ck_assert_uint_eq(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d), SECCOMP_RET_ALLOW);
        d.args[0] = 0xffffffff00000001ULL;
        ck_assert_uint_eq(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d), SECCOMP_RET_ALLOW);
        d.args[0] = 2;
        ck_assert_uint_eq(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d), SECCOMP_RET_ERRNO | EPERM);
        d = (struct seccomp_data){ .nr = __NR_getpid, .arch = AUDIT_ARCH_X86_64 };
        ck_assert_uint_eq(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d), SECCOMP_RET_ERRNO | EPERM);
        d.nr = __NR_read;
        ck_assert_uint_eq(bpf_sim_run_bytes(fs.stage2.data, fs.stage2.len, &d), SECCOMP_RET_ALLOW);
        filter_set_free(&fs);
        profile_free(p);

        /* read back exactly (--merge), and re-emitted byte for byte */
        struct learned_profile back;
        ck_assert_msg(learned_parse(json, len, &back, &err) == 0, "%s: %s", err.path, err.msg);
        char *again = NULL;
        size_t again_len = 0;
        ck_assert_int_eq(learned_emit(&back, &again, &again_len, &err), 0);
        ck_assert_uint_eq(again_len, len);
        ck_assert_int_eq(memcmp(again, json, len), 0);
        free(again);
        learned_free(&back);
        free(json);
        learned_free(&lp);
}
END_TEST

START_TEST(parse_refuses_edits_and_others)
{
        struct learned_profile lp, back;
        struct dbx_error err = { 0 };
        char *json = NULL;
        size_t len = 0;
        sample(&lp);
        ck_assert_int_eq(learned_emit(&lp, &json, &len, &err), 0);
        char *w = strstr(json, "\"write\"");
        memcpy(w, "\"wrote\"", 7); /* a hand edit of the rules */
        ck_assert_int_eq(learned_parse(json, len, &back, &err), -EINVAL);
        ck_assert_ptr_nonnull(strstr(err.msg, "edited"));
        const char other[] = "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}";
        ck_assert_int_eq(learned_parse(other, sizeof(other) - 1, &back, &err), -EINVAL);
        ck_assert_str_eq(err.path, LEARNED_KEY);
        free(json);
        learned_free(&lp);
}
END_TEST

START_TEST(merge_unites)
{
        struct learned_profile a, b = { .date = -1, .runs = 1 };
        sample(&a);
        ck_assert_int_eq(learned_add(&b, "socket", 4, true, 0, LEARNED_CMP_LOW32, 16), 0);
        ck_assert_int_eq(learned_add(&b, "clone", 1, false, 0, LEARNED_CMP_EQ, 0), 0);
        ck_assert_int_eq(learned_add(&b, "openat", 7, false, 0, LEARNED_CMP_EQ, 0), 0);
        b.exec_attempts = 2;
        b.exec_allowed = true;
        ck_assert_int_eq(learned_merge(&a, &b), 0);
        const struct learned_syscall *s = learned_find(&a, "socket");
        ck_assert(s && s->by_args && s->n_values == 2 && s->values[0] == 1 && s->values[1] == 16 && s->count == 5);
        s = learned_find(&a, "clone"); /* seen without a condition in one run: allowed by name */
        ck_assert(s && !s->by_args && s->n_values == 0);
        ck_assert_ptr_nonnull(learned_find(&a, "openat"));
        ck_assert(a.exec_allowed && a.exec_attempts == 2 && a.runs == 2);
        /* too many distinct values: allowed by name */
        for (uint64_t v = 0; v <= LEARNED_MAX_VALUES; v++)
                ck_assert_int_eq(learned_add(&a, "ioctl", 1, true, 1, LEARNED_CMP_LOW32, v), 0);
        ck_assert(!learned_find(&a, "ioctl")->by_args);
        learned_free(&a);
        learned_free(&b);
}
END_TEST

START_TEST(recording_filter)
{
        struct sock_filter prog[LEARN_FILTER_LEN];
        learn_filter_build(7, prog);
        ck_assert_ptr_null(bpf_sim_check(prog, LEARN_FILTER_LEN));
        struct seccomp_data d = { .nr = __NR_getpid, .arch = AUDIT_ARCH_X86_64 };
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_USER_NOTIF);
        /* the hand-off exactly: allowed */
        d = (struct seccomp_data){ .nr = __NR_sendmsg, .arch = AUDIT_ARCH_X86_64, .args = { 7, 0, LEARN_HANDOFF_FLAGS } };
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_ALLOW);
        /* any other sendmsg: recorded */
        d.args[0] = 8;
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_USER_NOTIF);
        d.args[0] = 7 | (1ULL << 32);
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_USER_NOTIF);
        d.args[0] = 7;
        d.args[2] = 0x4000; /* MSG_NOSIGNAL alone */
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_USER_NOTIF);
        d.args[2] = LEARN_HANDOFF_FLAGS | (1ULL << 32);
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_USER_NOTIF);
        /* non-native ABIs: ENOSYS here (stage 2 kills them) */
        d = (struct seccomp_data){ .nr = 11, .arch = AUDIT_ARCH_I386 };
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_ERRNO | ENOSYS);
        d = (struct seccomp_data){ .nr = 0x40000000 | __NR_getpid, .arch = AUDIT_ARCH_X86_64 };
        ck_assert_uint_eq(bpf_sim_run(prog, LEARN_FILTER_LEN, &d), SECCOMP_RET_ERRNO | ENOSYS);
}
END_TEST

START_TEST(recording_args)
{
        struct learn_record *rec = malloc(sizeof(*rec));
        learn_record_init(rec, true);
        struct seccomp_data d = { .nr = __NR_socket, .arch = AUDIT_ARCH_X86_64, .args = { 0xffffffff00000001ULL } };
        learn_record_syscall(rec, &d);
        d.args[0] = 1;
        learn_record_syscall(rec, &d);
        d.arch = AUDIT_ARCH_I386; /* never counted */
        learn_record_syscall(rec, &d);
        ck_assert_uint_eq(rec->counts[__NR_socket], 2);
        ck_assert_uint_eq(rec->tracked[0].n_values, 1); /* the low 32 bits: the kernel reads an int */
        ck_assert_uint_eq(rec->tracked[0].values[0], 1);
        free(rec);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("emit");
        TCase *tc = tcase_create("learn");
        tcase_add_test(tc, emit_is_sorted_and_loadable);
        tcase_add_test(tc, parse_refuses_edits_and_others);
        tcase_add_test(tc, merge_unites);
        tcase_add_test(tc, recording_filter);
        tcase_add_test(tc, recording_args);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
