/* SPDX-License-Identifier: MIT */
/* The image cache: where it is, that it is the caller's alone, and denybox image ls | rm | prune.
 * CACHE/images/sha256-<manifest hex>/ holds a complete entry (rootfs/, config.json, image.json),
 * renamed into place whole by image.c; CACHE/tmp/ holds unpacks in progress or killed. */
#include "image.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "json.h"
#include "preflight.h"

static const char *meta_str(yajl_val o, const char *key)
{
        yajl_val v = o && YAJL_IS_OBJECT(o) ? json_member(o, key) : NULL;
        return v && YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

int image_cache_dir(const char *override, char **ret, struct dbx_error *err)
{
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        char buf[PATH_MAX];
        if (override)
                snprintf(buf, sizeof(buf), "%s", override);
        else if (geteuid() == 0)
                snprintf(buf, sizeof(buf), "/var/cache/denybox");
        else if (xdg && xdg[0] == '/')
                snprintf(buf, sizeof(buf), "%s/denybox", xdg);
        else if (home && home[0] == '/')
                snprintf(buf, sizeof(buf), "%s/.cache/denybox", home);
        else
                return dbx_error_set(err, ENOENT, "image cache: no $XDG_CACHE_HOME or $HOME: give --image-cache DIR");
        if (buf[0] != '/')
                return dbx_error_set(err, EINVAL, "--image-cache '%s': use an absolute path", buf);
        return (*ret = strdup(buf)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
}

/* mkdir -p, the last component 0700 (other users need not see which images this user runs). */
int image_cache_ensure(const char *path, struct dbx_error *err)
{
        char buf[PATH_MAX];
        snprintf(buf, sizeof(buf), "%s", path);
        for (char *p = buf + 1;; p++) {
                if (*p == '/' || *p == '\0') {
                        char c = *p;
                        *p = '\0';
                        if (mkdir(buf, c ? 0755 : 0700) < 0 && errno != EEXIST)
                                return dbx_error_set(err, errno, "image cache %s: %s", buf, strerror(errno));
                        *p = c;
                        if (!c)
                                break;
                }
        }
        struct stat st;
        if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
                return dbx_error_set(err, ENOTDIR, "image cache %s: not a directory", path);
        if (st.st_uid != geteuid() || (st.st_mode & 022))
                return dbx_error_set(err, EPERM, "image cache %s is unsafe: owned by uid %u or writable by others "
                                     "(it must be yours alone)", path, (unsigned)st.st_uid);
        return 0;
}

/* ---- denybox image ls | rm | prune ---- */

static int open_images(const char *cache, DIR **ret, struct dbx_error *err)
{
        char sub[PATH_MAX];
        snprintf(sub, sizeof(sub), "%s/images", cache);
        *ret = opendir(sub);
        if (!*ret && errno != ENOENT)
                return dbx_error_set(err, errno, "image cache %s: %s", sub, strerror(errno));
        return 0;
}

static bool is_entry(const char *n)
{
        return strncmp(n, "sha256-", 7) == 0 && strlen(n) == 7 + 64;
}

int image_cache_list(const char *cache, FILE *f, struct dbx_error *err)
{
        DIR *d;
        int r = open_images(cache, &d, err);
        if (r < 0)
                return r;
        fprintf(f, "%-71s  %-71s  %s\n", "DIGEST", "CONFIG", "REFERENCE");
        for (struct dirent *de; d && (de = readdir(d));) {
                if (!is_entry(de->d_name))
                        continue;
                char path[PATH_MAX];
                _cleanup_free_ char *text = NULL;
                size_t len;
                snprintf(path, sizeof(path), "%s/images/%s/image.json", cache, de->d_name);
                yajl_val m = read_file(path, IMAGE_JSON_MAX, &text, &len, NULL) == 0 ? yajl_tree_parse(text, NULL, 0) : NULL;
                fprintf(f, "sha256:%-64s  %-71s  %s\n", de->d_name + 7, meta_str(m, "config_digest") ? meta_str(m, "config_digest") : "?",
                        meta_str(m, "reference") ? meta_str(m, "reference") : "?");
                if (m)
                        yajl_tree_free(m);
        }
        if (d)
                closedir(d);
        return 0;
}

static int remove_entry(const char *cache, const char *sub, const char *name, struct dbx_error *err)
{
        _cleanup_close_ int fd = open(cache, O_PATH | O_DIRECTORY | O_CLOEXEC);
        char from[PATH_MAX], to[PATH_MAX];
        snprintf(from, sizeof(from), "%s/%s", sub, name);
        snprintf(to, sizeof(to), "tmp/rm.%s.%d", name, (int)getpid());
        if (fd < 0)
                return dbx_error_set(err, errno, "image cache %s: %s", cache, strerror(errno));
        /* out of sight at once (a run starting now unpacks afresh), then deleted */
        if (strcmp(sub, "tmp") != 0 && renameat(fd, from, fd, to) == 0)
                snprintf(from, sizeof(from), "%s", to);
        int r = remove_tree_at(fd, from, 0);
        return r < 0 ? dbx_error_set(err, -r, "image cache: removing %s: %s", name, strerror(-r)) : 0;
}

int image_cache_remove(const char *cache, const char *which, char *ret_removed, size_t size, struct dbx_error *err)
{
        DIR *d;
        int r = open_images(cache, &d, err);
        if (r < 0)
                return r;
        const char *hex = strncmp(which, "sha256:", 7) == 0 ? which + 7 : which;
        char found[96] = "";
        unsigned matches = 0;
        for (struct dirent *de; d && (de = readdir(d));) {
                if (!is_entry(de->d_name))
                        continue;
                bool match = strlen(hex) >= 4 && strncmp(de->d_name + 7, hex, strlen(hex)) == 0;
                if (!match) {
                        char path[PATH_MAX];
                        _cleanup_free_ char *text = NULL;
                        size_t len;
                        snprintf(path, sizeof(path), "%s/images/%s/image.json", cache, de->d_name);
                        yajl_val m = read_file(path, IMAGE_JSON_MAX, &text, &len, NULL) == 0 ? yajl_tree_parse(text, NULL, 0) : NULL;
                        match = meta_str(m, "reference") && strcmp(meta_str(m, "reference"), which) == 0;
                        if (m)
                                yajl_tree_free(m);
                }
                if (match && matches++ == 0)
                        snprintf(found, sizeof(found), "%s", de->d_name);
        }
        if (d)
                closedir(d);
        if (matches == 0)
                return dbx_error_set(err, ENOENT, "image rm '%s': no such image in the cache %s", which, cache);
        if (matches > 1)
                return dbx_error_set(err, EINVAL, "image rm '%s': %u images match; give more of the digest", which, matches);
        snprintf(ret_removed, size, "sha256:%s", found + 7);
        return remove_entry(cache, "images", found, err);
}

int image_cache_prune(const char *cache, unsigned *ret_n, struct dbx_error *err)
{
        static const char *const subs[] = {"tmp", "images"};
        *ret_n = 0;
        for (size_t i = 0; i < ELEMENTSOF(subs); i++) {
                char path[PATH_MAX];
                snprintf(path, sizeof(path), "%s/%s", cache, subs[i]);
                DIR *d = opendir(path);
                if (!d) {
                        if (errno == ENOENT)
                                continue;
                        return dbx_error_set(err, errno, "image cache %s: %s", path, strerror(errno));
                }
                int r = 0;
                for (struct dirent *de; r == 0 && (de = readdir(d));) {
                        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                                continue;
                        if ((r = remove_entry(cache, subs[i], de->d_name, err)) == 0) {
                                (*ret_n)++;
                                rewinddir(d);
                        }
                }
                closedir(d);
                if (r < 0)
                        return r;
        }
        return 0;
}
