/* SPDX-License-Identifier: MIT */
/* A strict classic-BPF evaluator for seccomp programs, for tests only (libseccomp 2.5.4 ships no
 * simulator).  It runs exactly what the compiled filter would decide for one struct seccomp_data,
 * without loading anything.  It accepts only the instructions the kernel's seccomp checker accepts
 * *and* that libseccomp is known to emit; anything else -- another opcode, a jump or load out of
 * range, a read of scratch memory never written, a program not ending in RET -- is a bug in the
 * program or in the simulator's assumptions, never something to guess at: bpf_sim_run() aborts
 * with a message, bpf_sim_check() says why. */
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/* NULL if the program is acceptable, else a message (static storage) naming the instruction. */
const char *bpf_sim_check(const struct sock_filter *prog, size_t n);

/* The 32-bit SECCOMP_RET_* value the program returns for d.  Aborts (after printing why on stderr)
 * on a program bpf_sim_check() rejects. */
uint32_t bpf_sim_run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d);

/* The same on an exported blob (struct bpf_blob's data/len: len must be a multiple of 8). */
uint32_t bpf_sim_run_bytes(const void *data, size_t len, const struct seccomp_data *d);

/* What the kernel does with two stacked filters' results: the one whose action ranks first
 * (KILL_PROCESS > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG > ALLOW; kernel/seccomp.c
 * compares ACTION_ONLY() as signed); on a tie the first given (the newer filter runs first). */
uint32_t bpf_sim_stack(uint32_t newer, uint32_t older);

/* "ERRNO(1)", "ALLOW", "KILL_PROCESS", "USER_NOTIF", ... into buf. */
const char *bpf_sim_action_name(uint32_t ret, char *buf, size_t size);
