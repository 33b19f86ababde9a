/* Round trip of a routed syscall (getppid under SCMP_ACT_NOTIFY) through the
 * sentry, against the floor: a minimal libseccomp notify loop answering
 * CONTINUE, in the same run. Target, sentry and floor loop are pinned to one
 * CPU: the cross-CPU wake-up otherwise dominates (issue 6). Both listeners
 * get SYNC_WAKE_UP where the kernel has it.
 *
 * Build (from the repo, after building build-sn):
 *   cc -O2 -D_GNU_SOURCE -I. tests/bench/sentry_roundtrip.c build-sn/libsandbox_core.a \
 *      $(pkg-config --cflags --libs libseccomp libcap jansson libunwind) -o sentry_roundtrip
 * Run as root: ./sentry_roundtrip [calls-per-round] [rounds] */
#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/seccomp_compat.h"
#include "runtime/terminal.h"
#include "sentry/sentry.h"

#define MAX_ROUNDS 64

static cpu_set_t cpu0;

static void pin(void)
{
        if (sched_setaffinity(0, sizeof(cpu0), &cpu0) < 0)
                perror("sched_setaffinity");
}

static double now_us(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void target(int sock, int calls, int rounds)
{
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        struct sb_err err;
        char go;

        pin();
        if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 0) < 0 ||
            seccomp_load(ctx) < 0)
                _exit(2);
        int fd = seccomp_notify_fd(ctx);
        if (runtime_send_fd(sock, fd, "notify:bench", &err) < 0)
                _exit(3);
        close(fd);
        if (read(sock, &go, 1) != 1)
                _exit(4);
        for (int r = 0; r < rounds; r++) {
                double t0 = now_us();
                for (int i = 0; i < calls; i++)
                        if (syscall(SYS_getppid) <= 0)
                                _exit(5);
                double per = (now_us() - t0) / calls;
                if (write(sock, &per, sizeof(per)) != sizeof(per))
                        _exit(6);
        }
        _exit(0);
}

/* The floor: receive, answer CONTINUE, nothing else. */
static void floor_loop(int fd)
{
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;

        pin();
        if (seccomp_notify_alloc(&req, &resp) < 0)
                _exit(1);
        for (;;) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                if (poll(&p, 1, -1) < 0 && errno != EINTR)
                        _exit(1);
                if (!(p.revents & POLLIN))
                        _exit(0); /* hang-up: the target is gone */
                memset(req, 0, sizeof(*req));
                if (seccomp_notify_receive(fd, req) < 0)
                        continue;
                memset(resp, 0, sizeof(*resp));
                resp->id = req->id;
                resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
                (void)seccomp_notify_respond(fd, resp);
        }
}

static int cmp(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

static double measure(bool sandbox, int calls, int rounds)
{
        static const struct sentry_rule rules[] = {
            {.nr = SYS_getppid, .name = "bench", .verdict = {POLICY_ACT_ALLOW, 0, false}}};
        static const struct sentry_table table = {.rules = rules, .n_rules = 1};
        struct sentry_config cfg = {.listen_fd = -1,
                                    .container_id = "bench",
                                    .events_log = "/tmp/sentry-bench-events.jsonl",
                                    .table = &table,
                                    .log_fd = -1,
                                    .cpus = &cpu0};
        double v[MAX_ROUNDS];
        struct sb_err err;
        int sv[2], control = -1, status;
        pid_t child, helper;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                exit(1);
        child = fork();
        if (child == 0) {
                close(sv[0]);
                target(sv[1], calls, rounds);
        }
        close(sv[1]);
        int fd = runtime_recv_fd(sv[0], NULL, 0, &err);
        if (fd < 0) {
                fprintf(stderr, "bench: %s\n", err.msg);
                exit(1);
        }
        if (sandbox) {
                if (sentry_spawn(&cfg, &helper, &control, &err) < 0 ||
                    runtime_send_fd(control, fd, "notify:bench", &err) < 0) {
                        fprintf(stderr, "bench: %s\n", err.msg);
                        exit(1);
                }
        } else {
                (void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, 1UL);
                helper = fork();
                if (helper == 0)
                        floor_loop(fd);
        }
        close(fd);
        if (write(sv[0], "g", 1) != 1)
                exit(1);
        for (int r = 0; r < rounds; r++)
                if (read(sv[0], &v[r], sizeof(v[r])) != sizeof(v[r]))
                        exit(1);
        waitpid(child, &status, 0);
        if (control >= 0)
                close(control);
        waitpid(helper, &status, 0);
        close(sv[0]);
        qsort(v, (size_t)rounds, sizeof(v[0]), cmp);
        return v[rounds / 2];
}

int main(int argc, char **argv)
{
        int calls = argc > 1 ? atoi(argv[1]) : 20000;
        int rounds = argc > 2 ? atoi(argv[2]) : 7;

        if (rounds < 1 || rounds > MAX_ROUNDS || calls < 1)
                return 2;
        CPU_ZERO(&cpu0);
        CPU_SET(0, &cpu0);
        /* Interleave to share any drift of the machine between both. */
        double s[MAX_ROUNDS], f[MAX_ROUNDS];
        int sets = 5;
        for (int i = 0; i < sets; i++) {
                f[i] = measure(false, calls, rounds);
                s[i] = measure(true, calls, rounds);
        }
        qsort(s, (size_t)sets, sizeof(s[0]), cmp);
        qsort(f, (size_t)sets, sizeof(f[0]), cmp);
        double sm = s[sets / 2], fm = f[sets / 2];
        printf(
            "bench sentry-roundtrip: sandbox %.2f us, floor %.2f us, ratio %.2f (target <= 1.3)\n",
            sm, fm, sm / fm);
        return 0;
}
