/* SPDX-License-Identifier: MIT */
/* struct profile -> two classic-BPF programs (filter.h), with libseccomp.  No I/O beyond
 * libseccomp's export into a memfd; nothing is loaded here.
 *
 * Stage 2 is built in two steps so that what libseccomp would do silently is decided here, out
 * loud: first a plan (a flat list of {syscall, action, conditions}) from the profile's rules
 * that apply on this host, then the always-on protections are merged into it, then the plan is
 * checked for contradictions and handed to libseccomp.  (libseccomp keeps the first of two
 * unconditional rules for one syscall and lets an unconditional rule swallow any conditional
 * one, whatever their actions: both verified with 2.5.4, so neither may reach it unchecked.)
 *
 * Choices:
 * - Non-native ABIs: the filter lists only SCMP_ARCH_X86_64, whatever "architectures"/"archMap"
 *   say, with the bad-arch action ERRNO(ENOSYS).  ENOSYS rather than KILL_PROCESS: both stop the
 *   syscall before it runs, but ENOSYS is what a kernel without that ABI answers, so a program
 *   probing for i386/x32 support degrades instead of dying, and the probes can observe the
 *   refusal in-process.  x32 (nr | 0x40000000): libseccomp's x86_64 BPF jumps to the bad-arch
 *   action for nr >= 0x40000000 when X32 is not in the filter; its PFC does not show that
 *   check, so test_filter.c verifies it live.
 * - Unknown syscall names (not in libseccomp's table): Moby, runc and crun skip them.  denybox
 *   skips one only when that cannot weaken the filter, i.e. when the rule's action is not
 *   stricter than defaultAction (an allow-list entry for a syscall this libseccomp cannot name
 *   then still falls to the default deny), and says so in warnings.  An unknown name in a rule
 *   stricter than the default (a deny-list entry) is an error: skipping it would leave a
 *   syscall the kernel may know allowed.  Names libseccomp knows for other ABIs only
 *   ("socketcall", "fstat64") do not exist on x86_64 and are skipped silently.
 * - Several conditions on one argument index: runc/crun add one rule per condition (OR);
 *   libseccomp would reject them in one rule.  Same here.
 * - A rule whose action equals defaultAction is dropped (runc does so; libseccomp refuses it).
 * - SCMP_ACT_NOTIFY in a rule is refused: denybox owns the only listener (stage 1).
 */
#include "profile.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define BADARCH_ERRNO ENOSYS

struct plan_rule {
        int nr;
        const char *name;
        struct profile_action act;
        const struct profile_syscall *src; /* NULL for an always-on rule */
        bool dropped;                      /* overridden by a stricter rule (plan_resolve) */
        size_t name_index;
        unsigned n_cmp;
        struct scmp_arg_cmp cmp[6];
};

struct plan {
        const struct profile *profile;
        struct plan_rule *v;
        size_t n, cap;
        char *warnings;
        size_t warnings_len;
};

/* Syscalls whose stage-2 action denybox decides, whatever the profile says. */
struct forced {
        const char *name;
        struct profile_action act;
};
static const struct forced forced_table[] = {
        { "execve", { PA_ALLOW, 0 } },   /* decided by stage 1 + the supervisor (exec_policy) */
        { "execveat", { PA_ALLOW, 0 } },
        { "clone3", { PA_ERRNO, ENOSYS } }, /* glibc falls back to clone(2), whose flags a profile can see */
        { "io_uring_setup", { PA_ERRNO, EPERM } }, /* io_uring runs syscalls (socket, openat) seccomp never sees */
        { "io_uring_enter", { PA_ERRNO, EPERM } },
        { "io_uring_register", { PA_ERRNO, EPERM } },
};

static const uint32_t scmp_base[] = {
        [PA_KILL_PROCESS] = SCMP_ACT_KILL_PROCESS, [PA_KILL_THREAD] = SCMP_ACT_KILL_THREAD,
        [PA_TRAP] = SCMP_ACT_TRAP, [PA_ERRNO] = SCMP_ACT_ERRNO(0), [PA_NOTIFY] = SCMP_ACT_NOTIFY,
        [PA_TRACE] = SCMP_ACT_TRACE(0), [PA_LOG] = SCMP_ACT_LOG, [PA_ALLOW] = SCMP_ACT_ALLOW,
};

/* The kernel caps ERRNO data at MAX_ERRNO (4095); libseccomp 2.5.4 refuses anything >= 4095
 * outright, so a profile value above that (Moby's fixture example.json has errnoRet 12345) is
 * clamped to 4094 -- still not a real errno, still a failure -- with a warning. */
#define MAX_ERRNO 4094u

static uint32_t action_data(const struct profile_action *a)
{
        return a->kind == PA_ERRNO && a->data > MAX_ERRNO ? MAX_ERRNO : a->data;
}

static uint32_t scmp_action(const struct profile_action *a)
{
        uint32_t v = scmp_base[a->kind];
        return a->kind == PA_ERRNO || a->kind == PA_TRACE ? v | (action_data(a) & 0xffffu) : v;
}

static bool action_eq(const struct profile_action *a, const struct profile_action *b)
{
        return a->kind == b->kind && action_data(a) == action_data(b);
}

/* Does this action let the syscall run (or at least not deny it by itself)? */
static bool action_permissive(const struct profile_action *a)
{
        return a->kind == PA_ALLOW || a->kind == PA_LOG || a->kind == PA_TRACE;
}

static void path_fmt(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void path_fmt(char *buf, size_t size, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, size, fmt, ap);
        va_end(ap);
}

static void rule_path(const struct plan *pl, const struct plan_rule *r, char *buf, size_t size)
{
        if (!r->src)
                path_fmt(buf, size, "(denybox always-on rule for %s)", r->name);
        else if (r->src->legacy_name)
                path_fmt(buf, size, "%ssyscalls[%zu].name", pl->profile->path_prefix, r->src->json_index);
        else
                path_fmt(buf, size, "%ssyscalls[%zu].names[%zu]", pl->profile->path_prefix, r->src->json_index,
                         r->name_index);
}

static void warn(struct plan *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct plan *pl, const char *fmt, ...)
{
        char line[400];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        n = (size_t)n >= sizeof(line) - 1 ? (int)sizeof(line) - 2 : n;
        line[n++] = '\n';
        char *w = realloc(pl->warnings, pl->warnings_len + n + 1);
        if (!w)
                return; /* a lost warning is not worth failing the compile */
        memcpy(w + pl->warnings_len, line, n);
        pl->warnings_len += n;
        w[pl->warnings_len] = 0;
        pl->warnings = w;
}

static int plan_add(struct plan *pl, const struct plan_rule *r, struct dbx_error *err)
{
        if (pl->n == pl->cap) {
                size_t cap = pl->cap ? pl->cap * 2 : 64;
                struct plan_rule *v = reallocarray(pl->v, cap, sizeof(*v));
                if (!v)
                        return dbx_error_set(err, ENOMEM, "out of memory");
                pl->v = v;
                pl->cap = cap;
        }
        pl->v[pl->n++] = *r;
        return 0;
}

static const struct forced *forced_lookup(const char *name)
{
        for (size_t i = 0; i < ELEMENTSOF(forced_table); i++)
                if (strcmp(forced_table[i].name, name) == 0)
                        return &forced_table[i];
        return NULL;
}

/* One plan rule per condition when an index repeats (runc: OR), else one rule with all (AND). */
static int plan_add_conditions(struct plan *pl, struct plan_rule *r, struct dbx_error *err)
{
        const struct profile_syscall *s = r->src;
        unsigned seen = 0;
        bool repeated = false;
        for (size_t k = 0; k < s->n_args; k++) {
                repeated |= (seen >> s->args[k].index) & 1;
                seen |= 1u << s->args[k].index;
        }
        r->n_cmp = 0;
        for (size_t k = 0; k < s->n_args; k++) {
                const struct profile_arg *a = &s->args[k];
                r->cmp[r->n_cmp++] = (struct scmp_arg_cmp){ .arg = a->index, .op = (enum scmp_compare)a->op,
                                                            .datum_a = a->value, .datum_b = a->value_two };
                if (repeated) {
                        int ret = plan_add(pl, r, err);
                        if (ret < 0)
                                return ret;
                        r->n_cmp = 0;
                }
        }
        return repeated ? 0 : plan_add(pl, r, err);
}

/* The profile's rules that apply here, one plan rule per (syscall, condition set). */
static int plan_collect(struct plan *pl, const struct filter_host *host, struct dbx_error *err)
{
        const struct profile *p = pl->profile;
        char path[160], an[48], dn[48], q[72];
        for (size_t i = 0; i < p->n_syscalls; i++) {
                const struct profile_syscall *s = &p->syscalls[i];
                if (!profile_syscall_applies(s, host))
                        continue;
                for (size_t j = 0; j < s->n_names; j++) {
                        struct plan_rule r = { .name = s->names[j], .act = s->action, .src = s, .name_index = j };
                        rule_path(pl, &r, path, sizeof(path));
                        if (s->action.kind == PA_NOTIFY)
                                return dbx_error_set_path(err, EOPNOTSUPP, path,
                                                          "SCMP_ACT_NOTIFY is not supported: denybox owns the only user-notification listener");
                        r.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, s->names[j]);
                        if (r.nr == __NR_SCMP_ERROR) {
                                if (s->action.kind < p->default_action.kind)
                                        return dbx_error_set_path(err, EINVAL, path,
                                                                  "unknown syscall %s in a rule (%s) stricter than defaultAction (%s): ignoring it would weaken the filter",
                                                                  profile_quote(s->names[j], q), profile_action_name(&s->action, an, sizeof(an)),
                                                                  profile_action_name(&p->default_action, dn, sizeof(dn)));
                                warn(pl, "%s: unknown syscall %s ignored (it falls to defaultAction)", path, profile_quote(s->names[j], q));
                                continue;
                        }
                        if (r.nr < 0) /* libseccomp knows it for another ABI only: no such x86_64 syscall */
                                continue;
                        if (j == 0 && s->action.kind == PA_ERRNO && s->action.data > MAX_ERRNO)
                                warn(pl, "%s: errno %u is above libseccomp's limit: clamped to %u", path, s->action.data, MAX_ERRNO);
                        int ret = plan_add_conditions(pl, &r, err);
                        if (ret < 0)
                                return ret;
                }
        }
        return 0;
}

/* Contradictions libseccomp would resolve silently (see the top of the file), resolved here so
 * the filter is never weaker than any rule that applies:
 * - two unconditional rules for one syscall: the stricter action wins (containers-common's
 *   profile allows setns in its big list and denies it again when CAP_SYS_ADMIN is absent);
 * - an unconditional rule and a conditional one: if the unconditional is the stricter, it wins
 *   (the conditional rule could only have relaxed it); otherwise libseccomp would silently drop
 *   the stricter conditional rule, so that is an error. */
static int plan_resolve(struct plan *pl, struct dbx_error *err)
{
        char pa[160], pb[160], an[48], bn[48];
        for (size_t i = 0; i < pl->n; i++)
                for (size_t j = i + 1; j < pl->n && !pl->v[i].dropped; j++) {
                        struct plan_rule *a = &pl->v[i], *b = &pl->v[j];
                        if (b->dropped || a->nr != b->nr || action_eq(&a->act, &b->act) || (a->n_cmp && b->n_cmp))
                                continue;
                        rule_path(pl, a, pa, sizeof(pa));
                        rule_path(pl, b, pb, sizeof(pb));
                        struct plan_rule *strict = b->act.kind < a->act.kind ? b : a, *loose = strict == a ? b : a;
                        if (strict->n_cmp)
                                return dbx_error_set_path(err, EINVAL, pb,
                                                          "%s for \"%s\" contradicts %s at %s: the unconditional rule would silently override the stricter conditional one",
                                                          profile_action_name(&b->act, bn, sizeof(bn)), b->name,
                                                          profile_action_name(&a->act, an, sizeof(an)), pa);
                        warn(pl, "%s and %s: \"%s\" gets the stricter %s", pa, pb, a->name,
                             profile_action_name(&strict->act, an, sizeof(an)));
                        loose->dropped = true;
                }
        return 0;
}

/* What the profile says for one exec syscall: its unconditional rule, or defaultAction. */
static int exec_action(const struct plan *pl, const char *name, struct profile_action *ret, struct dbx_error *err)
{
        char path[160];
        *ret = pl->profile->default_action;
        for (size_t i = 0; i < pl->n; i++) {
                const struct plan_rule *r = &pl->v[i];
                if (r->dropped || strcmp(r->name, name) != 0)
                        continue;
                if (r->n_cmp) {
                        rule_path(pl, r, path, sizeof(path));
                        return dbx_error_set_path(err, EOPNOTSUPP, path,
                                                  "%s with argument conditions cannot be honoured: the exec supervisor would have to read racy user memory; use an unconditional rule",
                                                  name);
                }
                *ret = r->act;
        }
        return 0;
}

static struct exec_policy exec_policy_of(const struct profile_action *a)
{
        switch (a->kind) {
        case PA_ALLOW:
        case PA_LOG:
                return (struct exec_policy){ EXEC_VERDICT_ALLOW, 0 };
        case PA_ERRNO:
                return (struct exec_policy){ EXEC_VERDICT_ERRNO, (int)action_data(a) };
        case PA_TRACE: /* no tracer is ever attached: the kernel would answer ENOSYS */
        case PA_NOTIFY:
                return (struct exec_policy){ EXEC_VERDICT_ERRNO, ENOSYS };
        case PA_KILL_PROCESS:
        case PA_KILL_THREAD:
        case PA_TRAP:
                break;
        }
        return (struct exec_policy){ EXEC_VERDICT_KILL, 0 };
}

static int plan_exec_policy(struct plan *pl, struct exec_policy *ret, struct dbx_error *err)
{
        struct profile_action e, ea;
        char en[48], ean[48];
        int r = exec_action(pl, "execve", &e, err);
        if (r < 0 || (r = exec_action(pl, "execveat", &ea, err)) < 0)
                return r;
        if (!action_eq(&e, &ea))
                warn(pl, "execve (%s) and execveat (%s) differ: the supervisor applies the stricter to both",
                     profile_action_name(&e, en, sizeof(en)), profile_action_name(&ea, ean, sizeof(ean)));
        *ret = exec_policy_of(ea.kind < e.kind ? &ea : &e);
        return 0;
}

/* Always-on protections replace whatever the profile planned for those syscalls. */
static int plan_force(struct plan *pl, struct dbx_error *err)
{
        size_t o = 0;
        for (size_t i = 0; i < pl->n; i++)
                if (!pl->v[i].dropped && !forced_lookup(pl->v[i].name))
                        pl->v[o++] = pl->v[i];
        pl->n = o;
        for (size_t i = 0; i < ELEMENTSOF(forced_table); i++) {
                struct plan_rule r = { .name = forced_table[i].name, .act = forced_table[i].act };
                r.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, r.name);
                int ret = plan_add(pl, &r, err);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

/* seccomp(SECCOMP_SET_MODE_FILTER, flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) -> EPERM, so a payload
 * cannot become a supervisor of its own.  Merged with the profile's rule for seccomp(2): an
 * unconditional permissive rule is split around the denied case (libseccomp would otherwise let
 * it swallow the conditional denial); an unconditional denying rule already covers it. */
static int plan_seccomp_guard(struct plan *pl, struct dbx_error *err)
{
        static const struct profile_action eperm = { PA_ERRNO, EPERM };
        const struct profile_action *effective = &pl->profile->default_action;
        struct plan_rule *uncond = NULL;
        char path[160];
        for (size_t i = 0; i < pl->n; i++) {
                struct plan_rule *r = &pl->v[i];
                if (r->dropped || strcmp(r->name, "seccomp") != 0)
                        continue;
                if (r->n_cmp) {
                        rule_path(pl, r, path, sizeof(path));
                        return dbx_error_set_path(err, EOPNOTSUPP, path,
                                                  "argument conditions on seccomp(2) are not supported: denybox adds its own (no SECCOMP_FILTER_FLAG_NEW_LISTENER)");
                }
                uncond = r;
                effective = &r->act;
        }
        if (!action_permissive(effective))
                return 0;
        struct plan_rule deny = { .name = "seccomp", .act = eperm, .n_cmp = 2,
                                  .cmp = { SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER),
                                           SCMP_A1(SCMP_CMP_MASKED_EQ, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                                                   SECCOMP_FILTER_FLAG_NEW_LISTENER) } };
        deny.nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "seccomp");
        if (uncond) {
                struct plan_rule other = *uncond, no_listener = *uncond;
                /* uncond may move when the plan grows: copy before adding */
                other.n_cmp = 1;
                other.cmp[0] = (struct scmp_arg_cmp)SCMP_A0(SCMP_CMP_NE, SECCOMP_SET_MODE_FILTER);
                no_listener.n_cmp = 2;
                no_listener.cmp[0] = (struct scmp_arg_cmp)SCMP_A0(SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER);
                no_listener.cmp[1] = (struct scmp_arg_cmp)SCMP_A1(SCMP_CMP_MASKED_EQ, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0);
                *uncond = other;
                int r = plan_add(pl, &no_listener, err);
                if (r < 0)
                        return r;
        }
        return plan_add(pl, &deny, err);
}

static int plan_emit(const struct plan *pl, scmp_filter_ctx ctx, struct dbx_error *err)
{
        char path[160];
        for (size_t i = 0; i < pl->n; i++) {
                const struct plan_rule *r = &pl->v[i];
                if (action_eq(&r->act, &pl->profile->default_action))
                        continue; /* runc drops these; libseccomp would refuse them */
                int ret = seccomp_rule_add_array(ctx, scmp_action(&r->act), r->nr, r->n_cmp, r->n_cmp ? r->cmp : NULL);
                if (ret < 0) {
                        rule_path(pl, r, path, sizeof(path));
                        return dbx_error_set_path(err, -ret, path, "libseccomp refused the rule for \"%s\": %s", r->name,
                                                  strerror(-ret));
                }
        }
        return 0;
}

static scmp_filter_ctx ctx_new(const struct profile_action *def, struct dbx_error *err)
{
        scmp_filter_ctx ctx = seccomp_init(scmp_action(def));
        if (!ctx) {
                dbx_error_set(err, EINVAL, "libseccomp could not create a filter context");
                return NULL;
        }
        /* Only x86_64 is in the context (seccomp_init adds the native arch); the launcher sets
         * no_new_privs itself. */
        int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(BADARCH_ERRNO));
        if (r == 0)
                r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0) {
                seccomp_release(ctx);
                dbx_error_set(err, -r, "libseccomp: setting filter attributes: %s", strerror(-r));
                return NULL;
        }
        return ctx;
}

/* Stage 1: everything allowed, execve/execveat -> user notification.  Non-native ABIs get the
 * same ENOSYS as in stage 2, so the exec-once guarantee holds in stage 1 alone. */
static int build_stage1(scmp_filter_ctx *ret, struct dbx_error *err)
{
        static const struct profile_action allow = { PA_ALLOW, 0 };
        scmp_filter_ctx ctx = ctx_new(&allow, err);
        if (!ctx)
                return -err->code;
        static const char *const exec_names[] = { "execve", "execveat" };
        for (size_t i = 0; i < ELEMENTSOF(exec_names); i++) {
                int r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, seccomp_syscall_resolve_name(exec_names[i]), 0);
                if (r < 0) {
                        seccomp_release(ctx);
                        return dbx_error_set(err, -r, "libseccomp: stage 1 rule for %s: %s", exec_names[i], strerror(-r));
                }
        }
        *ret = ctx;
        return 0;
}

static int build_stage2(const struct profile *p, const struct filter_host *host, scmp_filter_ctx *ret,
                        struct exec_policy *ret_exec, char **ret_warnings, struct dbx_error *err)
{
        struct plan pl = { .profile = p };
        scmp_filter_ctx ctx = NULL;
        int r = plan_collect(&pl, host, err);
        if (r == 0)
                r = plan_resolve(&pl, err);
        if (r == 0)
                r = plan_exec_policy(&pl, ret_exec, err);
        if (r == 0)
                r = plan_force(&pl, err);
        if (r == 0)
                r = plan_seccomp_guard(&pl, err);
        if (r == 0 && !(ctx = ctx_new(&p->default_action, err)))
                r = -err->code;
        if (r == 0)
                r = plan_emit(&pl, ctx, err);
        free(pl.v);
        if (r < 0) {
                if (ctx)
                        seccomp_release(ctx);
                free(pl.warnings);
                return r;
        }
        *ret = ctx;
        if (ret_warnings)
                *ret_warnings = pl.warnings;
        else
                free(pl.warnings);
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
        scmp_filter_ctx s1 = NULL, s2 = NULL;
        int r = build_stage1(&s1, err);
        if (r == 0)
                r = build_stage2(p, host, &s2, &fs.exec, &fs.warnings, err);
        if (r == 0)
                r = export_ctx(s1, false, &fs.stage1.data, &fs.stage1.len, err);
        if (r == 0)
                r = export_ctx(s2, false, &fs.stage2.data, &fs.stage2.len, err);
        if (s1)
                seccomp_release(s1);
        if (s2)
                seccomp_release(s2);
        if (r < 0) {
                filter_set_free(&fs);
                return r;
        }
        sha256_hex(fs.stage1.data, fs.stage1.len, fs.stage1_sha256);
        sha256_hex(fs.stage2.data, fs.stage2.len, fs.stage2_sha256);
        struct sha256_stream *st = sha256_stream_new();
        if (!st) {
                filter_set_free(&fs);
                return dbx_error_set(err, ENOMEM, "out of memory");
        }
        sha256_stream_add(st, fs.stage1.data, fs.stage1.len);
        sha256_stream_add(st, fs.stage2.data, fs.stage2.len);
        sha256_stream_finish(st, fs.bpf_sha256);
        fs.stage2_flags = stage2_flags_of(p);
        *ret = fs;
        return 0;
}

void filter_set_free(struct filter_set *fs)
{
        if (!fs)
                return;
        free(fs->stage1.data);
        free(fs->stage2.data);
        free(fs->warnings);
        *fs = (struct filter_set){ 0 };
}

int filter_set_pfc(const struct profile *p, const struct filter_host *host, char **ret, struct dbx_error *err)
{
        static const char h1[] = "# denybox stage 1: execve/execveat -> user notification (exec-once supervisor)\n";
        static const char h2[] = "# denybox stage 2: the profile + always-on protections (execve/execveat left to stage 1)\n"
                                 "# (libseccomp's PFC omits the x32 check: x86_64 syscall numbers >= 0x40000000 take the\n"
                                 "#  invalid-architecture action in the BPF)\n";
        scmp_filter_ctx s1 = NULL, s2 = NULL;
        struct exec_policy ep;
        uint8_t *t1 = NULL, *t2 = NULL;
        size_t l1 = 0, l2 = 0;
        int r = build_stage1(&s1, err);
        if (r == 0)
                r = build_stage2(p, host, &s2, &ep, NULL, err);
        if (r == 0)
                r = export_ctx(s1, true, &t1, &l1, err);
        if (r == 0)
                r = export_ctx(s2, true, &t2, &l2, err);
        char *out = NULL;
        if (r == 0 && asprintf(&out, "%s%s%s%s", h1, (char *)t1, h2, (char *)t2) < 0)
                r = dbx_error_set(err, ENOMEM, "out of memory");
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

void filter_host_from_release(const char *release, struct filter_host *ret)
{
        unsigned major = 0, minor = 0;
        if (!release || sscanf(release, "%u.%u", &major, &minor) != 2)
                major = minor = 0;
        *ret = (struct filter_host){ .kernel_major = major, .kernel_minor = minor };
}
