/* cgroup v2: create with the controllers enabled down the tree, apply the
 * plan, freeze, kill, stats. */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup_internal.h"
#include "runtime/cleanup.h"
#include "runtime/log.h"

/* Enables every controller `dir` offers in its subtree_control, as runc does;
 * failures (a controller busy with internal processes) are not fatal: a
 * write that needs the controller reports it by name later. */
static void enable_controllers(const char *dir)
{
        _cleanup_free_ char *avail = runtime_cg_read(dir, "cgroup.controllers");
        char *save = NULL;
        if (avail == NULL)
                return;
        for (char *t = strtok_r(avail, " \n", &save); t; t = strtok_r(NULL, " \n", &save)) {
                char v[64];
                struct sb_err ignored;
                snprintf(v, sizeof(v), "+%s", t);
                if (runtime_cg_write(dir, "cgroup.subtree_control", v, &ignored) < 0)
                        sb_debug("cgroup: %s: enable %s: %s", dir, t, ignored.msg);
        }
}

int runtime_cg2_apply(const char *mnt, const char *path, const struct oci_resources *res,
                      struct sb_err *err)
{
        struct runtime_cgroup_plan plan;
        char dir[PATH_MAX];
        int rc = 0;

        snprintf(dir, sizeof(dir), "%s%s", mnt, path);
        if (runtime_cgroup_plan_v2(res, &plan, err) < 0)
                return -1;
        for (size_t i = 0; rc == 0 && i < plan.count; i++)
                rc = runtime_cg_apply_write(dir, &plan.items[i], err);
        runtime_cgroup_plan_free(&plan);
        return rc;
}

int runtime_cg2_create(const char *mnt, const char *path, const struct oci_resources *res,
                       struct runtime_cg_created *c, struct sb_err *err)
{
        char dir[PATH_MAX];
        size_t ml = strlen(mnt);

        if (runtime_cg_mkdir_p(mnt, path, c, err) < 0)
                return -1;
        snprintf(dir, sizeof(dir), "%s%s", mnt, path);
        /* top-down: the mount, then every ancestor of the container's cgroup */
        char *last = strrchr(dir, '/');
        for (char *s = dir + ml; s != NULL && s <= last; s = strchr(s + 1, '/')) {
                char saved = *s;
                *s = '\0';
                enable_controllers(dir);
                *s = saved;
        }
        return runtime_cg2_apply(mnt, path, res, err);
}

int runtime_cg2_devices(const char *mnt, const char *path, const struct oci_resources *res,
                        struct sb_err *err)
{
        struct oci_device_cgroup_rule *rules = NULL;
        size_t n = 0;
        char dir[PATH_MAX];

        snprintf(dir, sizeof(dir), "%s%s", mnt, path);
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "cgroup: open `%s`", dir);
        if (runtime_cgroup_device_rules(res ? res->devices : NULL, res ? res->n_devices : 0, &rules,
                                        &n, err) < 0)
                return -1;
        int rc = runtime_cgroup_devices_bpf_attach(fd, rules, n, err);
        free(rules);
        return rc < 0 ? sb_err_prefix(err, "cgroup: devices") : 0;
}

int runtime_cg2_freeze(const char *dir, bool frozen, struct sb_err *err)
{
        if (runtime_cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
                return -1;
        /* cgroup.events says when every task has actually stopped */
        for (int i = 0; i < 1000; i++) {
                if (runtime_cg_keyed(dir, "cgroup.events", "frozen") == (frozen ? 1 : 0))
                        return 0;
                runtime_cg_nap();
        }
        return sb_err_set(err, ETIMEDOUT, "cgroup: `%s` did not %s", dir,
                          frozen ? "freeze" : "thaw");
}

int runtime_cg2_kill(const char *dir, const char *path)
{
        struct sb_err ignored;
        int r = runtime_cg_write(dir, "cgroup.kill", "1", &ignored);
        if (r == 0 || r == -ENOENT) {
                /* ENOENT: either no such cgroup or a kernel before 5.14 */
                if (r == 0)
                        return 0;
        }
        for (int i = 0; i < 500; i++) {
                pid_t *pids = NULL;
                size_t n = 0;
                if (runtime_cg_pids_tree(dir, &pids, &n, &ignored) < 0 || n == 0) {
                        free(pids);
                        return 0;
                }
                runtime_cg_signal(path, pids, n, SIGKILL);
                free(pids);
                runtime_cg_write(dir, "cgroup.freeze", "0", &ignored);
                runtime_cg_nap();
        }
        return -1;
}

/* "key value" lines → object (memory.stat as runc's "raw"). */
static json_t *flat_keyed(const char *dir, const char *file)
{
        _cleanup_free_ char *s = runtime_cg_read(dir, file);
        json_t *o = json_object();
        char *save = NULL;
        if (s == NULL || o == NULL)
                return o;
        for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                char *sp = strchr(l, ' ');
                if (sp == NULL)
                        continue;
                *sp = '\0';
                json_object_set_new(o, l, json_integer(strtoll(sp + 1, NULL, 10)));
        }
        return o;
}

static json_t *u64(int64_t v)
{
        return json_integer(v < 0 ? 0 : v);
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." → runc's blkio entries. */
static json_t *v2_blkio(const char *dir)
{
        _cleanup_free_ char *s = runtime_cg_read(dir, "io.stat");
        json_t *bytes = json_array(), *ios = json_array();
        char *save = NULL;
        if (s != NULL) {
                for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                        unsigned maj, min;
                        int off = 0;
                        if (sscanf(l, "%u:%u%n", &maj, &min, &off) != 2)
                                continue;
                        char *sv = NULL;
                        for (char *t = strtok_r(l + off, " ", &sv); t;
                             t = strtok_r(NULL, " ", &sv)) {
                                char *eq = strchr(t, '=');
                                if (eq == NULL)
                                        continue;
                                *eq = '\0';
                                static const struct {
                                        const char *key, *op;
                                        bool bytes;
                                } map[] = {{"rbytes", "Read", true},
                                           {"wbytes", "Write", true},
                                           {"rios", "Read", false},
                                           {"wios", "Write", false}};
                                for (size_t k = 0; k < 4; k++)
                                        if (strcmp(t, map[k].key) == 0)
                                                json_array_append_new(
                                                    map[k].bytes ? bytes : ios,
                                                    json_pack(
                                                        "{s:I,s:I,s:s,s:I}", "major",
                                                        (json_int_t)maj, "minor", (json_int_t)min,
                                                        "op", map[k].op, "value",
                                                        (json_int_t)strtoll(eq + 1, NULL, 10)));
                        }
                }
        }
        return json_pack("{s:o,s:o}", "ioServiceBytesRecursive", bytes, "ioServicedRecursive", ios);
}

static json_t *v2_hugetlb(const char *dir)
{
        _cleanup_free_ char *ctl = runtime_cg_read(dir, "cgroup.controllers");
        json_t *o = json_object();
        static const char *const sizes[] = {"2MB", "1GB", "64KB", "32MB", "16GB", NULL};
        if (ctl == NULL || strstr(ctl, "hugetlb") == NULL)
                return o;
        for (size_t i = 0; sizes[i] != NULL; i++) {
                char cur[64], max[64], ev[64];
                snprintf(cur, sizeof(cur), "hugetlb.%s.current", sizes[i]);
                snprintf(max, sizeof(max), "hugetlb.%s.max", sizes[i]);
                snprintf(ev, sizeof(ev), "hugetlb.%s.events", sizes[i]);
                int64_t c = runtime_cg_int(dir, cur, -2);
                if (c == -2)
                        continue;
                json_object_set_new(o, sizes[i],
                                    json_pack("{s:o,s:o,s:o}", "usage", u64(c), "max",
                                              u64(runtime_cg_int(dir, max, 0)), "failcnt",
                                              u64(runtime_cg_keyed(dir, ev, "max"))));
        }
        return o;
}

json_t *runtime_cg2_stats(const char *dir)
{
        /* cpu.stat is in µs; runc reports ns */
        int64_t usage = runtime_cg_keyed(dir, "cpu.stat", "usage_usec");
        int64_t user = runtime_cg_keyed(dir, "cpu.stat", "user_usec");
        int64_t sys = runtime_cg_keyed(dir, "cpu.stat", "system_usec");
        json_t *cpu =
            json_pack("{s:{s:o,s:o,s:o},s:{s:o,s:o,s:o}}", "usage", "total", u64(usage * 1000),
                      "kernel", u64(sys * 1000), "user", u64(user * 1000), "throttling", "periods",
                      u64(runtime_cg_keyed(dir, "cpu.stat", "nr_periods")), "throttled_periods",
                      u64(runtime_cg_keyed(dir, "cpu.stat", "nr_throttled")), "throttled_time",
                      u64(runtime_cg_keyed(dir, "cpu.stat", "throttled_usec") * 1000));
        int64_t mem_max = runtime_cg_int(dir, "memory.max", -1);
        int64_t swap_max = runtime_cg_int(dir, "memory.swap.max", -1);
        json_t *memory = json_pack("{s:{s:I,s:o,s:o,s:o},s:{s:I,s:o,s:o,s:I},s:o}", "usage",
                                   "limit", (json_int_t)(mem_max < 0 ? INT64_MAX : mem_max),
                                   "usage", u64(runtime_cg_int(dir, "memory.current", 0)), "max",
                                   u64(runtime_cg_int(dir, "memory.peak", 0)), "failcnt",
                                   u64(runtime_cg_keyed(dir, "memory.events", "max")), "swap",
                                   "limit", (json_int_t)(swap_max < 0 ? INT64_MAX : swap_max),
                                   "usage", u64(runtime_cg_int(dir, "memory.swap.current", 0)),
                                   "max", u64(runtime_cg_int(dir, "memory.swap.peak", 0)),
                                   "failcnt", (json_int_t)0, "raw", flat_keyed(dir, "memory.stat"));
        int64_t pmax = runtime_cg_int(dir, "pids.max", 0);
        int64_t pcur = runtime_cg_int(dir, "pids.current", -2);
        if (pcur == -2) {
                /* no pids controller here: count the tasks */
                pid_t *p = NULL;
                size_t n = 0;
                struct sb_err ignored;
                if (runtime_cg_pids_tree(dir, &p, &n, &ignored) == 0)
                        pcur = (int64_t)n;
                free(p);
        }
        json_t *pids = json_pack("{s:o,s:o}", "current", u64(pcur), "limit", u64(pmax));
        return json_pack("{s:o,s:o,s:o,s:o,s:o}", "cpu", cpu, "memory", memory, "pids", pids,
                         "blkio", v2_blkio(dir), "hugetlb", v2_hugetlb(dir));
}
