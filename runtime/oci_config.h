/* The OCI runtime-spec (1.0.0 to 1.3.x) config.json model: plain C structs.
 *
 * Pure: parsing and validation make no syscalls (oci_config_parse reads a
 * buffer; oci_config_load is the one thin edge that reads the file).
 * Optional scalars carry a `has_*` flag so that "absent" and "zero" differ,
 * because the spec gives them different meanings (for example a memory limit
 * of 0 versus no limit). Strings are NULL when absent. */
#ifndef SANDBOX_OCI_CONFIG_H
#define SANDBOX_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

/* Hostile-input bounds. */
#define OCI_CONFIG_MAX_BYTES (16u * 1024u * 1024u)
#define OCI_MAX_ARRAY        65536u /* any single array in config.json */
#define OCI_MAX_MAPPINGS     340u   /* the kernel's uid_map line limit */

struct oci_string_list {
        char **items;
        size_t count;
};

/* A key/value pair (annotations, sysctl, unified, rdma map). */
struct oci_kv {
        char *key;
        char *value;
};
struct oci_kv_list {
        struct oci_kv *items;
        size_t count;
};

struct oci_id_mapping {
        uint32_t container_id;
        uint32_t host_id;
        uint32_t size;
};
struct oci_id_mappings {
        struct oci_id_mapping *items;
        size_t count;
};

struct oci_root {
        char *path;
        bool readonly;
};

struct oci_mount {
        char *destination;
        char *source; /* may be NULL */
        char *type;   /* may be NULL */
        struct oci_string_list options;
        struct oci_id_mappings uid_mappings; /* idmapped mounts */
        struct oci_id_mappings gid_mappings;
};

struct oci_user {
        uint32_t uid;
        uint32_t gid;
        bool has_umask;
        uint32_t umask;
        uint32_t *additional_gids;
        size_t n_additional_gids;
        char *username; /* windows only; kept for completeness */
};

/* Capability sets as bitmasks of CAP_* numbers (bit n = capability n). */
enum oci_capset {
        OCI_CAP_BOUNDING,
        OCI_CAP_EFFECTIVE,
        OCI_CAP_INHERITABLE,
        OCI_CAP_PERMITTED,
        OCI_CAP_AMBIENT,
        OCI_CAP_NSETS
};
struct oci_capabilities {
        bool present;            /* process.capabilities given at all */
        bool has[OCI_CAP_NSETS]; /* each set given */
        uint64_t sets[OCI_CAP_NSETS];
};

struct oci_rlimit {
        char *type;   /* "RLIMIT_NOFILE" */
        int resource; /* RLIMIT_NOFILE: resolved from type */
        uint64_t soft;
        uint64_t hard;
};

struct oci_scheduler {
        bool present;
        char *policy; /* SCHED_OTHER, SCHED_FIFO, ... */
        int policy_value;
        int32_t nice;
        int32_t priority;
        struct oci_string_list flags;
        uint64_t runtime;
        uint64_t deadline;
        uint64_t period;
};

struct oci_io_priority {
        bool present;
        char *class_name; /* IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE */
        int class_value;
        int32_t priority;
};

struct oci_cpu_affinity {
        char *initial; /* cpu list, e.g. "0-3,7" */
        char *final;
};

struct oci_console_size {
        bool present;
        uint32_t height;
        uint32_t width;
};

struct oci_process {
        bool present;
        bool terminal;
        struct oci_console_size console_size;
        struct oci_user user;
        struct oci_string_list args;
        char *command_line; /* windows only, ignored */
        struct oci_string_list env;
        char *cwd;
        struct oci_capabilities capabilities;
        struct oci_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        char *apparmor_profile;
        char *selinux_label;
        bool has_oom_score_adj;
        int oom_score_adj;
        struct oci_scheduler scheduler;
        struct oci_io_priority io_priority;
        struct oci_cpu_affinity exec_cpu_affinity;
};

struct oci_hook {
        char *path;
        struct oci_string_list args;
        struct oci_string_list env;
        bool has_timeout;
        int timeout; /* seconds, > 0 */
};
enum oci_hook_kind {
        OCI_HOOK_PRESTART,
        OCI_HOOK_CREATE_RUNTIME,
        OCI_HOOK_CREATE_CONTAINER,
        OCI_HOOK_START_CONTAINER,
        OCI_HOOK_POSTSTART,
        OCI_HOOK_POSTSTOP,
        OCI_HOOK_NKINDS
};
struct oci_hook_list {
        struct oci_hook *items;
        size_t count;
};

enum oci_ns_type {
        OCI_NS_PID,
        OCI_NS_NETWORK,
        OCI_NS_MOUNT,
        OCI_NS_IPC,
        OCI_NS_UTS,
        OCI_NS_USER,
        OCI_NS_CGROUP,
        OCI_NS_TIME,
        OCI_NS_NTYPES
};
struct oci_namespace {
        enum oci_ns_type type;
        char *path; /* join this namespace when set */
};

struct oci_time_offset {
        bool present;
        int64_t secs;
        uint32_t nanosecs;
};

struct oci_device {
        char *path;
        char type;      /* 'c', 'b', 'u' or 'p' */
        bool has_major; /* major/minor given ('p' must have neither, c/b/u need both) */
        int64_t major;
        bool has_minor;
        int64_t minor;
        bool has_file_mode;
        uint32_t file_mode;
        bool has_uid;
        uint32_t uid;
        bool has_gid;
        uint32_t gid;
};

/* Optional integers of linux.resources. */
struct oci_opt_i64 {
        bool set;
        int64_t v;
};
struct oci_opt_u64 {
        bool set;
        uint64_t v;
};
struct oci_opt_bool {
        bool set;
        bool v;
};

struct oci_device_cgroup_rule {
        bool allow;
        char type;      /* 'a', 'c' or 'b'; 'a' when absent */
        bool has_major; /* absent means wildcard */
        int64_t major;
        bool has_minor;
        int64_t minor;
        char *access; /* subset of "rwm"; NULL means "rwm" */
};

struct oci_memory {
        struct oci_opt_i64 limit;
        struct oci_opt_i64 reservation;
        struct oci_opt_i64 swap;
        struct oci_opt_i64 kernel;
        struct oci_opt_i64 kernel_tcp;
        struct oci_opt_u64 swappiness;
        struct oci_opt_bool disable_oom_killer;
        struct oci_opt_bool use_hierarchy;
        struct oci_opt_bool check_before_update;
};

struct oci_cpu {
        struct oci_opt_u64 shares;
        struct oci_opt_i64 quota;
        struct oci_opt_u64 burst;
        struct oci_opt_u64 period;
        struct oci_opt_i64 realtime_runtime;
        struct oci_opt_u64 realtime_period;
        char *cpus;
        char *mems;
        struct oci_opt_i64 idle;
};

struct oci_weight_device {
        int64_t major;
        int64_t minor;
        struct oci_opt_u64 weight; /* uint16 in the spec */
        struct oci_opt_u64 leaf_weight;
};
struct oci_throttle_device {
        int64_t major;
        int64_t minor;
        uint64_t rate;
};
struct oci_throttle_list {
        struct oci_throttle_device *items;
        size_t count;
};
struct oci_block_io {
        struct oci_opt_u64 weight;
        struct oci_opt_u64 leaf_weight;
        struct oci_weight_device *weight_devices;
        size_t n_weight_devices;
        struct oci_throttle_list throttle_read_bps;
        struct oci_throttle_list throttle_write_bps;
        struct oci_throttle_list throttle_read_iops;
        struct oci_throttle_list throttle_write_iops;
};

struct oci_hugepage_limit {
        char *page_size; /* "2MB" */
        uint64_t limit;
};

struct oci_net_priority {
        char *name;
        uint32_t priority;
};

struct oci_resources {
        bool present;
        struct oci_device_cgroup_rule *devices;
        size_t n_devices;
        bool has_memory;
        struct oci_memory memory;
        bool has_cpu;
        struct oci_cpu cpu;
        bool has_pids;
        int64_t pids_limit;
        bool has_block_io;
        struct oci_block_io block_io;
        struct oci_hugepage_limit *hugepage_limits;
        size_t n_hugepage_limits;
        bool has_network;
        struct oci_opt_u64 net_class_id;
        struct oci_net_priority *net_priorities;
        size_t n_net_priorities;
        struct oci_kv_list rdma; /* device -> "hcaHandles=N hcaObjects=N" summary */
        struct oci_kv_list unified;
};

/* linux.seccomp */
enum oci_seccomp_op {
        OCI_SCMP_CMP_NE,
        OCI_SCMP_CMP_LT,
        OCI_SCMP_CMP_LE,
        OCI_SCMP_CMP_EQ,
        OCI_SCMP_CMP_GE,
        OCI_SCMP_CMP_GT,
        OCI_SCMP_CMP_MASKED_EQ
};
struct oci_seccomp_arg {
        uint32_t index;
        uint64_t value;
        uint64_t value_two;
        enum oci_seccomp_op op;
};
/* Actions keep the spec's names (SCMP_ACT_ERRNO ...); action values are the
 * libseccomp ones resolved at compile time, not here, so the model stays pure. */
enum oci_seccomp_action {
        OCI_SCMP_ACT_KILL,
        OCI_SCMP_ACT_KILL_PROCESS,
        OCI_SCMP_ACT_KILL_THREAD,
        OCI_SCMP_ACT_TRAP,
        OCI_SCMP_ACT_ERRNO,
        OCI_SCMP_ACT_TRACE,
        OCI_SCMP_ACT_ALLOW,
        OCI_SCMP_ACT_LOG,
        OCI_SCMP_ACT_NOTIFY
};
struct oci_seccomp_syscall {
        struct oci_string_list names;
        enum oci_seccomp_action action;
        bool has_errno_ret;
        uint32_t errno_ret;
        struct oci_seccomp_arg *args;
        size_t n_args;
};
struct oci_seccomp {
        bool present;
        enum oci_seccomp_action default_action;
        bool has_default_errno_ret;
        uint32_t default_errno_ret;
        struct oci_string_list architectures; /* SCMP_ARCH_X86_64 ... */
        struct oci_string_list flags;         /* SECCOMP_FILTER_FLAG_* */
        char *listener_path;
        char *listener_metadata;
        struct oci_seccomp_syscall *syscalls;
        size_t n_syscalls;
        /* Not OCI (sandbox's profile filters): the calls of an architecture
         * the filter leaves out go to the listener (libseccomp's bad-arch
         * action SCMP_ACT_NOTIFY) instead of killing the thread, when the
         * filter has SCMP_ACT_NOTIFY rules. */
        bool foreign_to_listener;
};

struct oci_personality {
        bool present;
        char *domain; /* LINUX or LINUX32 */
        struct oci_string_list flags;
};

struct oci_linux {
        bool present;
        struct oci_namespace *namespaces;
        size_t n_namespaces;
        struct oci_id_mappings uid_mappings;
        struct oci_id_mappings gid_mappings;
        struct oci_time_offset time_offsets_monotonic;
        struct oci_time_offset time_offsets_boottime;
        struct oci_device *devices;
        size_t n_devices;
        char *cgroups_path;
        struct oci_resources resources;
        char *rootfs_propagation; /* shared, slave, private, unbindable, rshared, ... */
        struct oci_seccomp seccomp;
        struct oci_kv_list sysctl;
        struct oci_string_list masked_paths;
        struct oci_string_list readonly_paths;
        char *mount_label;
        struct oci_personality personality;
};

struct oci_config {
        char *oci_version;
        struct oci_root root;
        bool has_root;
        struct oci_mount *mounts;
        size_t n_mounts;
        struct oci_process process;
        char *hostname;
        char *domainname;
        struct oci_hook_list hooks[OCI_HOOK_NKINDS];
        struct oci_kv_list annotations;
        struct oci_linux linux_;
};

/* Parses config.json text. On success returns 0 and fills *out (free with
 * oci_config_free). On failure returns -1 and fills err with
 * "<name>: <json path>: <problem>" or "<name>:<line>:<column>: <syntax error>".
 * Structural problems (wrong JSON types, unknown enum values, out-of-range
 * numbers) are reported here; `diags` (may be NULL) receives every such problem,
 * not only the first. `name` is used in messages (usually "config.json"). */
int oci_config_parse(const char *name, const char *buf, size_t len, struct oci_config *out,
                     struct sb_diags *diags, struct sb_err *err);

/* Reads and parses BUNDLE/config.json (the one edge that touches the filesystem). */
int oci_config_load(const char *path, struct oci_config *out, struct sb_diags *diags,
                    struct sb_err *err);

/* Checks the spec's MUST rules on a parsed config, adding one line per problem
 * to diags ("config.json: .linux.namespaces[2].path: must be absolute").
 * Returns 0 when valid, -1 otherwise. Pure. */
int oci_config_validate(const char *name, const struct oci_config *cfg, struct sb_diags *diags);

void oci_config_free(struct oci_config *cfg);

/* Helpers shared with the runtime. */
const char *oci_ns_type_name(enum oci_ns_type t); /* "pid", "network", ... */
int oci_ns_type_from_name(const char *name, enum oci_ns_type *out);
const char *oci_seccomp_action_name(enum oci_seccomp_action a);
/* Whether a present section has SCMP_ACT_NOTIFY rules (or default). */
bool oci_seccomp_uses_notify(const struct oci_seccomp *s);
const char *oci_hook_kind_name(enum oci_hook_kind k); /* "prestart", "createRuntime", ... */
const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg, enum oci_ns_type t);

#endif
