/* Capabilities, privileged mode, no_new_privs, root without a user
 * namespace, seccomp and the MAC (AppArmor/SELinux) confinement. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "audit/audit.h"

#define BIT(c) (1ull << (c))

unsigned long long audit_docker_default_caps(void)
{
        /* moby's oci/caps/defaults.go DefaultCapabilities(). */
        return BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) | BIT(CAP_FOWNER) |
               BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) | BIT(CAP_SETGID) | BIT(CAP_SETUID) |
               BIT(CAP_SETFCAP) | BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
               BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
}

unsigned long long audit_all_classic_caps(void)
{
        return BIT(CAP_AUDIT_READ + 1) - 1;
}

unsigned long long audit_caps_union(const struct oci_config *cfg)
{
        const struct oci_capabilities *c = &cfg->process.capabilities;
        unsigned long long u = 0;

        for (int s = 0; s < OCI_CAP_NSETS; s++)
                if (c->has[s])
                        u |= c->sets[s];
        return u;
}

static const char *const set_names[OCI_CAP_NSETS] = {"bounding", "effective", "inheritable",
                                                     "permitted", "ambient"};

/* The field of the first set (in the order people read them) holding any of `mask`. */
static void caps_field(const struct oci_config *cfg, unsigned long long mask, char *buf, size_t len)
{
        static const enum oci_capset order[] = {OCI_CAP_BOUNDING, OCI_CAP_EFFECTIVE,
                                                OCI_CAP_PERMITTED, OCI_CAP_INHERITABLE,
                                                OCI_CAP_AMBIENT};
        const struct oci_capabilities *c = &cfg->process.capabilities;

        for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
                if (c->has[order[i]] && (c->sets[order[i]] & mask) != 0) {
                        snprintf(buf, len, ".process.capabilities.%s", set_names[order[i]]);
                        return;
                }
        snprintf(buf, len, ".process.capabilities");
}

/* "CAP_SYS_ADMIN" for capability number c. */
static void cap_name(int c, char *buf, size_t len)
{
        char *n = cap_to_name(c);

        snprintf(buf, len, "%s", n != NULL ? n : "?");
        for (char *p = buf; *p != '\0'; p++)
                *p = (char)toupper((unsigned char)*p);
        cap_free(n);
}

/* Comma-separated names of the capabilities in mask, into buf. */
static void caps_list(unsigned long long mask, char *buf, size_t len)
{
        size_t used = 0;

        buf[0] = '\0';
        for (int c = 0; c < 64 && used < len; c++) {
                char name[64];
                if (!(mask & BIT(c)))
                        continue;
                cap_name(c, name, sizeof(name));
                used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
        }
}

static const struct {
        int cap;
        const char *id;
} dangerous_caps[] = {
    {CAP_SYS_ADMIN, "SB-CAP-010"},       {CAP_SYS_MODULE, "SB-CAP-011"},
    {CAP_SYS_PTRACE, "SB-CAP-012"},      {CAP_SYS_RAWIO, "SB-CAP-013"},
    {CAP_DAC_READ_SEARCH, "SB-CAP-014"}, {CAP_BPF, "SB-CAP-015"},
    {CAP_MAC_ADMIN, "SB-CAP-016"},       {CAP_MAC_OVERRIDE, "SB-CAP-017"},
    {CAP_NET_ADMIN, "SB-CAP-018"},       {CAP_SYS_TIME, "SB-CAP-019"},
    {CAP_SYS_BOOT, "SB-CAP-020"},        {CAP_PERFMON, "SB-CAP-021"},
    {CAP_SYSLOG, "SB-CAP-022"},          {CAP_NET_RAW, "SB-CAP-023"},
    {CAP_MKNOD, "SB-CAP-024"},           {CAP_SETFCAP, "SB-CAP-025"},
};

static bool is_privileged(const struct oci_config *cfg)
{
        unsigned long long all = audit_all_classic_caps();
        return (audit_caps_union(cfg) & all) == all && audit_devices_allow_all(cfg) &&
               cfg->linux_.masked_paths.count == 0;
}

static void check_caps(const struct oci_config *cfg, struct audit_report *r)
{
        unsigned long long u = audit_caps_union(cfg), all = audit_all_classic_caps();
        unsigned long long extra = u & ~audit_docker_default_caps();
        unsigned long long beyond_restricted = u & ~BIT(CAP_NET_BIND_SERVICE);
        char field[64], list[1024], name[64];

        if ((u & all) == all) {
                caps_field(cfg, all, field, sizeof(field));
                audit_report_add(r, "SB-CAP-001", field, "ALL",
                                 "every capability is granted (--cap-add ALL or --privileged)");
        }
        if (extra != 0) {
                caps_list(extra, list, sizeof(list));
                caps_field(cfg, extra, field, sizeof(field));
                audit_report_add(r, "SB-CAP-002", field, list,
                                 "capabilities beyond Docker's default set: %s", list);
        }
        if (beyond_restricted != 0) {
                caps_list(beyond_restricted, list, sizeof(list));
                caps_field(cfg, beyond_restricted, field, sizeof(field));
                audit_report_add(r, "SB-CAP-003", field, list,
                                 "capabilities are not dropped (restricted allows only "
                                 "CAP_NET_BIND_SERVICE): %s",
                                 list);
        }
        for (size_t i = 0; i < sizeof(dangerous_caps) / sizeof(dangerous_caps[0]); i++) {
                unsigned long long bit = BIT(dangerous_caps[i].cap);
                if (!(u & bit))
                        continue;
                cap_name(dangerous_caps[i].cap, name, sizeof(name));
                caps_field(cfg, bit, field, sizeof(field));
                audit_report_add(r, dangerous_caps[i].id, field, name, "%s is granted", name);
        }
        if (cfg->process.capabilities.has[OCI_CAP_AMBIENT] &&
            cfg->process.capabilities.sets[OCI_CAP_AMBIENT] != 0) {
                caps_list(cfg->process.capabilities.sets[OCI_CAP_AMBIENT], list, sizeof(list));
                audit_report_add(r, "SB-CAP-026", ".process.capabilities.ambient", list,
                                 "ambient capabilities are set: %s", list);
        }
}

/* Root on the host: uid 0 with no user namespace, or one that maps 0 to 0. */
static bool root_on_host(const struct oci_config *cfg)
{
        const struct oci_id_mappings *m = &cfg->linux_.uid_mappings;

        if (!cfg->process.present || cfg->process.user.uid != 0)
                return false;
        if (audit_ns_is_host(cfg, OCI_NS_USER))
                return true;
        for (size_t i = 0; i < m->count; i++)
                if (m->items[i].container_id == 0 && m->items[i].host_id == 0)
                        return true;
        return false;
}

static void check_seccomp(const struct oci_config *cfg, struct audit_report *r)
{
        const struct oci_seccomp *s = &cfg->linux_.seccomp;

        if (!s->present) {
                audit_report_add(r, "SB-SECCOMP-001", ".linux.seccomp", "",
                                 "no .linux.seccomp: every system call reaches the kernel "
                                 "(--security-opt seccomp=unconfined or --privileged)");
                return;
        }
        if (s->default_action == OCI_SCMP_ACT_ALLOW || s->default_action == OCI_SCMP_ACT_LOG)
                audit_report_add(r, "SB-SECCOMP-002", ".linux.seccomp.defaultAction",
                                 oci_seccomp_action_name(s->default_action),
                                 "the seccomp profile allows every system call it does not name "
                                 "(defaultAction %s)",
                                 oci_seccomp_action_name(s->default_action));
}

static bool selinux_unconfined(const char *label)
{
        /* user:role:type:level; "disable" is how docker inspect's label=disable is carried. */
        return strcmp(label, "disable") == 0 || strstr(label, ":spc_t") != NULL ||
               strstr(label, ":unconfined_t") != NULL;
}

static void check_lsm(const struct oci_config *cfg, struct audit_report *r)
{
        const char *aa = cfg->process.apparmor_profile, *se = cfg->process.selinux_label;

        if (aa != NULL && strcmp(aa, "unconfined") == 0)
                audit_report_add(r, "SB-LSM-001", ".process.apparmorProfile", aa,
                                 "the AppArmor profile is \"unconfined\"");
        if (se != NULL && selinux_unconfined(se))
                audit_report_add(r, "SB-LSM-002", ".process.selinuxLabel", se,
                                 "SELinux separation is off (label %s)", se);
        if ((aa == NULL || aa[0] == '\0') && (se == NULL || se[0] == '\0'))
                audit_report_add(r, "SB-LSM-003", ".process", "",
                                 "neither .process.apparmorProfile nor .process.selinuxLabel is "
                                 "set");
}

void audit_check_privileges(const struct oci_config *cfg, struct audit_report *r)
{
        char uid[16];

        if (is_privileged(cfg))
                audit_report_add(r, "SB-PRIV-001", ".process.capabilities.bounding", "privileged",
                                 "every capability, every device allowed and no masked paths: "
                                 "this is a --privileged container");
        check_caps(cfg, r);
        if (cfg->process.present && !cfg->process.no_new_privileges)
                audit_report_add(r, "SB-PRIV-002", ".process.noNewPrivileges", "false",
                                 "noNewPrivileges is off: setuid and file-capability binaries can "
                                 "raise privileges");
        if (root_on_host(cfg)) {
                snprintf(uid, sizeof(uid), "%u", cfg->process.user.uid);
                audit_report_add(r, "SB-PRIV-003", ".process.user.uid", uid,
                                 "the process runs as uid 0 and uid 0 is the host's root (no user "
                                 "namespace maps it elsewhere)");
        }
        check_seccomp(cfg, r);
        check_lsm(cfg, r);
}
