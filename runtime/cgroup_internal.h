/* Shared between cgroup.c, cgroup_v1.c and cgroup_v2.c (not a public API). */
#ifndef SANDBOX_CGROUP_INTERNAL_H
#define SANDBOX_CGROUP_INTERNAL_H

#include "runtime/cgroup.h"

/* Directories created by a create, removed again if it fails. */
struct runtime_cg_created {
        char **dirs;
        size_t count;
};
int runtime_cg_mkdir_p(const char *base, const char *path, struct runtime_cg_created *c,
                       struct sb_err *err);
void runtime_cg_rollback(struct runtime_cg_created *c);
void runtime_cg_created_free(struct runtime_cg_created *c);

/* Whole file (NUL-terminated, malloc'd), or NULL with errno. */
char *runtime_cg_read(const char *dir, const char *file);
/* Writes value to dir/file; returns 0 or -errno (err filled, naming both). */
int runtime_cg_write(const char *dir, const char *file, const char *value, struct sb_err *err);
/* Integer value of "key N" in a flat keyed file (cpu.stat, memory.events), or -1. */
int64_t runtime_cg_keyed(const char *dir, const char *file, const char *key);
/* Single integer file ("max" → -1), or def when missing. */
int64_t runtime_cg_int(const char *dir, const char *file, int64_t def);
/* Pids listed in dir/cgroup.procs and every descendant's. */
int runtime_cg_pids_tree(const char *dir, pid_t **pids, size_t *n, struct sb_err *err);
/* Removes dir and its descendants, retrying while they drain. ENOENT is fine. */
int runtime_cg_rmdir_tree(const char *dir, struct sb_err *err);
/* True when the comma-separated `list` (a v1 hierarchy, "cpu,cpuacct")
 * holds `tok` whole. Pure. */
bool runtime_cg_has_token(const char *list, const char *tok);
/* Applies plan items to `dir` (one directory); v1 resolves per controller. */
int runtime_cg_apply_write(const char *dir, const struct runtime_cgroup_write *w,
                           struct sb_err *err);
/* Sleeps a short while (polling loops). */
void runtime_cg_nap(void);

/* v2 (dir = the cgroup2 mount under which path lives). */
int runtime_cg2_create(const char *mnt, const char *path, const struct oci_resources *res,
                       struct runtime_cg_created *c, struct sb_err *err);
/* The device rules (with runc's always-allowed ones) as the cgroup's
 * device program. */
int runtime_cg2_devices(const char *mnt, const char *path, const struct oci_resources *res,
                        struct sb_err *err);
int runtime_cg2_apply(const char *mnt, const char *path, const struct oci_resources *res,
                      struct sb_err *err);
int runtime_cg2_freeze(const char *dir, bool frozen, struct sb_err *err);
/* Kills every process of the cgroup `path` at `dir` (cgroup.kill, else one
 * by one, see runtime_cgroup_signal). */
int runtime_cg2_kill(const char *dir, const char *path);
/* runtime_cgroup_signal for a cgroup path. */
void runtime_cg_signal(const char *path, const pid_t *pids, size_t n, int sig);
json_t *runtime_cg2_stats(const char *dir);

/* v1 (root = "/sys/fs/cgroup"). */
int runtime_cg1_create(const char *root, const char *path, const struct oci_resources *res,
                       struct runtime_cg_created *c, struct sb_err *err);
/* `res` but its device rules, which runtime_cg1_create writes. */
int runtime_cg1_apply(const char *root, const char *path, const struct oci_resources *res,
                      struct sb_err *err);
/* Hierarchy directory names under root (all v1 mounts), NULL-terminated, malloc'd. */
char **runtime_cg1_hierarchies(const char *root);
void runtime_cg1_hierarchies_free(char **h);
int runtime_cg1_freeze(const char *dir, bool frozen, struct sb_err *err);
json_t *runtime_cg1_stats(const char *root, const char *path);

#endif
