/* OCI hooks run on the host as the runtime's user, outside the container's
 * confinement. Docker's own libnetwork-setkey prestart hook (the daemon's
 * binary through /proc/<dockerd pid>/exe) is expected: info only. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

static bool is_docker_setkey(const struct oci_hook *h)
{
        return h->args.count >= 1 && strcmp(h->args.items[0], "libnetwork-setkey") == 0 &&
               h->path != NULL && strncmp(h->path, "/proc/", 6) == 0 &&
               strcmp(h->path + strlen(h->path) - 4, "/exe") == 0;
}

void audit_check_hooks(const struct oci_config *cfg, struct audit_report *r)
{
        for (int k = 0; k < OCI_HOOK_NKINDS; k++) {
                const struct oci_hook_list *l = &cfg->hooks[k];
                for (size_t i = 0; i < l->count; i++) {
                        const struct oci_hook *h = &l->items[i];
                        const char *path = h->path != NULL ? h->path : "";
                        char field[96];

                        snprintf(field, sizeof(field), ".hooks.%s[%zu].path", oci_hook_kind_name(k),
                                 i);
                        if (is_docker_setkey(h))
                                audit_report_add(r, "SB-HOOK-002", field, path,
                                                 "Docker's libnetwork-setkey %s hook",
                                                 oci_hook_kind_name(k));
                        else
                                audit_report_add(r, "SB-HOOK-001", field, path,
                                                 "%s hook runs host binary %s",
                                                 oci_hook_kind_name(k), path);
                }
        }
}
