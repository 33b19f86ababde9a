/* sandbox list [--format table|json] [-q] */
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cmd_common.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {NULL, 0, NULL, 0}};
        const char *format = "table";
        bool quiet = false;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+f:q", opts, NULL)) != -1) {
                if (c == 'f') {
                        format = optarg;
                } else if (c == 'q') {
                        quiet = true;
                } else {
                        sb_error("list: unknown option '%s'", argv[optind - 1]);
                        return 2;
                }
        }
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
                sb_error("list: --format: invalid format \"%s\" (table or json)", format);
                return 2;
        }
        json_t *arr = json_array();
        struct dirent **names = NULL;
        int n = scandir(g->root, &names, NULL, alphasort);
        if (!quiet && strcmp(format, "table") == 0)
                printf("%-12s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
                       "CREATED", "OWNER");
        for (int i = 0; i < n; i++) {
                struct runtime_state st;
                struct sb_err err;
                if (names[i]->d_name[0] == '.' ||
                    runtime_state_read(g->root, names[i]->d_name, &st, &err) < 0) {
                        free(names[i]);
                        continue;
                }
                enum runtime_status s = runtime_state_status(g->root, &st);
                pid_t pid = s == RUNTIME_STOPPED ? 0 : st.pid;
                if (quiet)
                        printf("%s\n", st.id);
                else if (strcmp(format, "table") == 0)
                        printf("%-12s %-8d %-10s %-40s %-32s %s\n", st.id, (int)pid,
                               runtime_status_name(s), st.bundle, st.created, "root");
                else
                        json_array_append_new(
                            arr, json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s}", "ociVersion",
                                           st.oci_version, "id", st.id, "pid", (int)pid, "status",
                                           runtime_status_name(s), "bundle", st.bundle, "rootfs",
                                           st.rootfs, "created", st.created, "owner", "root"));
                runtime_state_free(&st);
                free(names[i]);
        }
        free(names);
        if (!quiet && strcmp(format, "json") == 0) {
                char *s = json_dumps(arr, JSON_COMPACT);
                printf("%s\n", s ? s : "[]");
                free(s);
        }
        json_decref(arr);
        return 0;
}

const struct sb_command sb_cmd_list = {
    .name = "list",
    .usage = "list [--format table|json] [-q]",
    .summary = "list the containers under --root",
    .help = "Options:\n"
            "  -f, --format FMT   table (default) or json\n"
            "  -q, --quiet        print only the container ids\n",
    .run = run,
};
