/* The config.json files Docker 20.10 really hands to a runtime (captured by
 * tests/e2e/capture-docker-configs.sh) parse and validate cleanly. */
#include <criterion/criterion.h>
#include <glob.h>
#include <string.h>

#include "runtime/oci_config.h"

Test(oci_config_docker, every_captured_config_parses_and_validates)
{
        glob_t g;
        cr_assert_eq(glob(TEST_DATA_DIR "/docker/*.json", 0, NULL, &g), 0);
        cr_assert_geq(g.gl_pathc, 15, "captured configs missing");
        for (size_t i = 0; i < g.gl_pathc; i++) {
                struct oci_config cfg = {0};
                struct sb_diags d = {0};
                struct sb_err err = {0};
                cr_assert_eq(oci_config_load(g.gl_pathv[i], &cfg, &d, &err), 0, "%s: %s",
                             g.gl_pathv[i], err.msg);
                cr_assert_eq(oci_config_validate("config.json", &cfg, &d), 0, "%s: %s",
                             g.gl_pathv[i], d.count ? d.items[0] : "?");
                cr_assert(cfg.process.present && cfg.linux_.present);
                cr_assert_gt(cfg.linux_.n_namespaces, 0);
                oci_config_free(&cfg);
                sb_diags_free(&d);
        }
        globfree(&g);
}

Test(oci_config_docker, privileged_has_every_capability_and_no_seccomp)
{
        struct oci_config cfg = {0};
        struct sb_err err = {0};
        cr_assert_eq(oci_config_load(TEST_DATA_DIR "/docker/privileged.json", &cfg, NULL, &err), 0,
                     "%s", err.msg);
        cr_assert_not(cfg.linux_.seccomp.present);
        /* CAP_SYS_ADMIN (21) and CAP_SYS_MODULE (16) among the bounding set */
        cr_assert(cfg.process.capabilities.sets[OCI_CAP_BOUNDING] & (1ULL << 21));
        cr_assert(cfg.process.capabilities.sets[OCI_CAP_BOUNDING] & (1ULL << 16));
        cr_assert_eq(cfg.linux_.masked_paths.count, 0);
        oci_config_free(&cfg);
}

Test(oci_config_docker, net_host_keeps_a_network_namespace_path)
{
        struct oci_config cfg = {0};
        struct sb_err err = {0};
        cr_assert_eq(oci_config_load(TEST_DATA_DIR "/docker/net-host.json", &cfg, NULL, &err), 0,
                     "%s", err.msg);
        const struct oci_namespace *n = oci_config_namespace(&cfg, OCI_NS_NETWORK);
        cr_assert_not_null(n);
        cr_assert_not_null(n->path);
        cr_assert(strstr(n->path, "netns/default") != NULL, "%s", n->path);
        oci_config_free(&cfg);
}
