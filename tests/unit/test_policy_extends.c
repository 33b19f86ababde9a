#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/profile.h"
#include "policy/syscalls.h"

/* The effective rule that names `syscall`, or NULL. */
static const struct policy_rule *rule_for(const struct policy_profile *p, const char *syscall)
{
        for (size_t i = 0; i < p->n_rules; i++)
                for (size_t k = 0; k < p->rules[i].n_names; k++)
                        if (strcmp(p->rules[i].names[k], syscall) == 0)
                                return &p->rules[i];
        return NULL;
}

Test(policy_extends, child_takes_over_named_syscalls)
{
        struct policy_profile p;
        struct sb_err e = {0};
        const struct policy_rule *r;

        cr_assert_eq(policy_profile_resolve(TEST_DATA_DIR "/policy/child.json", &p, NULL, &e), 0,
                     "%s", e.msg);
        cr_assert_str_eq(p.name, "child");
        cr_assert_str_eq(p.description, "base for extends tests");
        cr_assert_eq(p.default_verdict.action, POLICY_ACT_ERRNO);
        cr_assert_null(p.extends);
        /* mount: the child's log rule; the rest of @mount: the base's sentry rule. */
        r = rule_for(&p, "mount");
        cr_assert_not_null(r);
        cr_assert_eq(r->verdict.action, POLICY_ACT_LOG);
        cr_assert_str_eq(r->origin, "child.rules[0]");
        r = rule_for(&p, "umount2");
        cr_assert_not_null(r);
        cr_assert_eq(r->verdict.action, POLICY_ACT_SENTRY);
        cr_assert_eq(r->otherwise.action, POLICY_ACT_ERRNO);
        cr_assert_str_eq(r->origin, "base.rules[1]");
        cr_assert_null(rule_for(&p, "@mount")); /* groups are expanded */
        /* keyctl moved to the child; add_key stays with the base. */
        cr_assert_eq(rule_for(&p, "keyctl")->verdict.action, POLICY_ACT_LOG);
        cr_assert_eq(rule_for(&p, "add_key")->verdict.errnum, EACCES);
        cr_assert(rule_for(&p, "add_key")->verdict.record);
        cr_assert_eq(rule_for(&p, "read")->verdict.action, POLICY_ACT_ALLOW);
        /* Bounds: private namespaces accumulate; scalars override. */
        cr_assert_eq(p.bounds.private_ns, (1u << OCI_NS_PID) | (1u << OCI_NS_NETWORK));
        cr_assert(p.bounds.has_privileged && !p.bounds.privileged);
        cr_assert_eq(p.bounds.on_sentry_loss, POLICY_LOSS_DENY);
        policy_profile_free(&p);
}

Test(policy_extends, cycle_is_an_error)
{
        struct policy_profile p;
        struct sb_err e = {0};

        cr_assert_eq(policy_profile_resolve(TEST_DATA_DIR "/policy/cycle-a.json", &p, NULL, &e),
                     -1);
        cr_assert_eq(e.errnum, ELOOP);
        cr_assert(strstr(e.msg, ".extends: cycle: ") != NULL, "%s", e.msg);
        cr_assert(strstr(e.msg, "cycle-a.json -> ") != NULL, "%s", e.msg);
        cr_assert(strstr(e.msg, "cycle-b.json -> ") != NULL, "%s", e.msg);
}

Test(policy_extends, lookup_by_name)
{
        struct policy_profile p;
        struct sb_err e = {0};
        char *path = NULL;

        setenv("SANDBOX_PROFILE_PATH", "/nonexistent:" TEST_DATA_DIR "/policy", 1);
        cr_assert_eq(policy_profile_find("base", NULL, &path, &e), 0, "%s", e.msg);
        cr_assert_str_eq(path, TEST_DATA_DIR "/policy/base.json");
        free(path);
        cr_assert_eq(policy_profile_find("../etc/passwd", NULL, &path, &e), 0); /* a path */
        free(path);
        cr_assert_eq(policy_profile_find("no-such-profile", NULL, &path, &e), -1);
        cr_assert(strstr(e.msg, "profile `no-such-profile` not found") != NULL, "%s", e.msg);
        cr_assert_eq(policy_profile_find("bad name", NULL, &path, &e), -1);
        cr_assert_eq(policy_profile_resolve("base", &p, NULL, &e), 0, "%s", e.msg);
        cr_assert_str_eq(p.name, "base");
        policy_profile_free(&p);
        unsetenv("SANDBOX_PROFILE_PATH");
}

Test(policy_extends, missing_parent_named)
{
        const char *text = "{\"name\": \"orphan\", \"extends\": \"no-such-parent\"}";
        struct policy_profile p;
        struct sb_err e = {0};

        /* Parsing alone accepts it; resolving names the missing parent. */
        cr_assert_eq(policy_profile_parse("o.json", text, strlen(text), &p, NULL, &e), 0, "%s",
                     e.msg);
        cr_assert_str_eq(p.extends, "no-such-parent");
        policy_profile_free(&p);
}

Test(policy_groups, table_is_consistent)
{
        const struct policy_group *g = policy_group_find("@mount");

        cr_assert_not_null(g);
        cr_assert_str_eq(g->syscalls[0], "mount");
        cr_assert_null(policy_group_find("@nope"));
        for (size_t i = 0; i < policy_n_groups; i++) {
                size_t known = 0;

                cr_assert_eq(policy_groups[i].name[0], '@');
                for (const char *const *s = policy_groups[i].syscalls; *s != NULL; s++) {
                        /* Every member is a syscall libseccomp knows on some architecture. */
                        cr_assert_neq(policy_syscall_nr(*s), -1, "%s: %s", policy_groups[i].name,
                                      *s);
                        known += policy_syscall_nr(*s) >= 0;
                }
                cr_assert_gt(known, 0, "%s has no syscall on this architecture",
                             policy_groups[i].name);
        }
}

Test(policy_groups, required_groups_exist)
{
        static const char *const names[] = {
            "@mount", "@module", "@keyring", "@clock", "@ptrace",   "@namespaces", "@reboot",
            "@swap",  "@raw-io", "@bpf",     "@perf",  "@obsolete", "@privileged"};

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                cr_assert_not_null(policy_group_find(names[i]), "%s", names[i]);
}

/* Names of syscalls that exist only on the profile's other architectures
 * (x86's getuid32 on x86_64) stay in the effective profile, so that the
 * filter's x86 section gets them, and a child takes them over by name. */
Test(policy_extends, syscalls_of_other_architectures_kept_and_taken_over)
{
        const char *parent = "{\"name\": \"p\", \"defaultAction\": \"errno\", \"rules\": ["
                             "{\"names\": [\"getuid32\", \"getpid\", \"mmap2\"], \"action\": "
                             "\"allow\", \"optional\": true},"
                             "{\"names\": [\"@mount\"], \"action\": \"errno\"}]}";
        const char *child =
            "{\"name\": \"c\", \"extends\": \"p\", \"rules\": [{\"names\": [\"getuid32\"], "
            "\"action\": \"errno\", \"errno\": \"EACCES\", \"optional\": true}]}";
        struct policy_profile pp, cp, eff;
        const struct policy_profile *chain[2] = {&pp, &cp};
        struct sb_err e = {0};

        cr_assert_eq(policy_profile_parse("p.json", parent, strlen(parent), &pp, NULL, &e), 0, "%s",
                     e.msg);
        cr_assert_eq(policy_profile_parse("c.json", child, strlen(child), &cp, NULL, &e), 0, "%s",
                     e.msg);
        cr_assert_eq(policy_profile_flatten(chain, 2, &eff, &e), 0, "%s", e.msg);
        cr_assert_eq(policy_syscall_nr("getuid32"), -2, "getuid32 is x86's only");
        const struct policy_rule *r = rule_for(&eff, "getuid32");
        cr_assert_not_null(r);
        cr_assert_eq(r->verdict.errnum, EACCES, "the child's rule, not the parent's");
        cr_assert_str_eq(r->origin, "c.rules[0]");
        cr_assert(r->optional);
        r = rule_for(&eff, "mmap2");
        cr_assert_not_null(r);
        cr_assert_eq(r->verdict.action, POLICY_ACT_ALLOW);
        cr_assert_eq(rule_for(&eff, "getpid"), r);
        for (size_t k = 0; k < r->n_names; k++)
                cr_assert_str_neq(r->names[k], "getuid32", "named twice");
        /* a group's member of x86 only (umount) is kept, and the rule
         * reads back: it is marked optional */
        r = rule_for(&eff, "umount");
        cr_assert_not_null(r);
        cr_assert(r->optional);
        cr_assert_eq(rule_for(&eff, "umount2"), r);
        policy_profile_free(&eff);
        policy_profile_free(&pp);
        policy_profile_free(&cp);
}
