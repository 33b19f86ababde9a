/* sandbox pause <container-id>: freezes every process of the container
 * (v2 cgroup.freeze, v1 freezer.state) and waits until they are stopped. */
#include <getopt.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/cmd_common.h"
#include "runtime/log.h"

static int run(struct sb_global *g, int argc, char **argv)
{
        struct sb_err err = {0};
        struct runtime_state st;
        struct runtime_cgroup cg;
        int rc = 1;

        optind = 1;
        const char *id = sb_parse_id(argc, argv, "pause");
        if (id == NULL)
                return 2;
        int lock = runtime_state_lock(g->root, id, &err);
        if (lock < 0) {
                sb_error("pause %s: %s", id, err.msg);
                return 1;
        }
        if (runtime_state_read(g->root, id, &st, &err) < 0) {
                sb_error("pause %s: %s", id, err.msg);
                close(lock);
                return 1;
        }
        enum runtime_status s = runtime_state_status(g->root, &st);
        if (s != RUNTIME_RUNNING && s != RUNTIME_CREATED) {
                sb_error("pause %s: container not running", id);
        } else if (st.cgroup_path == NULL || st.cgroup_path[0] == '\0') {
                sb_error("pause %s: the container has no cgroup", id);
        } else if (runtime_cgroup_open("/sys/fs/cgroup", st.cgroup_path, &cg, &err) < 0) {
                sb_error("pause %s: %s", id, err.msg);
        } else {
                if (runtime_cgroup_is_frozen(&cg))
                        sb_error("pause %s: container not running (already paused)", id);
                else if (runtime_cgroup_freeze(&cg, true, &err) < 0)
                        sb_error("pause %s: %s", id, err.msg);
                else
                        rc = 0;
                runtime_cgroup_free(&cg);
        }
        runtime_state_free(&st);
        close(lock);
        return rc;
}

const struct sb_command sb_cmd_pause = {
    .name = "pause",
    .usage = "pause <container-id>",
    .summary = "suspend all processes of a container",
    .help = "Freezes the container's cgroup (cgroup v2 cgroup.freeze, v1 freezer) and\n"
            "waits until every process is stopped. `resume` continues them.\n",
    .run = run,
};
