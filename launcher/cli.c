/* SPDX-License-Identifier: MIT */
/* Command line -> struct sandbox_config.  Option names follow `docker run` wherever docker has
 * one, so the seeds' command line maps across; options that would weaken the boundary are refused
 * here, before anything runs.  No system calls (but opening and reading --env-file). */
#include "config.h"
#include "privs.h"
#include "sources.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

const char *weaken_name(enum weaken_layer w)
{
        static const char *const names[_WEAKEN_MAX] = {
                "net", "seccomp", "exec-once", "env", "ro-root", "ro-in", "caps", "nnp", "user", "pidns",
                "uts", "cgroupns", "proc-mask", "dev", "sys", "tmp-noexec", "fds", "session", "init", "limits",
                "host-root", "tmp-inodes", "stdio", "landlock",
        };
        return w < _WEAKEN_MAX ? names[w] : "?";
}

static int parse_weaken(struct sandbox_config *c, const char *v, struct dbx_error *err)
{
        char known[256] = "";
        size_t n = 0;
        for (int w = 0; w < _WEAKEN_MAX; w++) {
                const char *name = weaken_name((enum weaken_layer)w);
                if (strcmp(v, name) == 0) {
                        c->weaken |= 1u << w;
                        return 0;
                }
                n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", w ? ", " : "", name);
        }
        return dbx_error_set(err, EINVAL, "--weaken '%s': unknown layer (%s)", v, known);
}

void config_default_attest_limits(struct sandbox_config *c)
{
        struct limits *l = &c->limits;
        if (l->pids < 0)
                l->pids = 64;
        if (l->memory < 0 && l->memory_swap < 0) {
                l->memory = 256LL << 20;
                l->memory_swap = 256LL << 20;
        }
}

void config_init(struct sandbox_config *c)
{
        *c = (struct sandbox_config){
                .uid = SANDBOX_UID_DEFAULT,
                .gid = SANDBOX_GID_DEFAULT,
                .tmp_size = TMPFS_SIZE_DEFAULT,
                .stop_timeout_sec = STOP_TIMEOUT_DEFAULT,
                .limits = {.pids = -1, .memory = -1, .memory_swap = -1, .cpus_milli = -1},
        };
}

void config_free(struct sandbox_config *c)
{
        free(c->rootfs);
        for (size_t i = 0; i < c->n_volumes; i++) {
                free(c->volumes[i].source);
                free(c->volumes[i].target);
        }
        for (size_t i = 0; i < c->n_env; i++)
                free(c->env[i]);
        free(c->seccomp_profile);
        free(c->workdir);
        free(c->output_dir);
        free(c->bpf_out);
        free(c->image);
        free(c->image_cache);
        free(c->seccomp_cache);
        free(c->entrypoint);
        free(c->merge);
        config_init(c);
}

int parse_size(const char *s, uint64_t *ret)
{
        static const struct {
                char suffix;
                unsigned shift;
        } units[] = {{'b', 0}, {'k', 10}, {'m', 20}, {'g', 30}, {'t', 40}};
        char *end;

        if (!s || !*s || !isdigit((unsigned char)*s))
                return -EINVAL;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || v < 0)
                return -EINVAL;
        unsigned shift = 0;
        if (*end) {
                char u = (char)tolower((unsigned char)*end);
                size_t i;
                for (i = 0; i < ELEMENTSOF(units); i++)
                        if (units[i].suffix == u)
                                break;
                if (i == ELEMENTSOF(units))
                        return -EINVAL;
                shift = units[i].shift;
                end++;
                if (*end == 'b' || *end == 'B' || *end == 'i') /* 16mb, 16MiB */
                        end += (*end == 'i' && (end[1] == 'b' || end[1] == 'B')) ? 2 : 1;
                if (*end)
                        return -EINVAL;
        }
        double bytes = v * (double)(1ULL << shift);
        if (bytes >= 9.2e18)
                return -EINVAL;
        *ret = (uint64_t)bytes;
        return 0;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *ret)
{
        char *end;
        if (!s || !isdigit((unsigned char)*s))
                return -EINVAL;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || *end || v > max)
                return -EINVAL;
        *ret = v;
        return 0;
}

static bool path_is_under(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* A normalised absolute target: no "..", no "." components, no "//", no trailing "/". */
static bool target_is_clean(const char *t)
{
        if (t[0] != '/' || strlen(t) >= PATH_MAX)
                return false;
        for (const char *p = t; *p;) {
                p++; /* skip '/' */
                const char *e = strchrnul(p, '/');
                size_t n = (size_t)(e - p);
                if (n == 0 && *e) /* "//" */
                        return false;
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return false;
                p = e;
        }
        return strcmp(t, "/") != 0 && t[strlen(t) - 1] != '/';
}

/* A volume source that would hand the payload the host, by name, before anything is opened: a
 * container engine's API socket (docker.sock, ...), or a directory those sockets live in (the
 * host's /, /run, /var/run).  Preflight then judges what each source IS (sources.c). */
static bool volume_source_hands_over_host(const char *path)
{
        const char *base = strrchr(path, '/');
        return source_is_engine_socket_name(base ? base + 1 : path) || strcmp(path, "/run") == 0 ||
               strcmp(path, "/var/run") == 0 || strcmp(path, "/") == 0;
}

static int parse_volume(struct sandbox_config *c, const char *spec, struct dbx_error *err)
{
        if (c->n_volumes >= MAX_VOLUMES)
                return dbx_error_set(err, EINVAL, "too many -v volumes (at most %d)", MAX_VOLUMES);

        _cleanup_free_ char *copy = strdup(spec);
        if (!copy)
                return dbx_error_set(err, ENOMEM, "out of memory");
        char *src = copy, *dst = strchr(copy, ':'), *mode = NULL;
        if (!dst)
                return dbx_error_set(err, EINVAL, "-v '%s': expected SOURCE:TARGET[:ro|rw]", spec);
        *dst++ = '\0';
        mode = strchr(dst, ':');
        if (mode)
                *mode++ = '\0';

        bool writable = false; /* read-only unless asked: deny by default */
        if (mode && strcmp(mode, "rw") == 0)
                writable = true;
        else if (mode && strcmp(mode, "ro") != 0)
                return dbx_error_set(err, EINVAL, "-v '%s': mode '%s' is not supported (use ro or rw)", spec, mode);

        if (src[0] != '/')
                return dbx_error_set(err, EINVAL, "-v '%s': the source must be an absolute host path", spec);
        if (volume_source_hands_over_host(src))
                return dbx_error_set(err, EPERM,
                                     "-v '%s': refusing to expose a container engine socket or the host's /, /run "
                                     "(it would hand the payload the host)", spec);
        if (!target_is_clean(dst))
                return dbx_error_set(err, EINVAL,
                                     "-v '%s': the target must be a normalised absolute path other than /", spec);
        static const char *const reserved[] = {"/proc", "/dev", "/sys", "/tmp"};
        for (size_t i = 0; i < ELEMENTSOF(reserved); i++)
                if (path_is_under(dst, reserved[i]))
                        return dbx_error_set(err, EPERM, "-v '%s': %s is managed by denybox and cannot be a volume target",
                                             spec, reserved[i]);
        if (config_volume_at(c, dst))
                return dbx_error_set(err, EINVAL, "-v '%s': %s is already a volume target", spec, dst);

        struct volume *v = &c->volumes[c->n_volumes];
        v->source = strdup(src);
        v->target = strdup(dst);
        v->writable = writable;
        if (!v->source || !v->target)
                return dbx_error_set(err, ENOMEM, "out of memory");
        c->n_volumes++;
        return 0;
}

/* --tmpfs /tmp[:rw,noexec,nosuid,nodev,size=16m]: only /tmp, and only options that keep it
 * noexec/nosuid/nodev. */
static int parse_tmpfs(struct sandbox_config *c, const char *spec, struct dbx_error *err)
{
        _cleanup_free_ char *copy = strdup(spec);
        if (!copy)
                return dbx_error_set(err, ENOMEM, "out of memory");
        char *opts = strchr(copy, ':');
        if (opts)
                *opts++ = '\0';
        if (strcmp(copy, "/tmp") != 0)
                return dbx_error_set(err, EINVAL, "--tmpfs '%s': only /tmp can be a tmpfs (the root is read-only)", spec);
        for (char *save = NULL, *o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
                if (strcmp(o, "rw") == 0 || strcmp(o, "noexec") == 0 || strcmp(o, "nosuid") == 0 ||
                    strcmp(o, "nodev") == 0)
                        continue;
                if (strncmp(o, "size=", 5) == 0) {
                        uint64_t sz;
                        if (parse_size(o + 5, &sz) < 0 || sz < 4096)
                                return dbx_error_set(err, EINVAL, "--tmpfs '%s': bad size '%s'", spec, o + 5);
                        c->tmp_size = sz;
                        continue;
                }
                if (strcmp(o, "exec") == 0 || strcmp(o, "suid") == 0 || strcmp(o, "dev") == 0)
                        return dbx_error_set(err, EPERM, "--tmpfs '%s': refusing '%s' (/tmp stays noexec,nosuid,nodev)", spec, o);
                return dbx_error_set(err, EINVAL, "--tmpfs '%s': unknown option '%s'", spec, o);
        }
        return 0;
}

static int parse_user(struct sandbox_config *c, const char *spec, struct dbx_error *err)
{
        uint64_t u, g;
        _cleanup_free_ char *copy = strdup(spec);
        if (!copy)
                return dbx_error_set(err, ENOMEM, "out of memory");
        char *gs = strchr(copy, ':');
        if (gs)
                *gs++ = '\0';
        if (parse_u64(copy, 65535 * 65536ULL - 2, &u) < 0 || (gs && parse_u64(gs, 65535 * 65536ULL - 2, &g) < 0))
                return dbx_error_set(err, EINVAL, "--user '%s': expected numeric UID[:GID] (names cannot be resolved in an empty root)", spec);
        c->uid = (uid_t)u;
        c->gid = gs ? (gid_t)g : (gid_t)u;
        return 0;
}

static int add_env(struct sandbox_config *c, const char *kv, const char *where, struct dbx_error *err)
{
        const char *eq = strchr(kv, '=');
        if (!eq || eq == kv)
                return dbx_error_set(err, EINVAL, "%s: '%s' is not KEY=VALUE", where, kv);
        for (const char *p = kv; p < eq; p++)
                if (!(isalnum((unsigned char)*p) || *p == '_') || (p == kv && isdigit((unsigned char)*p)))
                        return dbx_error_set(err, EINVAL, "%s: '%.*s' is not a valid variable name", where, (int)(eq - kv), kv);
        if (c->n_env >= MAX_ENV)
                return dbx_error_set(err, EINVAL, "too many environment variables (at most %d)", MAX_ENV);
        if (!(c->env[c->n_env] = strdup(kv)))
                return dbx_error_set(err, ENOMEM, "out of memory");
        c->n_env++;
        return 0;
}

/* A regular file of at most ENV_FILE_MAX_BYTES (/dev/null reads as empty, as in docker): a
 * device would be read forever (/dev/zero), a FIFO would block the launcher before anything is
 * checked, a directory is no list of variables. */
static int open_env_file(const char *path, FILE **ret, struct dbx_error *err)
{
        static const struct {
                mode_t type;
                const char *name;
        } types[] = {{S_IFDIR, "a directory"}, {S_IFCHR, "a character device"}, {S_IFBLK, "a block device"},
                     {S_IFIFO, "a FIFO"}, {S_IFSOCK, "a socket"}};
        struct stat st;
        *ret = NULL;
        /* O_NONBLOCK: opening a FIFO must not wait for a writer */
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0)
                return dbx_error_set(err, errno, "--env-file '%s': %s", path, strerror(errno));
        if (fstat(fd, &st) < 0) {
                int e = errno;
                close(fd);
                return dbx_error_set(err, e, "--env-file '%s': %s", path, strerror(e));
        }
        if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) { /* /dev/null: no variables */
                close(fd);
                return 0;
        }
        if (!S_ISREG(st.st_mode)) {
                const char *what = "not a regular file";
                for (size_t i = 0; i < ELEMENTSOF(types); i++)
                        if ((st.st_mode & S_IFMT) == types[i].type)
                                what = types[i].name;
                close(fd);
                return dbx_error_set(err, EINVAL, "--env-file '%s' is %s: give a regular file of KEY=VALUE lines", path, what);
        }
        if (st.st_size > ENV_FILE_MAX_BYTES) {
                close(fd);
                return dbx_error_set(err, EFBIG, "--env-file '%s' has %lld bytes: at most %d are read", path,
                                     (long long)st.st_size, ENV_FILE_MAX_BYTES);
        }
        if (!(*ret = fdopen(fd, "r"))) {
                int e = errno;
                close(fd);
                return dbx_error_set(err, e, "--env-file '%s': %s", path, strerror(e));
        }
        return 0;
}

static int parse_env_file(struct sandbox_config *c, const char *path, struct dbx_error *err)
{
        FILE *f;
        int r = open_env_file(path, &f, err);
        if (r < 0 || !f)
                return r;
        char line[8192];
        unsigned lineno = 0;
        size_t total = 0;
        while (r == 0 && fgets(line, sizeof(line), f)) {
                lineno++;
                size_t n = strlen(line);
                total += n;
                if (total > ENV_FILE_MAX_BYTES) { /* it grew since fstat */
                        r = dbx_error_set(err, EFBIG, "--env-file '%s': more than %d bytes", path, ENV_FILE_MAX_BYTES);
                        break;
                }
                if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
                        r = dbx_error_set(err, EINVAL, "--env-file '%s': line %u is too long", path, lineno);
                        break;
                }
                while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                        line[--n] = '\0';
                char *p = line + strspn(line, " \t");
                if (*p == '\0' || *p == '#')
                        continue;
                char where[PATH_MAX + 32];
                snprintf(where, sizeof(where), "--env-file '%s' line %u", path, lineno);
                r = add_env(c, p, where, err);
        }
        fclose(f);
        return r;
}

static int parse_security_opt(struct sandbox_config *c, const char *o, struct dbx_error *err)
{
        if (strcmp(o, "no-new-privileges") == 0 || strcmp(o, "no-new-privileges:true") == 0 ||
            strcmp(o, "no-new-privileges=true") == 0)
                return 0; /* always on */
        if (strncmp(o, "no-new-privileges", 17) == 0)
                return dbx_error_set(err, EPERM, "--security-opt '%s': no_new_privs is always set and cannot be turned off", o);
        if (strncmp(o, "seccomp=", 8) == 0 || strncmp(o, "seccomp:", 8) == 0) {
                const char *v = o + 8;
                if (strcmp(v, "unconfined") == 0)
                        return dbx_error_set(err, EPERM, "--security-opt seccomp=unconfined is refused: denybox always loads a seccomp filter");
                if (!*v)
                        return dbx_error_set(err, EINVAL, "--security-opt seccomp= needs a profile file or a built-in name");
                free(c->seccomp_profile);
                c->seccomp_profile = strdup(v);
                return c->seccomp_profile ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        }
        return dbx_error_set(err, EINVAL, "--security-opt '%s' is not supported (only no-new-privileges and seccomp=PROFILE)", o);
}

static int parse_limit(const char *name, const char *v, int64_t *ret, bool size, struct dbx_error *err)
{
        uint64_t n;
        int r = size ? parse_size(v, &n) : parse_u64(v, INT32_MAX, &n);
        if (r < 0 || n == 0)
                return dbx_error_set(err, EINVAL, "%s '%s': expected a positive %s", name, v, size ? "size such as 256m" : "integer");
        *ret = (int64_t)n;
        return 0;
}

static int parse_cpus(struct sandbox_config *c, const char *v, struct dbx_error *err)
{
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (errno || end == v || *end || !(d >= 0.01) || d > 1024)
                return dbx_error_set(err, EINVAL, "--cpus '%s': expected a number of CPUs between 0.01 and 1024", v);
        c->limits.cpus_milli = (int64_t)(d * 1000 + 0.5);
        return 0;
}

enum {
        OPT_ROOTFS = 0x100, OPT_TMPFS, OPT_NETWORK, OPT_READ_ONLY, OPT_CAP_DROP, OPT_CAP_ADD,
        OPT_SECURITY_OPT, OPT_ENV_FILE, OPT_PIDS_LIMIT, OPT_MEMORY_SWAP, OPT_CPUS, OPT_TIMEOUT,
        OPT_JSON, OPT_RM, OPT_PRIVILEGED, OPT_NS_PID, OPT_NS_IPC, OPT_NS_UTS, OPT_NS_USER,
        OPT_NS_CGROUP, OPT_DEVICE, OPT_BPF_OUT, OPT_WEAKEN, OPT_STOP_TIMEOUT,
        OPT_IMAGE, OPT_IMAGE_CACHE, OPT_ENTRYPOINT, OPT_SECCOMP_CACHE,
        OPT_MERGE, OPT_ARGS,
};

static const struct option long_options[] = {
        {"rootfs", required_argument, NULL, OPT_ROOTFS},
        {"volume", required_argument, NULL, 'v'},
        {"tmpfs", required_argument, NULL, OPT_TMPFS},
        {"user", required_argument, NULL, 'u'},
        {"network", required_argument, NULL, OPT_NETWORK},
        {"net", required_argument, NULL, OPT_NETWORK},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"cap-drop", required_argument, NULL, OPT_CAP_DROP},
        {"cap-add", required_argument, NULL, OPT_CAP_ADD},
        {"security-opt", required_argument, NULL, OPT_SECURITY_OPT},
        {"env-file", required_argument, NULL, OPT_ENV_FILE},
        {"env", required_argument, NULL, 'e'},
        {"workdir", required_argument, NULL, 'w'},
        {"pids-limit", required_argument, NULL, OPT_PIDS_LIMIT},
        {"memory", required_argument, NULL, 'm'},
        {"memory-swap", required_argument, NULL, OPT_MEMORY_SWAP},
        {"cpus", required_argument, NULL, OPT_CPUS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT},
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, OPT_JSON},
        {"bpf-out", required_argument, NULL, OPT_BPF_OUT},
        {"weaken", required_argument, NULL, OPT_WEAKEN},
        {"rm", no_argument, NULL, OPT_RM},
        {"interactive", no_argument, NULL, 'i'},
        {"tty", no_argument, NULL, 't'},
        {"privileged", no_argument, NULL, OPT_PRIVILEGED},
        {"pid", required_argument, NULL, OPT_NS_PID},
        {"ipc", required_argument, NULL, OPT_NS_IPC},
        {"uts", required_argument, NULL, OPT_NS_UTS},
        {"userns", required_argument, NULL, OPT_NS_USER},
        {"cgroupns", required_argument, NULL, OPT_NS_CGROUP},
        {"device", required_argument, NULL, OPT_DEVICE},
        {"help", no_argument, NULL, 'h'},
        {"image", required_argument, NULL, OPT_IMAGE},
        {"image-cache", required_argument, NULL, OPT_IMAGE_CACHE},
        {"seccomp-cache", required_argument, NULL, OPT_SECCOMP_CACHE},
        {"entrypoint", required_argument, NULL, OPT_ENTRYPOINT},
        {"merge", required_argument, NULL, OPT_MERGE},
        {"args", no_argument, NULL, OPT_ARGS},
        {},
};

static const struct {
        const char *name;
        enum command cmd;
} commands[] = {
        {"run", CMD_RUN},         {"attest", CMD_ATTEST},   {"explain", CMD_EXPLAIN},
        {"seccomp", CMD_SECCOMP}, {"version", CMD_VERSION}, {"--version", CMD_VERSION},
        {"help", CMD_HELP},       {"--help", CMD_HELP},     {"-h", CMD_HELP},
        {"image", CMD_IMAGE},
        {"learn", CMD_LEARN},
};

static int parse_option(struct sandbox_config *c, int opt, const char *arg, struct dbx_error *err)
{
        uint64_t n;
        int r;

        switch (opt) {
        case OPT_ROOTFS:
                if (arg[0] != '/')
                        return dbx_error_set(err, EINVAL, "--rootfs '%s': use an absolute path", arg);
                free(c->rootfs);
                return (c->rootfs = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case 'v':
                return parse_volume(c, arg, err);
        case OPT_TMPFS:
                return parse_tmpfs(c, arg, err);
        case 'u':
                c->user_set = true;
                return parse_user(c, arg, err);
        case OPT_NETWORK:
                if (strcmp(arg, "none") == 0)
                        return 0;
                if (strcmp(arg, "host") == 0)
                        return dbx_error_set(err, EPERM, "--network host is refused: the sandbox always has an empty network namespace");
                return dbx_error_set(err, EINVAL, "--network '%s' is not supported (only none)", arg);
        case OPT_READ_ONLY:
        case OPT_RM:
        case 'i':
                return 0; /* the root is always read-only; nothing is kept; stdin is always passed */
        case OPT_CAP_DROP:
                return 0; /* every capability is dropped whatever is named */
        case OPT_CAP_ADD:
                return dbx_error_set(err, EPERM, "--cap-add %s is refused: the payload runs with every capability set empty", arg);
        case OPT_PRIVILEGED:
                return dbx_error_set(err, EPERM, "--privileged is refused: it would remove the boundary denybox exists to build");
        case 't':
                return dbx_error_set(err, EPERM, "--tty is refused: the payload gets no controlling terminal (TIOCSTI)");
        case OPT_DEVICE:
                return dbx_error_set(err, EPERM, "--device %s is refused: /dev holds only null, zero, full, random, urandom and tty", arg);
        case OPT_NS_PID:
        case OPT_NS_IPC:
        case OPT_NS_UTS:
        case OPT_NS_USER:
        case OPT_NS_CGROUP:
                if (strcmp(arg, "private") == 0 || strcmp(arg, "") == 0)
                        return 0;
                return dbx_error_set(err, EPERM, "namespace mode '%s' is refused: every namespace is private to the sandbox", arg);
        case OPT_SECURITY_OPT:
                return parse_security_opt(c, arg, err);
        case OPT_ENV_FILE:
                return parse_env_file(c, arg, err);
        case 'e':
                return add_env(c, arg, "-e", err);
        case 'w':
                if (!target_is_clean(arg) && strcmp(arg, "/") != 0)
                        return dbx_error_set(err, EINVAL, "--workdir '%s': use a normalised absolute path", arg);
                free(c->workdir);
                return (c->workdir = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_PIDS_LIMIT:
                return parse_limit("--pids-limit", arg, &c->limits.pids, false, err);
        case 'm':
                if ((r = parse_limit("--memory", arg, &c->limits.memory, true, err)) < 0)
                        return r;
                /* below this the sandbox's own setup and init cannot run (docker has the same minimum) */
                if (c->limits.memory < MEMORY_MIN_BYTES)
                        return dbx_error_set(err, EINVAL, "--memory '%s' is below the minimum of 6m (%d bytes): the sandbox's own setup needs that much",
                                             arg, MEMORY_MIN_BYTES);
                return 0;
        case OPT_MEMORY_SWAP:
                if (strcmp(arg, "-1") == 0)
                        return dbx_error_set(err, EPERM, "--memory-swap -1 (unlimited swap) is refused");
                return parse_limit("--memory-swap", arg, &c->limits.memory_swap, true, err);
        case OPT_CPUS:
                return parse_cpus(c, arg, err);
        case OPT_TIMEOUT:
                if (parse_u64(arg, 31 * 24 * 3600, &n) < 0 || n == 0)
                        return dbx_error_set(err, EINVAL, "--timeout '%s': expected whole seconds between 1 and 2678400", arg);
                c->timeout_sec = (unsigned)n;
                return 0;
        case OPT_STOP_TIMEOUT:
                if (parse_u64(arg, 3600, &n) < 0)
                        return dbx_error_set(err, EINVAL, "--stop-timeout '%s': expected whole seconds between 0 and 3600", arg);
                c->stop_timeout_sec = (unsigned)n;
                return 0;
        case 'o':
                free(c->output_dir);
                return (c->output_dir = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_JSON:
                c->json = true;
                return 0;
        case OPT_WEAKEN:
                return parse_weaken(c, arg, err);
        case OPT_IMAGE:
                free(c->image);
                return (c->image = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_IMAGE_CACHE:
                if (arg[0] != '/')
                        return dbx_error_set(err, EINVAL, "--image-cache '%s': use an absolute path", arg);
                free(c->image_cache);
                return (c->image_cache = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_SECCOMP_CACHE:
                if (arg[0] != '/' && strcmp(arg, "off") != 0)
                        return dbx_error_set(err, EINVAL, "--seccomp-cache '%s': use an absolute path, or off", arg);
                free(c->seccomp_cache);
                return (c->seccomp_cache = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_ENTRYPOINT:
                free(c->entrypoint);
                c->entrypoint_set = true;
                return (c->entrypoint = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_BPF_OUT:
                free(c->bpf_out);
                return (c->bpf_out = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_MERGE:
                free(c->merge);
                return (c->merge = strdup(arg)) ? 0 : dbx_error_set(err, ENOMEM, "out of memory");
        case OPT_ARGS:
                c->learn_args = true;
                return 0;
        default:
                return dbx_error_set(err, EINVAL, "unexpected option");
        }
}

static int validate(struct sandbox_config *c, struct dbx_error *err)
{
        const struct limits *l = &c->limits;
        if (l->memory_swap >= 0 && l->memory < 0)
                return dbx_error_set(err, EINVAL, "--memory-swap needs --memory");
        if (l->memory_swap >= 0 && l->memory_swap < l->memory)
                return dbx_error_set(err, EINVAL, "--memory-swap must be at least --memory (it counts memory plus swap)");
        /* -o and --json are attest's; elsewhere they would be ignored without a word */
        if (c->command != CMD_ATTEST && c->command != CMD_LEARN && c->output_dir)
                return dbx_error_set(err, EINVAL, "-o/--output belongs to attest (the bundle) and learn (the profile); run writes neither");
        if (c->command != CMD_ATTEST && c->json)
                return dbx_error_set(err, EINVAL, "--json belongs to attest");
        if (c->image && c->rootfs)
                return dbx_error_set(err, EINVAL, "--image and --rootfs name two roots: give one");
        if ((c->image || c->entrypoint_set) && c->command != CMD_RUN && c->command != CMD_ATTEST && c->command != CMD_EXPLAIN)
                return dbx_error_set(err, EINVAL, "--image and --entrypoint belong to run, attest and explain");
        if (c->entrypoint_set && (!c->image || c->command != CMD_RUN))
                return dbx_error_set(err, EINVAL, "--entrypoint belongs to run --image");
        if (c->image_cache && !c->image && c->command != CMD_IMAGE)
                return dbx_error_set(err, EINVAL, "--image-cache belongs to --image and the image command");
        if (c->command == CMD_IMAGE) {
                const char *sub = c->argc ? c->argv[0] : "";
                bool one = strcmp(sub, "rm") == 0;
                if (!(strcmp(sub, "ls") == 0 || strcmp(sub, "prune") == 0 || one) || c->argc != (one ? 2u : 1u))
                        return dbx_error_set(err, EINVAL, "usage: denybox image ls | rm DIGEST|REFERENCE | prune [--image-cache DIR]");
        }
        if (c->command == CMD_RUN && c->argc == 0 && !c->image)
                return dbx_error_set(err, EINVAL, "run: missing the command to run (denybox run [OPTIONS] -- CMD [ARG...])");
        if ((c->command == CMD_ATTEST || c->command == CMD_EXPLAIN) && c->argc > 0)
                return dbx_error_set(err, EINVAL, "%s takes no command: the payload is denybox's own probe",
                                     c->command == CMD_ATTEST ? "attest" : "explain");
        if (c->command == CMD_SECCOMP && c->argc > 1)
                return dbx_error_set(err, EINVAL, "seccomp takes one profile (a file or a built-in name)");
        if (c->argc > MAX_ARGS)
                return dbx_error_set(err, E2BIG, "too many arguments for the payload (at most %d)", MAX_ARGS);
        /* The kernel's limit for the one exec: argv + envp together within what the stack rlimit
         * allows (2 MiB by default); say so now, not as a failed exec.  (Single strings cannot
         * exceed MAX_ARG_STRLEN: denybox's own argv had to fit it, --env-file lines are shorter.) */
        size_t total = 0;
        for (size_t i = 0; i < c->argc + c->n_env; i++)
                total += strlen(i < c->argc ? c->argv[i] : c->env[i - c->argc]) + 1 + sizeof(char *);
        if (total > ARG_TOTAL_MAX)
                return dbx_error_set(err, E2BIG, "arguments and environment take %zu bytes: at most %d fit the exec", total,
                                     ARG_TOTAL_MAX);
        if (c->weaken && c->command != CMD_ATTEST && c->command != CMD_RUN && c->command != CMD_EXPLAIN)
                return dbx_error_set(err, EINVAL, "--weaken belongs to attest and run (test-only negative controls)");
        if (c->bpf_out && c->command != CMD_SECCOMP)
                return dbx_error_set(err, EINVAL, "--bpf-out belongs to the seccomp command");
        if ((c->merge || c->learn_args) && c->command != CMD_LEARN)
                return dbx_error_set(err, EINVAL, "%s belongs to the learn command", c->merge ? "--merge" : "--args");
        if (c->command == CMD_LEARN && c->argc == 0)
                return dbx_error_set(err, EINVAL, "learn: missing the command to record (denybox learn [OPTIONS] [-o PROFILE.json] -- CMD [ARG...])");
        if (c->command == CMD_LEARN && c->json)
                return dbx_error_set(err, EINVAL, "--json belongs to attest");
        return 0;
}

int config_parse(struct sandbox_config *c, int argc, char **argv, struct dbx_error *err)
{
        if (argc < 2)
                return dbx_error_set(err, EINVAL, "missing command (run, attest, learn, explain, seccomp, image, verify, version; see denybox help)");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (strcmp(argv[1], commands[i].name) == 0)
                        c->command = commands[i].cmd;
        if (c->command == CMD_NONE)
                return dbx_error_set(err, EINVAL, "unknown command '%s' (run, attest, learn, explain, seccomp, image, verify, version)", argv[1]);
        if (c->command == CMD_VERSION || c->command == CMD_HELP)
                return 0;

        /* getopt_long on argv[1..]: "+" stops at the first non-option (the payload command).  The
         * seccomp command has no payload: "-" hands its non-options back in order (opt 1), so the
         * profile may come before or after --bpf-out. */
        int sub_argc = argc - 1;
        char **sub_argv = argv + 1;
        /* seccomp: a profile anywhere among its options ('-' returns it as 1); image: options anywhere
         * (denybox image ls --image-cache DIR); the others stop at the first operand */
        const char *optstring = c->command == CMD_SECCOMP ? "-:v:u:e:w:m:o:ith"
                                : c->command == CMD_IMAGE ? ":v:u:e:w:m:o:ith" : "+:v:u:e:w:m:o:ith";
        size_t n_positional = 0;
        optind = 0;
        opterr = 0;
        for (;;) {
                int idx = -1;
                int opt = getopt_long(sub_argc, sub_argv, optstring, long_options, &idx);
                if (opt == -1)
                        break;
                if (opt == 1) { /* CMD_SECCOMP only: a profile name or path */
                        if (n_positional++ > 0)
                                return dbx_error_set(err, EINVAL, "seccomp takes one profile (a file or a built-in name)");
                        free(c->seccomp_profile);
                        if (!(c->seccomp_profile = strdup(optarg)))
                                return dbx_error_set(err, ENOMEM, "out of memory");
                        continue;
                }
                if (opt == '?')
                        return dbx_error_set(err, EINVAL, "unknown option '%s' (see denybox help)", sub_argv[optind - 1]);
                if (opt == ':')
                        return dbx_error_set(err, EINVAL, "option '%s' needs a value", sub_argv[optind - 1]);
                if (opt == 'h') {
                        c->command = CMD_HELP;
                        return 0;
                }
                int r = parse_option(c, opt, optarg, err);
                if (r < 0)
                        return r;
        }
        c->argv = sub_argv + optind;
        c->argc = (size_t)(sub_argc - optind);
        if (c->command == CMD_SECCOMP && c->argc == 1) { /* after "--" */
                if (n_positional > 0)
                        return dbx_error_set(err, EINVAL, "seccomp takes one profile (a file or a built-in name)");
                free(c->seccomp_profile);
                c->seccomp_profile = strdup(c->argv[0]);
        }
        return validate(c, err);
}

bool config_profile_is_builtin(const char *ref)
{
        /* a name without '/' that is not a .json file names a built-in profile */
        size_t n = strlen(ref);
        return !strchr(ref, '/') && !(n > 5 && strcmp(ref + n - 5, ".json") == 0);
}


const struct volume *config_volume_at(const struct sandbox_config *c, const char *target)
{
        for (size_t i = 0; i < c->n_volumes; i++)
                if (strcmp(c->volumes[i].target, target) == 0)
                        return &c->volumes[i];
        return NULL;
}
