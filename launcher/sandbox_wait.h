/* SPDX-License-Identifier: MIT */
/* The launcher's side while the sandbox runs (sandbox.c's parent half): one poll loop over the
 * exec listener, the sync socket (protocol.h), the captured stdout, forwarded signals and one deadline. */
#pragma once

#include <stdbool.h>

#include "sandbox.h"

/* Supervise until the sandbox's init exits. */
int sandbox_supervise(int pidfd, int sync, int capture, int sigfd, long long deadline_ms, unsigned stop_timeout_sec,
                      struct sandbox_result *res, struct dbx_error *err);

/* CLOCK_MONOTONIC in milliseconds: every deadline is an absolute time on this clock. */
long long sandbox_now_ms(void);

/* Reap the sandbox's init and record how the payload ended. */
void sandbox_collect_status(int pidfd, struct sandbox_result *res);
