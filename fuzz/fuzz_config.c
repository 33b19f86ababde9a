/* libFuzzer harness: config.json parsing and validation, and what is built
 * from a parsed config's hooks and annotations (the state document hooks
 * read, the profile an annotation selects) and from its seccomp section (the
 * calls it refuses that a profile routes, and the filter with their allow
 * rule: policy/config_refusals.h), must never crash, overread or leak,
 * whatever the bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "policy/config_refusals.h"
#include "policy/syscalls.h"
#include "runtime/confine.h"
#include "runtime/hooks.h"
#include "runtime/oci_config.h"

/* A profile's kernel filter that routes a few syscalls whatever their
 * arguments, and one only for some. */
static char *routed_names[] = {"mount", "umount2", "unshare", "setns", "bpf", "keyctl"};
static struct oci_seccomp_arg open_flags = {
    .index = 2, .value = 3, .value_two = 1, .op = OCI_SCMP_CMP_MASKED_EQ};
static struct oci_seccomp_syscall profile_rules[] = {
    {.names = {.items = routed_names, .count = 6}, .action = OCI_SCMP_ACT_NOTIFY},
    {.names = {.items = (char *[]){"openat"}, .count = 1},
     .action = OCI_SCMP_ACT_NOTIFY,
     .args = &open_flags,
     .n_args = 1},
};
static const struct oci_seccomp profile = {.present = true,
                                           .default_action = OCI_SCMP_ACT_ALLOW,
                                           .syscalls = profile_rules,
                                           .n_syscalls = 2};
static int refused[POLICY_SYSCALL_NR_MAX];

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
                struct policy_config_filter f;
                if (policy_config_refusals(&profile, &cfg.linux_.seccomp, refused,
                                           POLICY_SYSCALL_NR_MAX) > 0 &&
                    policy_config_with_allow(&cfg.linux_.seccomp, refused, POLICY_SYSCALL_NR_MAX,
                                             &f) == 0) {
                        if (f.s.n_syscalls != cfg.linux_.seccomp.n_syscalls + 1)
                                abort();
                        policy_config_filter_free(&f);
                }
                oci_config_free(&cfg);
        }
        sb_diags_free(&diags);
        return 0;
}
