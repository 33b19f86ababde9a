/* sandbox events [--stats] [--interval 5s] <container-id>: runc's event
 * stream, one JSON object per line: {"type":"stats","id":ID,"data":{...}}
 * every interval (once with --stats), and {"type":"oom","id":ID} whenever
 * the cgroup's OOM kill count grows. Ends when the container stops. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/cgroup.h"
#include "runtime/cmd_common.h"
#include "runtime/confine.h"
#include "runtime/log.h"
#include "sentry/events.h"

/* Go-style durations: "5s", "500ms", "1m", "1.5s", "2h"; a bare number is seconds. */
static int parse_interval(const char *s, double *secs)
{
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 0 || !isfinite(v))
                return -1;
        if (strcmp(end, "ms") == 0)
                v /= 1000;
        else if (strcmp(end, "us") == 0 || strcmp(end, "µs") == 0)
                v /= 1e6;
        else if (strcmp(end, "m") == 0)
                v *= 60;
        else if (strcmp(end, "h") == 0)
                v *= 3600;
        else if (strcmp(end, "s") != 0 && *end != '\0')
                return -1;
        if (v <= 0)
                return -1;
        *secs = v;
        return 0;
}

static void emit(const char *type, const char *id, json_t *data)
{
        json_t *ev = json_pack("{s:s,s:s}", "type", type, "id", id);
        if (ev == NULL)
                return;
        if (data != NULL)
                json_object_set(ev, "data", data);
        char *s = json_dumps(ev, JSON_COMPACT);
        if (s != NULL) {
                printf("%s\n", s);
                fflush(stdout);
        }
        free(s);
        json_decref(ev);
}

static double now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --follow: the container's security events from the events log. */
struct tail {
        int fd;
        ino_t ino;
        char buf[65536];
        size_t used;
};

/* Prints the complete lines read so far that belong to `id`; returns the
 * number of bytes read (0 at the end of the file). */
static ssize_t tail_read(struct tail *t, const char *id)
{
        ssize_t n;

        if (t->used == sizeof(t->buf))
                t->used = 0; /* a line longer than the buffer: not an event of ours */
        n = read(t->fd, t->buf + t->used, sizeof(t->buf) - t->used);
        if (n <= 0)
                return n;
        t->used += (size_t)n;
        char *start = t->buf, *nl;
        while ((nl = memchr(start, '\n', t->used - (size_t)(start - t->buf))) != NULL) {
                if (sentry_event_line_is_for(start, (size_t)(nl - start), id)) {
                        fwrite(start, 1, (size_t)(nl - start) + 1, stdout);
                        fflush(stdout);
                }
                start = nl + 1;
        }
        t->used -= (size_t)(start - t->buf);
        memmove(t->buf, start, t->used);
        return n;
}

static bool tail_open(struct tail *t, const char *path)
{
        struct stat sb;

        t->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (t->fd < 0)
                return false;
        t->ino = fstat(t->fd, &sb) == 0 ? sb.st_ino : 0;
        t->used = 0;
        return true;
}

/* True when the log at `path` is no longer the file we read (rotated). */
static bool tail_rotated(const struct tail *t, const char *path)
{
        struct stat sb;

        return stat(path, &sb) == 0 && sb.st_ino != t->ino;
}

static bool container_done(const char *root, const struct runtime_state *st)
{
        if (runtime_state_status(root, st) != RUNTIME_STOPPED)
                return false;
        return st->sentry_pid <= 0 || !runtime_proc_is(st->sentry_pid, st->sentry_start_time);
}

static int follow(const struct sb_global *g, const char *id, const struct runtime_state *st)
{
        const char *path = st->events_log[0] ? st->events_log : runtime_events_log(g);
        struct tail *t = calloc(1, sizeof(*t));
        bool last = false;

        if (t == NULL)
                return 1;
        t->fd = -1;
        if (strcmp(path, "-") == 0) {
                sb_error("events %s: its events go to the sentry's stderr (--events-log -): "
                         "nothing to follow",
                         id);
                free(t);
                return 1;
        }
        for (;;) {
                if (t->fd < 0 && !tail_open(t, path) && errno != ENOENT) {
                        sb_error("events %s: open `%s`: %s", id, path, strerror(errno));
                        free(t);
                        return 1;
                }
                while (t->fd >= 0 && tail_read(t, id) > 0)
                        ;
                if (t->fd >= 0 && tail_rotated(t, path)) {
                        /* What was appended before the rename is read above;
                         * go on with the new file from its start. */
                        close(t->fd);
                        t->fd = -1;
                        continue;
                }
                if (last)
                        break;
                /* After the container and its sentry are gone, read once more:
                 * their last events are written by then. */
                last = container_done(g->root, st);
                if (!last) {
                        struct timespec ts = {0, 50 * 1000 * 1000};
                        nanosleep(&ts, NULL);
                }
        }
        if (t->fd >= 0)
                close(t->fd);
        free(t);
        return 0;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
                                             {"interval", required_argument, NULL, 'i'},
                                             {"follow", no_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
        struct sb_err err = {0};
        bool once = false, security = false;
        double interval = 5;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+", opts, NULL)) != -1) {
                if (c == 's') {
                        once = true;
                } else if (c == 'f') {
                        security = true;
                } else if (c == 'i') {
                        if (parse_interval(optarg, &interval) < 0) {
                                sb_error("events: --interval: invalid duration \"%s\"", optarg);
                                return 2;
                        }
                } else {
                        sb_error("events: unknown or incomplete option '%s'", argv[optind - 1]);
                        return 2;
                }
        }
        const char *id = sb_parse_id(argc, argv, "events");
        if (id == NULL)
                return 2;

        struct runtime_state st;
        struct runtime_cgroup cg;
        if (runtime_state_read(g->root, id, &st, &err) < 0) {
                sb_error("events %s: %s", id, err.msg);
                return 1;
        }
        int rc = 1;
        if (security) {
                rc = follow(g, id, &st);
                goto out;
        }
        if (runtime_state_status(g->root, &st) == RUNTIME_STOPPED) {
                sb_error("events %s: container not running", id);
                goto out;
        }
        if (st.cgroup_path == NULL || st.cgroup_path[0] == '\0') {
                sb_error("events %s: the container has no cgroup", id);
                goto out;
        }
        if (runtime_cgroup_open("/sys/fs/cgroup", st.cgroup_path, &cg, &err) < 0) {
                sb_error("events %s: %s", id, err.msg);
                goto out;
        }
        int64_t ooms = runtime_cgroup_oom_kills(&cg);
        double next = now();
        for (;;) {
                if (once || now() >= next) {
                        json_t *stats = runtime_cgroup_stats(&cg, &err);
                        if (stats == NULL) {
                                if (runtime_state_status(g->root, &st) == RUNTIME_STOPPED) {
                                        rc = 0;
                                        break;
                                }
                                sb_error("events %s: %s", id, err.msg);
                                break;
                        }
                        emit("stats", id, stats);
                        json_decref(stats);
                        if (once) {
                                rc = 0;
                                break;
                        }
                        next += interval;
                }
                int64_t o = runtime_cgroup_oom_kills(&cg);
                if (o > ooms)
                        emit("oom", id, NULL);
                ooms = o;
                if (runtime_state_status(g->root, &st) == RUNTIME_STOPPED) {
                        rc = 0;
                        break;
                }
                struct timespec ts = {0, 100 * 1000 * 1000}; /* OOM checks 10× a second */
                nanosleep(&ts, NULL);
        }
        runtime_cgroup_free(&cg);
out:
        runtime_state_free(&st);
        return rc;
}

const struct sb_command sb_cmd_events = {
    .name = "events",
    .usage = "events [--stats] [--interval DURATION] [--follow] <container-id>",
    .summary = "print container events and resource usage statistics",
    .help = "Options:\n"
            "  --stats              print the statistics once and exit\n"
            "  --interval DURATION  statistics period (default 5s; 500ms, 1m ...)\n"
            "  --follow             instead: the container's security events (sentry\n"
            "                       decisions, refusals, sentry loss) from the events log,\n"
            "                       those logged so far and then as they come, one JSON\n"
            "                       object per line (docs/events.md); ends when the\n"
            "                       container and its sentry are gone\n\n"
            "Prints one JSON object per line: {\"type\":\"stats\",\"id\":...,\"data\":{cpu,\n"
            "memory, pids, blkio, hugetlb}} and {\"type\":\"oom\",\"id\":...} when a process of\n"
            "the container is killed for lack of memory. Exits when the container stops.\n",
    .run = run,
};
