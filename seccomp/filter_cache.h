/* SPDX-License-Identifier: MIT */
/* A compiled filter set as bytes, for the compiled-filter cache (launcher/seccomp_cache.c keeps
 * the files; this layer only turns a filter_set into bytes and back, no I/O).
 *
 * An entry is keyed by everything its BPF depends on (filter_cache_key): the profile's sha256,
 * the always-on rules (a digest of their table), libseccomp's version, the architecture, the
 * kernel release's major.minor (minKernel includes/excludes) and the denybox build.  The entry
 * carries its own key and ends with the sha256 of every byte before it: a truncated, corrupted or
 * foreign entry does not decode (filter_set_decode), and the caller compiles instead. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/* The build id of the entries compiled into the binary at build time (gen_embedded.c). */
#define SECCOMP_EMBEDDED_BUILD "embedded"

/* The key of the entry for a profile's text (its sha256 hex) on this host and build. */
void filter_cache_key(const char profile_sha256[SHA256_HEX_SIZE], const struct filter_host *host, const char *build_id,
                      char ret[SHA256_HEX_SIZE]);

/* fs -> a malloc'd entry (*ret, *ret_len) for key. */
int filter_set_encode(const struct filter_set *fs, const char key[SHA256_HEX_SIZE], uint8_t **ret, size_t *ret_len,
                      struct dbx_error *err);

/* An entry -> *ret (filter_set_free() it); the stage digests are computed again from the bytes.
 * -EBADMSG when the entry is not a whole, intact entry for key (wrong magic or key, a length that
 * does not add up, a program that is no whole number of instructions or too long, a hash that
 * does not match); *ret is untouched on failure. */
int filter_set_decode(const uint8_t *data, size_t len, const char key[SHA256_HEX_SIZE], struct filter_set *ret,
                      struct dbx_error *err);
