/* The OCI `linux.seccomp` section compiled with libseccomp, loaded into the
 * kernel, and (for SCMP_ACT_NOTIFY) the listener fd handed to the agent at
 * `listenerPath`.
 *
 * Order in the container's init (see identity.h for why):
 *   runtime_seccomp_compile()   anywhere, pure
 *   runtime_set_no_new_privs()  when process.noNewPrivileges
 *   runtime_seccomp_load()      last thing before execve
 * and runtime_seccomp_send_listener() from a process that is NOT under the
 * filter (the runtime parent), because the syscalls it makes (socket,
 * connect, sendmsg) could themselves be SCMP_ACT_NOTIFY rules that nobody
 * answers yet. */
#ifndef SANDBOX_RUNTIME_SECCOMP_OCI_H
#define SANDBOX_RUNTIME_SECCOMP_OCI_H

#include <linux/filter.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* Builds (does not load) a filter for `s`, with runc's semantics:
 *  - SCMP_ACT_ERRNO / SCMP_ACT_TRACE without errnoRet return EPERM;
 *  - SCMP_ACT_KILL is SCMP_ACT_KILL_THREAD;
 *  - syscall names libseccomp does not know are skipped (debug log);
 *  - rules whose action equals the default action are skipped;
 *  - when two conditions name the same argument index, each condition becomes
 *    its own rule (libseccomp refuses two conditions on one argument);
 *  - SCMP_ACT_NOTIFY is refused as the default action and for `write`;
 *  - no_new_privs is NOT set by the filter (SCMP_FLTATR_CTL_NNP = 0): the
 *    runtime sets it itself when the config asks.
 * Errors name the JSON path: "linux.seccomp.syscalls[3]: ...".
 * On success *out owns the filter: free it with runtime_seccomp_release(). */
int runtime_seccomp_compile(const struct oci_seccomp *s, scmp_filter_ctx *out, struct sb_err *err);

/* A filter ready for seccomp(2): the BPF program libseccomp generated and
 * the flags to load it with. Built once (in the runtime, before the
 * container's init exists; see seccomp_cache.h) and loaded as is. */
struct runtime_bpf {
        struct sock_filter *insns;
        size_t len;          /* instructions */
        unsigned long flags; /* SECCOMP_FILTER_FLAG_* */
        bool has_notify;     /* SCMP_ACT_NOTIFY rules: loading returns a listener */
};

/* Exports a filter from runtime_seccomp_compile() as a program. */
int runtime_seccomp_export(scmp_filter_ctx ctx, struct runtime_bpf *out, struct sb_err *err);
/* seccomp(SECCOMP_SET_MODE_FILTER): as runtime_seccomp_load(). */
int runtime_bpf_load(const struct runtime_bpf *p, int *notify_fd, struct sb_err *err);
void runtime_bpf_free(struct runtime_bpf *p);

/* Loads a filter built by runtime_seccomp_compile() into the calling thread
 * (all threads with SECCOMP_FILTER_FLAG_TSYNC). The caller must have set
 * no_new_privs or hold CAP_SYS_ADMIN. When the filter has SCMP_ACT_NOTIFY
 * rules, *notify_fd receives the listener fd (the caller owns it), else -1. */
int runtime_seccomp_load(scmp_filter_ctx ctx, int *notify_fd, struct sb_err *err);

/* Releases a filter from runtime_seccomp_compile() (NULL is fine). */
void runtime_seccomp_release(scmp_filter_ctx ctx);

/* True when the compiled filter has at least one SCMP_ACT_NOTIFY rule. */
bool runtime_seccomp_has_notify(scmp_filter_ctx ctx);

/* Sends the OCI "containerProcessState" to the seccomp agent listening on the
 * unix socket `listener_path` (config-linux.md, "listenerPath"): one
 * sendmsg() whose data is the JSON
 *   {"ociVersion": ..., "fds": ["seccompFd"], "pid": pid,
 *    "metadata": metadata, "state": <state_json_without_fds>}
 * and whose SCM_RIGHTS control message carries `notify_fd`.
 * `state_json_without_fds` is the container's state object (as `state`
 * prints it); `metadata` (linux.seccomp.listenerMetadata) may be NULL. */
int runtime_seccomp_send_listener(const char *listener_path, int notify_fd,
                                  const char *state_json_without_fds, pid_t pid,
                                  const char *metadata, struct sb_err *err);

/* Whether the processes this runtime starts can make x32 system calls: the
 * kernel has the x32 ABI and it is enabled (one probing syscall). Assumed
 * true when this process is itself under a seccomp filter (the probe could
 * be killed there); false on architectures other than x86_64. */
bool runtime_kernel_runs_x32(void);

/* Pure helpers, exposed for tests and for `features`. */
/* The libseccomp action for an OCI action (errnoRet used by ERRNO/TRACE). */
int runtime_seccomp_action(enum oci_seccomp_action a, bool has_errno_ret, uint32_t errno_ret,
                           uint32_t *out, struct sb_err *err);
/* "SCMP_ARCH_X86_64" -> SCMP_ARCH_X86_64 token; -1 if unknown. */
int runtime_seccomp_arch(const char *oci_name, uint32_t *out);

#endif
