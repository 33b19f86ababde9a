/* sandbox run [-d] [--keep] [create options] <container-id>: create, start,
 * and (unless detached) wait, forwarding signals to the init, and exit with
 * the container's exit code (128+N when killed by signal N). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cmd_common.h"
#include "runtime/log.h"
#include "runtime/terminal.h"

/* Waits for `init`, reaping anything re-parented to us (we are a subreaper)
 * and forwarding the signals a shell would send to the container. */
static int wait_init(pid_t init, const sigset_t *set)
{
        int sfd = signalfd(-1, set, SFD_CLOEXEC);
        int code = -1;

        if (sfd < 0)
                return -1;
        while (code < 0) {
                struct signalfd_siginfo si;
                int status;
                pid_t p;
                while ((p = waitpid(-1, &status, WNOHANG)) > 0)
                        if (p == init)
                                code = runtime_exit_code(status);
                if (code >= 0 || (p < 0 && errno == ECHILD))
                        break;
                if (read(sfd, &si, sizeof(si)) != sizeof(si))
                        continue;
                if (si.ssi_signo != SIGCHLD)
                        kill(init, (int)si.ssi_signo);
        }
        close(sfd);
        return code < 0 ? 255 : code;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        struct runtime_create_opts o;
        struct sb_run_flags rf = {0};
        struct sb_err err = {0};
        int sv[2] = {-1, -1};
        pid_t pid;

        if (sb_parse_create_flags(argc, argv, &o, &rf) < 0)
                return 2;
        o.foreground = !rf.detach;
        if (!rf.detach && o.console_socket == NULL) {
                /* Our own console socket, in case process.terminal is set. */
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0)
                        o.console_fd_out = sv[1];
        }
        sigset_t set, old;
        sigemptyset(&set);
        for (int s = 1; s < NSIG; s++)
                if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGILL &&
                    s != SIGFPE && s != SIGABRT && s != SIGTTIN && s != SIGTTOU && s != SIGTSTP &&
                    s != SIGPIPE && (s < 32 || s > 34))
                        sigaddset(&set, s);
        /* The config create parsed serves start and delete too. */
        struct oci_config cfg = {0};
        o.keep_config = &cfg;
        if (runtime_create(g, &o, &pid, &err) < 0) {
                sb_error("run %s: %s", o.id, err.msg);
                return 1;
        }
        if (sv[1] >= 0)
                close(sv[1]);
        /* Signals arriving from now on go to the container, not to us. */
        sigprocmask(SIG_BLOCK, &set, &old);
        int master = -1;
        if (sv[0] >= 0) {
                struct sb_err e2;
                char name[64];
                /* Only a terminal container sends a master; otherwise the peer end
                 * is closed and recv returns at once. */
                master = runtime_recv_fd(sv[0], name, sizeof(name), &e2);
                close(sv[0]);
        }
        if (runtime_start_with(g, o.id, &cfg, &err) < 0) {
                sb_error("run %s: %s", o.id, err.msg);
                struct sb_err e3;
                runtime_delete_with(g, o.id, true, &cfg, &e3);
                oci_config_free(&cfg);
                return 1;
        }
        if (rf.detach) {
                oci_config_free(&cfg);
                return 0;
        }
        if (master >= 0) {
                runtime_pty_proxy(master, &err);
                close(master);
        }
        int code = wait_init(pid, &set);
        if (!rf.keep && runtime_delete_with(g, o.id, true, &cfg, &err) < 0)
                sb_warn("run %s: %s", o.id, err.msg);
        oci_config_free(&cfg);
        return code;
}

const struct sb_command sb_cmd_run = {
    .name = "run",
    .usage = "run [options] <container-id>",
    .summary = "create and start a container, and wait for it",
    .help = SB_CREATE_FLAGS_HELP
    "  -d, --detach            return after start; do not wait\n"
    "  --keep                  keep the container's state after it exits\n",
    .run = run,
    .enters_container = true,
};
