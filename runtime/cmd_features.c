/* sandbox features: prints the OCI features document (what this runtime
 * supports), like `runc features`. */
#include <stdio.h>

#include "runtime/commands.h"
#include "runtime/features.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        if (argc > 1) {
                sb_error("features: takes no arguments (got '%s')", argv[1]);
                return 2;
        }
        json_t *doc = runtime_features();
        if (doc == NULL) {
                sb_error("features: building the document: out of memory");
                return 1;
        }
        int r = json_dumpf(doc, stdout, JSON_INDENT(4));
        json_decref(doc);
        if (r < 0 || fputc('\n', stdout) == EOF || fflush(stdout) == EOF) {
                sb_error("features: write to stdout failed");
                return 1;
        }
        return 0;
}

const struct sb_command sb_cmd_features = {
    .name = "features",
    .usage = "features",
    .summary = "show the enabled features (OCI runtime-spec features document)",
    .help = "Prints, as JSON, the OCI versions, hooks, mount options, namespaces,\n"
            "capabilities, cgroup and seccomp features this runtime supports.\n",
    .run = run,
};
