/* sandbox events [--stats] [--interval 5s] <container-id>: runc's event
 * stream, one JSON object per line: {"type":"stats","id":ID,"data":{...}}
 * every interval (once with --stats), and {"type":"oom","id":ID} whenever
 * the cgroup's OOM kill count grows. Ends when the container stops. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runtime/cgroup.h"
#include "runtime/cmd_common.h"
#include "runtime/log.h"

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

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {{"stats", no_argument, NULL, 's'},
                                             {"interval", required_argument, NULL, 'i'},
                                             {NULL, 0, NULL, 0}};
        struct sb_err err = {0};
        bool once = false;
        double interval = 5;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+", opts, NULL)) != -1) {
                if (c == 's') {
                        once = true;
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
    .usage = "events [--stats] [--interval DURATION] <container-id>",
    .summary = "print container events and resource usage statistics",
    .help = "Options:\n"
            "  --stats              print the statistics once and exit\n"
            "  --interval DURATION  statistics period (default 5s; 500ms, 1m ...)\n\n"
            "Prints one JSON object per line: {\"type\":\"stats\",\"id\":...,\"data\":{cpu,\n"
            "memory, pids, blkio, hugetlb}} and {\"type\":\"oom\",\"id\":...} when a process of\n"
            "the container is killed for lack of memory. Exits when the container stops.\n",
    .run = run,
};
