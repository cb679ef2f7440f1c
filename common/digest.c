/* SPDX-License-Identifier: MIT */
#include "digest.h"

#include <nettle/base16.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>

struct sha256_stream {
        struct sha256_ctx ctx;
};

/* nettle's base16 (lower case); an snprintf per byte cost a launch 224 calls */
static void hex(const uint8_t *d, char out[SHA256_HEX_SIZE])
{
        base16_encode_update(out, SHA256_DIGEST_SIZE, d);
        out[BASE16_ENCODE_LENGTH(SHA256_DIGEST_SIZE)] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE])
{
        struct sha256_ctx ctx;
        uint8_t d[SHA256_DIGEST_SIZE];
        sha256_init(&ctx);
        sha256_update(&ctx, len, data);
        sha256_digest(&ctx, sizeof(d), d);
        hex(d, out);
}

struct sha256_stream *sha256_stream_new(void)
{
        struct sha256_stream *s = malloc(sizeof(*s));
        if (s)
                sha256_init(&s->ctx);
        return s;
}

void sha256_stream_add(struct sha256_stream *s, const void *data, size_t len)
{
        sha256_update(&s->ctx, len, data);
}

void sha256_stream_finish(struct sha256_stream *s, char out[SHA256_HEX_SIZE])
{
        uint8_t d[SHA256_DIGEST_SIZE];
        sha256_digest(&s->ctx, sizeof(d), d);
        hex(d, out);
        free(s);
}
