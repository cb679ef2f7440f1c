/* SPDX-License-Identifier: MIT */
/* --image REF: references, manifests, digest verification and the cache.
 *
 * Trust runs one way: the reference names an index (oci) or manifest.json (docker-archive); each
 * descriptor's sha256 is checked before its blob is used (index -> manifest -> config -> layers;
 * docker-archive: manifest.json -> config -> each layer against the config's diff_ids).  The
 * unpacked root goes into a private temporary directory of the cache and is renamed into place
 * only when complete: an entry in CACHE/images is complete by construction, and a killed unpack
 * leaves only CACHE/tmp, which nothing trusts (and `denybox image prune` removes: image_cache.c). */
#include "image.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "fdio.h"
#include "json.h"
#include "preflight.h"

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"

static const struct {
        const char *type;
        enum layer_compression comp;
} layer_types[] = {
        {"application/vnd.oci.image.layer.v1.tar", LAYER_TAR},
        {"application/vnd.oci.image.layer.v1.tar+gzip", LAYER_GZIP},
        {"application/vnd.oci.image.layer.v1.tar+zstd", LAYER_ZSTD},
        {"application/vnd.docker.image.rootfs.diff.tar", LAYER_TAR},
        {"application/vnd.docker.image.rootfs.diff.tar.gzip", LAYER_GZIP},
        {"application/vnd.docker.image.rootfs.diff.tar.zstd", LAYER_ZSTD},
};

static const char *const transport_names[] = {"oci", "oci-archive", "docker-archive"};

int image_ref_parse(const char *s, struct image_ref *ret, struct dbx_error *err)
{
        *ret = (struct image_ref){0};
        const char *colon = strchr(s, ':');
        size_t t;
        for (t = 0; colon && t < ELEMENTSOF(transport_names); t++)
                if (strlen(transport_names[t]) == (size_t)(colon - s) && strncmp(s, transport_names[t], (size_t)(colon - s)) == 0)
                        break;
        if (!colon || t == ELEMENTSOF(transport_names))
                return dbx_error_set(err, EINVAL, "--image '%s': expected oci:DIR[:TAG], oci-archive:FILE[:TAG] or "
                                     "docker-archive:FILE[:REPO:TAG] (a registry is never contacted: copy the image "
                                     "first, e.g. skopeo copy docker://REF oci-archive:FILE)", s);
        const char *path = colon + 1, *tag = strchr(path, ':');
        size_t plen = tag ? (size_t)(tag - path) : strlen(path);
        if (plen == 0 || (tag && !tag[1]))
                return dbx_error_set(err, EINVAL, "--image '%s': empty path or tag", s);
        ret->transport = (enum image_transport)t;
        ret->path = strndup(path, plen);
        ret->tag = tag ? strdup(tag + 1) : NULL;
        if (!ret->path || (tag && !ret->tag)) {
                image_ref_free(ret);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

void image_ref_free(struct image_ref *r)
{
        free(r->path);
        free(r->tag);
        *r = (struct image_ref){0};
}

int image_budget_from_env(struct image_budget *ret, struct dbx_error *err)
{
        *ret = (struct image_budget){IMAGE_MAX_BYTES_DEFAULT, IMAGE_MAX_ENTRIES_DEFAULT};
        const char *b = getenv("DENYBOX_IMAGE_MAX_BYTES"), *e = getenv("DENYBOX_IMAGE_MAX_ENTRIES");
        uint64_t v;
        if (b && *b) {
                if (parse_size(b, &v) < 0 || v == 0)
                        return dbx_error_set(err, EINVAL, "DENYBOX_IMAGE_MAX_BYTES '%s': expected a size such as 2g", b);
                ret->max_bytes = v;
        }
        if (e && *e) {
                char *end;
                errno = 0;
                v = strtoull(e, &end, 10);
                if (errno || *end || v == 0 || !isdigit((unsigned char)*e))
                        return dbx_error_set(err, EINVAL, "DENYBOX_IMAGE_MAX_ENTRIES '%s': expected a positive integer", e);
                ret->max_entries = v;
        }
        return 0;
}

/* ---- blob sources: a layout directory, or the members of an archive ---- */

struct source {
        int dirfd;              /* >= 0: a layout directory */
        const char *archive;    /* else: a tar (oci-archive, docker-archive), members read by scanning */
        const char *what;       /* the reference, for messages */
};

static int open_beneath(int dirfd, const char *name)
{
        struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
        int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
        return fd < 0 ? -errno : fd;
}

static int read_fd_all(int fd, size_t max, char **ret, size_t *ret_len)
{
        struct stat st;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        if ((uint64_t)st.st_size > max)
                return -EFBIG;
        char *buf = malloc((size_t)st.st_size + 1);
        if (!buf)
                return -ENOMEM;
        size_t n = 0;
        for (;;) {
                ssize_t k = read(fd, buf + n, (size_t)st.st_size + 1 - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        free(buf);
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n > (size_t)st.st_size) {
                        free(buf);
                        return -EFBIG;
                }
        }
        buf[n] = '\0';
        *ret = buf;
        *ret_len = n;
        return 0;
}

/* A reader of an image archive (oci-archive, docker-archive: tar, maybe gzip or zstd) from fd's
 * start, or NULL. */
static struct archive *outer_open(int fd)
{
        struct archive *a = fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 ? archive_read_new() : NULL;
        if (!a)
                return NULL;
        archive_read_support_filter_gzip(a);
        archive_read_support_filter_zstd(a);
        archive_read_support_format_tar(a);
        if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
                archive_read_free(a);
                return NULL;
        }
        return a;
}

static int archive_member(const char *file, const char *name, size_t max, char **ret, size_t *ret_len,
                          struct dbx_error *err)
{
        int r = -ENOENT;
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return dbx_error_set(err, errno, "--image %s: %s", file, strerror(errno));
        struct archive *a = outer_open(fd);
        if (!a)
                return dbx_error_set(err, EINVAL, "--image %s: not a readable tar archive", file);
        struct archive_entry *e;
        int k;
        while ((k = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
                char norm[PATH_MAX];
                const char *p = archive_entry_pathname(e);
                if (!p || image_path_norm(p, norm, sizeof(norm)) < 0 || strcmp(norm, name) != 0 ||
                    archive_entry_filetype(e) != AE_IFREG)
                        continue;
                int64_t size = archive_entry_size(e);
                if (size < 0 || (uint64_t)size > max) {
                        r = dbx_error_set(err, EFBIG, "--image %s: %s is larger than %zu bytes", file, name, max);
                        break;
                }
                char *buf = malloc((size_t)size + 1);
                la_ssize_t got = buf ? archive_read_data(a, buf, (size_t)size) : -1;
                if (got != size) {
                        free(buf);
                        r = dbx_error_set(err, EINVAL, "--image %s: %s is truncated", file, name);
                        break;
                }
                buf[size] = '\0';
                *ret = buf;
                *ret_len = (size_t)size;
                r = 0;
                break;
        }
        if (r == -ENOENT && k != ARCHIVE_EOF)
                r = dbx_error_set(err, EINVAL, "--image %s: not a readable tar archive: %s", file, archive_error_string(a));
        archive_read_free(a);
        return r;
}

/* Read a named file of the source; -ENOENT quietly when it is not there. */
static int source_read(const struct source *s, const char *name, size_t max, char **ret, size_t *ret_len,
                       struct dbx_error *err)
{
        if (s->dirfd < 0) {
                struct dbx_error e2 = {0};
                int r = archive_member(s->archive, name, max, ret, ret_len, &e2);
                if (r < 0 && r != -ENOENT && err)
                        *err = e2;
                return r;
        }
        _cleanup_close_ int fd = open_beneath(s->dirfd, name);
        if (fd < 0)
                return fd == -ENOENT ? fd : dbx_error_set(err, -fd, "--image %s: %s: %s", s->what, name, strerror(-fd));
        int r = read_fd_all(fd, max, ret, ret_len);
        if (r < 0)
                return dbx_error_set(err, -r, "--image %s: %s: %s", s->what, name,
                                     r == -EFBIG ? "too large" : r == -EINVAL ? "not a regular file" : strerror(-r));
        return 0;
}

/* "sha256:<64 hex>" -> the hex; anything else is refused. */
static int digest_hex(const char *digest, const char *what, const char **ret, struct dbx_error *err)
{
        if (!digest || strncmp(digest, "sha256:", 7) != 0 || strlen(digest) != 7 + 64 ||
            strspn(digest + 7, "0123456789abcdef") != 64)
                return dbx_error_set(err, EINVAL, "%s: unsupported or malformed digest '%.80s' (only sha256)", what,
                                     digest ? digest : "(none)");
        *ret = digest + 7;
        return 0;
}

/* A descriptor's blob, read and checked against its digest and size. */
static int read_blob(const struct source *s, const char *digest, int64_t size, size_t max, char **ret, size_t *ret_len,
                     struct dbx_error *err)
{
        const char *hex;
        char name[128], got[SHA256_HEX_SIZE];
        int r;
        if ((r = digest_hex(digest, s->what, &hex, err)) < 0)
                return r;
        snprintf(name, sizeof(name), "blobs/sha256/%s", hex);
        if ((r = source_read(s, name, max, ret, ret_len, err)) == -ENOENT)
                return dbx_error_set(err, ENOENT, "--image %s: blob %s is missing: image refused", s->what, digest);
        if (r < 0)
                return r;
        sha256_hex(*ret, *ret_len, got);
        if (strcmp(got, hex) != 0 || (size >= 0 && (uint64_t)size != *ret_len)) {
                free(*ret);
                *ret = NULL;
                return dbx_error_set(err, EBADMSG, "--image %s: digest mismatch: blob %s has sha256:%s (%zu bytes): image refused",
                                     s->what, digest, got, *ret_len);
        }
        return 0;
}

static yajl_val parse_json(const char *text, const char *what, struct dbx_error *err)
{
        char msg[256] = "";
        yajl_val v = yajl_tree_parse(text, msg, sizeof(msg));
        if (!v || !YAJL_IS_OBJECT(v)) {
                if (v)
                        yajl_tree_free(v);
                dbx_error_set(err, EINVAL, "%s: not a JSON object%s%.200s", what, *msg ? ": " : "", msg);
                return NULL;
        }
        return v;
}

static const char *jstr(yajl_val o, const char *key)
{
        yajl_val v = o && YAJL_IS_OBJECT(o) ? json_member(o, key) : NULL;
        return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static int64_t jint(yajl_val o, const char *key)
{
        yajl_val v = o && YAJL_IS_OBJECT(o) ? json_member(o, key) : NULL;
        return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : -1;
}

/* ---- what an image is, before anything is unpacked ---- */

struct layer_desc {
        char name[PATH_MAX];       /* the file of the blob inside the layout */
        char sha256[SHA256_HEX_SIZE]; /* oci: the blob's digest; docker-archive: the config's diff_id */
        enum layer_compression comp;
        int64_t size;
};

struct resolved {
        char manifest_digest[80], config_digest[80];
        char *config;
        size_t config_len;
        struct layer_desc *layers;
        size_t n_layers;
};

static void resolved_free(struct resolved *r)
{
        free(r->config);
        free(r->layers);
        *r = (struct resolved){0};
}

static int check_platform(yajl_val cfg, const char *what, struct dbx_error *err)
{
        const char *os = jstr(cfg, "os"), *arch = jstr(cfg, "architecture");
        if (!os || !arch || strcmp(os, "linux") != 0 || strcmp(arch, "amd64") != 0)
                return dbx_error_set(err, ENOEXEC, "%s: the image is for %s/%s: only linux/amd64 runs here", what,
                                     os ? os : "?", arch ? arch : "?");
        return 0;
}

/* Pick the descriptor of index.json's manifests[] (by tag, else the only one). */
static int pick_manifest(yajl_val idx, const struct image_ref *ref, const char *what, yajl_val *ret, struct dbx_error *err)
{
        yajl_val m = json_member(idx, "manifests");
        if (!m || !YAJL_IS_ARRAY(m) || m->u.array.len == 0)
                return dbx_error_set(err, EINVAL, "%s: index.json lists no image", what);
        yajl_val pick = NULL;
        for (size_t i = 0; i < m->u.array.len; i++) {
                yajl_val d = m->u.array.values[i];
                if (!YAJL_IS_OBJECT(d))
                        continue;
                const char *name = jstr(json_member(d, "annotations"), "org.opencontainers.image.ref.name");
                if (ref->tag ? name && strcmp(name, ref->tag) == 0 : m->u.array.len == 1)
                        pick = d;
        }
        if (!pick)
                return ref->tag ? dbx_error_set(err, ENOENT, "%s: no image tagged '%s' in index.json", what, ref->tag)
                                : dbx_error_set(err, EINVAL, "%s: index.json lists %zu images: name one (oci:DIR:TAG)", what,
                                                m->u.array.len);
        *ret = pick;
        return 0;
}

/* From an index (an image index or a docker manifest list), the linux/amd64 manifest. */
static int pick_platform(yajl_val idx, const char *what, yajl_val *ret, struct dbx_error *err)
{
        yajl_val m = json_member(idx, "manifests");
        for (size_t i = 0; m && YAJL_IS_ARRAY(m) && i < m->u.array.len; i++) {
                yajl_val p = YAJL_IS_OBJECT(m->u.array.values[i]) ? json_member(m->u.array.values[i], "platform") : NULL;
                const char *os = jstr(p, "os"), *arch = jstr(p, "architecture");
                if (os && arch && strcmp(os, "linux") == 0 && strcmp(arch, "amd64") == 0) {
                        *ret = m->u.array.values[i];
                        return 0;
                }
        }
        return dbx_error_set(err, ENOEXEC, "%s: the image index has no linux/amd64 image (only linux/amd64 runs here)", what);
}

static int resolve_oci(const struct source *s, const struct image_ref *ref, struct resolved *out, struct dbx_error *err)
{
        _cleanup_free_ char *text = NULL, *mtext = NULL;
        size_t len, mlen;
        int r = source_read(s, "index.json", IMAGE_JSON_MAX, &text, &len, err);
        if (r == -ENOENT)
                return dbx_error_set(err, ENOENT, "--image %s: no index.json: not an OCI image layout", s->what);
        if (r < 0)
                return r;
        yajl_val idx = parse_json(text, "index.json", err), desc = NULL;
        if (!idx)
                return -EINVAL;
        if ((r = pick_manifest(idx, ref, s->what, &desc, err)) < 0)
                goto out;
        /* an index inside the index: choose the platform (at most two levels, as registries do) */
        for (int depth = 0; depth < 2; depth++) {
                const char *mt = jstr(desc, "mediaType");
                free(mtext);
                mtext = NULL;
                if ((r = read_blob(s, jstr(desc, "digest"), jint(desc, "size"), IMAGE_JSON_MAX, &mtext, &mlen, err)) < 0)
                        goto out;
                snprintf(out->manifest_digest, sizeof(out->manifest_digest), "%s", jstr(desc, "digest"));
                if (!mt || (strcmp(mt, MT_OCI_INDEX) != 0 && strcmp(mt, MT_DOCKER_LIST) != 0))
                        break;
                yajl_tree_free(idx);
                if (!(idx = parse_json(mtext, "image index", err)) || (r = pick_platform(idx, s->what, &desc, err)) < 0) {
                        r = r < 0 ? r : -EINVAL;
                        goto out;
                }
        }
        yajl_val man = parse_json(mtext, "manifest", err);
        if (!man) {
                r = -EINVAL;
                goto out;
        }
        const char *mt = jstr(man, "mediaType") ? jstr(man, "mediaType") : jstr(desc, "mediaType");
        if (!mt || (strcmp(mt, MT_OCI_MANIFEST) != 0 && strcmp(mt, MT_DOCKER_MANIFEST) != 0)) {
                r = dbx_error_set(err, EINVAL, "--image %s: unsupported manifest media type '%s'", s->what, mt ? mt : "(none)");
                goto out_man;
        }
        yajl_val cfg = json_member(man, "config"), layers = json_member(man, "layers");
        if (!cfg || !layers || !YAJL_IS_ARRAY(layers)) {
                r = dbx_error_set(err, EINVAL, "--image %s: the manifest has no config or layers", s->what);
                goto out_man;
        }
        if ((r = read_blob(s, jstr(cfg, "digest"), jint(cfg, "size"), IMAGE_JSON_MAX, &out->config, &out->config_len, err)) < 0)
                goto out_man;
        snprintf(out->config_digest, sizeof(out->config_digest), "%s", jstr(cfg, "digest"));
        if (layers->u.array.len > IMAGE_MAX_LAYERS) {
                r = dbx_error_set(err, EFBIG, "--image %s: %zu layers (at most %d)", s->what, layers->u.array.len, IMAGE_MAX_LAYERS);
                goto out_man;
        }
        out->layers = calloc(layers->u.array.len + 1, sizeof(*out->layers));
        if (!out->layers) {
                r = dbx_error_set(err, ENOMEM, "out of memory");
                goto out_man;
        }
        for (size_t i = 0; i < layers->u.array.len; i++) {
                yajl_val l = layers->u.array.values[i];
                const char *lt = jstr(l, "mediaType"), *hex;
                size_t t;
                for (t = 0; lt && t < ELEMENTSOF(layer_types); t++)
                        if (strcmp(lt, layer_types[t].type) == 0)
                                break;
                if (!lt || t == ELEMENTSOF(layer_types)) {
                        r = dbx_error_set(err, EINVAL, "--image %s: layer %zu: unsupported media type '%s' (tar, tar+gzip, tar+zstd)",
                                          s->what, i, lt ? lt : "(none)");
                        goto out_man;
                }
                if ((r = digest_hex(jstr(l, "digest"), s->what, &hex, err)) < 0)
                        goto out_man;
                struct layer_desc *d = &out->layers[out->n_layers++];
                snprintf(d->name, sizeof(d->name), "blobs/sha256/%s", hex);
                snprintf(d->sha256, sizeof(d->sha256), "%s", hex);
                d->comp = layer_types[t].comp;
                d->size = jint(l, "size");
        }
        r = 0;
out_man:
        yajl_tree_free(man);
out:
        yajl_tree_free(idx);
        return r;
}

/* RepoTags hold normalised names: "docker.io/library/busybox:1" for busybox:1 */
static bool docker_name_is(const char *full, const char *tag)
{
        static const char *const prefixes[] = {"docker.io/", "docker.io/library/"};
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++) {
                size_t n = strlen(prefixes[i]);
                if (strncmp(full, prefixes[i], n) == 0 && strcmp(full + n, tag) == 0)
                        return true;
        }
        return false;
}

/* The sizes of the named members of an archive (a symlink member followed one step, as docker
 * save's <id>/layer.tar -> ../<hex>.tar). */
static int archive_sizes(const char *file, struct layer_desc *l, size_t n, struct dbx_error *err)
{
        _cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        struct archive *a = outer_open(fd);
        if (!a)
                return dbx_error_set(err, EINVAL, "--image %s: not a readable tar archive", file);
        char (*links)[PATH_MAX] = calloc(n, PATH_MAX);
        if (!links) {
                archive_read_free(a);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        struct archive_entry *e;
        for (int pass = 0; pass < 2; pass++) {
                int k;
                while ((k = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
                        char norm[PATH_MAX];
                        const char *p = archive_entry_pathname(e);
                        if (!p || image_path_norm(p, norm, sizeof(norm)) < 0)
                                continue;
                        for (size_t i = 0; i < n; i++) {
                                if (pass == 0 && strcmp(norm, l[i].name) == 0 && archive_entry_filetype(e) == AE_IFLNK &&
                                    archive_entry_symlink(e)) {
                                        char joined[PATH_MAX * 2];
                                        const char *slash = strrchr(l[i].name, '/');
                                        snprintf(joined, sizeof(joined), "%.*s%s%s", slash ? (int)(slash - l[i].name) : 0, l[i].name,
                                                 slash ? "/" : "", archive_entry_symlink(e));
                                        /* "a/../b.tar" -> "b.tar": only this one-step form, as docker save writes it */
                                        char *dd = strstr(joined, "/../");
                                        const char *t = dd && !strchr(dd + 4, '/') && !memchr(joined, '/', (size_t)(dd - joined)) ? dd + 4 : joined;
                                        if (image_path_norm(t, links[i], PATH_MAX) < 0)
                                                links[i][0] = '\0';
                                }
                                if (archive_entry_filetype(e) == AE_IFREG &&
                                    (strcmp(norm, pass == 0 ? l[i].name : links[i]) == 0) && l[i].size < 0)
                                        l[i].size = archive_entry_size(e);
                        }
                }
                if (k != ARCHIVE_EOF)
                        break;
                bool again = false;
                for (size_t i = 0; i < n; i++)
                        again |= l[i].size < 0 && links[i][0];
                if (!again || pass == 1)
                        break;
                archive_read_free(a);
                if (!(a = outer_open(fd)))
                        break;
        }
        if (a)
                archive_read_free(a);
        free(links);
        for (size_t i = 0; i < n; i++)
                if (l[i].size < 0)
                        return dbx_error_set(err, ENOENT, "--image %s: layer %s is missing: image refused", file, l[i].name);
        return 0;
}

/* docker save: manifest.json = [{"Config": FILE, "RepoTags": [...], "Layers": [FILE...]}].  The
 * config is checked against its file name (docker's image ID), each layer against the config's
 * rootfs.diff_ids. */
static int resolve_docker(const struct source *s, const struct image_ref *ref, struct resolved *out, struct dbx_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        char msg[256] = "";
        int r = source_read(s, "manifest.json", IMAGE_JSON_MAX, &text, &len, err);
        if (r == -ENOENT)
                return dbx_error_set(err, ENOENT, "--image %s: no manifest.json: not a docker-archive (docker save) file", s->what);
        if (r < 0)
                return r;
        yajl_val list = yajl_tree_parse(text, msg, sizeof(msg)), pick = NULL;
        if (!list || !YAJL_IS_ARRAY(list) || list->u.array.len == 0) {
                r = dbx_error_set(err, EINVAL, "--image %s: manifest.json is not a list of images", s->what);
                goto out;
        }
        for (size_t i = 0; i < list->u.array.len; i++) {
                if (!YAJL_IS_OBJECT(list->u.array.values[i]))
                        continue;
                yajl_val tags = json_member(list->u.array.values[i], "RepoTags");
                const char *tag = ref->tag;
                bool match = !tag && list->u.array.len == 1;
                for (size_t j = 0; tag && tags && YAJL_IS_ARRAY(tags) && j < tags->u.array.len; j++) {
                        const char *t = YAJL_IS_STRING(tags->u.array.values[j]) ? YAJL_GET_STRING(tags->u.array.values[j]) : NULL;
                        match |= t && (strcmp(t, tag) == 0 || docker_name_is(t, tag));
                }
                if (match)
                        pick = list->u.array.values[i];
        }
        if (!pick) {
                r = ref->tag ? dbx_error_set(err, ENOENT, "--image %s: no image tagged '%s' in manifest.json", s->what, ref->tag)
                             : dbx_error_set(err, EINVAL, "--image %s: manifest.json lists %zu images: name one (docker-archive:FILE:REPO:TAG)",
                                             s->what, list->u.array.len);
                goto out;
        }
        const char *cfgname = jstr(pick, "Config");
        char norm[PATH_MAX], hex[SHA256_HEX_SIZE];
        if (!cfgname || image_path_norm(cfgname, norm, sizeof(norm)) < 0) {
                r = dbx_error_set(err, EINVAL, "--image %s: manifest.json names no usable Config", s->what);
                goto out;
        }
        if ((r = source_read(s, norm, IMAGE_JSON_MAX, &out->config, &out->config_len, err)) < 0) {
                if (r == -ENOENT)
                        r = dbx_error_set(err, ENOENT, "--image %s: the config %s is missing: image refused", s->what, norm);
                goto out;
        }
        sha256_hex(out->config, out->config_len, hex);
        /* the config's file name is its digest ("HEX.json" or "blobs/sha256/HEX"): it must say so */
        const char *base = strrchr(norm, '/') ? strrchr(norm, '/') + 1 : norm;
        if (strspn(base, "0123456789abcdef") == 64 && strncmp(base, hex, 64) != 0) {
                r = dbx_error_set(err, EBADMSG, "--image %s: digest mismatch: config %s has sha256:%s: image refused", s->what, norm, hex);
                goto out;
        }
        snprintf(out->config_digest, sizeof(out->config_digest), "sha256:%s", hex);

        yajl_val cfg = parse_json(out->config, "image config", err);
        if (!cfg) {
                r = -EINVAL;
                goto out;
        }
        const char *dpath[] = {"rootfs", "diff_ids", NULL};
        yajl_val diff = yajl_tree_get(cfg, dpath, yajl_t_array), layers = json_member(pick, "Layers");
        if (!diff || !layers || !YAJL_IS_ARRAY(layers) || diff->u.array.len != layers->u.array.len ||
            layers->u.array.len > IMAGE_MAX_LAYERS) {
                r = dbx_error_set(err, EINVAL, "--image %s: the config's rootfs.diff_ids do not match manifest.json's Layers", s->what);
                goto out_cfg;
        }
        if (!(out->layers = calloc(layers->u.array.len + 1, sizeof(*out->layers)))) {
                r = dbx_error_set(err, ENOMEM, "out of memory");
                goto out_cfg;
        }
        for (size_t i = 0; i < layers->u.array.len; i++) {
                yajl_val l = layers->u.array.values[i], d = diff->u.array.values[i];
                const char *dh;
                struct layer_desc *ld = &out->layers[out->n_layers++];
                if (!YAJL_IS_STRING(l) || image_path_norm(YAJL_GET_STRING(l), ld->name, sizeof(ld->name)) < 0) {
                        r = dbx_error_set(err, EINVAL, "--image %s: layer %zu: unusable file name", s->what, i);
                        goto out_cfg;
                }
                if ((r = digest_hex(YAJL_IS_STRING(d) ? YAJL_GET_STRING(d) : NULL, s->what, &dh, err)) < 0)
                        goto out_cfg;
                snprintf(ld->sha256, sizeof(ld->sha256), "%s", dh);
                ld->comp = LAYER_ANY;
                ld->size = -1;
        }
        /* The image's digest is that of the manifest skopeo (containers/image) makes for a
         * docker-archive, so that it names the image as `skopeo inspect` does: the config and each
         * layer by its diff_id and the size of its file, in Go's compact JSON. */
        if ((r = archive_sizes(s->archive, out->layers, out->n_layers, err)) < 0)
                goto out_cfg;
        {
                size_t cap = 512 + out->n_layers * 200, n = 0;
                _cleanup_free_ char *m = malloc(cap);
                if (!m) {
                        r = dbx_error_set(err, ENOMEM, "out of memory");
                        goto out_cfg;
                }
                n += (size_t)snprintf(m + n, cap - n,
                                      "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\",\"config\":{\"mediaType\":"
                                      "\"application/vnd.docker.container.image.v1+json\",\"size\":%zu,\"digest\":\"sha256:%s\"},\"layers\":[",
                                      out->config_len, hex);
                for (size_t i = 0; i < out->n_layers; i++)
                        n += (size_t)snprintf(m + n, cap - n, "%s{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\","
                                              "\"size\":%lld,\"digest\":\"sha256:%s\"}", i ? "," : "",
                                              (long long)out->layers[i].size, out->layers[i].sha256);
                n += (size_t)snprintf(m + n, cap - n, "]}");
                char mh[SHA256_HEX_SIZE];
                sha256_hex(m, n, mh);
                snprintf(out->manifest_digest, sizeof(out->manifest_digest), "sha256:%s", mh);
        }
        r = 0;
out_cfg:
        yajl_tree_free(cfg);
out:
        if (list)
                yajl_tree_free(list);
        return r;
}

/* ---- the cache ---- */

static int write_text_at(int dirfd, const char *name, const char *text, size_t len)
{
        _cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        int r = fd_write_all(fd, text, len);
        if (r < 0)
                return r;
        return fsync(fd) < 0 ? -errno : 0;
}

static int write_meta(int dirfd, const char *reference, const struct resolved *rs, const struct unpack_stats *st)
{
        yajl_gen g = yajl_gen_alloc(NULL);
        if (!g)
                return -ENOMEM;
        yajl_gen_config(g, yajl_gen_beautify, 1);
#define KS(k, v) (yajl_gen_string(g, (const unsigned char *)(k), strlen(k)), yajl_gen_string(g, (const unsigned char *)(v), strlen(v)))
#define KI(k, v) (yajl_gen_string(g, (const unsigned char *)(k), strlen(k)), yajl_gen_integer(g, (long long)(v)))
        yajl_gen_map_open(g);
        KS("reference", reference);
        KS("manifest_digest", rs->manifest_digest);
        KS("config_digest", rs->config_digest);
        KI("layers", rs->n_layers);
        KI("unpacked_bytes", st->bytes);
        KI("entries", st->entries);
        KI("not_created_special_files", st->special);
        KI("setid_bits_dropped", st->setid);
        yajl_gen_map_close(g);
#undef KS
#undef KI
        const unsigned char *buf;
        size_t len;
        yajl_gen_get_buf(g, &buf, &len);
        int r = write_text_at(dirfd, "image.json", (const char *)buf, len);
        yajl_gen_free(g);
        return r;
}

static void entry_name(const char *digest, char *buf, size_t size)
{
        snprintf(buf, size, "sha256-%s", digest + 7);
}

/* Unpack rs into a fresh temporary directory of the cache, then rename it into place. */
static int unpack_into_cache(const char *cache, const struct source *src_in, const struct image_ref *ref,
                             const char *reference, struct resolved *rs, const struct image_budget *budget, char **mkdirs,
                             struct image *img, struct dbx_error *err)
{
        char tmp[PATH_MAX], final[PATH_MAX], name[96];
        snprintf(tmp, sizeof(tmp), "%s/tmp/unpack.XXXXXX", cache);
        if (!mkdtemp(tmp))
                return dbx_error_set(err, errno, "image cache %s: %s", cache, strerror(errno));
        _cleanup_close_ int tfd = open(tmp, O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct source src = *src_in;
        _cleanup_close_ int layoutfd = -1;
        struct unpack u = {.root = -1, .budget = *budget, .owners = geteuid() == 0};
        int r;
        if (tfd < 0 || mkdirat(tfd, "rootfs", 0700) < 0 || (u.root = openat(tfd, "rootfs", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
                r = dbx_error_set(err, errno, "image cache %s: %s", tmp, strerror(errno));
                goto fail;
        }
        if (src.dirfd < 0) {
                /* an archive: its members, extracted as safely as a layer, into the temporary dir */
                struct unpack outer = {.budget = *budget};
                _cleanup_close_ int afd = open(src.archive, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (afd < 0) {
                        r = dbx_error_set(err, errno, "--image %s: %s", reference, strerror(errno));
                        goto fail;
                }
                if (mkdirat(tfd, "layout", 0700) < 0 || (outer.root = openat(tfd, "layout", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
                        r = dbx_error_set(err, errno, "image cache %s: %s", tmp, strerror(errno));
                        goto fail;
                }
                r = layer_apply(&outer, afd, LAYER_ANY, NULL, reference, err);
                layoutfd = outer.root;
                unpack_free(&outer);
                if (r < 0)
                        goto fail;
                src.dirfd = layoutfd;
        }
        for (size_t i = 0; i < rs->n_layers; i++) {
                const struct layer_desc *l = &rs->layers[i];
                char what[PATH_MAX + 64];
                snprintf(what, sizeof(what), "%s: layer %zu (%s)", reference, i, l->name);
                _cleanup_close_ int fd = open_beneath(src.dirfd, l->name);
                if (fd < 0) {
                        r = dbx_error_set(err, -fd, "%s: %s: image refused", what, fd == -ENOENT ? "the blob is missing" : strerror(-fd));
                        goto fail;
                }
                struct stat st;
                if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (l->size >= 0 && st.st_size != l->size)) {
                        r = dbx_error_set(err, EBADMSG, "%s: %lld bytes where the manifest says %lld (truncated or wrong blob): image refused",
                                          what, (long long)st.st_size, (long long)l->size);
                        goto fail;
                }
                const char *want = l->sha256;
                char raw[SHA256_HEX_SIZE];
                if (ref->transport == IMAGE_DOCKER_ARCHIVE) {
                        /* the diff_id is of the uncompressed tar: a plain layer.tar hashes to it, a
                         * compressed one after decompression; either way the bytes then read must not change */
                        char plain[SHA256_HEX_SIZE];
                        if ((r = layer_hash(fd, false, raw, err)) < 0)
                                goto fail;
                        if (strcmp(raw, l->sha256) != 0 && ((r = layer_hash(fd, true, plain, err)) < 0 || strcmp(plain, l->sha256) != 0)) {
                                r = dbx_error_set(err, EBADMSG, "%s: digest mismatch: the layer is not the config's diff_id sha256:%s: image refused",
                                                  what, l->sha256);
                                goto fail;
                        }
                        want = raw;
                }
                if ((r = layer_apply(&u, fd, l->comp, want, what, err)) < 0)
                        goto fail;
        }
        if ((r = unpack_finish(&u, (const char *const *)mkdirs, err)) < 0)
                goto fail;
        if ((r = write_text_at(tfd, "config.json", rs->config, rs->config_len)) < 0 ||
            (r = write_meta(tfd, reference, rs, &u.stats)) < 0) {
                r = dbx_error_set(err, -r, "image cache %s: %s", tmp, strerror(-r));
                goto fail;
        }
        img->stats = u.stats;
        unpack_free(&u);
        closep(&u.root);
        if (layoutfd >= 0) {
                closep(&layoutfd);
                (void)remove_tree_at(tfd, "layout", 0);
        }
        entry_name(rs->manifest_digest, name, sizeof(name));
        snprintf(final, sizeof(final), "%s/images/%s", cache, name);
        if (rename(tmp, final) < 0) {
                if (errno != EEXIST && errno != ENOTEMPTY) {
                        r = dbx_error_set(err, errno, "image cache: %s: %s", final, strerror(errno));
                        goto fail;
                }
                /* another denybox finished the same image first: use that one */
                _cleanup_close_ int parent = open(cache, O_PATH | O_DIRECTORY | O_CLOEXEC);
                char rel[PATH_MAX];
                snprintf(rel, sizeof(rel), "tmp/%s", strrchr(tmp, '/') + 1);
                if (parent >= 0)
                        (void)remove_tree_at(parent, rel, 0);
        }
        return 0;
fail:
        unpack_free(&u);
        closep(&u.root);
        {
                _cleanup_close_ int parent = open(cache, O_PATH | O_DIRECTORY | O_CLOEXEC);
                char rel[PATH_MAX];
                snprintf(rel, sizeof(rel), "tmp/%s", strrchr(tmp, '/') + 1);
                if (parent >= 0)
                        (void)remove_tree_at(parent, rel, 0);
        }
        return r;
}

/* The reference opened and resolved: index, manifest and config read and verified by digest, the
 * platform checked.  *ref, *dirfd and *rs are the caller's to free, whatever the result. */
static int open_and_resolve(const char *reference, struct image_ref *ref, struct source *src, int *dirfd,
                            struct resolved *rs, struct dbx_error *err)
{
        int r = image_ref_parse(reference, ref, err);
        if (r < 0)
                return r;
        *src = (struct source){.dirfd = -1, .archive = ref->path, .what = reference};
        if (ref->transport == IMAGE_OCI) {
                if ((*dirfd = open(ref->path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                        return dbx_error_set(err, errno, "--image %s: %s", reference, strerror(errno));
                src->dirfd = *dirfd;
        } else {
                struct stat st;
                if (stat(ref->path, &st) < 0 || !S_ISREG(st.st_mode))
                        return dbx_error_set(err, errno ? errno : EINVAL, "--image %s: %s", reference,
                                             errno ? strerror(errno) : "not a regular file");
        }
        r = ref->transport == IMAGE_DOCKER_ARCHIVE ? resolve_docker(src, ref, rs, err) : resolve_oci(src, ref, rs, err);
        if (r < 0)
                return r;
        yajl_val cfg = parse_json(rs->config, "image config", err);
        if (!cfg)
                return -EINVAL;
        r = check_platform(cfg, reference, err);
        yajl_tree_free(cfg);
        return r;
}

int image_resolve_digests(const char *reference, char *ret_manifest, char *ret_config, size_t size, struct dbx_error *err)
{
        struct image_ref ref = {0};
        struct source src;
        struct resolved rs = {0};
        _cleanup_close_ int dirfd = -1;
        int r = open_and_resolve(reference, &ref, &src, &dirfd, &rs, err);
        if (r >= 0) {
                snprintf(ret_manifest, size, "%s", rs.manifest_digest);
                snprintf(ret_config, size, "%s", rs.config_digest);
        }
        resolved_free(&rs);
        image_ref_free(&ref);
        return r;
}

int image_open(const char *reference, const char *cache, struct image *img, struct dbx_error *err)
{
        struct image_ref ref = {0};
        struct image_budget budget;
        struct resolved rs = {0};
        struct source src;
        _cleanup_close_ int dirfd = -1;
        int r;

        *img = (struct image){0};
        if ((r = image_budget_from_env(&budget, err)) < 0)
                return r;
        if ((r = open_and_resolve(reference, &ref, &src, &dirfd, &rs, err)) < 0)
                goto out;
        if ((r = image_config_parse(rs.config, &img->config, err)) < 0)
                goto out;
        snprintf(img->manifest_digest, sizeof(img->manifest_digest), "%s", rs.manifest_digest);
        snprintf(img->config_digest, sizeof(img->config_digest), "%s", rs.config_digest);

        char dir[PATH_MAX], sub[PATH_MAX], name[96];
        entry_name(rs.manifest_digest, name, sizeof(name));
        snprintf(dir, sizeof(dir), "%s/images/%s", cache, name);
        snprintf(sub, sizeof(sub), "%s/images", cache);
        if ((r = image_cache_ensure(cache, err)) < 0 || (r = image_cache_ensure(sub, err)) < 0)
                goto out;
        snprintf(sub, sizeof(sub), "%s/tmp", cache);
        if ((r = image_cache_ensure(sub, err)) < 0)
                goto out;
        if (!(img->dir = strdup(dir)) || asprintf(&img->rootfs, "%s/rootfs", dir) < 0) {
                img->rootfs = NULL;
                r = dbx_error_set(err, ENOMEM, "out of memory");
                goto out;
        }
        struct stat st;
        if (stat(img->rootfs, &st) == 0 && S_ISDIR(st.st_mode)) {
                /* complete by construction (renamed into place whole); the config it was made with
                 * is the one just verified */
                img->reused = true;
                r = 0;
                goto out;
        }
        /* the mount points denybox needs, and the WorkingDir (docker creates it too) */
        char *mkdirs[8] = {"/proc", "/dev", "/tmp", "/in", "/out", img->config.workdir, NULL};
        r = unpack_into_cache(cache, &src, &ref, reference, &rs, &budget, mkdirs, img, err);
out:
        resolved_free(&rs);
        image_ref_free(&ref);
        return r;
}

void image_free(struct image *img)
{
        free(img->dir);
        free(img->rootfs);
        image_config_free(&img->config);
        free(img->argv);
        for (size_t i = 0; i < img->n_notes; i++)
                free(img->notes[i]);
        *img = (struct image){0};
}
