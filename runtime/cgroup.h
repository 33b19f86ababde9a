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
 * NULL), on v2 but its device rules, and fills cg. On failure nothing is
 * left behind. */
int runtime_cgroup_create(const char *root, const char *path, const struct oci_resources *res,
                          struct runtime_cgroup *cg, struct sb_err *err);
/* On v2, the device rules of `res` (may be NULL), with runc's
 * always-allowed devices, as the cgroup's device program: one attach, so a
 * process already in the cgroup never sees half of them. `create` sets it
 * while the init sets up, before any hook runs (as runc, which sets the
 * cgroup's resources when the init asks for the hooks). On v1 the rules are
 * written by runtime_cgroup_create: devices.deny "a" and then each allow,
 * whose gap would refuse the init's mknod of /dev/null. */
int runtime_cgroup_set_devices(const struct runtime_cgroup *cg, const struct oci_resources *res,
                               struct sb_err *err);
/* Moves pid into the cgroup (every hierarchy). */
int runtime_cgroup_enter(const struct runtime_cgroup *cg, pid_t pid, struct sb_err *err);

/* `exec --cgroup`, runc's sub-cgroups: one PATH for every hierarchy, or
 * CONTROLLER[,CONTROLLER...]:PATH per v1 controller. Each path is relative
 * to the container's cgroup (a leading / too) and may not leave it. */
struct runtime_cgroup_sub {
        char *controller; /* "" when the path is for every hierarchy */
        char *path;       /* cleaned, relative, "" for the container's cgroup itself */
};
struct runtime_cgroup_subs {
        struct runtime_cgroup_sub *items;
        size_t count;
};
/* Parses the --cgroup arguments with runc's rules: a path without a
 * controller only as the single argument; no empty controller, no
 * controller twice. Pure. */
int runtime_cgroup_subs_parse(const char *const *args, size_t n, struct runtime_cgroup_subs *out,
                              struct sb_err *err);
/* The sub-cgroup of the v1 hierarchy directory `hier` ("cpu,cpuacct",
 * "name=systemd", "unified"; NULL for cgroup v2's single hierarchy): *path
 * is NULL when the process goes to the container's cgroup itself there.
 * Fails when two controllers of one hierarchy ask for different paths.
 * Pure. */
int runtime_cgroup_sub_for(const struct runtime_cgroup_subs *s, const char *hier, const char **path,
                           struct sb_err *err);
/* Moves pid into the sub-cgroups `s` asks for (each must exist), and into
 * the container's cgroup in the other hierarchies (all of them when `s` is
 * NULL: runtime_cgroup_enter). A controller that names no hierarchy of the
 * container is an error. */
int runtime_cgroup_enter_subs(const struct runtime_cgroup *cg, const struct runtime_cgroup_subs *s,
                              pid_t pid, struct sb_err *err);
void runtime_cgroup_subs_free(struct runtime_cgroup_subs *s);
/* Changes limits live (sandbox update). */
int runtime_cgroup_update(const struct runtime_cgroup *cg, const struct oci_resources *res,
                          struct sb_err *err);
/* Pids of every process in the cgroup (cgroup.procs, recursive). */
int runtime_cgroup_pids(const struct runtime_cgroup *cg, pid_t **pids, size_t *n,
                        struct sb_err *err);
/* Sends `sig` to each of `pids` (from runtime_cgroup_pids) that is still in
 * the cgroup, or below it, once a pidfd of it is open: a number freed and
 * taken by another process after it was read is left alone. Pids that are
 * gone are skipped. */
void runtime_cgroup_signal(const struct runtime_cgroup *cg, const pid_t *pids, size_t n, int sig);
/* True when `text`, a /proc/PID/cgroup, places the process in `path` (a
 * cgroup path as in runtime_cgroup.path) or below it, in any hierarchy.
 * Pure. */
bool runtime_cgroup_text_in(const char *text, const char *path);
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

/* ---- Additions: the pure plan (linux.resources → files and values) ---- */

/* One file write. On v1 `controller` names the hierarchy directory under the
 * root ("memory", "cpu", "cpuset", ...); on v2 it is the controller that must
 * be enabled in the parents' cgroup.subtree_control ("" for core files). When
 * the file does not exist, `fallback_file` (if set) is written with
 * `fallback_value` instead (io.bfq.weight → io.weight); `optional` writes are
 * skipped when the file does not exist. */
struct runtime_cgroup_write {
        char *controller;
        char *file;
        char *value;
        char *fallback_file;
        char *fallback_value;
        bool optional;
        bool unified; /* from linux.resources.unified: a missing file is an unknown key */
};

struct runtime_cgroup_plan {
        struct runtime_cgroup_write *items;
        size_t count;
        size_t cap;
};

/* runc's ConvertCPUSharesToCgroupV2Value: 0 → 0 (unset), else
 * 1 + ((shares - 2) * 9999) / 262142. */
uint64_t runtime_cgroup_shares_to_weight(uint64_t shares);
/* runc's ConvertBlkIOToIOWeightValue: 0 → 0, else 1 + (weight - 10) * 9999 / 990. */
uint64_t runtime_cgroup_blkio_to_io_weight(uint64_t weight);

/* Pure: the writes that apply `res` (devices excluded: see below) on v1 or v2.
 * Errors name the resource (".linux.resources.unified[\"x/y\"]: ..."). */
int runtime_cgroup_plan_v1(const struct oci_resources *res, struct runtime_cgroup_plan *plan,
                           struct sb_err *err);
int runtime_cgroup_plan_v2(const struct oci_resources *res, struct runtime_cgroup_plan *plan,
                           struct sb_err *err);
void runtime_cgroup_plan_free(struct runtime_cgroup_plan *plan);
/* The value planned for `file`, or NULL (last write wins; for tests). */
const char *runtime_cgroup_plan_value(const struct runtime_cgroup_plan *plan, const char *file);

/* Device rules actually enforced: default deny, then `rules` in order, then
 * runc's always-allowed devices (mknod of any device, null, zero, full,
 * random, urandom, tty, ptmx, pts, tun). Pure; *out is malloc'd, the access
 * strings point into `rules` or static storage. */
int runtime_cgroup_device_rules(const struct oci_device_cgroup_rule *rules, size_t n,
                                struct oci_device_cgroup_rule **out, size_t *n_out,
                                struct sb_err *err);
/* v2 device controller: builds the BPF_PROG_TYPE_CGROUP_DEVICE program for
 * `rules` (last matching rule wins, default deny). Pure; *insns malloc'd
 * (struct bpf_insn array). */
int runtime_cgroup_devices_bpf_build(const struct oci_device_cgroup_rule *rules, size_t n,
                                     void **insns, size_t *n_insns, struct sb_err *err);
/* Loads the program and attaches it (BPF_F_ALLOW_MULTI) to the cgroup dir fd. */
int runtime_cgroup_devices_bpf_attach(int dir_fd, const struct oci_device_cgroup_rule *rules,
                                      size_t n, struct sb_err *err);

/* The calling process's own cgroup (for relative cgroupsPath): the "0::"
 * line on v2, name=systemd's (else the first) on v1/hybrid. malloc'd. */
int runtime_cgroup_own_path(enum runtime_cgroup_mode mode, char **out, struct sb_err *err);
/* Builds cg from a state's cgroup_path: detects the mode under `root`. */
int runtime_cgroup_open(const char *root, const char *path, struct runtime_cgroup *cg,
                        struct sb_err *err);
/* Parses runc's size forms for `update`: "1024", "64m", "1g", "512KiB", "-1". Pure. */
int runtime_cgroup_parse_size(const char *s, int64_t *out);

#endif
