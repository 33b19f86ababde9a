/* Compiled seccomp programs, cached on disk.
 *
 * Turning a long rule set (Docker's default profile, a sandbox profile) into
 * BPF is libseccomp's most expensive step: about 20 ms per filter here, paid
 * on every container start. The program depends only on the rule set, the
 * libseccomp version, the kernel's seccomp API level, the architecture and
 * this binary's translation, so it is cached under a key made of exactly
 * those (runtime_seccomp_key()), and a hit compares the whole key, not only
 * its hash.
 *
 * The cache lives in the folder of runtime/disk_cache.h ($SANDBOX_SECCOMP_CACHE,
 * default /var/cache/sandbox/seccomp; "off" disables it), entries named
 * HASH.bpf. Any problem with the cache means a miss, never a failure. */
#ifndef SANDBOX_RUNTIME_SECCOMP_CACHE_H
#define SANDBOX_RUNTIME_SECCOMP_CACHE_H

#include <stddef.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"
#include "runtime/seccomp_oci.h"

/* Everything the program depends on, as text (malloc'd, *len bytes). Pure. */
char *runtime_seccomp_key(const struct oci_seccomp *s, size_t *len);

/* The program for `s`: from the cache when it holds one for the same key,
 * else compiled (runtime_seccomp_compile + export) and stored. */
int runtime_seccomp_program(const struct oci_seccomp *s, struct runtime_bpf *out,
                            struct sb_err *err);

#endif
