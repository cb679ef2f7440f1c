/* SPDX-License-Identifier: MIT */
/* Observations of what Landlock holds as a second layer (issue 17): each is held by Landlock and by
 * at least one other layer, so it PASSes with either removed and FAILs only with both. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "probe.h"

/* init's file, a host file outside the sandbox's root: exec-once denies any second exec (EPERM),
 * Landlock any file but the payload's (EACCES), init's non-dumpability the /proc link itself. */
static int child_exec_init(int unused)
{
        char *const argv[] = { (char *) "denybox", (char *) "version", NULL };
        char *const envp[] = { NULL };
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        (void) unused;
        if (null >= 0) /* whatever it prints must not reach the probe's report */
                dup2(null, STDOUT_FILENO);
        syscall(SYS_execve, "/proc/1/exe", argv, envp);
        return errno;
}

void probe_ll_exec(struct obs *o)
{
        char note[160];
        int err = in_child(child_exec_init, 0, note, sizeof(note));
        record_child(o, err, "execve(\"/proc/1/exe\") (init's file)", note);
}

/* The sandbox user's own home: its mode lets it write there, only the read-only root (EROFS) and
 * Landlock (EACCES) stop it. */
void probe_ll_write(struct obs *o)
{
        record(o, try_create("/home/nonroot/__probe"), "open(\"/home/nonroot/__probe\", O_WRONLY|O_CREAT)");
}

/* A TCP socket, then connect() or bind() to addr:port: the errno of whichever failed first. */
static void tcp_try(struct obs *o, bool do_bind, uint32_t addr, uint16_t port, const char *what)
{
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(addr) };
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err = 0;
        if (fd < 0) {
                record(o, errno, "socket(AF_INET, SOCK_STREAM)");
                return;
        }
        if ((do_bind ? bind(fd, (struct sockaddr *) &sa, sizeof(sa)) : connect(fd, (struct sockaddr *) &sa, sizeof(sa))) < 0)
                err = errno;
        close(fd);
        record(o, err, what);
}

/* 127.0.0.1:9: in the sandbox's network namespace lo is down (ENETUNREACH); on the host's it is up
 * and nothing listens (ECONNREFUSED: the stack was reached, a FAIL). */
void probe_ll_connect(struct obs *o)
{
        tcp_try(o, false, INADDR_LOOPBACK, 9, "socket(AF_INET) + connect(127.0.0.1:9)");
}

/* A TCP port bound in the sandbox's own namespace: nothing but seccomp and Landlock (ABI 4) stop it. */
void probe_ll_bind(struct obs *o)
{
        tcp_try(o, true, INADDR_ANY, 4242, "socket(AF_INET) + bind(0.0.0.0:4242)");
}

/* The abstract AF_UNIX socket the launcher listens on outside the sandbox, in the host's network
 * namespace (launcher/attest.c): abstract names belong to a network namespace, so in the sandbox's
 * own the name is not there (ECONNREFUSED, the scope hook never reached); seccomp denies the socket
 * (EPERM); Landlock's abstract-unix scope (ABI 6) the connect to a socket made outside the
 * sandbox's domain (EPERM).  Without the name (the launcher could not listen) nothing is observed:
 * UNVERIFIED, never PASS. */
void probe_ll_scope(struct obs *o)
{
        const char *name = probe_args.abstract_socket;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char what[96 + PROBE_ABSTRACT_NAME_MAX];
        int fd, err = 0;

        if (!name || strlen(name) > PROBE_ABSTRACT_NAME_MAX) {
                snprintf(o->actual, sizeof(o->actual), "not observed: the launcher gave no listener (--abstract-socket)");
                return; /* o->err stays -1 */
        }
        size_t len = strlen(name);
        memcpy(sa.sun_path + 1, name, len); /* sun_path[0] == '\0': the abstract namespace */
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                record(o, errno, "socket(AF_UNIX, SOCK_STREAM)");
                return;
        }
        if (connect(fd, (struct sockaddr *) &sa, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + len)) < 0)
                err = errno;
        close(fd);
        snprintf(what, sizeof(what), "socket(AF_UNIX) + connect(\"@%s\") (the launcher's listener, outside)", name);
        record(o, err, what);
}

/* A process outside the sandbox, named by its host pid: the launcher keeps one alive for the run,
 * under the host uid and gid the sandbox user maps to (launcher/attest.c), so that credentials, a
 * third thing, never stop the signal and the probe sees only these two layers.  In the sandbox's
 * own pid namespace the pid names no process (ESRCH) or one of the sandbox's own (a small host
 * pid: told apart by its name, never signalled, and observed as ESRCH — the target is not here);
 * Landlock's signal scope (ABI 6) denies a signal to a process outside the sandbox's domain
 * (EPERM).  Signal 0: nothing is delivered either way.  Without the pid, nothing is observed:
 * UNVERIFIED, never PASS. */
void probe_ll_signal(struct obs *o)
{
        long long pid = probe_args.signal_target;
        char path[48], comm[32], what[160];
        size_t len = 0;

        if (pid < 1) { /* 0 and -1 name groups: never given */
                snprintf(o->actual, sizeof(o->actual), "not observed: the launcher gave no process (--signal-target)");
                return; /* o->err stays -1 */
        }
        snprintf(path, sizeof(path), "/proc/%lld/comm", pid);
        if (read_bounded(path, comm, sizeof(comm) - 1, &len) == 0) {
                comm[strcspn(comm, "\n")] = '\0';
                if (strcmp(comm, PROBE_SIGNAL_TARGET_COMM) != 0) {
                        snprintf(what, sizeof(what), "pid %lld here is a sandbox process (\"%.15s\"), not the target "
                                 "outside: kill(%lld, 0) not tried", pid, comm, pid);
                        record(o, ESRCH, what);
                        return;
                }
        }
        snprintf(what, sizeof(what), "kill(%lld, 0) (the launcher's process outside, \"%s\")", pid, PROBE_SIGNAL_TARGET_COMM);
        record(o, kill((pid_t) pid, 0) < 0 ? errno : 0, what);
}
