/* The default config.json that `sandbox spec` writes: the same content as
 * `runc spec` (runc 1.1.5), declaring OCI runtime-spec 1.3.0. Pure: builds
 * jansson values, touches no file. */
#ifndef SANDBOX_SPEC_DEFAULT_H
#define SANDBOX_SPEC_DEFAULT_H

#include <jansson.h>
#include <sys/types.h>

#define RUNTIME_OCI_VERSION "1.3.0"

/* A new reference to the default (rootful) config, or NULL if out of memory. */
json_t *runtime_spec_default(void);

/* Turns a config from runtime_spec_default() into its rootless form, as runc's
 * specconv.ToRootless does: drops the network namespace, adds a user namespace
 * mapping container root to host_uid/host_gid, bind-mounts the host's /sys
 * (sysfs can't be mounted without owning the network namespace), drops
 * uid=/gid= mount options (no such ids inside the namespace) and the
 * cgroup resources (an unprivileged user can't set them). Returns 0, or -1 if
 * spec doesn't have the expected shape or memory runs out. */
int runtime_spec_to_rootless(json_t *spec, uid_t host_uid, gid_t host_gid);

#endif
