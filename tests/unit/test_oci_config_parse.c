/* oci_config_parse / oci_config_load: every field lands in the struct, every
 * malformed input is rejected with a message naming the JSON path. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "runtime/oci_config.h"

#define CFG_DIR TEST_DATA_DIR "/config"

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "rb");
        char *buf;
        long n;

        cr_assert_not_null(f, "open %s", path);
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)n + 1);
        cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
        buf[n] = '\0';
        fclose(f);
        *len = (size_t)n;
        return buf;
}

static int parse(const char *json, struct oci_config *cfg, struct sb_diags *d, struct sb_err *e)
{
        return oci_config_parse("config.json", json, strlen(json), cfg, d, e);
}

/* Parsing fails, with exactly this one problem. */
static void expect_error(const char *json, const char *msg)
{
        struct oci_config cfg;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(parse(json, &cfg, &d, &e), -1, "accepted: %s", json);
        cr_assert_str_eq(e.msg, msg);
        cr_assert_eq(d.count, 1, "%zu problems, first: %s", d.count, d.count ? d.items[0] : "");
        cr_assert_str_eq(d.items[0], msg);
        /* On failure the output is left zeroed. */
        cr_assert_null(cfg.oci_version);
        cr_assert_null(cfg.mounts);
        cr_assert_eq(cfg.linux_.n_namespaces, 0);
        sb_diags_free(&d);
}

static uint64_t capbit(int cap)
{
        return UINT64_C(1) << cap;
}

Test(oci_parse, runc_spec)
{
        struct oci_config cfg;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(oci_config_load(CFG_DIR "/runc-spec.json", &cfg, &d, &e), 0, "%s", e.msg);
        cr_assert_eq(d.count, 0);
        cr_assert_str_eq(cfg.oci_version, "1.0.2-dev");
        cr_assert(cfg.has_root);
        cr_assert_str_eq(cfg.root.path, "rootfs");
        cr_assert(cfg.root.readonly);
        cr_assert_str_eq(cfg.hostname, "runc");
        cr_assert(cfg.process.present);
        cr_assert(cfg.process.terminal);
        cr_assert_eq(cfg.process.args.count, 1);
        cr_assert_str_eq(cfg.process.args.items[0], "sh");
        cr_assert_str_eq(cfg.process.cwd, "/");
        cr_assert_eq(cfg.process.env.count, 2);
        cr_assert_str_eq(cfg.process.env.items[1], "TERM=xterm");
        cr_assert(cfg.process.no_new_privileges);
        uint64_t want = capbit(CAP_AUDIT_WRITE) | capbit(CAP_KILL) | capbit(CAP_NET_BIND_SERVICE);
        cr_assert(cfg.process.capabilities.present);
        cr_assert_eq(cfg.process.capabilities.sets[OCI_CAP_BOUNDING], want);
        cr_assert_eq(cfg.process.capabilities.sets[OCI_CAP_AMBIENT], want);
        cr_assert_not(cfg.process.capabilities.has[OCI_CAP_INHERITABLE]);
        cr_assert_eq(cfg.process.n_rlimits, 1);
        cr_assert_str_eq(cfg.process.rlimits[0].type, "RLIMIT_NOFILE");
        cr_assert_eq(cfg.process.rlimits[0].resource, RLIMIT_NOFILE);
        cr_assert_eq(cfg.process.rlimits[0].soft, 1024);
        cr_assert_eq(cfg.n_mounts, 7);
        cr_assert_str_eq(cfg.mounts[2].destination, "/dev/pts");
        cr_assert_str_eq(cfg.mounts[2].type, "devpts");
        cr_assert_eq(cfg.mounts[2].options.count, 6);
        cr_assert_str_eq(cfg.mounts[2].options.items[3], "ptmxmode=0666");
        cr_assert_eq(cfg.linux_.n_namespaces, 5);
        cr_assert_eq(cfg.linux_.namespaces[1].type, OCI_NS_NETWORK);
        cr_assert_null(cfg.linux_.namespaces[1].path);
        cr_assert_null(oci_config_namespace(&cfg, OCI_NS_USER));
        cr_assert_eq(cfg.linux_.resources.n_devices, 1);
        cr_assert_not(cfg.linux_.resources.devices[0].allow);
        cr_assert_eq(cfg.linux_.resources.devices[0].type, 'a');
        cr_assert_str_eq(cfg.linux_.resources.devices[0].access, "rwm");
        cr_assert_eq(cfg.linux_.masked_paths.count, 10);
        cr_assert_str_eq(cfg.linux_.masked_paths.items[2], "/proc/kcore");
        cr_assert_str_eq(cfg.linux_.readonly_paths.items[4], "/proc/sysrq-trigger");
        cr_assert_not(cfg.linux_.seccomp.present);
        cr_assert_eq(oci_config_validate("config.json", &cfg, &d), 0, "%s",
                     d.count ? d.items[0] : "");
        oci_config_free(&cfg);
        cr_assert_null(cfg.mounts);
}

Test(oci_parse, runc_spec_rootless)
{
        struct oci_config cfg;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(oci_config_load(CFG_DIR "/runc-spec-rootless.json", &cfg, &d, &e), 0, "%s",
                     e.msg);
        cr_assert_not_null(oci_config_namespace(&cfg, OCI_NS_USER));
        cr_assert_null(oci_config_namespace(&cfg, OCI_NS_NETWORK));
        cr_assert_eq(cfg.linux_.uid_mappings.count, 1);
        cr_assert_eq(cfg.linux_.uid_mappings.items[0].size, 1);
        cr_assert_eq(cfg.linux_.gid_mappings.count, 1);
        cr_assert_str_eq(cfg.mounts[5].source, "/sys");
        cr_assert_eq(oci_config_validate("config.json", &cfg, &d), 0, "%s",
                     d.count ? d.items[0] : "");
        oci_config_free(&cfg);
}

Test(oci_parse, docker_default)
{
        struct oci_config cfg;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(oci_config_load(CFG_DIR "/docker-default.json", &cfg, &d, &e), 0, "%s", e.msg);
        const struct oci_capabilities *caps = &cfg.process.capabilities;
        cr_assert_eq(__builtin_popcountll(caps->sets[OCI_CAP_BOUNDING]), 14);
        cr_assert(caps->sets[OCI_CAP_EFFECTIVE] & capbit(CAP_NET_RAW));
        cr_assert_not(caps->sets[OCI_CAP_EFFECTIVE] & capbit(CAP_SYS_ADMIN));
        cr_assert_str_eq(cfg.process.apparmor_profile, "docker-default");
        cr_assert(cfg.process.has_oom_score_adj);
        cr_assert_eq(cfg.process.oom_score_adj, 0);
        cr_assert_eq(cfg.process.user.n_additional_gids, 11);
        cr_assert_eq(cfg.process.user.additional_gids[10], 27);
        cr_assert(cfg.process.console_size.present);
        cr_assert_eq(cfg.process.console_size.width, 200);
        /* RLIM_INFINITY as Go writes it: wider than jansson's integers. */
        cr_assert_eq(cfg.process.rlimits[0].resource, RLIMIT_MEMLOCK);
        cr_assert_eq(cfg.process.rlimits[0].soft, UINT64_MAX);
        cr_assert_eq(cfg.process.rlimits[0].hard, UINT64_MAX);
        cr_assert_str_eq(cfg.mounts[7].destination, "/etc/resolv.conf");
        cr_assert_str_eq(cfg.mounts[7].options.items[0], "rbind");
        cr_assert_eq(cfg.hooks[OCI_HOOK_PRESTART].count, 1);
        cr_assert_str_eq(cfg.hooks[OCI_HOOK_PRESTART].items[0].path, "/usr/bin/dockerd");
        cr_assert_str_eq(cfg.hooks[OCI_HOOK_PRESTART].items[0].args.items[0], "libnetwork-setkey");
        const struct oci_namespace *net = oci_config_namespace(&cfg, OCI_NS_NETWORK);
        cr_assert_not_null(net);
        cr_assert_str_eq(net->path, "/var/run/docker/netns/1f2e3d4c5b6a");
        cr_assert_eq(strncmp(cfg.linux_.cgroups_path, "system.slice:docker:", 20), 0);
        cr_assert_str_eq(cfg.linux_.sysctl.items[0].key, "net.ipv4.ip_unprivileged_port_start");
        cr_assert_str_eq(cfg.linux_.sysctl.items[0].value, "0");
        const struct oci_resources *r = &cfg.linux_.resources;
        cr_assert_eq(r->n_devices, 10);
        cr_assert(r->devices[8].has_major);
        cr_assert_eq(r->devices[8].major, 136);
        cr_assert_not(r->devices[8].has_minor);
        cr_assert(r->has_pids);
        cr_assert_eq(r->pids_limit, 0);
        cr_assert(r->memory.disable_oom_killer.set);
        cr_assert_not(r->memory.disable_oom_killer.v);
        cr_assert_not(r->memory.limit.set);
        const struct oci_seccomp *s = &cfg.linux_.seccomp;
        cr_assert(s->present);
        cr_assert_eq(s->default_action, OCI_SCMP_ACT_ERRNO);
        cr_assert(s->has_default_errno_ret);
        cr_assert_eq(s->default_errno_ret, 1);
        cr_assert_eq(s->architectures.count, 3);
        cr_assert_str_eq(s->architectures.items[2], "SCMP_ARCH_X32");
        cr_assert_eq(s->n_syscalls, 15);
        cr_assert_gt(s->syscalls[0].names.count, 300);
        cr_assert_str_eq(s->syscalls[0].names.items[0], "accept");
        cr_assert_eq(s->syscalls[9].args[0].value, 4294967295u);
        cr_assert_eq(s->syscalls[12].args[0].op, OCI_SCMP_CMP_MASKED_EQ);
        cr_assert_eq(s->syscalls[12].args[0].value, 2114060288u);
        cr_assert_eq(s->syscalls[13].action, OCI_SCMP_ACT_ERRNO);
        cr_assert(s->syscalls[13].has_errno_ret);
        cr_assert_eq(s->syscalls[13].errno_ret, 38);
        cr_assert_eq(cfg.linux_.masked_paths.count, 10);
        cr_assert_eq(oci_config_validate("config.json", &cfg, &d), 0, "%s",
                     d.count ? d.items[0] : "");
        oci_config_free(&cfg);
}

Test(oci_parse, full_round_trip)
{
        struct oci_config cfg;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(oci_config_load(CFG_DIR "/full.json", &cfg, &d, &e), 0, "%s", e.msg);
        cr_assert_str_eq(cfg.oci_version, "1.3.0");
        cr_assert_str_eq(cfg.domainname, "example.org");
        cr_assert_eq(cfg.annotations.count, 2);
        cr_assert_str_eq(cfg.annotations.items[0].key, "org.example.key");
        cr_assert_str_eq(cfg.annotations.items[0].value, "value");
        /* mounts */
        cr_assert_eq(cfg.mounts[1].uid_mappings.count, 1);
        cr_assert_eq(cfg.mounts[1].uid_mappings.items[0].host_id, 100000);
        cr_assert_eq(cfg.mounts[1].gid_mappings.items[0].host_id, 200000);
        cr_assert_null(cfg.mounts[0].options.items);
        /* process */
        const struct oci_process *p = &cfg.process;
        cr_assert_not(p->terminal);
        cr_assert_eq(p->console_size.height, 24);
        cr_assert_eq(p->user.uid, 1000);
        cr_assert_eq(p->user.gid, 1001);
        cr_assert(p->user.has_umask);
        cr_assert_eq(p->user.umask, 18);
        cr_assert_eq(p->user.n_additional_gids, 2);
        cr_assert_str_eq(p->user.username, "ignored");
        cr_assert_null(p->command_line);
        cr_assert_str_eq(p->args.items[1], "--flag");
        cr_assert_str_eq(p->cwd, "/home/app");
        cr_assert_eq(p->capabilities.sets[OCI_CAP_BOUNDING],
                     capbit(CAP_NET_BIND_SERVICE) | capbit(40 /* CAP_CHECKPOINT_RESTORE */));
        cr_assert(p->capabilities.has[OCI_CAP_INHERITABLE]);
        cr_assert_eq(p->capabilities.sets[OCI_CAP_INHERITABLE], 0);
        cr_assert_eq(p->rlimits[1].resource, RLIMIT_CORE);
        cr_assert_eq(p->rlimits[1].hard, UINT64_MAX);
        cr_assert_eq(p->rlimits[0].hard, 4096);
        cr_assert_str_eq(p->selinux_label, "system_u:system_r:container_t:s0");
        cr_assert_eq(p->oom_score_adj, -500);
        cr_assert(p->scheduler.present);
        cr_assert_str_eq(p->scheduler.policy, "SCHED_DEADLINE");
        cr_assert_eq(p->scheduler.policy_value, 6);
        cr_assert_eq(p->scheduler.nice, -5);
        cr_assert_str_eq(p->scheduler.flags.items[0], "SCHED_FLAG_RESET_ON_FORK");
        cr_assert_eq(p->scheduler.deadline, 20000000);
        cr_assert_eq(p->scheduler.period, 30000000);
        cr_assert(p->io_priority.present);
        cr_assert_str_eq(p->io_priority.class_name, "IOPRIO_CLASS_BE");
        cr_assert_eq(p->io_priority.class_value, 2);
        cr_assert_eq(p->io_priority.priority, 4);
        cr_assert_str_eq(p->exec_cpu_affinity.initial, "0-3,7");
        cr_assert_str_eq(p->exec_cpu_affinity.final, "1");
        /* hooks */
        for (int k = 0; k < OCI_HOOK_NKINDS; k++)
                cr_assert_geq(cfg.hooks[k].count, 1, "%s", oci_hook_kind_name(k));
        const struct oci_hook *h = &cfg.hooks[OCI_HOOK_CREATE_RUNTIME].items[0];
        cr_assert_str_eq(h->path, "/usr/bin/hook-cr");
        cr_assert_str_eq(h->args.items[1], "x");
        cr_assert_str_eq(h->env.items[0], "A=1");
        cr_assert(h->has_timeout);
        cr_assert_eq(h->timeout, 5);
        cr_assert_not(cfg.hooks[OCI_HOOK_PRESTART].items[0].has_timeout);
        cr_assert_str_eq(cfg.hooks[OCI_HOOK_POSTSTOP].items[1].path, "/usr/bin/hook-stop2");
        /* linux */
        const struct oci_linux *l = &cfg.linux_;
        cr_assert_eq(l->n_namespaces, 8);
        cr_assert_eq(l->namespaces[7].type, OCI_NS_TIME);
        cr_assert_str_eq(l->namespaces[1].path, "/run/netns/full");
        cr_assert_eq(l->uid_mappings.count, 2);
        cr_assert_eq(l->uid_mappings.items[1].container_id, 1000);
        cr_assert(l->time_offsets_monotonic.present);
        cr_assert_eq(l->time_offsets_monotonic.secs, -3600);
        cr_assert_eq(l->time_offsets_monotonic.nanosecs, 500);
        cr_assert_eq(l->time_offsets_boottime.secs, 86400);
        cr_assert_eq(l->n_devices, 3);
        cr_assert_eq(l->devices[0].type, 'c');
        cr_assert_eq(l->devices[0].major, 10);
        cr_assert_eq(l->devices[0].minor, 229);
        cr_assert(l->devices[0].has_file_mode);
        cr_assert_eq(l->devices[0].file_mode, 0666);
        cr_assert(l->devices[0].has_uid);
        cr_assert_not(l->devices[1].has_uid);
        cr_assert_eq(l->devices[2].type, 'p');
        cr_assert_not(l->devices[2].has_major);
        cr_assert_str_eq(l->cgroups_path, "/sandbox/full");
        const struct oci_resources *r = &l->resources;
        cr_assert_eq(r->devices[1].type, 'c');
        cr_assert_str_eq(r->devices[1].access, "rw");
        cr_assert_null(r->devices[2].access);
        cr_assert_eq(r->memory.limit.v, 536870912);
        cr_assert_eq(r->memory.swap.v, -1);
        cr_assert_eq(r->memory.swappiness.v, 60);
        cr_assert(r->memory.disable_oom_killer.v);
        cr_assert(r->memory.check_before_update.set);
        cr_assert_eq(r->cpu.shares.v, 1024);
        cr_assert_eq(r->cpu.quota.v, -1);
        cr_assert_eq(r->cpu.burst.v, 1000);
        cr_assert_eq(r->cpu.realtime_runtime.v, 950000);
        cr_assert_str_eq(r->cpu.cpus, "0-1");
        cr_assert_str_eq(r->cpu.mems, "0");
        cr_assert_eq(r->cpu.idle.v, 1);
        cr_assert_eq(r->pids_limit, 32771);
        cr_assert_eq(r->block_io.weight.v, 500);
        cr_assert_eq(r->block_io.leaf_weight.v, 300);
        cr_assert_eq(r->block_io.n_weight_devices, 2);
        cr_assert_eq(r->block_io.weight_devices[0].weight.v, 600);
        cr_assert_not(r->block_io.weight_devices[1].weight.set);
        cr_assert_eq(r->block_io.throttle_read_bps.items[0].rate, 104857600);
        cr_assert_eq(r->block_io.throttle_write_bps.items[0].rate, 52428800);
        cr_assert_eq(r->block_io.throttle_read_iops.items[0].rate, 1000);
        cr_assert_eq(r->block_io.throttle_write_iops.items[0].minor, 0);
        cr_assert_str_eq(r->hugepage_limits[0].page_size, "2MB");
        cr_assert_eq(r->hugepage_limits[0].limit, 9223372036854772000u);
        cr_assert(r->net_class_id.set);
        cr_assert_eq(r->net_class_id.v, 1048577);
        cr_assert_str_eq(r->net_priorities[0].name, "eth0");
        cr_assert_eq(r->net_priorities[0].priority, 500);
        cr_assert_str_eq(r->rdma.items[0].key, "mlx5_1");
        cr_assert_str_eq(r->rdma.items[0].value, "hcaHandles=3 hcaObjects=10000");
        cr_assert_eq(r->unified.count, 2);
        cr_assert_str_eq(r->unified.items[1].value, "default 100");
        cr_assert_str_eq(l->rootfs_propagation, "rslave");
        const struct oci_seccomp *s = &l->seccomp;
        cr_assert_eq(s->default_errno_ret, 38);
        cr_assert_str_eq(s->flags.items[1], "SECCOMP_FILTER_FLAG_SPEC_ALLOW");
        cr_assert_str_eq(s->listener_path, "/run/seccomp-agent.sock");
        cr_assert_str_eq(s->listener_metadata, "meta");
        cr_assert_eq(s->syscalls[1].action, OCI_SCMP_ACT_NOTIFY);
        cr_assert_eq(s->syscalls[2].args[0].value, UINT64_MAX);
        cr_assert_eq(s->syscalls[2].args[1].index, 1);
        cr_assert_eq(s->syscalls[2].args[1].value_two, 8);
        cr_assert_eq(s->syscalls[2].args[1].op, OCI_SCMP_CMP_MASKED_EQ);
        cr_assert_eq(s->syscalls[3].errno_ret, 1);
        cr_assert_str_eq(l->sysctl.items[1].key, "kernel.msgmax");
        cr_assert_str_eq(l->mount_label, "system_u:object_r:container_file_t:s0");
        cr_assert(l->personality.present);
        cr_assert_str_eq(l->personality.domain, "LINUX32");
        cr_assert_eq(l->personality.flags.count, 0);
        cr_assert_eq(oci_config_validate("config.json", &cfg, &d), 0, "%s",
                     d.count ? d.items[0] : "");
        oci_config_free(&cfg);
}

Test(oci_parse, absent_is_not_zero)
{
        struct oci_config cfg;
        struct sb_err e = {0};

        cr_assert_eq(parse("{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":null,\"cwd\":\"/\"},"
                           "\"linux\":{\"resources\":{\"memory\":{\"limit\":0}}}}",
                           &cfg, NULL, &e),
                     0, "%s", e.msg);
        cr_assert(cfg.linux_.resources.memory.limit.set);
        cr_assert_eq(cfg.linux_.resources.memory.limit.v, 0);
        cr_assert_not(cfg.linux_.resources.memory.swap.set);
        cr_assert_not(cfg.linux_.resources.has_cpu);
        cr_assert_not(cfg.process.has_oom_score_adj);
        cr_assert_not(cfg.process.capabilities.present);
        cr_assert_eq(cfg.process.args.count, 0); /* null is absent */
        cr_assert_not(cfg.has_root);
        oci_config_free(&cfg);
}

/* ---- one test per class of invalid input ------------------------------------ */

Test(oci_parse, syntax_error_has_line_and_column)
{
        expect_error("{\"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": }}",
                     "config.json:2:20: unexpected token near '}'");
        expect_error("", "config.json:1:0: '[' or '{' expected near end of file");
        expect_error("{\"a\": 1} x", "config.json:1:10: end of file expected near 'x'");
}

Test(oci_parse, duplicate_key_rejected)
{
        expect_error("{\"ociVersion\": \"1.0.0\", \"ociVersion\": \"1.3.0\"}",
                     "config.json:1:36: duplicate object key near '\"ociVersion\"'");
}

Test(oci_parse, top_level_must_be_object)
{
        expect_error("[1, 2]", "config.json: .: expected object, got array");
}

Test(oci_parse, wrong_types)
{
        expect_error("{\"process\": {\"terminal\": \"yes\"}}",
                     "config.json: .process.terminal: expected boolean, got string");
        expect_error("{\"process\": {\"args\": \"sh\"}}",
                     "config.json: .process.args: expected array, got string");
        expect_error("{\"process\": {\"args\": [\"sh\", 1]}}",
                     "config.json: .process.args[1]: expected string, got integer");
        expect_error("{\"root\": \"rootfs\"}", "config.json: .root: expected object, got string");
        expect_error("{\"linux\": {\"resources\": {\"memory\": {\"limit\": 1.5}}}}",
                     "config.json: .linux.resources.memory.limit: expected integer, got number");
        expect_error("{\"annotations\": {\"a\": 1}}",
                     "config.json: .annotations[\"a\"]: expected string, got integer");
        expect_error("{\"mounts\": [\"/proc\"]}",
                     "config.json: .mounts[0]: expected object, got string");
}

Test(oci_parse, out_of_range_numbers)
{
        expect_error("{\"process\": {\"user\": {\"uid\": -1}}}",
                     "config.json: .process.user.uid: -1 out of range for uint32");
        expect_error("{\"process\": {\"user\": {\"additionalGids\": [4294967296]}}}",
                     "config.json: .process.user.additionalGids[0]: 4294967296 out of range for "
                     "uint32");
        expect_error("{\"linux\": {\"resources\": {\"blockIO\": {\"weight\": 65536}}}}",
                     "config.json: .linux.resources.blockIO.weight: 65536 out of range for uint16");
        expect_error("{\"process\": {\"oomScoreAdj\": 2147483648}}",
                     "config.json: .process.oomScoreAdj: 2147483648 out of range for int32");
        expect_error("{\"linux\": {\"resources\": {\"pids\": {\"limit\": 18446744073709551615}}}}",
                     "config.json: .linux.resources.pids.limit: 18446744073709551615 out of range "
                     "for int64");
        expect_error("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"soft\": -1, "
                     "\"hard\": 1}]}}",
                     "config.json: .process.rlimits[0].soft: -1 out of range for uint64");
        /* Beyond uint64: jansson's own overflow message, with the position. */
        expect_error("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_CPU\", \"soft\": 1, "
                     "\"hard\": 18446744073709551616}]}}",
                     "config.json:1:87: too big integer near '18446744073709551616'");
}

Test(oci_parse, big_integers_only_where_numbers_go)
{
        struct oci_config cfg;
        struct sb_err e = {0};

        expect_error("{\"hostname\": 18446744073709551615}",
                     "config.json: .hostname: expected string, got integer");
        /* Digits inside strings are never rewritten. */
        cr_assert_eq(parse("{\"annotations\": {\"n\": \"18446744073709551615\"}, \"linux\": "
                           "{\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": "
                           "[{\"names\": [\"x\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
                           "[{\"index\": 0, \"value\": 9223372036854775808, \"op\": "
                           "\"SCMP_CMP_EQ\"}]}]}}}",
                           &cfg, NULL, &e),
                     0, "%s", e.msg);
        cr_assert_str_eq(cfg.annotations.items[0].value, "18446744073709551615");
        cr_assert_eq(cfg.linux_.seccomp.syscalls[0].args[0].value, UINT64_C(9223372036854775808));
        oci_config_free(&cfg);
}

Test(oci_parse, unknown_namespace_type)
{
        expect_error("{\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, "
                     "{\"type\": \"pidd\"}]}}",
                     "config.json: .linux.namespaces[2].type: unknown namespace type \"pidd\"");
        expect_error("{\"linux\": {\"namespaces\": [{\"path\": \"/proc/1/ns/pid\"}]}}",
                     "config.json: .linux.namespaces[0].type: missing required field");
}

Test(oci_parse, bad_capability_name)
{
        expect_error("{\"process\": {\"capabilities\": {\"bounding\": [\"CAP_KILL\", "
                     "\"CAP_FOO\"]}}}",
                     "config.json: .process.capabilities.bounding[1]: unknown capability "
                     "\"CAP_FOO\"");
        /* libcap would take these; the spec's names are upper-case CAP_*. */
        expect_error("{\"process\": {\"capabilities\": {\"ambient\": [\"cap_kill\"]}}}",
                     "config.json: .process.capabilities.ambient[0]: unknown capability "
                     "\"cap_kill\"");
        expect_error("{\"process\": {\"capabilities\": {\"effective\": [\"12\"]}}}",
                     "config.json: .process.capabilities.effective[0]: unknown capability \"12\"");
}

Test(oci_parse, bad_rlimit)
{
        expect_error("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_FOO\", \"soft\": 1, "
                     "\"hard\": 1}]}}",
                     "config.json: .process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\"");
        expect_error("{\"process\": {\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1}]}}",
                     "config.json: .process.rlimits[0].hard: missing required field");
}

Test(oci_parse, bad_seccomp_action_and_operator)
{
        expect_error("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_DENY\"}}}",
                     "config.json: .linux.seccomp.defaultAction: unknown seccomp action "
                     "\"SCMP_ACT_DENY\"");
        expect_error("{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", "
                     "\"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                     "\"args\": [{\"index\": 0, \"value\": 1, \"op\": \"SCMP_CMP_IN\"}]}]}}}",
                     "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown seccomp "
                     "operator \"SCMP_CMP_IN\"");
        expect_error("{\"linux\": {\"seccomp\": {\"architectures\": []}}}",
                     "config.json: .linux.seccomp.defaultAction: missing required field");
}

Test(oci_parse, other_unknown_enums)
{
        expect_error("{\"process\": {\"scheduler\": {\"policy\": \"SCHED_FAST\"}}}",
                     "config.json: .process.scheduler.policy: unknown scheduler policy "
                     "\"SCHED_FAST\"");
        expect_error("{\"process\": {\"scheduler\": {\"policy\": \"SCHED_FIFO\", \"flags\": "
                     "[\"SCHED_FLAG_NOPE\"]}}}",
                     "config.json: .process.scheduler.flags[0]: unknown scheduler flag "
                     "\"SCHED_FLAG_NOPE\"");
        expect_error("{\"process\": {\"ioPriority\": {\"class\": \"IOPRIO_CLASS_NONE\"}}}",
                     "config.json: .process.ioPriority.class: unknown I/O priority class "
                     "\"IOPRIO_CLASS_NONE\"");
        expect_error("{\"linux\": {\"personality\": {\"domain\": \"LINUX64\"}}}",
                     "config.json: .linux.personality.domain: unknown personality domain "
                     "\"LINUX64\"");
        expect_error("{\"linux\": {\"devices\": [{\"path\": \"/dev/x\", \"type\": \"char\"}]}}",
                     "config.json: .linux.devices[0].type: invalid device type \"char\"");
}

Test(oci_parse, unsupported_sections_rejected)
{
        expect_error("{\"linux\": {\"intelRdt\": {\"closID\": \"guaranteed_group\"}}}",
                     "config.json: .linux.intelRdt: not supported by sandbox");
        expect_error("{\"linux\": {\"netDevices\": {\"eth0\": {}}}}",
                     "config.json: .linux.netDevices: not supported by sandbox");
        expect_error("{\"linux\": {\"memoryPolicy\": {\"mode\": \"MPOL_BIND\"}}}",
                     "config.json: .linux.memoryPolicy: not supported by sandbox");
}

static char *big_array(const char *prefix, const char *elem, size_t n, const char *suffix)
{
        size_t el = strlen(elem), len = strlen(prefix) + n * (el + 1) + strlen(suffix) + 1;
        char *s = malloc(len), *o = s;

        o = stpcpy(o, prefix);
        for (size_t i = 0; i < n; i++) {
                if (i > 0)
                        *o++ = ',';
                o = stpcpy(o, elem);
        }
        stpcpy(o, suffix);
        return s;
}

Test(oci_parse, too_large_arrays)
{
        char *j = big_array("{\"process\": {\"args\": [", "\"a\"", OCI_MAX_ARRAY + 1, "]}}");
        expect_error(j, "config.json: .process.args: too many elements (65537, at most 65536)");
        free(j);
        j = big_array("{\"linux\": {\"uidMappings\": [",
                      "{\"containerID\": 0, \"hostID\": 0, \"size\": 1}", OCI_MAX_MAPPINGS + 1,
                      "]}}");
        expect_error(j, "config.json: .linux.uidMappings: too many elements (341, at most 340)");
        free(j);
}

Test(oci_parse, too_large_input)
{
        size_t len = OCI_CONFIG_MAX_BYTES + 1;
        char *buf = calloc(1, len);
        struct oci_config cfg;
        struct sb_err e = {0};

        cr_assert_eq(oci_config_parse("config.json", buf, len, &cfg, NULL, &e), -1);
        cr_assert_str_eq(e.msg, "config.json: .: too large (16777217 bytes, at most 16777216)");
        free(buf);
}

Test(oci_parse, multiple_problems_all_reported)
{
        struct oci_config cfg;
        struct sb_diags d = {0};
        struct sb_err e = {0};

        cr_assert_eq(parse("{\"process\": {\"terminal\": 1, \"user\": {\"uid\": -5}},"
                           " \"linux\": {\"intelRdt\": {}, \"namespaces\": [{\"type\": \"foo\"}],"
                           " \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\":"
                           " [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_NOPE\"}]}}}",
                           &cfg, &d, &e),
                     -1);
        cr_assert_eq(d.count, 5);
        cr_assert_str_eq(d.items[0], "config.json: .process.terminal: expected boolean, got "
                                     "integer");
        cr_assert_str_eq(d.items[1], "config.json: .process.user.uid: -5 out of range for uint32");
        cr_assert_str_eq(d.items[2], "config.json: .linux.intelRdt: not supported by sandbox");
        cr_assert_str_eq(d.items[3], "config.json: .linux.namespaces[0].type: unknown namespace "
                                     "type \"foo\"");
        cr_assert_str_eq(d.items[4], "config.json: .linux.seccomp.syscalls[0].action: unknown "
                                     "seccomp action \"SCMP_ACT_NOPE\"");
        cr_assert_str_eq(e.msg, d.items[0]);
        sb_diags_free(&d);
}

Test(oci_parse, unknown_fields_and_other_platforms_ignored)
{
        struct oci_config cfg;
        struct sb_err e = {0};

        cr_assert_eq(parse("{\"ociVersion\": \"1.2.0\", \"future\": [1], \"windows\": {\"x\": 1},"
                           " \"process\": {\"commandLine\": 5, \"newThing\": {}},"
                           " \"linux\": {\"somethingNew\": true}}",
                           &cfg, NULL, &e),
                     0, "%s", e.msg);
        cr_assert_str_eq(cfg.oci_version, "1.2.0");
        oci_config_free(&cfg);
}

/* Every prefix and many corruptions of real configs: rejected cleanly. The
 * sanitizer build turns any leak or overread into a failure. */
Test(oci_parse, truncated_and_corrupt_inputs)
{
        const char *files[] = {CFG_DIR "/runc-spec.json", CFG_DIR "/full.json",
                               CFG_DIR "/docker-default.json"};

        for (size_t f = 0; f < sizeof(files) / sizeof(*files); f++) {
                size_t len;
                char *buf = slurp(files[f], &len);
                size_t step = len > 8000 ? 37 : 1;

                for (size_t n = 0; n < len; n += step) {
                        struct oci_config cfg;
                        struct sb_diags d = {0};
                        struct sb_err e = {0};
                        /* Only trailing whitespace can be cut off and still parse. */
                        if (oci_config_parse("config.json", buf, n, &cfg, &d, &e) == 0) {
                                cr_assert_geq(n, len - 2, "prefix %zu of %s parsed", n, files[f]);
                                oci_config_free(&cfg);
                        } else {
                                cr_assert_gt(strlen(e.msg), 0);
                                cr_assert_geq(d.count, 1);
                        }
                        sb_diags_free(&d);
                }
                for (size_t i = 0; i < len; i += step * 3 + 1) {
                        static const char subst[] = "\"{}[]:,0-9a\\";
                        struct oci_config cfg;
                        struct sb_diags d = {0};
                        char saved = buf[i];
                        buf[i] = subst[i % (sizeof(subst) - 1)];
                        if (oci_config_parse("config.json", buf, len, &cfg, &d, NULL) == 0) {
                                oci_config_validate("config.json", &cfg, &d);
                                oci_config_free(&cfg);
                        }
                        sb_diags_free(&d);
                        buf[i] = saved;
                }
                free(buf);
        }
}

Test(oci_load, missing_file_names_path)
{
        struct oci_config cfg;
        struct sb_err e = {0};

        cr_assert_eq(oci_config_load("/nonexistent/config.json", &cfg, NULL, &e), -1);
        cr_assert_str_eq(e.msg, "open `/nonexistent/config.json`: No such file or directory");
}

Test(oci_load, refuses_huge_file)
{
        char path[] = "/tmp/sandbox-cfg-XXXXXX";
        int fd = mkstemp(path);
        struct oci_config cfg;
        struct sb_err e = {0};
        char want[256];

        cr_assert_geq(fd, 0);
        cr_assert_eq(ftruncate(fd, OCI_CONFIG_MAX_BYTES + 1), 0);
        close(fd);
        cr_assert_eq(oci_config_load(path, &cfg, NULL, &e), -1);
        snprintf(want, sizeof(want), "%s: too large (16777217 bytes, at most 16777216)", path);
        cr_assert_str_eq(e.msg, want);
        unlink(path);
}

Test(oci_load, parse_errors_name_the_path)
{
        char path[] = "/tmp/sandbox-cfg-XXXXXX";
        int fd = mkstemp(path);
        struct oci_config cfg;
        struct sb_err e = {0};
        char want[256];

        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, "{\"root\": 1}", 11), 11);
        close(fd);
        cr_assert_eq(oci_config_load(path, &cfg, NULL, &e), -1);
        snprintf(want, sizeof(want), "%s: .root: expected object, got integer", path);
        cr_assert_str_eq(e.msg, want);
        unlink(path);
}

Test(oci_util, names)
{
        enum oci_ns_type t;

        for (int i = 0; i < OCI_NS_NTYPES; i++) {
                cr_assert_eq(oci_ns_type_from_name(oci_ns_type_name(i), &t), 0);
                cr_assert_eq(t, (enum oci_ns_type)i);
        }
        cr_assert_str_eq(oci_ns_type_name(OCI_NS_NETWORK), "network");
        cr_assert_str_eq(oci_ns_type_name(OCI_NS_TIME), "time");
        cr_assert_eq(oci_ns_type_from_name("net", &t), -1);
        cr_assert_str_eq(oci_seccomp_action_name(OCI_SCMP_ACT_ERRNO), "SCMP_ACT_ERRNO");
        cr_assert_str_eq(oci_seccomp_action_name(OCI_SCMP_ACT_NOTIFY), "SCMP_ACT_NOTIFY");
        cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_PRESTART), "prestart");
        cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_CREATE_RUNTIME), "createRuntime");
        cr_assert_str_eq(oci_hook_kind_name(OCI_HOOK_POSTSTOP), "poststop");
}
