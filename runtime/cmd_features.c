/* Placeholder while the command is being written; replaced by runtime/cmd_features.c proper. */
#include "runtime/commands.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        sb_error("features: not implemented yet");
        return 1;
}

const struct sb_command sb_cmd_features = {
    .name = "features",
    .usage = "features",
    .summary = "not implemented yet",
    .help = "",
    .run = run,
};
