#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/generate.h"
#include "policy/profile.h"

/* A base like `default`, small: unconditional allows, a conditional allow,
 * a sentry route and a refusal. */
static const char base_text[] =
    "{\"name\": \"base\", \"defaultAction\": \"errno\", \"defaultErrno\": \"EPERM\","
    " \"rules\": ["
    "  {\"names\": [\"getpid\", \"uname\", \"mkdir\", \"read\", \"write\", \"close\", \"fcntl\"],"
    "   \"action\": \"allow\"},"
    "  {\"names\": [\"socket\"], \"anyArgs\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\","
    "   \"value\": 1}], \"action\": \"allow\"},"
    "  {\"names\": [\"personality\"], \"anyArgs\": [{\"index\": 0, \"op\": \"SCMP_CMP_EQ\","
    "   \"value\": 0}], \"action\": \"allow\"},"
    "  {\"names\": [\"mount\"], \"action\": \"sentry\", \"paths\": []},"
    "  {\"names\": [\"bpf\"], \"action\": \"errno\", \"errno\": \"EPERM\"}],"
    " \"bounds\": {\"privileged\": false}}";

static const char events[] =
    "{\"container_id\": \"c1\", \"syscall\": \"uname\", \"decision\": \"allow\","
    " \"arg_class\": \"\"}\n"
    "{\"container_id\": \"c1\", \"syscall\": \"socket\", \"decision\": \"allow\","
    " \"arg_class\": \"domain=1\"}\n"
    "{\"container_id\": \"c1\", \"syscall\": \"bpf\", \"decision\": \"allow\","
    " \"arg_class\": \"\"}\n"
    "{\"container_id\": \"c1\", \"syscall\": \"openat\", \"decision\": \"allow\","
    " \"arg_class\": \"path=/etc,open=r\"}\n"
    "{\"container_id\": \"c1\", \"syscall\": \"openat\", \"decision\": \"allow\","
    " \"arg_class\": \"path=/tmp,open=w+c\"}\n"
    /* not learn events, or another container's: ignored */
    "{\"container_id\": \"c1\", \"syscall\": \"mkdir\", \"decision\": \"allow\"}\n"
    "{\"container_id\": \"c2\", \"syscall\": \"getppid\", \"decision\": \"allow\","
    " \"arg_class\": \"\"}\n"
    "\n";

static json_t *rule_for(json_t *profile, const char *name)
{
        size_t i, k;
        json_t *r, *n;

        json_array_foreach(json_object_get(profile, "rules"), i, r)
            json_array_foreach(json_object_get(r, "names"), k,
                               n) if (strcmp(json_string_value(n), name) == 0) return r;
        return NULL;
}

static const char *action_of(json_t *profile, const char *name)
{
        json_t *r = rule_for(profile, name);
        return r ? json_string_value(json_object_get(r, "action")) : NULL;
}

Test(policy_generate, learned_events_to_smallest_profile)
{
        struct policy_profile base, parsed, eff;
        struct policy_learned l;
        struct sb_err err = {0};
        struct sb_diags d = {0};

        cr_assert_eq(
            policy_profile_parse("base.json", base_text, strlen(base_text), &base, NULL, &err), 0,
            "%s", err.msg);
        cr_assert_eq(policy_learned_parse("ev.jsonl", events, strlen(events), "c1", &l, &err), 0,
                     "%s", err.msg);
        cr_assert_eq(l.n_events, 5);
        cr_assert_eq(l.n_names, 4); /* bpf openat socket uname */
        cr_assert_str_eq(l.names[0], "bpf");
        cr_assert_str_eq(l.names[3], "uname");

        json_t *g = policy_generate_profile(&base, &l, "mine", "ev.jsonl");
        cr_assert_not_null(g);
        cr_assert_str_eq(json_string_value(json_object_get(g, "name")), "mine");
        cr_assert_str_eq(json_string_value(json_object_get(g, "defaultAction")), "errno");
        cr_assert(json_is_true(json_object_get(g, "defaultRecord")));
        /* learned: allowed; learned but refused by the base: still refused */
        cr_assert_str_eq(action_of(g, "uname"), "allow");
        cr_assert_str_eq(action_of(g, "openat"), "allow");
        cr_assert_str_eq(action_of(g, "bpf"), "errno");
        /* the base's conditional allow stays, with its condition */
        cr_assert_str_eq(action_of(g, "socket"), "allow");
        cr_assert_not_null(json_object_get(rule_for(g, "socket"), "anyArgs"));
        /* not learned: the base's allows are gone; its routes stay */
        cr_assert_str_eq(action_of(g, "getpid"), "allow", "hand-over set");
        cr_assert_null(rule_for(g, "mkdir"));
        cr_assert_null(rule_for(g, "personality"));
        cr_assert_str_eq(action_of(g, "mount"), "sentry");
        cr_assert_null(rule_for(g, "getppid"), "another container's call");
        /* the hand-over set is always there */
        cr_assert_str_eq(action_of(g, "write"), "allow");
        cr_assert_str_eq(action_of(g, "futex"), "allow");
        cr_assert_not_null(json_object_get(g, "bounds"));

        /* It is a valid profile that compiles. */
        char *s = json_dumps(g, 0);
        cr_assert_eq(policy_profile_parse("mine", s, strlen(s), &parsed, &d, &err), 0, "%s",
                     err.msg);
        const struct policy_profile *chain[] = {&parsed};
        cr_assert_eq(policy_profile_flatten(chain, 1, &eff, &err), 0, "%s", err.msg);
        cr_assert_eq(policy_compile(&eff, NULL, NULL, &err), 0, "%s", err.msg);
        free(s);

        /* --format oci: an allow-list without what the base refuses outright */
        json_t *o = policy_generate_oci(&base, &l);
        cr_assert_not_null(o);
        cr_assert_str_eq(json_string_value(json_object_get(o, "defaultAction")), "SCMP_ACT_ERRNO");
        json_t *names = json_object_get(json_array_get(json_object_get(o, "syscalls"), 0), "names");
        s = json_dumps(names, 0);
        cr_assert(strstr(s, "\"uname\"") && strstr(s, "\"openat\"") && strstr(s, "\"write\""), "%s",
                  s);
        cr_assert(strstr(s, "\"bpf\"") == NULL, "%s", s);
        free(s);
        json_decref(o);

        json_decref(g);
        policy_profile_free(&eff);
        policy_profile_free(&parsed);
        policy_profile_free(&base);
        policy_learned_free(&l);
}

Test(policy_generate, errors_name_the_line)
{
        struct policy_learned l;
        struct sb_err err = {0};
        const char bad[] = "{\"syscall\": \"uname\"}\nnot json\n";
        const char none[] = "{\"container_id\": \"c1\", \"syscall\": \"uname\"}\n";

        cr_assert_eq(policy_learned_parse("ev.jsonl", bad, strlen(bad), NULL, &l, &err), -1);
        cr_assert(strstr(err.msg, "ev.jsonl:2:") != NULL, "%s", err.msg);
        cr_assert_eq(policy_learned_parse("ev.jsonl", none, strlen(none), NULL, &l, &err), -1);
        cr_assert(strstr(err.msg, "no learn event") != NULL, "%s", err.msg);
}
