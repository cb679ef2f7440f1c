/* SPDX-License-Identifier: MIT */
/* Internal to the probe binary (denybox-probe): one observation's record, the helpers every
 * observation shares (probe_util.c), and the observations themselves (probe.c: the seeds' 12;
 * observe_kernel.c: system calls seccomp and exec-once must deny; observe_views.c: what the
 * process can see of itself and its surroundings, and the limits). */
#pragma once

#include "catalogue.h"

#include <stdbool.h>
#include <stddef.h>

/* in_child kills a child only after this long without progress (see in_child): a hang, never
 * mere slowness, on any machine the probe runs on. */
#define CHILD_STALL_MS 60000

/* What one probe observed (see report.c for how it is reported). */
struct obs {
        int err;
        char actual[sizeof(((struct probe_observation *) 0)->actual)];
        bool has_value;
        char value[sizeof(((struct probe_observation *) 0)->value)];
};

/* What the launcher told the probe on its command line (what it should try to exceed). */
struct probe_args {
        long long pids_limit; /* -1: not given */
        long long memory;     /* -1: not given */
        const char *abstract_socket; /* PR-LL-SCOPE-1: the launcher's listener, outside; NULL: not given */
        long long signal_target;     /* PR-LL-SIGNAL-1: the host pid of the launcher's target, outside; -1: not given */
};
extern struct probe_args probe_args;

/* "what -> EPERM (Operation not permitted)" or "what -> succeeded" into o. */
void record(struct obs *o, int err, const char *what);
/* Two operations make one probe: the worse errno, both described. */
void record_two(struct obs *o, const char *id, int e1, const char *what1, int e2, const char *what2);
/* The value the probe's check reads; "..." is appended if it had to be cut (the checks know). */
void set_value(struct obs *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* At most cap bytes of path into buf (holds cap + 1): 0, EFBIG if larger, or the errno. */
int read_bounded(const char *path, char *buf, size_t cap, size_t *ret_len);
/* Non-printable bytes as \ooo escapes; the length, or -1 if out is too small. */
long escape_text(const char *in, size_t len, char *out, size_t size);
int try_create(const char *path);
int stat_errno(const char *path);
long long now_ms(void);

/* Runs fn(arg) in a forked child and returns the errno it reported through a pipe; 0 if it ended
 * without reporting one (replaced by a successful exec); PROBE_ERR_KILLED(sig) if a signal killed
 * it; -1 if it could not be run or made no progress for CHILD_STALL_MS.  note says what happened
 * when no errno came back. */
int in_child(int (*fn)(int), int arg, char *note, size_t note_size);
/* In an in_child child: "still working" (restarts the parent's stall clock). */
void child_progress(void);
/* record() with in_child's note in brackets after what. */
void record_child(struct obs *o, int err, const char *what, const char *note);

/* observe_limits.c */
void probe_memory_unmapped(struct obs *o);
/* In a child about to exceed the memory limit: make it the OOM killer's first choice. */
void child_first_oom_victim(void);
/* PR-BPF-1's note: does the host's kernel deny bpf() to the sandbox before seccomp is consulted? */
void probe_bpf_host(struct obs *o);
/* probe_stdio.c */
void probe_stdio(struct obs *o);
/* probe_landlock.c: the second layer (issue 17) */
void probe_ll_exec(struct obs *o);
void probe_ll_write(struct obs *o);
void probe_ll_connect(struct obs *o);
void probe_ll_bind(struct obs *o);
void probe_ll_scope(struct obs *o);
void probe_ll_signal(struct obs *o);

/* observe_kernel.c */
void probe_userns(struct obs *o);
void probe_mount2(struct obs *o);
void probe_umount(struct obs *o);
void probe_chroot(struct obs *o);
void probe_setns(struct obs *o);
void probe_pivot(struct obs *o);
void probe_tmp_exec(struct obs *o);
void probe_tmp_mmap(struct obs *o);
void probe_tiocsti(struct obs *o);
void probe_tiocsti_high(struct obs *o);
void probe_keyctl(struct obs *o);
void probe_add_key(struct obs *o);
void probe_bpf(struct obs *o);
void probe_perf(struct obs *o);
void probe_io_uring(struct obs *o);
void probe_process_vm(struct obs *o);
void probe_unix_socket(struct obs *o);
void probe_i386(struct obs *o);
void probe_x32(struct obs *o);
void probe_clone3(struct obs *o);
void probe_exec_fd(struct obs *o);

/* observe_views.c */
void probe_cap_inh(struct obs *o);
void probe_cap_prm(struct obs *o);
void probe_cap_eff(struct obs *o);
void probe_cap_bnd(struct obs *o);
void probe_cap_amb(struct obs *o);
void probe_securebits(struct obs *o);
void probe_nnp(struct obs *o);
void probe_seccomp_mode(struct obs *o);
void probe_ids(struct obs *o);
void probe_pidns(struct obs *o);
void probe_hostname(struct obs *o);
void probe_cgroupns(struct obs *o);
void probe_fds(struct obs *o);
void probe_exe(struct obs *o);
void probe_sys(struct obs *o);
void probe_dev(struct obs *o);
void probe_proc_mask(struct obs *o);
void probe_pids(struct obs *o);
void probe_memory(struct obs *o);

/* probe_mounts.c */
void probe_host_root(struct obs *o);
void probe_tmp_inodes(struct obs *o);
/* probe_nsapi.c: the always-on rules against nested namespaces, the new mount API, terminal ioctls */
void probe_clone_newns(struct obs *o);
void probe_clone_newcgroup(struct obs *o);
void probe_clone_newuts(struct obs *o);
void probe_clone_newipc(struct obs *o);
void probe_clone_newuser(struct obs *o);
void probe_clone_newpid(struct obs *o);
void probe_clone_newnet(struct obs *o);
void probe_fsopen(struct obs *o);
void probe_fsconfig(struct obs *o);
void probe_fsmount(struct obs *o);
void probe_fspick(struct obs *o);
void probe_move_mount(struct obs *o);
void probe_open_tree(struct obs *o);
void probe_mount_setattr(struct obs *o);
void probe_tty_tiocsti(struct obs *o);
void probe_tty_tioclinux(struct obs *o);
void probe_tty_tiocsetd(struct obs *o);
void probe_tty_tioccons(struct obs *o);
