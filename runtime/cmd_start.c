/* sandbox start <container-id> */
#include <getopt.h>

#include "runtime/cmd_common.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        struct sb_err err = {0};

        optind = 1;
        const char *id = sb_parse_id(argc, argv, "start");
        if (id == NULL)
                return 2;
        if (runtime_start(g, id, &err) < 0) {
                sb_error("start %s: %s", id, err.msg);
                return 1;
        }
        return 0;
}

const struct sb_command sb_cmd_start = {
    .name = "start",
    .usage = "start <container-id>",
    .summary = "start the user process of a created container",
    .help = "Makes the waiting init exec process.args and returns once it has.\n",
    .run = run,
};
