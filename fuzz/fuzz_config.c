/* libFuzzer harness: config.json parsing and validation, and what is built
 * from a parsed config's hooks and annotations (the state document hooks
 * read, the profile an annotation selects), must never crash, overread or
 * leak, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "runtime/confine.h"
#include "runtime/hooks.h"
#include "runtime/oci_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_config cfg;
        struct sb_diags diags = {0};
        struct sb_err err;

        if (oci_config_parse("config.json", (const char *)data, size, &cfg, &diags, &err) == 0) {
                oci_config_validate("config.json", &cfg, &diags);
                char *state = runtime_hook_state_json(cfg.oci_version, "fuzz", "creating", 1,
                                                      "/bundle", &cfg.annotations);
                free(state);
                struct sb_global g = {0};
                (void)runtime_profile_select(&g, &cfg);
                oci_config_free(&cfg);
        }
        sb_diags_free(&diags);
        return 0;
}
