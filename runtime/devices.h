/* The container's /dev: the default devices every container gets (null, zero,
 * full, random, urandom, tty), the standard links, /dev/pts and /dev/shm
 * unless the config mounts them, and linux.devices. */
#ifndef SANDBOX_RUNTIME_DEVICES_H
#define SANDBOX_RUNTIME_DEVICES_H

#include <stdbool.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* Called by runtime_rootfs_prepare after the config mounts, before pivot_root.
 * rootfs is the host path of the (already self-bind-mounted) root. Outside a
 * user namespace devices are made with mknod; inside one (mknod is not allowed
 * there) the host's device is bind-mounted onto an empty file. Every path is
 * resolved inside rootfs. */
int runtime_devices_create(const struct oci_config *cfg, const char *rootfs, bool in_user_ns,
                           struct sb_err *err);

#endif
