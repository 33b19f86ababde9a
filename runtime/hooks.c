#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/log.h"

static int add_string(json_t *o, const char *key, const char *value)
{
        json_t *s = json_string(value != NULL ? value : "");
        return s == NULL ? -1 : json_object_set_new(o, key, s);
}

char *runtime_hook_state_json(const char *oci_version, const char *id, const char *status,
                              pid_t pid, const char *bundle, const struct oci_kv_list *annotations)
{
        json_t *o = json_object();
        json_t *ann = json_object();
        char *text = NULL;
        int r = 0;

        if (o == NULL || ann == NULL)
                goto out;
        r |= add_string(o, "ociVersion", oci_version);
        r |= add_string(o, "id", id);
        r |= add_string(o, "status", status);
        if (pid > 0)
                r |= json_object_set_new(o, "pid", json_integer(pid));
        r |= add_string(o, "bundle", bundle);
        for (size_t i = 0; annotations != NULL && i < annotations->count; i++)
                r |= add_string(ann, annotations->items[i].key, annotations->items[i].value);
        if (r != 0)
                goto out;
        if (json_object_set(o, "annotations", ann) == 0)
                text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
out:
        json_decref(ann);
        json_decref(o);
        return text;
}

static int64_t now_ms(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left for poll(): -1 without a deadline, clamped to INT_MAX. */
static int remaining_ms(int64_t deadline)
{
        if (deadline < 0)
                return -1;
        int64_t left = deadline - now_ms();
        if (left <= 0)
                return 0;
        return left > INT_MAX ? INT_MAX : (int)left;
}

/* Child side, between fork and execve: only async-signal-safe calls. */
static __attribute__((noreturn)) void hook_child(int in_fd, int exec_err_fd, const char *path,
                                                 char *const argv[], char *const envp[])
{
        sigset_t none;
        int e;

        /* The hook must not inherit a signal mask or an ignored SIGPIPE from
         * the runtime: it is an independent program. */
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        if (dup2(in_fd, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
                goto fail;
        /* Hooks run on the host with our privileges: they get stdio and
         * nothing else we hold (sync sockets, container fds, the log). The
         * CLOEXEC error pipe survives until execve succeeds. */
        close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
        execve(path, argv, envp);
fail:
        e = errno;
        if (write(exec_err_fd, &e, sizeof(e)) < 0)
                _exit(127);
        _exit(127);
}

/* Writes the state to the hook's stdin without blocking forever: a hook that
 * never reads must still be subject to its timeout. SIGPIPE is blocked while
 * writing (a hook may exit without reading, which is not an error). Returns
 * 1 when the deadline passed, 0 otherwise. */
static int write_state(int pidfd, int out_fd, const char *state, int64_t deadline)
{
        size_t len = strlen(state), off = 0;
        sigset_t pipe_set, old_mask, pending;
        bool was_pending, got_epipe = false;
        int timed_out = 0;

        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        sigpending(&pending);
        was_pending = sigismember(&pending, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);

        while (off < len) {
                struct pollfd pfd[2] = {{.fd = pidfd, .events = POLLIN},
                                        {.fd = out_fd, .events = POLLOUT}};
                int n = poll(pfd, 2, remaining_ms(deadline));
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        break;
                if (n == 0) {
                        timed_out = 1;
                        break;
                }
                if (pfd[1].revents == 0)
                        break; /* the hook exited: stop feeding it */
                ssize_t w = write(out_fd, state + off, len - off);
                if (w < 0 && (errno == EINTR || errno == EAGAIN))
                        continue;
                if (w < 0) {
                        got_epipe = errno == EPIPE;
                        break;
                }
                off += (size_t)w;
        }

        /* Consume the SIGPIPE we caused so it is not delivered on unblock. */
        if (got_epipe && !was_pending) {
                struct timespec zero = {0, 0};
                sigtimedwait(&pipe_set, NULL, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
        return timed_out;
}

/* Waits for the pidfd to become readable (the process exited). Returns 1 on
 * timeout, 0 when it exited, -1 on a poll error. */
static int wait_exit(int pidfd, int64_t deadline)
{
        for (;;) {
                struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
                int n = poll(&pfd, 1, remaining_ms(deadline));
                if (n > 0)
                        return 0;
                if (n == 0)
                        return 1;
                if (errno != EINTR)
                        return -1;
        }
}

static int reap(pid_t pid, int *status)
{
        while (waitpid(pid, status, 0) < 0) {
                if (errno != EINTR)
                        return -1;
        }
        return 0;
}

int runtime_hook_run(const struct oci_hook *hook, enum oci_hook_kind kind, size_t index,
                     const char *state_json, struct sb_err *err)
{
        const char *kname = oci_hook_kind_name(kind);
        _cleanup_free_ char **argv = NULL;
        _cleanup_free_ char **envp = NULL;
        _cleanup_close_ int in_fd = -1;
        _cleanup_close_ int out_fd = -1;
        _cleanup_close_ int pidfd = -1;
        _cleanup_close_ int exec_err_rd = -1;
        _cleanup_close_ int exec_err_wr = -1;
        int64_t deadline = -1;
        int p[2], status, timed_out, exec_errno = 0;
        pid_t pid;

        if (hook->path == NULL || hook->path[0] != '/')
                return sb_err_set(err, 0, "hook %s[%zu] %s: path must be absolute", kname, index,
                                  hook->path != NULL ? hook->path : "(null)");

        /* Everything the child needs is prepared before fork. */
        argv = calloc(hook->args.count + 2, sizeof(*argv));
        envp = calloc(hook->env.count + 1, sizeof(*envp));
        if (argv == NULL || envp == NULL)
                return sb_err_set(err, ENOMEM, "hook %s[%zu] %s", kname, index, hook->path);
        if (hook->args.count == 0)
                argv[0] = hook->path;
        for (size_t i = 0; i < hook->args.count; i++)
                argv[i] = hook->args.items[i];
        for (size_t i = 0; i < hook->env.count; i++)
                envp[i] = hook->env.items[i];

        if (pipe2(p, O_CLOEXEC) < 0)
                return sb_err_set(err, errno, "hook %s[%zu] %s: pipe2", kname, index, hook->path);
        in_fd = p[0];
        out_fd = p[1];
        /* Keep the read end above stdio so that dup2() onto 0 in the child
         * always makes a fresh, non-CLOEXEC descriptor. */
        if (in_fd <= STDERR_FILENO) {
                int moved = fcntl(in_fd, F_DUPFD_CLOEXEC, 3);
                if (moved < 0)
                        return sb_err_set(err, errno, "hook %s[%zu] %s: fcntl", kname, index,
                                          hook->path);
                close(in_fd);
                in_fd = moved;
        }
        if (fcntl(out_fd, F_SETFL, O_NONBLOCK) < 0)
                return sb_err_set(err, errno, "hook %s[%zu] %s: fcntl", kname, index, hook->path);
        /* Tells an execve failure (errno) apart from the hook exiting 127. */
        if (pipe2(p, O_CLOEXEC) < 0)
                return sb_err_set(err, errno, "hook %s[%zu] %s: pipe2", kname, index, hook->path);
        exec_err_rd = p[0];
        exec_err_wr = p[1];

        sb_debug("running hook %s[%zu] %s", kname, index, hook->path);
        pid = fork();
        if (pid < 0)
                return sb_err_set(err, errno, "hook %s[%zu] %s: fork", kname, index, hook->path);
        if (pid == 0)
                hook_child(in_fd, exec_err_wr, hook->path, argv, envp);

        close(SB_STEAL_FD(in_fd));
        close(SB_STEAL_FD(exec_err_wr));
        /* Our own unreaped child: its pid cannot be reused before waitpid, so
         * pidfd_open cannot race. */
        pidfd = pidfd_open(pid, 0);
        if (pidfd < 0) {
                int saved = errno;
                kill(pid, SIGKILL);
                reap(pid, &status);
                return sb_err_set(err, saved, "hook %s[%zu] %s: pidfd_open", kname, index,
                                  hook->path);
        }
        if (hook->has_timeout && hook->timeout > 0)
                deadline = now_ms() + (int64_t)hook->timeout * 1000;

        timed_out = write_state(pidfd, out_fd, state_json != NULL ? state_json : "", deadline);
        close(SB_STEAL_FD(out_fd)); /* EOF on the hook's stdin */
        if (!timed_out)
                timed_out = wait_exit(pidfd, deadline);
        if (timed_out != 0)
                pidfd_send_signal(pidfd, SIGKILL, NULL, 0);
        if (reap(pid, &status) < 0)
                return sb_err_set(err, errno, "hook %s[%zu] %s: waitpid", kname, index, hook->path);
        if (timed_out > 0)
                return sb_err_set(err, 0, "hook %s[%zu] %s: timed out after %d s", kname, index,
                                  hook->path, hook->timeout);
        if (timed_out < 0)
                return sb_err_set(err, errno, "hook %s[%zu] %s: poll", kname, index, hook->path);
        /* The child is gone, so the write end is closed: this cannot block. */
        if (read(exec_err_rd, &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno))
                return sb_err_set(err, exec_errno, "hook %s[%zu] %s: execve", kname, index,
                                  hook->path);
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
                return sb_err_set(err, 0, "hook %s[%zu] %s: exited with status %d", kname, index,
                                  hook->path, WEXITSTATUS(status));
        if (WIFSIGNALED(status)) {
                const char *abbrev = sigabbrev_np(WTERMSIG(status));
                if (abbrev != NULL)
                        return sb_err_set(err, 0, "hook %s[%zu] %s: killed by signal SIG%s", kname,
                                          index, hook->path, abbrev);
                return sb_err_set(err, 0, "hook %s[%zu] %s: killed by signal %d", kname, index,
                                  hook->path, WTERMSIG(status));
        }
        return 0;
}

int runtime_hooks_run(const struct oci_config *cfg, enum oci_hook_kind kind, const char *state_json,
                      bool continue_on_error, struct sb_err *err)
{
        const struct oci_hook_list *list;

        if ((unsigned)kind >= OCI_HOOK_NKINDS)
                return sb_err_set(err, EINVAL, "hooks: unknown kind %d", (int)kind);
        list = &cfg->hooks[kind];
        for (size_t i = 0; i < list->count; i++) {
                if (!continue_on_error) {
                        if (runtime_hook_run(&list->items[i], kind, i, state_json, err) < 0)
                                return -1;
                        continue;
                }
                struct sb_err e = {0};
                if (runtime_hook_run(&list->items[i], kind, i, state_json, &e) < 0)
                        sb_warn("%s", e.msg);
        }
        return 0;
}
