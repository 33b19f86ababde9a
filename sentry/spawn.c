/* Starting the sentry: a forked child of the runtime that leaves it behind. */
#include "sentry/sentry.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* Waits for the sentry; on an abnormal end, records it and applies on_loss. */
static int watch(const struct sentry_config *cfg, pid_t sentry)
{
        int status;
        while (waitpid(sentry, &status, 0) < 0)
                if (errno != EINTR)
                        return 1;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        bool kill_it = cfg->on_loss != SENTRY_LOSS_DENY && cfg->init_pid > 0;
        if (kill_it)
                kill(cfg->init_pid, SIGKILL);
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

int sentry_spawn(const struct sentry_config *cfg, pid_t *pid, int *control_fd, struct sb_err *err)
{
        int sv[2], pidpipe[2] = {-1, -1};
        pid_t child;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
                return sb_err_set(err, errno, "sentry: socketpair");
        if (cfg->watch_loss && pipe2(pidpipe, O_CLOEXEC) < 0) {
                int e = errno;
                close(sv[0]);
                close(sv[1]);
                return sb_err_set(err, e, "sentry: pipe");
        }
        child = fork();
        if (child < 0) {
                int e = errno;
                close(sv[0]);
                close(sv[1]);
                if (pidpipe[0] >= 0) {
                        close(pidpipe[0]);
                        close(pidpipe[1]);
                }
                return sb_err_set(err, e, "sentry: fork");
        }
        if (child == 0) {
                struct sb_err cerr;
                int keep[4] = {sv[1], cfg->log_fd, cfg->listen_fd, pidpipe[1]};
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
                /* Fail closed on loss: this process stays as a small watcher
                 * and the sentry proper is its child. If the sentry dies by
                 * a signal or an error, the kernel already fails the routed
                 * calls (ENOSYS); the watcher records the loss and, unless the
                 * profile says deny-only, kills the container. */
                pid_t sentry = cfg->watch_loss ? fork() : 0;
                if (sentry < 0)
                        _exit(1);
                if (sentry == 0) {
                        if (cfg->watch_loss)
                                close(pidpipe[1]);
                        sentry_crash_handler_install(cfg->log_fd);
                        if (sentry_run(cfg, sv[1], &cerr) < 0) {
                                sb_error("sentry: %s", cerr.msg);
                                _exit(1);
                        }
                        _exit(0);
                }
                close(sv[1]);
                if (cfg->listen_fd >= 0)
                        close(cfg->listen_fd);
                if (write(pidpipe[1], &sentry, sizeof(sentry)) != sizeof(sentry))
                        kill(sentry, SIGKILL);
                close(pidpipe[1]);
                _exit(watch(cfg, sentry));
        }
        close(sv[1]);
        *pid = child;
        if (cfg->watch_loss) {
                pid_t sentry = -1;
                close(pidpipe[1]);
                ssize_t n = read(pidpipe[0], &sentry, sizeof(sentry));
                close(pidpipe[0]);
                /* The watcher is our child; reaped by whoever adopts it. */
                if (n != sizeof(sentry) || sentry <= 0) {
                        close(sv[0]);
                        return sb_err_set(err, EIO, "sentry: did not start");
                }
                *pid = sentry;
        }
        *control_fd = sv[0];
        return 0;
}
