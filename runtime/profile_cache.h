/* Resolved profiles, cached on disk.
 *
 * Every create and exec resolves its profile: read the file, parse its JSON,
 * follow `extends`, flatten. For the shipped `default` that is about a
 * millisecond, the largest part of preparing a container's confinement. The
 * effective profile depends only on the files of its chain, on where each
 * `extends` is found, and on this build, so it is cached (as a blob,
 * policy/profile_blob.h) under a key made of exactly those: for each file of
 * the chain the reference that named it, the path found (the next one is
 * looked up from its folder) and its whole text. A hit finds every file
 * again as the entry says (policy_profile_find) and compares its text byte
 * for byte, so an edited file, a file added earlier on the search path, or a
 * changed $SANDBOX_PROFILE_PATH is a miss.
 *
 * Entries are HASH.prof in the folder of runtime/disk_cache.h. Any problem
 * with the cache means a miss; a profile that does not resolve is never
 * stored, and its errors come from the parser as without a cache. */
#ifndef SANDBOX_RUNTIME_PROFILE_CACHE_H
#define SANDBOX_RUNTIME_PROFILE_CACHE_H

#include "policy/profile.h"
#include "runtime/error.h"

/* policy_profile_resolve(path, ...) through the cache. `path` is what
 * policy_profile_find() returned for the profile asked for. */
int runtime_profile_resolve(const char *path, struct policy_profile *out, struct sb_diags *diags,
                            struct sb_err *err);

#endif
