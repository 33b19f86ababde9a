/* sandbox profile check FILE... | show NAME|PATH | learn ... | generate ...:
 * validate policy profiles, print the effective profile with its counts, and
 * learn a workload's profile from what it does. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/compile.h"
#include "policy/generate.h"
#include "policy/profile.h"
#include "runtime/cmd_common.h"
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
                struct policy_counts c;
                policy_tables_count(&t, &c);
                printf("%s: valid: profile %s, %zu rules; syscalls allowed %zu, denied %zu, "
                       "routed %zu\n",
                       argv[i], p.name, p.n_rules, c.allowed, c.denied, c.routed);
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
        struct policy_counts c;

        policy_tables_count(t, &c);
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
               c.total, c.allowed, c.denied, c.routed, c.reachable);
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
                struct policy_counts n;
                policy_tables_count(&t, &n);
                json_t *o = json_pack("{s:o, s:o}", "profile", policy_profile_to_json(&p), "counts",
                                      counts_json(&n));

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

/* profile learn [--events FILE] [run options] ID: `sandbox run` under the
 * learn profile, by executing ourselves, so that the container gets exactly
 * what `run` gives it (the sealed copy of the binary included). */
static int learn(const struct sb_global *g, int argc, char **argv)
{
        char events[PATH_MAX] = "", cwd[PATH_MAX];
        char **av = calloc((size_t)argc + 20, sizeof(char *));
        int n = 0, i = 1;

        if (av == NULL)
                return 1;
        if (i < argc && (strcmp(argv[i], "--events") == 0 || strcmp(argv[i], "-e") == 0)) {
                if (i + 1 >= argc) {
                        fprintf(stderr, "sandbox: profile learn: --events needs a FILE\n");
                        free(av);
                        return 2;
                }
                snprintf(events, sizeof(events), "%s", argv[i + 1]);
                i += 2;
        }
        if (i >= argc) {
                fprintf(stderr, "sandbox: profile learn: expected [--events FILE] [run options] "
                                "<container-id>\n");
                free(av);
                return 2;
        }
        if (events[0] == '\0')
                snprintf(events, sizeof(events), "%s.learn.jsonl", argv[argc - 1]);
        if (events[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL) {
                char abs[PATH_MAX * 2];
                snprintf(abs, sizeof(abs), "%s/%s", cwd, events);
                snprintf(events, sizeof(events), "%s", abs);
        }
        av[n++] = (char *)"sandbox";
        av[n++] = (char *)"--root";
        av[n++] = (char *)g->root;
        if (g->log_path != NULL) {
                av[n++] = (char *)"--log";
                av[n++] = (char *)g->log_path;
        }
        av[n++] = (char *)"--log-format";
        av[n++] = (char *)g->log_format;
        if (g->debug)
                av[n++] = (char *)"--debug";
        if (g->systemd_cgroup)
                av[n++] = (char *)"--systemd-cgroup";
        av[n++] = (char *)"--profile";
        av[n++] = (char *)"learn";
        av[n++] = (char *)"--events-log";
        av[n++] = events;
        av[n++] = (char *)"run";
        for (; i < argc; i++)
                av[n++] = argv[i];
        av[n] = NULL;
        fprintf(stderr,
                "sandbox: profile learn: recording to %s; then: sandbox profile generate "
                "--from %s -o PROFILE.json\n",
                events, events);
        fflush(stderr);
        execv("/proc/self/exe", av);
        fprintf(stderr, "sandbox: profile learn: execv /proc/self/exe: %s\n", strerror(errno));
        free(av);
        return 1;
}

/* profile generate --from EVENTS [--id ID] [--base PROFILE] [--name NAME]
 * [--format json|oci] [-o FILE] */
static int generate(int argc, char **argv)
{
        static const struct option opts[] = {
            {"from", required_argument, NULL, 'f'},
            {"id", required_argument, NULL, 'i'},
            {"base", required_argument, NULL, 'b'},
            {"name", required_argument, NULL, 'n'},
            {"format", required_argument, NULL, 'F'},
            {"output", required_argument, NULL, 'o'},
            {NULL, 0, NULL, 0},
        };
        const char *from = NULL, *id = NULL, *base = "default", *name = "generated",
                   *format = "json", *output = "-";
        struct policy_learned l;
        struct policy_profile bp, check_p;
        struct policy_tables t;
        struct sb_err err = {0};
        char *text;
        size_t len;
        json_t *out;
        int c, rc = 1;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        from = optarg;
                        break;
                case 'i':
                        id = optarg;
                        break;
                case 'b':
                        base = optarg;
                        break;
                case 'n':
                        name = optarg;
                        break;
                case 'F':
                        format = optarg;
                        break;
                case 'o':
                        output = optarg;
                        break;
                default:
                        fprintf(stderr,
                                "sandbox: profile generate: unknown or incomplete option "
                                "'%s'\n",
                                argv[optind - 1]);
                        return 2;
                }
        }
        if (from == NULL || optind != argc ||
            (strcmp(format, "json") != 0 && strcmp(format, "oci") != 0)) {
                fprintf(stderr, "sandbox: profile generate: expected --from EVENTS [--id ID] "
                                "[--base PROFILE] [--name NAME] [--format json|oci] [-o FILE]\n");
                return 2;
        }
        if (sb_read_input(from, &text, &len, &err) < 0) {
                fprintf(stderr, "sandbox: profile generate: %s\n", err.msg);
                return 1;
        }
        if (policy_learned_parse(from, text, len, id, &l, &err) < 0) {
                fprintf(stderr, "sandbox: profile generate: %s\n", err.msg);
                free(text);
                return 1;
        }
        free(text);
        if (load(base, &bp, &t) < 0) {
                policy_learned_free(&l);
                return 1;
        }
        policy_tables_free(&t);
        out = strcmp(format, "oci") == 0 ? policy_generate_oci(&bp, &l)
                                         : policy_generate_profile(&bp, &l, name, from);
        char *s = out ? json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (s == NULL) {
                fprintf(stderr, "sandbox: profile generate: cannot build the profile\n");
                goto out;
        }
        if (strcmp(format, "json") == 0) {
                /* What is written must be a valid profile. */
                struct sb_diags d = {0};
                if (policy_profile_parse(name, s, strlen(s), &check_p, &d, &err) < 0) {
                        print_diags(&d);
                        sb_diags_free(&d);
                        fprintf(stderr,
                                "sandbox: profile generate: generated profile invalid: %s\n",
                                err.msg);
                        goto out;
                }
                sb_diags_free(&d);
                policy_profile_free(&check_p);
        }
        FILE *f = strcmp(output, "-") == 0 ? stdout : fopen(output, "we");
        if (f == NULL || fprintf(f, "%s\n", s) < 0 || (f != stdout && fclose(f) != 0)) {
                fprintf(stderr, "sandbox: profile generate: write `%s`: %s\n", output,
                        strerror(errno));
                goto out;
        }
        if (f == stdout)
                fflush(stdout);
        fprintf(stderr, "sandbox: profile generate: %zu syscalls from %zu learn events (%s)%s%s\n",
                l.n_names, l.n_events, from, strcmp(output, "-") ? " -> " : "",
                strcmp(output, "-") ? output : "");
        rc = 0;
out:
        free(s);
        json_decref(out);
        policy_profile_free(&bp);
        policy_learned_free(&l);
        return rc;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "sandbox: profile: expected check, show, learn or generate\n");
                return 2;
        }
        if (strcmp(argv[1], "check") == 0)
                return check(argc - 2, argv + 2);
        if (strcmp(argv[1], "show") == 0)
                return show(argc - 1, argv + 1);
        if (strcmp(argv[1], "learn") == 0)
                return learn(g, argc - 1, argv + 1);
        if (strcmp(argv[1], "generate") == 0)
                return generate(argc - 1, argv + 1);
        fprintf(stderr,
                "sandbox: profile: unknown subcommand '%s' (check, show, learn, generate)\n",
                argv[1]);
        return 2;
}

const struct sb_command sb_cmd_profile = {
    .name = "profile",
    .usage = "profile check FILE... | show NAME|PATH | learn ... | generate ...",
    .summary = "check, show, learn and generate policy profiles",
    .help = "  check FILE...        parse, follow extends and compile each profile; exit 0\n"
            "                       only when all are valid; problems as FILE:LINE:COL: PATH\n"
            "  show NAME|PATH       the effective profile (after extends) and the number of\n"
            "                       syscalls allowed, denied and routed to the sentry\n"
            "      --format FMT     text (default) or json\n"
            "  learn [--events FILE] [run options] ID\n"
            "                       `sandbox run` the bundle under the `learn` profile:\n"
            "                       everything allowed, each distinct syscall and argument\n"
            "                       class recorded once to FILE (default ID.learn.jsonl)\n"
            "  generate --from FILE [--id ID] [--base PROFILE] [--name NAME]\n"
            "           [--format json|oci] [-o FILE]\n"
            "                       the smallest profile that lets the learned workload run:\n"
            "                       the base's (default `default`) refusals, routes and\n"
            "                       records, its allow rules only for learned syscalls, the\n"
            "                       other learned syscalls allowed, anything else refused\n"
            "                       and recorded; --format oci writes a plain OCI\n"
            "                       linux.seccomp section (an allow-list) for other runtimes\n"
            "\n"
            "Profiles named without a path are looked up as NAME.json in $SANDBOX_PROFILE_PATH,\n"
            "/etc/sandbox/profiles and " SANDBOX_PROFILE_DIR ".\n",
    .run = run,
};
