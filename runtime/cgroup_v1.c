/* cgroup v1 (and the v1 half of hybrid hosts): one directory per hierarchy,
 * the plan's writes routed to the hierarchy of their controller, devices via
 * devices.allow/deny, freezing via freezer.state. */
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "runtime/cgroup_internal.h"
#include "runtime/cleanup.h"
#include "runtime/log.h"

char **runtime_cg1_hierarchies(const char *root)
{
        DIR *d = opendir(root);
        char **out = calloc(1, sizeof(char *));
        size_t n = 0;
        struct dirent *e;

        if (d == NULL || out == NULL) {
                if (d != NULL)
                        closedir(d);
                return out; /* empty list: no v1 hierarchies */
        }
        while ((e = readdir(d)) != NULL) {
                char p[PATH_MAX];
                struct stat st;
                struct statfs fs;
                if (e->d_name[0] == '.')
                        continue;
                snprintf(p, sizeof(p), "%s/%s", root, e->d_name);
                /* symlinks (cpu -> cpu,cpuacct) would list a hierarchy twice */
                if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode))
                        continue;
                if (statfs(p, &fs) < 0 || fs.f_type != CGROUP_SUPER_MAGIC)
                        continue;
                char **nv = realloc(out, (n + 2) * sizeof(char *));
                if (nv == NULL)
                        break;
                out = nv;
                out[n] = strdup(e->d_name);
                if (out[n] == NULL)
                        break;
                out[++n] = NULL;
        }
        closedir(d);
        return out;
}

void runtime_cg1_hierarchies_free(char **h)
{
        for (size_t i = 0; h != NULL && h[i] != NULL; i++)
                free(h[i]);
        free(h);
}

/* The mount point of controller `ctl` (root/ctl, or the co-mounted
 * root/"cpu,cpuacct"), into buf. False when not mounted. */
static bool ctl_base(const char *root, const char *ctl, char *buf)
{
        struct statfs fs;
        snprintf(buf, PATH_MAX, "%s/%s", root, ctl);
        if (statfs(buf, &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC)
                return true;
        char **h = runtime_cg1_hierarchies(root);
        bool found = false;
        for (size_t i = 0; h != NULL && h[i] != NULL && !found; i++) {
                if (runtime_cg_has_token(h[i], ctl)) {
                        snprintf(buf, PATH_MAX, "%s/%s", root, h[i]);
                        found = true;
                }
        }
        runtime_cg1_hierarchies_free(h);
        return found;
}

/* A new cpuset cgroup starts with empty cpus/mems and accepts no task:
 * inherit the parent's at every level, as runc does. */
static int cpuset_fill(const char *base, const char *path, struct sb_err *err)
{
        char dir[PATH_MAX];
        size_t bl = strlen(base);
        snprintf(dir, sizeof(dir), "%s%s", base, path);
        for (char *s = strchr(dir + bl + 1, '/');; s = strchr(s + 1, '/')) {
                char saved = s ? *s : '\0';
                if (s != NULL)
                        *s = '\0';
                char parent[PATH_MAX];
                snprintf(parent, sizeof(parent), "%s", dir);
                *strrchr(parent, '/') = '\0';
                static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
                for (size_t i = 0; i < 2; i++) {
                        _cleanup_free_ char *cur = runtime_cg_read(dir, files[i]);
                        if (cur != NULL && cur[0] != '\n' && cur[0] != '\0')
                                continue;
                        _cleanup_free_ char *pv = runtime_cg_read(parent, files[i]);
                        if (pv == NULL)
                                return sb_err_set(err, errno, "cgroup: read `%s/%s`", parent,
                                                  files[i]);
                        pv[strcspn(pv, "\n")] = '\0';
                        if (runtime_cg_write(dir, files[i], pv, err) < 0)
                                return -1;
                }
                if (s == NULL)
                        break;
                *s = saved;
        }
        return 0;
}

static int devices_apply(const char *dir, const struct oci_resources *res, struct sb_err *err)
{
        struct oci_device_cgroup_rule *rules = NULL;
        size_t n = 0;
        int rc = 0;

        if (runtime_cgroup_device_rules(res ? res->devices : NULL, res ? res->n_devices : 0, &rules,
                                        &n, err) < 0)
                return -1;
        /* default deny, then the rules in order: with the kernel's own
         * semantics each write adjusts the allow list */
        if (runtime_cg_write(dir, "devices.deny", "a", err) < 0)
                rc = -1;
        for (size_t i = 0; rc == 0 && i < n; i++) {
                const struct oci_device_cgroup_rule *r = &rules[i];
                char line[96], maj[24] = "*", min[24] = "*";
                if (r->type == 'a' || r->type == 0) {
                        snprintf(line, sizeof(line), "a");
                } else {
                        if (r->has_major)
                                snprintf(maj, sizeof(maj), "%" PRId64, r->major);
                        if (r->has_minor)
                                snprintf(min, sizeof(min), "%" PRId64, r->minor);
                        snprintf(line, sizeof(line), "%c %s:%s %s", r->type, maj, min,
                                 r->access ? r->access : "rwm");
                }
                if (runtime_cg_write(dir, r->allow ? "devices.allow" : "devices.deny", line, err) <
                    0)
                        rc = -1;
        }
        free(rules);
        return rc;
}

static int find_write(const struct runtime_cgroup_plan *p, size_t from, const char *file)
{
        for (size_t i = from; i < p->count; i++)
                if (strcmp(p->items[i].file, file) == 0)
                        return (int)i;
        return -1;
}

int runtime_cg1_apply(const char *root, const char *path, const struct oci_resources *res,
                      struct sb_err *err)
{
        struct runtime_cgroup_plan plan;
        char base[PATH_MAX], dir[PATH_MAX];
        bool *done = NULL;
        int rc = 0;

        if (runtime_cgroup_plan_v1(res, &plan, err) < 0)
                return -1;
        done = calloc(plan.count + 1, sizeof(bool));
        if (done == NULL) {
                runtime_cgroup_plan_free(&plan);
                return sb_err_set(err, ENOMEM, "cgroup apply");
        }
        for (size_t i = 0; rc == 0 && i < plan.count; i++) {
                const struct runtime_cgroup_write *w = &plan.items[i];
                if (done[i])
                        continue;
                if (!ctl_base(root, w->controller, base)) {
                        if (w->optional)
                                continue;
                        rc = sb_err_set(err, 0,
                                        "cgroup: the %s controller is not mounted under `%s` "
                                        "(cannot set %s)",
                                        w->controller, root, w->file);
                        break;
                }
                snprintf(dir, sizeof(dir), "%s%s", base, path);
                rc = runtime_cg_apply_write(dir, w, err);
                if (rc < 0 && strcmp(w->file, "memory.limit_in_bytes") == 0) {
                        /* memsw must stay >= limit at every step: raising
                         * both means memsw first */
                        int k = find_write(&plan, i + 1, "memory.memsw.limit_in_bytes");
                        if (k >= 0 && runtime_cg_apply_write(dir, &plan.items[k], err) == 0) {
                                done[k] = true;
                                rc = runtime_cg_apply_write(dir, w, err);
                        }
                }
        }
        free(done);
        runtime_cgroup_plan_free(&plan);
        return rc;
}

/* The device rules in the devices hierarchy, when there is one. */
static int devices_set(const char *root, const char *path, const struct oci_resources *res,
                       struct sb_err *err)
{
        char base[PATH_MAX], dir[PATH_MAX];

        if (!ctl_base(root, "devices", base)) {
                sb_warn("cgroup: no devices controller under %s: device rules not enforced by "
                        "the cgroup",
                        root);
                return 0;
        }
        snprintf(dir, sizeof(dir), "%s%s", base, path);
        return devices_apply(dir, res, err);
}

int runtime_cg1_create(const char *root, const char *path, const struct oci_resources *res,
                       struct runtime_cg_created *c, struct sb_err *err)
{
        char **h = runtime_cg1_hierarchies(root);
        int rc = 0;

        if (h == NULL)
                return sb_err_set(err, ENOMEM, "cgroup create");
        if (h[0] == NULL)
                rc = sb_err_set(err, 0, "cgroup: no cgroup v1 hierarchy under `%s`", root);
        for (size_t i = 0; rc == 0 && h[i] != NULL; i++) {
                char base[PATH_MAX];
                snprintf(base, sizeof(base), "%s/%s", root, h[i]);
                rc = runtime_cg_mkdir_p(base, path, c, err);
                if (rc == 0 && runtime_cg_has_token(h[i], "cpuset"))
                        rc = cpuset_fill(base, path, err);
        }
        runtime_cg1_hierarchies_free(h);
        if (rc == 0)
                rc = runtime_cg1_apply(root, path, res, err);
        if (rc == 0)
                rc = devices_set(root, path, res, err);
        return rc;
}

int runtime_cg1_freeze(const char *dir, bool frozen, struct sb_err *err)
{
        const char *want = frozen ? "FROZEN" : "THAWED";
        for (int i = 0; i < 1000; i++) {
                if (i % 10 == 0 && runtime_cg_write(dir, "freezer.state", want, err) < 0)
                        return -1;
                _cleanup_free_ char *s = runtime_cg_read(dir, "freezer.state");
                if (s == NULL)
                        return sb_err_set(err, errno, "cgroup: read `%s/freezer.state`", dir);
                if (strncmp(s, want, strlen(want)) == 0)
                        return 0;
                runtime_cg_nap();
        }
        return sb_err_set(err, ETIMEDOUT, "cgroup: `%s` did not become %s", dir, want);
}

static json_t *u64(int64_t v)
{
        return json_integer(v < 0 ? 0 : v);
}

static json_t *mem_entry(const char *dir, const char *prefix)
{
        char f[96];
        int64_t limit, usage, max, failcnt;
        snprintf(f, sizeof(f), "%s.limit_in_bytes", prefix);
        limit = runtime_cg_int(dir, f, 0);
        snprintf(f, sizeof(f), "%s.usage_in_bytes", prefix);
        usage = runtime_cg_int(dir, f, 0);
        snprintf(f, sizeof(f), "%s.max_usage_in_bytes", prefix);
        max = runtime_cg_int(dir, f, 0);
        snprintf(f, sizeof(f), "%s.failcnt", prefix);
        failcnt = runtime_cg_int(dir, f, 0);
        return json_pack("{s:o,s:o,s:o,s:o}", "limit", u64(limit), "usage", u64(usage), "max",
                         u64(max), "failcnt", u64(failcnt));
}

static json_t *raw_stat(const char *dir, const char *file)
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

/* blkio.throttle.*_recursive: "8:0 Read 123" lines ("Total" lines skipped). */
static json_t *blkio_entries(const char *dir, const char *file)
{
        _cleanup_free_ char *s = runtime_cg_read(dir, file);
        json_t *a = json_array();
        char *save = NULL;
        if (s == NULL)
                return a;
        for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                unsigned maj, min;
                char op[16];
                long long v;
                if (sscanf(l, "%u:%u %15s %lld", &maj, &min, op, &v) == 4)
                        json_array_append_new(
                            a, json_pack("{s:I,s:I,s:s,s:I}", "major", (json_int_t)maj, "minor",
                                         (json_int_t)min, "op", op, "value", (json_int_t)v));
        }
        return a;
}

json_t *runtime_cg1_stats(const char *root, const char *path)
{
        char base[PATH_MAX], d[PATH_MAX];
        json_t *out = json_object();
        if (out == NULL)
                return NULL;

        if (ctl_base(root, "cpuacct", base)) {
                snprintf(d, sizeof(d), "%s%s", base, path);
                long hz = sysconf(_SC_CLK_TCK);
                int64_t tick_ns = 1000000000LL / (hz > 0 ? hz : 100);
                json_t *percpu = json_array();
                _cleanup_free_ char *pc = runtime_cg_read(d, "cpuacct.usage_percpu");
                char *save = NULL;
                for (char *t = pc ? strtok_r(pc, " \n", &save) : NULL; t;
                     t = strtok_r(NULL, " \n", &save))
                        json_array_append_new(percpu, json_integer(strtoll(t, NULL, 10)));
                json_t *cpu = json_pack(
                    "{s:{s:o,s:o,s:o,s:o}}", "usage", "total",
                    u64(runtime_cg_int(d, "cpuacct.usage", 0)), "percpu", percpu, "kernel",
                    u64(runtime_cg_keyed(d, "cpuacct.stat", "system") * tick_ns), "user",
                    u64(runtime_cg_keyed(d, "cpuacct.stat", "user") * tick_ns));
                json_object_set_new(out, "cpu", cpu);
        }
        if (ctl_base(root, "cpu", base)) {
                snprintf(d, sizeof(d), "%s%s", base, path);
                json_t *cpu = json_object_get(out, "cpu");
                if (cpu == NULL) {
                        cpu = json_object();
                        json_object_set_new(out, "cpu", cpu);
                }
                json_object_set_new(
                    cpu, "throttling",
                    json_pack(
                        "{s:o,s:o,s:o}", "periods",
                        u64(runtime_cg_keyed(d, "cpu.stat", "nr_periods")), "throttled_periods",
                        u64(runtime_cg_keyed(d, "cpu.stat", "nr_throttled")), "throttled_time",
                        u64(runtime_cg_keyed(d, "cpu.stat", "throttled_time"))));
        }
        if (ctl_base(root, "memory", base)) {
                snprintf(d, sizeof(d), "%s%s", base, path);
                json_object_set_new(
                    out, "memory",
                    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "cache",
                              u64(runtime_cg_keyed(d, "memory.stat", "total_cache")), "usage",
                              mem_entry(d, "memory"), "swap", mem_entry(d, "memory.memsw"),
                              "kernel", mem_entry(d, "memory.kmem"), "kernelTCP",
                              mem_entry(d, "memory.kmem.tcp"), "raw", raw_stat(d, "memory.stat")));
        }
        if (ctl_base(root, "pids", base)) {
                snprintf(d, sizeof(d), "%s%s", base, path);
                json_object_set_new(out, "pids",
                                    json_pack("{s:o,s:o}", "current",
                                              u64(runtime_cg_int(d, "pids.current", 0)), "limit",
                                              u64(runtime_cg_int(d, "pids.max", 0))));
        }
        if (ctl_base(root, "blkio", base)) {
                snprintf(d, sizeof(d), "%s%s", base, path);
                json_object_set_new(
                    out, "blkio",
                    json_pack("{s:o,s:o}", "ioServiceBytesRecursive",
                              blkio_entries(d, "blkio.throttle.io_service_bytes_recursive"),
                              "ioServicedRecursive",
                              blkio_entries(d, "blkio.throttle.io_serviced_recursive")));
        }
        json_t *huge = json_object();
        if (ctl_base(root, "hugetlb", base)) {
                snprintf(d, sizeof(d), "%s%s", base, path);
                static const char *const sizes[] = {"2MB", "1GB", NULL};
                for (size_t i = 0; sizes[i] != NULL; i++) {
                        char f[3][64];
                        snprintf(f[0], 64, "hugetlb.%s.usage_in_bytes", sizes[i]);
                        snprintf(f[1], 64, "hugetlb.%s.max_usage_in_bytes", sizes[i]);
                        snprintf(f[2], 64, "hugetlb.%s.failcnt", sizes[i]);
                        int64_t u = runtime_cg_int(d, f[0], -2);
                        if (u == -2)
                                continue;
                        json_object_set_new(huge, sizes[i],
                                            json_pack("{s:o,s:o,s:o}", "usage", u64(u), "max",
                                                      u64(runtime_cg_int(d, f[1], 0)), "failcnt",
                                                      u64(runtime_cg_int(d, f[2], 0))));
                }
        }
        json_object_set_new(out, "hugetlb", huge);
        return out;
}
