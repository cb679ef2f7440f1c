/* SPDX-License-Identifier: MIT */
/* The compiled-filter cache on disk: DIR/<key>.bpf, one file per (profile, host, build) key
 * (seccomp/filter_cache.h says what the key covers and what an entry holds).  DIR is
 * --seccomp-cache, else the image cache's directory + /seccomp (/var/cache/denybox/seccomp for
 * root, $XDG_CACHE_HOME/denybox/seccomp or ~/.cache/denybox/seccomp otherwise).  It must be the
 * caller's alone (as the image cache); an entry is read only if it is a regular file of the
 * caller's, not writable by others, and decodes whole with a matching sha256 -- anything else is
 * a miss, compiled again and replaced (temporary file, fsync, rename). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "filter_cache.h"

/* Opens (creating it 0700 if needed) the cache directory: override ("off": none), else the
 * default.  Returns an O_DIRECTORY fd, or a negative errno with err filled (the caller compiles
 * without the cache). */
int seccomp_cache_open(const char *override, struct dbx_error *err);

/* true and *ret filled when dfd holds an intact entry for key; false otherwise (*ret untouched). */
bool seccomp_cache_load(int dfd, const char key[SHA256_HEX_SIZE], struct filter_set *ret);

/* Writes fs as key's entry, atomically. */
int seccomp_cache_store(int dfd, const char key[SHA256_HEX_SIZE], const struct filter_set *fs, struct dbx_error *err);

/* The built-in profiles, compiled at build time (seccomp/gen_embedded.c): entries keyed with
 * kernel 0.0 and SECCOMP_EMBEDDED_BUILD, listed by the profile's sha256, with the key the
 * generator computed (the same build's filter_cache_key: the unit tests check that they agree,
 * so a launch does not describe and hash the always-on rules again); NULL-terminated. */
struct seccomp_embedded {
        const char *profile_sha256;
        const char *key;
        const uint8_t *entry;
        size_t len;
};
extern const struct seccomp_embedded seccomp_embedded[];

/* true and *ret filled when the profile with this sha256 was compiled into the binary and its
 * entry decodes (its own key, its programs' sha256 verified). */
bool seccomp_embedded_find(const char profile_sha256[SHA256_HEX_SIZE], struct filter_set *ret);
