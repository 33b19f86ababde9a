/* process.rlimits, oomScoreAdj, scheduler, ioPriority, execCPUAffinity and
 * linux.personality: thin syscall wrappers plus the pure name tables. */
#include "runtime/process_limits.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cleanup.h"

/* <linux/sched/types.h> and <linux/ioprio.h> clash with glibc's <sched.h>;
 * the few ABI values needed are stable and spelled out here. */
struct runtime_sched_attr {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime;
        uint64_t sched_deadline;
        uint64_t sched_period;
        uint32_t sched_util_min;
        uint32_t sched_util_max;
};
#define RUNTIME_SCHED_DEADLINE     6
#define RUNTIME_IOPRIO_WHO_PROCESS 1
#define RUNTIME_IOPRIO_CLASS_SHIFT 13
#define RUNTIME_IOPRIO_PRIO_MAX    7

struct name_value {
        const char *name;
        unsigned long long value;
};

static int lookup(const struct name_value *t, size_t n, const char *name, unsigned long long *out)
{
        if (name == NULL)
                return -1;
        for (size_t i = 0; i < n; i++)
                if (strcmp(t[i].name, name) == 0) {
                        *out = t[i].value;
                        return 0;
                }
        return -1;
}
#define LOOKUP(table, name, out) lookup(table, sizeof(table) / sizeof(table[0]), name, out)

static const struct name_value rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static const struct name_value sched_policies[] = {
    {"SCHED_OTHER", SCHED_OTHER},
    {"SCHED_FIFO", SCHED_FIFO},
    {"SCHED_RR", SCHED_RR},
    {"SCHED_BATCH", SCHED_BATCH},
    {"SCHED_ISO", 4},
    {"SCHED_IDLE", SCHED_IDLE},
    {"SCHED_DEADLINE", RUNTIME_SCHED_DEADLINE},
};

static const struct name_value sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static const struct name_value ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

static const struct name_value personality_flags[] = {
    {"UNAME26", UNAME26},
    {"ADDR_NO_RANDOMIZE", ADDR_NO_RANDOMIZE},
    {"FDPIC_FUNCPTRS", FDPIC_FUNCPTRS},
    {"MMAP_PAGE_ZERO", MMAP_PAGE_ZERO},
    {"ADDR_COMPAT_LAYOUT", ADDR_COMPAT_LAYOUT},
    {"READ_IMPLIES_EXEC", READ_IMPLIES_EXEC},
    {"ADDR_LIMIT_32BIT", ADDR_LIMIT_32BIT},
    {"SHORT_INODE", SHORT_INODE},
    {"WHOLE_SECONDS", WHOLE_SECONDS},
    {"STICKY_TIMEOUTS", STICKY_TIMEOUTS},
    {"ADDR_LIMIT_3GB", ADDR_LIMIT_3GB},
};

int runtime_sched_policy_from_name(const char *name)
{
        unsigned long long v;

        return LOOKUP(sched_policies, name, &v) < 0 ? -1 : (int)v;
}

int runtime_sched_flag_from_name(const char *name, unsigned long long *out)
{
        return LOOKUP(sched_flags, name, out);
}

int runtime_ioprio_class_from_name(const char *name)
{
        unsigned long long v;

        return LOOKUP(ioprio_classes, name, &v) < 0 ? -1 : (int)v;
}

int runtime_apply_rlimits(const struct oci_process *p, struct sb_err *err)
{
        for (size_t i = 0; i < p->n_rlimits; i++) {
                const struct oci_rlimit *rl = &p->rlimits[i];
                struct rlimit lim = {.rlim_cur = rl->soft, .rlim_max = rl->hard};
                unsigned long long res = (unsigned long long)rl->resource;
                const char *type = rl->type ? rl->type : "?";

                /* The name is authoritative when present. */
                if (rl->type != NULL && LOOKUP(rlimit_names, rl->type, &res) < 0)
                        return sb_err_set(err, 0, "process.rlimits[%zu]: unknown type `%s`", i,
                                          rl->type);
                if (setrlimit((__rlimit_resource_t)res, &lim) < 0)
                        return sb_err_set(err, errno,
                                          "process.rlimits[%zu]: setrlimit(%s, soft=%" PRIu64
                                          ", hard=%" PRIu64 ")",
                                          i, type, rl->soft, rl->hard);
        }
        return 0;
}

int runtime_apply_oom_score_adj(const struct oci_process *p, struct sb_err *err)
{
        _cleanup_close_ int fd = -1;
        char buf[32];
        int n;

        if (!p->has_oom_score_adj)
                return 0;
        if (p->oom_score_adj < -1000 || p->oom_score_adj > 1000)
                return sb_err_set(err, 0, "process.oomScoreAdj: %d out of range (-1000 to 1000)",
                                  p->oom_score_adj);
        fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno,
                                  "process.oomScoreAdj: open `/proc/self/oom_score_adj`");
        n = snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
        if (write(fd, buf, (size_t)n) != n)
                return sb_err_set(err, errno ? errno : EIO,
                                  "process.oomScoreAdj: write %d to `/proc/self/oom_score_adj`",
                                  p->oom_score_adj);
        return 0;
}

int runtime_apply_scheduler(const struct oci_process *p, struct sb_err *err)
{
        const struct oci_scheduler *s = &p->scheduler;
        struct runtime_sched_attr attr = {.size = sizeof(attr)};
        int policy = s->policy_value;

        if (!s->present)
                return 0;
        if (s->policy != NULL) {
                policy = runtime_sched_policy_from_name(s->policy);
                if (policy < 0)
                        return sb_err_set(err, 0, "process.scheduler.policy: unknown policy `%s`",
                                          s->policy);
        }
        attr.sched_policy = (uint32_t)policy;
        attr.sched_nice = s->nice;
        attr.sched_priority = (uint32_t)s->priority;
        attr.sched_runtime = s->runtime;
        attr.sched_deadline = s->deadline;
        attr.sched_period = s->period;
        for (size_t i = 0; i < s->flags.count; i++) {
                unsigned long long f;

                if (runtime_sched_flag_from_name(s->flags.items[i], &f) < 0)
                        return sb_err_set(err, 0, "process.scheduler.flags[%zu]: unknown flag `%s`",
                                          i, s->flags.items[i]);
                attr.sched_flags |= f;
        }
        if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
                return sb_err_set(err, errno,
                                  "process.scheduler: sched_setattr(policy %s, nice %d, priority "
                                  "%d)",
                                  s->policy ? s->policy : "?", s->nice, s->priority);
        return 0;
}

int runtime_apply_io_priority(const struct oci_process *p, struct sb_err *err)
{
        const struct oci_io_priority *io = &p->io_priority;
        int cls = io->class_value;

        if (!io->present)
                return 0;
        if (io->class_name != NULL) {
                cls = runtime_ioprio_class_from_name(io->class_name);
                if (cls < 0)
                        return sb_err_set(err, 0, "process.ioPriority.class: unknown class `%s`",
                                          io->class_name);
        }
        if (io->priority < 0 || io->priority > RUNTIME_IOPRIO_PRIO_MAX)
                return sb_err_set(err, 0, "process.ioPriority.priority: %d out of range (0 to 7)",
                                  io->priority);
        if (syscall(SYS_ioprio_set, RUNTIME_IOPRIO_WHO_PROCESS, 0,
                    (cls << RUNTIME_IOPRIO_CLASS_SHIFT) | io->priority) < 0)
                return sb_err_set(err, errno, "process.ioPriority: ioprio_set(%s, %d)",
                                  io->class_name ? io->class_name : "?", io->priority);
        return 0;
}

int runtime_apply_personality(const struct oci_personality *p, struct sb_err *err)
{
        unsigned long persona;

        if (!p->present)
                return 0;
        if (p->domain == NULL || strcmp(p->domain, "LINUX") == 0)
                persona = PER_LINUX;
        else if (strcmp(p->domain, "LINUX32") == 0)
                persona = PER_LINUX32;
        else
                return sb_err_set(err, 0, "linux.personality.domain: unknown domain `%s`",
                                  p->domain);
        for (size_t i = 0; i < p->flags.count; i++) {
                unsigned long long f;

                if (LOOKUP(personality_flags, p->flags.items[i], &f) < 0)
                        return sb_err_set(err, 0, "linux.personality.flags[%zu]: unknown flag `%s`",
                                          i, p->flags.items[i]);
                persona |= (unsigned long)f;
        }
        if (personality(persona) < 0)
                return sb_err_set(err, errno, "linux.personality: personality(%#lx)", persona);
        return 0;
}

/* A decimal cpu number: digits only, below CPU_SETSIZE. */
static int parse_cpu(const char *s, const char *end, unsigned *out)
{
        unsigned v = 0;

        if (s == end)
                return -1;
        for (; s < end; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                v = v * 10 + (unsigned)(*s - '0');
                if (v >= CPU_SETSIZE)
                        return -1;
        }
        *out = v;
        return 0;
}

int runtime_parse_cpu_list(const char *list, cpu_set_t *out, struct sb_err *err)
{
        const char *item = list;
        size_t idx = 0;

        CPU_ZERO(out);
        if (list == NULL || list[0] == '\0')
                return sb_err_set(err, 0, "cpu list: empty");
        for (;;) {
                const char *end = strchr(item, ',');
                const char *dash;
                unsigned lo, hi;

                if (end == NULL)
                        end = item + strlen(item);
                dash = memchr(item, '-', (size_t)(end - item));
                if (dash == NULL) {
                        if (parse_cpu(item, end, &lo) < 0)
                                goto bad;
                        hi = lo;
                } else if (parse_cpu(item, dash, &lo) < 0 || parse_cpu(dash + 1, end, &hi) < 0) {
                        goto bad;
                } else if (lo > hi) {
                        CPU_ZERO(out);
                        return sb_err_set(err, 0,
                                          "cpu list `%s`: item %zu `%.*s`: range is reversed", list,
                                          idx, (int)(end - item), item);
                }
                for (unsigned c = lo; c <= hi; c++)
                        CPU_SET(c, out);
                if (*end == '\0')
                        return 0;
                item = end + 1;
                idx++;
        }
bad:
        CPU_ZERO(out);
        {
                const char *end = strchr(item, ',');
                int len = end ? (int)(end - item) : (int)strlen(item);

                return sb_err_set(err, 0,
                                  "cpu list `%s`: item %zu `%.*s`: expected N or N-M with cpus "
                                  "below %d",
                                  list, idx, len, item, CPU_SETSIZE);
        }
}

int runtime_cpus_placed(const char *cpuset, const char *final, cpu_set_t *out, struct sb_err *err)
{
        bool has_set = cpuset != NULL && cpuset[0] != '\0';
        bool has_final = final != NULL && final[0] != '\0';
        cpu_set_t f, both;

        CPU_ZERO(out);
        if (has_set && runtime_parse_cpu_list(cpuset, out, err) < 0)
                return sb_err_prefix(err, "linux.resources.cpu.cpus");
        if (!has_final)
                return has_set;
        if (runtime_parse_cpu_list(final, &f, err) < 0)
                return sb_err_prefix(err, "process.execCPUAffinity.final");
        if (!has_set) {
                *out = f;
                return 1;
        }
        CPU_AND(&both, out, &f);
        if (CPU_COUNT(&both) > 0)
                *out = both;
        return 1;
}

int runtime_container_cpus(const struct oci_config *cfg, cpu_set_t *out, struct sb_err *err)
{
        return runtime_cpus_placed(cfg->linux_.resources.cpu.cpus,
                                   cfg->process.exec_cpu_affinity.final, out, err);
}

int runtime_apply_cpu_affinity(const char *list, struct sb_err *err)
{
        cpu_set_t set;

        if (list == NULL)
                return 0;
        if (runtime_parse_cpu_list(list, &set, err) < 0)
                return -1;
        if (sched_setaffinity(0, sizeof(set), &set) < 0)
                return sb_err_set(err, errno, "sched_setaffinity(`%s`)", list);
        return 0;
}
