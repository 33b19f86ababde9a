/* sandbox resume <container-id>: thaws a paused container. */
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
        const char *id = sb_parse_id(argc, argv, "resume");
        if (id == NULL)
                return 2;
        int lock = runtime_state_lock(g->root, id, &err);
        if (lock < 0) {
                sb_error("resume %s: %s", id, err.msg);
                return 1;
        }
        if (runtime_state_read(g->root, id, &st, &err) < 0) {
                sb_error("resume %s: %s", id, err.msg);
                close(lock);
                return 1;
        }
        enum runtime_status s = runtime_state_status(g->root, &st);
        if (s == RUNTIME_STOPPED || st.cgroup_path == NULL || st.cgroup_path[0] == '\0') {
                sb_error("resume %s: container not paused", id);
        } else if (runtime_cgroup_open("/sys/fs/cgroup", st.cgroup_path, &cg, &err) < 0) {
                sb_error("resume %s: %s", id, err.msg);
        } else {
                if (!runtime_cgroup_is_frozen(&cg))
                        sb_error("resume %s: container not paused", id);
                else if (runtime_cgroup_freeze(&cg, false, &err) < 0)
                        sb_error("resume %s: %s", id, err.msg);
                else
                        rc = 0;
                runtime_cgroup_free(&cg);
        }
        runtime_state_free(&st);
        close(lock);
        return rc;
}

const struct sb_command sb_cmd_resume = {
    .name = "resume",
    .usage = "resume <container-id>",
    .summary = "resume all processes of a paused container",
    .help = "Thaws the container's cgroup and waits until its processes run again.\n",
    .run = run,
};
