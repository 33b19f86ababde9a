/* The audit checks on configs that real Docker generated (tests/data/docker):
 * each case gives exactly the expected check IDs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted, de-duplicated IDs of the findings at or above min, space-separated. */
static void ids_of(const struct audit_report *r, enum audit_severity min, char *buf, size_t len)
{
        const char *ids[256];
        size_t n = 0, used = 0;

        for (size_t i = 0; i < r->count && n < 256; i++)
                if (r->items[i].severity >= min)
                        ids[n++] = r->items[i].check->id;
        qsort(ids, n, sizeof(ids[0]), cmp_str);
        buf[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                if (i > 0 && strcmp(ids[i], ids[i - 1]) == 0)
                        continue;
                used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "", ids[i]);
        }
}

static void audit_case(const char *name, enum audit_severity min, char *buf, size_t len)
{
        char path[512];
        struct oci_config cfg;
        struct sb_err err = {0};
        struct audit_report r = {0};

        snprintf(path, sizeof(path), TEST_DATA_DIR "/docker/%s.json", name);
        cr_assert_eq(oci_config_load(path, &cfg, NULL, &err), 0, "%s", err.msg);
        cr_assert_eq(audit_config(&cfg, name, &r), 0);
        for (size_t i = 0; i < r.count; i++) {
                cr_assert_str_eq(r.items[i].input, name);
                cr_assert(r.items[i].field[0] == '.', "field %s", r.items[i].field);
                cr_assert(r.items[i].message[0] != '\0');
        }
        ids_of(&r, min, buf, len);
        audit_report_free(&r);
        oci_config_free(&cfg);
}

static void expect(const char *name, enum audit_severity min, const char *want)
{
        char got[4096];
        audit_case(name, min, got, sizeof(got));
        cr_assert_str_eq(got, want, "%s at %s+: got \"%s\", want \"%s\"", name,
                         audit_severity_name(min), got, want);
}

/* What Docker's default gives below high: root without a user namespace,
 * no_new_privs off, Docker's default capabilities, no limits, writable root. */
#define DEFAULT_LOW_PART1                                                                          \
        "SB-CAP-003 SB-CAP-023 SB-CAP-024 SB-CAP-025 SB-FS-001 SB-HOOK-002 SB-LSM-003 "
#define DEFAULT_ALL                                                                                \
        DEFAULT_LOW_PART1 "SB-MNT-008 SB-NS-005 SB-NS-006 SB-NS-007 SB-PRIV-002 SB-PRIV-003 "      \
                          "SB-RES-001 SB-RES-002"

Test(audit_docker, default_has_nothing_at_high_and_exactly_the_expected_below)
{
        expect("default", AUDIT_HIGH, "");
        expect("default", AUDIT_MEDIUM, "SB-PRIV-002 SB-PRIV-003");
        expect("default", AUDIT_INFO, DEFAULT_ALL);
}

Test(audit_docker, hardened_has_nothing_at_high_or_medium)
{
        expect("hardened", AUDIT_MEDIUM, "");
        expect("hardened", AUDIT_INFO,
               "SB-HOOK-002 SB-LSM-003 SB-MNT-008 SB-NS-005 SB-NS-006 SB-NS-007");
}

Test(audit_docker, privileged)
{
        expect("privileged", AUDIT_HIGH,
               "SB-CAP-001 SB-CAP-010 SB-CAP-011 SB-CAP-012 SB-CAP-013 SB-CAP-014 SB-CAP-016 "
               "SB-CAP-017 SB-DEV-001 SB-DEV-002 SB-DEV-003 SB-FS-002 SB-FS-003 SB-MNT-004 "
               "SB-MNT-005 SB-PRIV-001 SB-SECCOMP-001");
        expect("privileged", AUDIT_CRITICAL, "SB-CAP-001 SB-CAP-010 SB-CAP-011 SB-PRIV-001");
}

Test(audit_docker, host_namespaces)
{
        expect("pid-host", AUDIT_HIGH, "SB-NS-001");
        expect("ipc-host", AUDIT_HIGH, "SB-NS-003");
        /* Docker's --network=host keeps a network entry that joins <exec-root>/netns/default. */
        expect("net-host", AUDIT_HIGH, "SB-NS-002");
        expect("uts-host", AUDIT_HIGH, "");
        expect("uts-host", AUDIT_MEDIUM, "SB-NS-004 SB-PRIV-002 SB-PRIV-003");
        /* ipc=host brings the host's /dev/shm: a low host-path finding, not a sensitive one. */
        expect("ipc-host", AUDIT_LOW,
               "SB-CAP-003 SB-CAP-023 SB-CAP-024 SB-CAP-025 SB-FS-001 SB-LSM-003 SB-MNT-007 "
               "SB-NS-003 SB-NS-005 SB-NS-006 SB-PRIV-002 SB-PRIV-003 SB-RES-001 SB-RES-002");
        /* No hook with --network=host. */
        expect("net-host", AUDIT_INFO,
               "SB-CAP-003 SB-CAP-023 SB-CAP-024 SB-CAP-025 SB-FS-001 SB-LSM-003 SB-MNT-008 "
               "SB-NS-002 SB-NS-005 SB-NS-006 SB-NS-007 SB-PRIV-002 SB-PRIV-003 SB-RES-001 "
               "SB-RES-002");
}

Test(audit_docker, cgroup_namespace)
{
        /* On the capturing cgroup v1 host, --cgroupns=host is the default: same config. */
        expect("cgroupns-host", AUDIT_INFO, DEFAULT_ALL);
        expect("cgroupns-private", AUDIT_INFO,
               DEFAULT_LOW_PART1 "SB-MNT-008 SB-NS-005 SB-NS-007 SB-PRIV-002 SB-PRIV-003 "
                                 "SB-RES-001 SB-RES-002");
}

Test(audit_docker, capabilities)
{
        expect("cap-add-sys-admin", AUDIT_HIGH, "SB-CAP-010");
        expect("cap-add-sys-admin", AUDIT_MEDIUM, "SB-CAP-002 SB-CAP-010 SB-PRIV-002 SB-PRIV-003");
        expect("cap-add-all", AUDIT_HIGH,
               "SB-CAP-001 SB-CAP-010 SB-CAP-011 SB-CAP-012 SB-CAP-013 SB-CAP-014 SB-CAP-016 "
               "SB-CAP-017");
}

Test(audit_docker, security_options)
{
        expect("seccomp-unconfined", AUDIT_HIGH, "SB-SECCOMP-001");
        expect("systempaths-unconfined", AUDIT_HIGH, "SB-FS-002 SB-FS-003");
        expect("no-new-privileges", AUDIT_MEDIUM, "SB-PRIV-003");
}

Test(audit_docker, mounts_and_devices)
{
        expect("docker-sock", AUDIT_HIGH, "SB-MNT-001");
        expect("host-root", AUDIT_HIGH, "SB-MNT-002");
        expect("device", AUDIT_HIGH, "SB-DEV-003");
}

Test(audit_docker, user_read_only_limits)
{
        expect("user-1000", AUDIT_MEDIUM, "SB-PRIV-002");
        expect("read-only", AUDIT_HIGH, "");
        expect("read-only", AUDIT_INFO,
               "SB-CAP-003 SB-CAP-023 SB-CAP-024 SB-CAP-025 SB-HOOK-002 SB-LSM-003 SB-MNT-008 "
               "SB-NS-005 SB-NS-006 SB-NS-007 SB-PRIV-002 SB-PRIV-003 SB-RES-001 SB-RES-002");
        expect("limits", AUDIT_INFO,
               DEFAULT_LOW_PART1 "SB-MNT-008 SB-NS-005 SB-NS-006 SB-NS-007 SB-PRIV-002 "
                                 "SB-PRIV-003");
}

/* ---- synthetic configs for what Docker's cases do not cover ---- */

static void audit_json(const char *json, enum audit_severity min, char *buf, size_t len)
{
        struct oci_config cfg;
        struct sb_err err = {0};
        struct audit_report r = {0};

        cr_assert_eq(oci_config_parse("config.json", json, strlen(json), &cfg, NULL, &err), 0, "%s",
                     err.msg);
        audit_config(&cfg, "config.json", &r);
        ids_of(&r, min, buf, len);
        audit_report_free(&r);
        oci_config_free(&cfg);
}

#define BASE_NS                                                                                    \
        "{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"       \
        "{\"type\":\"uts\"},{\"type\":\"user\"},{\"type\":\"cgroup\"}"
#define SECCOMP "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}"
#define PATHS                                                                                      \
        "\"maskedPaths\":[\"/proc/kcore\",\"/proc/keys\",\"/proc/timer_list\",\"/sys/firmware\"]," \
        "\"readonlyPaths\":[\"/proc/sys\",\"/proc/sysrq-trigger\",\"/proc/irq\",\"/proc/bus\"]"

Test(audit_synthetic, sensitive_mounts_propagation_sysctls_hooks)
{
        char got[4096];
        const char *json =
            "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
            "\"process\":{\"user\":{\"uid\":1000,\"gid\":1000},\"args\":[\"sh\"],\"cwd\":\"/\","
            "\"noNewPrivileges\":true,\"oomScoreAdj\":-500,\"apparmorProfile\":\"unconfined\"},"
            "\"mounts\":["
            "{\"destination\":\"/host-etc\",\"type\":\"bind\",\"source\":\"/etc/\",\"options\":"
            "[\"rbind\",\"ro\"]},"
            "{\"destination\":\"/run/containerd.sock\",\"type\":\"bind\",\"source\":"
            "\"/run/containerd/containerd.sock\",\"options\":[\"rbind\"]},"
            "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\",\"options\":"
            "[\"rbind\",\"rshared\"]},"
            "{\"destination\":\"/hp\",\"type\":\"bind\",\"source\":\"/proc\",\"options\":"
            "[\"rbind\"]}],"
            "\"hooks\":{\"prestart\":[{\"path\":\"/usr/local/bin/evil\"}]},"
            "\"linux\":{\"namespaces\":[" BASE_NS ",{\"type\":\"time\"}],"
            "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
            "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
            "\"resources\":{\"memory\":{\"limit\":1000000},\"pids\":{\"limit\":10}},"
            "\"sysctl\":{\"kernel.core_pattern\":\"|/x\",\"net.ipv4.ip_forward\":\"1\","
            "\"net.ipv4.tcp_syncookies\":\"1\"}," SECCOMP "," PATHS "}}";

        audit_json(json, AUDIT_INFO, got, sizeof(got));
        cr_assert_str_eq(got, "SB-HOOK-001 SB-LSM-001 SB-MNT-001 SB-MNT-003 SB-MNT-004 SB-MNT-006 "
                              "SB-MNT-007 SB-RES-003 SB-SYSCTL-001 SB-SYSCTL-002");
}

Test(audit_synthetic, seccomp_allow_ambient_devices_userns_root_mapping)
{
        char got[4096];
        const char *json =
            "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
            "\"process\":{\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],\"cwd\":\"/\","
            "\"noNewPrivileges\":true,\"selinuxLabel\":\"system_u:system_r:spc_t:s0\","
            "\"capabilities\":{\"bounding\":[\"CAP_NET_BIND_SERVICE\"],\"ambient\":"
            "[\"CAP_NET_BIND_SERVICE\"]}},"
            "\"linux\":{\"namespaces\":[" BASE_NS ",{\"type\":\"time\"}],"
            "\"uidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}],"
            "\"gidMappings\":[{\"containerID\":0,\"hostID\":0,\"size\":1}],"
            "\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0},"
            "{\"path\":\"/dev/mem\",\"type\":\"c\",\"major\":1,\"minor\":1}],"
            "\"resources\":{\"memory\":{\"limit\":1000000},\"pids\":{\"limit\":10},"
            "\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,\"type\":\"b\","
            "\"major\":8,\"access\":\"r\"}]},"
            "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}," PATHS "}}";

        audit_json(json, AUDIT_INFO, got, sizeof(got));
        cr_assert_str_eq(got, "SB-CAP-026 SB-DEV-002 SB-DEV-003 SB-LSM-002 SB-PRIV-003 "
                              "SB-SECCOMP-002");
}

Test(audit_synthetic, namespace_paths)
{
        struct oci_config cfg;
        struct audit_report r = {0};
        struct oci_namespace ns[] = {
            {OCI_NS_MOUNT, NULL},
            {OCI_NS_PID, (char *)"/proc/1/ns/pid"},
            {OCI_NS_NETWORK, (char *)"/proc/4242/ns/net"},
        };

        memset(&cfg, 0, sizeof(cfg));
        cfg.linux_.namespaces = ns;
        cfg.linux_.n_namespaces = 3;
        cr_assert(audit_ns_is_host(&cfg, OCI_NS_PID));
        cr_assert(!audit_ns_is_host(&cfg, OCI_NS_NETWORK));
        cr_assert(audit_ns_is_host(&cfg, OCI_NS_IPC));
        cr_assert(!audit_ns_is_host(&cfg, OCI_NS_MOUNT));
        audit_check_namespaces(&cfg, &r);
        cr_assert(audit_report_has(&r, "SB-NS-001"));
        cr_assert(audit_report_has(&r, "SB-NS-009"));
        cr_assert(!audit_report_has(&r, "SB-NS-002"));
        cr_assert(!audit_report_has(&r, "SB-NS-008"));
        for (size_t i = 0; i < r.count; i++)
                if (strcmp(r.items[i].check->id, "SB-NS-001") == 0)
                        cr_assert_str_eq(r.items[i].field, ".linux.namespaces[1].path");
        audit_report_free(&r);
}

Test(audit_catalogue, ids_unique_complete_and_standards)
{
        size_t n, base = 0, restricted = 0, cis = 0;
        const struct audit_check *c = audit_catalogue(&n);

        cr_assert_gt(n, 50);
        for (size_t i = 0; i < n; i++) {
                cr_assert(strncmp(c[i].id, "SB-", 3) == 0);
                cr_assert(c[i].title[0] && c[i].why[0] && c[i].remediation[0], "%s", c[i].id);
                cr_assert_eq(audit_check_find(c[i].id), &c[i], "duplicate %s", c[i].id);
                cr_assert_eq(c[i].pss == AUDIT_PSS_NONE, c[i].pss_control == NULL, "%s", c[i].id);
                base += audit_check_in_standard(&c[i], AUDIT_STD_PSS_BASELINE);
                restricted += audit_check_in_standard(&c[i], AUDIT_STD_PSS_RESTRICTED);
                cis += audit_check_in_standard(&c[i], AUDIT_STD_CIS_DOCKER);
        }
        cr_assert_gt(restricted, base);
        cr_assert_gt(base, 10);
        cr_assert_gt(cis, 10);
        cr_assert_eq(audit_check_find("SB-NOPE-001"), NULL);
        cr_assert_str_eq(audit_check_find("SB-MNT-001")->cis, "5.31");
}

Test(audit_report, filter_sort_threshold)
{
        struct audit_report r = {0};
        enum audit_severity s;

        audit_report_add(&r, "SB-RES-001", ".x", NULL, "low one");
        audit_report_add(&r, "SB-PRIV-001", ".y", "v", "critical one");
        audit_report_add(&r, "SB-NS-004", ".z", "", "medium, CIS only");
        audit_report_sort(&r);
        cr_assert_str_eq(r.items[0].check->id, "SB-PRIV-001");
        cr_assert_str_eq(r.items[2].check->id, "SB-RES-001");
        cr_assert_eq(audit_report_count_at_least(&r, AUDIT_HIGH), 1);
        cr_assert_eq(audit_report_count_at_least(&r, AUDIT_INFO), 3);
        audit_report_filter(&r, AUDIT_STD_PSS_BASELINE);
        cr_assert_eq(r.count, 1);
        cr_assert_str_eq(r.items[0].check->id, "SB-PRIV-001");
        audit_report_free(&r);
        cr_assert_eq(audit_severity_from_name("HIGH", &s), 0);
        cr_assert_eq(s, AUDIT_HIGH);
        cr_assert_eq(audit_severity_from_name("severe", &s), -1);
}
