/* Starting the sentry: a forked child of the runtime that leaves it behind. */
#include "sentry/sentry.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sentry/events.h"

#include "runtime/log.h"

/* Closes every descriptor except `keep` (ascending, >= 3). The sentry must
 * not hold the runtime's pipes (a caller reading our stdout to EOF would
 * wait for it), nor any container namespace, mount or console fd. */
static void close_all_but(const int *keep, size_t n)
{
        unsigned lo = 3;

        for (size_t i = 0; i < n; i++) {
                if (keep[i] < 3 || (unsigned)keep[i] < lo)
                        continue;
                if ((unsigned)keep[i] > lo)
                        close_range(lo, (unsigned)keep[i] - 1, 0);
                lo = (unsigned)keep[i] + 1;
        }
        close_range(lo, ~0u, 0);
}

static void sort_fds(int *a, int n)
{
        for (int i = 0; i < n - 1; i++)
                for (int j = 0; j < n - 1 - i; j++)
                        if (a[j] > a[j + 1]) {
                                int t = a[j];
                                a[j] = a[j + 1];
                                a[j + 1] = t;
                        }
}

void sentry_kill_init(const struct sentry_config *cfg, int init_pidfd)
{
        if (init_pidfd >= 0)
                (void)syscall(SYS_pidfd_send_signal, init_pidfd, SIGKILL, NULL, 0);
        else if (cfg->init_pid > 0)
                kill(cfg->init_pid, SIGKILL);
}

/* The watcher's side: the sentry writes one byte before a clean exit; end of
 * file without it (killed, crashed, failed) is a loss, which is recorded and,
 * unless the profile says deny-only, ends the container. */
static int watch(const struct sentry_config *cfg, pid_t sentry, int alive_fd, int init_pidfd)
{
        char b;
        ssize_t n;

        while ((n = read(alive_fd, &b, 1)) < 0 && errno == EINTR)
                ;
        if (n == 1)
                return 0;
        bool kill_it = cfg->on_loss != SENTRY_LOSS_DENY && cfg->init_pid > 0;
        if (kill_it)
                sentry_kill_init(cfg, init_pidfd);
        struct sb_err err;
        static const char *const tags[] = {"sentry", NULL};
        struct sentry_event e = {
            .container_id = cfg->container_id,
            .bundle = cfg->bundle,
            .profile = cfg->profile_name,
            .rule = "sentry-lost",
            .syscall = "none",
            .nr = -1,
            .pid = sentry,
            .uid = -1,
            .gid = -1,
            .decision = kill_it ? "kill-container" : "deny",
            .errnum = ENOSYS,
            .priority = SENTRY_PRIO_CRITICAL,
            .tags = tags,
        };
        sentry_events_append_one(cfg->events_log, cfg->syslog, &e, &err);
        return 1;
}

/* In the sentry, first thing: fork the watcher (its child, so that the
 * runtime forks once and waits for nobody). Returns the write end the sentry
 * keeps, or -1 when no watcher could be made: then the sentry itself fails
 * closed (records the loss, kills the container) and exits. */
static int start_watcher(const struct sentry_config *cfg, int control_fd, int init_pidfd)
{
        int alive[2];
        pid_t sentry = getpid();

        if (pipe2(alive, O_CLOEXEC) == 0) {
                pid_t w = fork();
                if (w == 0) {
                        int keep[3] = {alive[0], cfg->log_fd, init_pidfd};
                        close(alive[1]);
                        sort_fds(keep, 3);
                        close_all_but(keep, 3);
                        _exit(watch(cfg, sentry, alive[0], init_pidfd));
                }
                close(alive[0]);
                if (w > 0)
                        return alive[1];
                close(alive[1]);
        }
        sb_error("sentry: cannot start its watcher: %s", strerror(errno));
        close(control_fd);
        /* A write end closed at once: watch() sees the loss. */
        int gone[2];
        if (pipe(gone) == 0) {
                close(gone[1]);
                watch(cfg, sentry, gone[0], init_pidfd);
        }
        _exit(1);
}

int sentry_spawn(const struct sentry_config *cfg, pid_t *pid, int *control_fd, struct sb_err *err)
{
        int sv[2];
        pid_t child;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return sb_err_set(err, errno, "sentry: socketpair");
        child = fork();
        if (child < 0) {
                int e = errno;
                close(sv[0]);
                close(sv[1]);
                return sb_err_set(err, e, "sentry: fork");
        }
        if (child == 0) {
                struct sb_err cerr;
                /* The init by a pidfd, not its number: the number may name
                 * another process once the init is gone and reaped. The
                 * init is alive here: the sentry starts while it sets the
                 * container up or waits to be started. */
                int init_pidfd =
                    cfg->init_pid > 0 ? (int)syscall(SYS_pidfd_open, cfg->init_pid, 0) : -1;
                int keep[4] = {sv[1], cfg->log_fd, cfg->listen_fd, init_pidfd};
                bool events_to_stderr =
                    cfg->events_log != NULL && strcmp(cfg->events_log, "-") == 0;
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);

                close(sv[0]);
                setsid();
                if (null >= 0) {
                        dup2(null, STDIN_FILENO);
                        dup2(null, STDOUT_FILENO);
                        /* stderr stays when events or crash reports go there. */
                        if (!events_to_stderr && cfg->log_fd >= 0)
                                dup2(null, STDERR_FILENO);
                }
                sort_fds(keep, 4);
                close_all_but(keep, 4);
                if (cfg->cpus != NULL)
                        (void)sched_setaffinity(0, sizeof(*cfg->cpus), cfg->cpus);
                /* Fail closed on loss: a small watcher, the sentry's child,
                 * waits for its end. If the sentry dies by a signal or an
                 * error, the kernel already fails the routed calls (ENOSYS);
                 * the watcher records the loss and, unless the profile says
                 * deny-only, kills the container. */
                int alive = cfg->watch_loss ? start_watcher(cfg, sv[1], init_pidfd) : -1;
                sentry_crash_handler_install(cfg->log_fd);
                if (sentry_run(cfg, sv[1], init_pidfd, &cerr) < 0) {
                        sb_error("sentry: %s", cerr.msg);
                        _exit(1);
                }
                if (alive >= 0 && write(alive, "", 1) != 1)
                        _exit(1);
                _exit(0);
        }
        close(sv[1]);
        *pid = child;
        *control_fd = sv[0];
        return 0;
}
