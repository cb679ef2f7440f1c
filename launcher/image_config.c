/* SPDX-License-Identifier: MIT */
/* The image's config honoured as docker run honours it: Entrypoint and Cmd (arguments after --
 * replace Cmd, --entrypoint replaces Entrypoint and drops Cmd), Env (merged under -e/--env-file;
 * PR-ENV-1's secret rule still applies: a secret-looking key is dropped and reported), WorkingDir
 * (unless -w), User (unless -u: numeric, or a name looked up in the image's own /etc/passwd and
 * /etc/group, read inside the root without leaving it). */
#include "image.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "json.h"

/* The key rule of PR-ENV-1 (probes/raw_checks.c): what the seeds' harness calls a leaked secret. */
#define IMAGE_ENV_SECRET_RE "(token|secret|password|passwd|_dsn|conn|^pg|^kb|api[_-]?key)"
#define PASSWD_MAX (1u << 20)

static void image_strv_free(char **v, size_t n)
{
        for (size_t i = 0; i < n; i++)
                free(v[i]);
        free(v);
}

void image_config_free(struct image_config *c)
{
        image_strv_free(c->entrypoint, c->n_entrypoint);
        image_strv_free(c->cmd, c->n_cmd);
        image_strv_free(c->env, c->n_env);
        free(c->workdir);
        free(c->user);
        *c = (struct image_config){0};
}

static char *jdup(yajl_val v)
{
        const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
        return s ? strdup(s) : NULL;
}

static int get_strv(yajl_val o, const char *key, size_t max, char ***ret, size_t *ret_n, bool *present,
                    struct dbx_error *err)
{
        yajl_val v = o ? json_member(o, key) : NULL;
        if (present)
                *present = v != NULL;
        if (!v)
                return 0;
        if (!YAJL_IS_ARRAY(v) || v->u.array.len > max)
                return dbx_error_set(err, EINVAL, "image config: config.%s is not a list of at most %zu strings", key, max);
        char **out = calloc(v->u.array.len + 1, sizeof(char *));
        if (!out)
                return dbx_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < v->u.array.len; i++)
                if (!(out[i] = jdup(v->u.array.values[i]))) {
                        image_strv_free(out, i);
                        return dbx_error_set(err, EINVAL, "image config: config.%s[%zu] is not a string", key, i);
                }
        *ret = out;
        *ret_n = v->u.array.len;
        return 0;
}

int image_config_parse(const char *json, struct image_config *ret, struct dbx_error *err)
{
        char msg[200] = "";
        yajl_val root = yajl_tree_parse(json, msg, sizeof(msg));
        *ret = (struct image_config){0};
        if (!root || !YAJL_IS_OBJECT(root)) {
                if (root)
                        yajl_tree_free(root);
                return dbx_error_set(err, EINVAL, "image config: not a JSON object %s", msg);
        }
        yajl_val c = json_member(root, "config");
        int r = 0;
        if (c && YAJL_IS_OBJECT(c)) {
                yajl_val u = json_member(c, "User"), w = json_member(c, "WorkingDir");
                if ((r = get_strv(c, "Entrypoint", MAX_ARGS, &ret->entrypoint, &ret->n_entrypoint, &ret->has_entrypoint, err)) < 0 ||
                    (r = get_strv(c, "Cmd", MAX_ARGS, &ret->cmd, &ret->n_cmd, NULL, err)) < 0 ||
                    (r = get_strv(c, "Env", MAX_ENV, &ret->env, &ret->n_env, NULL, err)) < 0)
                        goto out;
                ret->user = u ? jdup(u) : NULL;
                ret->workdir = w ? jdup(w) : NULL;
                if (ret->user && !*ret->user) /* "" names no user */
                        free(TAKE_PTR(ret->user));
                if (ret->workdir && !*ret->workdir)
                        free(TAKE_PTR(ret->workdir));
                if (ret->workdir && ret->workdir[0] != '/')
                        r = dbx_error_set(err, EINVAL, "image config: WorkingDir '%s' is not absolute", ret->workdir);
        }
out:
        yajl_tree_free(root);
        if (r < 0)
                image_config_free(ret);
        return r;
}

static int add_note(struct image *img, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_note(struct image *img, const char *fmt, ...)
{
        if (img->n_notes >= ELEMENTSOF(img->notes))
                return 0;
        va_list ap;
        va_start(ap, fmt);
        int k = vasprintf(&img->notes[img->n_notes], fmt, ap);
        va_end(ap);
        if (k < 0) {
                img->notes[img->n_notes] = NULL;
                return -ENOMEM;
        }
        img->n_notes++;
        return 0;
}

/* A file of the image, read inside its root (symlinks resolved within it, never out of it). */
static int read_in_root(const char *rootfs, const char *path, char **ret)
{
        _cleanup_close_ int root = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return -errno;
        struct open_how how = {.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
        _cleanup_close_ int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
        if (fd < 0)
                return -errno;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > PASSWD_MAX)
                return -EINVAL;
        char *buf = calloc(1, (size_t)st.st_size + 1);
        if (!buf)
                return -ENOMEM;
        ssize_t k = read(fd, buf, (size_t)st.st_size);
        if (k < 0) {
                free(buf);
                return -errno;
        }
        buf[k] = '\0';
        *ret = buf;
        return 0;
}

static bool parse_id(const char *s, uint32_t *ret)
{
        char *end;
        if (!isdigit((unsigned char)*s))
                return false;
        errno = 0;
        unsigned long v = strtoul(s, &end, 10);
        if (errno || *end || v > 65535UL * 65536UL - 2)
                return false;
        *ret = (uint32_t)v;
        return true;
}

/* Field 0 (name) and fields 2, 3 (id, gid) of a passwd/group line matching by name or by id. */
static bool lookup(const char *text, const char *name, uint32_t id, bool by_id, uint32_t *ret_id, uint32_t *ret_gid)
{
        for (const char *l = text; l && *l;) {
                const char *e = strchrnul(l, '\n');
                char line[1024];
                snprintf(line, sizeof(line), "%.*s", (int)(e - l) < 1023 ? (int)(e - l) : 1023, l);
                char *f[4] = {0}, *p = line;
                for (int i = 0; i < 4; i++) {
                        f[i] = p;
                        p = p ? strchr(p, ':') : NULL;
                        if (p)
                                *p++ = '\0';
                }
                uint32_t v, g;
                if (f[0] && f[2] && parse_id(f[2], &v) && (by_id ? v == id : strcmp(f[0], name) == 0)) {
                        *ret_id = v;
                        if (ret_gid)
                                *ret_gid = f[3] && parse_id(f[3], &g) ? g : v;
                        return true;
                }
                l = *e ? e + 1 : NULL;
        }
        return false;
}

/* USER as docker reads it: user[:group], each numeric or a name of the image's own files. */
static int resolve_user(const struct image *img, const char *spec, uid_t *ret_uid, gid_t *ret_gid, struct dbx_error *err)
{
        _cleanup_free_ char *copy = strdup(spec), *passwd = NULL, *group = NULL;
        if (!copy)
                return dbx_error_set(err, ENOMEM, "out of memory");
        char *gs = strchr(copy, ':');
        if (gs)
                *gs++ = '\0';
        uint32_t uid, gid = 0;
        bool numeric = parse_id(copy, &uid);
        (void)read_in_root(img->rootfs, "/etc/passwd", &passwd);
        if (!numeric && (!passwd || !lookup(passwd, copy, 0, false, &uid, &gid)))
                return dbx_error_set(err, ENOENT, "image config: User '%s': no such user in the image's /etc/passwd", spec);
        if (numeric && !(passwd && lookup(passwd, NULL, uid, true, &uid, &gid)))
                gid = uid; /* denybox's rule for -u UID (docker would say 0) */
        if (gs && *gs && !parse_id(gs, &gid)) {
                (void)read_in_root(img->rootfs, "/etc/group", &group);
                if (!group || !lookup(group, gs, 0, false, &gid, NULL))
                        return dbx_error_set(err, ENOENT, "image config: User '%s': no such group in the image's /etc/group", spec);
        }
        *ret_uid = uid;
        *ret_gid = gid;
        return 0;
}

int image_apply(struct sandbox_config *c, struct image *img, struct dbx_error *err)
{
        const struct image_config *ic = &img->config;
        int r;

        /* User */
        if (!c->user_set && ic->user) {
                uid_t u = 0;
                gid_t g = 0;
                if ((r = resolve_user(img, ic->user, &u, &g, err)) < 0)
                        return r;
                c->uid = u;
                c->gid = g;
        }
        /* WorkingDir (created at unpack time, as docker does) */
        if (!c->workdir && ic->workdir && strcmp(ic->workdir, "/") != 0 && !(c->workdir = strdup(ic->workdir)))
                return dbx_error_set(err, ENOMEM, "out of memory");

        /* Env: the image's first, so that -e/--env-file (later in c->env) override them.  Not for
         * attest: its payload is denybox's probe, which checks the scrubbed environment exactly. */
        if (c->command == CMD_ATTEST)
                goto volumes;
        regex_t re;
        if (regcomp(&re, IMAGE_ENV_SECRET_RE, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0)
                return dbx_error_set(err, EINVAL, "internal error: cannot compile the secret rule");
        char *keep[MAX_ENV];
        size_t n = 0;
        r = 0;
        for (size_t i = 0; i < ic->n_env && r == 0; i++) {
                const char *kv = ic->env[i], *eq = strchr(kv, '=');
                if (!eq || eq == kv) {
                        r = add_note(img, "image config: Env entry '%.80s' is not KEY=VALUE: ignored", kv);
                        continue;
                }
                _cleanup_free_ char *key = strndup(kv, (size_t)(eq - kv));
                if (!key) {
                        r = -ENOMEM;
                        break;
                }
                if (regexec(&re, key, 0, NULL, 0) == 0) {
                        r = add_note(img, "image config: Env key %s looks like a secret (the PR-ENV-1 rule): not passed to "
                                     "the payload", key);
                        continue;
                }
                if (n + c->n_env >= MAX_ENV) {
                        r = dbx_error_set(err, EINVAL, "too many environment variables (at most %d)", MAX_ENV);
                        break;
                }
                if (!(keep[n] = strdup(kv)))
                        r = -ENOMEM;
                else
                        n++;
        }
        regfree(&re);
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        free(keep[i]);
                return r == -ENOMEM ? dbx_error_set(err, ENOMEM, "out of memory") : r;
        }
        memmove(c->env + n, c->env, c->n_env * sizeof(char *));
        memcpy(c->env, keep, n * sizeof(char *));
        c->n_env += n;

volumes:
        /* Every -v target must already be in the image: a cached image is never modified. */
        for (size_t i = 0; i < c->n_volumes; i++) {
                _cleanup_close_ int root = open(img->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
                struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
                _cleanup_close_ int fd = root < 0 ? -1 : (int)syscall(SYS_openat2, root, c->volumes[i].target, &how, sizeof(how));
                if (fd < 0)
                        return dbx_error_set(err, ENOENT, "-v %s:%s: the image has no %s to mount on (a cached image is "
                                             "never modified: use /in or /out, or make the directory in the image)",
                                             c->volumes[i].source, c->volumes[i].target, c->volumes[i].target);
        }

        /* Entrypoint + Cmd (run only: attest's payload is the probe) */
        if (c->command != CMD_RUN)
                return 0;
        char *const *ep = ic->entrypoint, *const *cmd = ic->cmd;
        size_t nep = ic->n_entrypoint, ncmd = ic->n_cmd;
        char *one[1] = {c->entrypoint};
        if (c->entrypoint_set) { /* docker: --entrypoint replaces Entrypoint and drops the image's Cmd */
                ep = one;
                nep = c->entrypoint && *c->entrypoint ? 1 : 0;
                ncmd = 0;
        }
        if (c->argc > 0) {
                cmd = c->argv;
                ncmd = c->argc;
        }
        if (nep + ncmd == 0)
                return dbx_error_set(err, EINVAL, "run --image: the image names no Entrypoint or Cmd: give the command after --");
        if (nep + ncmd > MAX_ARGS)
                return dbx_error_set(err, E2BIG, "too many arguments for the payload (at most %d)", MAX_ARGS);
        char **argv = calloc(nep + ncmd + 1, sizeof(char *));
        if (!argv)
                return dbx_error_set(err, ENOMEM, "out of memory");
        if (nep)
                memcpy(argv, ep, nep * sizeof(char *));
        if (ncmd)
                memcpy(argv + nep, cmd, ncmd * sizeof(char *));
        free(img->argv);
        img->argv = argv;
        c->argv = argv;
        c->argc = nep + ncmd;
        return 0;
}
