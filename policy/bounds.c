/* Profile bounds: capabilities, private namespaces, --privileged. */
#include "policy/bounds.h"

#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

static const char *const capset_names[OCI_CAP_NSETS] = {
    [OCI_CAP_BOUNDING] = "bounding",       [OCI_CAP_EFFECTIVE] = "effective",
    [OCI_CAP_INHERITABLE] = "inheritable", [OCI_CAP_PERMITTED] = "permitted",
    [OCI_CAP_AMBIENT] = "ambient",
};

/* The docker/podman flag that shares a host namespace, for messages. */
static const char *host_flag(enum oci_ns_type t)
{
        switch (t) {
        case OCI_NS_PID:
                return "--pid=host";
        case OCI_NS_NETWORK:
                return "--network=host";
        case OCI_NS_IPC:
                return "--ipc=host";
        case OCI_NS_UTS:
                return "--uts=host";
        case OCI_NS_USER:
                return "--userns=host";
        case OCI_NS_CGROUP:
                return "--cgroupns=host";
        default:
                return NULL;
        }
}

static uint64_t all_caps(void)
{
        int last = (int)cap_max_bits() - 1;

        if (last < 0 || last >= 64)
                last = CAP_LAST_CAP;
        return last >= 63 ? ~0ull : (1ull << (last + 1)) - 1;
}

bool policy_config_is_privileged(const struct oci_config *cfg)
{
        const struct oci_capabilities *c = &cfg->process.capabilities;
        uint64_t all = all_caps();

        if (!c->present)
                return false;
        if (c->has[OCI_CAP_BOUNDING])
                return (c->sets[OCI_CAP_BOUNDING] & all) == all;
        return c->has[OCI_CAP_EFFECTIVE] && (c->sets[OCI_CAP_EFFECTIVE] & all) == all;
}

static void cap_list(uint64_t bits, char *buf, size_t len)
{
        size_t used = 0;

        buf[0] = '\0';
        for (int i = 0; i < 64 && used < len; i++) {
                char *name;

                if (!(bits & (1ull << i)))
                        continue;
                name = cap_to_name((cap_value_t)i);
                for (char *s = name; s != NULL && *s; s++)
                        if (*s >= 'a' && *s <= 'z')
                                *s = (char)(*s - 'a' + 'A');
                used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
                                         name ? name : "?");
                cap_free(name);
        }
}

int policy_check_bounds(const struct policy_profile *p, const struct oci_config *cfg,
                        struct sb_diags *d)
{
        const struct policy_bounds *b = &p->bounds;
        const char *pn = p->name ? p->name : "?";
        size_t before = d->count + d->dropped;

        if (b->has_privileged && !b->privileged && policy_config_is_privileged(cfg))
                sb_diags_add(d,
                             "profile %s: .process.capabilities: the container is privileged "
                             "(--privileged: every capability) and the profile refuses "
                             "privileged containers",
                             pn);
        if (b->has_max_caps && cfg->process.capabilities.present) {
                for (int s = 0; s < OCI_CAP_NSETS; s++) {
                        uint64_t extra = cfg->process.capabilities.sets[s] & ~b->max_caps;
                        char names[1024];

                        if (!cfg->process.capabilities.has[s] || extra == 0)
                                continue;
                        cap_list(extra, names, sizeof(names));
                        sb_diags_add(d,
                                     "profile %s: .process.capabilities.%s: %s beyond the "
                                     "profile's maxCapabilities (--cap-add is refused)",
                                     pn, capset_names[s], names);
                }
        }
        for (int t = 0; t < OCI_NS_NTYPES; t++) {
                const struct oci_namespace *ns;
                const char *flag = host_flag((enum oci_ns_type)t);

                if (!(b->private_ns & (1u << t)))
                        continue;
                ns = oci_config_namespace(cfg, (enum oci_ns_type)t);
                if (ns == NULL)
                        sb_diags_add(d,
                                     "profile %s: .linux.namespaces: %s namespace must be "
                                     "private%s%s%s",
                                     pn, oci_ns_type_name((enum oci_ns_type)t), flag ? " (" : "",
                                     flag ? flag : "", flag ? " is refused)" : "");
                else if (ns->path != NULL)
                        sb_diags_add(d,
                                     "profile %s: .linux.namespaces: %s namespace must be "
                                     "private, not joined from `%s`",
                                     pn, oci_ns_type_name((enum oci_ns_type)t), ns->path);
        }
        return d->count + d->dropped > before ? -1 : 0;
}
