/* libFuzzer harness: config.json parsing and validation must never crash,
 * overread or leak, whatever the bytes. */
#include <stddef.h>
#include <stdint.h>

#include "runtime/oci_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct oci_config cfg;
        struct sb_diags diags = {0};
        struct sb_err err;

        if (oci_config_parse("config.json", (const char *)data, size, &cfg, &diags, &err) == 0) {
                oci_config_validate("config.json", &cfg, &diags);
                oci_config_free(&cfg);
        }
        sb_diags_free(&diags);
        return 0;
}
