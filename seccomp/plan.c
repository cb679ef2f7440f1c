/* SPDX-License-Identifier: MIT */
/* struct profile -> the plan of stage 2 (plan.h): a flat list of {syscall, action, conditions}
 * in which everything libseccomp would decide silently is decided here, out loud.  Pure: no
 * libseccomp context, no I/O.
 *
 * Steps (plan_build): the profile's rules that apply on this host; contradictions resolved;
 * the exec policy taken out; the always-on protections merged in; the seccomp(2) listener
 * guard; rules subsumed by others dropped.  (libseccomp keeps the first of two unconditional
 * rules for one syscall and lets an unconditional rule swallow any conditional one, whatever
 * their actions: both verified with 2.5.4, so neither may reach it unchecked.)
 *
 * Choices:
 * - Unknown syscall names (not in libseccomp's table): Moby, runc and crun skip them.  denybox
 *   skips one only when that cannot weaken the filter, i.e. when the rule's action is not
 *   stricter than defaultAction (an allow-list entry for a syscall this libseccomp cannot name
 *   then still falls to the default deny), and says so in warnings.  An unknown name in a rule
 *   stricter than the default (a deny-list entry) is an error: skipping it would leave a
 *   syscall the kernel may know allowed.  Names libseccomp knows for other ABIs only
 *   ("socketcall", "fstat64") do not exist on x86_64 and are skipped silently.
 * - Several conditions on one argument index: runc/crun add one rule per condition (OR);
 *   libseccomp would reject them in one rule.  Same here.
 * - SCMP_ACT_NOTIFY in a rule is refused: denybox owns the only listener (stage 1).
 */
#include "plan.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Syscalls whose stage-2 action denybox decides, whatever the profile says.  An exact entry
 * replaces the profile's rules; a floor entry (a denial) does too, except that a stricter
 * unconditional action of the profile (its rule, or defaultAction when it has none, e.g. KILL) is
 * kept: "denied whatever the profile says" must never make a profile weaker.  The reasons are
 * printed in the stage-2 PFC (filter_set_pfc). */
#define WHY_EXEC "decided by stage 1 and the supervisor (exec_policy)"
#define WHY_IO_URING "io_uring runs syscalls (socket, openat) seccomp never sees"
#define WHY_KEYRING "kernel keyrings are not namespaced (Docker's default denies them too)"
#define WHY_NO_NAMESPACE "the payload creates and joins no namespace: in a user namespace of its own it would hold every capability"
#define WHY_NEW_MOUNT_API "the new mount API mounts without mount(2) (an exec-able tmpfs over /tmp from a nested namespace)"
struct forced {
        const char *name;
        struct profile_action act;
        bool floor;
        const char *why;
};
static const struct forced forced_table[] = {
        { "execve", { PA_ALLOW, 0 }, false, WHY_EXEC },
        { "execveat", { PA_ALLOW, 0 }, false, WHY_EXEC },
        { "clone3", { PA_ERRNO, ENOSYS }, false,
          "its flags live in memory seccomp cannot read; glibc falls back to clone(2), whose flags a profile sees" },
        { "io_uring_setup", { PA_ERRNO, EPERM }, true, WHY_IO_URING },
        { "io_uring_enter", { PA_ERRNO, EPERM }, true, WHY_IO_URING },
        { "io_uring_register", { PA_ERRNO, EPERM }, true, WHY_IO_URING },
        { "keyctl", { PA_ERRNO, EPERM }, true, WHY_KEYRING },
        { "add_key", { PA_ERRNO, EPERM }, true, WHY_KEYRING },
        { "request_key", { PA_ERRNO, EPERM }, true, WHY_KEYRING },
        /* The payload creates no namespace (clone's CLONE_NEW* flags are stage 1's, filter.c). */
        { "unshare", { PA_ERRNO, EPERM }, true, WHY_NO_NAMESPACE },
        { "setns", { PA_ERRNO, EPERM }, true, WHY_NO_NAMESPACE },
        /* ENOSYS, as flatpak answers: libmount then falls back to mount(2), which the profile decides. */
        { "fsopen", { PA_ERRNO, ENOSYS }, true, WHY_NEW_MOUNT_API },
        { "fsconfig", { PA_ERRNO, ENOSYS }, true, WHY_NEW_MOUNT_API },
        { "fsmount", { PA_ERRNO, ENOSYS }, true, WHY_NEW_MOUNT_API },
        { "fspick", { PA_ERRNO, ENOSYS }, true, WHY_NEW_MOUNT_API },
        { "move_mount", { PA_ERRNO, ENOSYS }, true, WHY_NEW_MOUNT_API },
        { "open_tree", { PA_ERRNO, ENOSYS }, true, WHY_NEW_MOUNT_API },
        { "mount_setattr", { PA_ERRNO, ENOSYS }, true, WHY_NEW_MOUNT_API },
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

uint32_t scmp_action(const struct profile_action *a)
{
        uint32_t v = scmp_base[a->kind];
        return a->kind == PA_ERRNO || a->kind == PA_TRACE ? v | (action_data(a) & 0xffffu) : v;
}

bool action_eq(const struct profile_action *a, const struct profile_action *b)
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

void plan_rule_path(const struct plan *pl, const struct plan_rule *r, char *buf, size_t size)
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
        if (pl->n_warnings >= PLAN_WARNINGS_MAX) {
                pl->n_warnings_dropped++;
                return;
        }
        pl->n_warnings++;
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
                        plan_rule_path(pl, &r, path, sizeof(path));
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
                        plan_rule_path(pl, a, pa, sizeof(pa));
                        plan_rule_path(pl, b, pb, sizeof(pb));
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
                        plan_rule_path(pl, r, path, sizeof(path));
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

/* The action a floor entry keeps: the profile's unconditional action for the syscall (its last
 * one, as plan_resolve left it) or defaultAction, when that is stricter than the forced denial. */
static struct profile_action forced_action(const struct plan *pl, const struct forced *f)
{
        const struct profile_action *effective = &pl->profile->default_action;
        for (size_t i = 0; f->floor && i < pl->n; i++) {
                const struct plan_rule *r = &pl->v[i];
                if (!r->dropped && !r->n_cmp && strcmp(r->name, f->name) == 0)
                        effective = &r->act;
        }
        return f->floor && effective->kind < f->act.kind ? *effective : f->act;
}

/* Always-on protections replace whatever the profile planned for those syscalls. */
static int plan_force(struct plan *pl, struct dbx_error *err)
{
        struct profile_action acts[ELEMENTSOF(forced_table)];
        for (size_t i = 0; i < ELEMENTSOF(forced_table); i++)
                acts[i] = forced_action(pl, &forced_table[i]);
        size_t o = 0;
        for (size_t i = 0; i < pl->n; i++)
                if (!pl->v[i].dropped && !forced_lookup(pl->v[i].name))
                        pl->v[o++] = pl->v[i];
        pl->n = o;
        for (size_t i = 0; i < ELEMENTSOF(forced_table); i++) {
                struct plan_rule r = { .name = forced_table[i].name, .act = acts[i] };
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
                        plan_rule_path(pl, r, path, sizeof(path));
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

/* Does every comparison of a also appear in b (so b matching implies a matching)? */
static bool cmp_subset(const struct plan_rule *a, const struct plan_rule *b)
{
        for (unsigned i = 0; i < a->n_cmp; i++) {
                const struct scmp_arg_cmp *x = &a->cmp[i];
                bool found = false;
                for (unsigned j = 0; j < b->n_cmp && !found; j++) {
                        const struct scmp_arg_cmp *y = &b->cmp[j];
                        found = x->arg == y->arg && x->op == y->op && x->datum_a == y->datum_a &&
                                (x->op != SCMP_CMP_MASKED_EQ || x->datum_b == y->datum_b);
                }
                if (!found)
                        return false;
        }
        return true;
}

/* A rule whose conditions include all of another rule's, for the same syscall and action, can
 * never change the outcome: drop it (of two identical rules, the later).  libseccomp 2.5.4 tries
 * the same when it meets such a rule (_db_tree_prune) and leaks the chain it prunes -- the
 * fuzzer's tests/fuzz/corpus/libseccomp-prune-leak.json: {A0==100 && A1==9001}, A1==100,
 * A1==9001 -- so it must never see one. */
static void plan_drop_subsumed(struct plan *pl)
{
        for (size_t i = 0; i < pl->n; i++)
                for (size_t j = i + 1; j < pl->n && !pl->v[i].dropped; j++) {
                        struct plan_rule *a = &pl->v[i], *b = &pl->v[j];
                        if (b->dropped || a->nr != b->nr || !action_eq(&a->act, &b->act))
                                continue;
                        if (cmp_subset(a, b))
                                b->dropped = true;
                        else if (cmp_subset(b, a))
                                a->dropped = true;
                }
        size_t o = 0;
        for (size_t i = 0; i < pl->n; i++)
                if (!pl->v[i].dropped)
                        pl->v[o++] = pl->v[i];
        pl->n = o;
}

int plan_build(const struct profile *p, const struct filter_host *host, struct plan *ret,
               struct exec_policy *ret_exec, struct dbx_error *err)
{
        struct plan pl = { .profile = p };
        int r = plan_collect(&pl, host, err);
        if (r == 0)
                r = plan_resolve(&pl, err);
        if (r == 0)
                r = plan_exec_policy(&pl, ret_exec, err);
        if (r == 0)
                r = plan_force(&pl, err);
        if (r == 0)
                r = plan_seccomp_guard(&pl, err);
        if (r < 0) {
                plan_free(&pl);
                return r;
        }
        plan_drop_subsumed(&pl);
        *ret = pl;
        return 0;
}

int plan_highest_kept_nr(const struct plan *pl)
{
        int max = -1;
        for (size_t i = 0; i < pl->n; i++) {
                const struct plan_rule *r = &pl->v[i];
                if ((r->src || r->act.kind != PA_ERRNO) && r->nr > max)
                        max = r->nr;
        }
        return max;
}

void plan_free(struct plan *pl)
{
        free(pl->v);
        free(pl->warnings);
        *pl = (struct plan){ 0 };
}

void plan_describe_always_on(FILE *f)
{
        for (size_t i = 0; i < ELEMENTSOF(forced_table); i++) {
                const struct forced *e = &forced_table[i], *next = i + 1 < ELEMENTSOF(forced_table) ? e + 1 : NULL;
                char an[48];
                fprintf(f, "%s%s", i > 0 && strcmp(forced_table[i - 1].why, e->why) == 0 ? ", " : "#   ", e->name);
                if (next && strcmp(next->why, e->why) == 0) /* one line per reason */
                        continue;
                fprintf(f, " -> %s%s:\n#     %s\n",
                        e->act.kind == PA_ALLOW ? "allowed here" : profile_action_name(&e->act, an, sizeof(an)),
                        e->floor ? " (or the profile's stricter action)" : "", e->why);
        }
        fputs("#   seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER) -> SCMP_ACT_ERRNO(1): denybox owns\n"
              "#     the only user-notification listener\n", f);
}
