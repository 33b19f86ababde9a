/* The last steps of every container process, the init's and exec's alike:
 * identity, no_new_privs, seccomp, cwd, fds, execve. */
#ifndef SANDBOX_PROCESS_EXEC_H
#define SANDBOX_PROCESS_EXEC_H

#include <stddef.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* PATH lookup as runc does it: a name with a slash is used as is; otherwise
 * each PATH entry of the process's environment (inside the container root). */
int runtime_lookup_exec(const struct oci_process *p, char *out, size_t len, struct sb_err *err);

/* Drops to p's identity, applies no_new_privs and seccomp in the safe order,
 * enters p->cwd, closes every fd above 2 + preserve_fds at exec, and execs
 * `exe`. A seccomp notify listener, if the filter makes one, is sent through
 * report_fd (SCM_RIGHTS, name "seccompFd"). On failure writes "step: error"
 * to report_fd and exits 127. listen_fds > 0 adds LISTEN_FDS/LISTEN_PID. */
struct runtime_confinement;
__attribute__((noreturn)) void runtime_exec_process(const struct oci_process *p,
                                                    const struct runtime_confinement *conf,
                                                    int preserve_fds, int listen_fds, int report_fd,
                                                    const char *exe);

/* The steps of runtime_exec_process one by one, for the init, which
 * confines itself while it waits for `start`: identity, no_new_privs and
 * the filters (-1 with the failed step named; a linux.seccomp listener in
 * *notify_fd); the listener sent through report_fd (none: nothing; failure:
 * reported, exit 127); then cwd, fds and execve. */
int runtime_confine_process(const struct oci_process *p, const struct runtime_confinement *conf,
                            int *notify_fd, const char **step, struct sb_err *err);
void runtime_hand_over_listener(int report_fd, int notify_fd);
__attribute__((noreturn)) void runtime_exec_confined(const struct oci_process *p, int preserve_fds,
                                                     int listen_fds, int report_fd,
                                                     const char *exe);
/* Writes "step: error" to report_fd and exits 127. */
__attribute__((noreturn)) void runtime_report_failure(int report_fd, const char *step,
                                                      const struct sb_err *err);

#endif
