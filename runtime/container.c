/* The parent side of `create`: validates the bundle, claims the state
 * directory, clones the init into its namespaces, writes its id maps, runs
 * the runtime-namespace hooks when the init asks, and records the state.
 * Any failure kills the init and removes the state directory: nothing is
 * left behind. */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit/audit.h"
#include "runtime/cgroup.h"
#include "runtime/cleanup.h"
#include "runtime/file_replace.h"
#include "runtime/fault.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/process_limits.h"
#include "runtime/namespaces.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "sentry/events.h"
#include "sentry/sentry.h"

static void now_rfc3339(char *buf, size_t len)
{
        struct timespec ts;
        struct tm tm;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

static int copy_annotations(const struct oci_kv_list *src, struct oci_kv_list *dst)
{
        dst->items = calloc(src->count ? src->count : 1, sizeof(*dst->items));
        if (dst->items == NULL)
                return -1;
        for (size_t i = 0; i < src->count; i++) {
                dst->items[i].key = strdup(src->items[i].key);
                dst->items[i].value = strdup(src->items[i].value);
                dst->count = i + 1;
                if (!dst->items[i].key || !dst->items[i].value)
                        return -1;
        }
        return 0;
}

/* containerd reads the pid file as soon as it exists: it appears whole. */
static int write_pid_file(const char *path, pid_t pid, struct sb_err *err)
{
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%d", (int)pid);

        return sb_file_write_whole(path, buf, (size_t)n, 0644, err);
}

static int save_config_copy(const char *bundle, const char *dir, struct sb_err *err)
{
        char src[PATH_MAX + 16], dst[PATH_MAX + 16];
        char buf[65536];
        _cleanup_close_ int in = -1, out = -1;
        ssize_t n;

        snprintf(src, sizeof(src), "%s/config.json", bundle);
        snprintf(dst, sizeof(dst), "%s/config.json", dir);
        in = open(src, O_RDONLY | O_CLOEXEC);
        if (in < 0)
                return sb_err_set(err, errno, "open `%s`", src);
        out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (out < 0)
                return sb_err_set(err, errno, "open `%s`", dst);
        while ((n = read(in, buf, sizeof(buf))) > 0)
                if (write(out, buf, (size_t)n) != n)
                        return sb_err_set(err, errno, "write `%s`", dst);
        if (n < 0)
                return sb_err_set(err, errno, "read `%s`", src);
        return 0;
}

int runtime_load_saved_config(const char *root, const char *id, struct oci_config *cfg,
                              struct sb_err *err)
{
        char dir[PATH_MAX], path[PATH_MAX + 16];

        runtime_state_dir(root, id, dir);
        snprintf(path, sizeof(path), "%s/config.json", dir);
        return oci_config_load(path, cfg, NULL, err);
}

static int listen_start_socket(const char *root, const char *id, struct sb_err *err)
{
        struct sockaddr_un sa;
        char path[PATH_MAX + 16];
        int dfd = runtime_state_socket_addr(root, id, "start.sock", &sa, path, sizeof(path), err);
        int fd;

        if (dfd < 0)
                return -1;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
                close(dfd);
                return sb_err_set(err, errno, "socket");
        }
        unlink(path);
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
                int e = errno;
                close(fd);
                close(dfd);
                return sb_err_set(err, e, "bind `%s`", path);
        }
        close(dfd);
        chmod(path, 0600);
        return fd;
}

/* Kills a process and waits for it to be gone. Our own child (start_time
 * 0) cannot have been reaped yet; any other one is signalled through a
 * pidfd only when the process it names started at `start_time`, so that a
 * number freed and taken meanwhile is left alone. */
static void kill_and_reap(pid_t pid, uint64_t start_time)
{
        if (pid <= 0)
                return;
        int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (pfd < 0 && start_time != 0)
                return; /* gone */
        if (start_time != 0 && !runtime_proc_is(pid, start_time)) {
                close(pfd);
                return; /* the number names another process now */
        }
        if (pfd >= 0)
                (void)syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
        else
                kill(pid, SIGKILL);
        if (waitpid(pid, NULL, 0) < 0 && pfd >= 0) {
                /* Not our child: the pidfd becomes readable when it exits. */
                struct pollfd p = {.fd = pfd, .events = POLLIN};
                poll(&p, 1, 5000);
        }
        if (pfd >= 0)
                close(pfd);
}

/* --audit-enforce: the audit's findings at or above `sev` refuse the container. */
static int enforce_audit(const char *sev, const struct oci_config *cfg, struct sb_err *err)
{
        enum audit_severity min;
        struct audit_report r = {0};

        if (audit_severity_from_name(sev, &min) < 0)
                return sb_err_set(err, 0, "--audit-enforce: unknown severity \"%s\"", sev);
        if (audit_config(cfg, "config.json", &r) < 0) {
                audit_report_free(&r);
                return sb_err_set(err, 0, "audit failed");
        }
        size_t n = audit_report_count_at_least(&r, min);
        if (n > 0) {
                char list[2048] = "";
                size_t off = 0;
                for (size_t i = 0; i < r.count && off < sizeof(list) - 1; i++) {
                        if (r.items[i].severity < min)
                                continue;
                        off += (size_t)snprintf(
                            list + off, sizeof(list) - off, "%s%s %s (%s) at %s", off ? "; " : "",
                            r.items[i].check->id, audit_severity_name(r.items[i].severity),
                            r.items[i].check->title, r.items[i].field);
                }
                audit_report_free(&r);
                return sb_err_set(err, 0, "refused by --audit-enforce %s: %zu finding(s): %s", sev,
                                  n, list);
        }
        audit_report_free(&r);
        return 0;
}

/* A refused create is a security event too: recorded where the sentry's go. */
static void record_refusal(const struct sb_global *g, const char *id, const char *bundle,
                           const char *profile, const char *rule, const char *why)
{
        static const char *const tags[] = {"refused", NULL};
        struct sb_err err = {0};
        struct sentry_event e = {
            .container_id = id,
            .bundle = bundle,
            .profile = profile,
            .rule = rule,
            .syscall = "none",
            .nr = -1,
            .pid = getpid(),
            .uid = (long)geteuid(),
            .gid = (long)getegid(),
            .comm = "sandbox",
            .decision = "deny",
            .priority = SENTRY_PRIO_WARNING,
            .tags = tags,
            .message = why,
            .source = "sandbox",
        };

        if (sentry_events_append_one(runtime_events_log(g), g->events_syslog, &e, &err) < 0)
                sb_warn("events log: %s", err.msg);
}

#define FAULT(point)                                                                               \
        do {                                                                                       \
                if (sb_fault(point, err) < 0)                                                      \
                        goto out;                                                                  \
        } while (0)

static pid_t clone_init(int flags)
{
        /* Raw clone with a NULL stack behaves like fork() but creates the user and
         * pid namespaces at the same time, so the child is pid 1 of its pid
         * namespace without an extra fork. */
        return (pid_t)syscall(SYS_clone, (unsigned long)flags | SIGCHLD, NULL, NULL, NULL, 0);
}

static int resolve_paths(const struct runtime_create_opts *opts, const struct oci_config *cfg,
                         char *bundle, char *rootfs, struct sb_err *err)
{
        char tmp[PATH_MAX];
        struct stat sb;

        if (realpath(opts->bundle, bundle) == NULL)
                return sb_err_set(err, errno, "bundle `%s`", opts->bundle);
        if (cfg->root.path[0] == '/')
                snprintf(tmp, sizeof(tmp), "%s", cfg->root.path);
        else
                snprintf(tmp, sizeof(tmp), "%s/%s", bundle, cfg->root.path);
        if (realpath(tmp, rootfs) == NULL)
                return sb_err_set(err, errno, "root filesystem `%s`", tmp);
        if (stat(rootfs, &sb) < 0 || !S_ISDIR(sb.st_mode))
                return sb_err_set(err, ENOTDIR, "root filesystem `%s`", rootfs);
        return 0;
}

/* The sentry's lookups in /proc/PID of a process with another uid than its
 * own are ptrace checks: without CAP_SYS_PTRACE, the opens it performs for
 * such a process fail (EACCES). Said once per container. */
static void warn_without_ptrace(void)
{
        cap_t caps = cap_get_proc();
        cap_flag_value_t v = CAP_CLEAR;

        if (caps != NULL) {
                cap_get_flag(caps, CAP_SYS_PTRACE, CAP_EFFECTIVE, &v);
                cap_free(caps);
        }
        if (v != CAP_SET)
                sb_warn("sentry: the runtime has no CAP_SYS_PTRACE: opens the sentry performs for "
                        "a container process of another uid will fail with EACCES");
}

/* The profile resolved and its bounds checked; a refusal is recorded. */
static int resolve_profile(const struct sb_global *g, const char *id, const char *bundle,
                           const char *profile_ref, const struct oci_config *cfg,
                           struct runtime_confinement *conf, struct sb_diags *diags,
                           struct sb_err *err)
{
        if (runtime_confinement_resolve(profile_ref, cfg, true, conf, diags, err) == 0)
                return 0;
        for (size_t i = 0; i + 1 < diags->count; i++)
                sb_error("%s", diags->items[i]);
        if (conf->refused) {
                char why[4096] = "";
                size_t off = 0;
                for (size_t i = 0; i < diags->count && off < sizeof(why) - 1; i++)
                        off += (size_t)snprintf(why + off, sizeof(why) - off, "%s%s", i ? "; " : "",
                                                diags->items[i]);
                record_refusal(g, id, bundle, conf->eff.name, "profile-bounds", why);
        }
        return -1;
}

/* The container's sentry, for a profile that routes calls; recorded in the
 * state at once, so that `delete --force` finds it whatever happens next. */
static int start_sentry(const struct sb_global *g, const struct runtime_create_opts *opts,
                        const struct oci_config *cfg, const char *bundle,
                        struct runtime_confinement *conf, pid_t init_pid, int listen_fd,
                        struct runtime_state *st, pid_t *sentry_pid, struct sb_err *err)
{
        /* On the container's cpus: a round trip within one cpu costs a few
         * microseconds, a wake-up across cpus a hundred or more. */
        cpu_set_t cpus;
        int placed = runtime_container_cpus(cfg, &cpus, err);

        if (placed < 0)
                return -1;
        struct sentry_config sc = {
            .container_id = opts->id,
            .bundle = bundle,
            .profile_name = conf->eff.name,
            .events_log = runtime_events_log(g),
            .on_loss = conf->tables.on_sentry_loss == POLICY_LOSS_DENY ? SENTRY_LOSS_DENY
                                                                       : SENTRY_LOSS_KILL,
            .policy = &conf->tables,
            .init_pid = init_pid,
            .log_fd = sb_log_fd(),
            .listen_fd = listen_fd,
            .watch_loss = true,
            .syslog = g->events_syslog,
            .events_max_bytes = g->events_max_size,
            .events_keep = g->events_keep,
            .cpus = placed ? &cpus : NULL,
        };
        int ctl = -1;

        warn_without_ptrace();
        if (sentry_spawn(&sc, sentry_pid, &ctl, err) < 0)
                return -1;
        close(ctl);
        st->sentry_pid = *sentry_pid;
        st->sentry_start_time = runtime_proc_start_time(*sentry_pid);
        if (runtime_state_write(g->root, st, err) < 0)
                return -1;
        return sb_fault("create: sentry", err);
}

/* The parent's side of the sync protocol until the init is ready. */
static int serve_init(const struct sb_global *g, int sync_fd, const struct oci_config *cfg,
                      const struct runtime_confinement *conf, struct runtime_state *st,
                      pid_t *init_pid, struct sb_err *err)
{
        struct runtime_sync_msg m;

        for (;;) {
                if (runtime_sync_recv(sync_fd, &m) < 0)
                        return sb_err_set(err, 0, "container init exited during setup");
                switch (m.type) {
                case SYNC_CHILD_PID:
                        *init_pid = m.value;
                        st->pid = m.value;
                        st->start_time = runtime_proc_start_time(m.value);
                        if (runtime_state_write(g->root, st, err) < 0)
                                return -1;
                        break;
                case SYNC_HOOKS: {
                        /* prestart (deprecated) and createRuntime run in the runtime's
                         * namespaces after the container's namespaces exist, before pivot. */
                        _cleanup_free_ char *state =
                            runtime_hook_state_json(cfg->oci_version, st->id, "creating", *init_pid,
                                                    st->bundle, &cfg->annotations);
                        if (runtime_hooks_run(cfg, OCI_HOOK_PRESTART, state, false, err) < 0 ||
                            runtime_hooks_run(cfg, OCI_HOOK_CREATE_RUNTIME, state, false, err) <
                                0) {
                                runtime_sync_send(sync_fd, SYNC_ERROR, 0, err->msg);
                                return -1;
                        }
                        if (runtime_sync_send(sync_fd, SYNC_HOOKS_DONE, 0, NULL) < 0)
                                return sb_err_set(err, errno, "sync with container init");
                        break;
                }
                case SYNC_CONFINE:
                        if (runtime_confinement_send(sync_fd, conf, err) < 0)
                                return -1;
                        break;
                case SYNC_READY:
                        return 0;
                case SYNC_ERROR:
                        return sb_err_set(err, 0, "%s", m.text);
                default:
                        return sb_err_set(err, 0, "unexpected message %u from container init",
                                          m.type);
                }
        }
}

int runtime_create(const struct sb_global *g, struct runtime_create_opts *opts, pid_t *pid_out,
                   struct sb_err *err)
{
        struct oci_config cfg = {0};
        struct sb_diags diags = {0};
        struct runtime_state st = {0};
        struct runtime_ns_plan plan;
        struct runtime_init_ctx ctx = {0};
        char bundle[PATH_MAX], rootfs[PATH_MAX], dir[PATH_MAX], created[64];
        int sv[2] = {-1, -1};
        int start_fd = -1, console_fd = -1;
        pid_t child = -1, init_pid = -1;
        bool dir_made = false, cgroup_made = false;
        struct runtime_confinement conf = {.sentry_conn = -1};
        enum runtime_cgroup_mode cgmode;
        _cleanup_free_ char *own = NULL;
        int sentry_listen = -1;
        const char *profile_ref = NULL;
        pid_t sentry_pid = -1;
        struct runtime_cgroup cg = {0};
        _cleanup_free_ char *cgpath = NULL;
        int rc = -1;

        char cfgpath[PATH_MAX + 16];
        snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", opts->bundle);
        if (oci_config_load(cfgpath, &cfg, &diags, err) < 0 ||
            oci_config_validate("config.json", &cfg, &diags) < 0) {
                if (diags.count > 0) {
                        for (size_t i = 1; i < diags.count; i++)
                                sb_error("%s", diags.items[i - 1]);
                        sb_err_set(err, 0, "%s", diags.items[diags.count - 1]);
                }
                goto out;
        }
        if (!cfg.process.present || !cfg.linux_.present) {
                sb_err_set(err, 0,
                           "config.json: .process and .linux are required to create a container");
                goto out;
        }
        if (resolve_paths(opts, &cfg, bundle, rootfs, err) < 0)
                goto out;
        /* The audit's refusals come before anything is made; the profile's
         * bounds are checked once the init exists (resolve_profile). */
        if (g->audit_enforce != NULL && enforce_audit(g->audit_enforce, &cfg, err) < 0) {
                record_refusal(g, opts->id, bundle, runtime_profile_select(g, &cfg),
                               "audit-enforce", err->msg);
                goto out;
        }
        profile_ref = runtime_profile_select(g, &cfg);
        if (runtime_confinement_find(profile_ref, &conf, err) < 0)
                goto out;
        if (runtime_state_dir_create(g->root, opts->id, err) < 0)
                goto out;
        dir_made = true;
        runtime_state_dir(g->root, opts->id, dir);
        FAULT("create: state directory");
        if (save_config_copy(bundle, dir, err) < 0)
                goto out;

        now_rfc3339(created, sizeof(created));
        st.id = (char *)opts->id;
        st.bundle = bundle;
        st.rootfs = rootfs;
        st.oci_version = cfg.oci_version;
        st.created = created;
        st.owner = getuid();
        st.profile = conf.profile_path;
        st.events_log = (char *)runtime_events_log(g);
        if (copy_annotations(&cfg.annotations, &st.annotations) < 0) {
                sb_err_set(err, ENOMEM, "annotations");
                goto out;
        }
        /* A state file exists from the first moment, so `delete --force` can clean
         * up after a create that was killed half-way. */
        if (runtime_state_write(g->root, &st, err) < 0)
                goto out;
        FAULT("create: first state");

        runtime_ns_plan(&cfg, &plan);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
                sb_err_set(err, errno, "socketpair");
                goto out;
        }
        start_fd = listen_start_socket(g->root, opts->id, err);
        if (start_fd < 0)
                goto out;
        FAULT("create: start socket");
        if (cfg.process.terminal) {
                if (opts->console_socket != NULL) {
                        console_fd = runtime_console_socket_connect(opts->console_socket, err);
                        if (console_fd < 0)
                                goto out;
                } else if (opts->console_fd_out >= 0) {
                        console_fd = opts->console_fd_out;
                } else {
                        sb_err_set(err, 0,
                                   "process.terminal is true: --console-socket is required");
                        goto out;
                }
        }

        ctx.opts = opts;
        ctx.cfg = &cfg;
        ctx.rootfs = rootfs;
        ctx.bundle = bundle;
        ctx.sync_fd = sv[1];
        ctx.start_listen_fd = start_fd;
        ctx.console_fd = console_fd;
        ctx.preserve_fds = opts->preserve_fds;
        {
                /* systemd socket activation (as runc): the fds after the
                 * preserved ones are passed on, with LISTEN_FDS in the env. */
                const char *lf = getenv("LISTEN_FDS");
                char *end;
                long n = lf ? strtol(lf, &end, 10) : 0;
                if (lf && *end == '\0' && n > 0 && n < 4096)
                        ctx.preserve_fds += (int)n;
        }
        /* Where its cgroup goes (nothing made yet). */
        if (runtime_cgroup_detect(SB_CGROUP_ROOT, &cgmode, err) < 0 ||
            runtime_cgroup_own_path(cgmode, &own, err) < 0 ||
            runtime_cgroup_resolve_path(cfg.linux_.cgroups_path, opts->id, g->systemd_cgroup, own,
                                        &cgpath, err) < 0) {
                sb_err_prefix(err, "cgroup");
                goto out;
        }
        if (runtime_ns_open_joins(&plan, ctx.join_fds, err) < 0)
                goto out;

        if (opts->foreground)
                prctl(PR_SET_CHILD_SUBREAPER, 1);
        child = clone_init(plan.clone_flags);
        if (child < 0) {
                sb_err_set(err, errno, "clone (flags 0x%x)", plan.clone_flags);
                for (int t = 0; t < OCI_NS_NTYPES; t++)
                        if (ctx.join_fds[t] >= 0)
                                close(ctx.join_fds[t]);
                goto out;
        }
        if (child == 0) {
                close(sv[0]);
                runtime_init_main(&ctx);
        }
        for (int t = 0; t < OCI_NS_NTYPES; t++)
                if (ctx.join_fds[t] >= 0)
                        close(ctx.join_fds[t]);
        close(sv[1]);
        sv[1] = -1;
        init_pid = child;
        st.pid = child;
        st.start_time = runtime_proc_start_time(child);
        /* The cgroup is recorded before it exists: a create killed right
         * after making it leaves a cgroup that `delete --force` can still
         * find. */
        st.cgroup_path = cgpath;
        if (runtime_state_write(g->root, &st, err) < 0)
                goto out;
        if (plan.new_user && runtime_write_id_maps(child, &cfg, err) < 0)
                goto out;
        /* Into its cgroup before it continues: the user process must never
         * run outside its limits, and a cgroup namespace the init creates
         * next has this cgroup as its root. */
        if (runtime_cgroup_create(SB_CGROUP_ROOT, cgpath,
                                  cfg.linux_.resources.present ? &cfg.linux_.resources : NULL, &cg,
                                  err) < 0) {
                sb_err_prefix(err, "cgroup");
                goto out;
        }
        cgroup_made = true;
        FAULT("create: cgroup");
        if (runtime_cgroup_enter(&cg, child, err) < 0)
                goto out;
        FAULT("create: cgroup entered");
        if (runtime_sync_send(sv[0], SYNC_GO, 0, NULL) < 0) {
                sb_err_set(err, errno, "sync with container init");
                goto out;
        }
        /* On cgroup v2, the device program (its verification is the longest
         * step of the cgroup's set-up) while the init sets up too: before
         * any hook runs, long before the container's process. */
        if (runtime_cgroup_set_devices(
                &cg, cfg.linux_.resources.present ? &cfg.linux_.resources : NULL, err) < 0) {
                sb_err_prefix(err, "cgroup");
                goto out;
        }
        FAULT("create: cgroup devices");
        /* The profile is resolved, checked against the config and compiled
         * while the init sets the container up (it asks for the filters,
         * SYNC_CONFINE, before it is ready); a refusal comes before any
         * hook runs and leaves nothing behind (the cleanup below). */
        if (resolve_profile(g, opts->id, bundle, profile_ref, &cfg, &conf, &diags, err) < 0)
                goto out;
        if (runtime_confinement_compile(profile_ref, &cfg, &conf, err) < 0 ||
            runtime_confinement_prepare_oci(&cfg, &conf, err) < 0)
                goto out;
        if (conf.routes && oci_seccomp_uses_notify(&cfg.linux_.seccomp)) {
                /* The kernel allows one seccomp listener per process. */
                sb_err_set(err, 0,
                           "config.json: .linux.seccomp uses SCMP_ACT_NOTIFY (listenerPath) and "
                           "profile `%s` routes syscalls to the sentry: a process can have only "
                           "one seccomp listener; choose a profile that routes nothing "
                           "(--profile) or drop the notify rules",
                           conf.eff.name);
                goto out;
        }
        if (conf.routes) {
                /* The sentry's socket, and the init's connection to it (handed
                 * over with the filters): the sentry takes the queued
                 * connection first when it starts. */
                sentry_listen = runtime_sentry_socket_listen(g->root, opts->id, err);
                if (sentry_listen < 0)
                        goto out;
                conf.sentry_conn = runtime_sentry_socket_connect(g->root, opts->id, err);
                if (conf.sentry_conn < 0)
                        goto out;
                FAULT("create: sentry socket");
        }
        /* The sentry starts while the init sets the container up (the init
         * queues its connection and the listener on the socket made above);
         * an init that forks once more (joining a pid namespace) is known
         * only when it is ready. */
        if (conf.routes && !plan.need_fork &&
            start_sentry(g, opts, &cfg, bundle, &conf, init_pid, sentry_listen, &st, &sentry_pid,
                         err) < 0)
                goto out;
        if (serve_init(g, sv[0], &cfg, &conf, &st, &init_pid, err) < 0)
                goto out;
        if (plan.need_fork)
                waitpid(child, NULL, 0); /* the intermediate process exits after its fork */
        FAULT("create: init ready");

        if (conf.routes && plan.need_fork &&
            start_sentry(g, opts, &cfg, bundle, &conf, init_pid, sentry_listen, &st, &sentry_pid,
                         err) < 0)
                goto out;
        st.created_done = true;
        if (runtime_state_write(g->root, &st, err) < 0)
                goto out;
        if (opts->pid_file != NULL && write_pid_file(opts->pid_file, init_pid, err) < 0)
                goto out;
        FAULT("create: created");
        *pid_out = init_pid;
        if (opts->keep_config != NULL) {
                *opts->keep_config = cfg;
                memset(&cfg, 0, sizeof(cfg));
        }
        rc = 0;
out:
        if (rc < 0) {
                if (init_pid > 0 && init_pid != child)
                        kill_and_reap(init_pid, st.start_time);
                if (child > 0)
                        kill_and_reap(child, 0);
                if (sentry_pid > 0) {
                        kill(sentry_pid, SIGKILL);
                        waitpid(sentry_pid, NULL, 0);
                }
                if (cgroup_made) {
                        struct sb_err e2;
                        if (runtime_cgroup_destroy(&cg, &e2) < 0)
                                sb_warn("create %s: %s", opts->id, e2.msg);
                }
                if (dir_made) {
                        struct sb_err e2;
                        runtime_state_remove(g->root, opts->id, &e2);
                }
        }
        if (sv[0] >= 0)
                close(sv[0]);
        if (sv[1] >= 0)
                close(sv[1]);
        if (start_fd >= 0)
                close(start_fd);
        if (console_fd >= 0 && console_fd != opts->console_fd_out)
                close(console_fd);
        for (size_t i = 0; i < st.annotations.count; i++) {
                free(st.annotations.items[i].key);
                free(st.annotations.items[i].value);
        }
        free(st.annotations.items);
        if (sentry_listen >= 0)
                close(sentry_listen);
        runtime_confinement_free(&conf);
        runtime_cgroup_free(&cg);
        oci_config_free(&cfg);
        sb_diags_free(&diags);
        return rc;
}
