/* Decision table lookup: pure functions over struct sentry_table. */
#include "sentry/rules.h"

#include <fnmatch.h>
#include <string.h>

const struct sentry_rule *sentry_rule_find(const struct sentry_table *t, int nr)
{
        /* Tables hold tens of rules: a scan is a few nanoseconds next to a
         * round trip of microseconds, and needs no index to keep in sync. */
        if (t == NULL)
                return NULL;
        for (size_t i = 0; i < t->n_rules; i++)
                if (t->rules[i].nr == nr)
                        return &t->rules[i];
        return NULL;
}

bool sentry_path_rule_matches(const struct policy_path_rule *p, const char *path, unsigned access)
{
        if (p->pattern == NULL || (p->access & access) == 0)
                return false;
        if (p->match == POLICY_MATCH_GLOB)
                return fnmatch(p->pattern, path, 0) == 0;

        size_t n = strlen(p->pattern);
        if (strncmp(path, p->pattern, n) != 0)
                return false;
        /* "/proc/sys" must not match "/proc/sysrq-trigger": a prefix is a
         * path prefix unless it ends with '/' itself. */
        return n == 0 || p->pattern[n - 1] == '/' || path[n] == '\0' || path[n] == '/';
}

struct policy_verdict sentry_path_decide(const struct sentry_rule *r, const char *path,
                                         unsigned access, const struct policy_path_rule **matched)
{
        if (matched != NULL)
                *matched = NULL;
        for (size_t i = 0; i < r->n_paths; i++) {
                if (sentry_path_rule_matches(&r->paths[i], path, access)) {
                        if (matched != NULL)
                                *matched = &r->paths[i];
                        return r->paths[i].decision;
                }
        }
        return r->otherwise;
}

static bool allows(struct policy_verdict v)
{
        return v.action == POLICY_ACT_ALLOW || v.action == POLICY_ACT_LOG;
}

bool sentry_rule_path_independent(const struct sentry_rule *r)
{
        if (r->verdict.action != POLICY_ACT_SENTRY)
                return allows(r->verdict);
        for (size_t i = 0; i < r->n_paths; i++)
                if (!allows(r->paths[i].decision))
                        return false;
        return allows(r->otherwise);
}

static int severity(enum policy_action a)
{
        switch (a) {
        case POLICY_ACT_KILL_CONTAINER:
                return 4;
        case POLICY_ACT_KILL_PROCESS:
                return 3;
        case POLICY_ACT_ERRNO:
                return 2;
        case POLICY_ACT_SENTRY:
                return 1;
        default:
                return 0;
        }
}

struct policy_verdict sentry_verdict_stricter(struct policy_verdict a, struct policy_verdict b)
{
        struct policy_verdict v = severity(b.action) > severity(a.action) ? b : a;

        v.record = a.record || b.record;
        return v;
}

const char *sentry_decision_name(enum policy_action a)
{
        switch (a) {
        case POLICY_ACT_ALLOW:
        case POLICY_ACT_LOG:
                return "allow";
        case POLICY_ACT_ERRNO:
                return "deny";
        case POLICY_ACT_KILL_PROCESS:
                return "kill-process";
        case POLICY_ACT_KILL_CONTAINER:
                return "kill-container";
        case POLICY_ACT_SENTRY:
                return "sentry";
        default:
                return "none";
        }
}

bool sentry_rule_from_policy(const struct policy_tables *t, int nr, const uint64_t args[6],
                             struct sentry_rule *out)
{
        struct policy_verdict v;
        const struct policy_rule *r = policy_tables_match(t, nr, args, &v);

        *out = (struct sentry_rule){.nr = nr, .verdict = v, .otherwise = v};
        if (r == NULL) {
                out->name = "profile-default";
                return false;
        }
        out->name = r->origin != NULL ? r->origin : (r->comment ? r->comment : "profile-rule");
        out->verdict = r->verdict;
        out->paths = r->paths;
        out->n_paths = r->n_paths;
        out->otherwise = r->otherwise;
        return true;
}
