/* cgroups: v2 (unified), v1 (legacy) and hybrid hosts, behind one interface.
 *
 * The pure half maps linux.resources onto files and values
 * (runtime_cgroup_plan_*), unit-tested without root; the edge half creates
 * directories, writes files and loads the v2 device program. */
#ifndef SANDBOX_CGROUP_H
#define SANDBOX_CGROUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

enum runtime_cgroup_mode {
        RUNTIME_CGROUP_V2,     /* cgroup2 mounted on the cgroup root */
        RUNTIME_CGROUP_V1,     /* only v1 hierarchies */
        RUNTIME_CGROUP_HYBRID, /* v1 controllers + cgroup2 at <root>/unified */
};

struct runtime_cgroup {
        enum runtime_cgroup_mode mode;
        char *root; /* "/sys/fs/cgroup" normally; tests may point elsewhere */
        char *path; /* the container's cgroup, relative to each hierarchy root: "/sandbox/ID" */
};

/* Detects the layout under `root` (statfs magic of root and root/unified). */
int runtime_cgroup_detect(const char *root, enum runtime_cgroup_mode *mode, struct sb_err *err);

/* Resolves linux.cgroupsPath with runc's semantics: absolute as is; relative
 * under the runtime's own cgroup; "slice:prefix:name" when systemd_cgroup
 * (mapped onto cgroupfs: slice path + "/prefix-name.scope"; warn that systemd
 * is not used); empty → "/sandbox/<id>". Pure. Result is malloc'd. */
int runtime_cgroup_resolve_path(const char *cgroups_path, const char *id, bool systemd_cgroup,
                                const char *own_cgroup, char **out, struct sb_err *err);

/* Creates the cgroup (all hierarchies on v1/hybrid), applies `res` (may be
 * NULL) and fills cg. On failure nothing is left behind. */
int runtime_cgroup_create(const char *root, const char *path, const struct oci_resources *res,
                          struct runtime_cgroup *cg, struct sb_err *err);
/* Moves pid into the cgroup (every hierarchy). */
int runtime_cgroup_enter(const struct runtime_cgroup *cg, pid_t pid, struct sb_err *err);
/* Changes limits live (sandbox update). */
int runtime_cgroup_update(const struct runtime_cgroup *cg, const struct oci_resources *res,
                          struct sb_err *err);
/* Pids of every process in the cgroup (cgroup.procs, recursive). */
int runtime_cgroup_pids(const struct runtime_cgroup *cg, pid_t **pids, size_t *n,
                        struct sb_err *err);
/* Freezes or thaws (v2 cgroup.freeze, v1 freezer.state), waiting until done. */
int runtime_cgroup_freeze(const struct runtime_cgroup *cg, bool frozen, struct sb_err *err);
/* True if the cgroup is frozen. */
bool runtime_cgroup_is_frozen(const struct runtime_cgroup *cg);
/* Kills every process (SIGKILL) and removes the directories (retrying while
 * they drain). Missing directories are not an error. */
int runtime_cgroup_destroy(const struct runtime_cgroup *cg, struct sb_err *err);
/* runc-compatible stats object for `events --stats` (cpu, memory, pids, blkio, hugetlb). */
json_t *runtime_cgroup_stats(const struct runtime_cgroup *cg, struct sb_err *err);
/* Number of OOM kills so far (v2 memory.events oom_kill, v1 memory.oom_control). */
int64_t runtime_cgroup_oom_kills(const struct runtime_cgroup *cg);

void runtime_cgroup_free(struct runtime_cgroup *cg);

#endif
