/* SPDX-License-Identifier: MIT */
/* The plan of the isolation sequence (sandbox_plan.h): built from the configuration, and rewritten
 * by the negative controls in sandbox_plan_weaken() and nowhere else. */
#include "sandbox_plan.h"

#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "mounts.h"

#define NOSUID_NODEV (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)

static void add_mount(struct sandbox_plan *p, struct sandbox_mount m)
{
        p->mounts[p->n_mounts++] = m;
}

static int cmp_volume_target(const void *a, const void *b)
{
        const struct volume *const *x = a, *const *y = b;
        return strcmp((*x)->target, (*y)->target);
}

/* What is mounted where, in the order it is attached: the root, then the kernel's file systems,
 * then denybox's tmpfs, then the volumes, parents before children. */
static void build_mounts(const struct sandbox_config *c, struct sandbox_plan *p)
{
        /* Every mount nested inside --rootfs too: read-only, nosuid, nodev.  The embedded root is
         * populated first and made read-only after the pivot. */
        if (c->rootfs)
                add_mount(p, (struct sandbox_mount){.kind = MOUNT_ROOT_BIND, .target = "/", .source = c->rootfs,
                                                    .attr = MOUNT_ATTR_RDONLY | NOSUID_NODEV});
        else
                add_mount(p, (struct sandbox_mount){.kind = MOUNT_ROOT_TMPFS, .target = "/", .attr = MOUNT_ATTR_RDONLY | NOSUID_NODEV,
                                                    .mode = 0755, .size = 1 << 20, .nr_inodes = 256});
        add_mount(p, (struct sandbox_mount){.kind = MOUNT_PROC, .target = "/proc", .attr = NOSUID_NODEV | MOUNT_ATTR_NOEXEC});
        add_mount(p, (struct sandbox_mount){.kind = MOUNT_DEV, .target = "/dev", .attr = NOSUID_NODEV | MOUNT_ATTR_NOEXEC});
        /* /tmp and /out: inodes bounded too (issue 9, item 7): an empty file costs no page but about
         * 1 KiB of host kernel memory, so nr_inodes = size / 1 KiB keeps what they pin at about size= */
        add_mount(p, (struct sandbox_mount){.kind = MOUNT_TMPFS, .target = "/tmp", .attr = NOSUID_NODEV | MOUNT_ATTR_NOEXEC,
                                            .mode = 01777, .size = c->tmp_size, .nr_inodes = tmpfs_inodes(c->tmp_size)});
        if (!config_volume_at(c, "/out")) /* a throw-away tmpfs owned by the sandbox user */
                add_mount(p, (struct sandbox_mount){.kind = MOUNT_TMPFS, .target = "/out", .attr = NOSUID_NODEV | MOUNT_ATTR_NOEXEC,
                                                    .mode = 0755, .size = c->tmp_size, .nr_inodes = tmpfs_inodes(c->tmp_size),
                                                    .owned = true});
        if (!config_volume_at(c, "/in")) /* an empty read-only tmpfs: /in is always a read-only mount */
                add_mount(p, (struct sandbox_mount){.kind = MOUNT_TMPFS, .target = "/in",
                                                    .attr = MOUNT_ATTR_RDONLY | NOSUID_NODEV | MOUNT_ATTR_NOEXEC,
                                                    .mode = 0755, .size = 0, .nr_inodes = 1});
        /* volumes: read-only ones recursively read-only, writable ones noexec */
        const struct volume *order[MAX_VOLUMES];
        for (size_t i = 0; i < c->n_volumes; i++)
                order[i] = &c->volumes[i];
        qsort(order, c->n_volumes, sizeof(order[0]), cmp_volume_target);
        for (size_t k = 0; k < c->n_volumes; k++) {
                const struct volume *v = order[k];
                add_mount(p, (struct sandbox_mount){.kind = MOUNT_VOLUME, .target = v->target, .source = v->source,
                                                    .volume = (size_t)(v - c->volumes),
                                                    .attr = NOSUID_NODEV | (v->writable ? MOUNT_ATTR_NOEXEC : MOUNT_ATTR_RDONLY)});
        }
}

void sandbox_plan_build(const struct sandbox_config *c, struct sandbox_plan *p)
{
        *p = (struct sandbox_plan){
                /* (the cgroup namespace comes later: a step, once the child sits in its cgroups) */
                .namespaces = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS,
                .limits = c->limits,
                .uid = c->uid,
                .gid = c->gid,
                .root_host_id = SANDBOX_OVERFLOW_ID, /* host root is never mapped (issue 9, item 2) */
                .stage1 = STAGE1_FULL,
                .exec_once = true,
                .dumpable = false,
                .stdio = STDIO_RELAY,
                .env = ENV_SCRUBBED,
                .mounts_weakened_by = -1,
        };
        for (int s = 0; s < _STEP_SEQUENCE_END; s++)
                p->steps[p->n_steps++] = (enum sandbox_step_id)s;
        for (int s = 0; s < _STEP_MAX; s++)
                p->step_weakened_by[s] = -1;
        build_mounts(c, p);
}

/* ---- the negative controls -------------------------------------------------------------- */

static size_t step_index(const enum sandbox_step_id *steps, size_t n, enum sandbox_step_id s)
{
        for (size_t i = 0; i < n; i++)
                if (steps[i] == s)
                        return i;
        return n;
}

static void drop_step(struct sandbox_plan *p, enum sandbox_step_id s)
{
        size_t i = step_index(p->steps, p->n_steps, s);
        if (i < p->n_steps)
                memmove(&p->steps[i], &p->steps[i + 1], (--p->n_steps - i) * sizeof(p->steps[0]));
}

static void replace_step(enum sandbox_step_id *steps, size_t n, enum sandbox_step_id from, enum sandbox_step_id to)
{
        size_t i = step_index(steps, n, from);
        if (i < n)
                steps[i] = to;
}

static size_t mount_index(const struct sandbox_plan *p, const char *target)
{
        for (size_t i = 0; i < p->n_mounts; i++)
                if (strcmp(p->mounts[i].target, target) == 0)
                        return i;
        return p->n_mounts;
}

static struct sandbox_mount *mount_at(struct sandbox_plan *p, const char *target)
{
        size_t i = mount_index(p, target);
        return i < p->n_mounts ? &p->mounts[i] : NULL;
}

/* The host's own tree at its own place, in place of denybox's (or after /dev when there was none). */
static void bind_host_tree(struct sandbox_plan *p, const char *path)
{
        size_t at = mount_index(p, path);
        if (at == p->n_mounts) {
                at = mount_index(p, "/dev") + 1;
                if (at > p->n_mounts)
                        at = p->n_mounts;
                memmove(&p->mounts[at + 1], &p->mounts[at], (p->n_mounts++ - at) * sizeof(p->mounts[0]));
        }
        p->mounts[at] = (struct sandbox_mount){.kind = MOUNT_HOST_BIND, .target = path, .source = path};
}

/* Each negative control removes exactly one layer of the boundary (docs/CONTROLS.md says which
 * probe it makes fail).  A control that is a step left out is a row of `dropped`; the others edit
 * the mount table, the namespaces or a setting the steps read. */
void sandbox_plan_weaken(struct sandbox_plan *p, unsigned weaken)
{
        static const struct {
                enum weaken_layer w;
                enum sandbox_step_id step;
        } dropped[] = {
                {WEAKEN_CGROUPNS, STEP_ENTER_CGROUP_NAMESPACE},
                {WEAKEN_PROC_MASK, STEP_MASK_PROC},
                {WEAKEN_UTS, STEP_SET_HOSTNAME},
                {WEAKEN_SESSION, STEP_NEW_SESSION},
                {WEAKEN_FDS, STEP_CLOSE_OTHER_FDS},
                {WEAKEN_NNP, STEP_SET_NO_NEW_PRIVS},
                {WEAKEN_SECCOMP, STEP_LOAD_PROFILE}, /* stage 2 */
                {WEAKEN_LANDLOCK, STEP_APPLY_LANDLOCK},
        };
        static const struct {
                enum weaken_layer w;
                uint64_t ns;
        } unshared[] = {
                {WEAKEN_NET, CLONE_NEWNET}, {WEAKEN_PIDNS, CLONE_NEWPID}, {WEAKEN_UTS, CLONE_NEWUTS},
        };
#define WEAK(w) ((weaken >> (w)) & 1u)
        p->weakened = weaken;
        for (size_t i = 0; i < ELEMENTSOF(dropped); i++)
                if (WEAK(dropped[i].w)) {
                        drop_step(p, dropped[i].step);
                        p->step_weakened_by[dropped[i].step] = dropped[i].w;
                }
        for (size_t i = 0; i < ELEMENTSOF(unshared); i++)
                if (WEAK(unshared[i].w))
                        p->namespaces &= ~unshared[i].ns;

        /* the mount table: the host's /proc (it goes with the pid namespace), /dev, /sys */
        static const struct {
                enum weaken_layer w;
                const char *path;
        } host_trees[] = {{WEAKEN_PIDNS, "/proc"}, {WEAKEN_DEV, "/dev"}, {WEAKEN_SYS, "/sys"}};
        for (size_t i = 0; i < ELEMENTSOF(host_trees); i++)
                if (WEAK(host_trees[i].w)) {
                        bind_host_tree(p, host_trees[i].path);
                        p->mounts_weakened_by = host_trees[i].w;
                }
        if (WEAK(WEAKEN_RO_ROOT)) { /* / writable (and every mount nested in --rootfs) */
                p->mounts[0].attr &= ~(uint64_t)MOUNT_ATTR_RDONLY;
                p->mounts_weakened_by = WEAKEN_RO_ROOT;
        }
        struct sandbox_mount *in = mount_at(p, "/in"), *tmp = mount_at(p, "/tmp");
        if (WEAK(WEAKEN_RO_IN) && in) { /* /in writable (still noexec) */
                in->attr = NOSUID_NODEV | MOUNT_ATTR_NOEXEC;
                if (in->kind == MOUNT_TMPFS)
                        in->mode = 01777, in->size = 64 << 10, in->nr_inodes = 0;
                p->mounts_weakened_by = WEAKEN_RO_IN;
        }
        if (WEAK(WEAKEN_TMP_NOEXEC) && tmp) {
                tmp->attr &= ~(uint64_t)MOUNT_ATTR_NOEXEC;
                p->mounts_weakened_by = WEAKEN_TMP_NOEXEC;
        }
        if (WEAK(WEAKEN_TMP_INODES)) { /* the kernel's default: half of RAM in pages */
                static const char *const bounded[] = {"/tmp", "/out"};
                for (size_t i = 0; i < ELEMENTSOF(bounded); i++) {
                        struct sandbox_mount *m = mount_at(p, bounded[i]);
                        if (m && m->kind == MOUNT_TMPFS)
                                m->nr_inodes = 0;
                }
                p->mounts_weakened_by = WEAKEN_TMP_INODES;
        }
        if (p->mounts_weakened_by >= 0)
                p->step_weakened_by[STEP_BUILD_NEW_ROOT] = p->mounts_weakened_by;

        /* privileges: every capability kept, and made to survive the exec */
        if (WEAK(WEAKEN_CAPS)) {
                replace_step(p->steps, p->n_steps, STEP_DROP_PRIVILEGES, STEP_KEEP_CAPABILITIES);
                p->step_weakened_by[STEP_DROP_PRIVILEGES] = WEAKEN_CAPS;
        }
        /* Without no_new_privs, loading a seccomp filter needs CAP_SYS_ADMIN: the privileges go
         * only after the filters, in init (then made dumpable or not again: the credential change
         * resets it) and in the payload after stage 2.  The one control that reorders steps. */
        if (WEAK(WEAKEN_NNP)) {
                enum sandbox_step_id privs = WEAK(WEAKEN_CAPS) ? STEP_KEEP_CAPABILITIES : STEP_DROP_PRIVILEGES;
                drop_step(p, privs);
                p->steps[p->n_steps++] = privs;
                p->init_steps[p->n_init_steps++] = privs;
                p->init_steps[p->n_init_steps++] = STEP_SET_NOT_DUMPABLE;
        }
        if (WEAK(WEAKEN_INIT)) { /* init and the payload dumpable: /proc/1/mem, /proc/1/fd readable */
                p->dumpable = true;
                p->step_weakened_by[STEP_SET_NOT_DUMPABLE] = WEAKEN_INIT;
        }

        /* seccomp: stage 1 without its always-on guards (stage 2 was dropped above) */
        if (WEAK(WEAKEN_SECCOMP))
                p->stage1 = STAGE1_EXEC_ONLY;
        if (WEAK(WEAKEN_EXEC_ONCE)) { /* the supervisor allows every exec */
                p->exec_once = false;
                p->step_weakened_by[STEP_LOAD_EXEC_NOTIFY] = WEAKEN_EXEC_ONCE;
        }

        /* what the payload is handed */
        if (WEAK(WEAKEN_ENV)) {
                p->env = ENV_INHERIT;
                p->step_weakened_by[STEP_SCRUB_ENVIRONMENT] = WEAKEN_ENV;
        }
        if (WEAK(WEAKEN_STDIO)) {
                p->stdio = STDIO_INHERIT;
                p->step_weakened_by[STEP_CONNECT_STDIO] = WEAKEN_STDIO;
        }
        if (WEAK(WEAKEN_LIMITS)) {
                p->limits = (struct limits){-1, -1, -1, -1};
                p->step_weakened_by[STEP_SET_RLIMITS] = WEAKEN_LIMITS;
        }
        if (WEAK(WEAKEN_HOST_ROOT)) /* as root, inside 0 is host root (the old mapping) */
                p->root_host_id = 0;
        if (WEAK(WEAKEN_USER)) /* the payload runs as 0; the probes still expect the configured user */
                p->uid = 0, p->gid = 0;
#undef WEAK
}

void sandbox_plan_make(const struct sandbox_config *c, struct sandbox_plan *ret)
{
        sandbox_plan_build(c, ret);
        sandbox_plan_weaken(ret, c->weaken);
}

bool sandbox_plan_has_step(const struct sandbox_plan *p, enum sandbox_step_id s)
{
        return step_index(p->steps, p->n_steps, s) < p->n_steps;
}

const struct sandbox_mount *sandbox_plan_mount_at(const struct sandbox_plan *p, const char *target)
{
        size_t i = mount_index(p, target);
        return i < p->n_mounts ? &p->mounts[i] : NULL;
}
