/* start, kill, delete: the lifecycle after `create`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/fault.h"
#include "runtime/container.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/seccomp_oci.h"

int runtime_exit_code(int status)
{
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 1;
}

int runtime_signal_parse(const char *s)
{
        char *end;
        long n;

        if (s == NULL || *s == '\0')
                return -1;
        n = strtol(s, &end, 10);
        if (*end == '\0')
                return n > 0 && n <= SIGRTMAX ? (int)n : -1;
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (int sig = 1; sig < NSIG; sig++) {
                const char *abbrev = sigabbrev_np(sig);
                if (abbrev != NULL && strcasecmp(abbrev, s) == 0)
                        return sig;
        }
        if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
                bool min = s[4] == 'n' || s[4] == 'N';
                const char *r = s + 5;
                if (*r == '\0')
                        return min ? SIGRTMIN : SIGRTMAX;
                if (*r != (min ? '+' : '-'))
                        return -1;
                n = strtol(r + 1, &end, 10);
                if (*end != '\0' || end == r + 1 || n < 0 || n > SIGRTMAX - SIGRTMIN)
                        return -1;
                return min ? SIGRTMIN + (int)n : SIGRTMAX - (int)n;
        }
        return -1;
}

static int open_init_pidfd(const struct runtime_state *st)
{
        int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
        if (fd < 0)
                return -1;
        /* Opened first, checked second: if the pid was reused before the open,
         * the start time differs; if after, the pidfd still names the old one. */
        if (!runtime_proc_is(st->pid, st->start_time)) {
                close(fd);
                errno = ESRCH;
                return -1;
        }
        return fd;
}

int runtime_signal_init(const struct runtime_state *st, int sig, struct sb_err *err)
{
        _cleanup_close_ int fd = open_init_pidfd(st);
        if (fd < 0)
                return sb_err_set(err, errno, "container %s: init process %d", st->id,
                                  (int)st->pid);
        if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
                return sb_err_set(err, errno, "signal %d to container %s init %d", sig, st->id,
                                  (int)st->pid);
        return 0;
}

static int ns_inode(pid_t pid, ino_t *ino)
{
        char path[64];
        struct stat sb;

        if (pid > 0)
                snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
        else
                snprintf(path, sizeof(path), "/proc/self/ns/pid");
        if (stat(path, &sb) < 0)
                return -1;
        *ino = sb.st_ino;
        return 0;
}

bool runtime_state_cgroup(const struct runtime_state *st, struct runtime_cgroup *cg)
{
        struct sb_err err;

        memset(cg, 0, sizeof(*cg));
        if (st->cgroup_path == NULL || st->cgroup_path[0] == '\0')
                return false;
        if (runtime_cgroup_detect(SB_CGROUP_ROOT, &cg->mode, &err) < 0)
                return false;
        cg->root = strdup(SB_CGROUP_ROOT);
        cg->path = strdup(st->cgroup_path);
        if (cg->root == NULL || cg->path == NULL) {
                runtime_cgroup_free(cg);
                return false;
        }
        return true;
}

int runtime_container_pids(const struct runtime_state *st, pid_t **pids, size_t *n,
                           struct sb_err *err)
{
        struct runtime_cgroup cg;

        if (runtime_state_cgroup(st, &cg)) {
                /* The cgroup knows every process, with or without a pid namespace. */
                int r = runtime_cgroup_pids(&cg, pids, n, err);
                runtime_cgroup_free(&cg);
                return r;
        }

        ino_t cns, self;
        size_t cap = 16;

        *n = 0;
        *pids = calloc(cap, sizeof(pid_t));
        if (*pids == NULL)
                return sb_err_set(err, ENOMEM, "pids");
        if (!runtime_proc_is(st->pid, st->start_time))
                return 0;
        if (ns_inode(st->pid, &cns) < 0 || ns_inode(0, &self) < 0)
                return sb_err_set(err, errno, "read pid namespace of %d", (int)st->pid);
        if (cns == self) {
                /* No pid namespace of its own: without a cgroup to ask, the init
                 * is the only process we can attribute to the container. */
                (*pids)[(*n)++] = st->pid;
                return 0;
        }
        DIR *d = opendir("/proc");
        if (d == NULL)
                return sb_err_set(err, errno, "opendir /proc");
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
                char *end;
                long p = strtol(e->d_name, &end, 10);
                ino_t ino;
                if (*end != '\0' || p <= 0 || ns_inode((pid_t)p, &ino) < 0 || ino != cns)
                        continue;
                if (*n == cap) {
                        pid_t *np = realloc(*pids, cap * 2 * sizeof(pid_t));
                        if (np == NULL)
                                break;
                        *pids = np;
                        cap *= 2;
                }
                (*pids)[(*n)++] = (pid_t)p;
        }
        closedir(d);
        return 0;
}

static int forward_listener(const struct runtime_state *st, const struct oci_config *cfg, int fd,
                            struct sb_err *err)
{
        if (cfg->linux_.seccomp.listener_path == NULL)
                return sb_err_set(err, 0,
                                  "seccomp notify rules without linux.seccomp.listenerPath");
        _cleanup_free_ char *state = runtime_oci_state_json(st, RUNTIME_RUNNING);
        return runtime_seccomp_send_listener(cfg->linux_.seccomp.listener_path, fd, state, st->pid,
                                             cfg->linux_.seccomp.listener_metadata, err);
}

/* Tells the waiting init to go, and waits until it has exec'd: its end of
 * the connection is close-on-exec, so EOF without text means success. */
static int trigger_start(const char *root, const struct runtime_state *st,
                         const struct oci_config *cfg, struct sb_err *err)
{
        struct sockaddr_un sa;
        char path[PATH_MAX + 16];
        char text[SB_ERR_MSG_MAX] = "";
        size_t tlen = 0;
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        _cleanup_close_ int dfd =
            runtime_state_socket_addr(root, st->id, "start.sock", &sa, path, sizeof(path), err);

        if (dfd < 0)
                return -1;
        if (fd < 0)
                return sb_err_set(err, errno, "socket");
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
                return sb_err_set(err, errno, "connect `%s`", path);
        if (write(fd, "s", 1) != 1)
                return sb_err_set(err, errno, "write `%s`", path);
        for (;;) {
                char buf[1024];
                char cbuf[CMSG_SPACE(sizeof(int))];
                struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
                struct msghdr mh = {.msg_iov = &iov,
                                    .msg_iovlen = 1,
                                    .msg_control = cbuf,
                                    .msg_controllen = sizeof(cbuf)};
                ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return sb_err_set(err, errno, "read from container init");
                if (n == 0)
                        break;
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                if (c != NULL && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        int lfd;
                        memcpy(&lfd, CMSG_DATA(c), sizeof(int));
                        int r = forward_listener(st, cfg, lfd, err);
                        close(lfd);
                        if (r < 0)
                                return -1;
                        continue;
                }
                size_t k =
                    (size_t)n < sizeof(text) - 1 - tlen ? (size_t)n : sizeof(text) - 1 - tlen;
                memcpy(text + tlen, buf, k);
                tlen += k;
                text[tlen] = '\0';
        }
        unlink(path);
        if (tlen > 0)
                return sb_err_set(err, 0, "%s", text);
        return 0;
}

int runtime_start(const struct sb_global *g, const char *id, struct sb_err *err)
{
        return runtime_start_with(g, id, NULL, err);
}

int runtime_start_with(const struct sb_global *g, const char *id, const struct oci_config *known,
                       struct sb_err *err)
{
        struct runtime_state st;
        struct oci_config saved = {0};
        const struct oci_config *cfg = known != NULL ? known : &saved;
        _cleanup_close_ int lock = runtime_state_lock(g->root, id, err);
        int rc = -1;

        if (lock < 0)
                return -1;
        if (runtime_state_read(g->root, id, &st, err) < 0)
                return -1;
        enum runtime_status s = runtime_state_status(g->root, &st);
        if (s != RUNTIME_CREATED) {
                if (s == RUNTIME_STOPPED)
                        sb_err_set(err, 0, "cannot start a container that has stopped");
                else if (s == RUNTIME_RUNNING || s == RUNTIME_PAUSED)
                        sb_err_set(err, 0, "cannot start an already running container");
                else
                        sb_err_set(err, 0, "cannot start a container in the %s state",
                                   runtime_status_name(s));
                goto out;
        }
        if (known == NULL && runtime_load_saved_config(g->root, id, &saved, err) < 0)
                goto out;
        if (sb_fault("start: before the go", err) < 0)
                goto out;
        if (trigger_start(g->root, &st, cfg, err) < 0)
                goto out;
        if (sb_fault("start: started", err) < 0)
                goto out;
        {
                _cleanup_free_ char *state = runtime_hook_state_json(
                    cfg->oci_version, id, "running", st.pid, st.bundle, &cfg->annotations);
                /* poststart failures are warnings: the container is already running. */
                runtime_hooks_run(cfg, OCI_HOOK_POSTSTART, state, true, err);
        }
        rc = 0;
out:
        oci_config_free(&saved);
        runtime_state_free(&st);
        return rc;
}

/* Signals every process of the container but the init, which the callers
 * signal through its checked pidfd. With a cgroup (every container since its
 * path is recorded before it is made), through checked pidfds too
 * (runtime_cgroup_signal); without one, by the numbers found in its pid
 * namespace. */
static int signal_others(const struct runtime_state *st, int sig, struct sb_err *err)
{
        struct runtime_cgroup cg;
        bool have_cg = runtime_state_cgroup(st, &cg);
        pid_t *pids = NULL;
        size_t n = 0, k = 0;
        int r = have_cg ? runtime_cgroup_pids(&cg, &pids, &n, err)
                        : runtime_container_pids(st, &pids, &n, err);

        if (r == 0) {
                for (size_t i = 0; i < n; i++)
                        if (pids[i] != st->pid)
                                pids[k++] = pids[i];
                if (have_cg)
                        runtime_cgroup_signal(&cg, pids, k, sig);
                else
                        for (size_t i = 0; i < k; i++)
                                kill(pids[i], sig);
        }
        if (have_cg)
                runtime_cgroup_free(&cg);
        free(pids);
        return r;
}

int runtime_kill(const struct sb_global *g, const char *id, int sig, bool all, struct sb_err *err)
{
        struct runtime_state st;
        int rc = -1;

        if (runtime_state_read(g->root, id, &st, err) < 0)
                return -1;
        enum runtime_status s = runtime_state_status(g->root, &st);
        if (s == RUNTIME_STOPPED) {
                sb_err_set(err, 0, "container not running");
                goto out;
        }
        if (all && signal_others(&st, sig, err) < 0)
                goto out;
        rc = runtime_signal_init(&st, sig, err);
out:
        runtime_state_free(&st);
        return rc;
}

/* Kills the init (and so its pid namespace) and waits until it is gone. */
static int kill_and_wait(const struct runtime_state *st, struct sb_err *err)
{
        struct sb_err ignored;

        (void)signal_others(st, SIGKILL, &ignored);
        _cleanup_close_ int fd = open_init_pidfd(st);
        if (fd < 0)
                return 0; /* already gone */
        syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
        {
                /* A frozen container receives its SIGKILL only when thawed. */
                struct runtime_cgroup cg;
                if (runtime_state_cgroup(st, &cg)) {
                        struct sb_err e2;
                        if (runtime_cgroup_is_frozen(&cg))
                                runtime_cgroup_freeze(&cg, false, &e2);
                        runtime_cgroup_free(&cg);
                }
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        /* SIGKILL cannot be blocked; the bound only guards against a process
         * stuck in uninterruptible sleep. */
        if (poll(&p, 1, 10000) <= 0)
                return sb_err_set(err, ETIMEDOUT, "container %s: init %d did not exit", st->id,
                                  (int)st->pid);
        waitpid(st->pid, NULL, WNOHANG);
        return 0;
}

int runtime_delete(const struct sb_global *g, const char *id, bool force, struct sb_err *err)
{
        return runtime_delete_with(g, id, force, NULL, err);
}

int runtime_delete_with(const struct sb_global *g, const char *id, bool force,
                        const struct oci_config *known, struct sb_err *err)
{
        struct runtime_state st;
        struct oci_config cfg = {0};
        char dir[PATH_MAX];
        struct stat sb;
        int rc = -1;

        if (!runtime_id_valid(id))
                return sb_err_set(err, 0, "invalid container id \"%s\"", id);
        runtime_state_dir(g->root, id, dir);
        if (stat(dir, &sb) < 0) {
                if (force)
                        return 0; /* as runc: nothing to force away */
                return sb_err_set(err, 0, "container does not exist: %s", id);
        }
        /* A create that fails removes its directory itself, perhaps while
         * this waits for the lock or just before it takes it: gone is what
         * --force asks for. */
        _cleanup_close_ int lock = runtime_state_lock(g->root, id, err);
        if (force && stat(dir, &sb) < 0 && errno == ENOENT)
                return 0;
        if (lock < 0)
                return -1;
        if (runtime_state_read(g->root, id, &st, err) < 0) {
                if (!force)
                        return -1;
                /* A create that crashed before writing any state, or a corrupt
                 * file: with --force, remove what is there, and what the saved
                 * config says the container's cgroup is (its processes with
                 * it), where that does not depend on who asks (the default
                 * and absolute paths, the systemd form). */
                sb_warn("delete %s: %s; removing the state directory", id, err->msg);
                if (runtime_load_saved_config(g->root, id, &cfg, err) == 0) {
                        const char *cp = cfg.linux_.cgroups_path;
                        _cleanup_free_ char *path = NULL;
                        struct runtime_cgroup cg = {0};
                        struct sb_err e2;

                        if ((cp == NULL || cp[0] == '\0' || cp[0] == '/' || g->systemd_cgroup) &&
                            runtime_cgroup_resolve_path(cp, id, g->systemd_cgroup, "", &path,
                                                        &e2) == 0 &&
                            runtime_cgroup_detect(SB_CGROUP_ROOT, &cg.mode, &e2) == 0) {
                                cg.root = (char *)SB_CGROUP_ROOT;
                                cg.path = path;
                                if (runtime_cgroup_destroy(&cg, &e2) < 0)
                                        sb_warn("delete %s: %s", id, e2.msg);
                        }
                        oci_config_free(&cfg);
                }
                return runtime_state_remove(g->root, id, err);
        }
        enum runtime_status s = runtime_state_status(g->root, &st);
        if ((s == RUNTIME_RUNNING || s == RUNTIME_PAUSED) && !force) {
                sb_err_set(err, 0, "cannot delete container %s that is not stopped: %s", id,
                           runtime_status_name(s));
                goto out;
        }
        if (s != RUNTIME_STOPPED && kill_and_wait(&st, err) < 0)
                goto out;
        if (sb_fault("delete: processes gone", err) < 0)
                goto out;
        if (known != NULL || runtime_load_saved_config(g->root, id, &cfg, err) == 0) {
                const struct oci_config *c = known != NULL ? known : &cfg;
                _cleanup_free_ char *state = runtime_hook_state_json(c->oci_version, id, "stopped",
                                                                     0, st.bundle, &c->annotations);
                runtime_hooks_run(c, OCI_HOOK_POSTSTOP, state, true, err);
        } else if (!force) {
                goto out;
        }
        if (st.sentry_pid > 0 && runtime_proc_is(st.sentry_pid, st.sentry_start_time)) {
                /* It exits by itself once the container's processes are gone;
                 * this only makes sure. */
                int pfd = (int)syscall(SYS_pidfd_open, st.sentry_pid, 0);
                if (pfd >= 0) {
                        struct pollfd p = {.fd = pfd, .events = POLLIN};
                        if (poll(&p, 1, 200) <= 0)
                                syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
                        close(pfd);
                }
        }
        if (sb_fault("delete: sentry gone", err) < 0)
                goto out;
        {
                /* Kills stragglers (processes that left the init's pid
                 * namespace view) and removes the directories. */
                struct runtime_cgroup cg;
                if (runtime_state_cgroup(&st, &cg)) {
                        int r = runtime_cgroup_destroy(&cg, err);
                        runtime_cgroup_free(&cg);
                        if (r < 0 && !force)
                                goto out;
                }
        }
        if (sb_fault("delete: cgroup removed", err) < 0)
                goto out;
        rc = runtime_state_remove(g->root, id, err);
out:
        oci_config_free(&cfg);
        runtime_state_free(&st);
        return rc;
}
