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

int policy_bounds_visit(const struct policy_profile *p, const struct oci_config *cfg,
                        policy_bounds_fn fn, void *ctx)
{
        const struct policy_bounds *b = &p->bounds;
        char field[64], msg[1280];
        int n = 0;

        if (b->has_privileged && !b->privileged && policy_config_is_privileged(cfg)) {
                fn(ctx, ".process.capabilities",
                   "the container is privileged (--privileged: every capability) and the "
                   "profile refuses privileged containers");
                n++;
        }
        if (b->has_max_caps && cfg->process.capabilities.present) {
                for (int s = 0; s < OCI_CAP_NSETS; s++) {
                        uint64_t extra = cfg->process.capabilities.sets[s] & ~b->max_caps;
                        char names[1024];

                        if (!cfg->process.capabilities.has[s] || extra == 0)
                                continue;
                        cap_list(extra, names, sizeof(names));
                        snprintf(field, sizeof(field), ".process.capabilities.%s", capset_names[s]);
                        snprintf(msg, sizeof(msg),
                                 "%s beyond the profile's maxCapabilities (--cap-add is refused)",
                                 names);
                        fn(ctx, field, msg);
                        n++;
                }
        }
        for (int t = 0; t < OCI_NS_NTYPES; t++) {
                const struct oci_namespace *ns;
                const char *flag = host_flag((enum oci_ns_type)t);
                const char *name = oci_ns_type_name((enum oci_ns_type)t);

                if (!(b->private_ns & (1u << t)))
                        continue;
                ns = oci_config_namespace(cfg, (enum oci_ns_type)t);
                if (ns == NULL)
                        snprintf(msg, sizeof(msg), "%s namespace must be private%s%s%s", name,
                                 flag ? " (" : "", flag ? flag : "", flag ? " is refused)" : "");
                else if (ns->path != NULL)
                        snprintf(msg, sizeof(msg),
                                 "%s namespace must be private, not joined from `%s`", name,
                                 ns->path);
                else
                        continue;
                fn(ctx, ".linux.namespaces", msg);
                n++;
        }
        return n;
}

struct diag_ctx {
        struct sb_diags *d;
        const char *profile;
};

static void add_diag(void *ctx, const char *field, const char *message)
{
        struct diag_ctx *c = ctx;

        sb_diags_add(c->d, "profile %s: %s: %s", c->profile, field, message);
}

int policy_check_bounds(const struct policy_profile *p, const struct oci_config *cfg,
                        struct sb_diags *d)
{
        struct diag_ctx c = {.d = d, .profile = p->name ? p->name : "?"};

        return policy_bounds_visit(p, cfg, add_diag, &c) > 0 ? -1 : 0;
}
