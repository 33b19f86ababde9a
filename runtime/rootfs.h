/* The container's root filesystem, built inside its own mount namespace:
 * prepare (before pivot_root) -> pivot -> [sysctl] -> finalize.
 *
 * Every destination inside the root is resolved by the kernel with the root
 * as a barrier (openat2 RESOLVE_IN_ROOT, safe_path.h) and mounted onto the
 * resulting fd, never onto a path string: a symlink planted in the image
 * cannot redirect a mount onto the host (runc CVE-2021-30465). */
#ifndef SANDBOX_RUNTIME_ROOTFS_H
#define SANDBOX_RUNTIME_ROOTFS_H

#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* In the new mount namespace, before pivot_root. rootfs is the absolute host
 * path of root.path. Makes "/" rslave (or linux.rootfsPropagation), binds
 * rootfs onto itself, performs config mounts in order, then /dev
 * (runtime_devices_create). Refuses to run in the host's mount namespace.
 * Relative bind-mount sources are taken from the current directory (the
 * bundle, as with runc). */
int runtime_rootfs_prepare(const struct oci_config *cfg, const char *rootfs, bool in_user_ns,
                           struct sb_err *err);

/* pivot_root into rootfs (runc's pivot_root(".", ".") then lazy unmount of the
 * old root, made rslave first so the unmount does not reach the host), or
 * with no_pivot MS_MOVE + chroot. Ends in "/". */
int runtime_rootfs_pivot(const char *rootfs, bool no_pivot, struct sb_err *err);

/* After pivot (and sysctl): linux.maskedPaths (a verified /dev/null over
 * files, an empty read-only tmpfs over directories), linux.readonlyPaths
 * (recursive read-only bind onto itself), root.readonly (the root mount
 * read-only), then linux.rootfsPropagation on "/". */
int runtime_rootfs_finalize(const struct oci_config *cfg, struct sb_err *err);

/* Pure: is a mount of this kind allowed at rel (the destination after
 * resolution, relative to the root, e.g. "/proc/sys")? Only procfs itself may
 * cover /proc, and only the few files lxcfs emulates may be mounted inside it
 * (as in runc's checkProcMount). source_is_proc: the mount is procfs, or a
 * bind of something on procfs. */
bool runtime_rootfs_proc_dest_allowed(const char *rel, bool source_is_proc);

#endif
