/* Calls the container's own seccomp section refuses, seen by the sentry.
 *
 * The kernel runs every seccomp filter of a process and the strictest answer
 * wins: an errno beats a notification. A call that the config's
 * `linux.seccomp` (Docker's default profile, say) refuses by its default
 * action never reaches the sentry, even when the profile routes it, and
 * leaves no event. For each syscall that the profile routes whatever its
 * arguments and that the config refuses with an errno whatever its
 * arguments, the config's filter gets an allow rule (the call goes on to the
 * profile's filter and the sentry) and the sentry answers with the config's
 * errno and records the attempt: the process sees what it saw before, and
 * the attempt is seen. Syscalls the config names in a rule, or refuses with
 * a kill, trap or trace, are left to the kernel as they were.
 *
 * Pure functions over the two OCI seccomp sections. */
#ifndef SANDBOX_POLICY_CONFIG_REFUSALS_H
#define SANDBOX_POLICY_CONFIG_REFUSALS_H

#include <stddef.h>

#include "runtime/oci_config.h"

/* Fills errno_by_nr[0 .. n_nr) (native syscall numbers) with the errno the
 * config refuses each such syscall with, 0 for the others. Returns how many
 * were found. */
size_t policy_config_refusals(const struct oci_seccomp *profile, const struct oci_seccomp *config,
                              int *errno_by_nr, size_t n_nr);

/* `config` with one more rule allowing the syscalls errno_by_nr names (none
 * named: `config` as it is). `s` is a shallow copy: it borrows everything
 * from `config` but the rule array and the extra rule's name list, which it
 * owns. */
struct policy_config_filter {
        struct oci_seccomp s;
        struct oci_seccomp_syscall *rules; /* owned, or NULL */
        char **names;                      /* owned (the strings are static), or NULL */
};
int policy_config_with_allow(const struct oci_seccomp *config, const int *errno_by_nr, size_t n_nr,
                             struct policy_config_filter *out);
void policy_config_filter_free(struct policy_config_filter *f);

#endif
