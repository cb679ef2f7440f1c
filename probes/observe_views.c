/* SPDX-License-Identifier: MIT */
/* Observations of what the process is and sees: its credentials (/proc/self/status, securebits),
 * its pid, UTS and cgroup namespaces, its fds, /dev, /sys, /proc's masks, pid 1's exe — and the
 * limits, which it tries to exceed (in children, every wait bounded).  Each records the raw
 * value for the catalogue's check; the launcher adjudicates. */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- /proc/self/status ------------------------------------------------------------------------ */

/* The value of "name:\t..." in /proc/self/status, tabs turned into commas: 0 or the errno. */
static int status_field(const char *name, char *out, size_t size)
{
        static char buf[8192];
        size_t len, nl = strlen(name);
        int err = read_bounded("/proc/self/status", buf, sizeof(buf) - 1, &len);
        if (err)
                return err;
        for (const char *p = buf; *p;) {
                size_t ll = strcspn(p, "\n");
                if (ll > nl && memcmp(p, name, nl) == 0 && p[nl] == ':') {
                        const char *v = p + nl + 1;
                        while (*v == '\t' || *v == ' ')
                                v++;
                        snprintf(out, size, "%.*s", (int) (ll - (size_t) (v - p)), v);
                        for (char *c = out; *c; c++)
                                if (*c == '\t')
                                        *c = ',';
                        return 0;
                }
                p += ll;
                p += *p == '\n';
        }
        return ENOENT;
}

static void probe_status_value(struct obs *o, const char *name)
{
        char v[256], what[320];
        int err = status_field(name, v, sizeof(v));
        if (err) {
                snprintf(what, sizeof(what), "%s of /proc/self/status", name);
                record(o, err, what);
                return;
        }
        snprintf(what, sizeof(what), "%s: %s", name, v);
        record(o, 0, what);
        set_value(o, "%s", v);
}

void probe_cap_inh(struct obs *o) { probe_status_value(o, "CapInh"); }
void probe_cap_prm(struct obs *o) { probe_status_value(o, "CapPrm"); }
void probe_cap_eff(struct obs *o) { probe_status_value(o, "CapEff"); }
void probe_cap_bnd(struct obs *o) { probe_status_value(o, "CapBnd"); }
void probe_cap_amb(struct obs *o) { probe_status_value(o, "CapAmb"); }
void probe_nnp(struct obs *o) { probe_status_value(o, "NoNewPrivs"); }

void probe_securebits(struct obs *o)
{
        char what[96];
        int bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
        if (bits < 0) {
                record(o, errno, "prctl(PR_GET_SECUREBITS)");
                return;
        }
        snprintf(what, sizeof(what), "prctl(PR_GET_SECUREBITS) = 0x%x", (unsigned) bits);
        record(o, 0, what);
        set_value(o, "0x%x", (unsigned) bits);
}

/* Two fields of /proc/self/status: the value is "key1=v1 key2=v2". */
static void probe_status_pair(struct obs *o, const char *name1, const char *key1, const char *name2, const char *key2)
{
        char v1[96], v2[96], what[256];
        int err = status_field(name1, v1, sizeof(v1));
        if (!err)
                err = status_field(name2, v2, sizeof(v2));
        if (err) {
                snprintf(what, sizeof(what), "%s, %s of /proc/self/status", name1, name2);
                record(o, err, what);
                return;
        }
        snprintf(what, sizeof(what), "%s: %s, %s: %s", name1, v1, name2, v2);
        record(o, 0, what);
        set_value(o, "%s=%s %s=%s", key1, v1, key2, v2);
}

void probe_seccomp_mode(struct obs *o) { probe_status_pair(o, "Seccomp", "mode", "Seccomp_filters", "filters"); }
void probe_ids(struct obs *o) { probe_status_pair(o, "Uid", "uid", "Gid", "gid"); }

/* ---- namespaces ------------------------------------------------------------------------------- */

static int cmp_long(const void *a, const void *b)
{
        long x = *(const long *) a, y = *(const long *) b;
        return (x > y) - (x < y);
}

/* The numeric entries of dir (without skip_fd, the listing's own fd), sorted, as "a,b,c" with
 * ",..." if more than max: 0 or the errno. */
static int list_numbers(const char *dir, bool skip_own_fd, size_t max, char *out, size_t size)
{
        static long nums[8192];
        size_t n = 0, off = 0;
        bool more = false;
        DIR *d = opendir(dir);
        if (!d)
                return errno;
        for (struct dirent *e; (e = readdir(d));) {
                char *end;
                long v = strtol(e->d_name, &end, 10);
                if (!e->d_name[0] || *end || (skip_own_fd && v == dirfd(d)))
                        continue;
                if (n == ELEMENTSOF(nums)) {
                        more = true;
                        continue;
                }
                nums[n++] = v;
        }
        closedir(d);
        qsort(nums, n, sizeof(nums[0]), cmp_long);
        out[0] = '\0';
        for (size_t i = 0; i < n && i < max && off < size; i++)
                off += (size_t) snprintf(out + off, size - off, "%s%ld", i ? "," : "", nums[i]);
        if ((more || n > max) && off < size)
                snprintf(out + off, size - off, ",...");
        return 0;
}

void probe_pidns(struct obs *o)
{
        char pids[600], comm[64] = "?", what[400];
        size_t len;
        int err = list_numbers("/proc", false, 32, pids, sizeof(pids));
        if (err) {
                record(o, err, "list /proc");
                return;
        }
        if (read_bounded("/proc/1/comm", comm, sizeof(comm) - 1, &len) == 0) {
                comm[strcspn(comm, "\n")] = '\0';
                for (char *c = comm; *c; c++)
                        if (*c == ' ' || *c == '=')
                                *c = '_';
        }
        snprintf(what, sizeof(what), "getpid() = %d; /proc lists %.200s; pid 1 is %s", (int) getpid(), pids, comm);
        record(o, 0, what);
        set_value(o, "pid=%d pids=%s comm1=%s", (int) getpid(), pids, comm);
}

void probe_hostname(struct obs *o)
{
        struct utsname u;
        char what[160];
        if (uname(&u) < 0) {
                record(o, errno, "uname()");
                return;
        }
        snprintf(what, sizeof(what), "nodename '%.64s'", u.nodename);
        record(o, 0, what);
        set_value(o, "%s", u.nodename);
}

void probe_cgroupns(struct obs *o)
{
        static char buf[16384];
        char val[sizeof(o->value)];
        size_t len, off = 0;
        int err = read_bounded("/proc/self/cgroup", buf, sizeof(buf) - 1, &len);
        if (err && err != EFBIG) {
                record(o, err, "read /proc/self/cgroup");
                return;
        }
        /* whole lines that fit, then a "..." line if any did not */
        for (const char *p = buf; *p;) {
                size_t ll = strcspn(p, "\n");
                if (!p[ll] || off + ll + 1 + 4 >= sizeof(val)) {
                        off += (size_t) snprintf(val + off, sizeof(val) - off, "...");
                        break;
                }
                memcpy(val + off, p, ll + 1);
                off += ll + 1;
                p += ll + 1;
        }
        val[off] = '\0';
        if (off > 0 && val[off - 1] == '\n')
                val[--off] = '\0';
        record(o, 0, "read /proc/self/cgroup");
        set_value(o, "%s", val);
        snprintf(o->actual, sizeof(o->actual), "/proc/self/cgroup: %.400s", val);
        for (char *c = o->actual; *c; c++)
                if (*c == '\n')
                        *c = ' ';
}

/* ---- fds, /dev, /sys, /proc ------------------------------------------------------------------- */

void probe_fds(struct obs *o)
{
        char fds[400], what[480];
        int err = list_numbers("/proc/self/fd", true, 64, fds, sizeof(fds));
        if (err) {
                record(o, err, "list /proc/self/fd");
                return;
        }
        snprintf(what, sizeof(what), "open fds: %s", fds);
        record(o, 0, what);
        set_value(o, "%s", fds);
}

void probe_exe(struct obs *o)
{
        int self = open("/proc/self/exe", O_WRONLY | O_CLOEXEC | O_NOCTTY);
        int e1 = self < 0 ? errno : 0;
        if (self >= 0)
                close(self);
        int init = open("/proc/1/exe", O_RDONLY | O_CLOEXEC | O_NOCTTY);
        int e2 = init < 0 ? errno : 0;
        if (init >= 0)
                close(init);
        record_two(o, "PR-EXE-1", e1, "open(\"/proc/self/exe\", O_WRONLY)", e2, "open(\"/proc/1/exe\", O_RDONLY)");
}

void probe_sys(struct obs *o)
{
        struct statvfs sv;
        int err = stat_errno("/sys");
        if (err) {
                record(o, err, "stat(\"/sys\")");
                return;
        }
        if (statvfs("/sys", &sv) < 0) {
                record(o, -1, "statvfs(\"/sys\") failed");
                return;
        }
        record(o, (sv.f_flag & ST_RDONLY) ? EROFS : 0, "/sys is present; statvfs says it is writable unless EROFS");
}

struct dev_entry {
        char name[64];
        char type;
};

static int cmp_dev(const void *a, const void *b)
{
        return strcmp(((const struct dev_entry *) a)->name, ((const struct dev_entry *) b)->name);
}

static char type_letter(mode_t m)
{
        return S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISLNK(m) ? 'l' : S_ISDIR(m) ? 'd' : S_ISREG(m) ? 'f'
             : S_ISSOCK(m) ? 's' : S_ISFIFO(m) ? 'p' : '?';
}

void probe_dev(struct obs *o)
{
        static struct dev_entry ents[512];
        char val[sizeof(o->value)];
        size_t n = 0, off = 0;
        bool more = false;
        DIR *d = opendir("/dev");
        if (!d) {
                record(o, errno, "list /dev");
                return;
        }
        for (struct dirent *e; (e = readdir(d));) {
                struct stat st;
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                if (n == ELEMENTSOF(ents) || strlen(e->d_name) >= sizeof(ents[0].name)) {
                        more = true;
                        continue;
                }
                snprintf(ents[n].name, sizeof(ents[n].name), "%s", e->d_name);
                ents[n].type = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? type_letter(st.st_mode) : '?';
                n++;
        }
        closedir(d);
        qsort(ents, n, sizeof(ents[0]), cmp_dev);
        val[0] = '\0';
        for (size_t i = 0; i < n && off < sizeof(val); i++)
                off += (size_t) snprintf(val + off, sizeof(val) - off, "%s%s:%c", i ? " " : "", ents[i].name, ents[i].type);
        if (more && off < sizeof(val))
                snprintf(val + off, sizeof(val) - off, " ...");
        record(o, 0, "list /dev");
        set_value(o, "%s", val);
        snprintf(o->actual, sizeof(o->actual), "/dev: %.480s", val);
}

void probe_proc_mask(struct obs *o)
{
        struct stat st;
        struct statvfs sv;
        char kcore[48], sys[16], what[160];

        if (stat("/proc/kcore", &st) < 0)
                snprintf(kcore, sizeof(kcore), "%s", errno == ENOENT ? "absent" : "unreadable");
        else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
                snprintf(kcore, sizeof(kcore), "null");
        else if (S_ISCHR(st.st_mode))
                snprintf(kcore, sizeof(kcore), "chr:%u:%u", major(st.st_rdev), minor(st.st_rdev));
        else
                snprintf(kcore, sizeof(kcore), "%s", S_ISREG(st.st_mode) ? "file" : "other");
        if (statvfs("/proc/sys", &sv) < 0)
                snprintf(sys, sizeof(sys), "%s", errno == ENOENT ? "absent" : "unknown");
        else
                snprintf(sys, sizeof(sys), "%s", (sv.f_flag & ST_RDONLY) ? "ro" : "rw");
        snprintf(what, sizeof(what), "/proc/kcore: %s; /proc/sys: %s", kcore, sys);
        record(o, 0, what);
        set_value(o, "kcore=%s sys=%s", kcore, sys);
}

/* ---- limits ----------------------------------------------------------------------------------- */

#define PIDS_MAX_TRY 4096

void probe_pids(struct obs *o)
{
        static pid_t kids[PIDS_MAX_TRY];
        long long tried = probe_args.pids_limit + 1;
        int forked = 0, err = 0;
        char what[160];

        if (probe_args.pids_limit < 0) {
                record(o, -1, "no --pids-limit given: nothing to exceed");
                return;
        }
        if (tried > PIDS_MAX_TRY)
                tried = PIDS_MAX_TRY;
        while (forked < tried) {
                pid_t p = fork();
                if (p < 0) {
                        err = errno;
                        break;
                }
                if (p == 0) {
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        for (;;)
                                pause();
                }
                kids[forked++] = p;
        }
        for (int i = 0; i < forked; i++)
                kill(kids[i], SIGKILL);
        for (int i = 0; i < forked; i++)
                waitpid(kids[i], NULL, 0); /* SIGKILLed: bounded */
        snprintf(what, sizeof(what), "%d children forked of %lld tried", forked, tried);
        record(o, err, what);
        set_value(o, "forked=%d tried=%lld err=%d", forked, tried, err);
}
