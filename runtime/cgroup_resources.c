/* The pure half of cgroups: linux.resources → (controller, file, value)
 * writes for v1 and v2, following runc's mapping (libcontainer/cgroups/fs and
 * fs2) so that a config behaves the same under both runtimes. No syscalls. */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup.h"
#include "runtime/cleanup.h"

#define RES ".linux.resources"

uint64_t runtime_cgroup_shares_to_weight(uint64_t shares)
{
        if (shares == 0)
                return 0;
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t runtime_cgroup_blkio_to_io_weight(uint64_t weight)
{
        if (weight == 0)
                return 0;
        if (weight < 10)
                weight = 10;
        if (weight > 1000)
                weight = 1000;
        return 1 + (weight - 10) * 9999 / 990;
}

static __attribute__((format(printf, 1, 0))) char *vfmt(const char *fmt, va_list ap)
{
        char *s = NULL;
        if (vasprintf(&s, fmt, ap) < 0)
                return NULL;
        return s;
}

/* Appends a write; value is printf-formatted. Returns -1 on ENOMEM. */
static __attribute__((format(printf, 5, 6))) int add(struct runtime_cgroup_plan *p,
                                                     struct sb_err *err, const char *controller,
                                                     const char *file, const char *fmt, ...)
{
        if (p->count == p->cap) {
                size_t cap = p->cap ? p->cap * 2 : 16;
                void *n = realloc(p->items, cap * sizeof(*p->items));
                if (n == NULL)
                        return sb_err_set(err, ENOMEM, "cgroup plan");
                p->items = n;
                p->cap = cap;
        }
        struct runtime_cgroup_write *w = &p->items[p->count];
        va_list ap;
        memset(w, 0, sizeof(*w));
        va_start(ap, fmt);
        w->value = vfmt(fmt, ap);
        va_end(ap);
        w->controller = strdup(controller);
        w->file = strdup(file);
        p->count++;
        if (w->value == NULL || w->controller == NULL || w->file == NULL)
                return sb_err_set(err, ENOMEM, "cgroup plan");
        return 0;
}

/* Sets the fallback of the last write. */
static __attribute__((format(printf, 4, 5))) int
fallback(struct runtime_cgroup_plan *p, struct sb_err *err, const char *file, const char *fmt, ...)
{
        struct runtime_cgroup_write *w = &p->items[p->count - 1];
        va_list ap;
        va_start(ap, fmt);
        w->fallback_value = vfmt(fmt, ap);
        va_end(ap);
        w->fallback_file = strdup(file);
        if (w->fallback_value == NULL || w->fallback_file == NULL)
                return sb_err_set(err, ENOMEM, "cgroup plan");
        return 0;
}

static void mark_optional(struct runtime_cgroup_plan *p)
{
        p->items[p->count - 1].optional = true;
}

void runtime_cgroup_plan_free(struct runtime_cgroup_plan *plan)
{
        for (size_t i = 0; i < plan->count; i++) {
                struct runtime_cgroup_write *w = &plan->items[i];
                free(w->controller);
                free(w->file);
                free(w->value);
                free(w->fallback_file);
                free(w->fallback_value);
        }
        free(plan->items);
        memset(plan, 0, sizeof(*plan));
}

const char *runtime_cgroup_plan_value(const struct runtime_cgroup_plan *plan, const char *file)
{
        const char *v = NULL;
        for (size_t i = 0; i < plan->count; i++)
                if (strcmp(plan->items[i].file, file) == 0)
                        v = plan->items[i].value;
        return v;
}

/* A word that ends up inside a file name or a "name value" line: no
 * separators, no path components. */
static bool plain_word(const char *s)
{
        if (s == NULL || s[0] == '\0')
                return false;
        for (; *s; s++)
                if (isspace((unsigned char)*s) || *s == '/' || !isprint((unsigned char)*s))
                        return false;
        return true;
}

/* "2MB", "1GB", "64KB": what the kernel names hugetlb.<size>.* files. */
static bool page_size_valid(const char *s)
{
        size_t i = 0;
        if (s == NULL)
                return false;
        while (isdigit((unsigned char)s[i]))
                i++;
        return i > 0 && strchr("KMG", s[i]) != NULL && s[i] != '\0' && s[i + 1] == 'B' &&
               s[i + 2] == '\0';
}

/* "hcaHandles=N hcaObjects=M" (the model's summary) → "hca_handle=N hca_object=M". */
static int rdma_line(const struct oci_kv *kv, char *buf, size_t len, struct sb_err *err)
{
        unsigned h = 0, o = 0;
        bool has_h = false, has_o = false;
        const char *v = kv->value ? kv->value : "";
        const char *p;

        if (!plain_word(kv->key))
                return sb_err_set(err, 0, RES ".rdma[\"%s\"]: invalid device name", kv->key);
        if ((p = strstr(v, "hcaHandles=")) != NULL)
                has_h = sscanf(p, "hcaHandles=%u", &h) == 1;
        if ((p = strstr(v, "hcaObjects=")) != NULL)
                has_o = sscanf(p, "hcaObjects=%u", &o) == 1;
        if (!has_h && !has_o)
                return sb_err_set(err, 0, RES ".rdma[\"%s\"]: neither hcaHandles nor hcaObjects",
                                  kv->key);
        int n = snprintf(buf, len, "%s%s", kv->key, has_h ? " hca_handle=" : "");
        if (n < 0 || (size_t)n >= len)
                return sb_err_set(err, 0, RES ".rdma[\"%s\"]: device name too long", kv->key);
        if (has_h)
                n += snprintf(buf + n, len - (size_t)n, "%u", h);
        if (has_o && (size_t)n < len)
                snprintf(buf + n, len - (size_t)n, " hca_object=%u", o);
        return 0;
}

/* unified keys name a file of the container's own cgroup: "<controller>.<name>". */
static int unified_key_check(const char *key, struct sb_err *err)
{
        if (key[0] == '\0')
                return sb_err_set(err, 0, RES ".unified: empty key");
        if (strchr(key, '/') != NULL || strstr(key, "..") != NULL)
                return sb_err_set(err, 0,
                                  RES ".unified[\"%s\"]: invalid key (must name a file of the "
                                      "container's cgroup: no '/' or '..')",
                                  key);
        for (const char *s = key; *s; s++)
                if (!isgraph((unsigned char)*s))
                        return sb_err_set(err, 0, RES ".unified[\"%s\"]: invalid key", key);
        const char *dot = strchr(key, '.');
        if (dot == NULL || dot == key || dot[1] == '\0')
                return sb_err_set(err, 0,
                                  RES ".unified[\"%s\"]: unknown key (expected "
                                      "<controller>.<file>, like memory.high)",
                                  key);
        return 0;
}

static int plan_hugetlb(const struct oci_resources *res, struct runtime_cgroup_plan *p, bool v2,
                        struct sb_err *err)
{
        for (size_t i = 0; i < res->n_hugepage_limits; i++) {
                const struct oci_hugepage_limit *h = &res->hugepage_limits[i];
                char file[96], rsvd[96];
                if (!page_size_valid(h->page_size))
                        return sb_err_set(err, 0,
                                          RES ".hugepageLimits[%zu].pageSize: invalid page size "
                                              "\"%s\" (like 2MB, 1GB)",
                                          i, h->page_size ? h->page_size : "");
                snprintf(file, sizeof(file), "hugetlb.%s.%s", h->page_size,
                         v2 ? "max" : "limit_in_bytes");
                snprintf(rsvd, sizeof(rsvd), "hugetlb.%s.rsvd.%s", h->page_size,
                         v2 ? "max" : "limit_in_bytes");
                if (add(p, err, "hugetlb", file, "%" PRIu64, h->limit) < 0 ||
                    add(p, err, "hugetlb", rsvd, "%" PRIu64, h->limit) < 0)
                        return -1;
                mark_optional(p); /* reservations: kernel >= 5.7 */
        }
        return 0;
}

static int plan_rdma(const struct oci_resources *res, struct runtime_cgroup_plan *p,
                     struct sb_err *err)
{
        for (size_t i = 0; i < res->rdma.count; i++) {
                char line[512];
                if (rdma_line(&res->rdma.items[i], line, sizeof(line), err) < 0 ||
                    add(p, err, "rdma", "rdma.max", "%s", line) < 0)
                        return -1;
        }
        return 0;
}

static int plan_pids(const struct oci_resources *res, struct runtime_cgroup_plan *p,
                     struct sb_err *err)
{
        if (!res->has_pids)
                return 0;
        if (res->pids_limit <= 0)
                return add(p, err, "pids", "pids.max", "max");
        return add(p, err, "pids", "pids.max", "%" PRId64, res->pids_limit);
}

static int plan_cpuset(const struct oci_cpu *cpu, struct runtime_cgroup_plan *p, struct sb_err *err)
{
        if (cpu->cpus != NULL && cpu->cpus[0] != '\0' &&
            add(p, err, "cpuset", "cpuset.cpus", "%s", cpu->cpus) < 0)
                return -1;
        if (cpu->mems != NULL && cpu->mems[0] != '\0' &&
            add(p, err, "cpuset", "cpuset.mems", "%s", cpu->mems) < 0)
                return -1;
        return 0;
}

/* ---- v1 (libcontainer/cgroups/fs) ---- */

static int v1_memory(const struct oci_memory *m, struct runtime_cgroup_plan *p, struct sb_err *err)
{
        /* limit before memsw here; the writer reorders when the kernel refuses
         * (memsw must stay >= limit at every step). */
        if (m->limit.set && m->limit.v != 0 &&
            add(p, err, "memory", "memory.limit_in_bytes", "%" PRId64, m->limit.v) < 0)
                return -1;
        if (m->swap.set && m->swap.v != 0) {
                if (add(p, err, "memory", "memory.memsw.limit_in_bytes", "%" PRId64, m->swap.v) < 0)
                        return -1;
                mark_optional(p); /* no swap accounting: nothing to limit */
        }
        if (m->reservation.set && m->reservation.v != 0 &&
            add(p, err, "memory", "memory.soft_limit_in_bytes", "%" PRId64, m->reservation.v) < 0)
                return -1;
        if (m->kernel_tcp.set && m->kernel_tcp.v != 0 &&
            add(p, err, "memory", "memory.kmem.tcp.limit_in_bytes", "%" PRId64, m->kernel_tcp.v) <
                0)
                return -1;
        if (m->swappiness.set) {
                if (m->swappiness.v > 100)
                        return sb_err_set(err, 0,
                                          RES ".memory.swappiness: %" PRIu64
                                              " is out of range (0 to 100)",
                                          m->swappiness.v);
                if (add(p, err, "memory", "memory.swappiness", "%" PRIu64, m->swappiness.v) < 0)
                        return -1;
        }
        if (m->disable_oom_killer.set && m->disable_oom_killer.v &&
            add(p, err, "memory", "memory.oom_control", "1") < 0)
                return -1;
        return 0;
}

static int v1_cpu(const struct oci_cpu *c, struct runtime_cgroup_plan *p, struct sb_err *err)
{
        if (c->shares.set && c->shares.v != 0 &&
            add(p, err, "cpu", "cpu.shares", "%" PRIu64, c->shares.v) < 0)
                return -1;
        if (c->period.set && c->period.v != 0 &&
            add(p, err, "cpu", "cpu.cfs_period_us", "%" PRIu64, c->period.v) < 0)
                return -1;
        if (c->quota.set && c->quota.v != 0 &&
            add(p, err, "cpu", "cpu.cfs_quota_us", "%" PRId64, c->quota.v) < 0)
                return -1;
        if (c->burst.set && add(p, err, "cpu", "cpu.cfs_burst_us", "%" PRIu64, c->burst.v) < 0)
                return -1;
        if (c->realtime_period.set && c->realtime_period.v != 0 &&
            add(p, err, "cpu", "cpu.rt_period_us", "%" PRIu64, c->realtime_period.v) < 0)
                return -1;
        if (c->realtime_runtime.set && c->realtime_runtime.v != 0 &&
            add(p, err, "cpu", "cpu.rt_runtime_us", "%" PRId64, c->realtime_runtime.v) < 0)
                return -1;
        if (c->idle.set && add(p, err, "cpu", "cpu.idle", "%" PRId64, c->idle.v) < 0)
                return -1;
        return plan_cpuset(c, p, err);
}

static int v1_throttle(const struct oci_throttle_list *l, const char *file,
                       struct runtime_cgroup_plan *p, struct sb_err *err)
{
        for (size_t i = 0; i < l->count; i++)
                if (add(p, err, "blkio", file, "%" PRId64 ":%" PRId64 " %" PRIu64,
                        l->items[i].major, l->items[i].minor, l->items[i].rate) < 0)
                        return -1;
        return 0;
}

static int v1_blkio(const struct oci_block_io *b, struct runtime_cgroup_plan *p, struct sb_err *err)
{
        if (b->weight.set && b->weight.v != 0 &&
            (add(p, err, "blkio", "blkio.weight", "%" PRIu64, b->weight.v) < 0 ||
             fallback(p, err, "blkio.bfq.weight", "%" PRIu64, b->weight.v) < 0))
                return -1;
        if (b->leaf_weight.set && b->leaf_weight.v != 0) {
                if (add(p, err, "blkio", "blkio.leaf_weight", "%" PRIu64, b->leaf_weight.v) < 0)
                        return -1;
                mark_optional(p); /* gone with CFQ */
        }
        for (size_t i = 0; i < b->n_weight_devices; i++) {
                const struct oci_weight_device *d = &b->weight_devices[i];
                if (d->weight.set &&
                    (add(p, err, "blkio", "blkio.weight_device", "%" PRId64 ":%" PRId64 " %" PRIu64,
                         d->major, d->minor, d->weight.v) < 0 ||
                     fallback(p, err, "blkio.bfq.weight_device", "%" PRId64 ":%" PRId64 " %" PRIu64,
                              d->major, d->minor, d->weight.v) < 0))
                        return -1;
                if (d->leaf_weight.set) {
                        if (add(p, err, "blkio", "blkio.leaf_weight_device",
                                "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                                d->leaf_weight.v) < 0)
                                return -1;
                        mark_optional(p);
                }
        }
        if (v1_throttle(&b->throttle_read_bps, "blkio.throttle.read_bps_device", p, err) < 0 ||
            v1_throttle(&b->throttle_write_bps, "blkio.throttle.write_bps_device", p, err) < 0 ||
            v1_throttle(&b->throttle_read_iops, "blkio.throttle.read_iops_device", p, err) < 0 ||
            v1_throttle(&b->throttle_write_iops, "blkio.throttle.write_iops_device", p, err) < 0)
                return -1;
        return 0;
}

static int v1_network(const struct oci_resources *res, struct runtime_cgroup_plan *p,
                      struct sb_err *err)
{
        if (!res->has_network)
                return 0;
        if (res->net_class_id.set &&
            add(p, err, "net_cls", "net_cls.classid", "%" PRIu64, res->net_class_id.v) < 0)
                return -1;
        for (size_t i = 0; i < res->n_net_priorities; i++) {
                const struct oci_net_priority *np = &res->net_priorities[i];
                if (!plain_word(np->name))
                        return sb_err_set(err, 0,
                                          RES ".network.priorities[%zu].name: invalid interface "
                                              "name \"%s\"",
                                          i, np->name ? np->name : "");
                if (add(p, err, "net_prio", "net_prio.ifpriomap", "%s %u", np->name, np->priority) <
                    0)
                        return -1;
        }
        return 0;
}

int runtime_cgroup_plan_v1(const struct oci_resources *res, struct runtime_cgroup_plan *plan,
                           struct sb_err *err)
{
        memset(plan, 0, sizeof(*plan));
        if (res == NULL)
                return 0;
        if (res->unified.count > 0) {
                sb_err_set(err, 0,
                           RES ".unified[\"%s\"]: unified resources need cgroup v2 (this host "
                               "uses cgroup v1 controllers)",
                           res->unified.items[0].key);
                goto fail;
        }
        if ((res->has_memory && v1_memory(&res->memory, plan, err) < 0) ||
            (res->has_cpu && v1_cpu(&res->cpu, plan, err) < 0) || plan_pids(res, plan, err) < 0 ||
            (res->has_block_io && v1_blkio(&res->block_io, plan, err) < 0) ||
            plan_hugetlb(res, plan, false, err) < 0 || v1_network(res, plan, err) < 0 ||
            plan_rdma(res, plan, err) < 0)
                goto fail;
        return 0;
fail:
        runtime_cgroup_plan_free(plan);
        return -1;
}

/* ---- v2 (libcontainer/cgroups/fs2) ---- */

/* runc's ConvertMemorySwapToCgroupV2Value: OCI swap is memory+swap; v2's
 * memory.swap.max is swap alone. Returns 1 with *out set when there is
 * something to write, 0 when not, -1 on a bad combination. */
static int v2_swap(int64_t swap, int64_t limit, int64_t *out, struct sb_err *err)
{
        if (limit == -1 && swap == 0) {
                *out = -1;
                return 1;
        }
        if (swap == -1 || swap == 0) {
                *out = swap;
                return swap != 0;
        }
        if (limit == 0 || limit == -1)
                return sb_err_set(err, 0,
                                  RES ".memory.swap: unable to set a swap limit without a "
                                      "memory limit");
        if (limit < 0)
                return sb_err_set(err, 0, RES ".memory.limit: invalid value %" PRId64, limit);
        if (swap < limit)
                return sb_err_set(err, 0,
                                  RES ".memory.swap: memory+swap limit (%" PRId64
                                      ") must be >= the memory limit (%" PRId64 ")",
                                  swap, limit);
        *out = swap - limit;
        return 1;
}

static int add_max(struct runtime_cgroup_plan *p, struct sb_err *err, const char *ctl,
                   const char *file, int64_t v)
{
        if (v < 0)
                return add(p, err, ctl, file, "max");
        return add(p, err, ctl, file, "%" PRId64, v);
}

static int v2_memory(const struct oci_memory *m, struct runtime_cgroup_plan *p, struct sb_err *err)
{
        int64_t limit = m->limit.set ? m->limit.v : 0;
        int64_t swap = m->swap.set ? m->swap.v : 0, sw = 0;
        int r;

        if (limit < -1)
                return sb_err_set(err, 0, RES ".memory.limit: invalid value %" PRId64, limit);
        r = v2_swap(swap, limit, &sw, err);
        if (r < 0)
                return -1;
        /* swap first, as runc: memory.max may only be lowered below usage
         * once the swap limit allows pages to move out */
        if (r > 0) {
                if (add_max(p, err, "memory", "memory.swap.max", sw) < 0)
                        return -1;
                if (!m->swap.set)
                        mark_optional(p); /* implied by limit -1 only */
        }
        if (limit != 0 && add_max(p, err, "memory", "memory.max", limit) < 0)
                return -1;
        if (m->reservation.set && m->reservation.v != 0 &&
            add_max(p, err, "memory", "memory.low", m->reservation.v) < 0)
                return -1;
        return 0;
}

static int v2_cpu(const struct oci_cpu *c, struct runtime_cgroup_plan *p, struct sb_err *err)
{
        if ((c->realtime_period.set && c->realtime_period.v != 0) ||
            (c->realtime_runtime.set && c->realtime_runtime.v != 0))
                return sb_err_set(err, 0,
                                  RES ".cpu.realtimeRuntime/realtimePeriod: realtime scheduling "
                                      "limits are not supported on cgroup v2");
        if (c->shares.set && c->shares.v != 0 &&
            add(p, err, "cpu", "cpu.weight", "%" PRIu64,
                runtime_cgroup_shares_to_weight(c->shares.v)) < 0)
                return -1;
        int64_t quota = c->quota.set ? c->quota.v : 0;
        uint64_t period = c->period.set ? c->period.v : 0;
        if (quota != 0 || period != 0) {
                char q[32] = "max";
                if (quota > 0)
                        snprintf(q, sizeof(q), "%" PRId64, quota);
                if (period != 0) {
                        if (add(p, err, "cpu", "cpu.max", "%s %" PRIu64, q, period) < 0)
                                return -1;
                } else if (add(p, err, "cpu", "cpu.max", "%s", q) < 0) {
                        return -1;
                }
        }
        if (c->burst.set && add(p, err, "cpu", "cpu.max.burst", "%" PRIu64, c->burst.v) < 0)
                return -1;
        if (c->idle.set && add(p, err, "cpu", "cpu.idle", "%" PRId64, c->idle.v) < 0)
                return -1;
        return plan_cpuset(c, p, err);
}

static int v2_throttle(const struct oci_throttle_list *l, const char *key,
                       struct runtime_cgroup_plan *p, struct sb_err *err)
{
        for (size_t i = 0; i < l->count; i++) {
                const struct oci_throttle_device *d = &l->items[i];
                int r = d->rate == 0
                            ? add(p, err, "io", "io.max", "%" PRId64 ":%" PRId64 " %s=max",
                                  d->major, d->minor, key)
                            : add(p, err, "io", "io.max", "%" PRId64 ":%" PRId64 " %s=%" PRIu64,
                                  d->major, d->minor, key, d->rate);
                if (r < 0)
                        return -1;
        }
        return 0;
}

static int v2_io(const struct oci_block_io *b, struct runtime_cgroup_plan *p, struct sb_err *err)
{
        if (b->weight.set && b->weight.v != 0 &&
            (add(p, err, "io", "io.bfq.weight", "%" PRIu64, b->weight.v) < 0 ||
             fallback(p, err, "io.weight", "%" PRIu64,
                      runtime_cgroup_blkio_to_io_weight(b->weight.v)) < 0))
                return -1;
        for (size_t i = 0; i < b->n_weight_devices; i++) {
                const struct oci_weight_device *d = &b->weight_devices[i];
                if (d->weight.set &&
                    (add(p, err, "io", "io.bfq.weight", "%" PRId64 ":%" PRId64 " %" PRIu64,
                         d->major, d->minor, d->weight.v) < 0 ||
                     fallback(p, err, "io.weight", "%" PRId64 ":%" PRId64 " %" PRIu64, d->major,
                              d->minor, runtime_cgroup_blkio_to_io_weight(d->weight.v)) < 0))
                        return -1;
        }
        if (v2_throttle(&b->throttle_read_bps, "rbps", p, err) < 0 ||
            v2_throttle(&b->throttle_write_bps, "wbps", p, err) < 0 ||
            v2_throttle(&b->throttle_read_iops, "riops", p, err) < 0 ||
            v2_throttle(&b->throttle_write_iops, "wiops", p, err) < 0)
                return -1;
        return 0;
}

static int v2_unified(const struct oci_kv_list *u, struct runtime_cgroup_plan *p,
                      struct sb_err *err)
{
        for (size_t i = 0; i < u->count; i++) {
                const char *key = u->items[i].key;
                if (unified_key_check(key, err) < 0)
                        return -1;
                _cleanup_free_ char *ctl = strndup(key, strcspn(key, "."));
                if (ctl == NULL)
                        return sb_err_set(err, ENOMEM, "cgroup plan");
                if (add(p, err, strcmp(ctl, "cgroup") == 0 ? "" : ctl, key, "%s",
                        u->items[i].value ? u->items[i].value : "") < 0)
                        return -1;
                p->items[p->count - 1].unified = true;
        }
        return 0;
}

int runtime_cgroup_plan_v2(const struct oci_resources *res, struct runtime_cgroup_plan *plan,
                           struct sb_err *err)
{
        memset(plan, 0, sizeof(*plan));
        if (res == NULL)
                return 0;
        /* network (net_cls/net_prio) has no v2 controller: ignored, as runc. */
        if ((res->has_memory && v2_memory(&res->memory, plan, err) < 0) ||
            (res->has_cpu && v2_cpu(&res->cpu, plan, err) < 0) || plan_pids(res, plan, err) < 0 ||
            (res->has_block_io && v2_io(&res->block_io, plan, err) < 0) ||
            plan_hugetlb(res, plan, true, err) < 0 || plan_rdma(res, plan, err) < 0 ||
            /* last: unified overrides the typed fields, as in runc */
            v2_unified(&res->unified, plan, err) < 0)
                goto fail;
        return 0;
fail:
        runtime_cgroup_plan_free(plan);
        return -1;
}

/* ---- devices ---- */

static const struct oci_device_cgroup_rule default_devices[] = {
    {.allow = true, .type = 'c', .access = "m"},
    {.allow = true, .type = 'b', .access = "m"},
    {.allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true, .minor = 3},
    {.allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true, .minor = 8},
    {.allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true, .minor = 7},
    {.allow = true, .type = 'c', .has_major = true, .major = 5, .has_minor = true, .minor = 0},
    {.allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true, .minor = 5},
    {.allow = true, .type = 'c', .has_major = true, .major = 1, .has_minor = true, .minor = 9},
    {.allow = true, .type = 'c', .has_major = true, .major = 136},
    {.allow = true, .type = 'c', .has_major = true, .major = 5, .has_minor = true, .minor = 2},
    {.allow = true, .type = 'c', .has_major = true, .major = 10, .has_minor = true, .minor = 200},
};

int runtime_cgroup_device_rules(const struct oci_device_cgroup_rule *rules, size_t n,
                                struct oci_device_cgroup_rule **out, size_t *n_out,
                                struct sb_err *err)
{
        size_t nd = sizeof(default_devices) / sizeof(default_devices[0]);
        struct oci_device_cgroup_rule *r = calloc(n + nd, sizeof(*r));
        if (r == NULL)
                return sb_err_set(err, ENOMEM, "device rules");
        for (size_t i = 0; i < n; i++) {
                const char *a = rules[i].access ? rules[i].access : "rwm";
                if (a[strspn(a, "rwm")] != '\0') {
                        free(r);
                        return sb_err_set(err, 0,
                                          RES ".devices[%zu].access: \"%s\" is not a subset of "
                                              "\"rwm\"",
                                          i, a);
                }
                if (rules[i].type != 0 && strchr("abc", rules[i].type) == NULL) {
                        free(r);
                        return sb_err_set(err, 0, RES ".devices[%zu].type: invalid type '%c'", i,
                                          rules[i].type);
                }
                r[i] = rules[i];
        }
        memcpy(r + n, default_devices, sizeof(default_devices));
        *out = r;
        *n_out = n + nd;
        return 0;
}

/* ---- sizes for `update` ---- */

int runtime_cgroup_parse_size(const char *s, int64_t *out)
{
        char *end;
        long double v;
        int64_t mult = 1;

        if (s == NULL || *s == '\0')
                return -1;
        if (strcmp(s, "-1") == 0) {
                *out = -1;
                return 0;
        }
        if (!isdigit((unsigned char)s[0]))
                return -1;
        errno = 0;
        v = strtold(s, &end);
        if (errno != 0 || end == s)
                return -1;
        while (*end == ' ')
                end++;
        /* docker/go-units RAMInBytes: binary multiples, case-insensitive,
         * optional "b"/"ib" */
        switch (tolower((unsigned char)*end)) {
        case '\0':
                break;
        case 'b':
                break;
        case 'k':
                mult = 1LL << 10;
                break;
        case 'm':
                mult = 1LL << 20;
                break;
        case 'g':
                mult = 1LL << 30;
                break;
        case 't':
                mult = 1LL << 40;
                break;
        case 'p':
                mult = 1LL << 50;
                break;
        default:
                return -1;
        }
        if (*end != '\0' && tolower((unsigned char)*end) != 'b') {
                end++;
                if (tolower((unsigned char)*end) == 'i')
                        end++;
                if (tolower((unsigned char)*end) == 'b')
                        end++;
        } else if (*end != '\0') {
                end++;
        }
        if (*end != '\0')
                return -1;
        v *= (long double)mult;
        if (v > (long double)INT64_MAX)
                return -1;
        *out = (int64_t)v;
        return 0;
}
