/* The container init's side of `create`, then of `start`.
 *
 * Order matters and each step says why:
 *   1. wait for the parent to write our id maps (we are unprivileged until then)
 *   2. join namespaces given by path (user first: the others are owned by it),
 *      create the others; fork once more if pid/time namespaces need it
 *   3. build the root filesystem in our private mount namespace (the host's
 *      mount table is never touched), let the parent run its hooks, pivot
 *   4. settings that need privilege: hostname, sysctl, rlimits, oom score
 *   5. receive the filters, which the parent compiled meanwhile (and the
 *      connection to the sentry), then report ready
 *   6. drop to the configured identity, no_new_privs, seccomp (after every
 *      step that needs a syscall the filters might refuse; as runc, before
 *      the wait for `start`, so that `start` does not wait for the filters)
 *   7. block until `start` connects; startContainer hooks, cwd, exec. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/keyctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/identity.h"
#include "runtime/namespaces.h"
#include "runtime/process_exec.h"
#include "runtime/process_limits.h"
#include "runtime/rootfs.h"
#include "runtime/seccomp_oci.h"
#include "runtime/sync.h"
#include "runtime/sysctl.h"
#include "runtime/terminal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/* The init's confinement, done before `start` connects. */
struct confined {
        bool failed;
        const char *step;
        struct sb_err err;
        int notify_fd; /* linux.seccomp's listener, for `start` to forward */
};

__attribute__((noreturn)) static void init_fail(int sync_fd, struct sb_err *err, const char *step)
{
        char msg[SB_ERR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s: %s", step, err->msg);
        runtime_sync_send(sync_fd, SYNC_ERROR, err->errnum, msg);
        _exit(1);
}

/* Joins and creates the namespaces of `plan` but those of `skip` (unshare
 * flags). -1 with err and *step on failure. */
static int setup_namespaces(struct runtime_init_ctx *ctx, const struct runtime_ns_plan *plan,
                            int skip, struct sb_err *err, const char **step)
{
        int flags = plan->unshare_flags & ~skip;

        *step = "join namespaces";
        if (ctx->join_fds[OCI_NS_USER] >= 0 &&
            runtime_ns_setns(ctx->join_fds[OCI_NS_USER], OCI_NS_USER, plan->join[OCI_NS_USER],
                             err) < 0)
                return -1;
        if (plan->new_user || plan->join[OCI_NS_USER]) {
                /* Become root of the user namespace; the maps are written already. */
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
                        *step = "user namespace";
                        return sb_err_set(err, errno, "setresuid(0) in the user namespace");
                }
        }
        for (int t = 0; t < OCI_NS_NTYPES; t++) {
                if (t == OCI_NS_USER || ctx->join_fds[t] < 0)
                        continue;
                if (runtime_ns_setns(ctx->join_fds[t], (enum oci_ns_type)t, plan->join[t], err) < 0)
                        return -1;
                close(ctx->join_fds[t]);
                ctx->join_fds[t] = -1;
        }
        *step = "create namespaces";
        if (flags != 0 && unshare(flags) < 0)
                return sb_err_set(err, errno, "unshare (flags 0x%x)", flags);
        *step = "network namespace";
        if ((flags & CLONE_NEWNET) && runtime_loopback_up(err) < 0)
                return -1;
        *step = "time namespace offsets";
        if (oci_config_namespace(ctx->cfg, OCI_NS_TIME) != NULL &&
            plan->join[OCI_NS_TIME] == NULL && runtime_write_time_offsets(ctx->cfg, err) < 0)
                return -1;
        return 0;
}

static void setup_terminal(struct runtime_init_ctx *ctx)
{
        const struct oci_process *p = &ctx->cfg->process;
        struct sb_err err = {0};
        char slave[PATH_MAX];
        int master = -1;

        if (!p->terminal)
                return;
        if (runtime_pty_open(p->console_size.height, p->console_size.width, p->console_size.present,
                             &master, slave, sizeof(slave), &err) < 0)
                init_fail(ctx->sync_fd, &err, "terminal");
        /* /dev/console is the container's terminal, as the spec asks. */
        int cfd = open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (cfd >= 0)
                close(cfd);
        if (mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0) {
                sb_err_set(&err, errno, "bind %s on /dev/console", slave);
                init_fail(ctx->sync_fd, &err, "terminal");
        }
        if (runtime_send_fd(ctx->console_fd, master, "/dev/ptmx", &err) < 0)
                init_fail(ctx->sync_fd, &err, "send the pty master to the console socket");
        close(master);
        close(ctx->console_fd);
        ctx->console_fd = -1;
        if (runtime_pty_make_controlling(slave, &err) < 0)
                init_fail(ctx->sync_fd, &err, "terminal");
}

static void apply_process_settings(struct runtime_init_ctx *ctx)
{
        const struct oci_config *cfg = ctx->cfg;
        const struct oci_process *p = &cfg->process;
        struct sb_err err = {0};

        if (cfg->hostname != NULL && cfg->hostname[0] != '\0' &&
            sethostname(cfg->hostname, strlen(cfg->hostname)) < 0) {
                sb_err_set(&err, errno, "sethostname \"%s\"", cfg->hostname);
                init_fail(ctx->sync_fd, &err, "hostname");
        }
        if (cfg->domainname != NULL && cfg->domainname[0] != '\0' &&
            setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0) {
                sb_err_set(&err, errno, "setdomainname \"%s\"", cfg->domainname);
                init_fail(ctx->sync_fd, &err, "domainname");
        }
        if (runtime_apply_rlimits(p, &err) < 0)
                init_fail(ctx->sync_fd, &err, "rlimits");
        if (runtime_apply_oom_score_adj(p, &err) < 0)
                init_fail(ctx->sync_fd, &err, "oom_score_adj");
        if (runtime_apply_personality(&cfg->linux_.personality, &err) < 0)
                init_fail(ctx->sync_fd, &err, "personality");
        if (runtime_apply_scheduler(p, &err) < 0)
                init_fail(ctx->sync_fd, &err, "scheduler");
        if (runtime_apply_io_priority(p, &err) < 0)
                init_fail(ctx->sync_fd, &err, "ioPriority");
        if (p->exec_cpu_affinity.initial != NULL &&
            runtime_apply_cpu_affinity(p->exec_cpu_affinity.initial, &err) < 0)
                init_fail(ctx->sync_fd, &err, "execCPUAffinity.initial");
}

/* After `start` connected: a confinement failure is reported to it; otherwise
 * the startContainer hooks (confined, as in runc), then the common last steps.
 * Errors go to `start` through the connection. */
__attribute__((noreturn)) static void finish_and_exec(struct runtime_init_ctx *ctx, int conn,
                                                      const char *exe,
                                                      const struct confined *confined)
{
        const struct oci_config *cfg = ctx->cfg;
        struct sb_err err = {0};

        if (confined->failed)
                runtime_report_failure(conn, confined->step, &confined->err);
        /* linux.seccomp's listener goes to its agent before the hooks run:
         * a hook's call that the filter sends there must find someone. */
        runtime_hand_over_listener(conn, confined->notify_fd);
        _cleanup_free_ char *state = runtime_hook_state_json(
            cfg->oci_version, ctx->opts->id, "created", 1, ctx->bundle, &cfg->annotations);
        if (runtime_hooks_run(cfg, OCI_HOOK_START_CONTAINER, state, false, &err) < 0)
                runtime_report_failure(conn, "startContainer hooks", &err);
        runtime_exec_confined(&cfg->process, ctx->opts->preserve_fds,
                              ctx->preserve_fds - ctx->opts->preserve_fds, conn, exe);
}

void runtime_init_main(struct runtime_init_ctx *ctx)
{
        const struct oci_config *cfg = ctx->cfg;
        struct runtime_ns_plan plan;
        struct runtime_sync_msg m;
        struct sb_err err = {0};
        char exe[PATH_MAX];

        /* If `create` dies during setup, so do we: no half-made container stays. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (ctx->console_fd < 0 && ctx->opts->console_fd_out >= 0)
                close(ctx->opts->console_fd_out); /* `run`'s spare console end: not a terminal */
        /* Without a user namespace (whose maps come with the go) or a second
         * fork (whose child must start in the cgroup), the namespaces are
         * made while the runtime sets up the cgroup: a network namespace
         * alone takes about half a millisecond. As runc and crun do, they
         * are made before the init enters its cgroup; the cgroup namespace
         * comes after, its root being that cgroup. A failure is reported
         * once the go came, as every other. */
        runtime_ns_plan(cfg, &plan);
        bool early = !plan.new_user && plan.join[OCI_NS_USER] == NULL && !plan.need_fork;
        const char *step = NULL;
        int failed = early ? setup_namespaces(ctx, &plan, CLONE_NEWCGROUP, &err, &step) : 0;
        if (runtime_sync_recv(ctx->sync_fd, &m) < 0 || m.type != SYNC_GO)
                _exit(1);
        if (failed == 0 && early && (plan.unshare_flags & CLONE_NEWCGROUP) &&
            unshare(CLONE_NEWCGROUP) < 0) {
                step = "create namespaces";
                failed = sb_err_set(&err, errno, "unshare (flags 0x%x)", CLONE_NEWCGROUP);
        }
        if (failed == 0 && !early)
                failed = setup_namespaces(ctx, &plan, 0, &err, &step);
        if (failed < 0)
                init_fail(ctx->sync_fd, &err, step);

        if (plan.need_fork) {
                pid_t pid = fork();
                if (pid < 0) {
                        sb_err_set(&err, errno, "fork");
                        init_fail(ctx->sync_fd, &err, "pid namespace");
                }
                if (pid > 0) {
                        runtime_sync_send(ctx->sync_fd, SYNC_CHILD_PID, pid, NULL);
                        _exit(0);
                }
                /* Our parent exits at once, so a death signal would fire now; if
                 * `create` dies, the sync socket's hang-up ends us instead. */
                prctl(PR_SET_PDEATHSIG, 0);
        }

        /* A session keyring of its own (as runc), so the container cannot
         * read or use the keys of the session that started it. */
        if (!ctx->opts->no_new_keyring &&
            syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, ctx->opts->id) < 0 &&
            errno != ENOSYS && errno != EPERM) {
                sb_err_set(&err, errno, "keyctl(KEYCTL_JOIN_SESSION_KEYRING)");
                init_fail(ctx->sync_fd, &err, "session keyring");
        }
        /* Relative mount sources are relative to the bundle, as in runc. */
        if (chdir(ctx->bundle) < 0) {
                sb_err_set(&err, errno, "chdir to the bundle `%s`", ctx->bundle);
                init_fail(ctx->sync_fd, &err, "rootfs");
        }
        if (plan.new_mount) {
                bool in_userns = plan.new_user || plan.join[OCI_NS_USER] != NULL;
                if (runtime_rootfs_prepare(cfg, ctx->rootfs, in_userns, &err) < 0)
                        init_fail(ctx->sync_fd, &err, "rootfs");
        }
        if (runtime_sync_send(ctx->sync_fd, SYNC_HOOKS, 0, NULL) < 0 ||
            runtime_sync_recv(ctx->sync_fd, &m) < 0)
                _exit(1);
        if (m.type != SYNC_HOOKS_DONE)
                _exit(1);
        {
                _cleanup_free_ char *state = runtime_hook_state_json(
                    cfg->oci_version, ctx->opts->id, "creating", 1, ctx->bundle, &cfg->annotations);
                if (runtime_hooks_run(cfg, OCI_HOOK_CREATE_CONTAINER, state, false, &err) < 0)
                        init_fail(ctx->sync_fd, &err, "createContainer hooks");
        }
        if (plan.new_mount) {
                if (runtime_rootfs_pivot(ctx->rootfs, ctx->opts->no_pivot, &err) < 0)
                        init_fail(ctx->sync_fd, &err, "pivot_root");
                if (runtime_sysctl_apply(cfg, &err) < 0)
                        init_fail(ctx->sync_fd, &err, "sysctl");
                if (runtime_rootfs_finalize(cfg, &err) < 0)
                        init_fail(ctx->sync_fd, &err, "rootfs");
        } else if (chroot(ctx->rootfs) < 0 || chdir("/") < 0) {
                sb_err_set(&err, errno, "chroot `%s`", ctx->rootfs);
                init_fail(ctx->sync_fd, &err, "rootfs");
        }
        apply_process_settings(ctx);
        setup_terminal(ctx);
        if (runtime_lookup_exec(&cfg->process, exe, sizeof(exe), &err) < 0)
                init_fail(ctx->sync_fd, &err, "process");

        /* The filters, which the runtime compiled while we got here. */
        struct runtime_confinement conf;
        if (runtime_sync_send(ctx->sync_fd, SYNC_CONFINE, 0, NULL) < 0)
                _exit(1);
        if (runtime_confinement_receive(ctx->sync_fd, &conf, &err) < 0)
                init_fail(ctx->sync_fd, &err, "confinement");
        ctx->conf = &conf;

        /* Ready. From here on we outlive `create`: drop the death signal. */
        prctl(PR_SET_PDEATHSIG, 0);
        runtime_sync_send(ctx->sync_fd, SYNC_READY, 0, NULL);
        close(ctx->sync_fd);

        /* Identity, no_new_privs and the filters now, while `create` returns
         * and `start` comes (as runc, which confines its init before it
         * waits on the exec fifo): loading a long filter no longer delays
         * `start`. From here on only accept4, read, close, the
         * startContainer hooks and execve run, as the container's user
         * under its filters; a failure waits for `start`, which reports it. */
        struct confined confined = {.notify_fd = -1};
        confined.failed = runtime_confine_process(&cfg->process, ctx->conf, &confined.notify_fd,
                                                  &confined.step, &confined.err) < 0;

        for (;;) {
                int conn = accept4(ctx->start_listen_fd, NULL, NULL, SOCK_CLOEXEC);
                if (conn < 0) {
                        if (errno == EINTR)
                                continue;
                        _exit(1);
                }
                char b;
                if (read(conn, &b, 1) != 1) {
                        close(conn);
                        continue;
                }
                close(ctx->start_listen_fd);
                finish_and_exec(ctx, conn, exe, &confined);
        }
}
