/* `exec`: run a new process inside a running container. */
#ifndef SANDBOX_EXEC_H
#define SANDBOX_EXEC_H

#include <stdbool.h>

#include "runtime/cgroup.h"
#include "runtime/commands.h"
#include "runtime/confine.h"
#include "runtime/oci_config.h"
#include "runtime/state.h"

struct runtime_exec_opts {
        const struct oci_process *process; /* the process to run (already merged with flags) */
        const char *console_socket;
        const char *pid_file;
        bool detach;
        int preserve_fds;
        const struct runtime_cgroup *cgroup;           /* the container's cgroup to join, or NULL */
        const struct runtime_cgroup_subs *cgroup_subs; /* --cgroup (may be empty), or NULL */
        const struct runtime_confinement *conf; /* the container's profile and sentry, or NULL */
};

/* Runs o->process in the container of `st`. Without detach, waits and puts
 * the process's exit code (128+N for signal N) in *exit_code. */
int runtime_exec(const struct sb_global *g, const struct runtime_exec_opts *o,
                 const struct runtime_state *st, const struct oci_config *cfg, int *exit_code,
                 struct sb_err *err);

#endif
