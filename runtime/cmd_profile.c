/* sandbox profile check FILE... | sandbox profile show NAME|PATH [--format json|text]:
 * validate policy profiles and print the effective profile with its counts. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/profile.h"
#include "runtime/commands.h"
#include "runtime/seccomp_oci.h"

static void print_diags(const struct sb_diags *d)
{
        for (size_t i = 0; i < d->count; i++)
                fprintf(stderr, "sandbox: %s\n", d->items[i]);
        if (d->dropped > 0)
                fprintf(stderr, "sandbox: ... and %zu more problems\n", d->dropped);
}

/* Resolves and compiles `ref`; on failure prints every problem. */
static int load(const char *ref, struct policy_profile *p, struct policy_tables *t)
{
        struct sb_diags diags = {0};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;

        if (policy_profile_resolve(ref, p, &diags, &err) < 0) {
                if (diags.count > 0)
                        print_diags(&diags);
                else
                        fprintf(stderr, "sandbox: %s\n", err.msg);
                sb_diags_free(&diags);
                return -1;
        }
        sb_diags_free(&diags);
        /* Build the kernel filter too: libseccomp's own refusals are errors. */
        if (policy_compile(p, &ctx, t, &err) < 0) {
                fprintf(stderr, "sandbox: %s: %s\n", ref, err.msg);
                policy_profile_free(p);
                return -1;
        }
        runtime_seccomp_release(ctx);
        return 0;
}

static int check(int argc, char **argv)
{
        int bad = 0;

        if (argc < 1) {
                fprintf(stderr, "sandbox: profile check: no FILE given\n");
                return 2;
        }
        for (int i = 0; i < argc; i++) {
                struct policy_profile p;
                struct policy_tables t;
                char ref[4096];

                /* A FILE is a path even without '/' ("strict.json" works too). */
                if (strchr(argv[i], '/') == NULL)
                        snprintf(ref, sizeof(ref), "./%s", argv[i]);
                else
                        snprintf(ref, sizeof(ref), "%s", argv[i]);
                if (load(ref, &p, &t) < 0) {
                        bad++;
                        continue;
                }
                printf("%s: valid: profile %s, %zu rules; syscalls allowed %zu, denied %zu, "
                       "routed %zu\n",
                       argv[i], p.name, p.n_rules, t.counts.allowed, t.counts.denied,
                       t.counts.routed);
                policy_tables_free(&t);
                policy_profile_free(&p);
        }
        return bad ? 1 : 0;
}

static json_t *counts_json(const struct policy_counts *c)
{
        return json_pack("{s:I, s:I, s:I, s:I, s:I}", "syscalls", (json_int_t)c->total, "allowed",
                         (json_int_t)c->allowed, "denied", (json_int_t)c->denied, "routed",
                         (json_int_t)c->routed, "reachableWithoutDecision",
                         (json_int_t)c->reachable);
}

static void show_text(const struct policy_profile *p, const struct policy_tables *t)
{
        printf("profile %s (%s)\n", p->name, p->source ? p->source : "?");
        if (p->description != NULL)
                printf("  %s\n", p->description);
        printf("default: %s", policy_action_name(p->default_verdict.action));
        if (p->default_verdict.action == POLICY_ACT_ERRNO)
                printf(" %s", policy_errno_name(p->default_verdict.errnum)
                                  ? policy_errno_name(p->default_verdict.errnum)
                                  : "?");
        printf("%s\n", p->default_verdict.record ? " (recorded)" : "");
        printf("syscalls (native architecture): %zu; allowed %zu, denied %zu, routed %zu; "
               "reachable without a decision %zu\n",
               t->counts.total, t->counts.allowed, t->counts.denied, t->counts.routed,
               t->counts.reachable);
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *r = &p->rules[i];

                printf("\n%s: %s", r->origin ? r->origin : "rule",
                       policy_action_name(r->verdict.action));
                if (r->verdict.action == POLICY_ACT_ERRNO)
                        printf(" %s", policy_errno_name(r->verdict.errnum)
                                          ? policy_errno_name(r->verdict.errnum)
                                          : "?");
                if (r->verdict.record)
                        printf(" (recorded)");
                if (r->n_args + r->n_any_args > 0)
                        printf(" when %zu argument condition(s)", r->n_args + r->n_any_args);
                if (r->n_paths > 0)
                        printf(", %zu path rule(s)", r->n_paths);
                printf("\n ");
                for (size_t k = 0; k < r->n_names; k++)
                        printf(" %s", r->names[k]);
                printf("\n");
                if (r->comment != NULL)
                        printf("  # %s\n", r->comment);
        }
        printf("\nbounds: max capabilities %s, private namespaces %s, privileged %s, on sentry "
               "loss %s\n",
               p->bounds.has_max_caps ? "limited" : "any", p->bounds.private_ns ? "required" : "-",
               p->bounds.has_privileged && !p->bounds.privileged ? "refused" : "accepted",
               p->bounds.has_on_sentry_loss && p->bounds.on_sentry_loss == POLICY_LOSS_DENY
                   ? "deny"
                   : "kill");
}

static int show(int argc, char **argv)
{
        static const struct option opts[] = {
            {"format", required_argument, NULL, 'f'},
            {NULL, 0, NULL, 0},
        };
        const char *format = "text";
        struct policy_profile p;
        struct policy_tables t;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "f:", opts, NULL)) != -1) {
                if (c != 'f') {
                        fprintf(stderr,
                                "sandbox: profile show: unknown or incomplete option '%s'\n",
                                argv[optind - 1]);
                        return 2;
                }
                format = optarg;
        }
        if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
                fprintf(stderr, "sandbox: profile show: --format must be json or text\n");
                return 2;
        }
        if (optind + 1 != argc) {
                fprintf(stderr, "sandbox: profile show: expected one NAME or PATH\n");
                return 2;
        }
        if (load(argv[optind], &p, &t) < 0)
                return 1;
        if (strcmp(format, "json") == 0) {
                json_t *o = json_pack("{s:o, s:o}", "profile", policy_profile_to_json(&p), "counts",
                                      counts_json(&t.counts));

                if (o == NULL || json_dumpf(o, stdout, JSON_INDENT(2)) < 0) {
                        fprintf(stderr, "sandbox: profile show: cannot encode JSON\n");
                        json_decref(o);
                        policy_tables_free(&t);
                        policy_profile_free(&p);
                        return 1;
                }
                putchar('\n');
                json_decref(o);
        } else {
                show_text(&p, &t);
        }
        policy_tables_free(&t);
        policy_profile_free(&p);
        return 0;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        (void)g;
        if (argc < 2) {
                fprintf(stderr, "sandbox: profile: expected `check FILE...` or `show NAME|PATH`\n");
                return 2;
        }
        if (strcmp(argv[1], "check") == 0)
                return check(argc - 2, argv + 2);
        if (strcmp(argv[1], "show") == 0)
                return show(argc - 1, argv + 1);
        fprintf(stderr, "sandbox: profile: unknown subcommand '%s' (check, show)\n", argv[1]);
        return 2;
}

const struct sb_command sb_cmd_profile = {
    .name = "profile",
    .usage = "profile check FILE... | profile show NAME|PATH [--format json|text]",
    .summary = "check policy profiles, show a profile's effective rules and counts",
    .help = "  check FILE...        parse, follow extends and compile each profile; exit 0\n"
            "                       only when all are valid; problems as FILE:LINE:COL: PATH\n"
            "  show NAME|PATH       the effective profile (after extends) and the number of\n"
            "                       syscalls allowed, denied and routed to the sentry\n"
            "      --format FMT     text (default) or json\n"
            "\n"
            "Profiles named without a path are looked up as NAME.json in $SANDBOX_PROFILE_PATH,\n"
            "/etc/sandbox/profiles and " SANDBOX_PROFILE_DIR ".\n",
    .run = run,
};
