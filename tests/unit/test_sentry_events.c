#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sentry/decode.h"
#include "sentry/events.h"

static struct sentry_event sample(void)
{
        static const char *const tags[] = {"breakout", "mount", NULL};
        struct sentry_event ev = {
            .time = {.tv_sec = 1700000000, .tv_nsec = 123456789},
            .hostname = "host1",
            .container_id = "c1",
            .bundle = "/b",
            .profile = "default",
            .rule = "breakout-mkdir",
            .syscall = "mkdirat",
            .nr = 258,
            .path = "/x",
            .pid = 4242,
            .ns_pid = 7,
            .comm = "sh",
            .exe = "/bin/sh",
            .cmdline = "sh -c mkdir /x",
            .uid = 0,
            .gid = 0,
            .decision = "deny",
            .errnum = EPERM,
            .priority = SENTRY_PRIO_WARNING,
            .tags = tags,
        };
        return ev;
}

/* A call of another ABI says which in `arch` and in `output`. */
Test(sentry_events, foreign_abi_named)
{
        struct sentry_event ev = sample();
        ev.syscall = "execve";
        ev.nr = 11;
        ev.arch = "x86";
        char *line = sentry_event_format(&ev);
        json_t *o = json_loads(line, 0, NULL);

        cr_assert_not_null(o, "%s", line);
        cr_assert_str_eq(json_string_value(json_object_get(o, "arch")), "x86");
        cr_assert_str_eq(json_string_value(json_object_get(o, "syscall")), "execve");
        cr_assert_not_null(
            strstr(json_string_value(json_object_get(o, "output")), "deny execve arch=x86 "), "%s",
            line);
        json_decref(o);
        free(line);
        /* the host's own ABI is in `arch` only */
        ev.arch = sentry_call_abi(seccomp_arch_native(), 0, NULL);
        line = sentry_event_format(&ev);
        o = json_loads(line, 0, NULL);
        cr_assert_not_null(o, "%s", line);
        cr_assert_str_eq(json_string_value(json_object_get(o, "arch")), ev.arch);
        cr_assert_null(strstr(json_string_value(json_object_get(o, "output")), "arch="), "%s",
                       line);
        json_decref(o);
        free(line);
}

Test(sentry_events, time_format)
{
        char b[64];
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 5};

        sentry_format_time(&ts, b, sizeof(b));
        cr_assert_str_eq(b, "1970-01-01T00:00:00.000000005Z");
}

Test(sentry_events, format_fixed_event)
{
        struct sentry_event ev = sample();
        json_t *args = json_pack("{s:s,s:s}", "path", "/x", "mode", "0755");
        ev.args = args;
        char *line = sentry_event_format(&ev);

        cr_assert_not_null(line);
        cr_assert_eq(line[strlen(line) - 1], '\n');
        cr_assert_null(strchr(line, '\n') == line + strlen(line) - 1 ? NULL : line,
                       "exactly one line");
        json_error_t e;
        json_t *o = json_loads(line, 0, &e);
        cr_assert_not_null(o, "%s", e.text);
        cr_assert_str_eq(json_string_value(json_object_get(o, "time")),
                         "2023-11-14T22:13:20.123456789Z");
        cr_assert_str_eq(json_string_value(json_object_get(o, "rule")), "breakout-mkdir");
        cr_assert_str_eq(json_string_value(json_object_get(o, "priority")), "Warning");
        cr_assert_str_eq(json_string_value(json_object_get(o, "source")), "syscall");
        cr_assert_str_eq(json_string_value(json_object_get(o, "hostname")), "host1");
        cr_assert_not_null(strstr(json_string_value(json_object_get(o, "output")), "mkdirat"));
        json_t *f = json_object_get(o, "output_fields");
        cr_assert_str_eq(json_string_value(json_object_get(f, "evt.type")), "mkdirat");
        cr_assert_str_eq(json_string_value(json_object_get(f, "evt.res")), "EPERM");
        cr_assert_str_eq(json_string_value(json_object_get(f, "proc.name")), "sh");
        cr_assert_str_eq(json_string_value(json_object_get(f, "proc.exepath")), "/bin/sh");
        cr_assert_str_eq(json_string_value(json_object_get(f, "proc.cmdline")), "sh -c mkdir /x");
        cr_assert_eq(json_integer_value(json_object_get(f, "user.uid")), 0);
        cr_assert_str_eq(json_string_value(json_object_get(f, "fd.name")), "/x");
        cr_assert_str_eq(json_string_value(json_object_get(f, "container.id")), "c1");
        cr_assert_eq(json_integer_value(json_object_get(f, "proc.pid")), 4242);
        cr_assert_eq(json_integer_value(json_object_get(f, "proc.vpid")), 7);
        json_t *tags = json_object_get(o, "tags");
        cr_assert_eq(json_array_size(tags), 3);
        cr_assert_str_eq(json_string_value(json_array_get(tags, 1)), "breakout");
        cr_assert_str_eq(json_string_value(json_object_get(o, "container_id")), "c1");
        cr_assert_str_eq(json_string_value(json_object_get(o, "bundle")), "/b");
        cr_assert_str_eq(json_string_value(json_object_get(o, "profile")), "default");
        cr_assert_str_eq(json_string_value(json_object_get(o, "syscall")), "mkdirat");
        cr_assert_eq(json_integer_value(json_object_get(o, "syscall_nr")), 258);
        cr_assert(json_is_null(json_object_get(o, "arch")), "no ABI given");
        cr_assert_null(strstr(json_string_value(json_object_get(o, "output")), "arch="));
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "args"), "mode")),
                         "0755");
        cr_assert_eq(json_integer_value(json_object_get(o, "ns_pid")), 7);
        cr_assert_str_eq(json_string_value(json_object_get(o, "decision")), "deny");
        cr_assert_eq(json_integer_value(json_object_get(o, "errno")), EPERM);
        cr_assert_str_eq(json_string_value(json_object_get(o, "severity")), "Warning");
        cr_assert_null(json_object_get(o, "suppressed"));
        json_decref(o);
        json_decref(args);
        free(line);
}

static void count_emit(const struct sentry_event *ev, void *data)
{
        *(uint64_t *)data += ev->suppressed;
}

Test(sentry_events, rate_limit_summary)
{
        struct sentry_ratelimit rl;
        struct sentry_event ev = sample(), sum;
        uint64_t s = 1000000000ull, got = 0;
        int written = 0;

        sentry_ratelimit_init(&rl, s, 3);
        for (int i = 0; i < 10; i++) {
                if (sentry_ratelimit_check(&rl, &ev, 5 * s + (uint64_t)i, &sum))
                        written++;
                cr_assert_eq(sum.suppressed, 0);
        }
        cr_assert_eq(written, 3);
        /* Another decision is another key. */
        struct sentry_event other = ev;
        other.decision = "allow";
        cr_assert(sentry_ratelimit_check(&rl, &other, 5 * s, &sum));
        cr_assert_eq(sentry_ratelimit_next_due(&rl, 5 * s), (int64_t)s);
        /* Next window: the summary comes first, counting 7. */
        cr_assert(sentry_ratelimit_check(&rl, &ev, 6 * s + 10, &sum));
        cr_assert_eq(sum.suppressed, 7);
        cr_assert_str_eq(sum.rule, "breakout-mkdir");
        cr_assert_str_eq(sum.decision, "deny");
        char *line = sentry_event_format(&sum);
        cr_assert_not_null(strstr(line, "\"suppressed\":7"));
        free(line);
        /* Suppressed and never followed by another event: the timer's flush. */
        for (int i = 0; i < 5; i++)
                sentry_ratelimit_check(&rl, &ev, 6 * s + 20, NULL);
        cr_assert_eq(sentry_ratelimit_expired(&rl, 6 * s + 30, count_emit, &got), 0);
        cr_assert_eq(sentry_ratelimit_expired(&rl, 8 * s, count_emit, &got), 1);
        cr_assert_eq(got, 3);
        cr_assert_eq(sentry_ratelimit_next_due(&rl, 8 * s), -1);
        sentry_ratelimit_free(&rl);
}

Test(sentry_events, rotation_bounds_the_file)
{
        char dir[] = "/tmp/sentry-events-XXXXXX", path[256], p[300];
        struct sentry_events e;
        struct sb_err err;
        struct stat st;

        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/sub/events.jsonl", dir);
        cr_assert_eq(sentry_events_open(&e, path, 100, 2, &err), 0, "%s", err.msg);
        for (int i = 0; i < 20; i++)
                cr_assert_eq(
                    sentry_events_write(&e, "0123456789012345678901234567890123456789\n", &err), 0,
                    "%s", err.msg);
        sentry_events_close(&e);
        cr_assert_eq(stat(path, &st), 0);
        cr_assert_lt(st.st_size, 100);
        snprintf(p, sizeof(p), "%s.1", path);
        cr_assert_eq(stat(p, &st), 0);
        cr_assert_geq(st.st_size, 100);
        snprintf(p, sizeof(p), "%s.2", path);
        cr_assert_eq(stat(p, &st), 0);
        snprintf(p, sizeof(p), "%s.3", path);
        cr_assert_neq(stat(p, &st), 0, "only `keep` rotated files are kept");
}

Test(sentry_events, stderr_when_dash)
{
        struct sentry_events e;
        struct sb_err err;

        cr_assert_eq(sentry_events_open(&e, "-", 0, 0, &err), 0);
        cr_assert_eq(e.fd, STDERR_FILENO);
        cr_assert_null(e.path);
        sentry_events_close(&e);
}

/* A call let through (CONTINUE) runs after its event: its result is not
 * claimed. One the sentry performed or refused has its result. */
Test(sentry_events, continued_call_claims_no_result)
{
        struct sentry_event ev = sample();
        ev.decision = "allow";
        ev.errnum = 0;
        ev.result_unknown = true;
        char *line = sentry_event_format(&ev);
        json_t *o = json_loads(line, 0, NULL);
        json_t *f = json_object_get(o, "output_fields");

        cr_assert(json_is_null(json_object_get(f, "evt.res")));
        cr_assert_not_null(strstr(json_string_value(json_object_get(o, "output")), "let through"));
        json_decref(o);
        free(line);

        ev.result_unknown = false;
        line = sentry_event_format(&ev);
        o = json_loads(line, 0, NULL);
        f = json_object_get(o, "output_fields");
        cr_assert_str_eq(json_string_value(json_object_get(f, "evt.res")), "SUCCESS");
        json_decref(o);
        free(line);
}
