/* SPDX-License-Identifier: MIT */
/* Relayed stdio: the payload's 0/1/2 are pipes denybox creates; the launcher copies between them
 * and the caller's own 0/1/2, so the payload never holds a descriptor of the caller's (no
 * TIOCSTI/TIOCSETD on the caller's terminal, no reopening of the caller's files through
 * /proc/self/fd).  One thread per direction does blocking copies (splice where the kernel can,
 * read/write otherwise): partial writes, backpressure and EPIPE are the kernel's, as with a
 * direct fd, and the supervisor's poll loop never waits on the caller's descriptors (which may be
 * blocking and shared: one thread for all would deadlock on them).  A thread is made only when
 * there is something to copy: stdin's not at all when it is /dev/null (the payload reads EOF),
 * stdout's and stderr's once the supervisor's poll sees the payload's first write on the pipe
 * (only polled there, never read), or at the end if the payload wrote just before it exited; a
 * pipe hung up with nothing in it is closed without one.  A payload that writes nothing costs no
 * thread (a thread's stack, clone and exit were a few percent of a launch's CPU). */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

struct relay_pipe {
        int child;          /* the end the payload gets, or -1 */
        int parent;         /* the end the launcher keeps, or -1 */
        int caller;         /* the caller's fd (0, 1, 2) it is copied from/to */
        bool to_child;      /* stdin: caller -> payload */
        int stop;           /* stdin: readable when the run is over, or -1 */
        bool lazy;          /* stdout/stderr: no copy yet, the supervisor polls parent (relay_wake) */
        bool threaded;      /* a copy thread runs */
        pthread_t thread;
};

struct relay {
        struct relay_pipe p[3];   /* 0 stdin, 1 stdout, 2 stderr */
        int stop[2];              /* a pipe: tells the stdin copy the run is over */
};

/* The caller's 0/1/2 that are closed become /dev/null, before anything else opens a fd.  Call
 * first thing in main(). */
int relay_stdio_sanitize(void);

/* Three pipes (close-on-exec).  A capture of stdout reads p[1].parent itself. */
int relay_open(struct relay *r, struct dbx_error *err);
/* In the child: the pipes become 0/1/2, every other end closed. */
int relay_install(struct relay *r, struct dbx_error *err);
/* In the parent after the clone: the child's ends closed. */
void relay_close_child_ends(struct relay *r);
/* Start relaying: stdin's copy now (when relay_stdin, unless it is /dev/null or a terminal we may
 * not read: then the payload reads EOF); stdout (unless it is captured) and stderr wait for the
 * payload's first write (relay_waiting_fd, relay_wake). */
int relay_start(struct relay *r, bool relay_stdin, bool relay_stdout, struct dbx_error *err);
/* stdout (1) or stderr (2): the pipe to poll for POLLIN until its copy starts, else -1.  Only
 * polled, never read: the copy thread reads it. */
int relay_waiting_fd(const struct relay *r, int i);
/* The first event (revents) on relay_waiting_fd(r, i): its copy thread starts, or, at EOF with
 * nothing to copy (POLLHUP alone), the pipe is closed. */
int relay_wake(struct relay *r, int i, short revents, struct dbx_error *err);
/* After the sandbox is gone: start the copies of output pipes that still hold data, wait for
 * stdout/stderr to drain (at most drain_ms, or for ever if negative), stop the stdin copy, close
 * all.  False if a copy was abandoned (the caller did not read): it still uses r, which must then
 * not be freed. */
bool relay_finish(struct relay *r, int drain_ms);
/* A copy loop (exposed for the benchmark): returns bytes copied, or a negative errno.  With
 * stop >= 0 it waits in poll() and returns when stop becomes readable. */
long long relay_copy(int from, int to, int stop);
