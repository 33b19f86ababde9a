/* Learn mode's second half: events recorded under a `learn: true` profile ->
 * the smallest profile that lets the same workload run. Pure: the caller
 * reads the events file and writes the result. */
#ifndef SANDBOX_POLICY_GENERATE_H
#define SANDBOX_POLICY_GENERATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy/profile.h"
#include "runtime/error.h"

struct policy_learned {
        char **names; /* distinct native syscall names the workload made, sorted */
        size_t n_names;
        size_t n_events;  /* learn events used */
        size_t n_classes; /* distinct (syscall, argument class) pairs among them */
};

/* Reads an events log (one JSON object per line). Uses the events written in
 * learn mode (they carry `arg_class`) of container `id` (NULL: every
 * container). Errors name FILE:LINE; no learn event at all is an error too. */
int policy_learned_parse(const char *file, const char *text, size_t len, const char *id,
                         struct policy_learned *out, struct sb_err *err);
void policy_learned_free(struct policy_learned *l);

/* The profile, in the profile language: the base's default action becomes
 * errno EPERM, recorded; the base's rules that refuse, route or record are
 * kept (its breakout protection); its allow rules are kept only for learned
 * syscalls (with their argument conditions); every other learned syscall
 * (and the hand-over set) is allowed outright. `base` is an effective
 * profile. The result always compiles when `base` does. */
json_t *policy_generate_profile(const struct policy_profile *base, const struct policy_learned *l,
                                const char *name, const char *from);

/* The same syscall set as a plain OCI `linux.seccomp` section for other
 * runtimes: an allow-list (learned + hand-over, minus what the base refuses
 * outright), everything else EPERM. */
json_t *policy_generate_oci(const struct policy_profile *base, const struct policy_learned *l);

#endif
