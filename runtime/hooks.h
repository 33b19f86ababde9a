/* OCI hooks (runtime-spec config.md, "POSIX-platform Hooks").
 *
 * Each hook is an executable on the host, run with the runtime's privileges:
 * it gets the container state on stdin, exactly its own env, its own args,
 * and nothing else we hold open. Whether a failure fails the operation
 * depends on the kind (prestart, createRuntime, createContainer and
 * startContainer do; poststart and poststop only warn), so the caller
 * chooses with `continue_on_error`. */
#ifndef SANDBOX_HOOKS_H
#define SANDBOX_HOOKS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* Pure: the state JSON a hook reads on stdin, compact, keys in this order:
 * {"ociVersion","id","status","pid" (omitted when <= 0),"bundle","annotations"{}}.
 * NULL strings are encoded as "". Returns a malloc'ed string, NULL on ENOMEM. */
char *runtime_hook_state_json(const char *oci_version, const char *id, const char *status,
                              pid_t pid, const char *bundle, const struct oci_kv_list *annotations);

/* Runs one hook and waits for it. stdin is a pipe carrying `state_json`,
 * stdout/stderr go to our stderr. When hook->has_timeout the hook is killed
 * with SIGKILL after hook->timeout seconds. Errors read
 * "hook <kind>[<index>] <path>: exited with status N" (or "killed by signal
 * SIGxxx", "timed out after N s"). */
int runtime_hook_run(const struct oci_hook *hook, enum oci_hook_kind kind, size_t index,
                     const char *state_json, struct sb_err *err);

/* Runs every hook of `kind` in order. Stops at the first failure, unless
 * continue_on_error: then every hook runs, each failure is logged as a
 * warning, and the result is 0. */
int runtime_hooks_run(const struct oci_config *cfg, enum oci_hook_kind kind, const char *state_json,
                      bool continue_on_error, struct sb_err *err);

#endif
