/* The sentry: a seccomp user-notify supervisor, one per container.
 *
 * Hand-off protocol with the runtime (a unix SOCK_SEQPACKET socket, the
 * "control" socket; one message per datagram):
 *   runtime -> sentry  "notify:<hostpid>" with one SCM_RIGHTS descriptor, the
 *                      seccomp listener of a process that loaded the
 *                      container's filter (runtime_send_fd). Other names: the
 *                      descriptor is closed and ignored.
 *   sentry -> runtime  "kill-container <hostpid> <rule>": a rule asked for the
 *                      container to be killed (the sentry has already sent
 *                      SIGKILL to the init pid it was given, when it has one).
 * The sentry exits by itself when the runtime closed its end AND every
 * listener has hung up (no process with that filter is left).
 * See sentry/README.md for the per-syscall strategies and why they are safe. */
#ifndef SANDBOX_SENTRY_H
#define SANDBOX_SENTRY_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "sentry/rules.h"

#define SENTRY_NOTIFY_PREFIX      "notify:"
#define SENTRY_MSG_KILL_CONTAINER "kill-container"

enum sentry_on_loss {
        SENTRY_LOSS_KILL, /* the runtime kills the container when the sentry dies */
        SENTRY_LOSS_DENY, /* routed calls fail with ENOSYS (the kernel's doing), it lives */
};

struct sentry_config {
        const char *container_id;
        const char *bundle;
        const char *profile_name;
        const char *events_log; /* path, "-" for stderr, NULL for the default */
        int on_loss;            /* enum sentry_on_loss: documentation for the runtime */
        /* The decisions: the compiled profile's tables (policy_compile()),
         * else the sentry's own table; neither: deny every routed call. */
        const struct policy_tables *policy;
        const struct sentry_table *table;
        pid_t init_pid;            /* the container's init (host pid) for kill-container; 0: none */
        int log_fd;                /* runtime log for crash backtraces; -1: stderr */
        uint64_t events_max_bytes; /* 0: SENTRY_EVENTS_DEFAULT_MAX */
        unsigned events_keep;      /* 0: SENTRY_EVENTS_DEFAULT_KEEP */
        uint64_t rate_window_ms;   /* 0: 10000 */
        unsigned rate_burst;       /* identical events per window; 0: 10 */
        const cpu_set_t *cpus;     /* the container's CPUs, to run next to it; NULL: inherit */
        /* A listening SOCK_SEQPACKET socket (ROOT/ID/sentry.sock) on which
         * processes that join the container later (exec, and the init,
         * whose connection is queued before the sentry starts) connect and
         * send their listener like on the control socket; -1: none. */
        int listen_fd;
        /* Give the sentry a small watcher (its child) that records its loss
         * and applies on_loss (kills init_pid). */
        bool watch_loss;
        bool syslog; /* also send each event to syslog(3), LOG_AUTHPRIV */
};

/* Forks the sentry: it setsid()s, closes every descriptor but the control
 * socket and cfg->log_fd (stdin/stdout to /dev/null; stderr too unless the
 * events go there), stays in the host's namespaces and keeps no container
 * namespace or mount open. Returns its pid and the runtime's end of the
 * control socket (SOCK_SEQPACKET, O_CLOEXEC). Failures inside the sentry
 * (an events log it cannot open) go to the runtime log (sb_error) and it
 * exits 1. */
int sentry_spawn(const struct sentry_config *cfg, pid_t *pid, int *control_fd, struct sb_err *err);

/* The sentry's loop in the calling process (what the forked sentry runs):
 * returns 0 when the control socket is closed and every listener hung up.
 * `init_pidfd` is a pidfd of cfg->init_pid (-1: none), through which
 * kill-container signals the init. */
int sentry_run(const struct sentry_config *cfg, int control_fd, int init_pidfd, struct sb_err *err);

/* SIGKILL to the container's init: through `init_pidfd` when there is one
 * (-1: none), else by cfg->init_pid when that is set. */
void sentry_kill_init(const struct sentry_config *cfg, int init_pidfd);

/* SIGSEGV/SIGABRT/SIGBUS/SIGILL/SIGFPE: a backtrace (libunwind) to log_fd
 * (-1: stderr) from an alternate stack, then the signal is re-raised with
 * the default action. */
void sentry_crash_handler_install(int log_fd);
/* Loads libunwind ahead of a crash (the handler loads it otherwise); the
 * sentry calls it once idle. */
void sentry_crash_handler_preload(void);
bool sentry_crash_handler_loaded(void);

#endif
