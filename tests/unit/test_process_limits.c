#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/process_limits.h"

/* Runs fn in a forked child; returns its exit status (fn's return value). */
static int in_child(int (*fn)(void *), void *arg)
{
        pid_t pid = fork();
        int status;

        cr_assert_geq(pid, 0);
        if (pid == 0)
                _exit(fn(arg));
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status), "child died: %#x", status);
        return WEXITSTATUS(status);
}

/* Root is not enough: containers often run root without CAP_SYS_RESOURCE. */
static bool have_effective_cap(int cap)
{
        FILE *f = fopen("/proc/self/status", "re");
        char line[256];
        unsigned long long eff = 0;

        if (f == NULL)
                return false;
        while (fgets(line, sizeof(line), f) != NULL)
                sscanf(line, "CapEff: %llx", &eff);
        fclose(f);
        return (eff >> cap) & 1;
}

/* ---- cpu lists (pure) ---- */

static int count_cpus(const cpu_set_t *s)
{
        return CPU_COUNT(s);
}

Test(cpu_list, ranges_and_singles)
{
        struct sb_err err = {0};
        cpu_set_t s;

        cr_assert_eq(runtime_parse_cpu_list("0-3,7", &s, &err), 0, "%s", err.msg);
        cr_assert_eq(count_cpus(&s), 5);
        for (int c = 0; c <= 3; c++)
                cr_assert(CPU_ISSET(c, &s));
        cr_assert(CPU_ISSET(7, &s));
        cr_assert_not(CPU_ISSET(4, &s));

        cr_assert_eq(runtime_parse_cpu_list("5", &s, &err), 0);
        cr_assert_eq(count_cpus(&s), 1);
        cr_assert(CPU_ISSET(5, &s));

        cr_assert_eq(runtime_parse_cpu_list("2-2,2,1", &s, &err), 0);
        cr_assert_eq(count_cpus(&s), 2);

        cr_assert_eq(runtime_parse_cpu_list("0-1023", &s, &err), 0);
        cr_assert_eq(count_cpus(&s), 1024);
}

Test(cpu_list, reversed_range)
{
        struct sb_err err = {0};
        cpu_set_t s;

        cr_assert_eq(runtime_parse_cpu_list("0,8-2", &s, &err), -1);
        cr_assert_str_eq(err.msg, "cpu list `0,8-2`: item 1 `8-2`: range is reversed");
        cr_assert_eq(count_cpus(&s), 0, "no half-filled set on error");
}

Test(cpu_list, garbage)
{
        static const char *const bad[] = {"",      "abc", "1,",   ",1",
                                          "1-",    "-1",  "1--2", "1 ,2",
                                          " 1",    "0x1", "1024", "99999999999999999999",
                                          "1-2-3", "3,,4"};
        struct sb_err err = {0};
        cpu_set_t s;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                cr_expect_eq(runtime_parse_cpu_list(bad[i], &s, &err), -1, "`%s` accepted", bad[i]);
                cr_expect_eq(count_cpus(&s), 0);
        }
        runtime_parse_cpu_list("1,x", &s, &err);
        cr_assert_str_eq(err.msg, "cpu list `1,x`: item 1 `x`: expected N or N-M with cpus "
                                  "below 1024");
        runtime_parse_cpu_list("", &s, &err);
        cr_assert_str_eq(err.msg, "cpu list: empty");
}

static int affinity_child(void *arg)
{
        struct sb_err err = {0};
        cpu_set_t s;

        (void)arg;
        if (runtime_apply_cpu_affinity("0", &err) < 0)
                return 1;
        if (sched_getaffinity(0, sizeof(s), &s) < 0)
                return 2;
        return CPU_COUNT(&s) == 1 && CPU_ISSET(0, &s) ? 0 : 3;
}

/* Where the sentry goes: the cpuset, narrowed by execCPUAffinity.final. */
Test(cpu_list, container_cpus)
{
        struct oci_config c = {0};
        struct sb_err err = {0};
        cpu_set_t s;

        cr_assert_eq(runtime_container_cpus(&c, &s, &err), 0);
        c.linux_.resources.cpu.cpus = "2-3";
        cr_assert_eq(runtime_container_cpus(&c, &s, &err), 1, "%s", err.msg);
        cr_assert(CPU_COUNT(&s) == 2 && CPU_ISSET(2, &s) && CPU_ISSET(3, &s));
        c.process.exec_cpu_affinity.final = "3,5";
        cr_assert_eq(runtime_container_cpus(&c, &s, &err), 1, "%s", err.msg);
        cr_assert(CPU_COUNT(&s) == 1 && CPU_ISSET(3, &s));
        /* Nothing in common: the cpuset, which the kernel enforces. */
        c.process.exec_cpu_affinity.final = "7";
        cr_assert_eq(runtime_container_cpus(&c, &s, &err), 1, "%s", err.msg);
        cr_assert(CPU_COUNT(&s) == 2 && CPU_ISSET(2, &s));
        c.linux_.resources.cpu.cpus = NULL;
        cr_assert_eq(runtime_container_cpus(&c, &s, &err), 1, "%s", err.msg);
        cr_assert(CPU_COUNT(&s) == 1 && CPU_ISSET(7, &s));
        c.process.exec_cpu_affinity.final = "1-x";
        cr_assert_eq(runtime_container_cpus(&c, &s, &err), -1);
        cr_assert(strstr(err.msg, "process.execCPUAffinity.final") != NULL, "%s", err.msg);
}

Test(cpu_list, apply_affinity_in_child)
{
        cr_assert_eq(in_child(affinity_child, NULL), 0);
}

/* ---- rlimits ---- */

static int rlimit_child(void *arg)
{
        const struct oci_process *p = arg;
        struct sb_err err = {0};
        struct rlimit r;

        if (runtime_apply_rlimits(p, &err) < 0)
                return 1;
        if (getrlimit(RLIMIT_NOFILE, &r) < 0)
                return 2;
        if (r.rlim_cur != 100 || r.rlim_max != 200)
                return 3;
        if (getrlimit(RLIMIT_CORE, &r) < 0 || r.rlim_cur != 0 || r.rlim_max != 0)
                return 4;
        return 0;
}

Test(rlimits, applied_in_child)
{
        struct oci_rlimit rl[] = {
            {.type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE, .soft = 100, .hard = 200},
            {.type = "RLIMIT_CORE", .resource = RLIMIT_CORE, .soft = 0, .hard = 0},
        };
        struct oci_process p = {.present = true, .rlimits = rl, .n_rlimits = 2};

        cr_assert_eq(in_child(rlimit_child, &p), 0);
}

Test(rlimits, errors_name_the_type)
{
        struct oci_rlimit rl[] = {
            {.type = "RLIMIT_NOFILE", .resource = RLIMIT_NOFILE, .soft = 300, .hard = 200}};
        struct oci_process p = {.present = true, .rlimits = rl, .n_rlimits = 1};
        struct sb_err err = {0};

        /* soft > hard: refused before anything changes */
        cr_assert_eq(runtime_apply_rlimits(&p, &err), -1);
        cr_assert_str_eq(err.msg, "process.rlimits[0]: setrlimit(RLIMIT_NOFILE, soft=300, "
                                  "hard=200): Invalid argument");

        rl[0].type = "RLIMIT_BOGUS";
        cr_assert_eq(runtime_apply_rlimits(&p, &err), -1);
        cr_assert_str_eq(err.msg, "process.rlimits[0]: unknown type `RLIMIT_BOGUS`");
}

/* ---- oom_score_adj ---- */

static int oom_child(void *arg)
{
        const struct oci_process *p = arg;
        struct sb_err err = {0};
        FILE *f;
        int v = 0;

        if (runtime_apply_oom_score_adj(p, &err) < 0)
                return 1;
        f = fopen("/proc/self/oom_score_adj", "re");
        if (f == NULL || fscanf(f, "%d", &v) != 1)
                return 2;
        fclose(f);
        return v == p->oom_score_adj ? 0 : 3;
}

Test(oom_score_adj, raise_in_child)
{
        /* Raising needs no privilege. */
        struct oci_process p = {.present = true, .has_oom_score_adj = true, .oom_score_adj = 987};

        cr_assert_eq(in_child(oom_child, &p), 0);
}

Test(oom_score_adj, lower_in_child_as_root)
{
        if (!have_effective_cap(24 /* CAP_SYS_RESOURCE */))
                cr_skip_test("lowering oom_score_adj needs CAP_SYS_RESOURCE");
        struct oci_process p = {.present = true, .has_oom_score_adj = true, .oom_score_adj = -17};

        cr_assert_eq(in_child(oom_child, &p), 0);
}

Test(oom_score_adj, out_of_range)
{
        struct oci_process p = {.present = true, .has_oom_score_adj = true, .oom_score_adj = 1001};
        struct sb_err err = {0};

        cr_assert_eq(runtime_apply_oom_score_adj(&p, &err), -1);
        cr_assert_str_eq(err.msg, "process.oomScoreAdj: 1001 out of range (-1000 to 1000)");
        p.has_oom_score_adj = false;
        cr_assert_eq(runtime_apply_oom_score_adj(&p, &err), 0);
}

/* ---- scheduler, io priority, personality ---- */

static int sched_child(void *arg)
{
        const struct oci_process *p = arg;
        struct sb_err err = {0};

        if (runtime_apply_scheduler(p, &err) < 0)
                return 1;
        if (sched_getscheduler(0) != SCHED_BATCH)
                return 2;
        errno = 0;
        if (getpriority(PRIO_PROCESS, 0) != 15 || errno != 0)
                return 3;
        return 0;
}

Test(scheduler, batch_with_nice_in_child)
{
        struct oci_process p = {.present = true};

        p.scheduler = (struct oci_scheduler){.present = true, .policy = "SCHED_BATCH", .nice = 15};
        cr_assert_eq(in_child(sched_child, &p), 0);
}

Test(scheduler, names_and_errors)
{
        unsigned long long f = 0;
        struct sb_err err = {0};
        struct oci_process p = {.present = true};

        cr_assert_eq(runtime_sched_policy_from_name("SCHED_DEADLINE"), 6);
        cr_assert_eq(runtime_sched_policy_from_name("SCHED_FIFO"), SCHED_FIFO);
        cr_assert_eq(runtime_sched_policy_from_name("SCHED_NOPE"), -1);
        cr_assert_eq(runtime_sched_flag_from_name("SCHED_FLAG_RESET_ON_FORK", &f), 0);
        cr_assert_eq(f, 1);
        cr_assert_eq(runtime_sched_flag_from_name("SCHED_FLAG_UTIL_CLAMP_MAX", &f), 0);
        cr_assert_eq(f, 0x40);

        p.scheduler =
            (struct oci_scheduler){.present = true,
                                   .policy = "SCHED_OTHER",
                                   .flags = {.items = (char *[]){"SCHED_FLAG_BOGUS"}, .count = 1}};
        cr_assert_eq(runtime_apply_scheduler(&p, &err), -1);
        cr_assert_str_eq(err.msg, "process.scheduler.flags[0]: unknown flag `SCHED_FLAG_BOGUS`");
        p.scheduler = (struct oci_scheduler){.present = true, .policy = "SCHED_NOPE"};
        cr_assert_eq(runtime_apply_scheduler(&p, &err), -1);
        cr_assert_str_eq(err.msg, "process.scheduler.policy: unknown policy `SCHED_NOPE`");
}

static int ioprio_child(void *arg)
{
        const struct oci_process *p = arg;
        struct sb_err err = {0};
        long v;

        if (runtime_apply_io_priority(p, &err) < 0)
                return 1;
        v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
        return v == ((2 << 13) | 6) ? 0 : 2; /* IOPRIO_CLASS_BE, 6 */
}

Test(io_priority, best_effort_in_child)
{
        struct oci_process p = {.present = true};

        p.io_priority = (struct oci_io_priority){
            .present = true, .class_name = "IOPRIO_CLASS_BE", .priority = 6};
        cr_assert_eq(in_child(ioprio_child, &p), 0);
}

Test(io_priority, errors)
{
        struct oci_process p = {.present = true};
        struct sb_err err = {0};

        p.io_priority = (struct oci_io_priority){
            .present = true, .class_name = "IOPRIO_CLASS_BE", .priority = 8};
        cr_assert_eq(runtime_apply_io_priority(&p, &err), -1);
        cr_assert_str_eq(err.msg, "process.ioPriority.priority: 8 out of range (0 to 7)");
        p.io_priority.class_name = "IOPRIO_CLASS_X";
        cr_assert_eq(runtime_apply_io_priority(&p, &err), -1);
        cr_assert_str_eq(err.msg, "process.ioPriority.class: unknown class `IOPRIO_CLASS_X`");
        cr_assert_eq(runtime_ioprio_class_from_name("IOPRIO_CLASS_IDLE"), 3);
}

static int personality_child(void *arg)
{
        const struct oci_personality *pers = arg;
        struct sb_err err = {0};

        if (runtime_apply_personality(pers, &err) < 0)
                return 1;
        return personality(0xffffffff) == (PER_LINUX32 | ADDR_NO_RANDOMIZE) ? 0 : 2;
}

Test(personality, linux32_in_child)
{
        struct oci_personality pers = {
            .present = true,
            .domain = "LINUX32",
            .flags = {.items = (char *[]){"ADDR_NO_RANDOMIZE"}, .count = 1}};

        cr_assert_eq(in_child(personality_child, &pers), 0);
}

Test(personality, errors)
{
        struct oci_personality pers = {.present = true, .domain = "WIN32"};
        struct sb_err err = {0};

        cr_assert_eq(runtime_apply_personality(&pers, &err), -1);
        cr_assert_str_eq(err.msg, "linux.personality.domain: unknown domain `WIN32`");
        pers = (struct oci_personality){
            .present = true, .domain = "LINUX", .flags = {.items = (char *[]){"NOPE"}, .count = 1}};
        cr_assert_eq(runtime_apply_personality(&pers, &err), -1);
        cr_assert_str_eq(err.msg, "linux.personality.flags[0]: unknown flag `NOPE`");
}
