/* SPDX-License-Identifier: MIT */
#include "protocol.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define LISTENER_PATH_MAX 255 /* the supervisor's own_path holds 255 bytes and a NUL */

struct proto_msg proto_go(void)
{
        return (struct proto_msg){.type = PROTO_GO, .fd = -1};
}

struct proto_msg proto_listener(int fd, const char *own_path)
{
        struct proto_msg m = {.type = PROTO_LISTENER, .fd = fd};
        snprintf(m.text, LISTENER_PATH_MAX + 1, "%s", own_path);
        return m;
}

struct proto_msg proto_error(enum setup_status st, const struct dbx_error *e)
{
        struct proto_msg m = {.type = PROTO_ERROR, .fd = -1, .status = st};
        dbx_error_line(e, m.text, sizeof(m.text));
        return m;
}

struct proto_msg proto_exit(int wait_status)
{
        struct proto_msg m = {.type = PROTO_EXIT, .fd = -1, .exited = WIFEXITED(wait_status)};
        if (m.exited)
                m.exit_code = WEXITSTATUS(wait_status);
        else
                m.signal = WTERMSIG(wait_status);
        return m;
}

static bool status_valid(int st)
{
        return st == SETUP_FAILED || st == SETUP_PAYLOAD_NOT_FOUND || st == SETUP_PAYLOAD_NOT_EXEC;
}

int proto_encode(const struct proto_msg *m, char *buf, size_t size, struct dbx_error *err)
{
        size_t n = 0, text = strnlen(m->text, sizeof(m->text));
        char head[4];

        switch (m->type) {
        case PROTO_GO:
                head[n++] = 'G';
                text = 0;
                break;
        case PROTO_LISTENER:
                if (m->fd < 0 || text == 0 || text > LISTENER_PATH_MAX)
                        return dbx_error_set(err, EINVAL, "a listener message needs the listener and a path of 1 to %d bytes",
                                             LISTENER_PATH_MAX);
                head[n++] = 'L';
                break;
        case PROTO_ERROR:
                if (!status_valid(m->status))
                        return dbx_error_set(err, EINVAL, "setup status %d is not one of enum setup_status", (int)m->status);
                head[n++] = 'E';
                head[n++] = (char)m->status;
                break;
        case PROTO_EXIT:
                head[n++] = 'X';
                head[n++] = (char)m->exited;
                head[n++] = (char)(m->exited ? m->exit_code : 0);
                head[n++] = (char)(m->exited ? 0 : m->signal);
                text = 0;
                break;
        default:
                return dbx_error_set(err, EINVAL, "message type %d is not part of the protocol", (int)m->type);
        }
        if (text == sizeof(m->text) || n + text > size || n + text > PROTO_MSG_MAX)
                return dbx_error_set(err, EMSGSIZE, "a '%c' message of %zu bytes does not fit", head[0], n + text);
        memcpy(buf, head, n);
        memcpy(buf + n, m->text, text);
        return (int)(n + text);
}

/* The bytes after the header, as a C string: no NUL inside. */
static int take_text(const char *p, size_t len, char type, struct proto_msg *ret, struct dbx_error *err)
{
        if (len >= sizeof(ret->text))
                return dbx_error_set(err, EPROTO, "garbled '%c' message from the sandbox: its text is %zu bytes long", type, len);
        if (memchr(p, '\0', len))
                return dbx_error_set(err, EPROTO, "garbled '%c' message from the sandbox: a NUL byte in its text", type);
        memcpy(ret->text, p, len);
        ret->text[len] = '\0';
        return 0;
}

static int decode(const unsigned char *b, size_t len, int fd, struct proto_msg *ret, struct dbx_error *err)
{
        if (len == 0)
                return dbx_error_set(err, EPROTO, "empty message from the sandbox");
        if (fd >= 0 && b[0] != PROTO_LISTENER)
                return dbx_error_set(err, EPROTO, "a file descriptor came with a '%c' message from the sandbox", b[0]);
        switch (b[0]) {
        case PROTO_GO:
                if (len != 1)
                        return dbx_error_set(err, EPROTO, "garbled 'G' message: %zu bytes, not 1", len);
                return 0;
        case PROTO_LISTENER:
                if (fd < 0)
                        return dbx_error_set(err, EPROTO, "the listener message from the sandbox carries no file descriptor");
                if (len < 2 || len - 1 > LISTENER_PATH_MAX)
                        return dbx_error_set(err, EPROTO, "garbled 'L' message from the sandbox: a path of %zu bytes, not 1 to %d",
                                             len - 1, LISTENER_PATH_MAX);
                ret->fd = fd;
                return take_text((const char *)b + 1, len - 1, 'L', ret, err);
        case PROTO_ERROR:
                if (len < 2)
                        return dbx_error_set(err, EPROTO, "truncated 'E' message from the sandbox: no setup status");
                if (!status_valid(b[1]))
                        return dbx_error_set(err, EPROTO, "garbled 'E' message from the sandbox: setup status %u is unknown", b[1]);
                ret->status = (enum setup_status)b[1];
                return take_text((const char *)b + 2, len - 2, 'E', ret, err);
        case PROTO_EXIT:
                if (len != 4)
                        return dbx_error_set(err, EPROTO, "%s 'X' message from the sandbox's init: %zu bytes, not 4",
                                             len < 4 ? "truncated" : "garbled", len);
                if (b[1] > 1 || (b[1] && b[3]) || (!b[1] && (b[2] || !b[3])))
                        return dbx_error_set(err, EPROTO, "garbled 'X' message from the sandbox's init: neither an exit "
                                             "status nor a signal (%u %u %u)", b[1], b[2], b[3]);
                ret->exited = b[1];
                ret->exit_code = b[2];
                ret->signal = b[3];
                return 0;
        default:
                return dbx_error_set(err, EPROTO, "unknown message type 0x%02x from the sandbox", b[0]);
        }
}

int proto_decode(const char *buf, size_t len, int fd, struct proto_msg *ret, struct dbx_error *err)
{
        struct proto_msg m = {.type = len ? (enum proto_type)(unsigned char)buf[0] : PROTO_GO, .fd = -1};
        int r = decode((const unsigned char *)buf, len, fd, &m, err);
        if (r < 0) {
                if (fd >= 0)
                        close(fd);
                return r;
        }
        *ret = m;
        return 0;
}

int proto_send(int sock, const struct proto_msg *m, int flags, struct dbx_error *err)
{
        char buf[PROTO_MSG_MAX];
        int n = proto_encode(m, buf, sizeof(buf), err);
        if (n < 0)
                return n;
        struct iovec iov = {.iov_base = buf, .iov_len = (size_t)n};
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } u = {0};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (m->fd >= 0) {
                msg.msg_control = u.buf;
                msg.msg_controllen = sizeof(u.buf);
                struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(cm), &m->fd, sizeof(int));
        }
        ssize_t k;
        do
                k = sendmsg(sock, &msg, flags);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return dbx_error_set(err, errno, "cannot send the '%c' message: %s", buf[0], strerror(errno));
        if (k != n) /* (a SOCK_SEQPACKET message is sent whole or not at all) */
                return dbx_error_set(err, EPROTO, "the '%c' message was sent cut short", buf[0]);
        return 0;
}

int proto_write(int sock, const struct proto_msg *m)
{
        char buf[PROTO_MSG_MAX];
        int n = m->fd >= 0 ? -EINVAL : proto_encode(m, buf, sizeof(buf), NULL);
        if (n < 0)
                return n;
        ssize_t k;
        do
                k = write(sock, buf, (size_t)n);
        while (k < 0 && errno == EINTR);
        return k == n ? 0 : k < 0 ? -errno : -EPROTO;
}

int proto_recv(int sock, int flags, struct proto_msg *ret, struct dbx_error *err)
{
        char buf[PROTO_MSG_MAX];
        struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } u;
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof(u.buf)};
        ssize_t n;

        do
                n = recvmsg(sock, &msg, flags | MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return dbx_error_set(err, errno, "cannot read the sync socket: %s", strerror(errno));
        if (n == 0) /* (an empty message reads the same: none is ever sent) */
                return dbx_error_set(err, EPIPE, "the other end of the sync socket is closed");

        /* at most one fd, in one SCM_RIGHTS: any other control data is refused (fds closed) */
        int fd = -1, extra = 0;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
                if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) {
                        extra++;
                        continue;
                }
                size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int f;
                        memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
                        if (fd < 0) {
                                fd = f;
                        } else {
                                close(f);
                                extra++;
                        }
                }
        }
        if (extra || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
                if (fd >= 0)
                        close(fd);
                return dbx_error_set(err, EPROTO, "garbled message from the sandbox: %s",
                                     msg.msg_flags & MSG_TRUNC ? "longer than the protocol allows"
                                                               : "more control data than one file descriptor");
        }
        return proto_decode(buf, (size_t)n, fd, ret, err);
}

int proto_recv_handoff(int sock, int flags, struct proto_msg *ret, struct dbx_error *err)
{
        struct proto_msg m;
        int r = proto_recv(sock, flags, &m, err);
        if (r < 0)
                return r;
        switch (m.type) {
        case PROTO_LISTENER:
                *ret = m;
                return 0;
        case PROTO_ERROR:
                *ret = m;
                return dbx_error_set(err, EPERM, "%s", m.text);
        case PROTO_GO:
        case PROTO_EXIT:
                break;
        }
        return dbx_error_set(err, EPROTO, "a '%c' message from the sandbox where the listener was due", (char)m.type);
}
