/* SPDX-License-Identifier: MIT */
/* The sandbox's pid 1 after the payload is forked: it never execs, is not dumpable, reaps every
 * zombie, forwards SIGTERM/SIGINT/SIGHUP to the payload, and reports the payload's exit status or
 * signal to the launcher before it exits (which ends the pid namespace). */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#define INIT_FORWARDED_SIGNALS {SIGTERM, SIGINT, SIGHUP}

/* The message pid 1 sends the launcher: 'X', exited?, exit code, signal. */
#define MSG_EXIT 'X'

/* The signals init forwards, as a set (blocked in init; the payload unblocks them). */
void init_signal_set(sigset_t *set);

__attribute__((noreturn)) void init_loop(pid_t payload, int sync, bool undumpable);
