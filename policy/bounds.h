/* A profile's bounds against a container's config: what the container may be
 * given (capabilities, host namespaces, --privileged). Pure. */
#ifndef SANDBOX_POLICY_BOUNDS_H
#define SANDBOX_POLICY_BOUNDS_H

#include <stdbool.h>

#include "policy/profile.h"
#include "runtime/oci_config.h"

/* Adds one line per excess to `d`, each naming the profile and the setting:
 * "profile strict: .linux.namespaces: pid namespace must be private
 * (--pid=host is refused)". Returns 0 when the config is within bounds,
 * -1 otherwise. */
int policy_check_bounds(const struct policy_profile *p, const struct oci_config *cfg,
                        struct sb_diags *d);

/* The same check, one call of fn per excess with the JSON path of the setting
 * and a sentence about it (without the profile's name). Returns the number
 * of excesses. */
typedef void (*policy_bounds_fn)(void *ctx, const char *field, const char *message);
int policy_bounds_visit(const struct policy_profile *p, const struct oci_config *cfg,
                        policy_bounds_fn fn, void *ctx);

/* True when the config looks like `--privileged`: its bounding set (or, when
 * absent, its effective set) holds every capability the kernel knows. */
bool policy_config_is_privileged(const struct oci_config *cfg);

#endif
