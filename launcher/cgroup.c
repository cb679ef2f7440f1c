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

/* True if pid is the only process in the v2 cgroup dir. */
static bool alone_in(const char *dir)
{
        char p[PATH_MAX + 64], buf[64] = "";
        snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
                return false;
        buf[n] = '\0';
        char *end;
        long pid = strtol(buf, &end, 10);
        return pid == (long)getpid() && (*end == '\0' || (end[0] == '\n' && end[1] == '\0'));
}

/* v2, systemd's delegation contract: denybox creates cgroups only inside its own cgroup, never
 * beside it.  Its own cgroup is usable if it is writable and either the hierarchy's root (no
 * systemd: the root may hold processes and delegate) or denybox is alone in it (a scope made for
 * it, e.g. `systemd-run --scope -p Delegate=yes denybox ...`): then denybox moves itself into a
 * leaf child, enables the controllers on its own cgroup and creates the sandbox's cgroup beside
 * that leaf (the "no internal processes" rule forbids controllers on a cgroup holding processes).
 * out is the own cgroup's directory. */
static bool v2_parent(char *out, size_t size)
{
        const char *root = v2_root();
        char own[PATH_MAX];
        if (!root || !own_cgroup(NULL, own, sizeof(own)))
                return false;
        snprintf(out, size, "%s%s", root, strcmp(own, "/") == 0 ? "" : own);
        char procs[PATH_MAX + 64], ctl[PATH_MAX + 64];
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", out);
        snprintf(ctl, sizeof(ctl), "%s/cgroup.subtree_control", out);
        if (access(out, W_OK) < 0 || access(procs, W_OK) < 0 || access(ctl, W_OK) < 0)
                return false;
        return strcmp(own, "/") == 0 || alone_in(out);
}

/* Unusable own cgroup on a systemd host with a unified hierarchy: systemd can make denybox a
 * delegated scope of its own (as rootless podman asks for one), through systemd-run: root through
 * the system manager, a user through their user manager's bus.  DENYBOX_SYSTEMD_SCOPE is set in
 * the scope (and to "0" by a caller who does not want one). */
static const char *systemd_run(void)
{
        static const char *const paths[] = {"/usr/bin/systemd-run", "/bin/systemd-run"};
        for (size_t i = 0; i < 2; i++)
                if (access(paths[i], X_OK) == 0)
                        return paths[i];
        return NULL;
}

static bool scope_wanted(void)
{
        struct statfs s;
        if (getenv("DENYBOX_SYSTEMD_SCOPE") || access("/run/systemd/system", F_OK) < 0 || !systemd_run() ||
            statfs(CGROUP_ROOT, &s) < 0 || s.f_type != CGROUP2_SUPER_MAGIC)
                return false;
        if (geteuid() == 0)
                return access("/run/systemd/private", F_OK) == 0;
        const char *rt = getenv("XDG_RUNTIME_DIR");
        char bus[PATH_MAX];
        if (!rt || rt[0] != '/')
                return false;
        snprintf(bus, sizeof(bus), "%s/bus", rt);
        return access(bus, F_OK) == 0;
}

void cgroup_enter_scope(const struct limits *l, char **argv)
{
        char self[PATH_MAX], v2_par[PATH_MAX];
        if ((l->pids < 0 && l->memory < 0 && l->memory_swap < 0 && l->cpus_milli < 0) ||
            v2_parent(v2_par, sizeof(v2_par)) || !scope_wanted())
                return;
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        int argc = 0;
        while (argv[argc])
                argc++;
        const char **a = calloc((size_t)argc + 12, sizeof(*a));
        if (n <= 0 || !a) {
                free(a);
                return;
        }
        self[n] = '\0';
        int k = 0;
        a[k++] = systemd_run();
        if (geteuid() != 0)
                a[k++] = "--user";
        a[k++] = "--scope";
        a[k++] = "-p";
        a[k++] = "Delegate=yes";
        a[k++] = "--quiet";
        a[k++] = "--collect";
        a[k++] = "--";
        a[k++] = self;
        for (int i = 1; i < argc; i++)
                a[k++] = argv[i];
        setenv("DENYBOX_SYSTEMD_SCOPE", "1", 1);
        execv(a[0], (char *const *)a);
        setenv("DENYBOX_SYSTEMD_SCOPE", "0", 1); /* could not: carry on without one */
        free(a);
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
        /* what our own cgroup may enable for its children; or, where denybox will ask systemd for
         * a delegated scope of its own (cgroup_enter_scope), what the hierarchy offers */
        snprintf(avail, sizeof(avail), "%s/cgroup.controllers", v2_par);
        if (!have_v2 && scope_wanted()) {
                have_v2 = true;
                v2_par[0] = '\0';
                snprintf(avail, sizeof(avail), "%s/cgroup.controllers", CGROUP_ROOT);
        }

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

        snprintf(p->v2_own, sizeof(p->v2_own), "%s", parent);
        if (strcmp(parent, v2_root()) != 0) {
                /* first out of the way: into a leaf of our own cgroup */
                char pid[24];
                snprintf(p->v2_leaf, sizeof(p->v2_leaf), "%s/denybox-launcher-%d", parent, (int)getpid());
                snprintf(pid, sizeof(pid), "%d", (int)getpid());
                if ((r = mkdir_cg(p->v2_leaf, err)) < 0)
                        return r;
                if ((r = write_str(p->v2_leaf, "cgroup.procs", pid)) < 0)
                        return dbx_error_set(err, -r, "cannot move denybox into %s: %s", p->v2_leaf, strerror(-r));
        }
        /* then the controllers this run needs, on our own cgroup; remembered to be undone */
        for (int k = 0; k < _LIMIT_MAX; k++) {
                char path[PATH_MAX + 64], on[16];
                const char *name = v2_controller((enum limit_kind)k);
                snprintf(path, sizeof(path), "%s/cgroup.subtree_control", parent);
                if (p->mech[k] != MECH_CGROUP2 || file_has_word(path, name))
                        continue;
                snprintf(on, sizeof(on), "+%s", name);
                if ((r = write_str(parent, "cgroup.subtree_control", on)) < 0)
                        return dbx_error_set(err, -r, "cannot enable the %s controller in %s: %s", name, parent, strerror(-r));
                snprintf(p->v2_enabled + strlen(p->v2_enabled), sizeof(p->v2_enabled) - strlen(p->v2_enabled), " -%s", name);
        }
        snprintf(p->v2_dir, sizeof(p->v2_dir), "%s/denybox-%d", parent, (int)getpid());
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
        if (v2_par[0]) {
                sweep_stale(v2_par, "denybox-");
                sweep_stale(v2_par, "denybox-launcher-");
        }
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
        for (int i = 0; i < 6000 && rmdir(dir) < 0 && errno == EBUSY; i++) { /* a hang guard: 30 s */
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
        /* leave our own cgroup as we found it: controllers off again, denybox back, its leaf gone */
        if (p->v2_enabled[0])
                write_str(p->v2_own, "cgroup.subtree_control", p->v2_enabled + 1);
        if (p->v2_leaf[0]) {
                char pid[24];
                snprintf(pid, sizeof(pid), "%d", (int)getpid());
                write_str(p->v2_own, "cgroup.procs", pid);
                rmdir_retry(p->v2_leaf);
        }
        p->v2_leaf[0] = p->v2_own[0] = p->v2_enabled[0] = '\0';
        for (int i = 0; i < 3; i++)
                if (p->v1_dir[i][0])
                        rmdir_retry(p->v1_dir[i]);
        p->v2_dir[0] = p->v1_dir[0][0] = p->v1_dir[1][0] = p->v1_dir[2][0] = '\0';
}
