/* sandbox state <container-id>: the OCI state document. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "runtime/cmd_common.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        struct sb_err err = {0};
        struct runtime_state st;

        optind = 1;
        const char *id = sb_parse_id(argc, argv, "state");
        if (id == NULL)
                return 2;
        if (runtime_state_read(g->root, id, &st, &err) < 0) {
                sb_error("state %s: %s", id, err.msg);
                return 1;
        }
        char *s = runtime_oci_state_json(&st, runtime_state_status(g->root, &st));
        if (s != NULL)
                printf("%s\n", s);
        free(s);
        runtime_state_free(&st);
        return s ? 0 : 1;
}

const struct sb_command sb_cmd_state = {
    .name = "state",
    .usage = "state <container-id>",
    .summary = "print the OCI state of a container",
    .help = "Prints ociVersion, id, status (creating, created, running, stopped), pid,\n"
            "bundle and annotations as JSON. The status is read from the process itself.\n",
    .run = run,
};
