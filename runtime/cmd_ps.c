/* sandbox ps [--format table|json] <container-id> [ps options]: the
 * container's processes; the table is `ps` output (default `-ef`) filtered to
 * them, as runc does. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cmd_common.h"
#include "runtime/log.h"

static bool has_pid(const pid_t *pids, size_t n, long p)
{
        for (size_t i = 0; i < n; i++)
                if (pids[i] == p)
                        return true;
        return false;
}

static int print_table(const pid_t *pids, size_t n, int argc, char **argv)
{
        char cmd[4096] = "ps";
        size_t off = 2;
        if (argc == 0)
                off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, " -ef");
        for (int i = 0; i < argc; i++) {
                /* arguments are single-quoted for the shell */
                if (strchr(argv[i], '\'') != NULL) {
                        sb_error("ps: invalid ps option \"%s\"", argv[i]);
                        return 2;
                }
                off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, " '%s'", argv[i]);
                if (off >= sizeof(cmd))
                        return 2;
        }
        FILE *f = popen(cmd, "r");
        if (f == NULL) {
                sb_error("ps: run `%s`: %m", cmd);
                return 1;
        }
        char line[8192];
        int pid_col = -1;
        while (fgets(line, sizeof(line), f) != NULL) {
                char copy[8192];
                snprintf(copy, sizeof(copy), "%s", line);
                char *save = NULL;
                int col = 0;
                if (pid_col < 0) {
                        for (char *t = strtok_r(copy, " \t\n", &save); t;
                             t = strtok_r(NULL, " \t\n", &save), col++)
                                if (strcmp(t, "PID") == 0)
                                        pid_col = col;
                        fputs(line, stdout);
                        if (pid_col < 0) {
                                pclose(f);
                                sb_error("ps: no PID column in the output of `%s`", cmd);
                                return 1;
                        }
                        continue;
                }
                for (char *t = strtok_r(copy, " \t\n", &save); t;
                     t = strtok_r(NULL, " \t\n", &save), col++) {
                        if (col == pid_col) {
                                if (has_pid(pids, n, strtol(t, NULL, 10)))
                                        fputs(line, stdout);
                                break;
                        }
                }
        }
        return pclose(f) == 0 ? 0 : 1;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                             {NULL, 0, NULL, 0}};
        const char *format = "table";
        struct sb_err err = {0};
        struct runtime_state st;
        int c, rc = 1;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+f:", opts, NULL)) != -1) {
                if (c != 'f') {
                        sb_error("ps: unknown option '%s'", argv[optind - 1]);
                        return 2;
                }
                format = optarg;
        }
        const char *id = sb_parse_id(argc, argv, "ps");
        if (id == NULL)
                return 2;
        if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
                sb_error("ps: --format: invalid format \"%s\" (table or json)", format);
                return 2;
        }
        if (runtime_state_read(g->root, id, &st, &err) < 0) {
                sb_error("ps %s: %s", id, err.msg);
                return 1;
        }
        pid_t *pids = NULL;
        size_t n = 0;
        if (runtime_container_pids(&st, &pids, &n, &err) < 0) {
                sb_error("ps %s: %s", id, err.msg);
                goto out;
        }
        if (strcmp(format, "json") == 0) {
                printf("[");
                for (size_t i = 0; i < n; i++)
                        printf("%s%d", i ? "," : "", (int)pids[i]);
                printf("]\n");
                rc = 0;
        } else {
                if (optind < argc && strcmp(argv[optind], "--") == 0)
                        optind++;
                fflush(stdout);
                rc = print_table(pids, n, argc - optind, argv + optind);
        }
out:
        free(pids);
        runtime_state_free(&st);
        return rc;
}

const struct sb_command sb_cmd_ps = {
    .name = "ps",
    .usage = "ps [--format table|json] <container-id> [-- ps options]",
    .summary = "list the processes running in a container",
    .help = "Options:\n"
            "  -f, --format FMT   table (default: `ps -ef` filtered to the container) or\n"
            "                     json (an array of host pids)\n",
    .run = run,
};
