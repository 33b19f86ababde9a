/* The root filesystem and the system paths the runtime masks or makes
 * read-only (--security-opt systempaths=unconfined removes both lists). */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

/* What engines mask and make read-only by default (moby oci/defaults.go,
 * containerd's and CRI-O's lists are the same core). */
static const char *const must_mask[] = {"/proc/kcore", "/proc/keys", "/proc/timer_list",
                                        "/sys/firmware"};
static const char *const must_readonly[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq",
                                            "/proc/bus"};

static bool listed(const struct oci_string_list *l, const char *path)
{
        for (size_t i = 0; i < l->count; i++)
                if (strcmp(l->items[i], path) == 0)
                        return true;
        return false;
}

/* Paths of `want` missing from l (a masked path also counts as read-only). */
static size_t missing(const struct oci_string_list *l, const struct oci_string_list *also,
                      const char *const *want, size_t n, char *buf, size_t len)
{
        size_t k = 0, used = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < n; i++) {
                if (listed(l, want[i]) || (also != NULL && listed(also, want[i])))
                        continue;
                k++;
                if (used < len)
                        used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
                                                 want[i]);
        }
        return k;
}

void audit_check_filesystem(const struct oci_config *cfg, struct audit_report *r)
{
        const struct oci_linux *lx = &cfg->linux_;
        char list[512];

        if (!cfg->root.readonly)
                audit_report_add(r, "SB-FS-001", ".root.readonly", "false",
                                 "the root filesystem is writable");
        if (missing(&lx->masked_paths, NULL, must_mask, sizeof(must_mask) / sizeof(must_mask[0]),
                    list, sizeof(list)) > 0)
                audit_report_add(r, "SB-FS-002", ".linux.maskedPaths", list,
                                 "%s: not masked (%zu masked paths in the config)", list,
                                 lx->masked_paths.count);
        if (missing(&lx->readonly_paths, &lx->masked_paths, must_readonly,
                    sizeof(must_readonly) / sizeof(must_readonly[0]), list, sizeof(list)) > 0)
                audit_report_add(r, "SB-FS-003", ".linux.readonlyPaths", list,
                                 "%s: neither read-only nor masked", list);
}
