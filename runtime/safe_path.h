/* Paths inside the container's root filesystem, resolved by the kernel with
 * the root as a barrier: a symlink (absolute or "../../..") in an untrusted
 * image can never lead a runtime operation out of it (runc CVE-2021-30465,
 * CVE-2024-21626 class of bugs). */
#ifndef SANDBOX_RUNTIME_SAFE_PATH_H
#define SANDBOX_RUNTIME_SAFE_PATH_H

#include <stddef.h>
#include <sys/types.h>

#include "runtime/error.h"

/* Opens `path` (absolute or relative, both taken from root_fd) with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): "/" and ".." stop at
 * root_fd, symlinks resolve as if root_fd were "/". O_CLOEXEC is always added.
 * Returns the fd, or -1 with err set (err->errnum = errno, e.g. ENOENT). */
int runtime_open_in_root(int root_fd, const char *path, int flags, mode_t mode, struct sb_err *err);

/* mkdir -p inside the root: each missing component is created with mkdirat()
 * on an O_PATH fd of its parent that was itself resolved in root, so a symlink
 * anywhere on the way is followed only inside the root. Returns an O_PATH
 * O_DIRECTORY fd of the final directory, or -1 with err set. */
int runtime_mkdir_p_in_root(int root_fd, const char *path, mode_t mode, struct sb_err *err);

/* Like runtime_mkdir_p_in_root for the parent, then creates `path` as an empty
 * regular file if it does not exist. Returns an O_PATH fd of it, or -1. */
int runtime_mkfile_p_in_root(int root_fd, const char *path, mode_t mode, struct sb_err *err);

/* Splits `path` into its parent (resolved and created in root, O_PATH fd
 * returned) and its last component copied into name (no '/', not "." or "..").
 * For creating a node (mknodat, symlinkat) whose last component must not be
 * followed. Returns the parent fd, or -1 with err set. */
int runtime_open_parent_in_root(int root_fd, const char *path, char *name, size_t name_len,
                                struct sb_err *err);

/* The path the kernel gives for fd (readlink of /proc/self/fd/N). */
int runtime_fd_path(int fd, char *buf, size_t len, struct sb_err *err);

#endif
