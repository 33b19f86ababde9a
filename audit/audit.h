/* sandbox audit: pre-deploy security checks of an OCI bundle's config.json, of
 * `docker inspect` output, or of a live process.
 *
 * The catalogue (audit/catalogue.c) is one table of checks, each with a stable
 * ID, a severity and its mapping to the Kubernetes Pod Security Standards and
 * the CIS Docker Benchmark. The checks (audit/checks_*.c) are pure functions
 * over struct oci_config that append findings to a struct audit_report; every
 * input (bundle, docker inspect, /proc) is turned into the same findings.
 * The output formats (audit/format_*.c) and waivers (audit/waivers.c) are
 * pure too: the command (runtime/cmd_audit.c) only reads files and prints. */
#ifndef SANDBOX_AUDIT_H
#define SANDBOX_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

enum audit_severity {
        AUDIT_INFO,
        AUDIT_LOW,
        AUDIT_MEDIUM,
        AUDIT_HIGH,
        AUDIT_CRITICAL,
        AUDIT_NSEVERITIES
};

const char *audit_severity_name(enum audit_severity s); /* "critical", ... */
int audit_severity_from_name(const char *name, enum audit_severity *out);

/* Kubernetes Pod Security Standards level a check belongs to. */
enum audit_pss {
        AUDIT_PSS_NONE,
        AUDIT_PSS_BASELINE,
        AUDIT_PSS_RESTRICTED,
};

/* --standard */
enum audit_standard {
        AUDIT_STD_ALL,
        AUDIT_STD_PSS_BASELINE,   /* checks of the baseline level */
        AUDIT_STD_PSS_RESTRICTED, /* baseline + restricted (restricted includes baseline) */
        AUDIT_STD_CIS_DOCKER,     /* checks with a CIS Docker Benchmark item */
};
int audit_standard_from_name(const char *name, enum audit_standard *out);

struct audit_check {
        const char *id; /* stable: "SB-NS-001" */
        enum audit_severity severity;
        const char *title;
        const char *why;         /* the escape or damage it enables */
        const char *remediation; /* docker/podman flag, Kubernetes securityContext field */
        enum audit_pss pss;
        const char *pss_control;  /* "Host Namespaces", NULL when none */
        const char *cis;          /* CIS Docker Benchmark item "5.15", NULL when none */
        const char *docker_field; /* where `docker inspect` shows it, NULL when nowhere */
};

/* The catalogue: the table and its size. */
const struct audit_check *audit_catalogue(size_t *n);
const struct audit_check *audit_check_find(const char *id);
bool audit_check_in_standard(const struct audit_check *c, enum audit_standard std);

struct audit_finding {
        const struct audit_check *check; /* id, severity, title, remediation */
        enum audit_severity severity;    /* the check's (kept here for sorting) */
        char *field;                     /* JSON path (".linux.namespaces") or /proc file */
        char *value;                     /* what was found, may be "" */
        char *message;                   /* one sentence about this finding */
        char *input;                     /* the input it came from (path, container name) */
};

struct audit_report {
        struct audit_finding *items;
        size_t count;
        size_t cap;
};

/* Appends a finding of check `id` (which must be in the catalogue: a
 * programming error otherwise). `value` may be NULL. Allocation failures
 * abort: the auditor has no sensible way to continue without memory. */
void audit_report_add(struct audit_report *r, const char *id, const char *field, const char *value,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Sets `input` on every finding from index `from` on that has none. */
void audit_report_set_input(struct audit_report *r, size_t from, const char *input);
void audit_report_remove(struct audit_report *r, size_t i);
/* Stable sort: severity (critical first), then input, then check id. */
void audit_report_sort(struct audit_report *r);
/* Drops findings whose check is not in `std`. */
void audit_report_filter(struct audit_report *r, enum audit_standard std);
bool audit_report_has(const struct audit_report *r, const char *id);
size_t audit_report_count_at_least(const struct audit_report *r, enum audit_severity min);
void audit_report_free(struct audit_report *r);

/* ---- Checks over a config (pure; each appends to the report) ---- */

/* Runs every check on cfg; findings get `input_name` (may be NULL). This is
 * the entry point for callers such as create's enforcement. Returns 0. */
int audit_config(const struct oci_config *cfg, const char *input_name, struct audit_report *out);

void audit_check_namespaces(const struct oci_config *cfg, struct audit_report *r);
void audit_check_privileges(const struct oci_config *cfg, struct audit_report *r);
void audit_check_mounts(const struct oci_config *cfg, struct audit_report *r);
void audit_check_devices(const struct oci_config *cfg, struct audit_report *r);
void audit_check_resources(const struct oci_config *cfg, struct audit_report *r);
void audit_check_sysctl(const struct oci_config *cfg, struct audit_report *r);
void audit_check_hooks(const struct oci_config *cfg, struct audit_report *r);
void audit_check_filesystem(const struct oci_config *cfg, struct audit_report *r);

struct policy_profile;
/* The bounds of a sandbox profile (policy/bounds.h) the config exceeds, as
 * SB-PROFILE-001 findings; findings get `input_name` (may be NULL). */
void audit_check_profile_bounds(const struct policy_profile *p, const struct oci_config *cfg,
                                const char *input_name, struct audit_report *r);

/* Helpers shared by the checks. */
/* True when the container would share the host's namespace of type t: no
 * entry, or an entry whose path is a known binding of the host's namespace
 * (/proc/1/ns/X, Docker's <exec-root>/netns/default). */
bool audit_ns_is_host(const struct oci_config *cfg, enum oci_ns_type t);
/* Union of every capability set in the config. */
unsigned long long audit_caps_union(const struct oci_config *cfg);
/* Docker's default capability set (moby/oci/caps/defaults.go). */
unsigned long long audit_docker_default_caps(void);
/* Every capability up to CAP_AUDIT_READ (what `--privileged` gives on engines
 * that predate CAP_PERFMON/CAP_BPF). */
unsigned long long audit_all_classic_caps(void);
/* A bind mount of a host path (type "bind" or a bind/rbind option). */
bool audit_mount_is_bind(const struct oci_mount *m);
bool audit_mount_has_option(const struct oci_mount *m, const char *opt);
/* The device cgroup allows every device (the last wildcard rule allows). */
bool audit_devices_allow_all(const struct oci_config *cfg);
/* Docker/podman/CRI-O managed binds (/etc/resolv.conf, /etc/hostname, /etc/hosts ...). */
bool audit_mount_is_engine_managed(const struct oci_mount *m);

/* ---- docker inspect ---- */

/* One container of a `docker inspect` document as a config view, plus where
 * it came from. */
struct audit_docker_container {
        char *name; /* "/web" → "web"; the Id's first 12 characters if no name */
        struct oci_config cfg;
};
struct audit_docker_inspect {
        struct audit_docker_container *items;
        size_t count;
        bool array; /* the document was an array: fields start with "[i]" */
};
/* Parses `docker inspect` JSON (one object or an array). Errors name the JSON
 * path ("docker-inspect.json: [0].HostConfig.CapAdd: expected an array"). */
int audit_docker_inspect_parse(const char *name, const char *buf, size_t len,
                               struct audit_docker_inspect *out, struct sb_err *err);
void audit_docker_inspect_free(struct audit_docker_inspect *d);
/* Runs the checks on container i and rewrites the fields to docker inspect's
 * ("[0].HostConfig.PidMode"). */
int audit_docker_container(const struct audit_docker_inspect *d, size_t i, const char *input_name,
                           struct audit_report *out);

/* ---- live view of a process ---- */

/* What /proc says about a process (filled by audit_live_read; pure checks below). */
struct audit_live {
        int pid;
        bool host_ns_known;                   /* host namespace inodes were found */
        unsigned long long ns[OCI_NS_NTYPES]; /* inode of /proc/PID/ns/X, 0 if unknown */
        unsigned long long host_ns[OCI_NS_NTYPES];
        const char *host_ns_source; /* "/proc/1/ns", "kernel initial namespaces" */
        unsigned long long cap_eff, cap_bnd, cap_amb;
        int seccomp_mode;      /* 0 none, 1 strict, 2 filter, -1 unknown */
        int no_new_privs;      /* -1 unknown */
        unsigned int uid;      /* real uid inside the process's user namespace */
        bool uid_map_identity; /* uid_map is "0 0 4294967295": no user namespace */
        char *mountinfo;       /* /proc/PID/mountinfo text */
        char *lsm_label;       /* /proc/PID/attr/current, NULL when no LSM */
};
/* Reads /proc/PID/ns/X, status, uid_map and mountinfo and the host's namespaces
 * (/proc/1/ns, else the kernel's fixed initial-namespace inode numbers). */
int audit_live_read(int pid, struct audit_live *out, struct sb_err *err);
void audit_live_free(struct audit_live *l);
/* Pure: findings with /proc fields ("/proc/1234/ns/pid"). */
int audit_live_check(const struct audit_live *l, const char *input_name, struct audit_report *out);
/* The kernel's fixed inode numbers of the initial namespaces (include/linux/proc_ns.h);
 * 0 when the type has none. */
unsigned long long audit_initial_ns_inode(enum oci_ns_type t);

/* ---- waivers (--ignore FILE) ---- */

struct audit_waiver {
        char *id;
        char *match; /* substring of the input name; NULL matches every input */
        char *reason;
        char *expires; /* YYYY-MM-DD or NULL */
        bool used;
};
struct audit_waivers {
        struct audit_waiver *items;
        size_t count;
        char *source; /* file name, for messages */
};
int audit_waivers_parse(const char *name, const char *buf, size_t len, struct audit_waivers *out,
                        struct sb_err *err);
/* Removes waived findings. An expired waiver does not waive: its findings stay
 * and one SB-AUDIT-001 finding reports the expiry. `today` is "YYYY-MM-DD". */
void audit_waivers_apply(struct audit_waivers *w, struct audit_report *r, const char *today);
void audit_waivers_free(struct audit_waivers *w);

/* ---- output ---- */

/* Locates a JSON path (".linux.namespaces[2].path") in JSON text: returns the
 * 1-based line of the deepest part of the path present, 0 if none. */
int audit_json_locate(const char *buf, size_t len, const char *path);

struct audit_input_file {
        const char *name; /* as shown, also the SARIF artifact URI */
        const char *text; /* the file's text (for SARIF regions), may be NULL */
        size_t len;
};

void audit_format_text(FILE *out, const struct audit_report *r, bool colour);
/* The JSON document: {"findings":[...],"summary":{...}}. Caller frees. */
char *audit_format_json(const struct audit_report *r);
/* SARIF 2.1.0; files (may be NULL) give lines for the regions. Caller frees. */
char *audit_format_sarif(const struct audit_report *r, const struct audit_input_file *files,
                         size_t n_files);
/* The catalogue as text, JSON or Markdown (docs/audit.md). */
void audit_catalogue_print_text(FILE *out, enum audit_standard std);
char *audit_catalogue_json(enum audit_standard std);
void audit_catalogue_print_markdown(FILE *out, enum audit_standard std);

#endif
