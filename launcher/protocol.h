/* SPDX-License-Identifier: MIT */
/* The launcher <-> sandbox protocol: the messages on the sync socket (a SOCK_SEQPACKET
 * socketpair: one send is one message, never merged or split), their encoding, the hand-off of
 * the stage-1 exec listener (SCM_RIGHTS), and the child's setup errors.  Both sides use this
 * module and nothing else to speak on that socket: sandbox.c (the child's setup, the parent's
 * hand-off), init.c (pid 1's exit report), sandbox_wait.c (the parent while the sandbox runs).
 *
 *   'G'                           parent -> child   the uid/gid maps are written: go on
 *   'L' path... + fd (SCM_RIGHTS) child -> parent   stage 1's listener, and the path of the one exec to come
 *   'E' status sentence...        child -> parent   setup failed (enum setup_status), one sentence
 *   'X' exited code signal        init -> parent    how the payload ended (exited: 1 or 0)
 *
 * A message that is not one of these, exactly, is refused with EPROTO and a sentence that says
 * what is wrong with it; an fd that came with a refused message is closed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum proto_type {
        PROTO_GO = 'G',
        PROTO_LISTENER = 'L',
        PROTO_ERROR = 'E',
        PROTO_EXIT = 'X',
};

/* Exit codes of the child's setup, relayed to the parent in 'E'. */
enum setup_status {
        SETUP_FAILED = 1,          /* the sandbox could not be established */
        SETUP_PAYLOAD_NOT_FOUND,   /* the payload does not exist inside the sandbox */
        SETUP_PAYLOAD_NOT_EXEC,    /* the payload is not an executable regular file */
};

#define PROTO_MSG_MAX 1024   /* the longest message on the wire */
#define PROTO_TEXT_MAX 1000  /* 'L': the path (at most 255 bytes sent); 'E': the sentence */

struct proto_msg {
        enum proto_type type;
        int fd;                        /* 'L': the listener (received O_CLOEXEC); otherwise -1 */
        enum setup_status status;      /* 'E' */
        bool exited;                   /* 'X': exited (else killed by a signal) */
        int exit_code;                 /* 'X': when exited */
        int signal;                    /* 'X': when not */
        char text[PROTO_TEXT_MAX];     /* 'L': the path of the one exec to come; 'E': the sentence */
};

/* The messages, built. */
struct proto_msg proto_go(void);
struct proto_msg proto_listener(int fd, const char *own_path);
struct proto_msg proto_error(enum setup_status st, const struct dbx_error *e);
struct proto_msg proto_exit(int wait_status); /* from waitpid's status */

/* Pure: the bytes of m (without its fd) into buf; returns the length or a negative errno. */
int proto_encode(const struct proto_msg *m, char *buf, size_t size, struct dbx_error *err);

/* Pure: one received message of len bytes, with the fd that came with it (or -1), into *ret.
 * -EPROTO for anything but one of the messages above; the fd is then closed. */
int proto_decode(const char *buf, size_t len, int fd, struct proto_msg *ret, struct dbx_error *err);

/* sendmsg(2) with flags, m->fd (if >= 0) passed by SCM_RIGHTS.  0 or a negative errno. */
int proto_send(int sock, const struct proto_msg *m, int flags, struct dbx_error *err);

/* write(2) only, no fd: for pid 1 under its own filter and for a child under a profile, either of
 * which may deny sendmsg.  Best effort (the reader may be gone): 0 or a negative errno. */
int proto_write(int sock, const struct proto_msg *m);

/* Receive and decode one message (recvmsg(2) with flags; received fds are O_CLOEXEC).  -EPIPE
 * when the peer has closed its end, -EPROTO for a garbled message, another negative errno when
 * the socket fails. */
int proto_recv(int sock, int flags, struct proto_msg *ret, struct dbx_error *err);

/* The parent's side of the hand-off: one message that must be 'L' (0, ret->fd the listener,
 * ret->text the path) or 'E' (-EPERM, err holds the child's sentence, ret->status its status).
 * Anything else is -EPROTO. */
int proto_recv_handoff(int sock, int flags, struct proto_msg *ret, struct dbx_error *err);
