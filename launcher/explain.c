/* SPDX-License-Identifier: MIT */
#include "explain.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "landlock.h"
#include "mounts.h"
#include "privs.h"
#include "sources.h"
#include "sandbox.h"

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

/* The second layer: the ABI this kernel offers and, right by right, what it will enforce. */
static void explain_landlock(const struct sandbox_config *c, const struct filter_set *fs, FILE *f)
{
        struct landlock_plan p;
        landlock_plan_for(landlock_abi(), fs->exec.verdict != EXEC_VERDICT_ALLOW, &p);
        if (p.abi == 0) {
                fprintf(f, "\nlandlock: none on this kernel: single layer (the mounts, the namespaces and exec-once "
                           "hold alone)");
                return;
        }
        fprintf(f, "\nlandlock: ABI %d%s", p.abi, config_weakened(c, WEAKEN_LANDLOCK) ? ", NOT APPLIED (--weaken landlock)" : "");
        for (size_t i = 0; i < landlock_rights_len; i++)
                fprintf(f, "\n  %-20s %-44s %s", landlock_rights[i].name, landlock_right_status(&landlock_rights[i], &p),
                        landlock_rights[i].holds);
}

int explain_print(const struct sandbox_config *c, const struct filter_set *fs, const char *profile_name,
                  const char *profile_sha256, FILE *f)
{
        uid_t euid = geteuid();
        size_t n, step = 1;
        const struct sandbox_step *steps = sandbox_child_steps(&n);

        fprintf(f, "denybox %s would run, as %s (uid %u):\n\n", DENYBOX_VERSION, euid == 0 ? "root" : "an unprivileged user",
                (unsigned)euid);
        if (c->weaken) {
                fprintf(f, "WEAKENED (negative control, not an attestation):");
                for (int w = 0; w < _WEAKEN_MAX; w++)
                        if (config_weakened(c, (enum weaken_layer)w))
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
                step++, c->rootfs ? c->rootfs : "(embedded)", (unsigned)config_host_uid(c, euid));
        fprintf(f, "  %2zu. compile seccomp %s (profile sha256 %s): stage 1 %zu insns, stage 2 %zu insns, bpf sha256 %s\n",
                step++, profile_name, profile_sha256, fs->stage1.len / 8, fs->stage2.len / 8, fs->bpf_sha256);
        fprintf(f, "  %2zu. clone3(CLONE_NEWUSER|NEWNS|NEWPID|NEWNET|NEWIPC|NEWUTS|PIDFD[|INTO_CGROUP])\n", step++);
        struct userns_maps m;
        userns_maps(c, euid, getegid(), &m);
        fprintf(f, "  %2zu. write setgroups=deny, uid_map \"%s\", gid_map \"%s\"\n", step++, one_line(m.uid_map),
                one_line(m.gid_map));
        fprintf(f, "      host root: %s\n",
                m.host_root_mapped ? "MAPPED (--weaken host-root: the old mapping, a negative control)" :
                euid == 0 && m.setup_uid != 0 && c->uid != 0 ?
                            "never mapped; inside 0 is not mapped either (the sandbox uid is the overflow id itself: setup runs as it)" :
                euid == 0 ? "never mapped; inside 0 (denybox's setup, --user 0) is the overflow id " STR(SANDBOX_OVERFLOW_ID)
                            " (nobody); every host file whose owner is unmapped shows as " STR(SANDBOX_OVERFLOW_ID) :
                            "not mapped (unprivileged: only the caller's own ids)");
        fprintf(f, "\ninside (the sandbox's pid 1; after fork_payload, pid 2 before its single exec)\n");
        for (size_t i = 0; i < n; i++)
                fprintf(f, "  %2zu. %-24s %s\n", step++, steps[i].name, steps[i].why);
        fprintf(f, "  %2zu. %-24s %s\n", step++, "exec_payload", "in pid 2: the payload, the one exec the supervisor lets through");

        fprintf(f, "\nmounts\n");
        fprintf(f, "  /           %s, read-only, nosuid, nodev (every mount nested in it too)\n", c->rootfs ? c->rootfs : "embedded tmpfs (distroless skeleton)");
        fprintf(f, "  /proc       fresh procfs of the new pid namespace (checked: fstatfs), nosuid, nodev, noexec, dangerous paths masked\n");
        fprintf(f, "  /dev        read-only tmpfs with null, zero, full, random, urandom, tty bound from the host\n");
        fprintf(f, "  /tmp        tmpfs size=%llu nr_inodes=%llu, noexec, nosuid, nodev\n", (unsigned long long)c->tmp_size,
                (unsigned long long)tmpfs_inodes(c->tmp_size));
        if (!config_volume_at(c, "/out"))
                fprintf(f, "  /out        tmpfs size=%llu nr_inodes=%llu owned by %u, noexec, nosuid, nodev (discarded)\n",
                        (unsigned long long)c->tmp_size, (unsigned long long)tmpfs_inodes(c->tmp_size), (unsigned)c->uid);
        for (size_t i = 0; i < c->n_volumes; i++) {
                fprintf(f, "  %-11s %s, %s\n", c->volumes[i].target, c->volumes[i].source,
                        c->volumes[i].writable ? "read-write, nosuid, nodev, noexec" : "recursively read-only, nosuid, nodev");
                explain_volume_sockets(&c->volumes[i], f);
        }

        fprintf(f, "\nexec policy: denybox's own exec allowed once; every later execve/execveat %s",
                fs->exec.verdict == EXEC_VERDICT_ALLOW ? "allowed (the profile allows exec)" :
                fs->exec.verdict == EXEC_VERDICT_KILL ? "kills the caller" : "fails with errno ");
        if (fs->exec.verdict == EXEC_VERDICT_ERRNO)
                fprintf(f, "%d (%s)", fs->exec.errno_ret, strerror(fs->exec.errno_ret));
        explain_landlock(c, fs, f);
        fprintf(f, "\nuser: %u:%u, no capabilities, no_new_privs, hostname %s\n", (unsigned)c->uid, (unsigned)c->gid,
                SANDBOX_HOSTNAME);
        struct cgroup_plan plan;
        cgroup_prepare(&c->limits, true, &plan, NULL);
        fprintf(f, "limits:");
        for (int k = 0; k < _LIMIT_MAX; k++)
                fprintf(f, " %s=%s", limit_kind_name((enum limit_kind)k), limit_mech_label((enum limit_kind)k, plan.mech[k]));
        fprintf(f, "\n");
        if (c->timeout_sec)
                fprintf(f, "timeout: %u s from the start (one deadline, setup included), then SIGKILL through the pidfd\n",
                        c->timeout_sec);
        fprintf(f, "signals: TERM INT HUP QUIT USR1 USR2 forwarded; %u s after a TERM/INT, or at a second one, SIGKILL\n",
                c->stop_timeout_sec);
        fprintf(f, "stdio: %s\n", config_weakened(c, WEAKEN_STDIO) ? "the caller's own 0/1/2 (--weaken stdio)"
                                                                      : "denybox's pipes, relayed (the payload holds no fd of the caller's)");
        return 0;
}
