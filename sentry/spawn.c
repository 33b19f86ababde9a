/* Starting the sentry: a forked child of the runtime that leaves it behind. */
#include "sentry/sentry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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

static void sort3(int *a)
{
        for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2 - i; j++)
                        if (a[j] > a[j + 1]) {
                                int t = a[j];
                                a[j] = a[j + 1];
                                a[j + 1] = t;
                        }
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
                int keep[3] = {sv[1], cfg->log_fd, cfg->listen_fd};
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
                sort3(keep);
                close_all_but(keep, 3);
                if (cfg->cpus != NULL)
                        (void)sched_setaffinity(0, sizeof(*cfg->cpus), cfg->cpus);
                sentry_crash_handler_install(cfg->log_fd);
                if (sentry_run(cfg, sv[1], &cerr) < 0) {
                        sb_error("sentry: %s", cerr.msg);
                        _exit(1);
                }
                _exit(0);
        }
        close(sv[1]);
        *pid = child;
        *control_fd = sv[0];
        return 0;
}
