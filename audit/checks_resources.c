/* Resource limits: memory and pids limits, the OOM killer and oomScoreAdj. */
#include <stdio.h>

#include "audit/audit.h"

void audit_check_resources(const struct oci_config *cfg, struct audit_report *r)
{
        const struct oci_resources *res = &cfg->linux_.resources;
        const struct oci_memory *mem = &res->memory;
        char v[32];

        /* A limit of 0 or -1 means "unlimited" to every engine. */
        if (!res->has_memory || !mem->limit.set || mem->limit.v <= 0)
                audit_report_add(r, "SB-RES-001", ".linux.resources.memory.limit", "",
                                 "no memory limit");
        if (!res->has_pids || res->pids_limit <= 0)
                audit_report_add(r, "SB-RES-002", ".linux.resources.pids.limit", "",
                                 "no pids limit");
        if (cfg->process.has_oom_score_adj && cfg->process.oom_score_adj < 0) {
                snprintf(v, sizeof(v), "%d", cfg->process.oom_score_adj);
                audit_report_add(r, "SB-RES-003", ".process.oomScoreAdj", v,
                                 "oomScoreAdj is %s: host processes are killed before this "
                                 "container",
                                 v);
        }
        if (res->has_memory && mem->disable_oom_killer.set && mem->disable_oom_killer.v)
                audit_report_add(r, "SB-RES-004", ".linux.resources.memory.disableOOMKiller",
                                 "true", "the OOM killer is disabled for the container");
}
