/* The sandbox profile's bounds: what `sandbox create` would refuse. */
#include "audit/audit.h"
#include "policy/bounds.h"

struct bounds_ctx {
        struct audit_report *r;
        const char *profile;
};

static void add_excess(void *ctx, const char *field, const char *message)
{
        struct bounds_ctx *c = ctx;

        audit_report_add(c->r, "SB-PROFILE-001", field, c->profile,
                         "profile %s: %s; `sandbox create` refuses this container under it",
                         c->profile, message);
}

void audit_check_profile_bounds(const struct policy_profile *p, const struct oci_config *cfg,
                                const char *input_name, struct audit_report *r)
{
        struct bounds_ctx c = {.r = r, .profile = p->name ? p->name : "?"};
        size_t from = r->count;

        policy_bounds_visit(p, cfg, add_excess, &c);
        audit_report_set_input(r, from, input_name);
}
