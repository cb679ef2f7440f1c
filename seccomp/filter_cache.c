/* SPDX-License-Identifier: MIT */
/* filter_set <-> the bytes of a compiled-filter cache entry (filter_cache.h).  No I/O.
 *
 * Layout (native byte order: the architecture is part of the key):
 *   "DBXFC1\n\0"  key (64 hex)  u32 verdict, errno_ret, enosys_above, stage2_flags,
 *   len(stage1), len(stage1_exec_only), len(stage1_guards), len(stage2), len(warnings), 0
 *   the five byte strings in that order   sha256 hex (64) of everything before it */
#include "filter_cache.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "DBXFC1\n"          /* 8 bytes with its NUL */
#define KEY_LEN (SHA256_HEX_SIZE - 1)
#define N_FIELDS 10
#define N_BLOBS 5
#define HEAD_LEN (sizeof(MAGIC) + KEY_LEN + N_FIELDS * sizeof(uint32_t))
#define PROG_MAX (BPF_MAXINSNS * sizeof(struct sock_filter))
#define WARNINGS_MAX (64u * 1024)

void filter_cache_key(const char profile_sha256[SHA256_HEX_SIZE], const struct filter_host *host, const char *build_id,
                      char ret[SHA256_HEX_SIZE])
{
        char always_on[SHA256_HEX_SIZE], line[512];
        const struct scmp_version *v = seccomp_version();
        filter_always_on_digest(always_on);
        snprintf(line, sizeof(line), "denybox compiled filter v1\nprofile %s\nalways-on %s\nlibseccomp %u.%u.%u\n"
                 "arch %#x\nkernel %u.%u\nbuild %s\n", profile_sha256, always_on, v ? v->major : 0, v ? v->minor : 0,
                 v ? v->micro : 0, (unsigned)AUDIT_ARCH_X86_64, host->kernel_major, host->kernel_minor,
                 build_id ? build_id : "");
        sha256_hex(line, strlen(line), ret);
}

static const struct bpf_blob *blobs_of(const struct filter_set *fs, size_t i)
{
        const struct bpf_blob *b[] = { &fs->stage1, &fs->stage1_exec_only, &fs->stage1_guards, &fs->stage2 };
        return i < ELEMENTSOF(b) ? b[i] : NULL;
}

int filter_set_encode(const struct filter_set *fs, const char key[SHA256_HEX_SIZE], uint8_t **ret, size_t *ret_len,
                      struct dbx_error *err)
{
        size_t wlen = fs->warnings ? strlen(fs->warnings) : 0;
        uint32_t f[N_FIELDS] = { (uint32_t)fs->exec.verdict, (uint32_t)fs->exec.errno_ret, (uint32_t)fs->enosys_above,
                                 fs->stage2_flags };
        size_t len = HEAD_LEN + wlen + KEY_LEN;
        for (size_t i = 0; i < N_BLOBS - 1; i++) {
                f[4 + i] = (uint32_t)blobs_of(fs, i)->len;
                len += blobs_of(fs, i)->len;
        }
        f[8] = (uint32_t)wlen;
        uint8_t *d = malloc(len), *p = d;
        if (!d)
                return dbx_error_set(err, ENOMEM, "out of memory");
        memcpy(p, MAGIC, sizeof(MAGIC));
        p += sizeof(MAGIC);
        memcpy(p, key, KEY_LEN);
        p += KEY_LEN;
        memcpy(p, f, sizeof(f));
        p += sizeof(f);
        for (size_t i = 0; i < N_BLOBS - 1; i++) {
                if (blobs_of(fs, i)->len)
                        memcpy(p, blobs_of(fs, i)->data, blobs_of(fs, i)->len);
                p += blobs_of(fs, i)->len;
        }
        if (wlen)
                memcpy(p, fs->warnings, wlen);
        p += wlen;
        char sum[SHA256_HEX_SIZE];
        sha256_hex(d, (size_t)(p - d), sum);
        memcpy(p, sum, KEY_LEN);
        *ret = d;
        *ret_len = len;
        return 0;
}

static uint8_t *dup_bytes(const uint8_t *p, size_t n, bool nul)
{
        uint8_t *d = malloc(n + (nul ? 1 : 0) + (n == 0));
        if (d) {
                memcpy(d, p, n);
                if (nul)
                        d[n] = 0;
        }
        return d;
}

int filter_set_decode(const uint8_t *data, size_t len, const char key[SHA256_HEX_SIZE], struct filter_set *ret,
                      struct dbx_error *err)
{
        uint32_t f[N_FIELDS];
        char sum[SHA256_HEX_SIZE];
        if (len < HEAD_LEN + KEY_LEN || memcmp(data, MAGIC, sizeof(MAGIC)) != 0 ||
            memcmp(data + sizeof(MAGIC), key, KEY_LEN) != 0)
                return dbx_error_set(err, EBADMSG, "not an entry for this key");
        memcpy(f, data + sizeof(MAGIC) + KEY_LEN, sizeof(f));
        size_t want = HEAD_LEN + KEY_LEN;
        for (size_t i = 0; i < N_BLOBS; i++) {
                size_t n = f[4 + i];
                bool prog = i < N_BLOBS - 1;
                if ((prog && (n == 0 || n % sizeof(struct sock_filter) || n > PROG_MAX)) || (!prog && n > WARNINGS_MAX))
                        return dbx_error_set(err, EBADMSG, "a length that is no program");
                want += n;
        }
        if (want != len)
                return dbx_error_set(err, EBADMSG, "truncated or overlong (%zu bytes, %zu expected)", len, want);
        sha256_hex(data, len - KEY_LEN, sum);
        if (memcmp(sum, data + len - KEY_LEN, KEY_LEN) != 0)
                return dbx_error_set(err, EBADMSG, "its sha256 does not match its bytes");
        if (f[0] > EXEC_VERDICT_KILL)
                return dbx_error_set(err, EBADMSG, "an unknown exec verdict");

        struct filter_set fs = { .exec = { .verdict = (enum exec_verdict)f[0], .errno_ret = (int)f[1] },
                                 .enosys_above = (int)f[2], .stage2_flags = f[3] };
        const uint8_t *p = data + HEAD_LEN;
        struct bpf_blob *b[] = { &fs.stage1, &fs.stage1_exec_only, &fs.stage1_guards, &fs.stage2 };
        bool ok = true;
        for (size_t i = 0; i < ELEMENTSOF(b); i++) {
                ok = ok && (b[i]->data = dup_bytes(p, f[4 + i], false));
                b[i]->len = f[4 + i];
                p += f[4 + i];
        }
        if (ok && f[8])
                ok = (fs.warnings = (char *)dup_bytes(p, f[8], true)) != NULL;
        if (!ok || filter_set_digest(&fs) < 0) {
                filter_set_free(&fs);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        *ret = fs;
        return 0;
}
