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
#include "runtime/cleanup.h"
#include "runtime/log.h"
#include "runtime/profile_cache.h"
#include "runtime/seccomp_cache.h"
#include "runtime/seccomp_compat.h"
#include "runtime/seccomp_oci.h"
#include "runtime/state.h"
#include "runtime/sync.h"
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

int runtime_confinement_find(const char *ref, struct runtime_confinement *c, struct sb_err *err)
{
        memset(c, 0, sizeof(*c));
        c->sentry_conn = -1;
        /* Fail closed: a profile that cannot be read or compiled stops the
         * container; there is no unconfined fallback. */
        if (policy_profile_find(ref, NULL, &c->profile_path, err) < 0)
                return sb_err_prefix(err, "profile");
        return 0;
}

int runtime_confinement_resolve(const char *ref, const struct oci_config *cfg, bool check_bounds,
                                struct runtime_confinement *c, struct sb_diags *diags,
                                struct sb_err *err)
{
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
        return 0;
}

int runtime_confinement_compile(const char *ref, const struct oci_config *cfg,
                                struct runtime_confinement *c, struct sb_err *err)
{
        struct policy_seccomp ps;

        if (policy_compile_oci(&c->eff, &ps, &c->tables, err) < 0)
                return sb_err_prefix(err, "profile `%s`", ref);
        c->have_tables = true;
        /* Where the kernel has no x32 ABI (or has it disabled), an x32 call
         * can only fail (ENOSYS): the filter leaves x32 out (a quarter of
         * the program, and of its load time), and such calls go to the
         * sentry as calls of a foreign architecture, refused and recorded. */
        if (ps.s.foreign_to_listener && oci_seccomp_uses_notify(&ps.s) &&
            !runtime_kernel_runs_x32())
                policy_seccomp_drop_arch(&ps, "SCMP_ARCH_X32");
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

int runtime_confinement_prepare(const char *ref, const struct oci_config *cfg, bool check_bounds,
                                struct runtime_confinement *c, struct sb_diags *diags,
                                struct sb_err *err)
{
        if (runtime_confinement_find(ref, c, err) < 0 ||
            runtime_confinement_resolve(ref, cfg, check_bounds, c, diags, err) < 0)
                return -1;
        return runtime_confinement_compile(ref, cfg, c, err);
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

/* The filters on the wire: this header, then the profile's instructions,
 * then the config's. */
struct confine_wire {
        uint32_t magic;
        uint32_t filter_len; /* instructions */
        uint32_t oci_len;
        uint32_t bits; /* CONFINE_* */
        uint64_t filter_flags;
        uint64_t oci_flags;
};
#define CONFINE_MAGIC         0x53424346u /* "SBCF" */
#define CONFINE_FILTER_NOTIFY 1u
#define CONFINE_OCI_NOTIFY    2u
#define CONFINE_ROUTES        4u /* the sentry connection follows */

int runtime_confinement_send(int sock, const struct runtime_confinement *c, struct sb_err *err)
{
        struct confine_wire w = {
            .magic = CONFINE_MAGIC,
            .filter_len = (uint32_t)c->filter.len,
            .oci_len = (uint32_t)c->oci.len,
            .bits = (c->filter.has_notify ? CONFINE_FILTER_NOTIFY : 0) |
                    (c->oci.has_notify ? CONFINE_OCI_NOTIFY : 0) | (c->routes ? CONFINE_ROUTES : 0),
            .filter_flags = c->filter.flags,
            .oci_flags = c->oci.flags,
        };
        struct iovec iov[3] = {
            {&w, sizeof(w)},
            {c->filter.insns, c->filter.len * sizeof(struct sock_filter)},
            {c->oci.insns, c->oci.len * sizeof(struct sock_filter)},
        };
        size_t total = iov[0].iov_len + iov[1].iov_len + iov[2].iov_len;
        struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 3};
        ssize_t n;

        if (c->routes && c->sentry_conn < 0)
                return sb_err_set(err, 0, "hand the filters to the init: no sentry connection");
        if (runtime_sync_send(sock, SYNC_CONFINE, (int32_t)total, NULL) < 0)
                return sb_err_set(err, errno, "hand the filters to the init");
        do
                n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n != (ssize_t)total)
                return sb_err_set(err, n < 0 ? errno : EIO, "hand the filters to the init");
        if (c->routes && runtime_send_fd(sock, c->sentry_conn, "sentry", err) < 0)
                return sb_err_prefix(err, "hand the sentry connection to the init");
        return 0;
}

static int take_program(const char **p, size_t len, uint64_t flags, bool notify,
                        struct runtime_bpf *out)
{
        size_t bytes = len * sizeof(struct sock_filter);

        out->len = len;
        out->flags = (unsigned long)flags;
        out->has_notify = notify;
        if (len == 0)
                return 0;
        out->insns = malloc(bytes);
        if (out->insns == NULL)
                return -1;
        memcpy(out->insns, *p, bytes);
        *p += bytes;
        return 0;
}

int runtime_confinement_receive(int sock, struct runtime_confinement *c, struct sb_err *err)
{
        size_t max = sizeof(struct confine_wire) + 2 * BPF_MAXINSNS * sizeof(struct sock_filter);
        struct runtime_sync_msg m;
        struct confine_wire w;
        ssize_t n;

        memset(c, 0, sizeof(*c));
        c->sentry_conn = -1;
        if (runtime_sync_recv(sock, &m) < 0)
                return sb_err_set(err, errno, "receive the filters");
        if (m.type == SYNC_ERROR)
                return sb_err_set(err, 0, "%s", m.text);
        if (m.type != SYNC_CONFINE || m.value < (int32_t)sizeof(w) || (size_t)m.value > max)
                return sb_err_set(err, EPROTO, "receive the filters: message %u of %d bytes",
                                  m.type, m.value);
        _cleanup_free_ char *buf = malloc((size_t)m.value);
        if (buf == NULL)
                return sb_err_set(err, ENOMEM, "receive the filters");
        do
                n = recv(sock, buf, (size_t)m.value, 0);
        while (n < 0 && errno == EINTR);
        if (n != m.value)
                return sb_err_set(err, n < 0 ? errno : EPROTO, "receive the filters");
        memcpy(&w, buf, sizeof(w));
        if (w.magic != CONFINE_MAGIC || w.filter_len > BPF_MAXINSNS || w.oci_len > BPF_MAXINSNS ||
            sizeof(w) + ((size_t)w.filter_len + w.oci_len) * sizeof(struct sock_filter) !=
                (size_t)n)
                return sb_err_set(err, EPROTO, "receive the filters: a malformed message");
        const char *p = buf + sizeof(w);
        if (take_program(&p, w.filter_len, w.filter_flags, w.bits & CONFINE_FILTER_NOTIFY,
                         &c->filter) < 0 ||
            take_program(&p, w.oci_len, w.oci_flags, w.bits & CONFINE_OCI_NOTIFY, &c->oci) < 0) {
                runtime_confinement_free(c);
                return sb_err_set(err, ENOMEM, "receive the filters");
        }
        c->routes = (w.bits & CONFINE_ROUTES) != 0;
        if (c->routes) {
                char name[32];
                c->sentry_conn = runtime_recv_fd(sock, name, sizeof(name), err);
                if (c->sentry_conn < 0 || strcmp(name, "sentry") != 0) {
                        runtime_confinement_free(c);
                        return c->sentry_conn < 0
                                   ? sb_err_prefix(err, "receive the sentry connection")
                                   : sb_err_set(err, EPROTO, "receive the sentry connection");
                }
        }
        return 0;
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
