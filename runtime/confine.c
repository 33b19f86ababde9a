#include "runtime/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "policy/bounds.h"
#include "policy/compile.h"
#include "policy/config_refusals.h"
#include "runtime/log.h"
#include "runtime/profile_cache.h"
#include "runtime/seccomp_cache.h"
#include "runtime/seccomp_compat.h"
#include "runtime/seccomp_oci.h"
#include "runtime/state.h"
#include "runtime/terminal.h"
#include "sentry/sentry.h"

const char *runtime_profile_select(const struct sb_global *g, const struct oci_config *cfg)
{
        if (g->profile != NULL && g->profile[0] != '\0')
                return g->profile;
        for (size_t i = 0; i < cfg->annotations.count; i++)
                if (strcmp(cfg->annotations.items[i].key, SB_PROFILE_ANNOTATION) == 0 &&
                    cfg->annotations.items[i].value[0] != '\0')
                        return cfg->annotations.items[i].value;
        return "default";
}

int runtime_confinement_prepare(const char *ref, const struct oci_config *cfg, bool check_bounds,
                                struct runtime_confinement *c, struct sb_diags *diags,
                                struct sb_err *err)
{
        memset(c, 0, sizeof(*c));
        c->sentry_conn = -1;
        /* Fail closed: a profile that cannot be read or compiled stops the
         * container; there is no unconfined fallback. */
        if (policy_profile_find(ref, NULL, &c->profile_path, err) < 0)
                return sb_err_prefix(err, "profile");
        if (runtime_profile_resolve(c->profile_path, &c->eff, diags, err) < 0)
                return sb_err_prefix(err, "profile `%s`", ref);
        c->have_profile = true;
        if (check_bounds && policy_check_bounds(&c->eff, cfg, diags) < 0) {
                c->refused = true;
                return sb_err_set(err, 0, "%s",
                                  diags && diags->count
                                      ? diags->items[diags->count - 1]
                                      : "the config exceeds the profile's bounds");
        }
        struct policy_seccomp ps;
        if (policy_compile_oci(&c->eff, &ps, &c->tables, err) < 0)
                return sb_err_prefix(err, "profile `%s`", ref);
        c->have_tables = true;
        if (cfg->linux_.seccomp.present) {
                c->tables.config_errno = calloc(c->tables.n_entries, sizeof(int));
                if (c->tables.config_errno == NULL) {
                        policy_seccomp_free(&ps);
                        return sb_err_set(err, ENOMEM, "profile `%s`", ref);
                }
                policy_config_refusals(&ps.s, &cfg->linux_.seccomp, c->tables.config_errno,
                                       c->tables.n_entries);
        }
        int r = runtime_seccomp_program(&ps.s, &c->filter, err);
        policy_seccomp_free(&ps);
        if (r < 0)
                return sb_err_prefix(err, "profile `%s`", ref);
        c->routes = c->filter.has_notify;
        return 0;
}

int runtime_confinement_prepare_oci(const struct oci_config *cfg, struct runtime_confinement *c,
                                    struct sb_err *err)
{
        struct policy_config_filter f;

        runtime_bpf_free(&c->oci);
        if (!cfg->linux_.seccomp.present)
                return 0;
        if (!c->have_tables || c->tables.config_errno == NULL)
                return runtime_seccomp_program(&cfg->linux_.seccomp, &c->oci, err);
        /* The calls it refuses that the profile routes go on to the sentry,
         * which refuses them the same way and records them. */
        if (policy_config_with_allow(&cfg->linux_.seccomp, c->tables.config_errno,
                                     c->tables.n_entries, &f) < 0)
                return sb_err_set(err, ENOMEM, "config.json: .linux.seccomp");
        int r = runtime_seccomp_program(&f.s, &c->oci, err);
        policy_config_filter_free(&f);
        return r;
}

void runtime_confinement_free(struct runtime_confinement *c)
{
        runtime_bpf_free(&c->filter);
        runtime_bpf_free(&c->oci);
        if (c->have_tables)
                policy_tables_free(&c->tables);
        if (c->have_profile)
                policy_profile_free(&c->eff);
        free(c->profile_path);
        if (c->sentry_conn >= 0)
                close(c->sentry_conn);
        memset(c, 0, sizeof(*c));
        c->sentry_conn = -1;
}

int runtime_confinement_load(const struct runtime_confinement *c, struct sb_err *err)
{
        int notify_fd = -1;

        if (c == NULL || c->filter.len == 0)
                return 0;
        if (c->filter.has_notify) {
                /* Once the sentry has received a call, only a fatal signal
                 * ends the wait: a call the sentry performs (an open with
                 * O_CREAT, a mkdir) is never interrupted after it happened and
                 * run again (which would find its own file: EEXIST). Kernels
                 * before 5.19 do not know the flag (EINVAL): load without. */
                struct runtime_bpf f = c->filter;

                f.flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
                if (runtime_bpf_load(&f, &notify_fd, err) == 0)
                        goto loaded;
                if (err->errnum != EINVAL)
                        return sb_err_prefix(err, "profile filter");
        }
        if (runtime_bpf_load(&c->filter, &notify_fd, err) < 0)
                return sb_err_prefix(err, "profile filter");
loaded:
        if (notify_fd < 0)
                return 0;
        /* Fail closed: a filter that routes calls with nobody to answer
         * them would make them fail with ENOSYS; refuse to start instead. */
        if (c->sentry_conn < 0) {
                close(notify_fd);
                return sb_err_set(err, 0, "the profile routes syscalls but there is no sentry");
        }
        int r = runtime_send_fd(c->sentry_conn, notify_fd, SENTRY_NOTIFY_PREFIX "0", err);
        close(notify_fd);
        return r < 0 ? sb_err_prefix(err, "hand the listener to the sentry") : 0;
}

int runtime_sentry_socket_listen(const char *root, const char *id, struct sb_err *err)
{
        struct sockaddr_un sa;
        char path[PATH_MAX + 16];
        int dfd = runtime_state_socket_addr(root, id, "sentry.sock", &sa, path, sizeof(path), err);
        if (dfd < 0)
                return -1;
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                close(dfd);
                return sb_err_set(err, e, "sentry socket `%s`", path);
        }
        close(dfd);
        chmod(path, 0600);
        return fd;
}

int runtime_sentry_socket_connect(const char *root, const char *id, struct sb_err *err)
{
        struct sockaddr_un sa;
        char path[PATH_MAX + 16];
        int dfd = runtime_state_socket_addr(root, id, "sentry.sock", &sa, path, sizeof(path), err);
        if (dfd < 0)
                return -1;
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                close(dfd);
                return sb_err_set(err, e, "connect to the sentry `%s`", path);
        }
        close(dfd);
        return fd;
}

const char *runtime_events_log(const struct sb_global *g)
{
        const char *p = g->events_log ? g->events_log : SB_EVENTS_LOG_DEFAULT;
        if (strcmp(p, "-") != 0) {
                char dir[PATH_MAX];
                snprintf(dir, sizeof(dir), "%s", p);
                char *slash = strrchr(dir, '/');
                if (slash != NULL && slash != dir) {
                        *slash = '\0';
                        for (char *q = dir + 1; *q; q++) {
                                if (*q != '/')
                                        continue;
                                *q = '\0';
                                mkdir(dir, 0755);
                                *q = '/';
                        }
                        mkdir(dir, 0755);
                }
        }
        return p;
}
