/* SPDX-License-Identifier: MIT */
/* The launcher's side while the sandbox runs (sandbox.c's parent half): one poll loop over the
 * exec listener, the sync socket (protocol.h), the captured stdout, the relayed output pipes
 * until their copies start (relay.h), forwarded signals and one deadline. */
#pragma once

#include <stdbool.h>

#include "sandbox.h"

struct relay;

/* Supervise until the sandbox's init exits.  capture: the stdout pipe read here, or -1; relay:
 * the relayed stdio whose output copies start on the first output, or NULL. */
int sandbox_supervise(int pidfd, int sync, int capture, struct relay *relay, int sigfd, long long deadline_ms,
                      unsigned stop_timeout_sec, struct sandbox_result *res, struct dbx_error *err);

/* CLOCK_MONOTONIC in milliseconds: every deadline is an absolute time on this clock. */
long long sandbox_now_ms(void);

/* Reap the sandbox's init and record how the payload ended. */
void sandbox_collect_status(int pidfd, struct sandbox_result *res);
