/* sandbox update [options] <container-id>: changes a running container's
 * cgroup limits, with runc's flags. --resources takes a linux.resources JSON
 * object (a file, or - for stdin); the flags override its fields. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/cleanup.h"
#include "runtime/cmd_common.h"
#include "runtime/container.h"
#include "runtime/log.h"
#include "runtime/process_limits.h"
#include "runtime/state.h"

enum {
        OPT_RESOURCES = 'r',
        OPT_MEMORY = 'm',
        OPT_SWAP = 256,
        OPT_RESERVATION,
        OPT_SHARES,
        OPT_QUOTA,
        OPT_PERIOD,
        OPT_CPUS,
        OPT_MEMS,
        OPT_PIDS,
        OPT_BLKIO,
        OPT_RT_PERIOD,
        OPT_RT_RUNTIME,
        OPT_L3_SCHEMA,
        OPT_MBA_SCHEMA,
};

/* A new cpuset moves the container's sentry along (it runs on the
 * container's cpus, see start_sentry in container.c). A warning only: the
 * limits themselves are in place. */
static void place_sentry(const struct sb_global *g, const struct runtime_state *st,
                         const char *cpus)
{
        struct oci_config saved = {0};
        struct sb_err err = {0};
        cpu_set_t set;

        if (st->sentry_pid <= 0 || !runtime_proc_is(st->sentry_pid, st->sentry_start_time))
                return;
        if (runtime_load_saved_config(g->root, st->id, &saved, &err) < 0) {
                sb_warn("update %s: sentry left on its cpus: %s", st->id, err.msg);
                return;
        }
        if (runtime_cpus_placed(cpus, saved.process.exec_cpu_affinity.final, &set, &err) < 0)
                sb_warn("update %s: sentry left on its cpus: %s", st->id, err.msg);
        else if (sched_setaffinity(st->sentry_pid, sizeof(set), &set) < 0)
                sb_warn("update %s: sched_setaffinity of the sentry (pid %d): %s", st->id,
                        (int)st->sentry_pid, strerror(errno));
        oci_config_free(&saved);
}

static char *read_all(FILE *f, size_t *len)
{
        size_t cap = 4096, n = 0;
        char *buf = malloc(cap);
        while (buf != NULL) {
                if (n == cap) {
                        if (cap >= OCI_CONFIG_MAX_BYTES) {
                                free(buf);
                                errno = EFBIG;
                                return NULL;
                        }
                        char *nb = realloc(buf, cap * 2);
                        if (nb == NULL)
                                break;
                        buf = nb;
                        cap *= 2;
                }
                size_t r = fread(buf + n, 1, cap - n, f);
                n += r;
                if (r == 0) {
                        if (ferror(f)) {
                                free(buf);
                                return NULL;
                        }
                        *len = n;
                        return buf;
                }
        }
        free(buf);
        errno = ENOMEM;
        return NULL;
}

/* The linux.resources object, parsed by the config parser itself (same
 * types, ranges and messages) inside a minimal config. */
static int load_resources(const char *path, struct oci_config *cfg, struct sb_err *err)
{
        _cleanup_fclose_ FILE *f = strcmp(path, "-") == 0 ? NULL : fopen(path, "re");
        if (f == NULL && strcmp(path, "-") != 0)
                return sb_err_set(err, errno, "open `%s`", path);
        size_t len = 0;
        _cleanup_free_ char *body = read_all(f ? f : stdin, &len);
        if (body == NULL)
                return sb_err_set(err, errno, "read `%s`", path);
        static const char pre[] = "{\"linux\":{\"resources\":", post[] = "\n}}";
        _cleanup_free_ char *doc = malloc(sizeof(pre) + len + sizeof(post));
        if (doc == NULL)
                return sb_err_set(err, ENOMEM, "--resources");
        memcpy(doc, pre, sizeof(pre) - 1);
        memcpy(doc + sizeof(pre) - 1, body, len);
        memcpy(doc + sizeof(pre) - 1 + len, post, sizeof(post));
        return oci_config_parse(strcmp(path, "-") == 0 ? "<stdin>" : path, doc, strlen(doc), cfg,
                                NULL, err);
}

static bool num(const char *s, int64_t *out, bool size)
{
        char *end;
        if (size)
                return runtime_cgroup_parse_size(s, out) == 0;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno != 0 || end == s || *end != '\0')
                return false;
        *out = v;
        return true;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {
            {"resources", required_argument, NULL, OPT_RESOURCES},
            {"r", required_argument, NULL, OPT_RESOURCES},
            {"memory", required_argument, NULL, OPT_MEMORY},
            {"memory-swap", required_argument, NULL, OPT_SWAP},
            {"memory-reservation", required_argument, NULL, OPT_RESERVATION},
            {"cpu-shares", required_argument, NULL, OPT_SHARES},
            {"cpu-quota", required_argument, NULL, OPT_QUOTA},
            {"cpu-period", required_argument, NULL, OPT_PERIOD},
            {"cpuset-cpus", required_argument, NULL, OPT_CPUS},
            {"cpuset-mems", required_argument, NULL, OPT_MEMS},
            {"pids-limit", required_argument, NULL, OPT_PIDS},
            {"blkio-weight", required_argument, NULL, OPT_BLKIO},
            {"cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD},
            {"cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME},
            {"l3-cache-schema", required_argument, NULL, OPT_L3_SCHEMA},
            {"mem-bw-schema", required_argument, NULL, OPT_MBA_SCHEMA},
            {NULL, 0, NULL, 0}};
        struct {
                int opt;
                const char *arg;
        } flags[32];
        size_t nflags = 0;
        const char *res_path = NULL;
        struct sb_err err = {0};
        int c, rc = 1;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+r:m:", opts, NULL)) != -1) {
                if (c == '?' || c == ':') {
                        sb_error("update: unknown or incomplete option '%s' (see 'sandbox update "
                                 "--help')",
                                 argv[optind - 1]);
                        return 2;
                }
                if (c == OPT_L3_SCHEMA || c == OPT_MBA_SCHEMA) {
                        /* runc refuses them where Intel RDT is not enabled;
                         * sandbox has no linux.intelRdt at all. */
                        sb_error("update: --%s: Intel RDT (linux.intelRdt) is not supported",
                                 c == OPT_L3_SCHEMA ? "l3-cache-schema" : "mem-bw-schema");
                        return 1;
                }
                if (c == OPT_RESOURCES)
                        res_path = optarg;
                else if (nflags < sizeof(flags) / sizeof(flags[0]))
                        flags[nflags].opt = c, flags[nflags++].arg = optarg;
        }
        const char *id = sb_parse_id(argc, argv, "update");
        if (id == NULL)
                return 2;

        struct oci_config cfg = {0};
        if (res_path != NULL && load_resources(res_path, &cfg, &err) < 0) {
                sb_error("update %s: --resources: %s", id, err.msg);
                return 1;
        }
        struct oci_resources *r = &cfg.linux_.resources;
        for (size_t i = 0; i < nflags; i++) {
                int64_t v = 0;
                const char *a = flags[i].arg;
                bool is_size = flags[i].opt == OPT_MEMORY || flags[i].opt == OPT_SWAP ||
                               flags[i].opt == OPT_RESERVATION;
                if (flags[i].opt != OPT_CPUS && flags[i].opt != OPT_MEMS && !num(a, &v, is_size)) {
                        const char *name = "?";
                        for (size_t k = 0; opts[k].name != NULL; k++)
                                if (opts[k].val == flags[i].opt)
                                        name = opts[k].name;
                        sb_error("update: invalid value \"%s\" for --%s", a, name);
                        goto out;
                }
                switch (flags[i].opt) {
                case OPT_MEMORY:
                        r->has_memory = true;
                        r->memory.limit = (struct oci_opt_i64){true, v};
                        break;
                case OPT_SWAP:
                        r->has_memory = true;
                        r->memory.swap = (struct oci_opt_i64){true, v};
                        break;
                case OPT_RESERVATION:
                        r->has_memory = true;
                        r->memory.reservation = (struct oci_opt_i64){true, v};
                        break;
                case OPT_SHARES:
                        r->has_cpu = true;
                        r->cpu.shares = (struct oci_opt_u64){true, (uint64_t)v};
                        break;
                case OPT_QUOTA:
                        r->has_cpu = true;
                        r->cpu.quota = (struct oci_opt_i64){true, v};
                        break;
                case OPT_PERIOD:
                        r->has_cpu = true;
                        r->cpu.period = (struct oci_opt_u64){true, (uint64_t)v};
                        break;
                case OPT_CPUS:
                case OPT_MEMS: {
                        char **dst = flags[i].opt == OPT_CPUS ? &r->cpu.cpus : &r->cpu.mems;
                        r->has_cpu = true;
                        free(*dst);
                        *dst = strdup(a);
                        if (*dst == NULL)
                                goto out;
                        break;
                }
                case OPT_RT_PERIOD:
                        r->has_cpu = true;
                        r->cpu.realtime_period = (struct oci_opt_u64){true, (uint64_t)v};
                        break;
                case OPT_RT_RUNTIME:
                        r->has_cpu = true;
                        r->cpu.realtime_runtime = (struct oci_opt_i64){true, v};
                        break;
                case OPT_PIDS:
                        r->has_pids = true;
                        r->pids_limit = v;
                        break;
                case OPT_BLKIO:
                        if (v < 10 || v > 1000) {
                                sb_error("update: --blkio-weight %s: out of range (10 to 1000)", a);
                                goto out;
                        }
                        r->has_block_io = true;
                        r->block_io.weight = (struct oci_opt_u64){true, (uint64_t)v};
                        break;
                }
        }
        /* runc update never re-applies device rules */
        r->n_devices = 0;

        struct runtime_state st;
        if (runtime_state_read(g->root, id, &st, &err) < 0) {
                sb_error("update %s: %s", id, err.msg);
                goto out;
        }
        enum runtime_status s = runtime_state_status(g->root, &st);
        struct runtime_cgroup cg;
        if (s == RUNTIME_STOPPED || s == RUNTIME_CREATING) {
                sb_error("update %s: container not running", id);
        } else if (st.cgroup_path == NULL || st.cgroup_path[0] == '\0') {
                sb_error("update %s: the container has no cgroup", id);
        } else if (runtime_cgroup_open("/sys/fs/cgroup", st.cgroup_path, &cg, &err) < 0) {
                sb_error("update %s: %s", id, err.msg);
        } else {
                if (runtime_cgroup_update(&cg, r, &err) < 0) {
                        sb_error("update %s: %s", id, err.msg);
                } else {
                        rc = 0;
                        if (r->cpu.cpus != NULL && r->cpu.cpus[0] != '\0')
                                place_sentry(g, &st, r->cpu.cpus);
                }
                runtime_cgroup_free(&cg);
        }
        runtime_state_free(&st);
out:
        oci_config_free(&cfg);
        return rc;
}

const struct sb_command sb_cmd_update = {
    .name = "update",
    .usage = "update [options] <container-id>",
    .summary = "update a container's resource limits",
    .help = "Options:\n"
            "  -r, --resources FILE      linux.resources JSON object (- for stdin)\n"
            "  -m, --memory N            memory limit (suffixes k, m, g: 64m)\n"
            "  --memory-swap N           memory+swap limit (-1: unlimited)\n"
            "  --memory-reservation N    memory soft limit\n"
            "  --cpu-shares N            relative CPU weight (v2: converted to cpu.weight)\n"
            "  --cpu-quota N             CPU time per period in µs (-1: unlimited)\n"
            "  --cpu-period N            CFS period in µs\n"
            "  --cpuset-cpus LIST        CPUs allowed (0-3,5)\n"
            "  --cpuset-mems LIST        memory nodes allowed\n"
            "  --pids-limit N            maximum number of tasks (<= 0: unlimited)\n"
            "  --blkio-weight N          block IO weight (10 to 1000)\n"
            "  --cpu-rt-period N         realtime period in µs (cgroup v1 cpu.rt_period_us)\n"
            "  --cpu-rt-runtime N        realtime runtime per period in µs (cgroup v1\n"
            "                            cpu.rt_runtime_us; -1: no limit)\n"
            "  --l3-cache-schema S, --mem-bw-schema S   Intel RDT: refused, not supported\n\n"
            "Flags override the same fields of --resources. Device rules are not changed.\n",
    .run = run,
};
