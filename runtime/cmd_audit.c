/* sandbox audit: pre-deploy security checks of bundles, `docker inspect`
 * output and live processes. Reads the inputs, runs audit/ and prints; all
 * the logic is in audit/. */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "policy/profile.h"
#include "runtime/confine.h"
#include "runtime/cleanup.h"
#include "runtime/cmd_common.h"
#include "runtime/commands.h"
#include "runtime/state.h"

struct files {
        struct audit_input_file *items;
        char **texts;
        size_t count;
};

static void files_add(struct files *f, const char *name, char *text, size_t len)
{
        struct audit_input_file *n = realloc(f->items, (f->count + 1) * sizeof(*n));
        char **t = realloc(f->texts, (f->count + 1) * sizeof(*t));
        if (n == NULL || t == NULL)
                abort();
        f->items = n;
        f->texts = t;
        f->texts[f->count] = text;
        f->items[f->count] =
            (struct audit_input_file){.name = strdup(name), .text = text, .len = len};
        if (f->items[f->count].name == NULL)
                abort();
        f->count++;
}

static void files_free(struct files *f)
{
        for (size_t i = 0; i < f->count; i++) {
                free((char *)f->items[i].name);
                free(f->texts[i]);
        }
        free(f->items);
        free(f->texts);
}

struct opts {
        struct audit_report report;
        struct files files;
        int unusable;
        const struct sb_global *g;
        const char *profile; /* audit --profile, else global --profile, else per config */
};

/* SB-PROFILE-001: the bounds of the profile `create` would choose for cfg. */
static void audit_profile_bounds(struct opts *o, const struct oci_config *cfg, const char *path)
{
        struct sb_global g = *o->g;
        struct sb_err err = {0};
        struct sb_diags diags = {0};
        struct policy_profile p = {0};
        _cleanup_free_ char *file = NULL;
        const char *ref;

        if (o->profile != NULL)
                g.profile = o->profile;
        ref = runtime_profile_select(&g, cfg);
        if (policy_profile_find(ref, NULL, &file, &err) < 0 ||
            policy_profile_resolve(file, &p, &diags, &err) < 0) {
                for (size_t i = 0; i + 1 < diags.count; i++)
                        fprintf(stderr, "sandbox: audit: %s\n", diags.items[i]);
                fprintf(stderr, "sandbox: audit: %s: profile `%s`: %s\n", path, ref, err.msg);
                o->unusable++;
        } else
                audit_check_profile_bounds(&p, cfg, path, &o->report);
        sb_diags_free(&diags);
        policy_profile_free(&p);
}

static void audit_config_file(struct opts *o, const char *path)
{
        struct sb_err err = {0};
        struct sb_diags diags = {0};
        struct oci_config cfg;
        char *text = NULL;
        size_t len;

        if (sb_read_input(path, &text, &len, &err) < 0) {
                fprintf(stderr, "sandbox: audit: %s\n", err.msg);
                o->unusable++;
                return;
        }
        if (oci_config_parse(path, text, len, &cfg, &diags, &err) < 0) {
                if (diags.count > 0)
                        for (size_t i = 0; i < diags.count; i++)
                                fprintf(stderr, "sandbox: audit: %s\n", diags.items[i]);
                else
                        fprintf(stderr, "sandbox: audit: %s\n", err.msg);
                sb_diags_free(&diags);
                free(text);
                o->unusable++;
                return;
        }
        sb_diags_free(&diags);
        audit_config(&cfg, path, &o->report);
        audit_profile_bounds(o, &cfg, path);
        oci_config_free(&cfg);
        files_add(&o->files, path, text, len);
}

static struct opts *walk_opts;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
        const char *base = path + ftw->base;
        if (type == FTW_F && S_ISREG(st->st_mode) && strcmp(base, "config.json") == 0)
                audit_config_file(walk_opts, path);
        return 0;
}

static void audit_path(struct opts *o, const char *arg, bool recursive)
{
        struct stat st;
        char path[PATH_MAX];

        if (stat(arg, &st) < 0) {
                fprintf(stderr, "sandbox: audit: stat `%s`: %s\n", arg, strerror(errno));
                o->unusable++;
                return;
        }
        if (!S_ISDIR(st.st_mode)) {
                audit_config_file(o, arg);
                return;
        }
        if (recursive) {
                size_t before = o->files.count;
                walk_opts = o;
                if (nftw(arg, walk_one, 16, FTW_PHYS) != 0) {
                        fprintf(stderr, "sandbox: audit: walk `%s`: %s\n", arg, strerror(errno));
                        o->unusable++;
                }
                if (o->files.count == before) {
                        fprintf(stderr, "sandbox: audit: no config.json under `%s`\n", arg);
                        o->unusable++;
                }
                return;
        }
        snprintf(path, sizeof(path), "%s%sconfig.json", arg,
                 arg[strlen(arg) - 1] == '/' ? "" : "/");
        audit_config_file(o, path);
}

static void audit_inspect(struct opts *o, const char *path)
{
        struct sb_err err = {0};
        struct audit_docker_inspect d;
        char *text = NULL;
        size_t len;
        const char *shown = strcmp(path, "-") == 0 ? "stdin" : path;

        if (sb_read_input(path, &text, &len, &err) < 0 ||
            audit_docker_inspect_parse(shown, text, len, &d, &err) < 0) {
                fprintf(stderr, "sandbox: audit: %s\n", err.msg);
                free(text);
                o->unusable++;
                return;
        }
        for (size_t i = 0; i < d.count; i++) {
                char input[PATH_MAX + 300];
                snprintf(input, sizeof(input), "%s#%s", shown, d.items[i].name);
                audit_docker_container(&d, i, input, &o->report);
        }
        audit_docker_inspect_free(&d);
        free(text);
}

static void audit_pid(struct opts *o, int pid, const char *name)
{
        struct sb_err err = {0};
        struct audit_live l;

        if (audit_live_read(pid, &l, &err) < 0) {
                fprintf(stderr, "sandbox: audit: %s\n", err.msg);
                o->unusable++;
                return;
        }
        audit_live_check(&l, name, &o->report);
        audit_live_free(&l);
}

static void audit_container(struct opts *o, const char *root, const char *id)
{
        struct sb_err err = {0};
        struct runtime_state st = {0};
        char name[SB_ID_MAX + 16];

        if (runtime_state_read(root, id, &st, &err) < 0) {
                fprintf(stderr, "sandbox: audit: container %s: %s\n", id, err.msg);
                o->unusable++;
                return;
        }
        if (st.pid <= 0 || !runtime_proc_is(st.pid, st.start_time)) {
                fprintf(stderr, "sandbox: audit: container %s: not running\n", id);
                runtime_state_free(&st);
                o->unusable++;
                return;
        }
        snprintf(name, sizeof(name), "container:%s", id);
        audit_pid(o, st.pid, name);
        runtime_state_free(&st);
}

static void today(char buf[11])
{
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(buf, 11, "%Y-%m-%d", &tm);
}

enum {
        OPT_FAIL_ON = 256,
        OPT_STANDARD,
        OPT_LIST,
        OPT_IGNORE,
        OPT_INSPECT,
        OPT_PID,
        OPT_CONTAINER,
        OPT_PROFILE
};

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option longopts[] = {
            {"format", required_argument, NULL, 'f'},
            {"fail-on", required_argument, NULL, OPT_FAIL_ON},
            {"standard", required_argument, NULL, OPT_STANDARD},
            {"list-checks", no_argument, NULL, OPT_LIST},
            {"ignore", required_argument, NULL, OPT_IGNORE},
            {"recursive", no_argument, NULL, 'r'},
            {"docker-inspect", required_argument, NULL, OPT_INSPECT},
            {"pid", required_argument, NULL, OPT_PID},
            {"container", required_argument, NULL, OPT_CONTAINER},
            {"profile", required_argument, NULL, OPT_PROFILE},
            {NULL, 0, NULL, 0},
        };
        const char *format = "text", *ignore = NULL;
        enum audit_severity fail_on = AUDIT_HIGH;
        enum audit_standard std = AUDIT_STD_ALL;
        bool list = false, recursive = false;
        char **inspects = calloc((size_t)argc + 1, sizeof(char *));
        char **pids = calloc((size_t)argc + 1, sizeof(char *));
        char **ids = calloc((size_t)argc + 1, sizeof(char *));
        size_t n_inspects = 0, n_pids = 0, n_ids = 0;
        struct opts o = {.g = g};
        int c, rc;

        if (inspects == NULL || pids == NULL || ids == NULL)
                abort();
        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+f:r", longopts, NULL)) != -1) {
                switch (c) {
                case 'f':
                        format = optarg;
                        break;
                case 'r':
                        recursive = true;
                        break;
                case OPT_FAIL_ON:
                        if (audit_severity_from_name(optarg, &fail_on) < 0) {
                                fprintf(stderr,
                                        "sandbox: audit: --fail-on: unknown severity "
                                        "'%s' (critical, high, medium, low, info)\n",
                                        optarg);
                                rc = 2;
                                goto out;
                        }
                        break;
                case OPT_STANDARD:
                        if (audit_standard_from_name(optarg, &std) < 0) {
                                fprintf(stderr,
                                        "sandbox: audit: --standard: unknown standard "
                                        "'%s' (pss-baseline, pss-restricted, cis-docker)\n",
                                        optarg);
                                rc = 2;
                                goto out;
                        }
                        break;
                case OPT_LIST:
                        list = true;
                        break;
                case OPT_IGNORE:
                        ignore = optarg;
                        break;
                case OPT_INSPECT:
                        inspects[n_inspects++] = optarg;
                        break;
                case OPT_PID:
                        pids[n_pids++] = optarg;
                        break;
                case OPT_CONTAINER:
                        ids[n_ids++] = optarg;
                        break;
                case OPT_PROFILE:
                        o.profile = optarg;
                        break;
                default:
                        fprintf(stderr, "sandbox: audit: unknown or incomplete option '%s'\n",
                                argv[optind - 1]);
                        rc = 2;
                        goto out;
                }
        }
        if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
            strcmp(format, "sarif") != 0 && strcmp(format, "markdown") != 0) {
                fprintf(stderr,
                        "sandbox: audit: --format: unknown format '%s' (text, json, "
                        "sarif; markdown with --list-checks)\n",
                        format);
                rc = 2;
                goto out;
        }
        if (list) {
                if (strcmp(format, "json") == 0) {
                        char *s = audit_catalogue_json(std);
                        printf("%s\n", s);
                        free(s);
                } else if (strcmp(format, "markdown") == 0)
                        audit_catalogue_print_markdown(stdout, std);
                else
                        audit_catalogue_print_text(stdout, std);
                rc = 0;
                goto out;
        }
        if (strcmp(format, "markdown") == 0) {
                fprintf(stderr, "sandbox: audit: --format markdown is for --list-checks\n");
                rc = 2;
                goto out;
        }
        if (optind >= argc && n_inspects == 0 && n_pids == 0 && n_ids == 0) {
                fprintf(stderr, "sandbox: audit: nothing to audit: give BUNDLE_DIR, config.json, "
                                "--docker-inspect FILE, --pid PID or --container ID\n");
                rc = 2;
                goto out;
        }
        for (int i = optind; i < argc; i++)
                audit_path(&o, argv[i], recursive);
        for (size_t i = 0; i < n_inspects; i++)
                audit_inspect(&o, inspects[i]);
        for (size_t i = 0; i < n_pids; i++) {
                char *end, name[64];
                long pid = strtol(pids[i], &end, 10);
                if (end == pids[i] || *end != '\0' || pid <= 0 || pid > INT_MAX) {
                        fprintf(stderr, "sandbox: audit: --pid: '%s' is not a process id\n",
                                pids[i]);
                        o.unusable++;
                        continue;
                }
                snprintf(name, sizeof(name), "pid:%ld", pid);
                audit_pid(&o, (int)pid, name);
        }
        for (size_t i = 0; i < n_ids; i++)
                audit_container(&o, g->root, ids[i]);

        if (ignore != NULL) {
                struct audit_waivers w;
                struct sb_err err = {0};
                char *text = NULL, day[11];
                size_t len;
                if (sb_read_input(ignore, &text, &len, &err) < 0 ||
                    audit_waivers_parse(ignore, text, len, &w, &err) < 0) {
                        fprintf(stderr, "sandbox: audit: --ignore: %s\n", err.msg);
                        free(text);
                        rc = 2;
                        goto out;
                }
                free(text);
                today(day);
                audit_waivers_apply(
                    &w, &o.report,
                    getenv("SANDBOX_AUDIT_TODAY") != NULL ? getenv("SANDBOX_AUDIT_TODAY") : day);
                audit_waivers_free(&w);
        }
        audit_report_filter(&o.report, std);
        audit_report_sort(&o.report);

        if (o.unusable > 0 && o.report.count == 0)
                ; /* nothing usable: the errors above are the output */
        else if (strcmp(format, "json") == 0) {
                char *s = audit_format_json(&o.report);
                printf("%s\n", s);
                free(s);
        } else if (strcmp(format, "sarif") == 0) {
                char *s = audit_format_sarif(&o.report, o.files.items, o.files.count);
                printf("%s\n", s);
                free(s);
        } else
                audit_format_text(stdout, &o.report, isatty(STDOUT_FILENO) == 1);
        fflush(stdout);

        if (o.unusable > 0)
                rc = 2;
        else
                rc = audit_report_count_at_least(&o.report, fail_on) > 0 ? 1 : 0;
out:
        audit_report_free(&o.report);
        files_free(&o.files);
        free(inspects);
        free(pids);
        free(ids);
        return rc;
}

const struct sb_command sb_cmd_audit = {
    .name = "audit",
    .usage = "audit [options] [BUNDLE_DIR|config.json]...",
    .summary = "check bundles, docker inspect output or live processes for risky settings",
    .help =
        "Runs the security checks of the catalogue (--list-checks) on each input and prints\n"
        "the findings: host namespaces, privileged mode, dangerous capabilities, seccomp and\n"
        "AppArmor/SELinux, sensitive mounts and devices, sysctls, limits and hooks.\n\n"
        "Inputs:\n"
        "  BUNDLE_DIR | config.json   an OCI bundle (its config.json) or a config file\n"
        "  -r, --recursive            every config.json under each directory given\n"
        "  --docker-inspect FILE|-    `docker inspect` JSON (one object or an array)\n"
        "  --pid PID                  a live process, from /proc\n"
        "  --container ID             a running container of this runtime (--root)\n\n"
        "Options:\n"
        "  -f, --format FMT           text (default), json or sarif (SARIF 2.1.0);\n"
        "                             markdown with --list-checks\n"
        "  --fail-on SEVERITY         exit 1 when a finding is at or above it (default high):\n"
        "                             critical, high, medium, low, info\n"
        "  --standard STD             only pss-baseline, pss-restricted or cis-docker checks\n"
        "  --ignore FILE              waivers: [{\"id\": \"SB-NS-001\", \"match\": \"bundle/x\",\n"
        "                             \"reason\": \"...\", \"expires\": \"YYYY-MM-DD\"}]; match\n"
        "                             (optional) is a substring of the input; expired\n"
        "                             waivers are reported (SB-AUDIT-001)\n"
        "  --profile NAME|PATH        check bundles against this sandbox profile's bounds\n"
        "                             (SB-PROFILE-001); default: the global --profile, else\n"
        "                             the config's dev.sandbox.profile annotation, else\n"
        "                             `default`, as create chooses\n"
        "  --list-checks              print the catalogue (text, json or markdown)\n\n"
        "Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,\n"
        "2 an input or option is unusable (the error names the file and JSON path).\n",
    .run = run,
};
