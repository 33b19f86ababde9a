/* sandbox create [options] <container-id> */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        struct runtime_create_opts o;
        struct sb_err err = {0};
        pid_t pid;

        if (sb_parse_create_flags(argc, argv, &o, NULL) < 0)
                return 2;
        if (runtime_create(g, &o, &pid, &err) < 0) {
                sb_error("create %s: %s", o.id, err.msg);
                return 1;
        }
        return 0;
}

const struct sb_command sb_cmd_create = {
    .name = "create",
    .usage = "create [options] <container-id>",
    .summary = "create a container (its init waits for `start`)",
    .help = SB_CREATE_FLAGS_HELP,
    .run = run,
    .enters_container = true,
};
