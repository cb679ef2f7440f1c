/* SPDX-License-Identifier: MIT */
/* The compiled-filter cache: an entry round-trips (hit), an absent entry or another key is a
 * miss, a tampered or truncated entry is a miss (never trusted) and is replaced by the next
 * store, the key moves with each input, and the built-in profiles compiled at build time are
 * byte for byte what compiling them here gives. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "filter_cache.h"
#include "seccomp_cache.h"
#include "unit.h"

static const struct filter_host host = {6, 1};

static void compile_builtin(const char *name, const struct filter_host *h, struct filter_set *fs, char sha[SHA256_HEX_SIZE])
{
        size_t len;
        const char *json = profile_builtin(name, &len);
        struct profile *p = NULL;
        struct dbx_error err = {0};
        ck_assert_ptr_nonnull(json);
        ck_assert_msg(profile_parse(json, len, &p, &err) == 0, "%s", err.msg);
        ck_assert_msg(filter_set_compile(p, h, fs, &err) == 0, "%s", err.msg);
        profile_free(p);
        sha256_hex(json, len, sha);
}

static void assert_same(const struct filter_set *a, const struct filter_set *b)
{
        ck_assert_str_eq(a->bpf_sha256, b->bpf_sha256);
        ck_assert_str_eq(a->stage1_sha256, b->stage1_sha256);
        ck_assert_str_eq(a->stage2_sha256, b->stage2_sha256);
        ck_assert_uint_eq(a->stage1_exec_only.len, b->stage1_exec_only.len);
        ck_assert_int_eq(memcmp(a->stage1_exec_only.data, b->stage1_exec_only.data, a->stage1_exec_only.len), 0);
        ck_assert_uint_eq(a->stage1_guards.len, b->stage1_guards.len);
        ck_assert_int_eq(memcmp(a->stage1_guards.data, b->stage1_guards.data, a->stage1_guards.len), 0);
        ck_assert_int_eq(a->exec.verdict, b->exec.verdict);
        ck_assert_int_eq(a->exec.errno_ret, b->exec.errno_ret);
        ck_assert_int_eq(a->enosys_above, b->enosys_above);
        ck_assert_uint_eq(a->stage2_flags, b->stage2_flags);
        ck_assert_str_eq(a->warnings ? a->warnings : "", b->warnings ? b->warnings : "");
}

static int tmp_dir(char path[64])
{
        snprintf(path, 64, "/tmp/denybox-fcache.XXXXXX");
        ck_assert_ptr_nonnull(mkdtemp(path));
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(fd, 0);
        return fd;
}

static void entry_path(const char *dir, const char *key, char out[256])
{
        snprintf(out, 256, "%s/%s.bpf", dir, key);
}

static void rm_dir(const char *dir, const char *key)
{
        char p[256];
        entry_path(dir, key, p);
        unlink(p);
        rmdir(dir);
}

START_TEST(hit_and_miss)
{
        struct filter_set fs = {0}, got = {0};
        char sha[SHA256_HEX_SIZE], key[SHA256_HEX_SIZE], other[SHA256_HEX_SIZE], dir[64];
        compile_builtin("default-deny", &host, &fs, sha);
        filter_cache_key(sha, &host, "test", key);
        int dfd = tmp_dir(dir);
        ck_assert(!seccomp_cache_load(dfd, key, &got)); /* nothing there yet */
        struct dbx_error err = {0};
        ck_assert_msg(seccomp_cache_store(dfd, key, &fs, &err) == 0, "%s", err.msg);
        ck_assert(seccomp_cache_load(dfd, key, &got));
        assert_same(&fs, &got);
        filter_set_free(&got);
        /* another key does not read this entry, even renamed to its name */
        filter_cache_key(sha, &host, "another build", other);
        ck_assert(!seccomp_cache_load(dfd, other, &got));
        char from[256], to[256];
        entry_path(dir, key, from);
        entry_path(dir, other, to);
        ck_assert_int_eq(link(from, to), 0);
        ck_assert(!seccomp_cache_load(dfd, other, &got));
        unlink(to);
        close(dfd);
        rm_dir(dir, key);
        filter_set_free(&fs);
}
END_TEST

/* Every single flipped byte, and every truncation, is a miss; a store then repairs the entry. */
START_TEST(tamper_and_truncate)
{
        struct filter_set fs = {0}, got = {0};
        char sha[SHA256_HEX_SIZE], key[SHA256_HEX_SIZE], dir[64], path[256];
        compile_builtin("strict", &host, &fs, sha);
        filter_cache_key(sha, &host, "test", key);
        uint8_t *d;
        size_t len;
        ck_assert_int_eq(filter_set_encode(&fs, key, &d, &len, NULL), 0);
        for (size_t i = 0; i < len; i++) {
                d[i] ^= 0x01;
                ck_assert_msg(filter_set_decode(d, len, key, &got, NULL) == -EBADMSG, "byte %zu flipped was accepted", i);
                d[i] ^= 0x01;
        }
        for (size_t n = 0; n < len; n++)
                ck_assert_msg(filter_set_decode(d, n, key, &got, NULL) == -EBADMSG, "truncated to %zu was accepted", n);
        ck_assert_int_eq(filter_set_decode(d, len, key, &got, NULL), 0);
        filter_set_free(&got);

        int dfd = tmp_dir(dir);
        entry_path(dir, key, path);
        ck_assert_int_eq(seccomp_cache_store(dfd, key, &fs, NULL), 0);
        /* a byte of stage 2 changed on disk: not loaded */
        int fd = open(path, O_RDWR);
        ck_assert_int_ge(fd, 0);
        uint8_t b;
        off_t at = (off_t)len - 64 - 10;
        ck_assert_int_eq(pread(fd, &b, 1, at), 1);
        b ^= 0x80;
        ck_assert_int_eq(pwrite(fd, &b, 1, at), 1);
        ck_assert(!seccomp_cache_load(dfd, key, &got));
        /* truncated on disk: not loaded */
        ck_assert_int_eq(ftruncate(fd, (off_t)len / 2), 0);
        close(fd);
        ck_assert(!seccomp_cache_load(dfd, key, &got));
        /* writable by others: not loaded even though intact */
        ck_assert_int_eq(seccomp_cache_store(dfd, key, &fs, NULL), 0);
        ck_assert(seccomp_cache_load(dfd, key, &got));
        filter_set_free(&got);
        ck_assert_int_eq(chmod(path, 0666), 0);
        ck_assert(!seccomp_cache_load(dfd, key, &got));
        /* the next store replaces it whole */
        ck_assert_int_eq(seccomp_cache_store(dfd, key, &fs, NULL), 0);
        ck_assert(seccomp_cache_load(dfd, key, &got));
        assert_same(&fs, &got);
        filter_set_free(&got);
        close(dfd);
        rm_dir(dir, key);
        free(d);
        filter_set_free(&fs);
}
END_TEST

START_TEST(key_changes)
{
        char a[SHA256_HEX_SIZE], b[SHA256_HEX_SIZE], sha[SHA256_HEX_SIZE], sha2[SHA256_HEX_SIZE];
        const struct filter_host later = {6, 2};
        sha256_hex("a", 1, sha);
        sha256_hex("b", 1, sha2);
        filter_cache_key(sha, &host, "x", a);
        filter_cache_key(sha, &host, "x", b);
        ck_assert_str_eq(a, b);
        filter_cache_key(sha2, &host, "x", b);
        ck_assert_str_ne(a, b); /* the profile */
        filter_cache_key(sha, &later, "x", b);
        ck_assert_str_ne(a, b); /* the kernel release (minKernel) */
        filter_cache_key(sha, &host, "y", b);
        ck_assert_str_ne(a, b); /* the build */
        char on[SHA256_HEX_SIZE];
        filter_always_on_digest(on);
        ck_assert_uint_eq(strlen(on), 64); /* the always-on rules' table was described and hashed */
}
END_TEST

/* What was compiled at build time is what compiling here gives, for every built-in profile, under
 * the key this build computes (a launch trusts the generator's key instead of computing it). */
START_TEST(embedded_matches_compile)
{
        static const struct filter_host any = {0};
        size_t n = 0;
        for (size_t i = 0; profile_builtin_name(i); i++) {
                struct filter_set fs = {0}, got = {0};
                char sha[SHA256_HEX_SIZE], key[SHA256_HEX_SIZE];
                compile_builtin(profile_builtin_name(i), &host, &fs, sha);
                filter_cache_key(sha, &any, SECCOMP_EMBEDDED_BUILD, key);
                const struct seccomp_embedded *e = seccomp_embedded;
                while (e->profile_sha256 && strcmp(e->profile_sha256, sha) != 0)
                        e++;
                ck_assert_msg(e->profile_sha256 != NULL, "%s is not embedded", profile_builtin_name(i));
                ck_assert_str_eq(e->key, key);
                ck_assert_msg(seccomp_embedded_find(sha, &got), "%s is not embedded", profile_builtin_name(i));
                assert_same(&fs, &got);
                filter_set_free(&got);
                filter_set_free(&fs);
                n++;
        }
        ck_assert_uint_eq(n, 3);
        char sha[SHA256_HEX_SIZE];
        struct filter_set got = {0};
        sha256_hex("{}", 2, sha);
        ck_assert(!seccomp_embedded_find(sha, &got));
}
END_TEST

int main(void)
{
        Suite *s = suite_create("filter-cache");
        TCase *tc = tcase_create("filter-cache");
        tcase_add_test(tc, hit_and_miss);
        tcase_add_test(tc, tamper_and_truncate);
        tcase_add_test(tc, key_changes);
        tcase_add_test(tc, embedded_matches_compile);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
