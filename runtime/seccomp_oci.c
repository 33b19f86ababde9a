/* linux.seccomp -> libseccomp filter; load; hand the notify fd to the agent.
 * The filter logic is libseccomp's; this file only translates the OCI model
 * and keeps runc's edge-case semantics (see seccomp_oci.h). */
#include "runtime/seccomp_oci.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/log.h"
#include "runtime/seccomp_compat.h"

#define SECCOMP_OCI_VERSION_FALLBACK "1.3.0"
#define SYSCALL_MAX_ARGS             6

/* libseccomp >= 2.6 knows SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV itself;
 * older versions need us to load the exported BPF with seccomp(2). */
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
#define HAVE_SCMP_WAITKILL 1
#else
#define HAVE_SCMP_WAITKILL 0
#endif

/* What a scmp_filter_ctx cannot tell us back: whether it has NOTIFY rules and
 * whether WAIT_KILLABLE_RECV must be applied at load time. Filters are
 * compiled once per init, so a small table keyed by the context suffices;
 * runtime_seccomp_compile() (re)registers every context it returns, so a
 * reused address never inherits stale facts. */
struct filter_facts {
        scmp_filter_ctx ctx;
        bool has_notify;
        bool wait_killable; /* to apply by hand at load (old libseccomp) */
};
#define FACTS_MAX 16
static struct filter_facts facts[FACTS_MAX];
static size_t facts_next;

static struct filter_facts *facts_find(scmp_filter_ctx ctx)
{
        for (size_t i = 0; i < FACTS_MAX; i++)
                if (ctx != NULL && facts[i].ctx == ctx)
                        return &facts[i];
        return NULL;
}

static void facts_set(scmp_filter_ctx ctx, bool has_notify, bool wait_killable)
{
        struct filter_facts *f = facts_find(ctx);

        if (f == NULL) {
                f = &facts[facts_next];
                facts_next = (facts_next + 1) % FACTS_MAX;
        }
        *f = (struct filter_facts){ctx, has_notify, wait_killable};
}

static void facts_forget(scmp_filter_ctx ctx)
{
        struct filter_facts *f = facts_find(ctx);

        if (f != NULL)
                *f = (struct filter_facts){0};
}

static const char *action_name(enum oci_seccomp_action a)
{
        static const char *const names[] = {
            [OCI_SCMP_ACT_KILL] = "SCMP_ACT_KILL",
            [OCI_SCMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
            [OCI_SCMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
            [OCI_SCMP_ACT_TRAP] = "SCMP_ACT_TRAP",
            [OCI_SCMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
            [OCI_SCMP_ACT_TRACE] = "SCMP_ACT_TRACE",
            [OCI_SCMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
            [OCI_SCMP_ACT_LOG] = "SCMP_ACT_LOG",
            [OCI_SCMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
        };
        if ((unsigned)a < sizeof(names) / sizeof(names[0]) && names[a] != NULL)
                return names[a];
        return "unknown action";
}

int runtime_seccomp_action(enum oci_seccomp_action a, bool has_errno_ret, uint32_t errno_ret,
                           uint32_t *out, struct sb_err *err)
{
        /* The kernel keeps 16 bits of data in SECCOMP_RET_DATA. */
        if (has_errno_ret && errno_ret > 0xffff)
                return sb_err_set(err, 0, "errnoRet %u out of range (0 to 65535)", errno_ret);
        /* runc: ERRNO and TRACE without errnoRet return EPERM. */
        uint32_t ret = has_errno_ret ? errno_ret : EPERM;

        switch (a) {
        case OCI_SCMP_ACT_KILL:
        case OCI_SCMP_ACT_KILL_THREAD:
                *out = SCMP_ACT_KILL_THREAD;
                return 0;
        case OCI_SCMP_ACT_KILL_PROCESS:
                *out = SCMP_ACT_KILL_PROCESS;
                return 0;
        case OCI_SCMP_ACT_TRAP:
                *out = SCMP_ACT_TRAP;
                return 0;
        case OCI_SCMP_ACT_ERRNO:
                *out = SCMP_ACT_ERRNO(ret);
                return 0;
        case OCI_SCMP_ACT_TRACE:
                *out = SCMP_ACT_TRACE(ret);
                return 0;
        case OCI_SCMP_ACT_ALLOW:
                *out = SCMP_ACT_ALLOW;
                return 0;
        case OCI_SCMP_ACT_LOG:
                *out = SCMP_ACT_LOG;
                return 0;
        case OCI_SCMP_ACT_NOTIFY:
                *out = SCMP_ACT_NOTIFY;
                return 0;
        }
        return sb_err_set(err, 0, "unknown action %d", (int)a);
}

bool runtime_kernel_runs_x32(void)
{
#if defined(__x86_64__)
        /* Under a seccomp filter of someone else's, the probe could be
         * killed (a filter without x32 kills such calls): assume x32 runs.
         * Without one, x32's getpid (the same number with the x32 bit) fails
         * with ENOSYS where the kernel has no x32 ABI or has it disabled. */
        if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0)
                return true;
        return syscall(__X32_SYSCALL_BIT | __NR_getpid) >= 0;
#else
        return false;
#endif
}

int runtime_seccomp_arch(const char *oci_name, uint32_t *out)
{
        static const char prefix[] = "SCMP_ARCH_";
        char lower[64];
        size_t n;

        if (oci_name == NULL || strncmp(oci_name, prefix, sizeof(prefix) - 1) != 0)
                return -1;
        oci_name += sizeof(prefix) - 1;
        n = strlen(oci_name);
        if (n == 0 || n >= sizeof(lower))
                return -1;
        /* libseccomp spells them "x86_64", "aarch64", "mipsel64n32" ... */
        for (size_t i = 0; i <= n; i++)
                lower[i] = (char)tolower((unsigned char)oci_name[i]);
        if (strcmp(lower, "native") == 0) {
                *out = SCMP_ARCH_NATIVE;
                return 0;
        }
        *out = seccomp_arch_resolve_name(lower);
        return *out == 0 ? -1 : 0;
}

static int scmp_op(enum oci_seccomp_op op, enum scmp_compare *out)
{
        switch (op) {
        case OCI_SCMP_CMP_NE:
                *out = SCMP_CMP_NE;
                return 0;
        case OCI_SCMP_CMP_LT:
                *out = SCMP_CMP_LT;
                return 0;
        case OCI_SCMP_CMP_LE:
                *out = SCMP_CMP_LE;
                return 0;
        case OCI_SCMP_CMP_EQ:
                *out = SCMP_CMP_EQ;
                return 0;
        case OCI_SCMP_CMP_GE:
                *out = SCMP_CMP_GE;
                return 0;
        case OCI_SCMP_CMP_GT:
                *out = SCMP_CMP_GT;
                return 0;
        case OCI_SCMP_CMP_MASKED_EQ:
                *out = SCMP_CMP_MASKED_EQ;
                return 0;
        }
        return -1;
}

/* SECCOMP_FILTER_FLAG_* names and the filter attribute each sets. */
struct flag_attr {
        const char *name;
        enum scmp_filter_attr attr; /* _SCMP_FLTATR_MIN: handled by hand */
};
static const struct flag_attr flag_attrs[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SCMP_FLTATR_CTL_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SCMP_FLTATR_CTL_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SCMP_FLTATR_CTL_SSB},
#if HAVE_SCMP_WAITKILL
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SCMP_FLTATR_CTL_WAITKILL},
#else
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", _SCMP_FLTATR_MIN},
#endif
};

static int set_flags(scmp_filter_ctx ctx, const struct oci_seccomp *s, bool *wait_killable,
                     struct sb_err *err)
{
        *wait_killable = false;
        for (size_t i = 0; i < s->flags.count; i++) {
                const char *name = s->flags.items[i];
                const struct flag_attr *fa = NULL;
                int r;

                for (size_t j = 0; j < sizeof(flag_attrs) / sizeof(flag_attrs[0]); j++)
                        if (strcmp(name, flag_attrs[j].name) == 0)
                                fa = &flag_attrs[j];
                if (fa == NULL)
                        return sb_err_set(err, 0, "linux.seccomp.flags[%zu]: unknown flag `%s`", i,
                                          name);
                if (fa->attr == _SCMP_FLTATR_MIN) {
                        *wait_killable = true;
                        continue;
                }
                r = seccomp_attr_set(ctx, fa->attr, 1);
                if (r < 0)
                        return sb_err_set(err, -r,
                                          "linux.seccomp.flags[%zu]: `%s` not supported by "
                                          "libseccomp %u.%u.%u or this kernel",
                                          i, name, SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
        }
        return 0;
}

/* Adds the rule(s) for one syscall name of syscalls[idx]. */
static int add_syscall_rule(scmp_filter_ctx ctx, size_t idx, const char *name, uint32_t action,
                            const struct scmp_arg_cmp *conds, size_t n_conds, bool split,
                            struct sb_err *err)
{
        int nr = seccomp_syscall_resolve_name(name);
        int r;

        if (nr == __NR_SCMP_ERROR) {
                /* runc: an unknown name is a syscall this kernel/arch lacks. */
                sb_debug("linux.seccomp.syscalls[%zu]: unknown syscall `%s` ignored", idx, name);
                return 0;
        }
        if (!split) {
                r = seccomp_rule_add_array(ctx, action, nr, (unsigned)n_conds, conds);
                if (r < 0)
                        return sb_err_set(err, -r, "linux.seccomp.syscalls[%zu]: add rule for `%s`",
                                          idx, name);
                return 0;
        }
        /* Several conditions on one argument: one rule per condition (runc),
         * i.e. the rule matches when any of them holds. */
        for (size_t k = 0; k < n_conds; k++) {
                r = seccomp_rule_add_array(ctx, action, nr, 1, &conds[k]);
                if (r < 0)
                        return sb_err_set(
                            err, -r, "linux.seccomp.syscalls[%zu].args[%zu]: add rule for `%s`",
                            idx, k, name);
        }
        return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const struct oci_seccomp *s, uint32_t def_action,
                        bool *has_notify, struct sb_err *err)
{
        *has_notify = false;
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                _cleanup_free_ struct scmp_arg_cmp *conds = NULL;
                unsigned per_index[SYSCALL_MAX_ARGS] = {0};
                bool split = false;
                uint32_t action;

                if (runtime_seccomp_action(sc->action, sc->has_errno_ret, sc->errno_ret, &action,
                                           err) < 0)
                        return sb_err_prefix(err, "linux.seccomp.syscalls[%zu]", i);
                if (sc->n_args > 0) {
                        conds = calloc(sc->n_args, sizeof(*conds));
                        if (conds == NULL)
                                return sb_err_set(err, ENOMEM, "linux.seccomp.syscalls[%zu]", i);
                }
                for (size_t k = 0; k < sc->n_args; k++) {
                        const struct oci_seccomp_arg *a = &sc->args[k];
                        enum scmp_compare op;

                        if (a->index >= SYSCALL_MAX_ARGS)
                                return sb_err_set(err, 0,
                                                  "linux.seccomp.syscalls[%zu].args[%zu].index: "
                                                  "%u out of range (0 to 5)",
                                                  i, k, a->index);
                        if (scmp_op(a->op, &op) < 0)
                                return sb_err_set(err, 0,
                                                  "linux.seccomp.syscalls[%zu].args[%zu].op: "
                                                  "unknown operator %d",
                                                  i, k, (int)a->op);
                        /* For SCMP_CMP_MASKED_EQ value is the mask and
                         * valueTwo the datum, as in libseccomp and runc. */
                        conds[k] = (struct scmp_arg_cmp){.arg = a->index,
                                                         .op = op,
                                                         .datum_a = a->value,
                                                         .datum_b = a->value_two};
                        if (++per_index[a->index] > 1)
                                split = true;
                }
                if (action == def_action)
                        continue; /* redundant; libseccomp would refuse it */
                if (sc->action == OCI_SCMP_ACT_NOTIFY)
                        *has_notify = true;
                for (size_t n = 0; n < sc->names.count; n++) {
                        const char *name = sc->names.items[n];

                        if (name == NULL || name[0] == '\0')
                                return sb_err_set(err, 0,
                                                  "linux.seccomp.syscalls[%zu].names[%zu]: empty "
                                                  "syscall name",
                                                  i, n);
                        /* runc: the init hands the listener fd over with
                         * write(); notifying write would deadlock it. */
                        if (sc->action == OCI_SCMP_ACT_NOTIFY && strcmp(name, "write") == 0)
                                return sb_err_set(err, 0,
                                                  "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY "
                                                  "cannot be used for the write syscall",
                                                  i);
                        if (add_syscall_rule(ctx, i, name, action, conds, sc->n_args, split, err) <
                            0)
                                return -1;
                }
        }
        return 0;
}

int runtime_seccomp_compile(const struct oci_seccomp *s, scmp_filter_ctx *out, struct sb_err *err)
{
        scmp_filter_ctx ctx;
        uint32_t def_action;
        bool has_notify, wait_killable;
        int r;

        *out = NULL;
        if (runtime_seccomp_action(s->default_action, s->has_default_errno_ret,
                                   s->default_errno_ret, &def_action, err) < 0)
                return sb_err_prefix(err, "linux.seccomp.defaultAction");
        /* Every syscall the init makes after load (including the hand-over of
         * the listener fd) would wait for an agent that has no fd yet. */
        if (s->default_action == OCI_SCMP_ACT_NOTIFY)
                return sb_err_set(err, 0,
                                  "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be used "
                                  "as the default action");
        ctx = seccomp_init(def_action);
        if (ctx == NULL)
                return sb_err_set(err, EINVAL, "linux.seccomp.defaultAction: seccomp_init(%s)",
                                  action_name(s->default_action));

        for (size_t i = 0; i < s->architectures.count; i++) {
                const char *name = s->architectures.items[i];
                uint32_t arch;

                if (runtime_seccomp_arch(name, &arch) < 0) {
                        seccomp_release(ctx);
                        return sb_err_set(err, 0,
                                          "linux.seccomp.architectures[%zu]: unknown "
                                          "architecture `%s`",
                                          i, name ? name : "(null)");
                }
                /* The native architecture is always in the filter. */
                r = seccomp_arch_add(ctx, arch);
                if (r < 0 && r != -EEXIST) {
                        seccomp_release(ctx);
                        return sb_err_set(err, -r, "linux.seccomp.architectures[%zu]: add `%s`", i,
                                          name);
                }
        }

        /* The runtime sets no_new_privs itself, only when process.noNewPrivileges
         * asks; the filter must not do it behind the config's back. */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (r < 0) {
                seccomp_release(ctx);
                return sb_err_set(err, -r, "linux.seccomp: clear SCMP_FLTATR_CTL_NNP");
        }
        if (set_flags(ctx, s, &wait_killable, err) < 0) {
                seccomp_release(ctx);
                return -1;
        }
        /* Long rule sets: binary tree dispatch (runc does the same above 32;
         * libseccomp <= 2.5.4 misbehaves with the tree and no rules). */
        if (s->n_syscalls > 32)
                (void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);

        if (add_syscalls(ctx, s, def_action, &has_notify, err) < 0) {
                seccomp_release(ctx);
                return -1;
        }
        /* Calls of an architecture the filter leaves out go to the sentry,
         * which refuses and records them, instead of killing the thread. */
        if (s->foreign_to_listener && has_notify) {
                r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_NOTIFY);
                if (r < 0) {
                        seccomp_release(ctx);
                        return sb_err_set(err, -r,
                                          "linux.seccomp: bad-arch action SCMP_ACT_NOTIFY");
                }
        }
        if (wait_killable && !has_notify) {
                /* The kernel refuses the flag without a listener; it has no
                 * meaning without SCMP_ACT_NOTIFY rules anyway. */
                sb_debug("linux.seccomp.flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: "
                         "no SCMP_ACT_NOTIFY rule");
                wait_killable = false;
        }
        facts_set(ctx, has_notify, wait_killable);
        *out = ctx;
        return 0;
}

void runtime_seccomp_release(scmp_filter_ctx ctx)
{
        if (ctx == NULL)
                return;
        facts_forget(ctx);
        seccomp_release(ctx);
}

bool runtime_seccomp_has_notify(scmp_filter_ctx ctx)
{
        const struct filter_facts *f = facts_find(ctx);

        return f != NULL && f->has_notify;
}

/* The program libseccomp would load, and the seccomp(2) flags it would load
 * it with, plus WAIT_KILLABLE_RECV, which libseccomp < 2.6 cannot set. */
int runtime_seccomp_export(scmp_filter_ctx ctx, struct runtime_bpf *out, struct sb_err *err)
{
        const struct filter_facts *f = facts_find(ctx);
        bool has_notify = f != NULL && f->has_notify;
        _cleanup_close_ int mfd = -1;
        struct stat st;
        uint32_t v;
        int r;

        memset(out, 0, sizeof(*out));
        if (ctx == NULL)
                return sb_err_set(err, EINVAL, "seccomp: no filter to export");
        if (f != NULL && f->wait_killable)
                out->flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_TSYNC, &v) == 0 && v)
                out->flags |= SECCOMP_FILTER_FLAG_TSYNC;
        if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_LOG, &v) == 0 && v)
                out->flags |= SECCOMP_FILTER_FLAG_LOG;
        if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_SSB, &v) == 0 && v)
                out->flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
        if (has_notify) {
                out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
                /* TSYNC returns a thread id on failure, which would be
                 * mistaken for the listener fd without TSYNC_ESRCH. */
                if (out->flags & SECCOMP_FILTER_FLAG_TSYNC)
                        out->flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        }
        out->has_notify = has_notify;

        mfd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
        if (mfd < 0)
                return sb_err_set(err, errno, "seccomp: memfd_create");
        r = seccomp_export_bpf(ctx, mfd);
        if (r < 0)
                return sb_err_set(err, -r, "seccomp: seccomp_export_bpf");
        if (fstat(mfd, &st) < 0)
                return sb_err_set(err, errno, "seccomp: fstat exported filter");
        if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) != 0 ||
            st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
                return sb_err_set(err, 0, "seccomp: exported filter has a bad size (%lld bytes)",
                                  (long long)st.st_size);
        out->insns = malloc((size_t)st.st_size);
        if (out->insns == NULL)
                return sb_err_set(err, ENOMEM, "seccomp: filter buffer");
        if (pread(mfd, out->insns, (size_t)st.st_size, 0) != st.st_size) {
                runtime_bpf_free(out);
                return sb_err_set(err, errno ? errno : EIO, "seccomp: read exported filter");
        }
        out->len = (size_t)st.st_size / sizeof(struct sock_filter);
        return 0;
}

int runtime_bpf_load(const struct runtime_bpf *p, int *notify_fd, struct sb_err *err)
{
        struct sock_fprog prog = {.len = (unsigned short)p->len, .filter = p->insns};
        long ret;

        *notify_fd = -1;
        if (p->insns == NULL || p->len == 0 || p->len > BPF_MAXINSNS)
                return sb_err_set(err, EINVAL, "seccomp: no filter to load");
        ret = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
        if (ret < 0)
                return sb_err_set(err, errno, "seccomp(SECCOMP_SET_MODE_FILTER, flags=%#lx)",
                                  p->flags);
        if (p->has_notify)
                *notify_fd = (int)ret;
        return 0;
}

void runtime_bpf_free(struct runtime_bpf *p)
{
        free(p->insns);
        memset(p, 0, sizeof(*p));
}

int runtime_seccomp_load(scmp_filter_ctx ctx, int *notify_fd, struct sb_err *err)
{
        struct runtime_bpf p;
        int r;

        *notify_fd = -1;
        if (runtime_seccomp_export(ctx, &p, err) < 0)
                return -1;
        r = runtime_bpf_load(&p, notify_fd, err);
        runtime_bpf_free(&p);
        return r;
}

/* {"ociVersion", "fds": ["seccompFd"], "pid", "metadata", "state"} */
static char *process_state_json(const char *state_json, pid_t pid, const char *metadata,
                                struct sb_err *err)
{
        json_error_t jerr;
        json_t *state = json_loads(state_json, 0, &jerr);
        json_t *root, *ver;
        char *text;

        if (state == NULL || !json_is_object(state)) {
                json_decref(state);
                sb_err_set(err, 0, "seccomp listener: container state is not a JSON object");
                return NULL;
        }
        ver = json_object_get(state, "ociVersion");
        root =
            json_pack("{s:s, s:[s], s:I}", "ociVersion",
                      json_is_string(ver) ? json_string_value(ver) : SECCOMP_OCI_VERSION_FALLBACK,
                      "fds", "seccompFd", "pid", (json_int_t)pid);
        if (root == NULL) {
                json_decref(state);
                sb_err_set(err, ENOMEM, "seccomp listener: build JSON");
                return NULL;
        }
        if (metadata != NULL && metadata[0] != '\0')
                json_object_set_new(root, "metadata", json_string(metadata));
        json_object_set_new(root, "state", state);
        text = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        if (text == NULL)
                sb_err_set(err, ENOMEM, "seccomp listener: encode JSON");
        return text;
}

int runtime_seccomp_send_listener(const char *listener_path, int notify_fd,
                                  const char *state_json_without_fds, pid_t pid,
                                  const char *metadata, struct sb_err *err)
{
        _cleanup_free_ char *msg = NULL;
        _cleanup_close_ int sock = -1;
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } control;
        struct iovec iov;
        struct msghdr mh = {0};
        struct cmsghdr *cmsg;
        ssize_t n;

        if (listener_path == NULL || listener_path[0] == '\0')
                return sb_err_set(err, 0, "linux.seccomp.listenerPath: not set");
        if (strlen(listener_path) >= sizeof(addr.sun_path))
                return sb_err_set(err, ENAMETOOLONG, "linux.seccomp.listenerPath `%s`",
                                  listener_path);
        if (notify_fd < 0)
                return sb_err_set(err, EBADF, "seccomp listener: no notify fd to send");
        msg = process_state_json(state_json_without_fds, pid, metadata, err);
        if (msg == NULL)
                return -1;
        strcpy(addr.sun_path, listener_path);

        sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sock < 0)
                return sb_err_set(err, errno, "seccomp listener: socket");
        if (connect(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return sb_err_set(err, errno, "seccomp listener: connect `%s`", listener_path);

        /* One message: the JSON as data, the fd as SCM_RIGHTS (fds[0]). */
        iov.iov_base = msg;
        iov.iov_len = strlen(msg);
        memset(&control, 0, sizeof(control));
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        mh.msg_control = control.buf;
        mh.msg_controllen = sizeof(control.buf);
        cmsg = CMSG_FIRSTHDR(&mh);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &notify_fd, sizeof(int));

        do
                n = sendmsg(sock, &mh, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return sb_err_set(err, errno, "seccomp listener: sendmsg to `%s`", listener_path);
        if ((size_t)n != iov.iov_len)
                return sb_err_set(err, EIO, "seccomp listener: short sendmsg to `%s`",
                                  listener_path);
        return 0;
}
