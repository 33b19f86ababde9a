/* The decision path: one notification in, one answer out. Reads like a
 * privilege-separation monitor: receive, find the rule, one small handler per
 * syscall class, answer, record.
 *
 * The invariant every handler keeps: SECCOMP_USER_NOTIF_FLAG_CONTINUE is only
 * the answer when the verdict does not depend on memory the target controls
 * (a scalar rule, or a path rule whose every outcome allows). A verdict that
 * depends on a path is carried out by the sentry itself (the open it decided
 * on) or is a denial. */
#include "sentry/state.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "policy/syscalls.h"
#include "sentry/rules.h"

static bool allows(struct policy_verdict v)
{
        return v.action == POLICY_ACT_ALLOW || v.action == POLICY_ACT_LOG;
}

static bool records(struct policy_verdict v)
{
        return v.record || v.action == POLICY_ACT_LOG || !allows(v);
}

static int verdict_errno(struct policy_verdict v)
{
        return v.errnum > 0 ? v.errnum : EPERM;
}

static void respond(struct sentry_state *s, struct sentry_request *r, int error, uint32_t flags)
{
        struct seccomp_notif_resp *resp = s->resp;

        memset(resp, 0, sizeof(*resp));
        resp->id = r->req->id;
        resp->error = error;
        resp->flags = flags;
        /* ENOENT: the target was killed or its call interrupted meanwhile;
         * there is nobody left to answer. */
        (void)seccomp_notify_respond(r->notify_fd, resp);
}

/* True while the target still waits for this answer: memory we read came
 * from the process that made the call, not from a recycled pid. */
static bool still_valid(struct sentry_request *r)
{
        return seccomp_notify_id_valid(r->notify_fd, r->req->id) == 0;
}

/* SIGKILL to the caller, through a pidfd opened while its call still waits
 * for us (checked after the open), so that it is the caller's and not a
 * recycled number's. Without thread pidfds (before Linux 6.9) a thread that
 * is not its group's leader has none: then by number, right after the
 * check. */
static void kill_caller(struct sentry_request *r)
{
        pid_t tid = (pid_t)r->req->pid;
        int fd = (int)syscall(SYS_pidfd_open, tid, SB_PIDFD_THREAD);

        if (fd < 0)
                fd = (int)syscall(SYS_pidfd_open, tid, 0);
        if (still_valid(r)) {
                if (fd >= 0)
                        (void)syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
                else
                        kill(tid, SIGKILL);
        }
        if (fd >= 0)
                close(fd);
}

static void load_proc(struct sentry_request *r)
{
        struct sb_err err;

        if (!r->have_proc)
                r->have_proc =
                    sentry_target_proc(r->status, (pid_t)r->req->pid, &r->proc, &err) == 0;
}

/* Every string argument, for the event (best effort). */
static void read_strings(struct sentry_request *r)
{
        struct sb_err err;

        for (int i = 0; i < SENTRY_MAX_ARGS; i++) {
                enum sentry_arg_kind k = r->desc->args[i].kind;
                if ((k != SENTRY_ARG_PATH && k != SENTRY_ARG_STRING) || r->have_str[i] ||
                    r->req->data.args[i] == 0)
                        continue;
                r->have_str[i] =
                    sentry_target_read_string((pid_t)r->req->pid, r->req->data.args[i], r->strs[i],
                                              sizeof(r->strs[i]), &err) == 0;
        }
}

static void kill_container(struct sentry_state *s, struct sentry_request *r)
{
        char msg[512];

        sentry_kill_init(s->cfg, s->init_pidfd);
        snprintf(msg, sizeof(msg), "%s %d %s", SENTRY_MSG_KILL_CONTAINER, (int)r->req->pid,
                 r->rule && r->rule->name ? r->rule->name : "-");
        if (s->control_fd >= 0)
                (void)send(s->control_fd, msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* Answers with a verdict. `may_continue` is false when the verdict came from
 * pointer contents: an allow then cannot be CONTINUE (callers perform the
 * call instead and never get here with an allow). */
static void apply(struct sentry_state *s, struct sentry_request *r, struct policy_verdict v,
                  bool may_continue)
{
        int errnum = 0;

        if (allows(v) && !may_continue)
                v = (struct policy_verdict){
                    .action = POLICY_ACT_ERRNO, .errnum = EPERM, .record = true};
        if (v.action == POLICY_ACT_ERRNO)
                errnum = verdict_errno(v);
        if (records(v)) {
                read_strings(r);
                load_proc(r);
                r->continued = v.action == POLICY_ACT_ALLOW || v.action == POLICY_ACT_LOG;
                sentry_record(s, r, v, errnum);
        }
        switch (v.action) {
        case POLICY_ACT_ALLOW:
        case POLICY_ACT_LOG:
                respond(s, r, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
                return;
        case POLICY_ACT_KILL_CONTAINER:
                kill_container(s, r);
                /* the calling process goes too, whatever the runtime does */
                __attribute__((fallthrough));
        case POLICY_ACT_KILL_PROCESS:
                /* Killed before the answer: the call never returns to it. */
                kill_caller(r);
                respond(s, r, -EPERM, 0);
                return;
        default:
                respond(s, r, -verdict_errno(v), 0);
                return;
        }
}

/* Reads the decision path of a PATH or OPEN class call and makes it absolute
 * in the target's root. Returns 0 or -errno to answer with. */
static int read_decision_path(struct sentry_request *r, int path_arg, int dirfd)
{
        struct sb_err err;
        pid_t pid = (pid_t)r->req->pid;

        if (path_arg < 0)
                return -EINVAL;
        if (sentry_target_read_string(pid, r->req->data.args[path_arg], r->strs[path_arg],
                                      sizeof(r->strs[path_arg]), &err) < 0)
                return -(err.errnum ? err.errnum : EFAULT);
        r->have_str[path_arg] = true;
        if (r->strs[path_arg][0] == '\0')
                return -ENOENT;
        if (sentry_target_abspath(pid, dirfd, r->strs[path_arg], r->path, sizeof(r->path), &err) <
            0)
                return -(err.errnum ? err.errnum : EACCES);
        r->have_path = true;
        return 0;
}

static void answer_errno(struct sentry_state *s, struct sentry_request *r, int neg_errno)
{
        respond(s, r, neg_errno, 0);
}

/* open, openat, openat2, creat: decide on the path, then open it here. */
static void handle_open(struct sentry_state *s, struct sentry_request *r)
{
        const __u64 *a = r->req->data.args;
        int dirfd = AT_FDCWD, path_arg = 0, rc;
        uint64_t flags = 0, mode = 0, resolve = 0;
        struct sb_err err;

        if (strcmp(r->name, "open") == 0) {
                flags = (uint32_t)a[1]; /* an int to the kernel */
                mode = a[2];
        } else if (strcmp(r->name, "creat") == 0) {
                flags = O_CREAT | O_WRONLY | O_TRUNC;
                mode = a[1];
        } else {
                dirfd = (int)a[0];
                path_arg = 1;
                flags = (uint32_t)a[2];
                mode = a[3];
        }
        if (strcmp(r->name, "openat2") == 0) {
                struct open_how how;
                if (a[3] < sizeof(how) || a[3] > 4096)
                        return answer_errno(s, r, a[3] < sizeof(how) ? -EINVAL : -E2BIG);
                if (sentry_target_read((pid_t)r->req->pid, a[2], &how, sizeof(how), &err) < 0)
                        return answer_errno(s, r, -EFAULT);
                flags = how.flags;
                mode = how.mode;
                resolve = how.resolve;
                r->how = (struct sentry_open_how){how.flags, how.mode, how.resolve};
                r->have_how = true;
        }
        if ((rc = read_decision_path(r, path_arg, dirfd)) < 0)
                return answer_errno(s, r, rc);
        load_proc(r);
        /* Everything we decide on has been read: make sure it came from the
         * caller that still waits, not from a pid reused meanwhile. */
        if (!still_valid(r))
                return;
        if (!r->have_proc)
                return answer_errno(s, r, -ESRCH);

        unsigned access = sentry_open_access(flags);
        struct policy_verdict v = sentry_path_decide(r->rule, r->path, access, NULL);
        if (!allows(v))
                return apply(s, r, v, false);

        /* Allowed: the sentry opens exactly the path it decided on and hands
         * the result over. A thread rewriting the buffer now changes nothing.
         * An allowed call that is recorded is answered before the event is
         * written: describe the process while it still waits. */
        if (records(v))
                sentry_target_describe(&r->proc);
        struct policy_verdict post = v;
        rc = sentry_emulate_open(r, dirfd, flags, mode, resolve);
        if (rc == 1) {
                /* The path resolved (through symlinks) somewhere the table
                 * treats differently: the stricter verdict applies. */
                post =
                    sentry_verdict_stricter(v, sentry_path_decide(r->rule, r->path, access, NULL));
                return apply(s, r, post, false);
        }
        if (rc == -ELOOP || (rc < 0 && sentry_path_via_magic_link(r->path))) {
                /* A write-open that only resolves through a magic link
                 * (/proc/PID/root, /proc/PID/fd/N) is refused by the emulated
                 * open (ELOOP, or EACCES where the kernel's ptrace check on
                 * that process comes first, as for the host's pid 1 under
                 * --pid=host); it is how core_pattern-style escapes reach
                 * host files, so it is recorded as the deny it is. */
                v = (struct policy_verdict){
                    .action = POLICY_ACT_ERRNO, .errnum = -rc, .record = true};
        }
        if (records(v))
                sentry_record(s, r, v, rc < 0 ? -rc : 0);
        if (rc < 0)
                answer_errno(s, r, rc);
}

static unsigned path_access(const char *name)
{
        if (strncmp(name, "mkdir", 5) == 0 || strncmp(name, "mknod", 5) == 0)
                return POLICY_ACCESS_CREATE | POLICY_ACCESS_WRITE;
        if (strncmp(name, "execve", 6) == 0 || strcmp(name, "chroot") == 0)
                return POLICY_ACCESS_EXEC;
        return POLICY_ACCESS_WRITE;
}

/* mkdir, unlink, mknod, chroot, mount, umount2, execve...: decide on the path;
 * allow is CONTINUE only when no path could have been denied, else the
 * sentry performs it (mkdir/mknod/unlink/rmdir) or it is denied. */
/* read_decision_path for the path argument the descriptor names (and the
 * dirfd before it); -EINVAL for a call without one. */
static int read_named_path(struct sentry_request *r)
{
        int dirfd_arg = sentry_desc_dirfd_arg(r->desc);

        return read_decision_path(r, sentry_desc_path_arg(r->desc),
                                  dirfd_arg >= 0 ? (int)r->req->data.args[dirfd_arg] : AT_FDCWD);
}

static void handle_path(struct sentry_state *s, struct sentry_request *r)
{
        int rc;

        if (sentry_rule_path_independent(r->rule)) {
                /* Every outcome allows: the answer does not depend on what
                 * the buffer holds, so CONTINUE is safe; the path is read
                 * only to be recorded. */
                struct policy_verdict v = r->rule->otherwise;
                if (r->rule->verdict.action != POLICY_ACT_SENTRY)
                        v = r->rule->verdict;
                if (read_named_path(r) == 0)
                        v = sentry_path_decide(r->rule, r->path, path_access(r->name), NULL);
                return apply(s, r, v, true);
        }
        if ((rc = read_named_path(r)) < 0)
                return answer_errno(s, r, rc);
        load_proc(r);
        if (!still_valid(r))
                return;
        struct policy_verdict v = sentry_path_decide(r->rule, r->path, path_access(r->name), NULL);
        if (!allows(v))
                return apply(s, r, v, false);
        rc = sentry_emulate_path_op(r);
        if (rc == -ENOSYS) /* not a call the sentry can perform: deny */
                return apply(s, r, v, false);
        if (records(v))
                sentry_record(s, r, v, rc < 0 ? -rc : 0);
        respond(s, r, rc, 0);
}

/* A call the container's own seccomp section refuses with `errnum`, let
 * through to the sentry (policy/config_refusals.h): the same answer, now
 * recorded, with the path it names where it names one. */
static void config_refusal(struct sentry_state *s, struct sentry_request *r, int errnum)
{
        (void)read_named_path(r);
        apply(s, r, (struct policy_verdict){POLICY_ACT_ERRNO, errnum, true}, false);
}

/* Whom a call of policy_tables.calls changes what the sentry keeps for. */
static enum sentry_change change_of(const char *name)
{
        if (strcmp(name, "umask") == 0 || strcmp(name, "chroot") == 0)
                return SENTRY_CHANGE_FS;
        if (strcmp(name, "pivot_root") == 0)
                return SENTRY_CHANGE_MOUNT_NS;
        return SENTRY_CHANGE_CALLER;
}

/* A call that changes a task's groups, umask or root (policy_tables.calls):
 * what the sentry kept of the caller (and of every task the call changes
 * too) is stale from now on. Returns the call's name when it was routed
 * only for the sentry to see it (the profile allows it: a number-only
 * decision), else NULL. */
static const char *identity_call(struct sentry_state *s, const struct seccomp_notif *req)
{
        const struct policy_tables *t = s->cfg->policy;

        for (size_t i = 0; t != NULL && i < t->n_calls; i++)
                if (t->calls[i].arch == req->data.arch && t->calls[i].nr == req->data.nr) {
                        sentry_status_cache_forget(&s->status, (pid_t)req->pid,
                                                   change_of(t->calls[i].name));
                        return t->calls[i].only_seen ? t->calls[i].name : NULL;
                }
        return NULL;
}

/* The x86_64 number of an i386 call that the sentry decides as its x86_64
 * namesake, else -1: the open class only, whose arguments (a path, flags, a
 * mode, a struct open_how of 64-bit fields) are laid out alike in both ABIs,
 * so that 32-bit programs can open files for writing where the profile lets
 * them. Every other routed call of a foreign ABI stays refused. */
static int as_native(uint32_t arch, int nr)
{
#if defined(__x86_64__)
        static const char *const names[] = {"open", "creat", "openat", "openat2"};
        static int i386_nr[4] = {-2};

        if (arch != AUDIT_ARCH_I386)
                return -1;
        if (i386_nr[0] == -2)
                for (int i = 0; i < 4; i++)
                        i386_nr[i] = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, names[i]);
        for (int i = 0; i < 4; i++)
                if (i386_nr[i] >= 0 && i386_nr[i] == nr)
                        return policy_syscall_nr(names[i]);
#else
        (void)arch;
        (void)nr;
#endif
        return -1;
}

void sentry_handle_one(struct sentry_state *s, int notify_fd)
{
        struct sentry_request r;
        struct sentry_rule view;

        memset(s->req, 0, sizeof(*s->req));
        if (seccomp_notify_receive(notify_fd, s->req) < 0)
                return; /* the target died or its call was interrupted */

        /* Only the fields every path needs are set here: the request struct
         * is large, and clearing its buffers per call would be most of the
         * round trip for the calls that never read them. */
        r.notify_fd = notify_fd;
        r.req = s->req;
        r.status = &s->status;
        r.have_how = r.have_path = r.have_proc = r.continued = false;
        memset(r.have_str, 0, sizeof(r.have_str));
        /* An x32 call comes with the native audit arch and the x32 bit in
         * its number: the tables do not index it, so it is foreign too. */
        bool native = s->req->data.arch == s->native_arch && s->req->data.nr >= 0 &&
                      s->req->data.nr < POLICY_SYSCALL_NR_MAX;
        /* The number the tables index: the call's own, or its namesake's. */
        int nr = native ? s->req->data.nr : as_native(s->req->data.arch, s->req->data.nr);
        if (nr >= 0) {
                r.name = policy_syscall_name(nr);
                r.desc = sentry_syscall_desc_nr(nr);
        } else {
                r.name = NULL;
                r.desc = sentry_syscall_desc(NULL);
        }
        r.rule = NULL;
        sentry_status_cache_heard(&s->status, (pid_t)s->req->pid);
        const char *observed = identity_call(s, s->req);
        if (observed != NULL && !native) {
                /* Observed on another architecture, whose numbers the tables
                 * do not index: the profile allows it, unless the container's
                 * own seccomp section refuses it (by name). */
                int named = policy_syscall_nr(observed);
                const int *refused = s->cfg->policy->config_errno;
                if (refused != NULL && named >= 0 && (size_t)named < s->cfg->policy->n_entries &&
                    refused[named] > 0)
                        return respond(s, &r, -refused[named], 0);
                return respond(s, &r, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
        }
        if (nr >= 0) {
                if (s->cfg->policy != NULL) {
                        uint64_t args[6];
                        for (int i = 0; i < 6; i++)
                                args[i] = s->req->data.args[i];
                        /* The default verdict is a rule too (e.g. learn's `log`). */
                        sentry_rule_from_policy(s->cfg->policy, nr, args, &view);
                        r.rule = &view;
                        const int *refused = s->cfg->policy->config_errno;
                        if (refused != NULL && (size_t)nr < s->cfg->policy->n_entries &&
                            refused[nr] > 0) {
                                view.name = "linux.seccomp";
                                return config_refusal(s, &r, refused[nr]);
                        }
                } else {
                        r.rule = sentry_rule_find(s->table, nr);
                }
        }

        if (r.rule == NULL) {
                /* Routed but unknown to the table (or a foreign
                 * architecture): fail closed. */
                struct policy_verdict v =
                    s->table ? s->table->unknown
                             : (struct policy_verdict){POLICY_ACT_ERRNO, EPERM, true};
                if (allows(v))
                        v = (struct policy_verdict){POLICY_ACT_ERRNO, EPERM, true};
                return apply(s, &r, v, false);
        }
        if (r.rule->verdict.action != POLICY_ACT_SENTRY)
                return apply(s, &r, r.rule->verdict, true); /* numbers only */

        switch (r.desc->cls) {
        case SENTRY_CLASS_OPEN:
                return handle_open(s, &r);
        case SENTRY_CLASS_PATH:
                return handle_path(s, &r);
        default:
                /* Path rules mean nothing for a call without a path. */
                return apply(s, &r, r.rule->otherwise, true);
        }
}
