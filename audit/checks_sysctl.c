/* linux.sysctl: parameters outside Kubernetes' safe set, and parameters that
 * would change the host (not namespaced, or their namespace is the host's). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

/* Kubernetes' safe sysctls (pkg/kubelet/sysctl/safe_sysctls.go, v1.32). */
static const char *const safe_sysctls[] = {
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
};

/* IPC-namespaced parameters (ipc/ipc_sysctl.c; fs.mqueue.* in ipc/mq_sysctl.c). */
static const char *const ipc_sysctls[] = {"kernel.msgmax", "kernel.msgmnb",         "kernel.msgmni",
                                          "kernel.sem",    "kernel.shmall",         "kernel.shmmax",
                                          "kernel.shmmni", "kernel.shm_rmid_forced"};

static bool in_list(const char *key, const char *const *list, size_t n)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(key, list[i]) == 0)
                        return true;
        return false;
}

/* The namespace a parameter belongs to; false when it is host-wide. */
static bool sysctl_namespace(const char *key, enum oci_ns_type *t)
{
        if (strncmp(key, "net.", 4) == 0) {
                *t = OCI_NS_NETWORK;
                return true;
        }
        if (strncmp(key, "fs.mqueue.", 10) == 0 ||
            in_list(key, ipc_sysctls, sizeof(ipc_sysctls) / sizeof(ipc_sysctls[0]))) {
                *t = OCI_NS_IPC;
                return true;
        }
        if (strcmp(key, "kernel.hostname") == 0 || strcmp(key, "kernel.domainname") == 0) {
                *t = OCI_NS_UTS;
                return true;
        }
        return false;
}

void audit_check_sysctl(const struct oci_config *cfg, struct audit_report *r)
{
        const struct oci_kv_list *s = &cfg->linux_.sysctl;

        for (size_t i = 0; i < s->count; i++) {
                char key[256], field[300], value[600];
                enum oci_ns_type t;

                /* "net/ipv4/ip_forward" is the same parameter as "net.ipv4.ip_forward"
                 * (an interface name may hold dots, so only for classification). */
                snprintf(key, sizeof(key), "%s", s->items[i].key);
                for (char *p = key; *p != '\0'; p++)
                        if (*p == '/')
                                *p = '.';
                snprintf(field, sizeof(field), ".linux.sysctl[\"%s\"]", s->items[i].key);
                snprintf(value, sizeof(value), "%s=%s", s->items[i].key,
                         s->items[i].value != NULL ? s->items[i].value : "");
                if (!sysctl_namespace(key, &t))
                        audit_report_add(r, "SB-SYSCTL-002", field, value,
                                         "%s is not namespaced: setting it changes the host",
                                         s->items[i].key);
                else if (audit_ns_is_host(cfg, t))
                        audit_report_add(r, "SB-SYSCTL-002", field, value,
                                         "%s belongs to the %s namespace, which is the host's",
                                         s->items[i].key, oci_ns_type_name(t));
                else if (!in_list(key, safe_sysctls,
                                  sizeof(safe_sysctls) / sizeof(safe_sysctls[0])))
                        audit_report_add(r, "SB-SYSCTL-001", field, value,
                                         "%s is not in Kubernetes' safe set", s->items[i].key);
        }
}
