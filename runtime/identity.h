/* Who the container process is: groups, gid, uid, capabilities, umask, and
 * (separately) no_new_privs. Called in the container's init, after mounts and
 * rlimits (raising a hard rlimit needs CAP_SYS_RESOURCE, which this drops)
 * and before the seccomp filter is loaded and execve runs.
 *
 * The order the init must follow:
 *   runtime_apply_rlimits() ...           (process_limits.h, needs caps)
 *   runtime_apply_identity()              drops to the configured user/caps
 *   runtime_set_no_new_privs()            if process.noNewPrivileges
 *   runtime_seccomp_load()                (seccomp_oci.h)
 *   execve()
 * no_new_privs comes before the filter because without it loading a filter
 * requires CAP_SYS_ADMIN, which the container user usually no longer has.
 * With it, the filter can be loaded by anyone, and the kernel guarantees that
 * nothing exec'd afterwards (setuid binaries, file capabilities) can gain
 * privileges the filter was not written for. */
#ifndef SANDBOX_RUNTIME_IDENTITY_H
#define SANDBOX_RUNTIME_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* The umask when process.user.umask is absent (runc's). */
#define RUNTIME_DEFAULT_UMASK 0022

/* Applies process.user and process.capabilities to the calling process
 * (single-threaded init, running as root in its user namespace):
 * keepcaps, bounding set, setgroups, setresgid, setresuid, effective /
 * permitted / inheritable, ambient, umask. An absent process.capabilities
 * means no capabilities at all, as in runc. */
int runtime_apply_identity(const struct oci_process *p, struct sb_err *err);

/* prctl(PR_SET_NO_NEW_PRIVS, 1). See the order above. */
int runtime_set_no_new_privs(struct sb_err *err);

/* "CAP_CHOWN,CAP_NET_BIND_SERVICE" for a bitmask (bit n = capability n);
 * bits libcap has no name for are written as numbers. An empty mask gives "".
 * Returns 0, or -1 with errno ERANGE when buf is too small (buf then holds a
 * truncated, NUL-terminated prefix). Pure. */
int runtime_caps_to_text(uint64_t mask, char *buf, size_t len);

/* The capabilities this kernel knows: bit n set for every n <= CAP_LAST_CAP. */
uint64_t runtime_caps_supported(void);

#endif
