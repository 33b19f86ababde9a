#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "policy/profile.h"
#include "policy/syscalls.h"

static int parse(const char *text, struct policy_profile *p, struct sb_diags *d, struct sb_err *e)
{
        return policy_profile_parse("t.json", text, strlen(text), p, d, e);
}

/* True when some diagnostic contains `needle`. */
static bool has_diag(const struct sb_diags *d, const char *needle)
{
        for (size_t i = 0; i < d->count; i++)
                if (strstr(d->items[i], needle) != NULL)
                        return true;
        return false;
}

Test(policy_parse, full_language)
{
        const char *text = "{\"name\": \"p\", \"description\": \"d\", \"defaultAction\": \"errno\","
                           " \"defaultErrno\": \"EACCES\","
                           " \"rules\": ["
                           "  {\"names\": [\"read\", \"@mount\"], \"action\": \"allow\"},"
                           "  {\"names\": [\"openat\"], \"anyArgs\": [{\"index\": 2, \"op\": "
                           "\"SCMP_CMP_MASKED_EQ\", \"value\": \"O_WRONLY|O_CREAT\", \"valueTwo\": "
                           "\"O_WRONLY\"}], \"action\": \"sentry\", \"paths\": [{\"prefix\": "
                           "\"/proc/sys/\", \"access\": [\"write\"], \"action\": \"errno\"}],"
                           "   \"otherwise\": {\"action\": \"log\"}},"
                           "  {\"names\": [\"socketcall\"], \"action\": \"kill-process\", "
                           "\"optional\": true}],"
                           " \"bounds\": {\"maxCapabilities\": [\"CAP_CHOWN\"], "
                           "\"privateNamespaces\": [\"pid\"], \"privileged\": false, "
                           "\"onSentryLoss\": \"deny\"}}";
        struct policy_profile p;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(parse(text, &p, &d, &e), 0, "%s", e.msg);
        cr_assert_str_eq(p.name, "p");
        cr_assert_eq(p.default_verdict.action, POLICY_ACT_ERRNO);
        cr_assert_eq(p.default_verdict.errnum, EACCES);
        cr_assert_eq(p.n_rules, 3);
        cr_assert_str_eq(p.rules[0].names[1], "@mount");
        cr_assert_eq(p.rules[1].n_any_args, 1);
        cr_assert_eq(p.rules[1].any_args[0].value, (uint64_t)(O_WRONLY | O_CREAT));
        cr_assert_eq(p.rules[1].any_args[0].value_two, (uint64_t)O_WRONLY);
        cr_assert_eq(p.rules[1].any_args[0].op, OCI_SCMP_CMP_MASKED_EQ);
        cr_assert_eq(p.rules[1].verdict.action, POLICY_ACT_SENTRY);
        cr_assert_eq(p.rules[1].n_paths, 1);
        cr_assert_eq(p.rules[1].paths[0].match, POLICY_MATCH_PREFIX);
        cr_assert_eq(p.rules[1].paths[0].access, POLICY_ACCESS_WRITE);
        cr_assert_eq(p.rules[1].paths[0].decision.errnum, EPERM);
        cr_assert_eq(p.rules[1].otherwise.action, POLICY_ACT_LOG);
        cr_assert(p.rules[2].optional);
        cr_assert(p.bounds.has_max_caps);
        cr_assert_eq(p.bounds.max_caps, 1ull << 0); /* CAP_CHOWN */
        cr_assert_eq(p.bounds.private_ns, 1u << OCI_NS_PID);
        cr_assert(p.bounds.has_privileged && !p.bounds.privileged);
        cr_assert_eq(p.bounds.on_sentry_loss, POLICY_LOSS_DENY);
        policy_profile_free(&p);
        sb_diags_free(&d);
}

Test(policy_parse, unknown_syscall_position_and_suggestion)
{
        struct policy_profile p;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(policy_profile_load_file(TEST_DATA_DIR "/policy/typo.json", &p, &d, &e), -1);
        cr_assert(strstr(e.msg, "typo.json:6:16: .rules[1].names[0]: unknown syscall `mout` "
                                "(did you mean `mount`?)") != NULL,
                  "%s", e.msg);
        sb_diags_free(&d);
}

Test(policy_parse, every_problem_reported)
{
        const char *text = "{\n"
                           "  \"name\": \"x\",\n"
                           "  \"defaultAktion\": \"allow\",\n"
                           "  \"rules\": [\n"
                           "    {\"names\": [\"@mout\"], \"action\": \"alow\"},\n"
                           "    {\"names\": [\"socketcall\"], \"action\": \"errno\", \"errno\": "
                           "\"EWHAT\"},\n"
                           "    {\"names\": [\"read\"], \"action\": \"allow\", \"args\": "
                           "[{\"index\": 7, \"op\": \"SCMP_CMP_EQQ\", \"value\": \"O_NOPE\"}]}\n"
                           "  ]\n"
                           "}\n";
        struct policy_profile p;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(parse(text, &p, &d, &e), -1);
        cr_assert(has_diag(&d, "t.json:3:20: .defaultAktion: unknown key `defaultAktion` (did you "
                               "mean `defaultAction`?)"));
        cr_assert(has_diag(&d, "t.json:5:16: .rules[0].names[0]: unknown group `@mout` (did you "
                               "mean `@mount`?)"));
        cr_assert(has_diag(&d, ".rules[0].action: unknown action `alow` (did you mean `allow`?)"));
        cr_assert(has_diag(&d, ".rules[1].names[0]: syscall `socketcall` does not exist on this "
                               "architecture"));
        cr_assert(has_diag(&d, ".rules[1].errno: unknown errno `EWHAT`"));
        cr_assert(has_diag(&d, ".rules[2].args[0].index: must be an argument index from 0 to 5"));
        cr_assert(has_diag(&d, "unknown operator `SCMP_CMP_EQQ` (did you mean `SCMP_CMP_EQ`?)"));
        cr_assert(has_diag(&d, ".rules[2].args[0].value: unknown constant `O_NOPE`"));
        cr_assert(has_diag(&d, "missing `defaultAction`"));
        sb_diags_free(&d);
}

Test(policy_parse, syntax_error_position)
{
        struct policy_profile p;
        struct sb_err e = {0};

        cr_assert_eq(parse("{\n  \"name\": \"x\",\n  ]\n}", &p, NULL, &e), -1);
        cr_assert(strncmp(e.msg, "t.json:3:", 9) == 0, "%s", e.msg);
        cr_assert_eq(parse("{\"name\": \"a\", \"name\": \"b\"}", &p, NULL, &e), -1);
        cr_assert(strstr(e.msg, "duplicate") != NULL, "%s", e.msg);
}

Test(policy_parse, sentry_only_keys)
{
        struct policy_profile p;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(
            parse("{\"name\": \"x\", \"defaultAction\": \"sentry\", \"rules\": [{\"names\": "
                  "[\"read\"], \"action\": \"allow\", \"paths\": [], \"errno\": "
                  "\"EPERM\"}]}",
                  &p, &d, &e),
            -1);
        cr_assert(has_diag(&d, ".defaultAction: `sentry` is not a default action"));
        cr_assert(has_diag(&d, ".rules[0].paths: path rules need action `sentry`"));
        cr_assert(has_diag(&d, ".rules[0].errno: `errno` is only meaningful with action `errno`"));
        sb_diags_free(&d);
}

Test(policy_parse, locate)
{
        const char *t = "{\n \"a\": [1, {\"b\": \"x\"}],\n \"c\": {\"d\": [true, null]}\n}";
        int line, col;

        cr_assert_eq(policy_json_locate(t, strlen(t), ".a[1].b", &line, &col), 0);
        cr_assert_eq(line, 2);
        cr_assert_eq(col, 17);
        cr_assert_eq(policy_json_locate(t, strlen(t), ".c.d[1]", &line, &col), 0);
        cr_assert_eq(line, 3);
        cr_assert_eq(col, 20);
        /* Missing: the nearest ancestor. */
        cr_assert_eq(policy_json_locate(t, strlen(t), ".c.zz", &line, &col), 1);
        cr_assert_eq(line, 3);
        cr_assert_eq(col, 7);
        /* Truncated text never reads past the end. */
        cr_assert_eq(policy_json_locate(t, 12, ".c.d[1]", &line, &col), 1);
}

Test(policy_parse, suggestions)
{
        cr_assert_str_eq(policy_suggest_syscall("mout"), "mount");
        cr_assert_str_eq(policy_suggest_syscall("opneat"), "openat");
        cr_assert_str_eq(policy_suggest_syscall("@namespace"), "@namespaces");
        cr_assert_null(policy_suggest_syscall("completely_unrelated_name"));
        cr_assert_eq(policy_edit_distance("kitten", "sitting", 10), 3);
        cr_assert_gt(policy_syscall_nr("openat"), -1);
        cr_assert_eq(policy_syscall_nr("mout"), -1);
}

Test(policy_parse, errno_and_action_names)
{
        enum policy_action a;
        int e;

        cr_assert_eq(policy_errno_from_name("EPERM", &e), 0);
        cr_assert_eq(e, EPERM);
        cr_assert_str_eq(policy_errno_name(ENOSYS), "ENOSYS");
        cr_assert_eq(policy_action_from_name("kill-container", &a), 0);
        cr_assert_eq(a, POLICY_ACT_KILL_CONTAINER);
        cr_assert_str_eq(policy_action_name(POLICY_ACT_SENTRY), "sentry");
}
