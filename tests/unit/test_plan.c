/* SPDX-License-Identifier: MIT */
/* The plan of the isolation sequence (launcher/sandbox_plan.h): what the unweakened plan holds, and
 * that each negative control edits it as docs/CONTROLS.md says, and only there. */
#include <check.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>

#include "config.h"
#include "privs.h"
#include "sandbox.h"
#include "sandbox_plan.h"
#include "unit.h"

static void plan_for(struct sandbox_plan *p, unsigned weaken, bool embedded)
{
        static struct sandbox_config c;
        config_init(&c);
        c.rootfs = embedded ? NULL : "/srv/root";
        c.volumes[0] = (struct volume){.source = "/srv/data", .target = "/data/sub", .writable = true};
        c.volumes[1] = (struct volume){.source = "/srv/in", .target = "/in", .writable = false};
        c.volumes[2] = (struct volume){.source = "/srv/data2", .target = "/data", .writable = false};
        c.n_volumes = 3;
        c.weaken = weaken;
        sandbox_plan_make(&c, p);
}

static size_t index_of(const struct sandbox_plan *p, enum sandbox_step_id s)
{
        for (size_t i = 0; i < p->n_steps; i++)
                if (p->steps[i] == s)
                        return i;
        return p->n_steps;
}

START_TEST(unweakened)
{
        struct sandbox_plan p;
        plan_for(&p, 0, false);
        ck_assert_uint_eq(p.n_steps, _STEP_SEQUENCE_END); /* every step, in the table's order */
        for (size_t i = 0; i < p.n_steps; i++)
                ck_assert_int_eq(p.steps[i], (int)i);
        ck_assert_uint_eq(p.n_init_steps, 0);
        ck_assert(p.namespaces & CLONE_NEWUSER && p.namespaces & CLONE_NEWPID && p.namespaces & CLONE_NEWNET &&
                  p.namespaces & CLONE_NEWUTS && p.namespaces & CLONE_NEWNS && p.namespaces & CLONE_NEWIPC);
        ck_assert(p.exec_once && !p.dumpable && p.stage1 == STAGE1_FULL && p.stdio == STDIO_RELAY && p.env == ENV_SCRUBBED);
        ck_assert_uint_eq(p.root_host_id, SANDBOX_OVERFLOW_ID);
        ck_assert_int_eq(p.mounts_weakened_by, -1);
        for (int s = 0; s < _STEP_MAX; s++)
                ck_assert_int_eq(p.step_weakened_by[s], -1);

        /* the mount table: root ro/nosuid/nodev, kernel fs, tmpfs, volumes parents first */
        static const char *const order[] = {"/", "/proc", "/dev", "/tmp", "/out", "/data", "/data/sub", "/in"};
        ck_assert_uint_eq(p.n_mounts, sizeof(order) / sizeof(order[0]));
        for (size_t i = 0; i < p.n_mounts; i++)
                ck_assert_str_eq(p.mounts[i].target, order[i]);
        ck_assert_int_eq(p.mounts[0].kind, MOUNT_ROOT_BIND);
        ck_assert_uint_eq(p.mounts[0].attr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
        const struct sandbox_mount *tmp = sandbox_plan_mount_at(&p, "/tmp"), *in = sandbox_plan_mount_at(&p, "/in"),
                                   *sub = sandbox_plan_mount_at(&p, "/data/sub"), *out = sandbox_plan_mount_at(&p, "/out");
        ck_assert(tmp->attr & MOUNT_ATTR_NOEXEC && tmp->nr_inodes > 0 && tmp->mode == 01777);
        ck_assert(out->owned && out->attr & MOUNT_ATTR_NOEXEC && out->nr_inodes > 0);
        ck_assert(in->kind == MOUNT_VOLUME && in->attr & MOUNT_ATTR_RDONLY && in->volume == 1);
        ck_assert(sub->attr & MOUNT_ATTR_NOEXEC && !(sub->attr & MOUNT_ATTR_RDONLY) && sub->volume == 0);
        ck_assert_ptr_null(sandbox_plan_mount_at(&p, "/sys"));

        /* the embedded root: a tmpfs, /in an empty read-only tmpfs */
        plan_for(&p, 0, true);
        ck_assert_int_eq(p.mounts[0].kind, MOUNT_ROOT_TMPFS);
        ck_assert(p.mounts[0].attr & MOUNT_ATTR_RDONLY);
}
END_TEST

/* Each control that is a step left out drops exactly that step, and says so for the reports. */
START_TEST(dropped_steps)
{
        static const struct {
                enum weaken_layer w;
                enum sandbox_step_id step;
        } cases[] = {
                {WEAKEN_CGROUPNS, STEP_ENTER_CGROUP_NAMESPACE}, {WEAKEN_PROC_MASK, STEP_MASK_PROC},
                {WEAKEN_UTS, STEP_SET_HOSTNAME}, {WEAKEN_SESSION, STEP_NEW_SESSION},
                {WEAKEN_FDS, STEP_CLOSE_OTHER_FDS}, {WEAKEN_SECCOMP, STEP_LOAD_PROFILE},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct sandbox_plan p;
                plan_for(&p, 1u << cases[i].w, false);
                ck_assert_uint_eq(p.n_steps, _STEP_SEQUENCE_END - 1);
                ck_assert(!sandbox_plan_has_step(&p, cases[i].step));
                ck_assert_int_eq(p.step_weakened_by[cases[i].step], cases[i].w);
        }
}
END_TEST

START_TEST(settings_and_mounts)
{
        struct sandbox_plan p;
        plan_for(&p, 1u << WEAKEN_NET | 1u << WEAKEN_PIDNS | 1u << WEAKEN_UTS, false);
        ck_assert(!(p.namespaces & (CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWUTS)) && p.namespaces & CLONE_NEWUSER);
        ck_assert_int_eq(sandbox_plan_mount_at(&p, "/proc")->kind, MOUNT_HOST_BIND);

        plan_for(&p, 1u << WEAKEN_SYS | 1u << WEAKEN_DEV, true);
        ck_assert_int_eq(sandbox_plan_mount_at(&p, "/dev")->kind, MOUNT_HOST_BIND);
        ck_assert_str_eq(p.mounts[3].target, "/sys"); /* right after /dev */
        ck_assert_int_eq(p.mounts[3].kind, MOUNT_HOST_BIND);
        ck_assert_int_eq(p.step_weakened_by[STEP_BUILD_NEW_ROOT], WEAKEN_SYS);

        plan_for(&p, 1u << WEAKEN_RO_ROOT | 1u << WEAKEN_RO_IN | 1u << WEAKEN_TMP_NOEXEC | 1u << WEAKEN_TMP_INODES, false);
        ck_assert(!(p.mounts[0].attr & MOUNT_ATTR_RDONLY));
        ck_assert(!(sandbox_plan_mount_at(&p, "/in")->attr & MOUNT_ATTR_RDONLY));
        ck_assert(!(sandbox_plan_mount_at(&p, "/tmp")->attr & MOUNT_ATTR_NOEXEC));
        ck_assert_uint_eq(sandbox_plan_mount_at(&p, "/tmp")->nr_inodes, 0);
        ck_assert_uint_eq(sandbox_plan_mount_at(&p, "/out")->nr_inodes, 0);

        plan_for(&p, 1u << WEAKEN_INIT | 1u << WEAKEN_EXEC_ONCE | 1u << WEAKEN_ENV | 1u << WEAKEN_STDIO |
                             1u << WEAKEN_LIMITS | 1u << WEAKEN_HOST_ROOT | 1u << WEAKEN_SECCOMP, false);
        ck_assert(p.dumpable && !p.exec_once && p.env == ENV_INHERIT && p.stdio == STDIO_INHERIT);
        ck_assert(p.stage1 == STAGE1_EXEC_ONLY && p.root_host_id == 0 && p.limits.pids == -1);
        ck_assert_uint_eq(p.n_steps, _STEP_SEQUENCE_END - 1); /* (seccomp drops stage 2) */
}
END_TEST

/* caps swaps the step; nnp moves the privileges after the filters, in init and in the payload. */
START_TEST(privileges)
{
        struct sandbox_plan p;
        plan_for(&p, 1u << WEAKEN_CAPS, false);
        ck_assert(!sandbox_plan_has_step(&p, STEP_DROP_PRIVILEGES));
        ck_assert_uint_eq(index_of(&p, STEP_KEEP_CAPABILITIES), STEP_DROP_PRIVILEGES);
        ck_assert_str_eq(sandbox_step_info(STEP_KEEP_CAPABILITIES)->name, "keep_capabilities");

        plan_for(&p, 1u << WEAKEN_NNP, false);
        ck_assert(!sandbox_plan_has_step(&p, STEP_SET_NO_NEW_PRIVS));
        ck_assert_uint_eq(index_of(&p, STEP_DROP_PRIVILEGES), p.n_steps - 1);
        ck_assert_uint_gt(index_of(&p, STEP_DROP_PRIVILEGES), index_of(&p, STEP_LOAD_PROFILE));
        ck_assert_uint_eq(p.n_init_steps, 2);
        ck_assert_int_eq(p.init_steps[0], STEP_DROP_PRIVILEGES);
        ck_assert_int_eq(p.init_steps[1], STEP_SET_NOT_DUMPABLE);

        plan_for(&p, 1u << WEAKEN_NNP | 1u << WEAKEN_CAPS, false);
        ck_assert_int_eq(p.steps[p.n_steps - 1], STEP_KEEP_CAPABILITIES);
        ck_assert_int_eq(p.init_steps[0], STEP_KEEP_CAPABILITIES);
}
END_TEST

/* --weaken user: the payload runs as 0, while the configuration (what the probes expect) keeps the
 * configured user; the host ids follow the plan's user. */
START_TEST(user_and_host_ids)
{
        struct sandbox_plan p;
        plan_for(&p, 0, false);
        ck_assert_uint_eq(p.uid, 65532);
        ck_assert_uint_eq(userns_host_uid(&p, 1000), 1000); /* unprivileged: to the caller */
        ck_assert_uint_eq(userns_host_gid(&p, 1000, 100), 100);
        if (userns_is_initial())
                ck_assert_uint_eq(userns_host_uid(&p, 0), 65532); /* root: the sandbox uid maps to itself */
        plan_for(&p, 1u << WEAKEN_USER, false);
        ck_assert(p.uid == 0 && p.gid == 0);
        if (userns_is_initial()) {
                ck_assert_uint_eq(userns_host_uid(&p, 0), SANDBOX_OVERFLOW_ID); /* root: inside 0 is nobody */
                plan_for(&p, 1u << WEAKEN_USER | 1u << WEAKEN_HOST_ROOT, false);
                ck_assert_uint_eq(userns_host_uid(&p, 0), 0);
        }
}
END_TEST

int main(void)
{
        Suite *s = suite_create("plan");
        TCase *tc = tcase_create("plan");
        tcase_add_test(tc, unweakened);
        tcase_add_test(tc, dropped_steps);
        tcase_add_test(tc, settings_and_mounts);
        tcase_add_test(tc, privileges);
        tcase_add_test(tc, user_and_host_ids);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
