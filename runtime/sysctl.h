/* linux.sysctl: kernel parameters written to /proc/sys inside the container.
 * Only parameters that belong to a namespace the container has its own copy
 * of are allowed (as in runc): anything else would change the host. */
#ifndef SANDBOX_RUNTIME_SYSCTL_H
#define SANDBOX_RUNTIME_SYSCTL_H

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* Pure: one diagnostic per rejected key (bad syntax, or not namespaced for the
 * container's namespaces). Returns 0 when every key is acceptable, -1 otherwise. */
int runtime_sysctl_check(const struct oci_config *cfg, struct sb_diags *d);

/* The /proc/sys-relative path for key ("net.ipv4.ip_forward" ->
 * "net/ipv4/ip_forward"; a key that already uses '/' is kept, so interface
 * names with dots work). Returns -1 if the key could escape /proc/sys. */
int runtime_sysctl_key_path(const char *key, char *buf, size_t len);

/* After pivot_root: checks (runtime_sysctl_check) then writes each value to
 * /proc/sys/<path>, opened in root so no symlink leaves /proc/sys. */
int runtime_sysctl_apply(const struct oci_config *cfg, struct sb_err *err);

#endif
