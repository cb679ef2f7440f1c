/* SPDX-License-Identifier: MIT */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/magic.h>

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CPU_PERIOD_US 100000

static const char *const v1_controllers[3] = {"pids", "memory", "cpu"};

const char *limit_kind_name(enum limit_kind k)
{
        static const char *const names[_LIMIT_MAX] = {"pids", "memory", "memory-swap", "cpus"};
        return k < _LIMIT_MAX ? names[k] : "?";
}

const char *limit_mech_name(enum limit_mech m)
{
        static const char *const names[] = {
                [MECH_UNSET] = "not set", [MECH_CGROUP2] = "cgroup v2", [MECH_CGROUP1] = "cgroup v1",
                [MECH_RLIMIT] = "rlimit", [MECH_UNENFORCED] = "NOT ENFORCED (no writable cgroup for it here)",
        };
        return names[m];
}

const char *limit_mech_label(enum limit_kind k, enum limit_mech m)
{
        if (m == MECH_RLIMIT && (k == LIMIT_MEMORY || k == LIMIT_SWAP))
                return "rlimit (RLIMIT_AS: address space only)";
        return limit_mech_name(m);
}

const char *cgroup_hint(void)
{
        if (geteuid() != 0 && access("/run/systemd/system", F_OK) == 0)
                return "; for a delegated cgroup run it as `systemd-run --user --scope -p Delegate=yes denybox ...`";
        return "";
}

static int write_str(const char *dir, const char *file, const char *val)
{
        char p[PATH_MAX + 64];
        snprintf(p, sizeof(p), "%s/%s", dir, file);
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        size_t n = strlen(val);
        return write(fd, val, n) == (ssize_t)n ? 0 : -errno;
}

static bool file_has_word(const char *path, const char *word)
{
        char buf[512] = "";
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, buf, sizeof(buf) - 1) < 0)
                return false;
        for (char *save = NULL, *t = strtok_r(buf, " \n", &save); t; t = strtok_r(NULL, " \n", &save))
                if (strcmp(t, word) == 0)
                        return true;
        return false;
}

/* Our own cgroup in a hierarchy: "0::/x" for v2, "N:pids:/x" (or "N:cpu,cpuacct:/x") for v1. */
static bool own_cgroup(const char *controller, char *out, size_t size)
{
        FILE *f = fopen("/proc/self/cgroup", "re");
        char line[PATH_MAX + 64];
        bool found = false;
        if (!f)
                return false;
        while (!found && fgets(line, sizeof(line), f)) {
                char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
                if (!b)
                        continue;
                *b = '\0';
                line[strcspn(b + 1, "\n") + (size_t)(b + 1 - line)] = '\0';
                if (!controller) {
                        found = strcmp(a + 1, "") == 0;
                } else {
                        for (char *save = NULL, *t = strtok_r(a + 1, ",", &save); t && !found; t = strtok_r(NULL, ",", &save))
                                found = strcmp(t, controller) == 0;
                }
                if (found)
                        snprintf(out, size, "%s", b + 1);
        }
        fclose(f);
        return found;
}

/* The v2 hierarchy's mount point, or NULL. */
static const char *v2_root(void)
{
        struct statfs s;
        if (statfs(CGROUP_ROOT, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
                return CGROUP_ROOT;
        if (statfs(CGROUP_ROOT "/unified", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
                return CGROUP_ROOT "/unified";
        return NULL;
}

/* v2: as root, a leaf under <root>/denybox; unprivileged, a sibling of our own cgroup where that
 * parent is delegated to us.  Either way its parent must offer the controllers we need. */
static bool v2_parent(char *out, size_t size)
{
        const char *root = v2_root();
        char own[PATH_MAX];
        if (!root)
                return false;
        if (geteuid() == 0) {
                snprintf(out, size, "%s/denybox", root);
                return true;
        }
        if (!own_cgroup(NULL, own, sizeof(own)))
                return false;
        char *slash = strrchr(own, '/');
        if (!slash || slash == own)
                return false;
        *slash = '\0';
        snprintf(out, size, "%s%s", root, own);
        return access(out, W_OK) == 0;
}

static const char *v2_controller(enum limit_kind k)
{
        return k == LIMIT_PIDS ? "pids" : k == LIMIT_CPUS ? "cpu" : "memory";
}

static int v1_index(enum limit_kind k)
{
        return k == LIMIT_PIDS ? 0 : k == LIMIT_CPUS ? 2 : 1;
}

static bool v1_usable(enum limit_kind k, char *dir, size_t size)
{
        const char *c = v1_controllers[v1_index(k)];
        char own[PATH_MAX], base[PATH_MAX + 64];
        struct statfs s;
        snprintf(base, sizeof(base), CGROUP_ROOT "/%s", c);
        if (statfs(base, &s) < 0 || s.f_type != CGROUP_SUPER_MAGIC || !own_cgroup(c, own, sizeof(own)))
                return false;
        snprintf(dir, size, "%s%s", base, strcmp(own, "/") == 0 ? "" : own);
        if (k == LIMIT_SWAP) {
                char p[PATH_MAX + 64];
                snprintf(p, sizeof(p), "%s/memory.memsw.limit_in_bytes", dir);
                if (access(p, F_OK) < 0)
                        return false;
        }
        return access(dir, W_OK) == 0;
}

static int decide(const struct limits *l, struct cgroup_plan *p, char *v2_par, size_t v2_size)
{
        const int64_t asked[_LIMIT_MAX] = {l->pids, l->memory, l->memory_swap, l->cpus_milli};
        bool have_v2 = v2_parent(v2_par, v2_size);
        char avail[PATH_MAX + 64], dir[PATH_MAX];
        /* root: what the v2 root offers (prepare_v2 enables it down to <root>/denybox, which may not
         * exist yet); unprivileged: what the delegated parent already passes down */
        if (have_v2 && geteuid() == 0)
                snprintf(avail, sizeof(avail), "%s/cgroup.controllers", v2_root());
        else
                snprintf(avail, sizeof(avail), "%s/cgroup.subtree_control", v2_par);

        for (int k = 0; k < _LIMIT_MAX; k++) {
                if (asked[k] < 0)
                        p->mech[k] = MECH_UNSET;
                else if (have_v2 && file_has_word(avail, v2_controller((enum limit_kind)k)))
                        p->mech[k] = MECH_CGROUP2;
                else if (v1_usable((enum limit_kind)k, dir, sizeof(dir)))
                        p->mech[k] = MECH_CGROUP1;
                else if (k == LIMIT_PIDS || k == LIMIT_MEMORY || k == LIMIT_SWAP)
                        p->mech[k] = MECH_RLIMIT; /* RLIMIT_NPROC; RLIMIT_AS bounds memory and swap together */
                else
                        p->mech[k] = MECH_UNENFORCED;
        }
        return 0;
}

static int mkdir_cg(const char *dir, struct dbx_error *err)
{
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return dbx_error_set(err, errno, "cannot create cgroup %s: %s", dir, strerror(errno));
        return 0;
}

static int set_limit(const char *dir, const char *file, const char *val, struct dbx_error *err)
{
        int r = write_str(dir, file, val);
        if (r < 0)
                return dbx_error_set(err, -r, "cannot write %s/%s = %s: %s", dir, file, val, strerror(-r));
        return 0;
}

static int prepare_v2(const struct limits *l, struct cgroup_plan *p, const char *parent, struct dbx_error *err)
{
        char v[64];
        int r;

        if (geteuid() == 0) {
                /* the root cgroup may hold processes and delegate; <root>/denybox holds none */
                char root[PATH_MAX];
                snprintf(root, sizeof(root), "%s", parent);
                *strrchr(root, '/') = '\0';
                write_str(root, "cgroup.subtree_control", "+pids +memory +cpu");
                if ((r = mkdir_cg(parent, err)) < 0)
                        return r;
                write_str(parent, "cgroup.subtree_control", "+pids +memory +cpu");
        }
        snprintf(p->v2_dir, sizeof(p->v2_dir), "%s/%s%d", parent, geteuid() == 0 ? "" : "denybox-", (int)getpid());
        if ((r = mkdir_cg(p->v2_dir, err)) < 0)
                return r;
        if (p->mech[LIMIT_PIDS] == MECH_CGROUP2) {
                snprintf(v, sizeof(v), "%lld", (long long)l->pids);
                if ((r = set_limit(p->v2_dir, "pids.max", v, err)) < 0)
                        return r;
        }
        if (p->mech[LIMIT_MEMORY] == MECH_CGROUP2) {
                snprintf(v, sizeof(v), "%lld", (long long)l->memory);
                if ((r = set_limit(p->v2_dir, "memory.max", v, err)) < 0)
                        return r;
                /* docker: --memory-swap counts memory plus swap; without it, no swap at all */
                snprintf(v, sizeof(v), "%lld", (long long)(l->memory_swap >= 0 ? l->memory_swap - l->memory : 0));
                write_str(p->v2_dir, "memory.swap.max", v); /* absent without swap accounting */
        }
        if (p->mech[LIMIT_CPUS] == MECH_CGROUP2) {
                snprintf(v, sizeof(v), "%lld %d", (long long)l->cpus_milli * CPU_PERIOD_US / 1000, CPU_PERIOD_US);
                if ((r = set_limit(p->v2_dir, "cpu.max", v, err)) < 0)
                        return r;
        }
        p->v2_fd = open(p->v2_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (p->v2_fd < 0)
                return dbx_error_set(err, errno, "cannot open cgroup %s: %s", p->v2_dir, strerror(errno));
        return 0;
}

static int prepare_v1(const struct limits *l, struct cgroup_plan *p, struct dbx_error *err)
{
        char v[64], dir[PATH_MAX];
        int r;

        for (int k = 0; k < _LIMIT_MAX; k++) {
                if (p->mech[k] != MECH_CGROUP1)
                        continue;
                int i = v1_index((enum limit_kind)k);
                if (!p->v1_dir[i][0]) {
                        if (!v1_usable((enum limit_kind)k, dir, sizeof(dir)))
                                return dbx_error_set(err, EACCES, "cgroup v1 %s is not writable", v1_controllers[i]);
                        snprintf(p->v1_dir[i], sizeof(p->v1_dir[i]), "%s/denybox-%d", dir, (int)getpid());
                        if ((r = mkdir_cg(p->v1_dir[i], err)) < 0)
                                return r;
                }
                const char *d = p->v1_dir[i];
                switch ((enum limit_kind)k) {
                case LIMIT_PIDS:
                        snprintf(v, sizeof(v), "%lld", (long long)l->pids);
                        r = set_limit(d, "pids.max", v, err);
                        break;
                case LIMIT_MEMORY:
                        snprintf(v, sizeof(v), "%lld", (long long)l->memory);
                        r = set_limit(d, "memory.limit_in_bytes", v, err);
                        /* without --memory-swap: no swap beyond memory (docker's default is 2x) */
                        if (r == 0 && p->mech[LIMIT_SWAP] != MECH_CGROUP1 && l->memory_swap < 0)
                                write_str(d, "memory.memsw.limit_in_bytes", v);
                        break;
                case LIMIT_SWAP:
                        snprintf(v, sizeof(v), "%lld", (long long)l->memory_swap);
                        r = set_limit(d, "memory.memsw.limit_in_bytes", v, err);
                        break;
                case LIMIT_CPUS:
                        snprintf(v, sizeof(v), "%d", CPU_PERIOD_US);
                        r = set_limit(d, "cpu.cfs_period_us", v, err);
                        snprintf(v, sizeof(v), "%lld", (long long)l->cpus_milli * CPU_PERIOD_US / 1000);
                        if (r == 0)
                                r = set_limit(d, "cpu.cfs_quota_us", v, err);
                        break;
                case _LIMIT_MAX:
                        r = 0;
                        break;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

/* A launcher killed by SIGKILL cannot remove its cgroups: the next run removes those whose
 * launcher (the pid in the name) is gone.  rmdir only succeeds on an empty cgroup. */
static void sweep_stale(const char *dir, const char *prefix)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        size_t n = strlen(prefix);
        while (d && (e = readdir(d))) {
                char *end;
                if (strncmp(e->d_name, prefix, n) != 0)
                        continue;
                long pid = strtol(e->d_name + n, &end, 10);
                if (*end || pid <= 0 || (kill((pid_t)pid, 0) < 0 && errno != ESRCH) || kill((pid_t)pid, 0) == 0)
                        continue;
                char p[PATH_MAX + 300];
                snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
                rmdir(p);
        }
        if (d)
                closedir(d);
}

static void sweep_all_stale(const char *v2_par)
{
        char dir[PATH_MAX];
        if (v2_par[0])
                sweep_stale(v2_par, geteuid() == 0 ? "" : "denybox-");
        for (int k = 0; k < _LIMIT_MAX; k++)
                if (v1_usable((enum limit_kind)k, dir, sizeof(dir)))
                        sweep_stale(dir, "denybox-");
}

int cgroup_prepare(const struct limits *l, bool dry_run, struct cgroup_plan *p, struct dbx_error *err)
{
        char v2_par[PATH_MAX] = "";
        int r;

        *p = (struct cgroup_plan){.v2_fd = -1};
        if (l->pids < 0 && l->memory < 0 && l->memory_swap < 0 && l->cpus_milli < 0)
                return 0; /* nothing asked: no cgroup is looked at, none is made */
        decide(l, p, v2_par, sizeof(v2_par));
        if (dry_run)
                return 0;
        sweep_all_stale(v2_par);
        bool any_v2 = false;
        for (int k = 0; k < _LIMIT_MAX; k++)
                any_v2 |= p->mech[k] == MECH_CGROUP2;
        if (any_v2 && (r = prepare_v2(l, p, v2_par, err)) < 0)
                goto fail;
        if ((r = prepare_v1(l, p, err)) < 0)
                goto fail;
        return 0;
fail:
        cgroup_remove(p);
        return r;
}

int cgroup_attach(const struct cgroup_plan *p, pid_t pid, bool in_v2_already, struct dbx_error *err)
{
        char v[32];
        snprintf(v, sizeof(v), "%d", (int)pid);
        if (p->v2_dir[0] && !in_v2_already) {
                int r = write_str(p->v2_dir, "cgroup.procs", v);
                if (r < 0)
                        return dbx_error_set(err, -r, "cannot move the sandbox into %s: %s", p->v2_dir, strerror(-r));
        }
        for (int i = 0; i < 3; i++)
                if (p->v1_dir[i][0]) {
                        int r = write_str(p->v1_dir[i], "cgroup.procs", v);
                        if (r < 0)
                                return dbx_error_set(err, -r, "cannot move the sandbox into %s: %s", p->v1_dir[i], strerror(-r));
                }
        return 0;
}

int cgroup_apply_rlimits(const struct limits *l, const struct cgroup_plan *p, struct dbx_error *err)
{
        if (p->mech[LIMIT_PIDS] == MECH_RLIMIT) {
                /* counted per user; the sandbox uid is the caller's own when unprivileged */
                struct rlimit r = {(rlim_t)l->pids, (rlim_t)l->pids};
                if (setrlimit(RLIMIT_NPROC, &r) < 0)
                        return dbx_error_set(err, errno, "RLIMIT_NPROC: %s", strerror(errno));
        }
        if (p->mech[LIMIT_MEMORY] == MECH_RLIMIT || p->mech[LIMIT_SWAP] == MECH_RLIMIT) {
                int64_t m = l->memory >= 0 ? l->memory : l->memory_swap;
                struct rlimit r = {(rlim_t)m, (rlim_t)m};
                if (setrlimit(RLIMIT_AS, &r) < 0)
                        return dbx_error_set(err, errno, "RLIMIT_AS: %s", strerror(errno));
        }
        return 0;
}

static bool oom_in(const char *dir, const char *file)
{
        char p[PATH_MAX + 64], buf[1024] = "";
        snprintf(p, sizeof(p), "%s/%s", dir, file);
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
                return false;
        const char *k = strstr(buf, "oom_kill ");
        return k && strtol(k + 9, NULL, 10) > 0;
}

bool cgroup_oom_killed(const struct cgroup_plan *p)
{
        return (p->v2_dir[0] && oom_in(p->v2_dir, "memory.events")) ||
               (p->v1_dir[1][0] && oom_in(p->v1_dir[1], "memory.oom_control"));
}

static void rmdir_retry(const char *dir)
{
        /* the pid namespace's processes are SIGKILLed when its init exits; give them a moment */
        for (int i = 0; i < 200 && rmdir(dir) < 0 && errno == EBUSY; i++) {
                struct timespec ts = {0, 5 * 1000 * 1000};
                nanosleep(&ts, NULL);
        }
}

void cgroup_remove(struct cgroup_plan *p)
{
        if (p->v2_fd >= 0)
                close(p->v2_fd);
        p->v2_fd = -1;
        if (p->v2_dir[0])
                rmdir_retry(p->v2_dir);
        for (int i = 0; i < 3; i++)
                if (p->v1_dir[i][0])
                        rmdir_retry(p->v1_dir[i]);
        p->v2_dir[0] = p->v1_dir[0][0] = p->v1_dir[1][0] = p->v1_dir[2][0] = '\0';
}
