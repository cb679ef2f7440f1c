/* SPDX-License-Identifier: MIT */
/* --image REF: a user's container image (OCI layout, oci-archive, docker-archive) verified by
 * digest at every step, unpacked safely into a cache keyed by its digest, its config turned into
 * run options.  image.c: references, manifests, verification, the cache; image_unpack.c: layers;
 * image_config.c: the image's config -> struct sandbox_config. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "config.h"
#include "digest.h"
#include "error.h"

enum image_transport { IMAGE_OCI, IMAGE_OCI_ARCHIVE, IMAGE_DOCKER_ARCHIVE };

struct image_ref {
        enum image_transport transport;
        char *path;   /* the layout directory or the archive file */
        char *tag;    /* oci: ref.name; docker-archive: REPO:TAG; NULL: the only image */
};

/* oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REPO:TAG].  Pure. */
int image_ref_parse(const char *s, struct image_ref *ret, struct dbx_error *err);
void image_ref_free(struct image_ref *r);

/* Refusal thresholds while reading an image (defaults, or DENYBOX_IMAGE_MAX_BYTES /
 * DENYBOX_IMAGE_MAX_ENTRIES). */
struct image_budget {
        uint64_t max_bytes;     /* everything written: unpacked files plus an archive's blobs */
        uint64_t max_entries;   /* tar entries over all layers */
};
#define IMAGE_MAX_BYTES_DEFAULT (8ULL << 30)
#define IMAGE_MAX_ENTRIES_DEFAULT 1000000ULL
#define IMAGE_MAX_LAYERS 128
#define IMAGE_JSON_MAX (4u << 20)
int image_budget_from_env(struct image_budget *ret, struct dbx_error *err);

/* What an unpack did not recreate, for one line each on stderr. */
struct unpack_stats {
        uint64_t bytes, entries, whiteouts;
        uint64_t special;            /* device nodes, fifos, sockets: not created */
        char special_example[128];
        uint64_t setid;              /* setuid/setgid bits dropped */
};

/* The image's config, as docker run reads it. */
struct image_config {
        char **entrypoint; size_t n_entrypoint; bool has_entrypoint;
        char **cmd; size_t n_cmd;
        char **env; size_t n_env;
        char *workdir;
        char *user;
};

struct image {
        char manifest_digest[80];    /* "sha256:..." (docker-archive: the config digest, see README) */
        char config_digest[80];
        char *dir;                   /* the cache entry */
        char *rootfs;                /* dir/rootfs: the root, bound read-only */
        bool reused;                 /* the cache already held it: nothing unpacked */
        struct unpack_stats stats;
        struct image_config config;
        char **argv;                 /* the payload argv built by image_apply (owned) */
        char *notes[MAX_ENV];        /* one line each: what was dropped or not recreated */
        size_t n_notes;
};

/* The cache directory: --image-cache, else /var/cache/denybox for root, else
 * $XDG_CACHE_HOME/denybox or ~/.cache/denybox. */
int image_cache_dir(const char *override, char **ret, struct dbx_error *err);

/* mkdir -p path (the last component 0700); refused unless it is the caller's alone. */
int image_cache_ensure(const char *path, struct dbx_error *err);

/* Resolve the reference only (index, manifest, config verified by digest; the cache untouched):
 * its manifest and config digests, "sha256:...".  verify --image. */
int image_resolve_digests(const char *reference, char *ret_manifest, char *ret_config, size_t size, struct dbx_error *err);

/* Resolve the reference, verify every blob, unpack into the cache unless it holds the image. */
int image_open(const char *reference, const char *cache, struct image *ret, struct dbx_error *err);
void image_free(struct image *img);

/* The image config's "config" object (Entrypoint, Cmd, Env, WorkingDir, User). */
int image_config_parse(const char *json, struct image_config *ret, struct dbx_error *err);
void image_config_free(struct image_config *c);

/* Apply the image's config to c as docker run would: entrypoint/cmd, env, workdir, user. */
int image_apply(struct sandbox_config *c, struct image *img, struct dbx_error *err);

/* denybox image ls|rm|prune: one line per cached image on f. */
int image_cache_list(const char *cache, FILE *f, struct dbx_error *err);
int image_cache_remove(const char *cache, const char *which, char *ret_removed, size_t size, struct dbx_error *err);
int image_cache_prune(const char *cache, unsigned *ret_n, struct dbx_error *err);

/* ---- image_unpack.c ---- */
enum layer_compression { LAYER_TAR, LAYER_GZIP, LAYER_ZSTD, LAYER_ANY };

struct dirmode {
        char *path;
        unsigned mode;
        uid_t uid;
        gid_t gid;
};

struct unpack {
        int root;                    /* O_PATH fd of the root being built */
        struct image_budget budget;
        bool owners;                 /* recreate the entries' uid/gid (root unpacks: the cache is root's alone) */
        struct unpack_stats stats;
        struct dirmode *dirs;        /* directory modes and owners, applied at the end */
        size_t n_dirs, cap_dirs;
};

/* sha256 of fd's bytes from offset 0 (raw) or of its decompressed stream (decompress). */
int layer_hash(int fd, bool decompress, char out[SHA256_HEX_SIZE], struct dbx_error *err);

/* Apply one layer (fd at any offset; read from 0): first its whiteouts (they hide only what lower
 * layers made), then its entries.  want_sha256 (hex) is the blob's digest: the bytes read are
 * hashed again and a change is refused.  what names the layer in messages. */
int layer_apply(struct unpack *u, int fd, enum layer_compression comp, const char *want_sha256, const char *what,
                struct dbx_error *err);

/* Final directory modes, the mount points denybox needs, extra dirs (WorkingDir). */
int unpack_finish(struct unpack *u, const char *const *mkdirs, struct dbx_error *err);
void unpack_free(struct unpack *u);

/* "./a//b/" -> "a/b", "/a" -> "a" (inside the root); -EXDEV for a ".." component. */
int image_path_norm(const char *in, char *out, size_t size);

/* Remove name under dirfd recursively, never following a symlink. */
int remove_tree_at(int dirfd, const char *name, unsigned depth);
