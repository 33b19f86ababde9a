/* Device access: the device cgroup's rules (.linux.resources.devices) and the
 * device nodes created in the container (.linux.devices). Findings are one
 * per check, listing every device, so --privileged's hundred devices read as
 * a few lines. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

bool audit_devices_allow_all(const struct oci_config *cfg)
{
        const struct oci_resources *res = &cfg->linux_.resources;

        /* The last full wildcard ("a", any major, any minor) sets the default. */
        for (size_t i = res->n_devices; i > 0; i--) {
                const struct oci_device_cgroup_rule *d = &res->devices[i - 1];
                if (d->type == 'a' && !d->has_major && !d->has_minor)
                        return d->allow;
        }
        return false;
}

/* Kernel memory, I/O ports and the kernel log (drivers/char/mem.c). */
static const struct {
        int64_t minor;
        const char *path;
} mem_devices[] = {{1, "/dev/mem"}, {2, "/dev/kmem"}, {4, "/dev/port"}, {11, "/dev/kmsg"}};

static bool is_mem_device(char type, bool has_major, int64_t major, bool has_minor, int64_t minor,
                          const char *path)
{
        for (size_t i = 0; i < sizeof(mem_devices) / sizeof(mem_devices[0]); i++) {
                if (path != NULL && strcmp(path, mem_devices[i].path) == 0)
                        return true;
                if (type == 'c' && has_major && major == 1 && has_minor &&
                    minor == mem_devices[i].minor)
                        return true;
        }
        return false;
}

/* One aggregated finding: a list of devices and the field of the first. */
struct dev_list {
        char field[64];
        char value[2048];
        size_t n;
};

static void dev_list_add(struct dev_list *l, const char *field, const char *what)
{
        size_t used = strlen(l->value);

        if (l->n++ == 0)
                snprintf(l->field, sizeof(l->field), "%s", field);
        if (used + strlen(what) + 8 >= sizeof(l->value)) {
                if (strstr(l->value, ", ...") == NULL && used + 6 < sizeof(l->value))
                        strcat(l->value, ", ...");
                return;
        }
        snprintf(l->value + used, sizeof(l->value) - used, "%s%s", used ? ", " : "", what);
}

void audit_check_devices(const struct oci_config *cfg, struct audit_report *r)
{
        const struct oci_linux *lx = &cfg->linux_;
        const struct oci_resources *res = &lx->resources;
        struct dev_list block = {0}, mem = {0}, other = {0};
        char field[64], what[4200];
        bool allow_all = audit_devices_allow_all(cfg);

        if (allow_all)
                audit_report_add(r, "SB-DEV-001", ".linux.resources.devices", "a *:* rwm",
                                 "the device cgroup allows every device");

        for (size_t i = 0; i < lx->n_devices; i++) {
                const struct oci_device *d = &lx->devices[i];
                const char *path = d->path != NULL ? d->path : "?";

                snprintf(field, sizeof(field), ".linux.devices[%zu]", i);
                if (is_mem_device(d->type, d->has_major, d->major, d->has_minor, d->minor, path))
                        dev_list_add(&mem, field, path);
                else if (d->type == 'b')
                        dev_list_add(&block, field, path);
                else
                        dev_list_add(&other, field, path);
        }
        /* Rules that allow devices without creating a node: reachable through mknod. */
        for (size_t i = 0; i < res->n_devices && !allow_all; i++) {
                const struct oci_device_cgroup_rule *d = &res->devices[i];
                bool listed = false;

                if (!d->allow)
                        continue;
                snprintf(field, sizeof(field), ".linux.resources.devices[%zu]", i);
                if (d->has_major)
                        snprintf(what, sizeof(what), "%c %jd:%s", d->type, (intmax_t)d->major,
                                 d->has_minor ? "" : "*");
                else
                        snprintf(what, sizeof(what), "%c *:*", d->type);
                if (d->has_major && d->has_minor)
                        snprintf(what + strlen(what), sizeof(what) - strlen(what), "%jd",
                                 (intmax_t)d->minor);
                if (is_mem_device(d->type, d->has_major, d->major, d->has_minor, d->minor, NULL)) {
                        for (size_t k = 0; k < lx->n_devices; k++)
                                if (lx->devices[k].has_major && lx->devices[k].major == d->major &&
                                    lx->devices[k].has_minor && lx->devices[k].minor == d->minor)
                                        listed = true;
                        if (!listed)
                                dev_list_add(&mem, field, what);
                } else if (d->type == 'b' || (d->type == 'a' && (d->has_major || d->has_minor)))
                        dev_list_add(&block, field, what);
        }
        if (mem.n > 0)
                audit_report_add(r, "SB-DEV-003", mem.field, mem.value,
                                 "kernel memory or log devices are accessible: %s", mem.value);
        if (block.n > 0)
                audit_report_add(r, "SB-DEV-002", block.field, block.value,
                                 "block devices are accessible: %s", block.value);
        if (other.n > 0)
                audit_report_add(r, "SB-DEV-004", other.field, other.value,
                                 "%zu host devices are exposed: %s", other.n, other.value);
}
