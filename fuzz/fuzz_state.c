/* libFuzzer harness: state.json is read back by every command; a corrupt or
 * hostile file must give an error, never a crash, overread or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "runtime/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct runtime_state st;
        struct sb_err err;

        if (runtime_state_from_json((const char *)data, size, &st, &err) == 0) {
                /* what was read writes back */
                char *s = runtime_state_to_json(&st);
                free(s);
                s = runtime_oci_state_json(&st, RUNTIME_RUNNING);
                free(s);
                runtime_state_free(&st);
        }
        return 0;
}
