/* libFuzzer harness: the profile parser, the flattener and the compiler
 * (kernel filter and sentry tables) must never crash, overread or leak,
 * whatever the bytes. `extends` is not followed (no file access). */
#include <stddef.h>
#include <stdint.h>

#include "policy/compile.h"
#include "policy/profile.h"
#include "runtime/seccomp_oci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct policy_profile p, eff;
        const struct policy_profile *chain[1] = {&p};
        struct policy_tables t;
        struct sb_diags diags = {0};
        struct sb_err err;
        scmp_filter_ctx ctx = NULL;
        int line, col;

        policy_json_locate((const char *)data, size, ".rules[1].names[0]", &line, &col);
        if (policy_profile_parse("fuzz.json", (const char *)data, size, &p, &diags, &err) == 0) {
                if (policy_profile_flatten(chain, 1, &eff, &err) == 0) {
                        if (policy_compile(&eff, &ctx, &t, &err) == 0) {
                                runtime_seccomp_release(ctx);
                                policy_tables_free(&t);
                        }
                        policy_profile_free(&eff);
                }
                policy_profile_free(&p);
        }
        sb_diags_free(&diags);
        return 0;
}
