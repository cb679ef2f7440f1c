/* SPDX-License-Identifier: MIT */
/* struct profile -> two classic-BPF programs (filter.h), with libseccomp.  No I/O beyond
 * libseccomp's export into a memfd; nothing is loaded here.  What stage 2 holds is decided by
 * the plan (plan.c); this file hands it to libseccomp, builds stage 1, exports and hashes.
 *
 * Choices:
 * - Non-native ABIs: the filter lists only SCMP_ARCH_X86_64, whatever "architectures"/"archMap"
 *   say.  Stage 2's bad-arch action is KILL_PROCESS (set explicitly: libseccomp 2.5.4's default
 *   is KILL, i.e. KILL_THREAD, which leaves the rest of the process running).  Not ERRNO(ENOSYS):
 *   that is also what a kernel without the ABI answers (Debian kernels answer every x32 syscall
 *   ENOSYS unless booted with syscall.x32=y), so an attestation could not tell "seccomp closed
 *   this ABI" from "this kernel has none", and a negative control could never make the probe
 *   fail; a death by SIGSYS comes from seccomp only.  Stage 1 keeps ERRNO(ENOSYS), see
 *   build_stage1().  x32 (nr | 0x40000000): libseccomp's x86_64 BPF jumps to the bad-arch action
 *   for nr >= 0x40000000 when X32 is not in the filter; its PFC does not show that check, so
 *   test_filter.c verifies it live.
 * - A rule whose action equals defaultAction is dropped (runc does so; libseccomp refuses it).
 */
#include "plan.h"
#include "membuf.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Bad-arch actions (see the top of the file and build_stage1()). */
#define STAGE1_BADARCH SCMP_ACT_ERRNO(ENOSYS)
#define STAGE2_BADARCH SCMP_ACT_KILL_PROCESS
/* Stage 2 is emitted as a binary tree of syscall numbers (ctx_new); part of the cache key. */
#define STAGE2_TREE 1

/* Stage 1's argument guards: always on, whatever the profile; ERRNO(EPERM).  They live in stage 1,
 * the program that is the same for every profile, because the kernel runs every stacked filter
 * and returns the action of highest precedence: a profile that allows clone or ioctl
 * unconditionally (Moby's ioctl, or any default-ALLOW profile) cannot undo them, a profile that
 * denies more strictly (KILL, TRAP) keeps its action, and on an equal ERRNO the newer filter's
 * errno -- the profile's -- is returned: the call is denied either way.  In stage 2 the profile's
 * own rules for clone and ioctl would have to be split around them (libseccomp lets an
 * unconditional rule swallow conditional ones, and "cmd not in a set" is no libseccomp condition).
 * - clone(2)'s flags are arg0 on x86_64, an unsigned long: one MASKED_EQ per flag (libseccomp has
 *   no "any bit of a mask set"), compared on 64 bits as libseccomp emits it; the flags are the
 *   seven of Moby's clone rule (0x7e020000).  CLONE_NEWTIME is clone3/unshare only (in clone(2)
 *   0x80 is part of the exit signal); clone3 answers ENOSYS and unshare EPERM (plan.c).
 * - ioctl(2)'s request is an unsigned int to the kernel: masked to the low 32 bits, so a request
 *   with high bits set is still caught (CVE-2019-10063, flatpak's fix).  TIOCSTI and TIOCLINUX
 *   push input into a terminal (flatpak denies both), TIOCSETD switches the line discipline (and
 *   with ldisc_autoload=1 loads modules as root), TIOCCONS redirects the console's output.
 * A test-only `--weaken seccomp` loads stage1_exec_only (without these) and no stage 2. */
static const struct stage1_guard {
        const char *syscall;
        unsigned arg;
        uint64_t mask, value;
        const char *what;
} stage1_guards[] = {
        { "clone", 0, CLONE_NEWNS, CLONE_NEWNS, "CLONE_NEWNS" },
        { "clone", 0, CLONE_NEWCGROUP, CLONE_NEWCGROUP, "CLONE_NEWCGROUP" },
        { "clone", 0, CLONE_NEWUTS, CLONE_NEWUTS, "CLONE_NEWUTS" },
        { "clone", 0, CLONE_NEWIPC, CLONE_NEWIPC, "CLONE_NEWIPC" },
        { "clone", 0, CLONE_NEWUSER, CLONE_NEWUSER, "CLONE_NEWUSER" },
        { "clone", 0, CLONE_NEWPID, CLONE_NEWPID, "CLONE_NEWPID" },
        { "clone", 0, CLONE_NEWNET, CLONE_NEWNET, "CLONE_NEWNET" },
        { "ioctl", 1, 0xffffffffu, TIOCSTI, "TIOCSTI" },
        { "ioctl", 1, 0xffffffffu, TIOCLINUX, "TIOCLINUX" },
        { "ioctl", 1, 0xffffffffu, TIOCSETD, "TIOCSETD" },
        { "ioctl", 1, 0xffffffffu, TIOCCONS, "TIOCCONS" },
};

static int plan_emit(const struct plan *pl, scmp_filter_ctx ctx, struct dbx_error *err)
{
        char path[160];
        for (size_t i = 0; i < pl->n; i++) {
                const struct plan_rule *r = &pl->v[i];
                if (action_eq(&r->act, &pl->profile->default_action))
                        continue; /* runc drops these; libseccomp would refuse them */
                int ret = seccomp_rule_add_array(ctx, scmp_action(&r->act), r->nr, r->n_cmp, r->n_cmp ? r->cmp : NULL);
                if (ret < 0) {
                        plan_rule_path(pl, r, path, sizeof(path));
                        return dbx_error_set_path(err, -ret, path, "libseccomp refused the rule for \"%s\": %s", r->name,
                                                  strerror(-ret));
                }
        }
        return 0;
}

static scmp_filter_ctx ctx_new(const struct profile_action *def, uint32_t badarch, bool tree, struct dbx_error *err)
{
        scmp_filter_ctx ctx = seccomp_init(scmp_action(def));
        if (!ctx) {
                dbx_error_set(err, EINVAL, "libseccomp could not create a filter context");
                return NULL;
        }
        /* Only x86_64 is in the context (seccomp_init adds the native arch); the launcher sets
         * no_new_privs itself. */
        int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, badarch);
        if (r == 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        /* A binary tree of syscall numbers instead of a linear list: a denylist of 20 names
         * (strict) or an allowlist of 300 (default-deny, Moby's) is then a few comparisons deep
         * for the kernel's action-cache pass, which runs the program once per syscall number
         * when the filter is loaded (strict's linear stage 2 cost about twice its tree's load
         * time, measured), and for every call that is not cached.  Stage 1 stays linear: any
         * syscall leaves it after its five comparisons. */
        if (r == 0 && tree)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        if (r < 0) {
                seccomp_release(ctx);
                dbx_error_set(err, -r, "libseccomp: setting filter attributes: %s", strerror(-r));
                return NULL;
        }
        return ctx;
}

/* Stage 1: everything allowed, execve/execveat -> user notification.  Non-native ABIs must be
 * closed here too, or an i386 execve (int 0x80, nr 11) would never reach the supervisor: ENOSYS,
 * so the exec-once guarantee holds in stage 1 alone.  Not KILL_PROCESS as in stage 2: once both
 * are loaded the kernel takes the stricter action (KILL), so nothing is lost, and a SIGSYS can
 * then only come from stage 2 -- the layer the i386/x32 probe attests (were stage 1 to kill too,
 * a negative control that removes stage 2 could never make that probe fail). */
static int build_stage1(bool guards, bool notify, scmp_filter_ctx *ret, struct dbx_error *err)
{
        static const struct profile_action allow = { PA_ALLOW, 0 };
        scmp_filter_ctx ctx = ctx_new(&allow, STAGE1_BADARCH, false, err);
        if (!ctx)
                return -err->code;
        static const char *const exec_names[] = { "execve", "execveat" };
        for (size_t i = 0; notify && i < ELEMENTSOF(exec_names); i++) {
                int r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, seccomp_syscall_resolve_name(exec_names[i]), 0);
                if (r < 0) {
                        seccomp_release(ctx);
                        return dbx_error_set(err, -r, "libseccomp: stage 1 rule for %s: %s", exec_names[i], strerror(-r));
                }
        }
        /* No second notify listener, whatever stage 2 says.  The kernel reads seccomp(2)'s op as 32
         * bits, so the comparison is masked to them: SET_MODE_FILTER | 1 << 32 is the same op to the
         * kernel.  (Stage 2 adds the same guard where the profile allows seccomp; it cannot mask,
         * because its other rules for seccomp must stay disjoint.  The kernel itself also refuses a
         * second listener in one filter chain: EBUSY.) */
        int r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), seccomp_syscall_resolve_name("seccomp"), 2,
                                 SCMP_A0(SCMP_CMP_MASKED_EQ, 0xffffffffULL, SECCOMP_SET_MODE_FILTER),
                                 SCMP_A1(SCMP_CMP_MASKED_EQ, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                                         SECCOMP_FILTER_FLAG_NEW_LISTENER));
        if (r < 0) {
                seccomp_release(ctx);
                return dbx_error_set(err, -r, "libseccomp: stage 1 rule for seccomp: %s", strerror(-r));
        }
        for (size_t i = 0; guards && i < ELEMENTSOF(stage1_guards); i++) {
                const struct stage1_guard *g = &stage1_guards[i];
                struct scmp_arg_cmp cmp = { .arg = g->arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = g->mask,
                                            .datum_b = g->value };
                r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), seccomp_syscall_resolve_name(g->syscall), 1, &cmp);
                if (r < 0) {
                        seccomp_release(ctx);
                        return dbx_error_set(err, -r, "libseccomp: stage 1 rule for %s(%s): %s", g->syscall, g->what,
                                             strerror(-r));
                }
        }
        *ret = ctx;
        return 0;
}

/* Above which syscall number stage 2 answers ENOSYS before its rules (-1: no stub).  Only under a
 * defaultAction of ERRNO: a syscall newer than every rule of the profile would otherwise get the
 * default's errno (EPERM), and libc falls back only on ENOSYS (glibc: faccessat2, fchmodat2,
 * clone3, ...) -- runc answers so too.  Not under ALLOW, LOG, TRACE (nothing to deny) nor under
 * KILL or TRAP (the profile asked for more than a failed call; ENOSYS would weaken it).  The
 * number is the highest any rule the stub must not bypass names (plan_highest_kept_nr): the
 * profile's own (whatever libseccomp can name: statmount, mseal, ... it cannot, so they are above)
 * and denybox's exec ALLOWs; always-on denials above it answer ENOSYS instead of their errno,
 * still a denial. */
static int enosys_limit(const struct profile *p, const struct plan *pl)
{
        if (p->default_action.kind != PA_ERRNO || scmp_action(&p->default_action) == SCMP_ACT_ERRNO(ENOSYS))
                return -1;
        return plan_highest_kept_nr(pl);
}

static int build_stage2(const struct profile *p, const struct filter_host *host, scmp_filter_ctx *ret,
                        struct exec_policy *ret_exec, int *ret_enosys_above, char **ret_warnings,
                        struct dbx_error *err)
{
        struct plan pl;
        scmp_filter_ctx ctx = NULL;
        int r = plan_build(p, host, &pl, ret_exec, err);
        if (r < 0)
                return r;
        if (!(ctx = ctx_new(&p->default_action, STAGE2_BADARCH, STAGE2_TREE, err)))
                r = -err->code;
        if (r == 0)
                r = plan_emit(&pl, ctx, err);
        if (r < 0) {
                if (ctx)
                        seccomp_release(ctx);
                plan_free(&pl);
                return r;
        }
        *ret = ctx;
        *ret_enosys_above = enosys_limit(p, &pl);
        if (pl.n_warnings_dropped) {
                size_t len = pl.warnings_len;
                char *w = realloc(pl.warnings, len + 96);
                if (w) {
                        snprintf(w + len, 96, "... and %zu more warnings like these\n", pl.n_warnings_dropped);
                        pl.warnings = w;
                }
        }
        if (ret_warnings) {
                *ret_warnings = pl.warnings;
                pl.warnings = NULL;
        }
        plan_free(&pl);
        return 0;
}

/* libseccomp exports only to a file descriptor: an anonymous memfd, read back whole. */
static int export_ctx(scmp_filter_ctx ctx, bool pfc, uint8_t **ret, size_t *ret_len, struct dbx_error *err)
{
        _cleanup_close_ int fd = memfd_create("denybox-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return dbx_error_set(err, errno, "memfd_create: %m");
        int r = pfc ? seccomp_export_pfc(ctx, fd) : seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return dbx_error_set(err, -r, "libseccomp: exporting the filter: %s", strerror(-r));
        struct stat st;
        if (fstat(fd, &st) < 0)
                return dbx_error_set(err, errno, "fstat(memfd): %m");
        uint8_t *buf = malloc((size_t)st.st_size + 1);
        if (!buf)
                return dbx_error_set(err, ENOMEM, "out of memory");
        size_t got = 0;
        while (got < (size_t)st.st_size) {
                ssize_t n = pread(fd, buf + got, (size_t)st.st_size - got, (off_t)got);
                if (n <= 0) {
                        free(buf);
                        return dbx_error_set(err, n < 0 ? errno : EIO, "reading the exported filter back: %m");
                }
                got += (size_t)n;
        }
        buf[got] = 0;
        *ret = buf;
        *ret_len = got;
        return 0;
}

/* Prepends the ENOSYS stub to an exported stage 2: x86_64 numbers above `above` (and below the
 * x32 bit, which libseccomp's own program sends to the bad-arch action) -> ERRNO(ENOSYS); every
 * other call falls through to libseccomp's program, which starts by loading the arch again. */
static int enosys_stub_prepend(struct bpf_blob *b, int above, struct dbx_error *err)
{
        const struct sock_filter stub[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 4),
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 2, 0),
                BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)above, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        };
        uint8_t *d = malloc(sizeof(stub) + b->len);
        if (!d)
                return dbx_error_set(err, ENOMEM, "out of memory");
        memcpy(d, stub, sizeof(stub));
        memcpy(d + sizeof(stub), b->data, b->len);
        free(b->data);
        b->data = d;
        b->len += sizeof(stub);
        return 0;
}

static unsigned stage2_flags_of(const struct profile *p)
{
        /* WAIT_KILLABLE_RECV only means something with a listener, and stage 2 has none (the
         * kernel would refuse the flag without NEW_LISTENER). */
        return ((p->flags & PROFILE_FLAG_TSYNC) ? SECCOMP_FILTER_FLAG_TSYNC : 0) |
               ((p->flags & PROFILE_FLAG_LOG) ? SECCOMP_FILTER_FLAG_LOG : 0) |
               ((p->flags & PROFILE_FLAG_SPEC_ALLOW) ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0);
}

int filter_set_compile(const struct profile *p, const struct filter_host *host, struct filter_set *ret,
                       struct dbx_error *err)
{
        struct filter_set fs = { 0 };
        scmp_filter_ctx s1 = NULL, s1x = NULL, s1g = NULL, s2 = NULL;
        int r = build_stage1(true, true, &s1, err);
        if (r == 0)
                r = build_stage1(false, true, &s1x, err);
        if (r == 0)
                r = build_stage1(true, false, &s1g, err);
        if (r == 0)
                r = build_stage2(p, host, &s2, &fs.exec, &fs.enosys_above, &fs.warnings, err);
        if (r == 0)
                r = export_ctx(s1, false, &fs.stage1.data, &fs.stage1.len, err);
        if (r == 0)
                r = export_ctx(s1x, false, &fs.stage1_exec_only.data, &fs.stage1_exec_only.len, err);
        if (r == 0)
                r = export_ctx(s1g, false, &fs.stage1_guards.data, &fs.stage1_guards.len, err);
        if (r == 0)
                r = export_ctx(s2, false, &fs.stage2.data, &fs.stage2.len, err);
        if (r == 0 && fs.enosys_above >= 0)
                r = enosys_stub_prepend(&fs.stage2, fs.enosys_above, err);
        if (s1)
                seccomp_release(s1);
        if (s1x)
                seccomp_release(s1x);
        if (s1g)
                seccomp_release(s1g);
        if (s2)
                seccomp_release(s2);
        if (r < 0) {
                filter_set_free(&fs);
                return r;
        }
        if (filter_set_digest(&fs) < 0) {
                filter_set_free(&fs);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        fs.stage2_flags = stage2_flags_of(p);
        *ret = fs;
        return 0;
}

int filter_set_digest(struct filter_set *fs)
{
        sha256_hex(fs->stage1.data, fs->stage1.len, fs->stage1_sha256);
        sha256_hex(fs->stage2.data, fs->stage2.len, fs->stage2_sha256);
        struct sha256_stream *st = sha256_stream_new();
        if (!st)
                return -ENOMEM;
        sha256_stream_add(st, fs->stage1.data, fs->stage1.len);
        sha256_stream_add(st, fs->stage2.data, fs->stage2.len);
        sha256_stream_finish(st, fs->bpf_sha256);
        return 0;
}

void filter_set_free(struct filter_set *fs)
{
        if (!fs)
                return;
        free(fs->stage1.data);
        free(fs->stage1_exec_only.data);
        free(fs->stage1_guards.data);
        free(fs->stage2.data);
        free(fs->warnings);
        *fs = (struct filter_set){ 0 };
}

/* The stage-1 PFC header, generated from stage1_guards. */
static void pfc_stage1_header(FILE *f)
{
        fputs("# denybox stage 1: execve/execveat -> user notification (exec-once supervisor);\n"
              "# non-native ABIs -> ERRNO(38) here, so an i386 execve cannot bypass it;\n"
              "# seccomp(SET_MODE_FILTER, NEW_LISTENER) -> ERRNO(1), op compared as the kernel's 32 bits;\n"
              "# always-on argument guards -> ERRNO(1), whatever the profile (the kernel takes the stricter of\n"
              "#   the two stages; on an equal ERRNO, stage 2's errno):\n", f);
        for (size_t i = 0; i < ELEMENTSOF(stage1_guards); i++) {
                const struct stage1_guard *g = &stage1_guards[i];
                bool first = i == 0 || strcmp(stage1_guards[i - 1].syscall, g->syscall) != 0;
                bool last = i + 1 == ELEMENTSOF(stage1_guards) || strcmp(stage1_guards[i + 1].syscall, g->syscall) != 0;
                if (first && g->mask == g->value) /* one flag per rule */
                        fprintf(f, "#   %s: any of these set in arg%u: ", g->syscall, g->arg);
                else if (first)
                        fprintf(f, "#   %s: arg%u & %#llx == any of ", g->syscall, g->arg, (unsigned long long)g->mask);
                fprintf(f, "%s%s", g->what, last ? "\n" : ", ");
        }
        fputs("#   (clone: no namespace from the payload; ioctl, low 32 bits as the kernel reads them: no input\n"
              "#   pushed into a terminal, no line discipline switched, no console redirected)\n", f);
}

/* The stage-2 PFC header: what libseccomp's PFC cannot say -- which rules are denybox's own, and
 * why (generated from forced_table, so it cannot drift from the filter). */
static void pfc_stage2_header(FILE *f, int enosys_above)
{
        fputs("# denybox stage 2: the profile + always-on protections (execve/execveat left to stage 1)\n"
              "# always-on, whatever the profile says:\n"
              "#   non-native ABIs (i386 int 0x80, x32) -> KILL_PROCESS (invalid-architecture action): a death by\n"
              "#     SIGSYS, which no kernel gives by itself, so closing the ABI is attestable; libseccomp's PFC\n"
              "#     omits the x32 check: x86_64 syscall numbers >= 0x40000000 take that action in the BPF\n", f);
        if (enosys_above >= 0)
                fprintf(f, "#   x86_64 syscall numbers above %d (newer than every rule of this profile; libseccomp's\n"
                           "#     PFC omits it) -> ERRNO(38), before the rules below: libc falls back on ENOSYS, not on\n"
                           "#     the default's errno\n", enosys_above);
        plan_describe_always_on(f);
}

/* The annotated PFC text: each stage's header, then libseccomp's PFC of that stage. */
static int pfc_text(int enosys_above, const char *pfc1, const char *pfc2, char **ret, struct dbx_error *err)
{
        struct membuf m;
        int r = membuf_open(&m, err);
        if (r < 0)
                return r;
        pfc_stage1_header(m.f);
        fputs(pfc1, m.f);
        pfc_stage2_header(m.f, enosys_above);
        fputs(pfc2, m.f);
        return membuf_take(&m, ret, NULL, err);
}

int filter_set_pfc(const struct profile *p, const struct filter_host *host, char **ret, struct dbx_error *err)
{
        scmp_filter_ctx s1 = NULL, s2 = NULL;
        struct exec_policy ep;
        uint8_t *t1 = NULL, *t2 = NULL;
        size_t l1 = 0, l2 = 0;
        int enosys_above = -1;
        int r = build_stage1(true, true, &s1, err);
        if (r == 0)
                r = build_stage2(p, host, &s2, &ep, &enosys_above, NULL, err);
        if (r == 0)
                r = export_ctx(s1, true, &t1, &l1, err);
        if (r == 0)
                r = export_ctx(s2, true, &t2, &l2, err);
        char *out = NULL;
        if (r == 0)
                r = pfc_text(enosys_above, (char *)t1, (char *)t2, &out, err);
        if (s1)
                seccomp_release(s1);
        if (s2)
                seccomp_release(s2);
        free(t1);
        free(t2);
        if (r < 0)
                return r;
        *ret = out;
        return 0;
}

void filter_always_on_digest(char ret[SHA256_HEX_SIZE])
{
        struct membuf m;
        char *buf = NULL;
        size_t len = 0;
        if (membuf_open(&m, NULL) == 0) {
                pfc_stage1_header(m.f);
                fprintf(m.f, "badarch %#x %#x tree %d\n", (unsigned)STAGE1_BADARCH, (unsigned)STAGE2_BADARCH, STAGE2_TREE);
                plan_describe_always_on(m.f);
                if (membuf_take(&m, &buf, &len, NULL) < 0)
                        buf = NULL;
        }
        if (!buf) /* a key that matches no entry: the filter is compiled */
                snprintf(ret, SHA256_HEX_SIZE, "unknown");
        else
                sha256_hex(buf, len, ret);
        free(buf);
}

void filter_host_from_release(const char *release, struct filter_host *ret)
{
        unsigned major = 0, minor = 0;
        if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
                major = minor = 0;
        *ret = (struct filter_host){ .kernel_major = major, .kernel_minor = minor };
}

int bpf_blob_load(const struct bpf_blob *b, unsigned flags, struct dbx_error *err)
{
        struct sock_fprog prog = {.len = (unsigned short)(b->len / sizeof(struct sock_filter)),
                                  .filter = (struct sock_filter *)b->data};
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
        if (r < 0) {
                int e = errno;
                dbx_error_set(err, e, "seccomp(SET_MODE_FILTER): %s", strerror(e));
                errno = e;
                return -e;
        }
        return (int)r;
}
