/* An effective profile as bytes, for the runtime's cache of resolved
 * profiles (runtime/profile_cache.h): reading a profile back from its blob
 * costs a few dozen microseconds, parsing and flattening its JSON about a
 * millisecond, at every create and exec.
 *
 * The layout is private to one build of sandbox (the cache keys entries by
 * build): fixed-width native-endian integers and length-prefixed strings,
 * in the order of struct policy_profile. Reading checks every length, count
 * and enumeration and refuses trailing bytes, so a damaged blob is refused,
 * never half-read. Pure. */
#ifndef SANDBOX_POLICY_PROFILE_BLOB_H
#define SANDBOX_POLICY_PROFILE_BLOB_H

#include <stddef.h>

#include "policy/profile.h"

/* *out: malloc'd, *len bytes. -1 on allocation failure. */
int policy_profile_to_blob(const struct policy_profile *p, char **out, size_t *len);

/* 0 and *out filled (free with policy_profile_free), or -1 and *out empty. */
int policy_profile_from_blob(const char *blob, size_t len, struct policy_profile *out);

#endif
