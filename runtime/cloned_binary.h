/* Protection against CVE-2019-5736: a process inside the container can reach
 * the runtime's own binary through /proc/PID/exe (of the runtime process that
 * joins the container) and overwrite the host's copy. Before it enters a
 * container, the runtime moves onto a view of its binary that no write can
 * reach:
 *   - where we may mount (root): the binary through a read-only overlayfs
 *     made with fsopen/fsmount and never attached to any mount namespace.
 *     An overlay of lower layers only has no upper layer to write to (every
 *     write fails with EROFS), and a mount in no namespace cannot be made
 *     writable. No copy: the pages are the host file's, shared by every
 *     container's sentry.
 *   - otherwise: a sealed, anonymous in-memory copy (like runc's
 *     cloned_binary.c), whose seals refuse every write.
 * "Moves onto" without executing again where the kernel lets us: each
 * mapping of the binary is replaced by the same range of the view, and
 * /proc/self/exe is pointed at the view (PR_SET_MM_MAP, which the kernel
 * refuses while any mapping of the old file is left). Executing again meant
 * loading the binary and its libraries twice per container (about 0.4 ms of
 * each `run` here). Where that is refused (neither CAP_SYS_ADMIN nor
 * CAP_CHECKPOINT_RESTORE in our user namespace), the runtime executes the
 * view, as runc does.
 * If the binary on disk changed since it was started (size or mtime), the
 * overlay would show the new one: the copy of the running one is taken.
 *
 * "Already cloned" is decided from what the kernel says of what
 * /proc/self/exe points to (seals, or a read-only overlayfs), never from an
 * environment variable that a container could set. */
#ifndef SANDBOX_CLONED_BINARY_H
#define SANDBOX_CLONED_BINARY_H

#include <fcntl.h>
#include <stdbool.h>

#include "runtime/error.h"

/* The seals a clone must carry: no writes, no size change, no seal removal. */
#define RUNTIME_CLONE_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* When not already running from a sealed view: moves onto a read-only
 * overlay view of /proc/self/exe, or else onto a sealed memfd copy
 * (runtime_remap_exe, else executing it with the same argv and envp).
 * Returns 0 when running from one, -1 (with err) on failure. */
int runtime_ensure_cloned_binary(char **argv, char **envp, struct sb_err *err);

/* True when /proc/self/exe is a memfd carrying all of RUNTIME_CLONE_SEALS or
 * a file of a read-only overlayfs. */
bool runtime_is_cloned_binary(void);

/* True when `fd` is on overlayfs and read-only (mount or superblock). */
bool runtime_is_read_only_overlay(int fd);

/* Makes `fd`, a view or copy of this binary, what the process runs from
 * without executing it again: each private mapping of /proc/self/exe is
 * replaced by the same range of `fd` with the content it has now, then
 * /proc/self/exe is pointed at `fd` (PR_SET_MM_MAP, which the kernel refuses
 * while any mapping of the old file is left, and which needs CAP_SYS_ADMIN
 * or CAP_CHECKPOINT_RESTORE in our user namespace). -1 with err when it
 * cannot be done; the process is intact either way (every replaced range
 * keeps its content). */
int runtime_remap_exe(int fd, struct sb_err *err);

/* A read-only descriptor of `path` (absolute) seen through a new read-only
 * overlayfs (nodev, nosuid) of its directory over `spare_dir`, a second
 * layer overlayfs requires that must not overlap the first; the mount is
 * attached nowhere and lives as long as the descriptor or what it is
 * executed as. -1 with err when overlayfs cannot be mounted here. */
int runtime_overlay_view(const char *path, const char *spare_dir, struct sb_err *err);

/* Copies the whole of src_fd (from offset 0) into a new memfd ("sandbox",
 * O_CLOEXEC) and seals it with RUNTIME_CLONE_SEALS. Returns the memfd. */
int runtime_seal_copy(int src_fd, struct sb_err *err);

#endif
