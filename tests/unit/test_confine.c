/* runtime/confine.c: the profile's filter as a container process loads it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "policy/compile.h"
#include "policy/profile.h"
#include "runtime/confine.h"
#include "runtime/seccomp_compat.h"
#include "runtime/seccomp_oci.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

static void on_usr1(int sig)
{
        (void)sig;
}

/* A confinement whose filter routes getppid to the sentry. */
static void routing_confinement(struct runtime_confinement *c)
{
        const char *text = "{\"name\": \"r\", \"defaultAction\": \"allow\", \"rules\": "
                           "[{\"names\": [\"getppid\"], \"action\": \"log\"}]}";
        struct policy_profile p;
        const struct policy_profile *chain[1] = {&p};
        struct policy_seccomp ps;
        struct sb_err e = {0};
        scmp_filter_ctx ctx = NULL;

        memset(c, 0, sizeof(*c));
        c->sentry_conn = -1;
        cr_assert_eq(policy_profile_parse("r.json", text, strlen(text), &p, NULL, &e), 0, "%s",
                     e.msg);
        cr_assert_eq(policy_profile_flatten(chain, 1, &c->eff, &e), 0, "%s", e.msg);
        c->have_profile = true;
        policy_profile_free(&p);
        cr_assert_eq(policy_compile_oci(&c->eff, &ps, NULL, &e), 0, "%s", e.msg);
        cr_assert_eq(runtime_seccomp_compile(&ps.s, &ctx, &e), 0, "%s", e.msg);
        cr_assert_eq(runtime_seccomp_export(ctx, &c->filter, &e), 0, "%s", e.msg);
        runtime_seccomp_release(ctx);
        policy_seccomp_free(&ps);
        cr_assert(c->filter.has_notify);
}

/* The listener the child handed over on `sock`, with its first
 * notification received into *req. */
static int first_notification(int sock, struct seccomp_notif *req)
{
        struct sb_err e = {0};
        char name[64];
        int fd = runtime_recv_fd(sock, name, sizeof(name), &e);

        cr_assert_geq(fd, 0, "no listener: %s", e.msg);
        memset(req, 0, sizeof(*req));
        cr_assert_eq(ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req), 0, "RECV: %s", strerror(errno));
        return fd;
}

/* Answers getppid with 4242 and checks that the child got it (exit 0). */
static void answer_and_reap(int fd, const struct seccomp_notif *req, pid_t child)
{
        struct seccomp_notif_resp resp = {.id = req->id, .val = 4242};
        int status;

        cr_assert_eq(ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp), 0, "SEND: %s", strerror(errno));
        cr_assert_eq(waitpid(child, &status, 0), child);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
        close(fd);
}

/* Once the sentry holds the call, a signal the process handles does not
 * take the call back (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV): the
 * notification stays valid, and the answer is the one the process gets. */
Test(confine, routed_call_waits_through_a_handled_signal)
{
        struct runtime_confinement c;
        struct seccomp_notif req;
        struct sb_err e = {0};
        int sv[2];
        pid_t child;

        routing_confinement(&c);
        cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        child = fork();
        cr_assert_geq(child, 0);
        if (child == 0) {
                struct sigaction sa = {.sa_handler = on_usr1};

                close(sv[0]);
                sigaction(SIGUSR1, &sa, NULL); /* no SA_RESTART: an interruption would show */
                c.sentry_conn = sv[1];
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
                    runtime_confinement_load(&c, &e) < 0)
                        _exit(2);
                _exit(syscall(SYS_getppid) == 4242 ? 0 : 3);
        }
        close(sv[1]);
        int fd = first_notification(sv[0], &req);
        cr_assert_eq(req.pid, (__u32)child);
        cr_assert_eq(kill(child, SIGUSR1), 0);
        /* Without the flag the signal withdraws the notification at once. */
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
        cr_assert_eq(ioctl(fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id), 0,
                     "the signal took the call back from the sentry: %s", strerror(errno));
        answer_and_reap(fd, &req, child);
        close(sv[0]);
        runtime_confinement_free(&c);
}

/* A kernel that refuses the flag: a filter of the test's own makes
 * seccomp() with WAIT_KILLABLE_RECV fail with `refuse`. The child loads
 * the confinement after it; exit status 2 when the load failed with that
 * errno, else (loaded) 0 when getppid came back as 4242 from the listener,
 * or 6 at once when `call` is false. */
static pid_t load_where_refused(struct runtime_confinement *c, int refuse, bool call, int sv[2])
{
        cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        pid_t child = fork();
        cr_assert_geq(child, 0);
        if (child == 0) {
                struct sb_err e = {0};
                scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

                close(sv[0]);
                c->sentry_conn = sv[1];
                if (ctx == NULL ||
                    seccomp_rule_add(ctx, SCMP_ACT_ERRNO((uint32_t)refuse), SCMP_SYS(seccomp), 1,
                                     SCMP_A1(SCMP_CMP_MASKED_EQ,
                                             SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
                                             SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)) < 0 ||
                    seccomp_load(ctx) < 0)
                        _exit(4);
                if (runtime_confinement_load(c, &e) < 0)
                        _exit(e.errnum == refuse ? 2 : 5);
                if (!call)
                        _exit(6);
                _exit(syscall(SYS_getppid) == 4242 ? 0 : 3);
        }
        close(sv[1]);
        return child;
}

/* Kernels before 5.19 answer EINVAL to the flag: the filter is loaded
 * without it and routes as before. Any other refusal is an error. */
Test(confine, loads_without_wait_killable_where_the_kernel_lacks_it)
{
        struct runtime_confinement c;
        struct seccomp_notif req;
        int sv[2], status;

        routing_confinement(&c);
        pid_t child = load_where_refused(&c, EINVAL, true, sv);
        answer_and_reap(first_notification(sv[0], &req), &req, child);
        close(sv[0]);

        child = load_where_refused(&c, EPERM, false, sv);
        cr_assert_eq(waitpid(child, &status, 0), child);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2,
                  "EPERM to the flag must fail the load, child status %#x", status);
        close(sv[0]);
        runtime_confinement_free(&c);
}

/* create's hand-over of the filters to an init made before them, over a
 * socketpair like create's sync socket. */
static void sync_pair(int sv[2])
{
        cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void sync_unpair(int sv[2])
{
        close(sv[0]);
        close(sv[1]);
}

static void same_program(const struct runtime_bpf *a, const struct runtime_bpf *b)
{
        cr_assert_eq(a->len, b->len);
        cr_assert_eq(a->flags, b->flags);
        cr_assert_eq(a->has_notify, b->has_notify);
        if (a->len > 0)
                cr_assert_eq(memcmp(a->insns, b->insns, a->len * sizeof(struct sock_filter)), 0);
}

Test(confine, filters_and_sentry_connection_reach_the_init)
{
        struct runtime_confinement c, got;
        struct sb_err e = {0};
        int sv[2], pipe_fds[2];
        char name[32];

        routing_confinement(&c);
        /* linux.seccomp's own program, of another length and flags */
        c.oci.len = 3;
        c.oci.insns = calloc(3, sizeof(struct sock_filter));
        cr_assert_not_null(c.oci.insns);
        c.oci.insns[2].k = 0x7fff0000;
        c.oci.flags = 8;
        c.routes = true;
        cr_assert_eq(pipe(pipe_fds), 0);
        c.sentry_conn = pipe_fds[0];
        sync_pair(sv);

        cr_assert_eq(runtime_confinement_send(sv[0], &c, &e), 0, "%s", e.msg);
        cr_assert_eq(runtime_confinement_receive(sv[1], &got, &e), 0, "%s", e.msg);
        same_program(&c.filter, &got.filter);
        same_program(&c.oci, &got.oci);
        cr_assert(got.routes);
        cr_assert(got.filter.has_notify);
        /* the connection arrived: a byte into the pipe comes out of it */
        cr_assert_geq(got.sentry_conn, 0);
        cr_assert_neq(got.sentry_conn, pipe_fds[0]);
        cr_assert_eq(write(pipe_fds[1], "x", 1), 1);
        cr_assert_eq(read(got.sentry_conn, name, 1), 1);
        cr_assert_eq(name[0], 'x');
        runtime_confinement_free(&got);
        runtime_confinement_free(&c);
        close(pipe_fds[1]);
        sync_unpair(sv);
}

Test(confine, no_filters_hand_over_nothing_more)
{
        struct runtime_confinement c = {.sentry_conn = -1}, got;
        struct sb_err e = {0};
        int sv[2];

        sync_pair(sv);
        cr_assert_eq(runtime_confinement_send(sv[0], &c, &e), 0, "%s", e.msg);
        cr_assert_eq(runtime_confinement_receive(sv[1], &got, &e), 0, "%s", e.msg);
        cr_assert_eq(got.filter.len, 0);
        cr_assert_eq(got.oci.len, 0);
        cr_assert_not(got.routes);
        cr_assert_eq(got.sentry_conn, -1);
        /* nothing else was sent */
        char b;
        cr_assert_eq(recv(sv[1], &b, 1, MSG_DONTWAIT), -1);
        cr_assert_eq(errno, EAGAIN);
        sync_unpair(sv);
}

Test(confine, a_routing_filter_without_a_sentry_connection_is_not_sent)
{
        struct runtime_confinement c;
        struct sb_err e = {0};
        int sv[2];

        routing_confinement(&c);
        c.routes = true;
        sync_pair(sv);
        cr_assert_eq(runtime_confinement_send(sv[0], &c, &e), -1);
        cr_assert_str_eq(e.msg, "hand the filters to the init: no sentry connection");
        runtime_confinement_free(&c);
        sync_unpair(sv);
}

/* What the init accepts: a SYNC_CONFINE of the announced length whose
 * header adds up; anything else is refused, naming the step. */
Test(confine, malformed_hand_overs_are_refused)
{
        struct runtime_confinement got;
        struct sb_err e = {0};
        int sv[2];
        uint32_t header[8] = {0x53424346u, 5, 0, 0}; /* five instructions announced */

        sync_pair(sv);
        /* the header says 5 instructions, none follow */
        cr_assert_eq(runtime_sync_send(sv[0], SYNC_CONFINE, sizeof(header), NULL), 0);
        cr_assert_eq(send(sv[0], header, sizeof(header), 0), (ssize_t)sizeof(header));
        cr_assert_eq(runtime_confinement_receive(sv[1], &got, &e), -1);
        cr_assert_str_eq(e.msg, "receive the filters: a malformed message: Protocol error");
        /* another message where the filters should be */
        cr_assert_eq(runtime_sync_send(sv[0], SYNC_READY, 0, NULL), 0);
        cr_assert_eq(runtime_confinement_receive(sv[1], &got, &e), -1);
        cr_assert_str_eq(e.msg, "receive the filters: message 5 of 0 bytes: Protocol error");
        /* the runtime's error is passed on */
        cr_assert_eq(runtime_sync_send(sv[0], SYNC_ERROR, 0, "hooks failed"), 0);
        cr_assert_eq(runtime_confinement_receive(sv[1], &got, &e), -1);
        cr_assert_str_eq(e.msg, "hooks failed");
        /* an announced length beyond any two filters */
        cr_assert_eq(runtime_sync_send(sv[0], SYNC_CONFINE, 1 << 20, NULL), 0);
        cr_assert_eq(runtime_confinement_receive(sv[1], &got, &e), -1);
        cr_assert_str_eq(e.msg, "receive the filters: message 7 of 1048576 bytes: Protocol error");
        sync_unpair(sv);
}
