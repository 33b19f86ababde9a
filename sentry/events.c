/* Event formatting (pure), rate limiting (pure, clock injected) and the
 * events file with rotation. */
#include "sentry/events.h"

#include <errno.h>
#include <syslog.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/profile.h"
#include "runtime/cleanup.h"
#include "sentry/decode.h"

static const char *const prio_names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                         "Warning",   "Notice", "Informational", "Debug"};

const char *sentry_priority_name(enum sentry_priority p)
{
        if ((unsigned)p >= sizeof(prio_names) / sizeof(prio_names[0]))
                return "Debug";
        return prio_names[p];
}

void sentry_format_time(const struct timespec *ts, char *buf, size_t len)
{
        struct tm tm;
        char base[32];

        gmtime_r(&ts->tv_sec, &tm);
        strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, len, "%s.%09ldZ", base, (long)ts->tv_nsec);
}

static json_t *str_or_null(const char *s)
{
        return s != NULL ? json_string(s) : json_null();
}

static json_t *id_or_null(long v)
{
        return v >= 0 ? json_integer(v) : json_null();
}

/* Falco's evt.res: "SUCCESS" or the errno's name. */
static const char *result_name(const struct sentry_event *ev)
{
        const char *n;

        if (ev->errnum == 0)
                return "SUCCESS";
        n = policy_errno_name(ev->errnum);
        return n != NULL ? n : "ERROR";
}

json_t *sentry_event_json(const struct sentry_event *ev)
{
        char time[64], syscall_buf[32], output[2048];
        const char *syscall = ev->syscall;
        const char *host = sentry_call_abi(seccomp_arch_native(), 0, NULL);
        bool foreign = ev->arch != NULL && (host == NULL || strcmp(ev->arch, host) != 0);
        json_t *o = json_object(), *f = json_object(), *tags = json_array();

        if (syscall == NULL) {
                snprintf(syscall_buf, sizeof(syscall_buf), "syscall_%d", ev->nr);
                syscall = syscall_buf;
        }
        sentry_format_time(&ev->time, time, sizeof(time));

        if (ev->message != NULL)
                snprintf(output, sizeof(output), "Sandbox: %s (container=%s)", ev->message,
                         ev->container_id ? ev->container_id : "");
        else if (ev->suppressed > 0)
                snprintf(output, sizeof(output),
                         "Sandbox sentry suppressed %" PRIu64
                         " more %s events of %s by rule %s (container=%s)",
                         ev->suppressed, ev->decision, syscall, ev->rule ? ev->rule : "",
                         ev->container_id ? ev->container_id : "");
        else
                snprintf(output, sizeof(output),
                         "Sandbox sentry: %s %s%s%s%s%s (%s) by rule %s (container=%s proc=%s "
                         "pid=%d exe=%s uid=%ld)",
                         ev->decision, syscall, foreign ? " arch=" : "", foreign ? ev->arch : "",
                         ev->path ? " path=" : "", ev->path ? ev->path : "",
                         ev->result_unknown ? "let through" : result_name(ev),
                         ev->rule ? ev->rule : "", ev->container_id ? ev->container_id : "",
                         ev->comm ? ev->comm : "", (int)ev->pid, ev->exe ? ev->exe : "", ev->uid);

        /* Falco's keys. */
        json_object_set_new(o, "time", json_string(time));
        json_object_set_new(o, "rule", str_or_null(ev->rule));
        json_object_set_new(o, "priority", json_string(sentry_priority_name(ev->priority)));
        json_object_set_new(o, "source", json_string(ev->source ? ev->source : "syscall"));
        json_object_set_new(o, "hostname", str_or_null(ev->hostname));
        json_object_set_new(o, "output", json_string(output));
        json_object_set_new(f, "evt.time", json_string(time));
        json_object_set_new(f, "evt.type", json_string(syscall));
        json_object_set_new(f, "evt.res",
                            ev->result_unknown ? json_null() : json_string(result_name(ev)));
        json_object_set_new(f, "proc.name", str_or_null(ev->comm));
        json_object_set_new(f, "proc.exepath", str_or_null(ev->exe));
        json_object_set_new(f, "proc.cmdline", str_or_null(ev->cmdline));
        json_object_set_new(f, "proc.pid", json_integer(ev->pid));
        json_object_set_new(f, "proc.vpid",
                            ev->ns_pid > 0 ? json_integer(ev->ns_pid) : json_null());
        json_object_set_new(f, "user.uid", id_or_null(ev->uid));
        json_object_set_new(f, "group.gid", id_or_null(ev->gid));
        json_object_set_new(f, "fd.name", str_or_null(ev->path));
        json_object_set_new(f, "container.id", str_or_null(ev->container_id));
        json_object_set_new(o, "output_fields", f);
        json_array_append_new(tags, json_string("sandbox"));
        for (size_t i = 0; ev->tags != NULL && ev->tags[i] != NULL; i++)
                json_array_append_new(tags, json_string(ev->tags[i]));
        json_object_set_new(o, "tags", tags);

        /* The sandbox's own fields. */
        json_object_set_new(o, "container_id", str_or_null(ev->container_id));
        json_object_set_new(o, "bundle", str_or_null(ev->bundle));
        json_object_set_new(o, "profile", str_or_null(ev->profile));
        json_object_set_new(o, "syscall", json_string(syscall));
        json_object_set_new(o, "syscall_nr", json_integer(ev->nr));
        json_object_set_new(o, "arch", str_or_null(ev->arch));
        json_object_set_new(o, "args", ev->args != NULL ? json_incref(ev->args) : json_object());
        json_object_set_new(o, "pid", json_integer(ev->pid));
        json_object_set_new(o, "ns_pid", ev->ns_pid > 0 ? json_integer(ev->ns_pid) : json_null());
        json_object_set_new(o, "comm", str_or_null(ev->comm));
        json_object_set_new(o, "exe", str_or_null(ev->exe));
        json_object_set_new(o, "uid", id_or_null(ev->uid));
        json_object_set_new(o, "gid", id_or_null(ev->gid));
        json_object_set_new(o, "decision", str_or_null(ev->decision));
        json_object_set_new(o, "errno", json_integer(ev->errnum));
        json_object_set_new(o, "errno_name",
                            ev->errnum ? str_or_null(policy_errno_name(ev->errnum)) : json_null());
        json_object_set_new(o, "severity", json_string(sentry_priority_name(ev->priority)));
        if (ev->suppressed > 0)
                json_object_set_new(o, "suppressed", json_integer((json_int_t)ev->suppressed));
        if (ev->message != NULL)
                json_object_set_new(o, "message", json_string(ev->message));
        if (ev->arg_class != NULL)
                json_object_set_new(o, "arg_class", json_string(ev->arg_class));
        return o;
}

char *sentry_event_format(const struct sentry_event *ev)
{
        json_t *o = sentry_event_json(ev);
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
        char *line = NULL;

        json_decref(o);
        if (s != NULL && asprintf(&line, "%s\n", s) < 0)
                line = NULL;
        free(s);
        return line;
}

bool sentry_event_line_is_for(const char *line, size_t len, const char *id)
{
        json_t *o = json_loadb(line, len, 0, NULL);
        const char *cid = json_string_value(json_object_get(o, "container_id"));
        bool yes = cid != NULL && strcmp(cid, id) == 0;

        json_decref(o);
        return yes;
}

/* Rate limiting. */

static char *rl_key(const struct sentry_event *ev)
{
        char *k = NULL;

        if (asprintf(&k, "%s\x1f%s\x1f%d\x1f%s", ev->container_id ? ev->container_id : "",
                     ev->rule ? ev->rule : "", ev->nr, ev->decision ? ev->decision : "") < 0)
                return NULL;
        return k;
}

void sentry_ratelimit_init(struct sentry_ratelimit *rl, uint64_t window_ns, uint64_t burst)
{
        *rl = (struct sentry_ratelimit){.window_ns = window_ns, .burst = burst};
}

static void rl_entry_free(struct sentry_rl_entry *e)
{
        free(e->key);
        free(e->rule);
        free(e->syscall);
        free(e->decision);
        free(e->container_id);
}

void sentry_ratelimit_free(struct sentry_ratelimit *rl)
{
        for (size_t i = 0; i < rl->n; i++)
                rl_entry_free(&rl->entries[i]);
        free(rl->entries);
        *rl = (struct sentry_ratelimit){0};
}

static char *dup_or_null(const char *s)
{
        return s != NULL ? strdup(s) : NULL;
}

/* The summary keeps the identity of the suppressed events (who, what,
 * which rule), not the per-call details that differed between them. */
static void rl_remember(struct sentry_rl_entry *e, const struct sentry_event *ev)
{
        free(e->rule);
        free(e->syscall);
        free(e->decision);
        free(e->container_id);
        e->summary = *ev;
        e->summary.args = NULL;
        e->summary.path = NULL;
        e->summary.tags = NULL;
        e->summary.rule = e->rule = dup_or_null(ev->rule);
        e->summary.syscall = e->syscall = dup_or_null(ev->syscall);
        e->summary.decision = e->decision = dup_or_null(ev->decision);
        e->summary.container_id = e->container_id = dup_or_null(ev->container_id);
        /* Strings owned by the caller are not kept past this call. */
        e->summary.hostname = e->summary.bundle = e->summary.profile = NULL;
        e->summary.comm = e->summary.exe = e->summary.cmdline = NULL;
}

static void rl_summary(struct sentry_rl_entry *e, uint64_t now_ns, struct sentry_event *out)
{
        *out = e->summary;
        out->suppressed = e->suppressed;
        out->time.tv_sec = (time_t)(now_ns / 1000000000u);
        out->time.tv_nsec = (long)(now_ns % 1000000000u);
}

bool sentry_ratelimit_check(struct sentry_ratelimit *rl, const struct sentry_event *ev,
                            uint64_t now_ns, struct sentry_event *summary)
{
        _cleanup_free_ char *key = rl_key(ev);
        struct sentry_rl_entry *e = NULL;

        if (summary != NULL)
                summary->suppressed = 0;
        if (key == NULL || rl->burst == 0)
                return true;
        for (size_t i = 0; i < rl->n; i++)
                if (strcmp(rl->entries[i].key, key) == 0)
                        e = &rl->entries[i];
        if (e == NULL) {
                if (rl->n == rl->cap) {
                        size_t cap = rl->cap ? rl->cap * 2 : 16;
                        void *p = realloc(rl->entries, cap * sizeof(*rl->entries));
                        if (p == NULL)
                                return true; /* never lose an event for lack of memory */
                        rl->entries = p;
                        rl->cap = cap;
                }
                e = &rl->entries[rl->n++];
                *e = (struct sentry_rl_entry){.key = SB_STEAL_PTR(key), .window_start = now_ns};
        }
        if (now_ns - e->window_start >= rl->window_ns) {
                if (e->suppressed > 0 && summary != NULL)
                        rl_summary(e, now_ns, summary);
                e->window_start = now_ns;
                e->count = 0;
                e->suppressed = 0;
        }
        if (++e->count <= rl->burst)
                return true;
        if (e->suppressed++ == 0)
                rl_remember(e, ev);
        return false;
}

size_t sentry_ratelimit_expired(struct sentry_ratelimit *rl, uint64_t now_ns,
                                void (*emit)(const struct sentry_event *, void *), void *data)
{
        size_t n = 0;

        for (size_t i = 0; i < rl->n; i++) {
                struct sentry_rl_entry *e = &rl->entries[i];
                struct sentry_event s;

                if (e->suppressed == 0 || now_ns - e->window_start < rl->window_ns)
                        continue;
                rl_summary(e, now_ns, &s);
                emit(&s, data);
                e->suppressed = 0;
                e->count = 0;
                e->window_start = now_ns;
                n++;
        }
        return n;
}

int64_t sentry_ratelimit_next_due(const struct sentry_ratelimit *rl, uint64_t now_ns)
{
        int64_t best = -1;

        for (size_t i = 0; i < rl->n; i++) {
                const struct sentry_rl_entry *e = &rl->entries[i];
                if (e->suppressed == 0)
                        continue;
                uint64_t due = e->window_start + rl->window_ns;
                int64_t left = due > now_ns ? (int64_t)(due - now_ns) : 0;
                if (best < 0 || left < best)
                        best = left;
        }
        return best;
}

/* The events file. */

static int open_log(const char *path, struct sb_err *err)
{
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);

        if (fd < 0 && errno == ENOENT) {
                /* First event on this host: create /var/log/sandbox. */
                _cleanup_free_ char *dir = strdup(path);
                char *slash = dir != NULL ? strrchr(dir, '/') : NULL;
                if (slash != NULL && slash != dir) {
                        *slash = '\0';
                        if (mkdir(dir, 0750) < 0 && errno != EEXIST)
                                return sb_err_set(err, errno, "events log: mkdir `%s`", dir);
                }
                fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
        }
        if (fd < 0)
                return sb_err_set(err, errno, "events log: open `%s`", path);
        return fd;
}

int sentry_events_open(struct sentry_events *e, const char *path, uint64_t max_bytes, unsigned keep,
                       struct sb_err *err)
{
        *e = (struct sentry_events){.fd = STDERR_FILENO, .max_bytes = max_bytes, .keep = keep};
        if (path == NULL || strcmp(path, "-") == 0)
                return 0;
        e->path = strdup(path);
        if (e->path == NULL)
                return sb_err_set(err, ENOMEM, "events log `%s`", path);
        e->fd = open_log(path, err);
        if (e->fd < 0) {
                free(e->path);
                e->path = NULL;
                return -1;
        }
        return 0;
}

int sentry_events_rotate(struct sentry_events *e, struct sb_err *err)
{
        char from[PATH_MAX], to[PATH_MAX];

        if (e->path == NULL)
                return 0;
        if (e->keep == 0) {
                /* Nothing kept: start the file over. */
                if (ftruncate(e->fd, 0) < 0)
                        return sb_err_set(err, errno, "events log: truncate `%s`", e->path);
                return 0;
        }
        for (unsigned i = e->keep; i > 1; i--) {
                snprintf(from, sizeof(from), "%s.%u", e->path, i - 1);
                snprintf(to, sizeof(to), "%s.%u", e->path, i);
                if (rename(from, to) < 0 && errno != ENOENT)
                        return sb_err_set(err, errno, "events log: rename `%s` to `%s`", from, to);
        }
        snprintf(to, sizeof(to), "%s.1", e->path);
        if (rename(e->path, to) < 0 && errno != ENOENT)
                return sb_err_set(err, errno, "events log: rename `%s` to `%s`", e->path, to);
        int fd = open_log(e->path, err);
        if (fd < 0)
                return -1;
        close(e->fd);
        e->fd = fd;
        return 0;
}

int sentry_events_write(struct sentry_events *e, const char *line, struct sb_err *err)
{
        size_t len = strlen(line);
        ssize_t n;
        struct stat st;

        do
                n = write(e->fd, line, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return sb_err_set(err, errno, "events log: write `%s`", e->path ? e->path : "-");
        if ((size_t)n != len)
                return sb_err_set(err, EIO, "events log: short write `%s`",
                                  e->path ? e->path : "-");
        if (e->path != NULL && e->max_bytes > 0 && fstat(e->fd, &st) == 0 &&
            (uint64_t)st.st_size >= e->max_bytes)
                return sentry_events_rotate(e, err);
        return 0;
}

void sentry_events_close(struct sentry_events *e)
{
        if (e->path != NULL && e->fd >= 0)
                close(e->fd);
        free(e->path);
        *e = (struct sentry_events){.fd = -1};
}

int sentry_events_append_one(const char *path, bool to_syslog, const struct sentry_event *ev,
                             struct sb_err *err)
{
        struct sentry_event e = *ev;
        struct sentry_events log;
        char host[256] = "localhost", *line;
        int rc;

        if (e.hostname == NULL) {
                gethostname(host, sizeof(host) - 1);
                e.hostname = host;
        }
        if (e.time.tv_sec == 0 && e.time.tv_nsec == 0)
                clock_gettime(CLOCK_REALTIME, &e.time);
        line = sentry_event_format(&e);
        if (line == NULL)
                return sb_err_set(err, ENOMEM, "event");
        if (to_syslog)
                sentry_events_syslog(line, e.priority);
        rc = sentry_events_open(&log, path ? path : SENTRY_EVENTS_DEFAULT_PATH, 0, 0, err);
        if (rc == 0) {
                rc = sentry_events_write(&log, line, err);
                sentry_events_close(&log);
        }
        free(line);
        return rc;
}

void sentry_events_syslog(const char *line, enum sentry_priority priority)
{
        openlog("sandbox", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
        syslog(LOG_AUTHPRIV | (int)priority, "%.*s", (int)strcspn(line, "\n"), line);
}
