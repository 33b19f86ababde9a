#include <criterion/criterion.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/cgroup.h"

#define V(plan, file) runtime_cgroup_plan_value(&(plan), file)

static struct runtime_cgroup_plan plan_of(const struct oci_resources *r, bool v2)
{
        struct runtime_cgroup_plan p;
        struct sb_err err = {0};
        int rc = v2 ? runtime_cgroup_plan_v2(r, &p, &err) : runtime_cgroup_plan_v1(r, &p, &err);
        cr_assert_eq(rc, 0, "%s", err.msg);
        return p;
}

static const char *plan_err(const struct oci_resources *r, bool v2)
{
        static struct sb_err err;
        struct runtime_cgroup_plan p;
        memset(&err, 0, sizeof(err));
        int rc = v2 ? runtime_cgroup_plan_v2(r, &p, &err) : runtime_cgroup_plan_v1(r, &p, &err);
        cr_assert_lt(rc, 0);
        cr_assert_eq(p.count, 0);
        return err.msg;
}

static const char *ctl_of(const struct runtime_cgroup_plan *p, const char *file)
{
        for (size_t i = 0; i < p->count; i++)
                if (strcmp(p->items[i].file, file) == 0)
                        return p->items[i].controller;
        return NULL;
}

Test(cgroup_resources, shares_to_weight_as_runc)
{
        cr_assert_eq(runtime_cgroup_shares_to_weight(0), 0);
        cr_assert_eq(runtime_cgroup_shares_to_weight(2), 1);
        cr_assert_eq(runtime_cgroup_shares_to_weight(1024), 39);
        cr_assert_eq(runtime_cgroup_shares_to_weight(262144), 10000);
        cr_assert_eq(runtime_cgroup_shares_to_weight(512), 1 + (510 * 9999) / 262142);
        cr_assert_eq(runtime_cgroup_blkio_to_io_weight(10), 1);
        cr_assert_eq(runtime_cgroup_blkio_to_io_weight(1000), 10000);
        cr_assert_eq(runtime_cgroup_blkio_to_io_weight(500), 1 + 490 * 9999 / 990);
}

Test(cgroup_resources, null_and_empty_plan_nothing)
{
        struct oci_resources r = {0};
        struct runtime_cgroup_plan p = plan_of(NULL, true);
        cr_assert_eq(p.count, 0);
        p = plan_of(&r, false);
        cr_assert_eq(p.count, 0);
}

Test(cgroup_resources, memory_v1)
{
        struct oci_resources r = {.has_memory = true};
        r.memory.limit = (struct oci_opt_i64){true, 64 << 20};
        r.memory.reservation = (struct oci_opt_i64){true, 32 << 20};
        r.memory.swap = (struct oci_opt_i64){true, 128 << 20};
        r.memory.swappiness = (struct oci_opt_u64){true, 10};
        r.memory.disable_oom_killer = (struct oci_opt_bool){true, true};
        struct runtime_cgroup_plan p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "memory.limit_in_bytes"), "67108864");
        cr_assert_str_eq(V(p, "memory.soft_limit_in_bytes"), "33554432");
        cr_assert_str_eq(V(p, "memory.memsw.limit_in_bytes"), "134217728");
        cr_assert_str_eq(V(p, "memory.swappiness"), "10");
        cr_assert_str_eq(V(p, "memory.oom_control"), "1");
        cr_assert_str_eq(ctl_of(&p, "memory.limit_in_bytes"), "memory");
        runtime_cgroup_plan_free(&p);
        r.memory.swappiness.v = 101;
        cr_assert(strstr(plan_err(&r, false), "swappiness") != NULL);
}

Test(cgroup_resources, memory_v2_swap_is_swap_minus_limit)
{
        struct oci_resources r = {.has_memory = true};
        r.memory.limit = (struct oci_opt_i64){true, 100};
        r.memory.swap = (struct oci_opt_i64){true, 300};
        r.memory.reservation = (struct oci_opt_i64){true, 50};
        r.memory.disable_oom_killer = (struct oci_opt_bool){true, true};
        struct runtime_cgroup_plan p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "memory.max"), "100");
        cr_assert_str_eq(V(p, "memory.swap.max"), "200");
        cr_assert_str_eq(V(p, "memory.low"), "50");
        cr_assert_null(V(p, "memory.oom_control"), "disableOOMKiller is v1 only");
        /* swap written before memory.max */
        cr_assert_str_eq(p.items[0].file, "memory.swap.max");
        runtime_cgroup_plan_free(&p);

        r.memory.limit.v = -1;
        r.memory.swap.v = -1;
        p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "memory.max"), "max");
        cr_assert_str_eq(V(p, "memory.swap.max"), "max");
        runtime_cgroup_plan_free(&p);

        r.memory.limit.v = 300;
        r.memory.swap.v = 100;
        cr_assert(strstr(plan_err(&r, true), "must be >= the memory limit") != NULL);
        r.memory.limit.set = false;
        cr_assert(strstr(plan_err(&r, true), "without a memory limit") != NULL);
}

Test(cgroup_resources, cpu_v1_and_v2)
{
        struct oci_resources r = {.has_cpu = true};
        r.cpu.shares = (struct oci_opt_u64){true, 1024};
        r.cpu.quota = (struct oci_opt_i64){true, 50000};
        r.cpu.period = (struct oci_opt_u64){true, 100000};
        r.cpu.burst = (struct oci_opt_u64){true, 1000};
        r.cpu.idle = (struct oci_opt_i64){true, 1};
        r.cpu.cpus = "0-1";
        r.cpu.mems = "0";
        struct runtime_cgroup_plan p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "cpu.shares"), "1024");
        cr_assert_str_eq(V(p, "cpu.cfs_quota_us"), "50000");
        cr_assert_str_eq(V(p, "cpu.cfs_period_us"), "100000");
        cr_assert_str_eq(V(p, "cpu.cfs_burst_us"), "1000");
        cr_assert_str_eq(V(p, "cpu.idle"), "1");
        cr_assert_str_eq(V(p, "cpuset.cpus"), "0-1");
        cr_assert_str_eq(ctl_of(&p, "cpuset.mems"), "cpuset");
        runtime_cgroup_plan_free(&p);

        p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "cpu.weight"), "39");
        cr_assert_str_eq(V(p, "cpu.max"), "50000 100000");
        cr_assert_str_eq(V(p, "cpu.max.burst"), "1000");
        cr_assert_str_eq(V(p, "cpuset.cpus"), "0-1");
        runtime_cgroup_plan_free(&p);

        r.cpu.quota.v = -1;
        p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "cpu.max"), "max 100000");
        runtime_cgroup_plan_free(&p);
        p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "cpu.cfs_quota_us"), "-1");
        runtime_cgroup_plan_free(&p);

        r.cpu.period.set = false;
        p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "cpu.max"), "max");
        runtime_cgroup_plan_free(&p);
}

Test(cgroup_resources, realtime)
{
        struct oci_resources r = {.has_cpu = true};
        r.cpu.realtime_runtime = (struct oci_opt_i64){true, 950000};
        r.cpu.realtime_period = (struct oci_opt_u64){true, 1000000};
        struct runtime_cgroup_plan p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "cpu.rt_runtime_us"), "950000");
        cr_assert_str_eq(V(p, "cpu.rt_period_us"), "1000000");
        runtime_cgroup_plan_free(&p);
        cr_assert(strstr(plan_err(&r, true), "not supported on cgroup v2") != NULL);
}

Test(cgroup_resources, pids_max_for_non_positive)
{
        struct oci_resources r = {.has_pids = true, .pids_limit = 42};
        struct runtime_cgroup_plan p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "pids.max"), "42");
        runtime_cgroup_plan_free(&p);
        r.pids_limit = 0;
        p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "pids.max"), "max");
        runtime_cgroup_plan_free(&p);
        r.pids_limit = -1;
        p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "pids.max"), "max");
        runtime_cgroup_plan_free(&p);
}

Test(cgroup_resources, block_io)
{
        struct oci_throttle_device rb = {8, 0, 1048576}, wi = {8, 16, 0};
        struct oci_weight_device wd = {.major = 8, .minor = 0, .weight = {true, 300}};
        struct oci_resources r = {.has_block_io = true};
        r.block_io.weight = (struct oci_opt_u64){true, 500};
        r.block_io.weight_devices = &wd;
        r.block_io.n_weight_devices = 1;
        r.block_io.throttle_read_bps = (struct oci_throttle_list){&rb, 1};
        r.block_io.throttle_write_iops = (struct oci_throttle_list){&wi, 1};
        struct runtime_cgroup_plan p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "blkio.weight"), "500");
        cr_assert_str_eq(p.items[0].fallback_file, "blkio.bfq.weight");
        cr_assert_str_eq(V(p, "blkio.weight_device"), "8:0 300");
        cr_assert_str_eq(V(p, "blkio.throttle.read_bps_device"), "8:0 1048576");
        cr_assert_str_eq(V(p, "blkio.throttle.write_iops_device"), "8:16 0");
        runtime_cgroup_plan_free(&p);

        p = plan_of(&r, true);
        cr_assert_str_eq(p.items[0].file, "io.bfq.weight");
        cr_assert_str_eq(p.items[0].value, "500");
        cr_assert_str_eq(p.items[0].fallback_file, "io.weight");
        cr_assert_str_eq(p.items[0].fallback_value, "4950");
        cr_assert_str_eq(p.items[1].value, "8:0 300");
        cr_assert_str_eq(p.items[2].file, "io.max");
        cr_assert_str_eq(p.items[2].value, "8:0 rbps=1048576");
        cr_assert_str_eq(p.items[3].value, "8:16 wiops=max");
        cr_assert_str_eq(ctl_of(&p, "io.max"), "io");
        runtime_cgroup_plan_free(&p);
}

Test(cgroup_resources, hugetlb)
{
        struct oci_hugepage_limit h = {"2MB", 1 << 21};
        struct oci_resources r = {.hugepage_limits = &h, .n_hugepage_limits = 1};
        struct runtime_cgroup_plan p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "hugetlb.2MB.limit_in_bytes"), "2097152");
        cr_assert(p.items[1].optional, "rsvd is optional");
        runtime_cgroup_plan_free(&p);
        p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "hugetlb.2MB.max"), "2097152");
        cr_assert_str_eq(V(p, "hugetlb.2MB.rsvd.max"), "2097152");
        runtime_cgroup_plan_free(&p);
        h.page_size = "2MB/../x";
        cr_assert(strstr(plan_err(&r, true), "invalid page size") != NULL);
}

Test(cgroup_resources, network_v1_only)
{
        struct oci_net_priority np[2] = {{"eth0", 5}, {"lo", 2}};
        struct oci_resources r = {.has_network = true,
                                  .net_class_id = {true, 0x100001},
                                  .net_priorities = np,
                                  .n_net_priorities = 2};
        struct runtime_cgroup_plan p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "net_cls.classid"), "1048577");
        cr_assert_str_eq(p.items[1].value, "eth0 5");
        cr_assert_str_eq(p.items[2].value, "lo 2");
        cr_assert_str_eq(ctl_of(&p, "net_prio.ifpriomap"), "net_prio");
        runtime_cgroup_plan_free(&p);
        p = plan_of(&r, true);
        cr_assert_eq(p.count, 0);
        np[0].name = "eth 0";
        cr_assert(strstr(plan_err(&r, false), "invalid interface name") != NULL);
}

Test(cgroup_resources, rdma)
{
        struct oci_kv kv = {"mlx4_0", "hcaHandles=2 hcaObjects=2000"};
        struct oci_resources r = {.rdma = {&kv, 1}};
        struct runtime_cgroup_plan p = plan_of(&r, true);
        cr_assert_str_eq(V(p, "rdma.max"), "mlx4_0 hca_handle=2 hca_object=2000");
        runtime_cgroup_plan_free(&p);
        kv.value = "hcaObjects=7";
        p = plan_of(&r, false);
        cr_assert_str_eq(V(p, "rdma.max"), "mlx4_0 hca_object=7");
        runtime_cgroup_plan_free(&p);
}

Test(cgroup_resources, unified_v2_last_and_overrides)
{
        struct oci_kv kv[2] = {{"memory.high", "1000000"}, {"cgroup.max.depth", "3"}};
        struct oci_resources r = {.has_pids = true, .pids_limit = 5, .unified = {kv, 2}};
        struct runtime_cgroup_plan p = plan_of(&r, true);
        cr_assert_eq(p.count, 3);
        cr_assert_str_eq(p.items[1].file, "memory.high");
        cr_assert(p.items[1].unified);
        cr_assert_str_eq(p.items[1].controller, "memory");
        cr_assert_str_eq(p.items[2].controller, "", "cgroup.* files are core");
        runtime_cgroup_plan_free(&p);
}

Test(cgroup_resources, unified_key_errors_name_the_key)
{
        struct oci_kv kv = {"../../etc/passwd", "x"};
        struct oci_resources r = {.unified = {&kv, 1}};
        cr_assert(strstr(plan_err(&r, true), "\"../../etc/passwd\"") != NULL);
        kv.key = "memory/x";
        cr_assert(strstr(plan_err(&r, true), "no '/'") != NULL);
        kv.key = "nodot";
        const char *e = plan_err(&r, true);
        cr_assert(strstr(e, "unknown key") != NULL && strstr(e, "nodot") != NULL, "%s", e);
        kv.key = "memory.high";
        e = plan_err(&r, false);
        cr_assert(strstr(e, "need cgroup v2") != NULL && strstr(e, "memory.high") != NULL);
}

Test(cgroup_resources, device_rules_defaults_appended)
{
        struct oci_device_cgroup_rule user[1] = {{.allow = false, .type = 'a', .access = "rwm"}};
        struct oci_device_cgroup_rule *out;
        size_t n;
        struct sb_err err = {0};
        cr_assert_eq(runtime_cgroup_device_rules(user, 1, &out, &n, &err), 0);
        cr_assert_gt(n, 1);
        cr_assert_eq(out[0].type, 'a');
        bool null_ok = false;
        for (size_t i = 1; i < n; i++)
                if (out[i].allow && out[i].type == 'c' && out[i].major == 1 && out[i].minor == 3)
                        null_ok = true;
        cr_assert(null_ok, "/dev/null allowed by default");
        free(out);
        user[0].access = "rwx";
        cr_assert_lt(runtime_cgroup_device_rules(user, 1, &out, &n, &err), 0);
        cr_assert(strstr(err.msg, "access") != NULL);
}

/* A tiny interpreter for the subset of eBPF the device program uses, so the
 * semantics (last rule wins, default deny) are checked without the kernel. */
static int run_prog(const struct bpf_insn *p, size_t n, uint32_t type, uint32_t acc, uint32_t maj,
                    uint32_t min)
{
        uint64_t r[11] = {0};
        uint32_t ctx[3] = {(acc << 16) | type, maj, min};
        for (size_t pc = 0; pc < n; pc++) {
                const struct bpf_insn *i = &p[pc];
                uint64_t src =
                    BPF_SRC(i->code) == BPF_X ? r[i->src_reg] : (uint64_t)(int64_t)i->imm;
                switch (i->code) {
                case BPF_LDX | BPF_MEM | BPF_W:
                        r[i->dst_reg] = ctx[i->off / 4];
                        break;
                case BPF_ALU | BPF_AND | BPF_K:
                        r[i->dst_reg] = (uint32_t)(r[i->dst_reg] & (uint32_t)i->imm);
                        break;
                case BPF_ALU | BPF_RSH | BPF_K:
                        r[i->dst_reg] = (uint32_t)r[i->dst_reg] >> i->imm;
                        break;
                case BPF_ALU | BPF_MOV | BPF_X:
                case BPF_ALU | BPF_MOV | BPF_K:
                        r[i->dst_reg] = (uint32_t)src;
                        break;
                case BPF_JMP | BPF_JNE | BPF_K:
                case BPF_JMP | BPF_JNE | BPF_X:
                        if (r[i->dst_reg] != src)
                                pc += (size_t)i->off;
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                        if (r[i->dst_reg] == src)
                                pc += (size_t)i->off;
                        break;
                case BPF_JMP | BPF_EXIT:
                        return (int)r[0];
                default:
                        cr_assert_fail("unexpected opcode 0x%x", i->code);
                }
        }
        cr_assert_fail("fell off the program");
        return -1;
}

#define C  BPF_DEVCG_DEV_CHAR
#define B  BPF_DEVCG_DEV_BLOCK
#define RD BPF_DEVCG_ACC_READ
#define WR BPF_DEVCG_ACC_WRITE
#define MK BPF_DEVCG_ACC_MKNOD

Test(cgroup_resources, bpf_program_semantics)
{
        struct oci_device_cgroup_rule rules[] = {
            {.allow = false, .type = 'a'},
            {.allow = true,
             .type = 'c',
             .has_major = true,
             .major = 1,
             .has_minor = true,
             .minor = 3,
             .access = "rw"},
            {.allow = true, .type = 'c', .has_major = true, .major = 4},
            {.allow = false,
             .type = 'c',
             .has_major = true,
             .major = 4,
             .has_minor = true,
             .minor = 1,
             .access = "w"},
        };
        void *insns;
        size_t n;
        struct sb_err err = {0};
        cr_assert_eq(runtime_cgroup_devices_bpf_build(rules, 4, &insns, &n, &err), 0, "%s",
                     err.msg);
        const struct bpf_insn *p = insns;
        cr_assert_eq(run_prog(p, n, C, RD | WR, 1, 3), 1, "null rw allowed");
        cr_assert_eq(run_prog(p, n, C, MK, 1, 3), 0, "null mknod not allowed");
        cr_assert_eq(run_prog(p, n, B, RD, 1, 3), 0, "block 1:3 not allowed");
        cr_assert_eq(run_prog(p, n, C, RD, 4, 7), 1, "tty 4:* allowed");
        cr_assert_eq(run_prog(p, n, C, RD, 4, 1), 1, "4:1 read still allowed");
        cr_assert_eq(run_prog(p, n, C, RD | WR, 4, 1), 0, "4:1 rw hits the later deny w");
        cr_assert_eq(run_prog(p, n, C, RD, 8, 0), 0, "default deny");
        free(insns);

        /* no rules at all: deny everything */
        cr_assert_eq(runtime_cgroup_devices_bpf_build(NULL, 0, &insns, &n, &err), 0);
        cr_assert_eq(run_prog(insns, n, C, RD, 1, 3), 0);
        free(insns);
        /* a trailing allow-all wins over everything before it */
        struct oci_device_cgroup_rule all[] = {{.allow = false, .type = 'c'},
                                               {.allow = true, .type = 'a'}};
        cr_assert_eq(runtime_cgroup_devices_bpf_build(all, 2, &insns, &n, &err), 0);
        cr_assert_eq(run_prog(insns, n, C, RD | WR | MK, 9, 9), 1);
        free(insns);
}

Test(cgroup_resources, parse_size_like_runc)
{
        int64_t v;
        cr_assert_eq(runtime_cgroup_parse_size("1024", &v), 0);
        cr_assert_eq(v, 1024);
        cr_assert_eq(runtime_cgroup_parse_size("64m", &v), 0);
        cr_assert_eq(v, 64LL << 20);
        cr_assert_eq(runtime_cgroup_parse_size("1G", &v), 0);
        cr_assert_eq(v, 1LL << 30);
        cr_assert_eq(runtime_cgroup_parse_size("512KiB", &v), 0);
        cr_assert_eq(v, 512LL << 10);
        cr_assert_eq(runtime_cgroup_parse_size("10kb", &v), 0);
        cr_assert_eq(v, 10240);
        cr_assert_eq(runtime_cgroup_parse_size("-1", &v), 0);
        cr_assert_eq(v, -1);
        cr_assert_lt(runtime_cgroup_parse_size("abc", &v), 0);
        cr_assert_lt(runtime_cgroup_parse_size("12x", &v), 0);
        cr_assert_lt(runtime_cgroup_parse_size("", &v), 0);
        cr_assert_lt(runtime_cgroup_parse_size("99999999999p", &v), 0);
}
