#include <criterion/criterion.h>
#include <errno.h>
#include <sys/syscall.h>

#include "sentry/rules.h"

static const struct policy_path_rule paths[] = {
    {.pattern = "/proc/sys",
     .match = POLICY_MATCH_PREFIX,
     .access = POLICY_ACCESS_WRITE,
     .decision = {POLICY_ACT_ERRNO, EACCES, true}},
    {.pattern = "/proc/[0-9]*/exe",
     .match = POLICY_MATCH_GLOB,
     .access = POLICY_ACCESS_WRITE,
     .decision = {POLICY_ACT_KILL_PROCESS, 0, true}},
    {.pattern = "/etc/",
     .match = POLICY_MATCH_PREFIX,
     .access = POLICY_ACCESS_ALL,
     .decision = {POLICY_ACT_LOG, 0, true}},
};
static const struct sentry_rule rules[] = {
    {.nr = SYS_openat,
     .name = "open",
     .verdict = {POLICY_ACT_SENTRY, 0, false},
     .paths = paths,
     .n_paths = 3,
     .otherwise = {POLICY_ACT_ALLOW, 0, false}},
    {.nr = SYS_chroot,
     .name = "chroot",
     .verdict = {POLICY_ACT_SENTRY, 0, false},
     .paths = paths + 2,
     .n_paths = 1,
     .otherwise = {POLICY_ACT_ALLOW, 0, true}},
    {.nr = SYS_mount, .name = "mount", .verdict = {POLICY_ACT_ERRNO, EPERM, true}},
};
static const struct sentry_table table = {.rules = rules, .n_rules = 3};

Test(sentry_rules, find)
{
        cr_assert_eq(sentry_rule_find(&table, SYS_mount), &rules[2]);
        cr_assert_eq(sentry_rule_find(&table, SYS_openat), &rules[0]);
        cr_assert_null(sentry_rule_find(&table, SYS_getpid));
        cr_assert_null(sentry_rule_find(NULL, SYS_mount));
}

Test(sentry_rules, path_decisions)
{
        const struct policy_path_rule *m;
        struct policy_verdict v;

        v = sentry_path_decide(&rules[0], "/proc/sys/kernel/core_pattern", POLICY_ACCESS_WRITE, &m);
        cr_assert_eq(v.action, POLICY_ACT_ERRNO);
        cr_assert_eq(v.errnum, EACCES);
        cr_assert_eq(m, &paths[0]);
        /* A prefix is a path prefix: /proc/sysrq-trigger is not under /proc/sys. */
        v = sentry_path_decide(&rules[0], "/proc/sysrq-trigger", POLICY_ACCESS_WRITE, &m);
        cr_assert_eq(v.action, POLICY_ACT_ALLOW);
        cr_assert_null(m);
        /* Access must match: reading /proc/sys is not what the rule is about. */
        v = sentry_path_decide(&rules[0], "/proc/sys/kernel/hostname", POLICY_ACCESS_READ, NULL);
        cr_assert_eq(v.action, POLICY_ACT_ALLOW);
        v = sentry_path_decide(&rules[0], "/proc/123/exe", POLICY_ACCESS_WRITE, NULL);
        cr_assert_eq(v.action, POLICY_ACT_KILL_PROCESS);
        v = sentry_path_decide(&rules[0], "/etc/passwd", POLICY_ACCESS_READ, NULL);
        cr_assert_eq(v.action, POLICY_ACT_LOG);
        v = sentry_path_decide(&rules[0], "/etc", POLICY_ACCESS_READ, NULL);
        cr_assert_eq(v.action, POLICY_ACT_ALLOW, "'/etc/' matches below /etc only");
}

Test(sentry_rules, path_independence_and_strictness)
{
        cr_assert_not(sentry_rule_path_independent(&rules[0]));
        cr_assert(sentry_rule_path_independent(&rules[1]));
        cr_assert_not(sentry_rule_path_independent(&rules[2]));

        struct policy_verdict allow = {POLICY_ACT_ALLOW, 0, false};
        struct policy_verdict deny = {POLICY_ACT_ERRNO, EACCES, false};
        struct policy_verdict kill = {POLICY_ACT_KILL_PROCESS, 0, true};
        cr_assert_eq(sentry_verdict_stricter(allow, deny).action, POLICY_ACT_ERRNO);
        cr_assert_eq(sentry_verdict_stricter(kill, deny).action, POLICY_ACT_KILL_PROCESS);
        cr_assert(sentry_verdict_stricter(allow, kill).record);
        cr_assert_str_eq(sentry_decision_name(POLICY_ACT_ERRNO), "deny");
        cr_assert_str_eq(sentry_decision_name(POLICY_ACT_LOG), "allow");
}

/* The compiled shipped profile drives the same decisions (policy/tables.h). */
#include <fcntl.h>

#include "policy/compile.h"

Test(sentry_rules, from_compiled_default_profile)
{
        struct policy_profile eff = {0};
        struct policy_tables t = {0};
        struct sentry_rule r;
        struct sb_err err;
        uint64_t args[6] = {(uint64_t)AT_FDCWD, 0x1000, O_WRONLY | O_CREAT, 0644};

        cr_assert_eq(
            policy_profile_resolve(TEST_DATA_DIR "/../../profiles/default.json", &eff, NULL, &err),
            0, "%s", err.msg);
        cr_assert_eq(policy_compile(&eff, NULL, &t, &err), 0, "%s", err.msg);
        cr_assert(sentry_rule_from_policy(&t, SYS_openat, args, &r));
        cr_assert_eq(r.verdict.action, POLICY_ACT_SENTRY);
        cr_assert_not_null(r.name);
        struct policy_verdict v =
            sentry_path_decide(&r, "/proc/sys/kernel/core_pattern", POLICY_ACCESS_WRITE, NULL);
        cr_assert_eq(v.action, POLICY_ACT_ERRNO);
        v = sentry_path_decide(&r, "/tmp/x", POLICY_ACCESS_WRITE | POLICY_ACCESS_CREATE, NULL);
        cr_assert(v.action == POLICY_ACT_ALLOW || v.action == POLICY_ACT_LOG);
        uint64_t none[6] = {0};
        cr_assert(sentry_rule_from_policy(&t, SYS_mount, none, &r));
        cr_assert(r.verdict.action != POLICY_ACT_ALLOW);
        policy_tables_free(&t);
        policy_profile_free(&eff);
}
