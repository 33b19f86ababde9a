/* The sentry's decision table: per routed syscall, what happens.
 *
 * policy/tables.h (the compiled profile) is the long-term source of these
 * tables; until it exists the sentry defines the minimal shape it needs here,
 * reusing the profile language's own words (struct policy_verdict,
 * struct policy_path_rule from policy/profile.h) so that the compiler's
 * output maps onto it one to one.
 *
 * Lookup and path matching are pure: they take a table and a request and
 * return a verdict, nothing else. */
#ifndef SANDBOX_SENTRY_RULES_H
#define SANDBOX_SENTRY_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/profile.h"
#include "policy/tables.h"

/* One routed syscall (a view: with policy/tables.h the handler builds one
 * per request from policy_tables_match()). */
struct sentry_rule {
        int nr;           /* native syscall number */
        const char *name; /* rule name for events ("breakout-mount", or the profile origin) */
        /* The verdict; POLICY_ACT_SENTRY: decided by `paths`, then `otherwise`. */
        struct policy_verdict verdict;
        const struct policy_path_rule *paths;
        size_t n_paths;
        struct policy_verdict otherwise;
        const char *const *tags; /* NULL-terminated, may be NULL (Falco `tags`) */
};

/* The sentry's own minimal table (tests, and callers without a compiled
 * profile); struct sentry_config takes either this or policy tables. */
struct sentry_table {
        const char *profile; /* profile name, for events */
        const struct sentry_rule *rules;
        size_t n_rules;
        /* A notification for a syscall the table does not name (a filter
         * routing more than the table knows): fail closed. */
        struct policy_verdict unknown;
};

/* The rule for syscall `nr`, or NULL. */
const struct sentry_rule *sentry_rule_find(const struct sentry_table *t, int nr);

/* The compiled profile's rule for this call (policy_tables_match(), which
 * evaluates the argument conditions again) as a sentry_rule view in *out.
 * Returns false when the profile has no rule and its default verdict applies
 * (then *out holds that default). */
bool sentry_rule_from_policy(const struct policy_tables *t, int nr, const uint64_t args[6],
                             struct sentry_rule *out);

/* True when path rule `p` matches `path` (absolute, normalized) for a request
 * asking `access` (POLICY_ACCESS_* bits; any common bit matches). A prefix
 * "/proc/sys" matches "/proc/sys" and "/proc/sys/..." but not "/proc/sysrq";
 * a prefix ending in '/' matches what starts with it. Globs use fnmatch(3)
 * without FNM_PATHNAME ('*' matches '/' too), as policy_path_decide() does. */
bool sentry_path_rule_matches(const struct policy_path_rule *p, const char *path, unsigned access);

/* The verdict of a POLICY_ACT_SENTRY rule for `path`: the first matching path
 * rule's decision, else `otherwise`. *matched (may be NULL) receives the rule
 * that matched or NULL. */
struct policy_verdict sentry_path_decide(const struct sentry_rule *r, const char *path,
                                         unsigned access, const struct policy_path_rule **matched);

/* True when the outcome of `r` cannot depend on pointer contents: every
 * possible verdict (every path rule's, `otherwise`) allows. Only then may the
 * sentry answer a path-class request with SECCOMP_USER_NOTIF_FLAG_CONTINUE:
 * whatever another thread writes into the buffer after we read it, the
 * answer would have been the same. (`record` may differ: what we record is
 * what we read, an observation, not a decision.) */
bool sentry_rule_path_independent(const struct sentry_rule *r);

/* The stricter of two verdicts (kill-container > kill-process > errno > allow;
 * `record` if either records). */
struct policy_verdict sentry_verdict_stricter(struct policy_verdict a, struct policy_verdict b);

/* Names used in events: "allow", "deny", "kill-process", "kill-container". */
const char *sentry_decision_name(enum policy_action a);

#endif
