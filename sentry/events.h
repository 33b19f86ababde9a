/* Security events: one JSON object per line, Falco-compatible keys plus the
 * sandbox's own, rate-limited per (container, rule, syscall, decision), with
 * size-based rotation of the log file.
 *
 * Three parts, the first two pure:
 *   sentry_event_format()     event -> one line of JSON (no I/O, no clock);
 *   sentry_ratelimit_*()      emit or suppress, with an injected clock;
 *   sentry_events_*()         the file: append, flush per event, rotate. */
#ifndef SANDBOX_SENTRY_EVENTS_H
#define SANDBOX_SENTRY_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "runtime/error.h"

#define SENTRY_EVENTS_DEFAULT_PATH "/var/log/sandbox/events.jsonl"
#define SENTRY_EVENTS_DEFAULT_MAX  (16u * 1024u * 1024u) /* bytes before rotation */
#define SENTRY_EVENTS_DEFAULT_KEEP 5u                    /* rotated files kept */

/* Falco's priority names, most severe first. */
enum sentry_priority {
        SENTRY_PRIO_EMERGENCY,
        SENTRY_PRIO_ALERT,
        SENTRY_PRIO_CRITICAL,
        SENTRY_PRIO_ERROR,
        SENTRY_PRIO_WARNING,
        SENTRY_PRIO_NOTICE,
        SENTRY_PRIO_INFORMATIONAL,
        SENTRY_PRIO_DEBUG,
};
const char *sentry_priority_name(enum sentry_priority p); /* "Warning" */

struct sentry_event {
        struct timespec time; /* CLOCK_REALTIME */
        const char *hostname;
        const char *container_id;
        const char *bundle;
        const char *profile;
        const char *rule;
        const char *syscall; /* name; NULL -> "syscall_<nr>" */
        int nr;
        const char *arch; /* the call's ABI ("x86_64", "x86", "x32"; static from
                           * sentry_call_abi), may be NULL; named in `output`
                           * when it is not the host's */
        json_t *args;     /* decoded arguments (borrowed), may be NULL */
        const char *path; /* the path decided on (fd.name), may be NULL */
        pid_t pid;        /* host pid */
        pid_t ns_pid;     /* pid inside the container's pid namespace, 0 if unknown */
        const char *comm;
        const char *exe;
        const char *cmdline;  /* arguments joined by spaces */
        long uid, gid;        /* effective, host view; -1 unknown */
        const char *decision; /* "allow", "deny", "kill-process", "kill-container" */
        int errnum;           /* errno returned to the process (0: none) */
        enum sentry_priority priority;
        const char *const *tags; /* NULL-terminated, may be NULL */
        uint64_t suppressed;     /* > 0: a summary of this many suppressed events */
        const char *message;     /* events without a syscall (a refused create, the
                                  * sentry lost): the sentence for `output`, may be NULL */
        const char *source;      /* Falco's `source`; NULL: "syscall" */
        const char *arg_class;   /* learn mode: the call's argument class, may be NULL */
        bool result_unknown;     /* let through (CONTINUE): the kernel runs the call after
                                  * the event, so its result is not known (evt.res null) */
};

/* "2024-05-01T12:34:56.123456789Z". buf >= 40 bytes. */
void sentry_format_time(const struct timespec *ts, char *buf, size_t len);

/* The event as a JSON object (caller json_decref's). */
json_t *sentry_event_json(const struct sentry_event *ev);
/* The event as one line ending in '\n' (malloc'd), or NULL on allocation failure. */
char *sentry_event_format(const struct sentry_event *ev);

/* Rate limiting per key (container, rule, syscall, decision): at most `burst`
 * events per `window_ns`; more are counted, and the count is reported in a
 * summary event when the key's window ends (on its next event, or by
 * sentry_ratelimit_expired() from the loop's timer). */
struct sentry_rl_entry {
        char *key;
        uint64_t window_start;
        uint64_t count;              /* events seen in this window */
        uint64_t suppressed;         /* of which not written */
        struct sentry_event summary; /* a copy of the first suppressed event's identity */
        char *rule, *syscall, *decision, *container_id; /* owned strings of `summary` */
};
struct sentry_ratelimit {
        struct sentry_rl_entry *entries;
        size_t n, cap;
        uint64_t window_ns;
        uint64_t burst;
};
void sentry_ratelimit_init(struct sentry_ratelimit *rl, uint64_t window_ns, uint64_t burst);
void sentry_ratelimit_free(struct sentry_ratelimit *rl);
/* Returns true when `ev` is to be written. When the key's previous window
 * suppressed events, *summary (may be NULL) receives a summary event to write
 * first (valid until the next call; its `suppressed` > 0), else suppressed = 0. */
bool sentry_ratelimit_check(struct sentry_ratelimit *rl, const struct sentry_event *ev,
                            uint64_t now_ns, struct sentry_event *summary);
/* Windows that ended before now_ns with suppressed events: calls emit() with
 * each summary (and resets the entry). Returns how many were emitted. */
size_t sentry_ratelimit_expired(struct sentry_ratelimit *rl, uint64_t now_ns,
                                void (*emit)(const struct sentry_event *, void *), void *data);
/* Nanoseconds until the earliest pending summary is due, or -1 if none. */
int64_t sentry_ratelimit_next_due(const struct sentry_ratelimit *rl, uint64_t now_ns);

/* True when `line` (one line of the log, without its newline) is an event of
 * container `id`. Pure: `events --follow` filters the shared log with it. */
bool sentry_event_line_is_for(const char *line, size_t len, const char *id);

/* The log file. */
struct sentry_events {
        char *path; /* NULL: stderr */
        int fd;
        uint64_t max_bytes; /* rotate when the file reaches it; 0: never */
        unsigned keep;      /* PATH.1 .. PATH.keep */
};
/* path "-" or NULL: stderr. Creates the parent directory (0750) when missing. */
int sentry_events_open(struct sentry_events *e, const char *path, uint64_t max_bytes, unsigned keep,
                       struct sb_err *err);
/* Appends one line with a single write() (O_APPEND: lines from several
 * sentries never interleave), then rotates when the size limit is reached. */
int sentry_events_write(struct sentry_events *e, const char *line, struct sb_err *err);
/* Rotates now: PATH.(keep-1) -> PATH.keep, ..., PATH -> PATH.1, reopen PATH. */
int sentry_events_rotate(struct sentry_events *e, struct sb_err *err);
void sentry_events_close(struct sentry_events *e);
/* Opens the log at `path` (NULL: the default), appends one event (its time
 * and hostname filled in when unset), closes it, and with to_syslog sends it
 * to syslog too: for the runtime and the watcher, which write one event each. */
int sentry_events_append_one(const char *path, bool to_syslog, const struct sentry_event *ev,
                             struct sb_err *err);
/* Sends one formatted event line to syslog(3) (ident "sandbox", LOG_AUTHPRIV,
 * the syslog level of its priority: Falco's names are syslog's levels). */
void sentry_events_syslog(const char *line, enum sentry_priority priority);

#endif
