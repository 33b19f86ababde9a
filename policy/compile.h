/* The profile compiler: effective profile -> kernel filter + sentry tables.
 * Pure (libseccomp only builds the filter in memory; nothing is loaded). */
#ifndef SANDBOX_POLICY_COMPILE_H
#define SANDBOX_POLICY_COMPILE_H

#include <seccomp.h>

#include "policy/profile.h"
#include "policy/tables.h"

/* Compiles an effective profile (from policy_profile_resolve/flatten):
 *  - allow, errno and kill-process verdicts are answered in the kernel;
 *    log, sentry, kill-container and any `record: true` verdict become
 *    SCMP_ACT_NOTIFY (the sentry decides and records);
 *  - a default verdict that needs the sentry (log, e.g. the learn profile)
 *    becomes an explicit notify rule for every syscall of the native
 *    architecture but the hand-over set the runtime itself needs after the
 *    filter is loaded (write, read, close, sendmsg ...), which is answered
 *    in the kernel (SCMP_ACT_LOG for log);
 *  - seccomp(SECCOMP_SET_MODE_FILTER, flags with SECCOMP_FILTER_FLAG_NEW_LISTENER)
 *    is always refused with EPERM when the profile otherwise lets seccomp()
 *    through: a workload with its own listener would receive the
 *    notifications meant for the sentry (the kernel picks the newest);
 *  - the calls of an architecture the filter does not cover go to the
 *    sentry (refused and recorded) when the filter routes anything, instead
 *    of killing the thread (oci_seccomp.foreign_to_listener).
 * The filter is built with runtime_seccomp_compile() (the OCI path), so both
 * filters share one translation to libseccomp. `filter` may be NULL (tables
 * only); else *filter owns the context: free with runtime_seccomp_release().
 * `tables` may be NULL; else free with policy_tables_free(). Errors name the
 * rule ("default.rules[4]") and the syscall. */
int policy_compile(const struct policy_profile *eff, scmp_filter_ctx *filter,
                   struct policy_tables *tables, struct sb_err *err);

/* The kernel filter as an OCI seccomp section (what policy_compile() hands
 * to runtime_seccomp_compile()), for callers that cache the compiled
 * program. Its syscall names point into `eff`, which must outlive it. */
struct policy_seccomp {
        struct oci_seccomp s;
        size_t cap;
};
int policy_compile_oci(const struct policy_profile *eff, struct policy_seccomp *out,
                       struct policy_tables *tables, struct sb_err *err);
void policy_seccomp_free(struct policy_seccomp *s);

/* Leaves architecture `oci_arch` ("SCMP_ARCH_X32") out of the filter. A
 * profile's filter sends the calls of an architecture it leaves out to the
 * sentry (oci_seccomp.foreign_to_listener), which refuses and records them. */
void policy_seccomp_drop_arch(struct policy_seccomp *s, const char *oci_arch);

/* True for the syscalls the runtime's init makes between loading the filter
 * and execve (handing the listener over, waiting for the go): a default that
 * needs the sentry leaves them to the kernel, and a generated profile always
 * allows them. */
bool policy_is_handover(const char *name);

#endif
