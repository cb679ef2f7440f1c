/* SPDX-License-Identifier: MIT */
/* The launcher <-> sandbox protocol (protocol.h) on a real SOCK_SEQPACKET socketpair: every
 * message goes through and comes back the same; a truncated, overlong or garbled one is refused
 * with EPROTO and a sentence that names what is wrong, and an fd that came with it is closed;
 * the listener hand-off passes a working fd, close-on-exec. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "protocol.h"
#include "unit.h"

static int sv[2];

static void pair_open(void)
{
        ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void pair_close(void)
{
        close(sv[0]);
        close(sv[1]);
}

/* m sent on sv[1] (proto_send, or proto_write when no fd), received on sv[0]. */
static struct proto_msg round_trip(const struct proto_msg *m, bool by_write)
{
        struct proto_msg got;
        struct dbx_error err = {0};
        if (by_write)
                ck_assert_int_eq(proto_write(sv[1], m), 0);
        else
                ck_assert_msg(proto_send(sv[1], m, MSG_NOSIGNAL, &err) == 0, "send: %s", err.msg);
        ck_assert_msg(proto_recv(sv[0], MSG_DONTWAIT, &got, &err) == 0, "recv: %s", err.msg);
        ck_assert_int_eq(got.type, m->type);
        return got;
}

START_TEST(round_trip_each_message)
{
        pair_open();
        for (int by_write = 0; by_write <= 1; by_write++) {
                struct proto_msg m = proto_go();
                struct proto_msg got = round_trip(&m, by_write);
                ck_assert_int_eq(got.fd, -1);

                struct dbx_error e = {0};
                dbx_error_set_path(&e, ENOENT, "volumes[1]", "payload '/bin/nope' not found");
                m = proto_error(SETUP_PAYLOAD_NOT_FOUND, &e);
                got = round_trip(&m, by_write);
                ck_assert_int_eq(got.status, SETUP_PAYLOAD_NOT_FOUND);
                ck_assert_str_eq(got.text, "volumes[1]: payload '/bin/nope' not found");

                e = (struct dbx_error){0};
                memset(e.msg, 'm', sizeof(e.msg) - 1); /* the longest sentence an error holds */
                memset(e.path, 'p', sizeof(e.path) - 1);
                e.code = EIO;
                m = proto_error(SETUP_FAILED, &e);
                got = round_trip(&m, by_write);
                ck_assert_uint_eq(strlen(got.text), sizeof(e.msg) - 1 + sizeof(e.path) - 1 + 2);

                static const struct {
                        int status; /* as waitpid gives it */
                        bool exited;
                        int code, sig;
                } ends[] = {{0x0000, true, 0, 0}, {0x2a00, true, 42, 0}, {0xff00, true, 255, 0},
                            {SIGKILL, false, 0, SIGKILL}, {SIGSEGV | 0x80, false, 0, SIGSEGV}, {64, false, 0, 64}};
                for (size_t i = 0; i < ELEMENTSOF(ends); i++) {
                        m = proto_exit(ends[i].status);
                        got = round_trip(&m, by_write);
                        ck_assert_int_eq(got.exited, ends[i].exited);
                        ck_assert_int_eq(got.exit_code, ends[i].code);
                        ck_assert_int_eq(got.signal, ends[i].sig);
                }
        }
        pair_close();
}
END_TEST

/* The listener hand-off: the fd arrives, works (the same pipe), and is close-on-exec. */
START_TEST(handoff_passes_the_fd)
{
        int p[2];
        pair_open();
        ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
        struct proto_msg m = proto_listener(p[1], "/usr/bin/payload");
        struct dbx_error err = {0};
        ck_assert_int_eq(proto_send(sv[1], &m, MSG_NOSIGNAL, &err), 0);
        close(p[1]);
        struct proto_msg got;
        ck_assert_msg(proto_recv_handoff(sv[0], 0, &got, &err) == 0, "%s", err.msg);
        ck_assert_int_ge(got.fd, 0);
        ck_assert_str_eq(got.text, "/usr/bin/payload");
        ck_assert_int_eq(fcntl(got.fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
        ck_assert_int_eq(write(got.fd, "hi", 2), 2);
        close(got.fd);
        char buf[4] = "";
        ck_assert_int_eq(read(p[0], buf, sizeof(buf)), 2);
        ck_assert_str_eq(buf, "hi");
        close(p[0]);

        /* a path longer than the supervisor keeps is cut to its 255 bytes, not refused */
        char longpath[400];
        memset(longpath, 'a', sizeof(longpath) - 1);
        longpath[sizeof(longpath) - 1] = '\0';
        ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
        m = proto_listener(p[1], longpath);
        ck_assert_int_eq(proto_send(sv[1], &m, MSG_NOSIGNAL, &err), 0);
        ck_assert_int_eq(proto_recv_handoff(sv[0], 0, &got, &err), 0);
        ck_assert_uint_eq(strlen(got.text), 255);
        close(got.fd);
        close(p[0]);
        close(p[1]);
        pair_close();
}
END_TEST

/* Where the listener was due: the child's error is the error (its sentence, its status); any
 * other message, or none, is said so. */
START_TEST(handoff_error_and_out_of_place)
{
        struct dbx_error e = {0}, err = {0};
        struct proto_msg m, got;
        pair_open();
        dbx_error_set(&e, EACCES, "payload '/x' is not an executable file for uid 65532");
        m = proto_error(SETUP_PAYLOAD_NOT_EXEC, &e);
        ck_assert_int_eq(proto_write(sv[1], &m), 0);
        ck_assert_int_eq(proto_recv_handoff(sv[0], 0, &got, &err), -EPERM);
        ck_assert_int_eq(got.status, SETUP_PAYLOAD_NOT_EXEC);
        ck_assert_str_eq(err.msg, "payload '/x' is not an executable file for uid 65532");

        m = proto_exit(0);
        ck_assert_int_eq(proto_write(sv[1], &m), 0);
        ck_assert_int_eq(proto_recv_handoff(sv[0], 0, &got, &err), -EPROTO);
        ck_assert_str_eq(err.msg, "a 'X' message from the sandbox where the listener was due");

        close(sv[1]); /* the child died */
        ck_assert_int_eq(proto_recv_handoff(sv[0], 0, &got, &err), -EPIPE);
        close(sv[0]);
}
END_TEST

/* Raw bytes on the wire, each refused with the sentence that says why. */
START_TEST(garbled_messages_refused)
{
        static const struct {
                const char *bytes;
                size_t len;
                const char *msg;
        } bad[] = {
                {"Q", 1, "unknown message type 0x51 from the sandbox"},
                {"\0", 1, "unknown message type 0x00 from the sandbox"},
                {"GG", 2, "garbled 'G' message: 2 bytes, not 1"},
                {"E", 1, "truncated 'E' message from the sandbox: no setup status"},
                {"E\x09oops", 6, "garbled 'E' message from the sandbox: setup status 9 is unknown"},
                {"E\x01no\0pe", 7, "garbled 'E' message from the sandbox: a NUL byte in its text"},
                {"X\x01\x02", 3, "truncated 'X' message from the sandbox's init: 3 bytes, not 4"},
                {"X", 1, "truncated 'X' message from the sandbox's init: 1 bytes, not 4"},
                {"X\x01\x02\x00\x00", 5, "garbled 'X' message from the sandbox's init: 5 bytes, not 4"},
                {"X\x02\x00\x00", 4, "garbled 'X' message from the sandbox's init: neither an exit status nor a signal (2 0 0)"},
                {"X\x01\x00\x09", 4, "garbled 'X' message from the sandbox's init: neither an exit status nor a signal (1 0 9)"},
                {"X\x00\x00\x00", 4, "garbled 'X' message from the sandbox's init: neither an exit status nor a signal (0 0 0)"},
                {"L/bin/true", 10, "the listener message from the sandbox carries no file descriptor"},
        };
        pair_open();
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                struct proto_msg got = {.type = PROTO_GO, .fd = 1234};
                struct dbx_error err = {0};
                ck_assert_int_eq(write(sv[1], bad[i].bytes, bad[i].len), (ssize_t)bad[i].len);
                ck_assert_msg(proto_recv(sv[0], MSG_DONTWAIT, &got, &err) == -EPROTO, "case %zu accepted", i);
                ck_assert_int_eq(err.code, EPROTO);
                ck_assert_str_eq(err.msg, bad[i].msg);
                ck_assert_int_eq(got.fd, 1234); /* untouched on failure */
                /* the pure decoder says the same */
                err = (struct dbx_error){0};
                ck_assert_int_eq(proto_decode(bad[i].bytes, bad[i].len, -1, &got, &err), -EPROTO);
                ck_assert_str_eq(err.msg, bad[i].msg);
        }
        /* longer than any message: cut by the socket, refused, not read as a shorter one */
        char big[PROTO_MSG_MAX + 8];
        memset(big, 'E', sizeof(big));
        struct proto_msg got;
        struct dbx_error err = {0};
        ck_assert_int_eq(write(sv[1], big, sizeof(big)), (ssize_t)sizeof(big));
        ck_assert_int_eq(proto_recv(sv[0], MSG_DONTWAIT, &got, &err), -EPROTO);
        ck_assert_str_eq(err.msg, "garbled message from the sandbox: longer than the protocol allows");
        /* and what cannot be sent is not sent */
        struct proto_msg m = proto_go();
        m.type = (enum proto_type)'Q';
        ck_assert_int_eq(proto_send(sv[1], &m, MSG_NOSIGNAL, &err), -EINVAL);
        m = proto_listener(-1, "/x");
        ck_assert_int_eq(proto_send(sv[1], &m, MSG_NOSIGNAL, &err), -EINVAL);
        m = proto_error(SETUP_FAILED, &err);
        m.status = (enum setup_status)0;
        ck_assert_int_eq(proto_write(sv[1], &m), -EINVAL);
        ck_assert_int_eq(recv(sv[0], big, sizeof(big), MSG_DONTWAIT), -1); /* nothing went out */
        ck_assert_int_eq(errno, EAGAIN);
        pair_close();
}
END_TEST

/* Raw bytes with n fds in one SCM_RIGHTS, past the protocol's own sender; the sender's copies
 * are closed once sent. */
static void send_raw_with_fds(const char *bytes, size_t len, int *fds, size_t n)
{
        struct iovec iov = {.iov_base = (void *)bytes, .iov_len = len};
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(2 * sizeof(int))];
        } u = {0};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = CMSG_SPACE(n * sizeof(int))};
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        ck_assert_uint_le(n, 2);
        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(n * sizeof(int));
        memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
        ck_assert_int_eq(sendmsg(sv[1], &msg, 0), (ssize_t)len);
        for (size_t i = 0; i < n; i++)
                close(fds[i]);
}

/* An fd that comes with any message but 'L', or a second fd with an 'L', is refused and closed,
 * not leaked into the launcher: the write end of a pipe, sent and closed by the sender, must be
 * gone (EOF on the read end). */
START_TEST(stray_fd_is_closed)
{
        static const struct {
                const char *bytes;
                size_t len, n_fds;
        } carriers[] = {{"G", 1, 1}, {"X\x01\x00\x00", 4, 1}, {"Q", 1, 1}, {"E\x01no", 4, 1}, {"L/x", 3, 2}};
        pair_open();
        for (size_t i = 0; i < ELEMENTSOF(carriers); i++) {
                int p[2][2], w[2];
                for (size_t k = 0; k < carriers[i].n_fds; k++) {
                        ck_assert_int_eq(pipe2(p[k], O_CLOEXEC | O_NONBLOCK), 0);
                        w[k] = p[k][1];
                }
                send_raw_with_fds(carriers[i].bytes, carriers[i].len, w, carriers[i].n_fds);
                struct proto_msg got;
                struct dbx_error err = {0};
                ck_assert_int_eq(proto_recv(sv[0], MSG_DONTWAIT, &got, &err), -EPROTO);
                for (size_t k = 0; k < carriers[i].n_fds; k++) {
                        char c;
                        ck_assert_msg(read(p[k][0], &c, 1) == 0, "case %zu: received fd %zu was kept open", i, k);
                        close(p[k][0]);
                }
        }
        pair_close();
}
END_TEST

int main(void)
{
        Suite *s = suite_create("protocol");
        TCase *tc = tcase_create("sync-socket");
        tcase_set_timeout(tc, 30);
        tcase_add_test(tc, round_trip_each_message);
        tcase_add_test(tc, handoff_passes_the_fd);
        tcase_add_test(tc, handoff_error_and_out_of_place);
        tcase_add_test(tc, garbled_messages_refused);
        tcase_add_test(tc, stray_fd_is_closed);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
