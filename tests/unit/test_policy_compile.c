#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/compile.h"
#include "policy/profile.h"
#include "policy/syscalls.h"
#include "runtime/seccomp_oci.h"

#define PROFILES_DIR TEST_DATA_DIR "/../../profiles"

/* The syscall counts `profile show` prints. */
static struct policy_counts counts(const struct policy_tables *t)
{
        struct policy_counts c;

        policy_tables_count(t, &c);
        return c;
}

static char *pfc(scmp_filter_ctx ctx)
{
        int fd = memfd_create("pfc", MFD_CLOEXEC);
        struct stat st;
        char *text;

        cr_assert_geq(fd, 0);
        cr_assert_eq(seccomp_export_pfc(ctx, fd), 0);
        cr_assert_eq(fstat(fd, &st), 0);
        text = calloc(1, (size_t)st.st_size + 1);
        cr_assert_not_null(text);
        cr_assert_eq(pread(fd, text, (size_t)st.st_size, 0), st.st_size);
        close(fd);
        return text;
}

/* Parses + flattens profile text (no extends). */
static void effective(const char *text, struct policy_profile *eff)
{
        struct policy_profile p;
        const struct policy_profile *chain[1] = {&p};
        struct sb_err e = {0};

        cr_assert_eq(policy_profile_parse("t.json", text, strlen(text), &p, NULL, &e), 0, "%s",
                     e.msg);
        cr_assert_eq(policy_profile_flatten(chain, 1, eff, &e), 0, "%s", e.msg);
        policy_profile_free(&p);
}

/* pfc lines without comments and blank lines, joined with '\n'. */
static char *rules_only(const char *text)
{
        char *out = calloc(1, strlen(text) + 1), *o = out;

        for (const char *l = text; *l;) {
                const char *e = strchr(l, '\n');
                size_t n = e ? (size_t)(e - l) : strlen(l);
                const char *s = l;

                while (s < l + n && *s == ' ')
                        s++;
                if (s < l + n && *s != '#') {
                        memcpy(o, l, n);
                        o += n;
                        *o++ = '\n';
                }
                l += n + (e != NULL);
        }
        return out;
}

Test(policy_compile, exact_filter_small_profile)
{
        const char *text =
            "{\"name\": \"small\", \"defaultAction\": \"errno\", \"defaultErrno\": \"EPERM\","
            " \"rules\": ["
            "  {\"names\": [\"getpid\"], \"action\": \"allow\"},"
            "  {\"names\": [\"mount\"], \"action\": \"sentry\"},"
            "  {\"names\": [\"reboot\"], \"action\": \"kill-process\"},"
            "  {\"names\": [\"acct\"], \"action\": \"errno\", \"errno\": \"EACCES\"},"
            "  {\"names\": [\"openat\"], \"args\": [{\"index\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\","
            "   \"value\": \"O_WRONLY|O_RDWR\", \"valueTwo\": 0}], \"action\": \"allow\"},"
            "  {\"names\": [\"openat\"], \"anyArgs\": [{\"index\": 2, \"op\": "
            "\"SCMP_CMP_MASKED_EQ\", \"value\": \"O_WRONLY\", \"valueTwo\": \"O_WRONLY\"}, "
            "{\"index\": 2, \"op\": \"SCMP_CMP_MASKED_EQ\", \"value\": \"O_RDWR\", \"valueTwo\": "
            "\"O_RDWR\"}], \"action\": \"sentry\"}]}";
        struct policy_profile eff;
        struct sb_err e = {0};
        scmp_filter_ctx ctx = NULL;
        char *text_pfc, *rules;

        effective(text, &eff);
        cr_assert_eq(policy_compile(&eff, &ctx, NULL, &e), 0, "%s", e.msg);
        text_pfc = pfc(ctx);
        rules = rules_only(text_pfc);
        /* libseccomp 2.5 prints SCMP_ACT_NOTIFY as its value, 0x7fc00000. */
        cr_assert_str_eq(rules,
                         "if ($arch == 3221225534)\n"
                         "  if ($syscall == 169)\n"
                         "    action KILL_PROCESS;\n"
                         "  if ($syscall == 165)\n"
                         "    action 0x7fc00000;\n"
                         "  if ($syscall == 163)\n"
                         "    action ERRNO(13);\n"
                         "  if ($syscall == 39)\n"
                         "    action ALLOW;\n"
                         "  if ($syscall == 257)\n"
                         "    if ($a2.hi32 & 0x00000000 == 0)\n"
                         "      if ($a2.lo32 & 0x00000002 == 2)\n"
                         "        action 0x7fc00000;\n"
                         "      if ($a2.lo32 & 0x00000001 == 1)\n"
                         "        action 0x7fc00000;\n"
                         "      if ($a2.lo32 & 0x00000003 == 0)\n"
                         "        action ALLOW;\n"
                         "  action ERRNO(1);\n"
                         /* another architecture's calls: to the sentry */
                         "action 0x7fc00000;\n",
                         "got:\n%s", rules);
        cr_assert(runtime_seccomp_has_notify(ctx));
        free(rules);
        free(text_pfc);
        runtime_seccomp_release(ctx);
        policy_profile_free(&eff);
}

Test(policy_compile, listener_guard)
{
        const char *text = "{\"name\": \"g\", \"defaultAction\": \"errno\", \"defaultErrno\": "
                           "\"ENOSYS\", \"rules\": [{\"names\": [\"seccomp\"], \"action\": "
                           "\"allow\"}]}";
        struct policy_profile eff;
        struct policy_tables t;
        struct policy_verdict v;
        struct sb_err e = {0};
        scmp_filter_ctx ctx = NULL;
        char *text_pfc, *rules;
        uint64_t install_listener[6] = {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER |
                                                                     SECCOMP_FILTER_FLAG_TSYNC};
        uint64_t install_plain[6] = {SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC};
        int nr = policy_syscall_nr("seccomp");

        effective(text, &eff);
        cr_assert_eq(policy_compile(&eff, &ctx, &t, &e), 0, "%s", e.msg);
        text_pfc = pfc(ctx);
        rules = rules_only(text_pfc);
        cr_assert(strstr(rules, "  if ($syscall == 317)\n"
                                "    if ($a0.hi32 == 0)\n"
                                "      if ($a0.lo32 == 1)\n"
                                "        if ($a1.hi32 & 0x00000000 == 0)\n"
                                "          if ($a1.lo32 & 0x00000008 == 8)\n"
                                "            action ERRNO(1);\n") != NULL,
                  "got:\n%s", rules);
        cr_assert(strstr(rules, "action ERRNO(38);") != NULL);
        cr_assert(t.entries[nr].listener_guard);
        cr_assert_eq(t.entries[nr].outcomes, POLICY_OUT_ALLOW | POLICY_OUT_DENY);
        cr_assert_null(policy_tables_match(&t, nr, install_listener, &v));
        cr_assert_eq(v.action, POLICY_ACT_ERRNO);
        cr_assert_eq(v.errnum, EPERM);
        cr_assert_not_null(policy_tables_match(&t, nr, install_plain, &v));
        cr_assert_eq(v.action, POLICY_ACT_ALLOW);
        free(rules);
        free(text_pfc);
        runtime_seccomp_release(ctx);
        policy_tables_free(&t);
        policy_profile_free(&eff);
}

Test(policy_compile, record_routes_and_default_log_notifies_all)
{
        const char *text = "{\"name\": \"l\", \"defaultAction\": \"log\", \"rules\": [{\"names\": "
                           "[\"reboot\"], \"action\": \"errno\", \"record\": true}, {\"names\": "
                           "[\"getpid\"], \"action\": \"allow\"}]}";
        struct policy_profile eff;
        struct policy_tables t;
        struct sb_err e = {0};
        scmp_filter_ctx ctx = NULL;
        char *text_pfc;

        effective(text, &eff);
        cr_assert_eq(policy_compile(&eff, &ctx, &t, &e), 0, "%s", e.msg);
        text_pfc = pfc(ctx);
        cr_assert(strstr(text_pfc, "action LOG;") != NULL); /* the kernel default */
        cr_assert_eq(t.entries[policy_syscall_nr("reboot")].outcomes, POLICY_OUT_ROUTED);
        cr_assert_eq(t.entries[policy_syscall_nr("getpid")].outcomes, POLICY_OUT_ALLOW);
        cr_assert_eq(t.entries[policy_syscall_nr("write")].outcomes, POLICY_OUT_ALLOW);
        cr_assert_eq(t.entries[policy_syscall_nr("mount")].outcomes, POLICY_OUT_ROUTED);
        struct policy_counts c = counts(&t);
        cr_assert_eq(c.total, c.allowed + c.denied + c.routed);
        cr_assert_eq(c.denied, 0);
        free(text_pfc);
        runtime_seccomp_release(ctx);
        policy_tables_free(&t);
        policy_profile_free(&eff);
}

Test(policy_compile, conflicting_rules_named)
{
        const char *text = "{\"name\": \"c\", \"defaultAction\": \"allow\", \"rules\": ["
                           "{\"names\": [\"openat\"], \"action\": \"log\"},"
                           "{\"names\": [\"openat\"], \"args\": [{\"index\": 2, \"op\": "
                           "\"SCMP_CMP_EQ\", \"value\": 1}], \"action\": \"errno\"}]}";
        const char *w = "{\"name\": \"w\", \"defaultAction\": \"allow\", \"rules\": [{\"names\": "
                        "[\"write\"], \"action\": \"sentry\"}]}";
        struct policy_profile eff;
        struct sb_err e = {0};

        effective(text, &eff);
        cr_assert_eq(policy_compile(&eff, NULL, NULL, &e), -1);
        cr_assert(strstr(e.msg, "syscall `openat`: c.rules[0] has no argument conditions and "
                                "c.rules[1] also names it") != NULL,
                  "%s", e.msg);
        policy_profile_free(&eff);
        effective(w, &eff);
        cr_assert_eq(policy_compile(&eff, NULL, NULL, &e), -1);
        cr_assert(strstr(e.msg, "`write` cannot be routed") != NULL, "%s", e.msg);
        policy_profile_free(&eff);
}

Test(policy_compile, rules_indexed_by_syscall_in_rule_order)
{
        /* openat named twice by rules[0] (counted once), then by rules[2];
         * mkdir only by rules[1]; getpid by no rule. */
        const char *text = "{\"name\": \"i\", \"defaultAction\": \"allow\", \"rules\": ["
                           "{\"names\": [\"openat\", \"openat\"], \"args\": [{\"index\": 2, "
                           "\"op\": \"SCMP_CMP_EQ\", \"value\": 1}], \"action\": \"errno\"},"
                           "{\"names\": [\"mkdir\"], \"action\": \"log\"},"
                           "{\"names\": [\"openat\"], \"args\": [{\"index\": 2, "
                           "\"op\": \"SCMP_CMP_EQ\", \"value\": 2}], \"action\": \"log\"}]}";
        struct policy_profile eff;
        struct policy_tables t;
        struct policy_verdict v;
        struct sb_err e = {0};
        int openat = policy_syscall_nr("openat"), mkdir = policy_syscall_nr("mkdir");
        uint64_t a1[6] = {0, 0, 1}, a2[6] = {0, 0, 2}, a3[6] = {0, 0, 3};

        effective(text, &eff);
        cr_assert_eq(policy_compile(&eff, NULL, &t, &e), 0, "%s", e.msg);
        cr_assert_eq(t.entries[openat].n_rules, 2);
        cr_assert_eq(t.rule_refs[t.entries[openat].first_rule], 0);
        cr_assert_eq(t.rule_refs[t.entries[openat].first_rule + 1], 2);
        cr_assert_eq(t.entries[openat].outcomes,
                     POLICY_OUT_DENY | POLICY_OUT_ROUTED | POLICY_OUT_ALLOW);
        cr_assert_eq(t.entries[mkdir].n_rules, 1);
        cr_assert_eq(t.rule_refs[t.entries[mkdir].first_rule], 1);
        cr_assert_eq(t.entries[mkdir].outcomes, POLICY_OUT_ROUTED);
        cr_assert_eq(t.entries[policy_syscall_nr("getpid")].n_rules, 0);
        cr_assert_eq(t.entries[policy_syscall_nr("getpid")].outcomes, POLICY_OUT_ALLOW);
        cr_assert_eq(t.n_rule_refs, 3);
        cr_assert_eq(policy_tables_match(&t, openat, a1, &v), &eff.rules[0]);
        cr_assert_eq(v.action, POLICY_ACT_ERRNO);
        cr_assert_eq(policy_tables_match(&t, openat, a2, &v), &eff.rules[2]);
        cr_assert_eq(v.action, POLICY_ACT_LOG);
        cr_assert_null(policy_tables_match(&t, openat, a3, &v));
        cr_assert_eq(v.action, POLICY_ACT_ALLOW);
        cr_assert_eq(policy_tables_match(&t, mkdir, a3, &v), &eff.rules[1]);
        policy_tables_free(&t);
        policy_profile_free(&eff);
}

Test(policy_compile, path_rules)
{
        struct policy_path_rule paths[] = {
            {"/proc/sys/kernel/",
             POLICY_MATCH_PREFIX,
             POLICY_ACCESS_WRITE,
             {POLICY_ACT_ERRNO, EACCES, false}},
            {"/proc/sysrq-trigger",
             POLICY_MATCH_PREFIX,
             POLICY_ACCESS_WRITE,
             {POLICY_ACT_KILL_CONTAINER, 0, false}},
            {"/proc/*/exe",
             POLICY_MATCH_GLOB,
             POLICY_ACCESS_WRITE | POLICY_ACCESS_CREATE,
             {POLICY_ACT_LOG, 0, false}},
        };
        struct policy_rule r = {.paths = paths,
                                .n_paths = 3,
                                .verdict = {POLICY_ACT_SENTRY, 0, false},
                                .otherwise = {POLICY_ACT_ALLOW, 0, false}};
        struct policy_verdict v;

        cr_assert_eq(
            policy_path_decide(&r, "/proc/sys/kernel/core_pattern", POLICY_ACCESS_WRITE, &v), 0);
        cr_assert_eq(v.errnum, EACCES);
        cr_assert_eq(
            policy_path_decide(&r, "/proc/sys/kernel/core_pattern", POLICY_ACCESS_READ, &v), -1);
        cr_assert_eq(v.action, POLICY_ACT_ALLOW);
        cr_assert_eq(policy_path_decide(&r, "/proc/sysrq-trigger", POLICY_ACCESS_WRITE, &v), 1);
        cr_assert_eq(policy_path_decide(&r, "/proc/sysrq-triggerx", POLICY_ACCESS_WRITE, &v), -1);
        cr_assert_eq(policy_path_decide(&r, "/proc/1/exe", POLICY_ACCESS_CREATE, &v), 2);
        cr_assert_eq(v.action, POLICY_ACT_LOG);
        cr_assert_eq(policy_path_decide(&r, "/tmp/x", POLICY_ACCESS_WRITE, &v), -1);
}

/* ---- the shipped profiles ---- */

static void load_shipped(const char *name, struct policy_profile *p, struct policy_tables *t)
{
        struct sb_err e = {0};
        scmp_filter_ctx ctx = NULL;

        setenv("SANDBOX_PROFILE_PATH", PROFILES_DIR, 1);
        cr_assert_eq(policy_profile_resolve(name, p, NULL, &e), 0, "%s: %s", name, e.msg);
        cr_assert_eq(policy_compile(p, &ctx, t, &e), 0, "%s: %s", name, e.msg);
        runtime_seccomp_release(ctx);
}

/* Compiles `rules` (a JSON list) with a sentry rule for mount, the default
 * `def` and the x86_64 and x86 architectures; *text gets the filter (pfc). */
static void compile_identity(const char *def, const char *rules, bool kept, size_t n_observed,
                             struct policy_profile *eff, struct policy_tables *t, char **text)
{
        char json[2048];
        struct sb_err e = {0};
        scmp_filter_ctx ctx = NULL;

        snprintf(json, sizeof(json),
                 "{\"name\": \"i\", \"defaultAction\": \"%s\", \"architectures\": "
                 "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\"], \"rules\": [{\"names\": [\"mount\"], "
                 "\"action\": \"sentry\"}%s%s]}",
                 def, rules[0] ? ", " : "", rules);
        effective(json, eff);
        cr_assert_eq(policy_compile(eff, &ctx, t, &e), 0, "%s", e.msg);
        *text = pfc(ctx);
        runtime_seccomp_release(ctx);
        cr_assert_eq(t->identity_kept, kept, "%s", rules);
        cr_assert_eq(t->n_observed, n_observed, "%s", rules);
}

static void identity_done(struct policy_profile *eff, struct policy_tables *t, char *text)
{
        free(text);
        policy_tables_free(t);
        policy_profile_free(eff);
}

/* `nr` on the architecture whose block starts with `arch` ends in `action`
 * (at any depth: a large filter is a binary tree of comparisons). */
static bool filter_says(const char *text, const char *arch, int nr, const char *action)
{
        char want[64], act[64];
        const char *block = strstr(text, arch), *next;

        cr_assert_not_null(block, "no %s block in:\n%s", arch, text);
        next = strstr(block + 1, "if ($arch ==");
        snprintf(want, sizeof(want), "if ($syscall == %d)\n", nr);
        snprintf(act, sizeof(act), "action %s;\n", action);
        for (const char *at = strstr(block, want); at != NULL && (next == NULL || at < next);
             at = strstr(at + 1, want)) {
                const char *l = at + strlen(want);
                while (*l == ' ')
                        l++;
                if (strncmp(l, act, strlen(act)) == 0)
                        return true;
        }
        return false;
}

#define X86_64 "if ($arch == 3221225534)"
#define X86    "if ($arch == 1073741827)"
#define NOTIFY "0x7fc00000"

Test(policy_compile, identity_calls_routed_for_the_sentry_to_see)
{
        struct policy_profile eff;
        struct policy_tables t;
        char *text;
        int umask_nr = policy_syscall_nr("umask"), setgroups_nr = policy_syscall_nr("setgroups");

        /* allowed by a rule: routed on both architectures (x86: umask 60,
         * setgroups 81), the rest of the rule stays in the kernel */
        compile_identity("errno",
                         "{\"names\": [\"umask\", \"setgroups\", \"getpid\"], "
                         "\"action\": \"allow\"}",
                         true, 2, &eff, &t, &text);
        cr_assert_str_eq(t.observed[0], "umask");
        cr_assert_str_eq(t.observed[1], "setgroups");
        cr_assert_eq(t.entries[umask_nr].outcomes, POLICY_OUT_ROUTED);
        cr_assert_eq(t.entries[setgroups_nr].outcomes, POLICY_OUT_ROUTED);
        cr_assert(filter_says(text, X86_64, umask_nr, NOTIFY), "%s", text);
        cr_assert(filter_says(text, X86_64, setgroups_nr, NOTIFY), "%s", text);
        cr_assert(filter_says(text, X86_64, policy_syscall_nr("getpid"), "ALLOW"), "%s", text);
        cr_assert(filter_says(text, X86, 60, NOTIFY), "%s", text);
        cr_assert(filter_says(text, X86, 81, NOTIFY), "%s", text);
        /* setgroups32 gets the default (refused): nothing to see */
        cr_assert_not(filter_says(text, X86, 206, NOTIFY), "%s", text);
        /* the numbers the sentry knows them by: native (also listed) and x86 */
        bool seen[3] = {false};
        for (size_t i = 0; i < t.n_calls; i++) {
                const struct policy_identity_call *c = &t.calls[i];
                seen[0] |= c->arch == SCMP_ARCH_X86_64 && c->nr == umask_nr &&
                           strcmp(c->name, "umask") == 0;
                seen[1] |= c->arch == SCMP_ARCH_X86 && c->nr == 60 && strcmp(c->name, "umask") == 0;
                seen[2] |=
                    c->arch == SCMP_ARCH_X86 && c->nr == 81 && strcmp(c->name, "setgroups") == 0;
        }
        cr_assert(seen[0] && seen[1] && seen[2], "%zu calls", t.n_calls);
        identity_done(&eff, &t, text);

        /* allowed by the default: setgroups32 too (x86: 206), and the four
         * calls that change a root */
        compile_identity("allow", "", true, 7, &eff, &t, &text);
        cr_assert(filter_says(text, X86, 206, NOTIFY), "%s", text);
        cr_assert(filter_says(text, X86_64, umask_nr, NOTIFY), "%s", text);
        cr_assert(t.root_kept);
        identity_done(&eff, &t, text);

        /* refused, or routed by a rule of the profile: seen without help */
        compile_identity("errno",
                         "{\"names\": [\"umask\"], \"action\": \"errno\"}, "
                         "{\"names\": [\"setgroups\"], \"action\": \"log\"}",
                         true, 0, &eff, &t, &text);
        cr_assert_eq(t.entries[umask_nr].outcomes, POLICY_OUT_DENY);
        /* the routed one is still known to the sentry, to forget on */
        cr_assert_eq(t.n_calls, 1);
        cr_assert(t.calls[0].arch == SCMP_ARCH_X86_64 && t.calls[0].nr == setgroups_nr &&
                  !t.calls[0].only_seen);
        identity_done(&eff, &t, text);

        /* x86's setgroups32 allowed for some arguments only, the rest by the
         * default: left to the kernel as written (its conditions kept), and
         * nothing kept */
        compile_identity(
            "allow",
            "{\"names\": [\"setgroups32\"], \"args\": [{\"index\": 0, \"op\": "
            "\"SCMP_CMP_EQ\", \"value\": 0}], \"action\": \"errno\", \"optional\": true}",
            false, 2, &eff, &t, &text);
        cr_assert_not(filter_says(text, X86, 206, NOTIFY), "%s", text);
        identity_done(&eff, &t, text);

        /* allowed for some arguments only: left alone, nothing kept */
        compile_identity("errno",
                         "{\"names\": [\"umask\"], \"args\": [{\"index\": 0, \"op\": "
                         "\"SCMP_CMP_EQ\", \"value\": 18}], \"action\": \"allow\"}",
                         false, 0, &eff, &t, &text);
        cr_assert_eq(t.entries[umask_nr].outcomes & POLICY_OUT_ROUTED, 0);
        identity_done(&eff, &t, text);

        /* no sentry rule: nothing takes the target's identity, nothing routed */
        struct sb_err e = {0};
        effective("{\"name\": \"n\", \"defaultAction\": \"allow\", \"rules\": [{\"names\": "
                  "[\"reboot\"], \"action\": \"errno\", \"record\": true}]}",
                  &eff);
        cr_assert_eq(policy_compile(&eff, NULL, &t, &e), 0, "%s", e.msg);
        cr_assert_not(t.identity_kept);
        cr_assert_eq(t.n_observed, 0);
        cr_assert_eq(t.entries[umask_nr].outcomes, POLICY_OUT_ALLOW);
        policy_tables_free(&t);
        policy_profile_free(&eff);
}

/* The root a task resolves paths from is kept only when the sentry sees
 * every call that changes it: chroot, pivot_root, setns, unshare. */
Test(policy_compile, root_kept_only_when_every_root_change_is_seen)
{
        struct policy_profile eff;
        struct policy_tables t;
        char *text;
        int chroot_nr = policy_syscall_nr("chroot");

        /* refused by the default: nothing to see, nothing changes a root */
        compile_identity("errno", "", true, 0, &eff, &t, &text);
        cr_assert(t.root_kept);
        identity_done(&eff, &t, text);

        /* chroot allowed: routed for the sentry to see, on both arches
         * (x86: 61), and known to it by number */
        compile_identity("errno", "{\"names\": [\"chroot\"], \"action\": \"allow\"}", true, 1, &eff,
                         &t, &text);
        cr_assert(t.root_kept);
        cr_assert_str_eq(t.observed[0], "chroot");
        cr_assert(filter_says(text, X86_64, chroot_nr, NOTIFY), "%s", text);
        cr_assert(filter_says(text, X86, 61, NOTIFY), "%s", text);
        bool known = false;
        for (size_t i = 0; i < t.n_calls; i++)
                known |= t.calls[i].nr == chroot_nr && t.calls[i].only_seen &&
                         strcmp(t.calls[i].name, "chroot") == 0;
        cr_assert(known);
        identity_done(&eff, &t, text);

        /* unshare allowed for some flags only: left to the kernel, so the
         * root is read at every call (the rest of the identity is kept) */
        compile_identity("errno",
                         "{\"names\": [\"unshare\"], \"args\": [{\"index\": 0, \"op\": "
                         "\"SCMP_CMP_EQ\", \"value\": 1024}], \"action\": \"allow\"}",
                         true, 0, &eff, &t, &text);
        cr_assert_not(t.root_kept);
        identity_done(&eff, &t, text);

        /* the shipped default: every one of them refused or routed */
        struct policy_profile p;
        struct sb_err e = {0};
        setenv("SANDBOX_PROFILE_PATH", PROFILES_DIR, 1);
        cr_assert_eq(policy_profile_resolve("default", &p, NULL, &e), 0, "%s", e.msg);
        cr_assert_eq(policy_compile(&p, NULL, &t, &e), 0, "%s", e.msg);
        cr_assert(t.identity_kept && t.root_kept);
        policy_tables_free(&t);
        policy_profile_free(&p);
}

Test(policy_shipped, default_without_x32_routes_foreign_calls)
{
        struct policy_profile p;
        struct policy_tables t;
        struct policy_seccomp ps;
        struct sb_err e = {0};

        load_shipped("default", &p, &t);
        policy_tables_free(&t);
        cr_assert_eq(policy_compile_oci(&p, &ps, NULL, &e), 0, "%s", e.msg);
        cr_assert(ps.s.foreign_to_listener);
        cr_assert_eq(ps.s.architectures.count, 3);
        policy_seccomp_drop_arch(&ps, "SCMP_ARCH_X32");
        cr_assert_eq(ps.s.architectures.count, 2);
        cr_assert_str_eq(ps.s.architectures.items[0], "SCMP_ARCH_X86_64");
        cr_assert_str_eq(ps.s.architectures.items[1], "SCMP_ARCH_X86");
        policy_seccomp_drop_arch(&ps, "SCMP_ARCH_X32"); /* not there: nothing changes */
        cr_assert_eq(ps.s.architectures.count, 2);

        scmp_filter_ctx ctx = NULL;
        cr_assert_eq(runtime_seccomp_compile(&ps.s, &ctx, &e), 0, "%s", e.msg);
        char *text = pfc(ctx);
        cr_assert_null(strstr(text, "filter for arch x32"), "%s", text);
        cr_assert_not_null(strstr(text, "filter for arch x86 "), "%s", text);
        /* x32 calls (x86_64's audit arch with the x32 bit) and i386 calls of
         * a filter without x86: to the sentry, as libseccomp's bad-arch action */
        cr_assert_not_null(strstr(text, "# invalid architecture action\naction 0x7fc00000;"), "%s",
                           text);
        free(text);
        runtime_seccomp_release(ctx);
        policy_seccomp_free(&ps);
        policy_profile_free(&p);
}

Test(policy_shipped, every_profile_compiles_and_round_trips)
{
        static const char *const names[] = {"default", "strict",     "web",  "database",
                                            "build",   "audit-only", "learn"};

        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
                struct policy_profile p, back, eff;
                const struct policy_profile *chain[1] = {&back};
                struct policy_tables t, t2;
                struct sb_err e = {0};
                json_t *j;
                char *text;

                load_shipped(names[i], &p, &t);
                cr_assert_str_eq(p.name, names[i]);
                struct policy_counts c = counts(&t);
                const char *const *all;
                cr_assert_eq(c.total, c.allowed + c.denied + c.routed);
                cr_assert_eq(c.total, policy_syscall_names(&all), "%s", names[i]);
                /* The effective profile printed by `profile show` is a profile. */
                j = policy_profile_to_json(&p);
                text = json_dumps(j, 0);
                cr_assert_eq(policy_profile_parse("show.json", text, strlen(text), &back, NULL, &e),
                             0, "%s: %s", names[i], e.msg);
                cr_assert_eq(policy_profile_flatten(chain, 1, &eff, &e), 0, "%s", e.msg);
                cr_assert_eq(policy_compile(&eff, NULL, &t2, &e), 0, "%s", e.msg);
                struct policy_counts c1 = counts(&t), c2 = counts(&t2);
                cr_assert_eq(memcmp(&c1, &c2, sizeof(c1)), 0, "%s", names[i]);
                policy_tables_free(&t2);
                policy_profile_free(&eff);
                policy_profile_free(&back);
                free(text);
                json_decref(j);
                policy_tables_free(&t);
                policy_profile_free(&p);
        }
}

/* Syscalls Docker's default profile lets through without a decision on
 * x86_64 with Docker's default capabilities (includes/excludes applied). */
static size_t docker_reachable(bool *allowed)
{
        static const char *const default_caps[] = {
            "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
            "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
            "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL",    "CAP_AUDIT_WRITE"};
        json_error_t je;
        json_t *d = json_load_file(TEST_DATA_DIR "/../../../shared/reference/"
                                                 "docker-default-seccomp.json",
                                   0, &je);
        size_t idx, n = 0;
        json_t *rule;

        if (d == NULL)
                d = json_load_file("/work/shared/reference/docker-default-seccomp.json", 0, &je);
        cr_assert_not_null(d, "docker profile: %s", je.text);
        json_array_foreach(json_object_get(d, "syscalls"), idx, rule)
        {
                json_t *inc = json_object_get(rule, "includes"),
                       *exc = json_object_get(rule, "excludes");
                json_t *v, *names = json_object_get(rule, "names");
                size_t k;
                bool applies = true;

                if (strcmp(json_string_value(json_object_get(rule, "action")), "SCMP_ACT_ALLOW"))
                        continue;
                json_array_foreach(json_object_get(inc, "caps"), k, v)
                {
                        bool have = false;

                        for (size_t c = 0; c < sizeof(default_caps) / sizeof(*default_caps); c++)
                                have |= strcmp(default_caps[c], json_string_value(v)) == 0;
                        applies &= have;
                }
                if (json_object_get(inc, "arches") != NULL) {
                        bool amd64 = false;

                        json_array_foreach(json_object_get(inc, "arches"), k, v) amd64 |=
                            strcmp(json_string_value(v), "amd64") == 0;
                        applies &= amd64;
                }
                json_array_foreach(json_object_get(exc, "arches"), k, v) applies &=
                    strcmp(json_string_value(v), "amd64") != 0;
                /* excludes.caps: applies without the capability, as by default. */
                if (!applies)
                        continue;
                json_array_foreach(names, k, v)
                {
                        int nr = policy_syscall_nr(json_string_value(v));

                        if (nr >= 0 && !allowed[nr]) {
                                allowed[nr] = true;
                                n++;
                        }
                }
        }
        json_decref(d);
        return n;
}

Test(policy_shipped, default_beats_docker_and_stays_compatible)
{
        struct policy_profile p;
        struct policy_tables t;
        bool docker[POLICY_SYSCALL_NR_MAX] = {0};
        size_t theirs = docker_reachable(docker);

        load_shipped("default", &p, &t);
        for (int nr = 0; nr < POLICY_SYSCALL_NR_MAX; nr++)
                if (docker[nr])
                        cr_assert(t.entries[nr].outcomes & (POLICY_OUT_ALLOW | POLICY_OUT_ROUTED),
                                  "Docker allows %s, default neither allows nor routes it",
                                  policy_syscall_name(nr));
        cr_log_info("syscalls reachable without a decision (native arch): default %zu, Docker's "
                    "default %zu",
                    counts(&t).reachable, theirs);
        fprintf(stderr,
                "policy: syscalls reachable without a decision: sandbox default %zu, Docker's "
                "default %zu\n",
                counts(&t).reachable, theirs);
        cr_assert_lt(counts(&t).reachable, theirs);
        /* Its opens take the caller's identity, which the sentry may keep:
         * umask and setgroups reach it (and run as Docker lets them). */
        cr_assert(t.identity_kept);
        cr_assert_eq(t.n_observed, 3); /* with x86's setgroups32 */
        /* x86's own calls (its 32-bit uid and file calls) get Docker's answer
         * in the filter's x86 section: getuid32, mmap2, fstat64 allowed,
         * setgroups32 routed (observed) */
        struct sb_err e = {0};
        scmp_filter_ctx ctx = NULL;
        cr_assert_eq(policy_compile(&p, &ctx, NULL, &e), 0, "%s", e.msg);
        char *text = pfc(ctx);
        cr_assert(filter_says(text, X86, 199, "ALLOW"), "getuid32");
        cr_assert(filter_says(text, X86, 192, "ALLOW"), "mmap2");
        cr_assert(filter_says(text, X86, 197, "ALLOW"), "fstat64");
        cr_assert(filter_says(text, X86, 206, NOTIFY), "setgroups32");
        free(text);
        runtime_seccomp_release(ctx);
        cr_assert_eq(t.entries[policy_syscall_nr("umask")].outcomes, POLICY_OUT_ROUTED);
        cr_assert_eq(t.entries[policy_syscall_nr("setgroups")].outcomes, POLICY_OUT_ROUTED);
        /* The breakout class gets a decision. */
        static const char *const breakout[] = {"mount",
                                               "umount2",
                                               "pivot_root",
                                               "move_mount",
                                               "fsopen",
                                               "setns",
                                               "unshare",
                                               "open_by_handle_at",
                                               "init_module",
                                               "finit_module",
                                               "delete_module",
                                               "kexec_load",
                                               "kexec_file_load",
                                               "ptrace",
                                               "process_vm_writev",
                                               "bpf",
                                               "perf_event_open",
                                               "keyctl",
                                               "add_key",
                                               "request_key",
                                               "userfaultfd",
                                               "io_uring_setup",
                                               "reboot",
                                               "swapon",
                                               "swapoff",
                                               "acct",
                                               "syslog",
                                               "settimeofday",
                                               "clock_settime",
                                               "adjtimex",
                                               "chroot"};
        for (size_t i = 0; i < sizeof(breakout) / sizeof(*breakout); i++) {
                int nr = policy_syscall_nr(breakout[i]);

                cr_assert_eq(t.entries[nr].outcomes & POLICY_OUT_ROUTED, POLICY_OUT_ROUTED, "%s",
                             breakout[i]);
                cr_assert_eq(t.entries[nr].outcomes & POLICY_OUT_ALLOW, 0, "%s", breakout[i]);
        }
        /* openat: reads stay in the kernel, writes reach the sentry. */
        {
                int nr = policy_syscall_nr("openat");
                uint64_t rd[6] = {0, 0, O_RDONLY}, wr[6] = {0, 0, O_WRONLY | O_CREAT};
                const struct policy_rule *r;
                struct policy_verdict v;

                /* Both rules have conditions: the tables also count the default. */
                cr_assert_eq(t.entries[nr].outcomes & (POLICY_OUT_ALLOW | POLICY_OUT_ROUTED),
                             POLICY_OUT_ALLOW | POLICY_OUT_ROUTED);
                policy_tables_match(&t, nr, rd, &v);
                cr_assert_eq(v.action, POLICY_ACT_ALLOW);
                r = policy_tables_match(&t, nr, wr, &v);
                cr_assert_eq(v.action, POLICY_ACT_SENTRY);
                cr_assert_eq(
                    policy_path_decide(r, "/proc/sys/kernel/core_pattern", POLICY_ACCESS_WRITE, &v),
                    0);
                cr_assert_eq(v.action, POLICY_ACT_ERRNO);
                cr_assert_geq(policy_path_decide(r, "/sys/fs/cgroup/x/release_agent",
                                                 POLICY_ACCESS_WRITE, &v),
                              0);
                cr_assert_eq(policy_path_decide(r, "/tmp/out", POLICY_ACCESS_WRITE, &v), -1);
                cr_assert_eq(v.action, POLICY_ACT_ALLOW);
        }
        cr_assert(t.entries[policy_syscall_nr("seccomp")].listener_guard);
        policy_tables_free(&t);
        policy_profile_free(&p);
}

Test(policy_shipped, strict_is_smaller_than_default)
{
        struct policy_profile d, s;
        struct policy_tables td, ts;

        load_shipped("default", &d, &td);
        load_shipped("strict", &s, &ts);
        cr_assert_lt(counts(&ts).reachable, counts(&td).reachable);
        cr_assert(s.bounds.private_ns & (1u << OCI_NS_PID));
        cr_assert(s.bounds.has_privileged && !s.bounds.privileged);
        policy_tables_free(&td);
        policy_tables_free(&ts);
        policy_profile_free(&d);
        policy_profile_free(&s);
}
