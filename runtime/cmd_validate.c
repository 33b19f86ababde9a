/* sandbox validate: parse and check a bundle's config.json, report every problem. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "runtime/commands.h"
#include "runtime/oci_config.h"

static void print_diags(const struct sb_diags *d)
{
        for (size_t i = 0; i < d->count; i++)
                fprintf(stderr, "sandbox: %s\n", d->items[i]);
        if (d->dropped > 0)
                fprintf(stderr, "sandbox: ... and %zu more problems\n", d->dropped);
}

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {
            {"bundle", required_argument, NULL, 'b'},
            {NULL, 0, NULL, 0},
        };
        const char *bundle = ".";
        char path[PATH_MAX];
        struct oci_config cfg;
        struct sb_diags diags = {0};
        struct sb_err err = {0};
        int c, rc;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        bundle = optarg;
                        break;
                default:
                        fprintf(stderr, "sandbox: validate: unknown or incomplete option '%s'\n",
                                argv[optind - 1]);
                        return 2;
                }
        }
        if (optind < argc) {
                fprintf(stderr, "sandbox: validate: unexpected argument '%s'\n", argv[optind]);
                return 2;
        }
        /* Messages name the file as given; plain "config.json" for the current directory. */
        if (strcmp(bundle, ".") == 0)
                snprintf(path, sizeof(path), "config.json");
        else if ((size_t)snprintf(path, sizeof(path), "%s/config.json", bundle) >= sizeof(path)) {
                fprintf(stderr, "sandbox: validate: bundle path too long\n");
                return 1;
        }
        if (oci_config_load(path, &cfg, &diags, &err) < 0) {
                /* Parse problems are all in diags; a failure to read the file is only in err. */
                if (diags.count > 0)
                        print_diags(&diags);
                else
                        fprintf(stderr, "sandbox: %s\n", err.msg);
                sb_diags_free(&diags);
                return 1;
        }
        rc = oci_config_validate(path, &cfg, &diags);
        oci_config_free(&cfg);
        if (rc < 0) {
                print_diags(&diags);
                sb_diags_free(&diags);
                return 1;
        }
        sb_diags_free(&diags);
        printf("config.json: valid\n");
        return 0;
}

const struct sb_command sb_cmd_validate = {
    .name = "validate",
    .usage = "validate [--bundle DIR]",
    .summary = "check a bundle's config.json against the OCI runtime-spec (1.0 to 1.3)",
    .help = "Parses BUNDLE/config.json and checks the runtime-spec's rules: JSON types and\n"
            "ranges, known enum values (namespaces, capabilities, rlimits, seccomp actions,\n"
            "operators, architectures and flags), absolute paths, ID mapping ranges and the\n"
            "namespaces that settings depend on. Every problem is printed on its own line,\n"
            "named by its JSON path.\n\n"
            "Options:\n"
            "  -b, --bundle DIR   the bundle directory (default: the current directory)\n\n"
            "Exit status: 0 when the config is valid (prints \"config.json: valid\"), 1 when\n"
            "it is not or cannot be read, 2 on a usage error.\n",
    .run = run,
};
