/* SPDX-License-Identifier: MIT */
/* sha256 as lowercase hex (nettle). */
#pragma once
#include <stddef.h>

#define SHA256_HEX_SIZE 65

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_SIZE]);

/* Incremental form, for digests over many pieces (a rootfs manifest). */
struct sha256_stream;
struct sha256_stream *sha256_stream_new(void);
void sha256_stream_add(struct sha256_stream *s, const void *data, size_t len);
void sha256_stream_finish(struct sha256_stream *s, char out[SHA256_HEX_SIZE]); /* frees s */
