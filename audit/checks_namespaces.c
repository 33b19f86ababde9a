/* Namespaces the container would share with the host. A missing entry is not
 * the only way: engines join the host's namespace by path (Docker's
 * --network=host keeps a "network" entry whose path is its bind of the host's
 * namespace, <exec-root>/netns/default), so paths are classified too. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

/* -1 when absent. */
static int ns_index(const struct oci_config *cfg, enum oci_ns_type t)
{
        for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
                if (cfg->linux_.namespaces[i].type == t)
                        return (int)i;
        return -1;
}

static bool ends_with(const char *s, const char *suffix)
{
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A path that names the host's own namespace. */
static bool path_is_host_ns(const char *path, enum oci_ns_type t)
{
        char host[64];

        /* The kernel names the network namespace "net" under /proc/PID/ns. */
        snprintf(host, sizeof(host), "/proc/1/ns/%s",
                 t == OCI_NS_NETWORK ? "net" : oci_ns_type_name(t));
        if (strcmp(path, host) == 0)
                return true;
        /* Docker's bind of the host network namespace. */
        if (t == OCI_NS_NETWORK && ends_with(path, "/netns/default"))
                return true;
        return false;
}

bool audit_ns_is_host(const struct oci_config *cfg, enum oci_ns_type t)
{
        int i = ns_index(cfg, t);
        const char *path;

        if (i < 0)
                return true;
        path = cfg->linux_.namespaces[i].path;
        return path != NULL && path_is_host_ns(path, t);
}

static const struct {
        enum oci_ns_type type;
        const char *id;
        const char *docker; /* the engine flag that does it */
} host_ns_checks[] = {
    {OCI_NS_MOUNT, "SB-NS-008", "no mount namespace"},
    {OCI_NS_PID, "SB-NS-001", "--pid=host"},
    {OCI_NS_NETWORK, "SB-NS-002", "--network=host"},
    {OCI_NS_IPC, "SB-NS-003", "--ipc=host"},
    {OCI_NS_UTS, "SB-NS-004", "--uts=host"},
    {OCI_NS_USER, "SB-NS-005", "no --userns"},
    {OCI_NS_CGROUP, "SB-NS-006", "--cgroupns=host"},
    {OCI_NS_TIME, "SB-NS-007", "no time namespace"},
};

void audit_check_namespaces(const struct oci_config *cfg, struct audit_report *r)
{
        char field[64];

        for (size_t k = 0; k < sizeof(host_ns_checks) / sizeof(host_ns_checks[0]); k++) {
                enum oci_ns_type t = host_ns_checks[k].type;
                const char *name = oci_ns_type_name(t);
                int i = ns_index(cfg, t);

                if (i < 0) {
                        audit_report_add(r, host_ns_checks[k].id, ".linux.namespaces", "",
                                         "no \"%s\" entry in .linux.namespaces: the container "
                                         "shares the host's %s namespace (%s)",
                                         name, name, host_ns_checks[k].docker);
                        continue;
                }
                const char *path = cfg->linux_.namespaces[i].path;
                if (path == NULL)
                        continue;
                snprintf(field, sizeof(field), ".linux.namespaces[%d].path", i);
                if (path_is_host_ns(path, t))
                        audit_report_add(r, host_ns_checks[k].id, field, path,
                                         "the %s namespace entry joins the host's namespace "
                                         "through %s (%s)",
                                         name, path, host_ns_checks[k].docker);
                else
                        audit_report_add(r, "SB-NS-009", field, path,
                                         "the container joins the existing %s namespace %s", name,
                                         path);
        }
}
