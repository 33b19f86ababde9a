/* Protection against CVE-2019-5736: a process inside the container can reach
 * the runtime's own binary through /proc/PID/exe (of the runtime process that
 * joins the container) and overwrite the host's copy. We run from a sealed,
 * anonymous in-memory copy instead (like runc's cloned_binary.c): writes to
 * it are refused by the kernel, and the host binary is never exposed.
 *
 * "Already cloned" is decided from the kernel's seals on what /proc/self/exe
 * points to, never from an environment variable that a container could set. */
#ifndef SANDBOX_CLONED_BINARY_H
#define SANDBOX_CLONED_BINARY_H

#include <fcntl.h>
#include <stdbool.h>

#include "runtime/error.h"

/* The seals a clone must carry: no writes, no size change, no seal removal. */
#define RUNTIME_CLONE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* When not already running from a sealed copy: copies /proc/self/exe into a
 * sealed memfd and fexecve()s it with the same argv and envp. Returns 0 when
 * already cloned, -1 (with err) on failure; does not return on success. */
int runtime_ensure_cloned_binary(char **argv, char **envp, struct sb_err *err);

/* True when /proc/self/exe is a memfd carrying all of RUNTIME_CLONE_SEALS. */
bool runtime_is_cloned_binary(void);

/* Copies the whole of src_fd (from offset 0) into a new memfd ("sandbox",
 * O_CLOEXEC) and seals it with RUNTIME_CLONE_SEALS. Returns the memfd. */
int runtime_seal_copy(int src_fd, struct sb_err *err);

#endif
