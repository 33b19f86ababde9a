/* sandbox kill [--all] <container-id> [signal] */
#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "runtime/cmd_common.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
        struct sb_err err = {0};
        bool all = false;
        int c, sig = SIGTERM;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+a", opts, NULL)) != -1) {
                if (c != 'a') {
                        sb_error("kill: unknown option '%s'", argv[optind - 1]);
                        return 2;
                }
                all = true;
        }
        const char *id = sb_parse_id(argc, argv, "kill");
        if (id == NULL)
                return 2;
        if (optind < argc) {
                sig = runtime_signal_parse(argv[optind]);
                if (sig < 0) {
                        sb_error("kill: unknown signal \"%s\"", argv[optind]);
                        return 2;
                }
        }
        if (runtime_kill(g, id, sig, all, &err) < 0) {
                sb_error("kill %s: %s", id, err.msg);
                return 1;
        }
        return 0;
}

const struct sb_command sb_cmd_kill = {
    .name = "kill",
    .usage = "kill [--all] <container-id> [signal]",
    .summary = "send a signal to a container's init (default SIGTERM)",
    .help = "Options:\n"
            "  -a, --all   send the signal to every process of the container\n\n"
            "The signal is a name (KILL, SIGKILL, RTMIN+3) or a number.\n",
    .run = run,
};
