/* sandbox delete [--force] <container-id> */
#include <getopt.h>

#include "runtime/cmd_common.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
        struct sb_err err = {0};
        bool force = false;
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+f", opts, NULL)) != -1) {
                if (c != 'f') {
                        sb_error("delete: unknown option '%s'", argv[optind - 1]);
                        return 2;
                }
                force = true;
        }
        const char *id = sb_parse_id(argc, argv, "delete");
        if (id == NULL)
                return 2;
        if (runtime_delete(g, id, force, &err) < 0) {
                sb_error("delete %s: %s", id, err.msg);
                return 1;
        }
        return 0;
}

const struct sb_command sb_cmd_delete = {
    .name = "delete",
    .usage = "delete [--force] <container-id>",
    .summary = "delete a container and everything it holds",
    .help = "Options:\n"
            "  -f, --force   kill a running container first; also removes what a crashed\n"
            "                create left behind\n",
    .run = run,
};
