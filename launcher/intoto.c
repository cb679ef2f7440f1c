/* SPDX-License-Identifier: MIT */
/* Which run and which code gave a verdict (run id, sha256 of the binary and of the probe), and
 * the bundle wrapped as an in-toto Statement v1 for the signing tools CI already has. */
#include "attest.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

int provenance_run_id(char out[RUN_ID_SIZE], struct dbx_error *err)
{
        unsigned char b[(RUN_ID_SIZE - 1) / 2];
        size_t got = 0;
        while (got < sizeof(b)) {
                ssize_t k = getrandom(b + got, sizeof(b) - got, 0);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return dbx_error_set(err, errno ? errno : EIO, "getrandom: %s", strerror(errno));
                got += (size_t)k;
        }
        for (size_t i = 0; i < sizeof(b); i++)
                snprintf(out + 2 * i, 3, "%02x", b[i]);
        return 0;
}

int provenance_fd_sha256(int fd, char out[SHA256_HEX_SIZE], struct dbx_error *err)
{
        struct sha256_stream *s = sha256_stream_new();
        char buf[65536];
        off_t off = 0;

        if (!s)
                return dbx_error_set(err, ENOMEM, "out of memory");
        for (;;) {
                ssize_t k = pread(fd, buf, sizeof(buf), off);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        int e = errno;
                        sha256_stream_finish(s, out);
                        out[0] = '\0';
                        return dbx_error_set(err, e, "cannot read: %s", strerror(e));
                }
                if (k == 0)
                        break;
                sha256_stream_add(s, buf, (size_t)k);
                off += k;
        }
        sha256_stream_finish(s, out);
        return 0;
}

int provenance_fill(struct attestation *a, int probe_fd, struct dbx_error *err)
{
        int r;
        if ((r = provenance_run_id(a->run_id, err)) < 0)
                return r;
        if ((r = provenance_fd_sha256(probe_fd, a->probe_sha256, err)) < 0)
                return dbx_error_wrap(err, "the embedded probe");
        /* A binary installed executable but not readable (mode 0711) has no digest here: the bundle
         * then says null rather than the attestation failing. */
        struct dbx_error ignored = {0};
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (fd < 0 || provenance_fd_sha256(fd, a->denybox_sha256, &ignored) < 0)
                a->denybox_sha256[0] = '\0';
        return 0;
}

static void s(yajl_gen g, const char *v)
{
        yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

static void subject(yajl_gen g, const char *name, const char *sha256)
{
        yajl_gen_map_open(g);
        s(g, "name");
        s(g, name);
        s(g, "digest");
        yajl_gen_map_open(g);
        s(g, "sha256");
        s(g, sha256);
        yajl_gen_map_close(g);
        yajl_gen_map_close(g);
}

int intoto_statement(const struct attestation *a, const char *bundle, size_t bundle_len, char **ret, size_t *ret_len,
                     struct dbx_error *err)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        char name[4200];
        if (!g)
                return dbx_error_set(err, ENOMEM, "out of memory");
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
        yajl_gen_map_open(g);
        s(g, "_type");
        s(g, INTOTO_STATEMENT_TYPE);
        s(g, "subject");
        yajl_gen_array_open(g);
        /* the embedded root is part of the binary: the binary's digest names it */
        if (strncmp(a->rootfs_digest, "sha256:", 7) == 0) {
                snprintf(name, sizeof(name), "rootfs:%s", a->c->rootfs ? a->c->rootfs : "");
                subject(g, name, a->rootfs_digest + 7);
        }
        snprintf(name, sizeof(name), "seccomp-profile:%s", a->profile_name);
        subject(g, name, a->profile_sha256);
        if (a->denybox_sha256[0])
                subject(g, "denybox", a->denybox_sha256);
        yajl_gen_array_close(g);
        s(g, "predicateType");
        s(g, INTOTO_PREDICATE_TYPE);
        yajl_gen_map_close(g);

        const unsigned char *head;
        size_t head_len;
        int r = 0;
        /* the head ends in '}': the predicate (the bundle, verbatim) goes in its place */
        if (yajl_gen_get_buf(g, &head, &head_len) != yajl_gen_status_ok || head_len < 2 || head[head_len - 1] != '}')
                r = dbx_error_set(err, EINVAL, "cannot generate the in-toto statement (invalid UTF-8 in a name?)");
        else if (!(*ret = malloc(head_len + bundle_len + 32)))
                r = dbx_error_set(err, ENOMEM, "out of memory");
        else {
                int k = snprintf(*ret, head_len + bundle_len + 32, "%.*s,\"predicate\":%.*s}\n", (int)(head_len - 1),
                                 (const char *)head, (int)bundle_len, bundle);
                *ret_len = (size_t)k;
        }
        yajl_gen_free(g);
        return r;
}
