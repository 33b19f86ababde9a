/* Resource limits and scheduling of the container process: process.rlimits,
 * oomScoreAdj, scheduler, ioPriority, execCPUAffinity and linux.personality.
 * Called in the container's init before runtime_apply_identity(): raising a
 * hard rlimit or lowering oom_score_adj needs CAP_SYS_RESOURCE, and real-time
 * scheduling needs CAP_SYS_NICE, which the container user may not keep. */
#ifndef SANDBOX_RUNTIME_PROCESS_LIMITS_H
#define SANDBOX_RUNTIME_PROCESS_LIMITS_H

#include <sched.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

/* setrlimit for every process.rlimits[i]; errors name the rlimit type. */
int runtime_apply_rlimits(const struct oci_process *p, struct sb_err *err);

/* Writes process.oomScoreAdj to /proc/self/oom_score_adj (no-op if absent). */
int runtime_apply_oom_score_adj(const struct oci_process *p, struct sb_err *err);

/* sched_setattr(2) from process.scheduler (no-op if absent). */
int runtime_apply_scheduler(const struct oci_process *p, struct sb_err *err);

/* ioprio_set(2) from process.ioPriority (no-op if absent). */
int runtime_apply_io_priority(const struct oci_process *p, struct sb_err *err);

/* personality(2) from linux.personality: domain LINUX or LINUX32 plus flags
 * named as in <sys/personality.h> (no-op if absent). */
int runtime_apply_personality(const struct oci_personality *p, struct sb_err *err);

/* Parses a cpu list ("0-3,7"): comma-separated cpus and inclusive ranges.
 * Pure. Errors say which item is wrong. */
int runtime_parse_cpu_list(const char *list, cpu_set_t *out, struct sb_err *err);

/* The cpus the container's processes run on, for placing its sentry next to
 * them: linux.resources.cpu.cpus (the cpuset), narrowed by
 * process.execCPUAffinity.final when both name cpus in common (the final
 * affinity alone when there is no cpuset). Returns 1 with *out filled, 0
 * when the config restricts nothing, -1 on a bad list. Pure. */
int runtime_container_cpus(const struct oci_config *cfg, cpu_set_t *out, struct sb_err *err);
/* The same from the two lists (a cpuset given to `update`). */
int runtime_cpus_placed(const char *cpuset, const char *final, cpu_set_t *out, struct sb_err *err);

/* sched_setaffinity(0) to the cpus in `list` (execCPUAffinity). */
int runtime_apply_cpu_affinity(const char *list, struct sb_err *err);

/* Pure name lookups, shared with tests: -1 when unknown. */
int runtime_sched_policy_from_name(const char *name);
int runtime_sched_flag_from_name(const char *name, unsigned long long *out);
int runtime_ioprio_class_from_name(const char *name);

#endif
