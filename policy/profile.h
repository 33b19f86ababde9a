/* Policy profiles: the per-workload syscall language (see profiles/README.md).
 *
 * A profile is JSON read with jansson into the plain structs below. Three
 * stages, each pure except the file edge:
 *   policy_profile_parse()    text -> struct, every problem as
 *                             "FILE:LINE:COL: .json.path: problem" in diags;
 *   policy_profile_flatten()  an `extends` chain (base first) -> one
 *                             effective profile: groups expanded to syscall
 *                             names, a child's rules replacing its parent's
 *                             rules for the syscalls it names;
 *   policy_compile()          (policy/compile.h) effective profile -> kernel
 *                             filter + the sentry's tables.
 * policy_profile_resolve() is the edge that finds files by name and follows
 * `extends`. */
#ifndef SANDBOX_POLICY_PROFILE_H
#define SANDBOX_POLICY_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

#define POLICY_PROFILE_MAX_BYTES (4u * 1024u * 1024u)
#define POLICY_MAX_EXTENDS       16u   /* depth of an extends chain */
#define POLICY_MAX_ARRAY         4096u /* any array in a profile */
#define POLICY_MAX_ARGS          6u    /* syscall arguments */

enum policy_action {
        POLICY_ACT_NONE = 0, /* not set (only while parsing) */
        POLICY_ACT_ALLOW,
        POLICY_ACT_ERRNO,
        POLICY_ACT_KILL_PROCESS,
        POLICY_ACT_KILL_CONTAINER, /* needs the sentry: the kernel can only kill a process */
        POLICY_ACT_LOG,            /* allow and record (through the sentry) */
        POLICY_ACT_SENTRY,         /* the sentry decides with the rule's path rules */
};

/* What happens to one call. `record` asks the sentry to record an allow,
 * errno or kill-process outcome: such a rule is routed (SCMP_ACT_NOTIFY)
 * instead of being answered in the kernel. */
struct policy_verdict {
        enum policy_action action;
        int errnum; /* POLICY_ACT_ERRNO: the errno returned (EPERM when not given) */
        bool record;
};

/* Access classes of a path rule (bit set). */
enum policy_access {
        POLICY_ACCESS_READ = 1u << 0,
        POLICY_ACCESS_WRITE = 1u << 1,
        POLICY_ACCESS_EXEC = 1u << 2,
        POLICY_ACCESS_CREATE = 1u << 3,
};
#define POLICY_ACCESS_ALL 0xfu

enum policy_match {
        POLICY_MATCH_PREFIX, /* "/proc/sys/": the path starts with it */
        POLICY_MATCH_GLOB,   /* fnmatch(3) with FNM_PATHNAME: "/proc/[0-9]*\/exe" */
};

/* A sentry rule's path rule: the first whose pattern and access match decides. */
struct policy_path_rule {
        char *pattern;
        enum policy_match match;
        unsigned access; /* POLICY_ACCESS_* bits; a request matches if it asks any of them */
        struct policy_verdict decision; /* never POLICY_ACT_SENTRY */
};

/* One argument condition, with the OCI operators (value is the mask and
 * value_two the datum for SCMP_CMP_MASKED_EQ, as in OCI and libseccomp). */
struct policy_arg {
        uint32_t index;
        enum oci_seccomp_op op;
        uint64_t value;
        uint64_t value_two;
};

struct policy_rule {
        char **names; /* "mount", "@mount"; after flatten: syscall names only */
        size_t n_names;
        struct policy_arg *args; /* all must hold (AND) */
        size_t n_args;
        struct policy_arg *any_args; /* when n_any_args > 0: one of them must hold (OR) */
        size_t n_any_args;
        struct policy_verdict verdict;
        struct policy_path_rule *paths; /* POLICY_ACT_SENTRY only */
        size_t n_paths;
        struct policy_verdict otherwise; /* sentry: no path rule matched (default allow) */
        bool optional; /* names unknown on this architecture are skipped, not an error */
        char *comment; /* free text, shown by `profile show` and in events */
        char *origin;  /* after flatten: "PROFILE.rules[N]" it came from */
};

enum policy_sentry_loss {
        POLICY_LOSS_KILL, /* kill the container (default) */
        POLICY_LOSS_DENY, /* routed calls fail with ENOSYS, the container lives */
};

/* What a container may be given. */
struct policy_bounds {
        bool has_max_caps;
        uint64_t max_caps;   /* bit n = capability n */
        unsigned private_ns; /* bit (1u << enum oci_ns_type): must be a new namespace */
        bool has_privileged;
        bool privileged; /* accepts --privileged */
        bool has_on_sentry_loss;
        enum policy_sentry_loss on_sentry_loss;
};

struct policy_profile {
        char *name;
        char *description;
        char *source;  /* the file it was read from (messages) */
        char *extends; /* a name or a path; NULL after flatten */
        bool has_default;
        struct policy_verdict default_verdict;
        struct oci_string_list architectures; /* OCI names (SCMP_ARCH_X86); native is implied */
        struct policy_rule *rules;
        size_t n_rules;
        struct policy_bounds bounds;
        bool has_learn;
        bool learn; /* learn mode: every distinct (syscall, argument class) recorded
                     * once, for `profile generate`; no rate limiting */
};

/* Parses profile text. `file` names the source in messages. On failure
 * returns -1, err holds the first problem and diags (may be NULL) every
 * problem, each "FILE:LINE:COL: .json.path: problem" with a suggestion for
 * near misses ("unknown syscall `mout` (did you mean `mount`?)"). */
int policy_profile_parse(const char *file, const char *text, size_t len, struct policy_profile *out,
                         struct sb_diags *diags, struct sb_err *err);

/* Reads and parses one file (no extends). */
int policy_profile_load_file(const char *path, struct policy_profile *out, struct sb_diags *diags,
                             struct sb_err *err);

/* Effective profile of a chain, base first (chain[n-1] is the profile asked
 * for): scalars and bounds of later profiles override earlier ones; a later
 * profile's rules take over every syscall they name. Group names are
 * expanded; names unknown on this architecture in optional rules dropped;
 * each rule's origin set. Pure. */
int policy_profile_flatten(const struct policy_profile *const *chain, size_t n,
                           struct policy_profile *out, struct sb_err *err);

/* Finds a profile: a reference containing '/' or ending in ".json" is a path
 * (relative to `base_dir` when not absolute and base_dir != NULL); any other
 * is a name ([A-Za-z0-9._-]+) looked up as NAME.json in, in order, each
 * directory of $SANDBOX_PROFILE_PATH (':'-separated), /etc/sandbox/profiles
 * and SANDBOX_PROFILE_DIR (the installed profiles). *path_out: malloc'd. */
int policy_profile_find(const char *ref, const char *base_dir, char **path_out, struct sb_err *err);

/* Reads a profile file whole (at most POLICY_PROFILE_MAX_BYTES; *text
 * malloc'd and NUL-terminated, *len bytes). */
int policy_profile_read_file(const char *path, char **text, size_t *len, struct sb_err *err);

/* The edge: find `ref`, follow `extends` (cycles and chains deeper than
 * POLICY_MAX_EXTENDS are errors), flatten. */
int policy_profile_resolve(const char *ref, struct policy_profile *out, struct sb_diags *diags,
                           struct sb_err *err);

/* The files an effective profile was made of, child first: for each, the
 * reference that named it (the one asked for, then each `extends`, looked up
 * from the folder of the file before), the path found and the exact text
 * that was parsed. What a cache of resolved profiles checks again before it
 * trusts an entry (runtime/profile_cache.h). */
struct policy_chain_file {
        char *ref;
        char *path;
        char *text;
        size_t len;
};
struct policy_chain {
        size_t n;
        struct policy_chain_file files[POLICY_MAX_EXTENDS + 1];
};
/* policy_profile_resolve(), also filling *chain (free with
 * policy_chain_free(), also after a failure). */
int policy_profile_resolve_chain(const char *ref, struct policy_profile *out,
                                 struct policy_chain *chain, struct sb_diags *diags,
                                 struct sb_err *err);
void policy_chain_free(struct policy_chain *chain);

void policy_profile_free(struct policy_profile *p);

/* The profile in the language (an effective profile's JSON parses back to
 * it). NULL on allocation failure; the caller owns the reference. */
struct json_t;
struct json_t *policy_profile_to_json(const struct policy_profile *p);

/* Names for the language's words. */
const char *policy_action_name(enum policy_action a); /* "allow", "kill-process", ... */
int policy_action_from_name(const char *name, enum policy_action *out);
const char *policy_errno_name(int errnum); /* "EPERM"; NULL if unknown */
int policy_errno_from_name(const char *name, int *out);
const char *policy_op_name(enum oci_seccomp_op op); /* "SCMP_CMP_MASKED_EQ" */

/* Line and column (1-based) of the value at `path` (".rules[2].names[0]",
 * "" for the root) in JSON `text`, or of its nearest existing ancestor.
 * jansson keeps no positions for values; this rescans the text. Returns 0 if
 * the exact value was found, 1 for an ancestor. Pure. */
int policy_json_locate(const char *text, size_t len, const char *path, int *line, int *col);

#endif
