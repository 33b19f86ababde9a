/* `exec`: a new process in a running container. It joins every namespace of
 * the container's init (user first, since it owns the others; mount last
 * but one, which also moves us into the container's root), forks once more so
 * the pid namespace applies, and then takes the same last steps as the init:
 * identity, no_new_privs, seccomp, cwd, exec. */
#include "runtime/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/cleanup.h"
#include "runtime/file_replace.h"
#include "runtime/fault.h"
#include "runtime/container.h"
#include "runtime/log.h"
#include "runtime/namespaces.h"
#include "runtime/process_exec.h"
#include "runtime/process_limits.h"
#include "runtime/terminal.h"

/* The order in which namespaces are joined: user first (it owns the others
 * and gives us privilege over them), mount last so that the paths of the
 * others are still opened from the host's view (we open them all first). */
static const enum oci_ns_type join_order[] = {OCI_NS_USER,    OCI_NS_IPC,  OCI_NS_UTS,
                                              OCI_NS_NETWORK, OCI_NS_PID,  OCI_NS_CGROUP,
                                              OCI_NS_TIME,    OCI_NS_MOUNT};
static const char *const ns_file[OCI_NS_NTYPES] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",
    [OCI_NS_IPC] = "ipc",       [OCI_NS_UTS] = "uts",     [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

/* Opens the init's namespaces that differ from ours: those are the ones to join. */
static int open_init_namespaces(pid_t pid, int fds[OCI_NS_NTYPES], struct sb_err *err)
{
        for (int t = 0; t < OCI_NS_NTYPES; t++)
                fds[t] = -1;
        for (int t = 0; t < OCI_NS_NTYPES; t++) {
                char path[64], self[64];
                struct stat a, b;
                snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_file[t]);
                snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_file[t]);
                if (stat(path, &a) < 0) {
                        if (errno == ENOENT)
                                continue; /* namespace type not supported by the kernel */
                        return sb_err_set(err, errno, "stat `%s`", path);
                }
                if (stat(self, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
                        continue;
                fds[t] = open(path, O_RDONLY | O_CLOEXEC);
                if (fds[t] < 0)
                        return sb_err_set(err, errno, "open `%s`", path);
        }
        return 0;
}

static void close_fds(int fds[OCI_NS_NTYPES])
{
        for (int t = 0; t < OCI_NS_NTYPES; t++)
                if (fds[t] >= 0)
                        close(fds[t]);
}

/* In the forked child: join, fork into the pid namespace, finish, exec. */
__attribute__((noreturn)) static void exec_child(const struct runtime_exec_opts *o,
                                                 const struct oci_config *cfg,
                                                 int ns[OCI_NS_NTYPES], int report_fd,
                                                 int console_fd)
{
        struct sb_err err = {0};
        char exe[PATH_MAX];
        const struct oci_process *p = o->process;

        /* Not dumpable while we still run the runtime's image inside the
         * container's namespaces: no process in there may ptrace us or open
         * our /proc/PID/exe or fds. */
        prctl(PR_SET_DUMPABLE, 0);
        for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
                enum oci_ns_type t = join_order[i];
                if (ns[t] < 0)
                        continue;
                if (runtime_ns_setns(ns[t], t, ns_file[t], &err) < 0)
                        goto fail;
                close(ns[t]);
                ns[t] = -1;
        }
        pid_t child = fork();
        if (child < 0) {
                sb_err_set(&err, errno, "fork into the container's pid namespace");
                goto fail;
        }
        if (child > 0) {
                /* Tell the runtime the host pid of the real process, then go. */
                dprintf(report_fd, "PID %d\n", (int)child);
                _exit(0);
        }
        prctl(PR_SET_DUMPABLE, 0);
        if (runtime_apply_rlimits(p, &err) < 0)
                goto fail;
        if (p->terminal) {
                int master = -1;
                char slave[PATH_MAX];
                if (runtime_pty_open(p->console_size.height, p->console_size.width,
                                     p->console_size.present, &master, slave, sizeof(slave),
                                     &err) < 0 ||
                    runtime_send_fd(console_fd, master, "/dev/ptmx", &err) < 0 ||
                    runtime_pty_make_controlling(slave, &err) < 0)
                        goto fail;
                close(master);
                close(console_fd);
        }
        if (runtime_lookup_exec(p, exe, sizeof(exe), &err) < 0)
                goto fail;
        runtime_exec_process(p, o->conf, o->preserve_fds, 0, report_fd, exe);
fail:
        dprintf(report_fd, "%s", err.msg);
        _exit(127);
}

int runtime_exec(const struct sb_global *g, const struct runtime_exec_opts *o,
                 const struct runtime_state *st, const struct oci_config *cfg, int *exit_code,
                 struct sb_err *err)
{
        int ns[OCI_NS_NTYPES];
        int rep[2] = {-1, -1}, con[2] = {-1, -1};
        int console_fd = -1, sock_fd = -1, master = -1;
        pid_t child, pid = -1;
        int rc = -1;
        sigset_t set, old;

        *exit_code = 0;
        if (open_init_namespaces(st->pid, ns, err) < 0)
                goto out;
        /* The init may have exited between the status check and the opens. */
        if (!runtime_proc_is(st->pid, st->start_time)) {
                sb_err_set(err, 0, "cannot exec in a stopped container");
                goto out;
        }
        if (pipe2(rep, O_CLOEXEC) < 0) {
                sb_err_set(err, errno, "pipe");
                goto out;
        }
        if (o->process->terminal) {
                if (o->console_socket != NULL) {
                        sock_fd = runtime_console_socket_connect(o->console_socket, err);
                        if (sock_fd < 0)
                                goto out;
                        console_fd = sock_fd;
                } else if (!o->detach) {
                        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, con) < 0) {
                                sb_err_set(err, errno, "socketpair");
                                goto out;
                        }
                        console_fd = con[1];
                } else {
                        sb_err_set(err, 0, "--tty with --detach needs --console-socket");
                        goto out;
                }
        }
        /* We reap the process exec forks inside the container. */
        prctl(PR_SET_CHILD_SUBREAPER, 1);
        sigemptyset(&set);
        sigaddset(&set, SIGCHLD);
        for (int s = 1; s < 32; s++)
                if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGILL &&
                    s != SIGFPE && s != SIGABRT && s != SIGTTIN && s != SIGTTOU && s != SIGTSTP &&
                    s != SIGPIPE && s != SIGWINCH)
                        sigaddset(&set, s);
        sigprocmask(SIG_BLOCK, &set, &old);
        if (sb_fault("exec: before fork", err) < 0)
                goto out;
        child = fork();
        if (child < 0) {
                sb_err_set(err, errno, "fork");
                goto out;
        }
        if (child == 0) {
                sigprocmask(SIG_SETMASK, &old, NULL);
                close(rep[0]);
                if (con[0] >= 0)
                        close(con[0]);
                if (o->cgroup != NULL) {
                        struct sb_err e2;
                        if (runtime_cgroup_enter_subs(o->cgroup, o->cgroup_subs, getpid(), &e2) <
                            0) {
                                dprintf(rep[1], "%s", e2.msg); /* "cgroup: move pid ..." */
                                _exit(127);
                        }
                }
                exec_child(o, cfg, ns, rep[1], console_fd);
        }
        close(rep[1]);
        rep[1] = -1;
        if (con[1] >= 0) {
                close(con[1]);
                con[1] = -1;
        }
        waitpid(child, NULL, 0);

        /* The report pipe: "PID n\n", then EOF at exec, or an error text. */
        char buf[SB_ERR_MSG_MAX];
        size_t len = 0;
        for (;;) {
                ssize_t n = read(rep[0], buf + len, sizeof(buf) - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t)n;
                if (len >= sizeof(buf) - 1)
                        break;
        }
        buf[len] = '\0';
        char *text = buf;
        if (strncmp(buf, "PID ", 4) == 0) {
                pid = (pid_t)strtol(buf + 4, &text, 10);
                if (*text == '\n')
                        text++;
        }
        if (*text != '\0') {
                sb_err_set(err, 0, "%s", text);
                if (pid > 0)
                        waitpid(pid, NULL, 0);
                goto out;
        }
        if (pid <= 0) {
                sb_err_set(err, 0, "exec: the process did not start");
                goto out;
        }
        if (sb_fault("exec: process started", err) < 0) {
                kill(pid, SIGKILL);
                waitpid(pid, NULL, 0);
                goto out;
        }
        if (o->pid_file != NULL) {
                char pid_s[32];
                int n = snprintf(pid_s, sizeof(pid_s), "%d", (int)pid);
                if (sb_file_write_whole(o->pid_file, pid_s, (size_t)n, 0644, err) < 0) {
                        kill(pid, SIGKILL);
                        goto out;
                }
        }
        if (o->detach) {
                rc = 0;
                goto out;
        }
        if (con[0] >= 0) {
                char name[64];
                struct sb_err e2;
                master = runtime_recv_fd(con[0], name, sizeof(name), &e2);
                if (master >= 0) {
                        runtime_pty_proxy(master, &e2);
                        close(master);
                }
        }
        int sfd = signalfd(-1, &set, SFD_CLOEXEC);
        for (;;) {
                int status;
                pid_t r = waitpid(-1, &status, WNOHANG);
                if (r == pid) {
                        *exit_code = runtime_exit_code(status);
                        break;
                }
                if (r > 0)
                        continue;
                if (r < 0 && errno == ECHILD)
                        break;
                struct signalfd_siginfo si;
                if (sfd < 0 || read(sfd, &si, sizeof(si)) != sizeof(si))
                        continue;
                if (si.ssi_signo != SIGCHLD)
                        kill(pid, (int)si.ssi_signo);
        }
        if (sfd >= 0)
                close(sfd);
        rc = 0;
out:
        (void)g;
        close_fds(ns);
        for (int i = 0; i < 2; i++) {
                if (rep[i] >= 0)
                        close(rep[i]);
                if (con[i] >= 0)
                        close(con[i]);
        }
        if (sock_fd >= 0)
                close(sock_fd);
        return rc;
}
