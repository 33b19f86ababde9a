#include "runtime/process_exec.h"

#include <errno.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/confine.h"
#include "runtime/identity.h"
#include "runtime/seccomp_oci.h"
#include "runtime/terminal.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int runtime_lookup_exec(const struct oci_process *p, char *out, size_t len, struct sb_err *err)
{
        const char *name = p->args.items[0];
        const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

        if (strchr(name, '/') != NULL) {
                snprintf(out, len, "%s", name);
                if (access(out, X_OK) < 0)
                        return sb_err_set(err, errno, "exec: \"%s\"", name);
                return 0;
        }
        for (size_t i = 0; i < p->env.count; i++)
                if (strncmp(p->env.items[i], "PATH=", 5) == 0)
                        path = p->env.items[i] + 5;
        const char *s = path;
        while (*s) {
                const char *e = strchrnul(s, ':');
                size_t dlen = (size_t)(e - s);
                struct stat sb;
                snprintf(out, len, "%.*s/%s", (int)dlen, dlen ? s : ".", name);
                if (stat(out, &sb) == 0 && S_ISREG(sb.st_mode) && access(out, X_OK) == 0)
                        return 0;
                s = *e ? e + 1 : e;
        }
        return sb_err_set(err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

/* The cwd must be inside the container: after chdir, getcwd must name a path
 * reachable from our root (a leaked host directory fd would make it
 * "(unreachable)/..."; the CVE-2024-21626 class). */
static int enter_cwd(const char *cwd, struct sb_err *err)
{
        char buf[PATH_MAX];

        if (chdir(cwd) < 0)
                return sb_err_set(err, errno, "chdir to cwd (\"%s\") set in config.json", cwd);
        if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
                return sb_err_set(err, EPERM, "cwd \"%s\" is outside the container", cwd);
        return 0;
}

static char **build_env(const struct oci_process *p, int listen_fds)
{
        size_t n = p->env.count;
        char **env = calloc(n + 3, sizeof(char *));
        size_t k = 0;

        if (env == NULL)
                return NULL;
        for (size_t i = 0; i < n; i++)
                env[k++] = p->env.items[i];
        if (listen_fds > 0) {
                /* systemd socket activation: the fds keep their numbers, and the
                 * receiving process is the container's pid 1. */
                if (asprintf(&env[k], "LISTEN_FDS=%d", listen_fds) > 0)
                        k++;
                env[k++] = "LISTEN_PID=1";
        }
        env[k] = NULL;
        return env;
}

/* linux.seccomp (compiled by the runtime before this process existed),
 * then the profile's filter: both apply and the stricter action wins; the
 * profile's listener goes to the sentry. */
static int load_filters(const struct runtime_confinement *conf, int *notify_fd, const char **step,
                        struct sb_err *err)
{
        *step = "seccomp";
        if (conf != NULL && conf->oci.len > 0 && runtime_bpf_load(&conf->oci, notify_fd, err) < 0)
                return -1;
        *step = "profile";
        return runtime_confinement_load(conf, err);
}

int runtime_confine_process(const struct oci_process *p, const struct runtime_confinement *conf,
                            int *notify_fd, const char **step, struct sb_err *err)
{
        *notify_fd = -1;
        if (p->no_new_privileges) {
                /* Identity first, then no_new_privs, then the filters: with NNP
                 * set, loading a filter needs no privilege, so it can come last. */
                *step = "identity";
                if (runtime_apply_identity(p, err) < 0)
                        return -1;
                *step = "no_new_privileges";
                if (runtime_set_no_new_privs(err) < 0)
                        return -1;
                if (load_filters(conf, notify_fd, step, err) < 0)
                        goto fail;
        } else {
                /* Without NNP, loading a filter needs CAP_SYS_ADMIN, which the
                 * configured identity may not have: load them first (runc does too). */
                if (load_filters(conf, notify_fd, step, err) < 0)
                        goto fail;
                *step = "identity";
                if (runtime_apply_identity(p, err) < 0)
                        goto fail;
        }
        return 0;
fail:
        if (*notify_fd >= 0)
                close(*notify_fd);
        *notify_fd = -1;
        return -1;
}

void runtime_report_failure(int report_fd, const char *step, const struct sb_err *err)
{
        char msg[SB_ERR_MSG_MAX];

        snprintf(msg, sizeof(msg), "%s: %s", step, err->msg);
        if (write(report_fd, msg, strlen(msg)) < 0) {
                /* the runtime is gone: nothing else can hear us */
        }
        _exit(127);
}

void runtime_hand_over_listener(int report_fd, int notify_fd)
{
        struct sb_err err = {0};

        if (notify_fd < 0)
                return;
        /* The runtime on the host forwards it to linux.seccomp.listenerPath. */
        if (runtime_send_fd(report_fd, notify_fd, "seccompFd", &err) < 0)
                runtime_report_failure(report_fd, "seccomp listener", &err);
        close(notify_fd);
}

void runtime_exec_confined(const struct oci_process *p, int preserve_fds, int listen_fds,
                           int report_fd, const char *exe)
{
        struct sb_err err = {0};
        const char *step = "cwd";

        if (enter_cwd(p->cwd ? p->cwd : "/", &err) < 0)
                goto fail;
        step = "exec";
        char **env = build_env(p, listen_fds);
        char **args = calloc(p->args.count + 1, sizeof(char *));
        if (args == NULL || env == NULL) {
                sb_err_set(&err, ENOMEM, "exec \"%s\"", exe);
                goto fail;
        }
        memcpy(args, p->args.items, p->args.count * sizeof(char *));
        /* Only stdio and the preserved fds reach the user process: everything
         * else the runtime (or its caller) had open is closed at exec. */
        syscall(SYS_close_range, 3 + preserve_fds + listen_fds, ~0U, CLOSE_RANGE_CLOEXEC);
        execve(exe, args, env);
        sb_err_set(&err, errno, "exec \"%s\"", exe);
fail:
        runtime_report_failure(report_fd, step, &err);
}

void runtime_exec_process(const struct oci_process *p, const struct runtime_confinement *conf,
                          int preserve_fds, int listen_fds, int report_fd, const char *exe)
{
        struct sb_err err = {0};
        const char *step;
        int notify_fd;

        if (runtime_confine_process(p, conf, &notify_fd, &step, &err) < 0)
                runtime_report_failure(report_fd, step, &err);
        runtime_hand_over_listener(report_fd, notify_fd);
        runtime_exec_confined(p, preserve_fds, listen_fds, report_fd, exe);
}
