/* libFuzzer harness: the reader of cached profile blobs (the profile cache,
 * runtime/profile_cache.h) must refuse any damaged blob without a crash,
 * overread or leak, and what it accepts writes back as the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/profile_blob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct policy_profile p;
        char *again;
        size_t len;

        if (policy_profile_from_blob((const char *)data, size, &p) < 0)
                return 0;
        if (policy_profile_to_blob(&p, &again, &len) == 0) {
                if (len != size || memcmp(again, data, size) != 0)
                        abort(); /* an accepted blob is read as it was written */
                free(again);
        }
        policy_profile_free(&p);
        return 0;
}
