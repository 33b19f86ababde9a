/* The sentry process's state and the pieces of its decision path (internal
 * to sentry/). */
#ifndef SANDBOX_SENTRY_STATE_H
#define SANDBOX_SENTRY_STATE_H

#include <linux/seccomp.h>
#include <stdbool.h>

#include "sentry/decode.h"
#include "sentry/events.h"
#include "sentry/sentry.h"
#include "sentry/target.h"

struct sentry_state {
        const struct sentry_config *cfg;
        const struct sentry_table *table;
        struct sentry_events events;
        struct sentry_ratelimit rl;
        char hostname[256];
        int control_fd;
        int init_pidfd;       /* the container's init, -1: none (sentry_run) */
        uint32_t native_arch; /* AUDIT_ARCH_* of the sentry (seccomp_arch_native) */
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        json_t *learned; /* learn mode: the (syscall, argument class) keys recorded so far */
        struct sentry_status_cache status;
};

/* One notification being handled. */
struct sentry_request {
        int notify_fd;
        const struct seccomp_notif *req;
        const char *name; /* syscall name or NULL */
        const struct sentry_syscall_desc *desc;
        const struct sentry_rule *rule;
        char strs[SENTRY_MAX_ARGS][PATH_MAX]; /* strings read from the target */
        bool have_str[SENTRY_MAX_ARGS];
        struct sentry_open_how how;
        bool have_how;
        char path[PATH_MAX]; /* the decision path (absolute in the target's root) */
        bool have_path;
        bool continued; /* answered with CONTINUE: the kernel runs it after the event */
        struct sentry_proc proc;
        bool have_proc;
        struct sentry_status_cache *status; /* the sentry's, for load_proc */
};

/* Receives one notification on `notify_fd` and answers it. */
void sentry_handle_one(struct sentry_state *s, int notify_fd);

/* Performs an allowed open for the target and installs the fd in it with one
 * ADDFD|SEND (returns 0 when answered that way), or returns -errno to answer. */
int sentry_emulate_open(struct sentry_request *r, int dirfd, uint64_t flags, uint64_t mode,
                        uint64_t resolve);
/* Performs an allowed mkdir/mknod/unlink/rmdir for the target. Returns 0 or
 * -errno (the call's result). */
int sentry_emulate_path_op(struct sentry_request *r);

/* Writes an event for a decision (rate-limited). */
void sentry_record(struct sentry_state *s, struct sentry_request *r, struct policy_verdict v,
                   int errnum);
/* Writes an event as is (summaries, sentry's own events). */
void sentry_write_event(struct sentry_state *s, const struct sentry_event *ev);

#endif
