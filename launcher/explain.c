/* SPDX-License-Identifier: MIT */
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "cgroup.h"
#include "landlock.h"
#include "mounts.h"
#include "privs.h"
#include "sandbox.h"
#include "sandbox_plan.h"
#include "sources.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* "a b 1\nc d 1\n" as "a b 1, c d 1" */
static const char *one_line(char *map)
{
        size_t n = strlen(map);
        if (n && map[n - 1] == '\n')
                map[--n] = '\0';
        for (char *p = map; (p = strchr(p, '\n'));)
                *p = ',';
        return map;
}

/* Every socket a volume exposes (engine sockets are refused outright: preflight). */
static void explain_volume_sockets(const struct volume *v, FILE *f)
{
        struct socket_scan scan;
        struct dbx_error e = {0};
        int fd = open(v->source, O_PATH | O_CLOEXEC);
        if (fd < 0) {
                fprintf(f, "              (cannot open it: %s)\n", strerror(errno));
                return;
        }
        int r = source_scan_sockets(fd, v->source, &scan, &e);
        close(fd);
        if (r < 0) {
                fprintf(f, "              REFUSED: %s\n", e.msg);
                return;
        }
        fprintf(f, "              sockets exposed: %zu%s\n", scan.n,
                scan.complete ? "" : " (walk cut short at " STR(SOURCE_WALK_MAX_ENTRIES) " entries / depth "
                                     STR(SOURCE_WALK_MAX_DEPTH) ": there may be more)");
        for (size_t k = 0; k < scan.n && k < SOURCE_MAX_LISTED; k++)
                fprintf(f, "                %s%s\n", v->source, scan.listed[k]);
}

/* " ro, nosuid, nodev, noexec" */
static const char *attr_text(uint64_t attr, char *buf, size_t size)
{
        snprintf(buf, size, "%s%s%s%s", attr & MOUNT_ATTR_RDONLY ? "read-only" : "read-write", attr & MOUNT_ATTR_NOSUID ? ", nosuid" : "",
                 attr & MOUNT_ATTR_NODEV ? ", nodev" : "", attr & MOUNT_ATTR_NOEXEC ? ", noexec" : "");
        return buf;
}

/* One row of the plan's mount table. */
static void explain_mount(const struct sandbox_config *c, const struct sandbox_plan *p, const struct sandbox_mount *m, FILE *f)
{
        char a[64], tmpfs[160];
        int k = snprintf(tmpfs, sizeof(tmpfs), "tmpfs mode=%o", m->mode);
        if (m->owned)
                k += snprintf(tmpfs + k, sizeof(tmpfs) - (size_t)k, " uid=%u gid=%u", (unsigned)p->uid, (unsigned)p->gid);
        k += snprintf(tmpfs + k, sizeof(tmpfs) - (size_t)k, " size=%llu", (unsigned long long)m->size);
        if (m->nr_inodes)
                snprintf(tmpfs + k, sizeof(tmpfs) - (size_t)k, " nr_inodes=%llu", (unsigned long long)m->nr_inodes);
        else
                snprintf(tmpfs + k, sizeof(tmpfs) - (size_t)k, " nr_inodes unbounded (the kernel's default)");

        fprintf(f, "  %-11s ", m->target);
        switch (m->kind) {
        case MOUNT_ROOT_BIND:
                fprintf(f, "%s, %s (every mount nested in it too)\n", m->source, attr_text(m->attr, a, sizeof(a)));
                return;
        case MOUNT_ROOT_TMPFS:
                fprintf(f, "embedded %s (distroless skeleton), %s after the pivot\n", tmpfs, attr_text(m->attr, a, sizeof(a)));
                return;
        case MOUNT_PROC:
                fprintf(f, "fresh procfs of the new pid namespace (checked: fstatfs), %s\n", attr_text(m->attr, a, sizeof(a)));
                return;
        case MOUNT_DEV:
                fprintf(f, "read-only tmpfs with null, zero, full, random, urandom, tty bound from the host, %s\n",
                        attr_text(m->attr | MOUNT_ATTR_RDONLY, a, sizeof(a)));
                return;
        case MOUNT_TMPFS:
                fprintf(f, "%s, %s%s\n", tmpfs, attr_text(m->attr, a, sizeof(a)), strcmp(m->target, "/out") == 0 ? " (discarded)" : "");
                return;
        case MOUNT_VOLUME:
                fprintf(f, "%s, %s%s\n", m->source, m->attr & MOUNT_ATTR_RDONLY ? "recursively " : "", attr_text(m->attr, a, sizeof(a)));
                explain_volume_sockets(&c->volumes[m->volume], f);
                return;
        case MOUNT_HOST_BIND:
                fprintf(f, "THE HOST'S OWN %s, as it is (negative control)\n", m->source);
                return;
        }
}

/* "  12. name   why", marked when a negative control changed the step */
static void explain_step(const struct sandbox_plan *plan, enum sandbox_step_id id, size_t *step, FILE *f)
{
        const struct sandbox_step *s = sandbox_step_info(id);
        fprintf(f, "  %2zu. %-24s %s", (*step)++, s->name, s->why);
        if (plan->step_weakened_by[id] >= 0)
                fprintf(f, " [WEAKENED: --weaken %s]", weaken_name((enum weaken_layer)plan->step_weakened_by[id]));
        fprintf(f, "\n");
}

/* The second layer: the ABI this kernel offers and, right by right, what it will enforce. */
static void explain_landlock(const struct sandbox_plan *plan, const struct filter_set *fs, FILE *f)
{
        struct landlock_plan p;
        landlock_plan_for(landlock_abi(), fs->exec.verdict != EXEC_VERDICT_ALLOW, &p);
        if (p.abi == 0) {
                fprintf(f, "\nlandlock: none on this kernel: single layer (the mounts, the namespaces and exec-once "
                           "hold alone)");
                return;
        }
        fprintf(f, "\nlandlock: ABI %d%s", p.abi,
                sandbox_plan_has_step(plan, STEP_APPLY_LANDLOCK) ? "" : ", NOT APPLIED (--weaken landlock)");
        for (size_t i = 0; i < landlock_rights_len; i++)
                fprintf(f, "\n  %-20s %-44s %s", landlock_rights[i].name, landlock_right_status(&landlock_rights[i], &p),
                        landlock_rights[i].holds);
}

int explain_print(const struct sandbox_config *c, const struct filter_set *fs, const char *profile_name,
                  const char *profile_sha256, FILE *f)
{
        uid_t euid = geteuid();
        size_t step = 1;
        struct sandbox_plan plan;
        sandbox_plan_make(c, &plan);

        fprintf(f, "denybox %s would run, as %s (uid %u):\n\n", DENYBOX_VERSION, euid == 0 ? "root" : "an unprivileged user",
                (unsigned)euid);
        if (plan.weakened) {
                fprintf(f, "WEAKENED (negative control, not an attestation):");
                for (int w = 0; w < _WEAKEN_MAX; w++)
                        if ((plan.weakened >> w) & 1u)
                                fprintf(f, " %s", weaken_name((enum weaken_layer)w));
                fprintf(f, "\n\n");
        }
        if (c->image)
                fprintf(f, "image %s\n  manifest digest %s\n  config digest   %s\n  root            %s (cache, %s)\n\n",
                        c->image, c->image_digest, c->image_config_digest, c->rootfs,
                        c->image_reused ? "reused: nothing unpacked" : "unpacked now");
        fprintf(f, "outside (the launcher)\n");
        fprintf(f, "  %2zu. preflight: kernel >= 5.12, user namespaces allowed, rootfs %s, volumes exist, /out writable by host uid %u;\n"
                   "      rootfs and volume sources opened once and judged by what they are (not the host root or /run by\n"
                   "      identity, no kernel file system, device, FIFO or socket, no engine socket inside), their inodes\n"
                   "      remembered: the sandbox binds those inodes or nothing; no mount point through a symlink\n",
                step++, c->rootfs ? c->rootfs : "(embedded)", (unsigned)userns_host_uid(&plan, euid));
        fprintf(f, "  %2zu. compile seccomp %s (profile sha256 %s): stage 1 %zu insns, stage 2 %zu insns, bpf sha256 %s\n",
                step++, profile_name, profile_sha256, fs->stage1.len / 8, fs->stage2.len / 8, fs->bpf_sha256);
        if (plan.stage1 == STAGE1_EXEC_ONLY)
                fprintf(f, "      WEAKENED: stage 1 is exec-only (%zu insns, no always-on guards)\n", fs->stage1_exec_only.len / 8);
        static const struct {
                uint64_t flag;
                const char *name;
        } ns[] = {{CLONE_NEWUSER, "NEWUSER"}, {CLONE_NEWNS, "NEWNS"}, {CLONE_NEWPID, "NEWPID"},
                  {CLONE_NEWNET, "NEWNET"}, {CLONE_NEWIPC, "NEWIPC"}, {CLONE_NEWUTS, "NEWUTS"}};
        fprintf(f, "  %2zu. clone3(", step++);
        for (size_t i = 0; i < ELEMENTSOF(ns); i++)
                if (plan.namespaces & ns[i].flag)
                        fprintf(f, "CLONE_%s|", ns[i].name);
        fprintf(f, "PIDFD[|INTO_CGROUP])\n");
        struct userns_maps m;
        userns_maps(&plan, euid, getegid(), &m);
        fprintf(f, "  %2zu. write setgroups=deny, uid_map \"%s\", gid_map \"%s\"\n", step++, one_line(m.uid_map),
                one_line(m.gid_map));
        fprintf(f, "      host root: %s\n",
                m.host_root_mapped ? "MAPPED (--weaken host-root: the old mapping, a negative control)" :
                euid == 0 && m.setup_uid != 0 && plan.uid != 0 ?
                            "never mapped; inside 0 is not mapped either (the sandbox uid is the overflow id itself: setup runs as it)" :
                euid == 0 ? "never mapped; inside 0 (denybox's setup, --user 0) is the overflow id " STR(SANDBOX_OVERFLOW_ID)
                            " (nobody); every host file whose owner is unmapped shows as " STR(SANDBOX_OVERFLOW_ID) :
                            "not mapped (unprivileged: only the caller's own ids)");

        fprintf(f, "\ninside (the sandbox's pid 1; after fork_payload, pid 2 before its single exec)\n");
        for (size_t i = 0; i < plan.n_steps; i++) {
                explain_step(&plan, plan.steps[i], &step, f);
                for (size_t k = 0; plan.steps[i] == STEP_FORK_PAYLOAD && k < plan.n_init_steps; k++)
                        fprintf(f, "      then in init, before its filter: %s\n", sandbox_step_info(plan.init_steps[k])->name);
        }
        fprintf(f, "  %2zu. %-24s %s\n", step++, "exec_payload", "in pid 2: the payload, the one exec the supervisor lets through");
        for (int id = 0; id < _STEP_MAX; id++)
                if (plan.step_weakened_by[id] >= 0 && !sandbox_plan_has_step(&plan, (enum sandbox_step_id)id))
                        fprintf(f, "      NOT RUN: %s (--weaken %s)\n", sandbox_step_info((enum sandbox_step_id)id)->name,
                                weaken_name((enum weaken_layer)plan.step_weakened_by[id]));

        fprintf(f, "\nmounts%s\n", plan.mounts_weakened_by >= 0 ? " (WEAKENED by a negative control)" : "");
        for (size_t i = 0; i < plan.n_mounts; i++)
                explain_mount(c, &plan, &plan.mounts[i], f);

        fprintf(f, "\nexec policy: denybox's own exec allowed once; every later execve/execveat %s",
                !plan.exec_once ? "allowed (WEAKENED: --weaken exec-once)" :
                fs->exec.verdict == EXEC_VERDICT_ALLOW ? "allowed (the profile allows exec)" :
                fs->exec.verdict == EXEC_VERDICT_KILL ? "kills the caller" : "fails with errno ");
        if (plan.exec_once && fs->exec.verdict == EXEC_VERDICT_ERRNO)
                fprintf(f, "%d (%s)", fs->exec.errno_ret, strerror(fs->exec.errno_ret));
        explain_landlock(&plan, fs, f);
        fprintf(f, "\nuser: %u:%u%s, %s, %s, hostname %s\n", (unsigned)plan.uid, (unsigned)plan.gid,
                plan.uid != c->uid || plan.gid != c->gid ? " (WEAKENED: --weaken user; the probes expect the configured user)" : "",
                sandbox_plan_has_step(&plan, STEP_KEEP_CAPABILITIES) ? "EVERY CAPABILITY KEPT" : "no capabilities",
                sandbox_plan_has_step(&plan, STEP_SET_NO_NEW_PRIVS) ? "no_new_privs" : "NO no_new_privs",
                sandbox_plan_has_step(&plan, STEP_SET_HOSTNAME) ? SANDBOX_HOSTNAME : "the host's");
        struct cgroup_plan limits;
        cgroup_prepare(&plan.limits, true, &limits, NULL);
        fprintf(f, "limits:");
        for (int k = 0; k < _LIMIT_MAX; k++)
                fprintf(f, " %s=%s", limit_kind_name((enum limit_kind)k), limit_mech_label((enum limit_kind)k, limits.mech[k]));
        fprintf(f, "\n");
        if (c->timeout_sec)
                fprintf(f, "timeout: %u s from the start (one deadline, setup included), then SIGKILL through the pidfd\n",
                        c->timeout_sec);
        fprintf(f, "signals: TERM INT HUP QUIT USR1 USR2 forwarded; %u s after a TERM/INT, or at a second one, SIGKILL\n",
                c->stop_timeout_sec);
        fprintf(f, "environment: %s\n", plan.env == ENV_INHERIT ? "the caller's whole environment, then denybox's (--weaken env)"
                                                                 : "HOME, HOSTNAME, LANG, PATH and what -e/--env-file add");
        fprintf(f, "stdio: %s\n", plan.stdio == STDIO_INHERIT ? "the caller's own 0/1/2 (--weaken stdio)"
                                                               : "denybox's pipes, relayed (the payload holds no fd of the caller's)");
        return 0;
}
