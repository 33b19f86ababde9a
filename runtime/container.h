/* The container lifecycle: create (the parent side in container.c, the
 * init's side in init.c), start, kill, delete. Commands in cmd_*.c only parse
 * flags and call these. */
#ifndef SANDBOX_CONTAINER_H
#define SANDBOX_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "runtime/cgroup.h"
#include "runtime/commands.h"
#include "runtime/confine.h"
#include "runtime/error.h"
#include "runtime/oci_config.h"
#include "runtime/state.h"

#define SB_CGROUP_ROOT "/sys/fs/cgroup"

struct runtime_create_opts {
        const char *id;
        const char *bundle;         /* as given; made absolute */
        const char *pid_file;       /* may be NULL */
        const char *console_socket; /* may be NULL */
        int preserve_fds;
        bool no_pivot;
        bool no_new_keyring;
        /* `run` in the foreground: the runtime stays the parent (subreaper) of init. */
        bool foreground;
        /* `run` in the foreground with a terminal and no console socket: the
         * runtime receives the pty master itself and proxies it. */
        int console_fd_out;
        /* When set, a successful create moves its parsed config here (the
         * caller frees it with oci_config_free). */
        struct oci_config *keep_config;
};

/* What the init needs; lives in the parent's memory, inherited by the fork. */
struct runtime_init_ctx {
        const struct runtime_create_opts *opts;
        const struct oci_config *cfg;
        const char *rootfs;  /* absolute host path */
        const char *bundle;  /* absolute */
        int sync_fd;         /* the init's end of the sync socketpair */
        int start_listen_fd; /* listening socket `start` connects to */
        int console_fd;      /* connected console socket, or -1 */
        int join_fds[OCI_NS_NTYPES];
        int preserve_fds; /* including LISTEN_FDS */
        /* profile filter + sentry connection: received from the runtime
         * before the init is ready (runtime_confinement_receive) */
        const struct runtime_confinement *conf;
};

/* create: returns 0 and the init's host pid in *pid. */
int runtime_create(const struct sb_global *g, struct runtime_create_opts *opts, pid_t *pid,
                   struct sb_err *err);
/* The init's side of create: never returns (execs the user process or exits). */
__attribute__((noreturn)) void runtime_init_main(struct runtime_init_ctx *ctx);

int runtime_start(const struct sb_global *g, const char *id, struct sb_err *err);
int runtime_kill(const struct sb_global *g, const char *id, int sig, bool all, struct sb_err *err);
int runtime_delete(const struct sb_global *g, const char *id, bool force, struct sb_err *err);
/* The same with the container's config already in memory (`run`, which has
 * just created the container: see runtime_create_opts.keep_config), instead
 * of reading the copy saved in the state directory again. */
int runtime_start_with(const struct sb_global *g, const char *id, const struct oci_config *cfg,
                       struct sb_err *err);
int runtime_delete_with(const struct sb_global *g, const char *id, bool force,
                        const struct oci_config *cfg, struct sb_err *err);

/* A process's exit code as a shell reports it: the status, or 128+N for signal N. Pure. */
int runtime_exit_code(int wait_status);

/* Signal names and numbers ("KILL", "SIGKILL", "9"). Pure. Returns -1 if unknown. */
int runtime_signal_parse(const char *s);

/* Pids of the container's processes (same pid namespace as its init). */
int runtime_container_pids(const struct runtime_state *st, pid_t **pids, size_t *n,
                           struct sb_err *err);

/* Reads ROOT/ID/config.json (the copy taken at create). */
int runtime_load_saved_config(const char *root, const char *id, struct oci_config *cfg,
                              struct sb_err *err);

/* The container's cgroup from its state; false when it has none. */
bool runtime_state_cgroup(const struct runtime_state *st, struct runtime_cgroup *cg);

/* Sends the signal to the process if it still is the container's init (pidfd). */
int runtime_signal_init(const struct runtime_state *st, int sig, struct sb_err *err);

#endif
