/* From a decision to an event line: who, what, which rule, what answer. */
#include "sentry/state.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "runtime/cleanup.h"
#include "runtime/log.h"
#include "sentry/creds.h"

static enum sentry_priority priority_of(enum policy_action a)
{
        switch (a) {
        case POLICY_ACT_KILL_CONTAINER:
        case POLICY_ACT_KILL_PROCESS:
                return SENTRY_PRIO_CRITICAL;
        case POLICY_ACT_ERRNO:
                return SENTRY_PRIO_WARNING;
        default:
                return SENTRY_PRIO_NOTICE;
        }
}

static uint64_t now_ns(const struct timespec *ts)
{
        return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

static void write_line(struct sentry_state *s, const struct sentry_event *ev)
{
        struct sb_err err;
        char *line = sentry_event_format(ev);

        if (line == NULL)
                return;
        /* rotating may create and rename files where the sentry's own
         * capabilities are needed */
        sentry_creds_reset();
        if (sentry_events_write(&s->events, line, &err) < 0)
                sb_warn("sentry: %s", err.msg);
        if (s->cfg->syslog)
                sentry_events_syslog(line, ev->priority);
        free(line);
}

void sentry_write_event(struct sentry_state *s, const struct sentry_event *ev)
{
        struct sentry_event e = *ev;

        /* Summaries keep only the identity they were built with. */
        if (e.hostname == NULL)
                e.hostname = s->hostname;
        if (e.bundle == NULL)
                e.bundle = s->cfg->bundle;
        if (e.profile == NULL)
                e.profile = s->cfg->profile_name;
        write_line(s, &e);
}

/* Learn mode: true the first time `key` is seen (and remembers it; a jansson
 * object is the set). On allocation failure the event is written anyway:
 * better twice than never. */
static bool learn_first(struct sentry_state *s, const char *key)
{
        if (s->learned == NULL && (s->learned = json_object()) == NULL)
                return true;
        if (json_object_get(s->learned, key) != NULL)
                return false;
        json_object_set_new(s->learned, key, json_true());
        return true;
}

void sentry_record(struct sentry_state *s, struct sentry_request *r, struct policy_verdict v,
                   int errnum)
{
        char cls[512];
        const char *strs[SENTRY_MAX_ARGS];
        struct sentry_event ev = {0}, summary;

        for (int i = 0; i < SENTRY_MAX_ARGS; i++)
                strs[i] = r->have_str[i] ? r->strs[i] : NULL;
        clock_gettime(CLOCK_REALTIME, &ev.time);
        ev.hostname = s->hostname;
        ev.container_id = s->cfg->container_id;
        ev.bundle = s->cfg->bundle;
        ev.profile =
            s->cfg->profile_name ? s->cfg->profile_name : (s->table ? s->table->profile : NULL);
        ev.rule = r->rule && r->rule->name ? r->rule->name : "sentry-unknown-syscall";
        /* A call of another ABI (x86 on x86_64, x32) is named by that ABI's
         * table, its number being that ABI's. */
        _cleanup_free_ char *abi_name = NULL;
        ev.nr = r->req->data.nr;
        ev.arch = sentry_call_abi(r->req->data.arch, ev.nr, r->name ? NULL : &abi_name);
        ev.syscall = r->name ? r->name : abi_name;
        ev.path = r->have_path ? r->path : NULL;
        ev.pid = (pid_t)r->req->pid;
        ev.uid = ev.gid = -1;
        if (r->have_proc) {
                ev.ns_pid = r->proc.ns_pid;
                ev.comm = r->proc.comm;
                ev.exe = r->proc.exe;
                ev.cmdline = r->proc.cmdline;
                ev.uid = r->proc.uid;
                ev.gid = r->proc.gid;
        }
        ev.decision = sentry_decision_name(v.action);
        ev.result_unknown = r->continued;
        ev.errnum = errnum;
        ev.priority = priority_of(v.action);
        ev.tags = r->rule ? r->rule->tags : NULL;

        uint64_t args[SENTRY_MAX_ARGS];
        for (int i = 0; i < SENTRY_MAX_ARGS; i++)
                args[i] = r->req->data.args[i];
        if (s->cfg->policy != NULL && s->cfg->policy->profile != NULL &&
            s->cfg->policy->profile->learn) {
                /* Learn mode: each distinct (syscall, argument class) once,
                 * never rate-limited (a generated profile needs them all). */
                char key[600];
                sentry_arg_class(r->desc, args, strs, cls, sizeof(cls));
                snprintf(key, sizeof(key), "%s|%d|%s", r->name ? r->name : "", ev.nr, cls);
                if (!learn_first(s, key))
                        return;
                ev.arg_class = cls;
        } else {
                bool emit = sentry_ratelimit_check(&s->rl, &ev, now_ns(&ev.time), &summary);
                if (summary.suppressed > 0)
                        sentry_write_event(s, &summary);
                if (!emit)
                        return;
        }
        if (r->have_proc) /* what the event shows of the process, read only now */
                sentry_target_describe(&r->proc);
        ev.args = sentry_decode_args(r->desc, args, strs, r->have_how ? &r->how : NULL);
        write_line(s, &ev);
        json_decref(ev.args);
}
