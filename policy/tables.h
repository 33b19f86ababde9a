/* The sentry's decision tables: what policy_compile() hands to the sentry
 * alongside the kernel filter.
 *
 * The kernel filter and these tables come from the same effective profile in
 * one pass, so they cannot disagree: a call reaches the sentry only through a
 * SCMP_ACT_NOTIFY rule, and the table says which profile rule that was, what
 * it decides and with which path rules. Everything is plain data indexed by
 * the native syscall number, so the sentry's decision path is a table lookup
 * plus one small handler per syscall class (issue 6), and learn mode can
 * record (syscall, rule, argument class) triples against the same tables.
 *
 * Lifetime: the tables borrow the effective profile (rules, path rules,
 * origins): keep the profile alive as long as the tables. */
#ifndef SANDBOX_POLICY_TABLES_H
#define SANDBOX_POLICY_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy/profile.h"

/* Outcomes a syscall can have, over all its argument values (bit set). */
enum policy_outcome {
        POLICY_OUT_ALLOW = 1u << 0,  /* the kernel allows, no decision, no record */
        POLICY_OUT_DENY = 1u << 1,   /* the kernel refuses (errno or kill) */
        POLICY_OUT_ROUTED = 1u << 2, /* SCMP_ACT_NOTIFY: the sentry decides/records */
};

struct policy_syscall_entry {
        unsigned outcomes;   /* POLICY_OUT_* (numbers without a syscall: the default's) */
        uint32_t first_rule; /* rule_refs[first_rule .. first_rule + n_rules) */
        uint32_t n_rules;    /* profile rules naming this syscall; 0: the default applies */
        bool listener_guard; /* seccomp(): SET_MODE_FILTER with NEW_LISTENER refused (EPERM) */
};

/* Syscalls of the native architecture by how their calls end: `routed` if
 * any call reaches the sentry, else `denied` if every call is refused, else
 * `allowed`. `reachable` counts syscalls that some arguments let through
 * the kernel without a decision (the attack surface left to the kernel). */
struct policy_counts {
        size_t total;
        size_t allowed;
        size_t denied;
        size_t routed;
        size_t reachable;
};

struct policy_tables {
        const struct policy_profile *profile; /* borrowed: the effective profile */
        struct policy_verdict default_verdict;
        enum policy_sentry_loss on_sentry_loss;
        size_t n_entries;                     /* POLICY_SYSCALL_NR_MAX */
        struct policy_syscall_entry *entries; /* by native syscall number */
        uint32_t *rule_refs;                  /* indexes into profile->rules */
        size_t n_rule_refs;
        /* By native syscall number (n_entries), or NULL: the errno with which
         * the container's own seccomp section refuses a call that reaches the
         * sentry only because the config's filter was told to let it through
         * (policy/config_refusals.h); 0: not such a call. */
        int *config_errno;
        /* The sentry keeps a task's supplementary groups and umask between
         * its calls (sentry/target.h) only when it sees every call that
         * changes them (umask, setgroups, x86's setgroups32): true when the
         * profile has sentry rules (which take the target's identity) and
         * each of those is refused or routed on every architecture.
         * `observed` lists the names the compiler routed only for that (the
         * profile allows them): the sentry forgets what it kept and lets
         * them run. `calls` are every such call the sentry receives, by
         * number on each architecture of the filter, computed here so that
         * the sentry looks nothing up. */
        bool identity_kept;
        /* The same for a task's root directory, kept open (an identity kept
         * too): every call of chroot, pivot_root, setns and unshare is
         * refused or routed. */
        bool root_kept;
        const char *observed[8];
        size_t n_observed;
        struct policy_identity_call {
                uint32_t arch; /* AUDIT_ARCH_*, as in seccomp_data */
                int nr;
                const char *name;
                bool only_seen; /* in `observed`: answered with CONTINUE */
        } calls[64];
        size_t n_calls;
};

/* The counts above, over the syscalls of the native architecture. */
void policy_tables_count(const struct policy_tables *t, struct policy_counts *c);

/* True when `a` holds for the call's arguments (seccomp's comparisons). */
bool policy_arg_holds(const struct policy_arg *a, const uint64_t args[6]);

/* The profile rule that decides a call of native syscall `nr` with these
 * arguments (the kernel filter's choice, evaluated again in C), or NULL when
 * the default action applies. *v receives the verdict either way. */
const struct policy_rule *policy_tables_match(const struct policy_tables *t, int nr,
                                              const uint64_t args[6], struct policy_verdict *v);

/* A sentry rule's decision for `path` opened with `access` (POLICY_ACCESS_*
 * bits): the first path rule whose pattern matches and whose access shares
 * a bit with `access`, else rule->otherwise. Returns the path rule's index,
 * -1 for otherwise. Prefix patterns match whole components ("/proc/sys"
 * matches "/proc/sys" and "/proc/sys/x", not "/proc/sysrq-trigger"; a
 * pattern ending in '/' matches below it); globs use fnmatch(3) without
 * FNM_PATHNAME, so '*' also matches '/'. */
int policy_path_decide(const struct policy_rule *r, const char *path, unsigned access,
                       struct policy_verdict *v);

void policy_tables_free(struct policy_tables *t);

#endif
