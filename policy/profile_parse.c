/* Profile text -> struct policy_profile, every problem reported with its
 * file:line:column, JSON path and, for near misses, a suggestion. Pure: the
 * only file access is policy_profile_load_file(), at the end. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/sched.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/seccomp.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "policy/profile.h"
#include "policy/syscalls.h"
#include "runtime/cleanup.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct pctx {
        const char *file;
        const char *text;
        size_t len;
        struct sb_diags *diags;
        struct sb_err *err;
        size_t nproblems;
};

__attribute__((format(printf, 3, 4))) static void problem(struct pctx *c, const char *path,
                                                          const char *fmt, ...)
{
        char msg[1024];
        int line, col;
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        policy_json_locate(c->text, c->len, path, &line, &col);
        if (c->nproblems++ == 0)
                sb_err_set(c->err, 0, "%s:%d:%d: %s: %s", c->file, line, col, path[0] ? path : ".",
                           msg);
        if (c->diags != NULL)
                sb_diags_add(c->diags, "%s:%d:%d: %s: %s", c->file, line, col, path[0] ? path : ".",
                             msg);
}

/* ---- words of the language ---- */

static const char *const action_names[] = {
    [POLICY_ACT_NONE] = "none",
    [POLICY_ACT_ALLOW] = "allow",
    [POLICY_ACT_ERRNO] = "errno",
    [POLICY_ACT_KILL_PROCESS] = "kill-process",
    [POLICY_ACT_KILL_CONTAINER] = "kill-container",
    [POLICY_ACT_LOG] = "log",
    [POLICY_ACT_SENTRY] = "sentry",
};

const char *policy_action_name(enum policy_action a)
{
        if ((unsigned)a < N(action_names))
                return action_names[a];
        return "unknown";
}

int policy_action_from_name(const char *name, enum policy_action *out)
{
        for (size_t i = POLICY_ACT_ALLOW; i < N(action_names); i++)
                if (strcmp(action_names[i], name) == 0) {
                        *out = (enum policy_action)i;
                        return 0;
                }
        return -1;
}

#define POLICY_ERRNO_MAX 4095

const char *policy_errno_name(int errnum)
{
        if (errnum <= 0 || errnum > POLICY_ERRNO_MAX)
                return NULL;
        return strerrorname_np(errnum);
}

int policy_errno_from_name(const char *name, int *out)
{
        for (int e = 1; e < 256; e++) {
                const char *n = strerrorname_np(e);

                if (n != NULL && strcmp(n, name) == 0) {
                        *out = e;
                        return 0;
                }
        }
        return -1;
}

static const char *const op_names[] = {
    [OCI_SCMP_CMP_NE] = "SCMP_CMP_NE",
    [OCI_SCMP_CMP_LT] = "SCMP_CMP_LT",
    [OCI_SCMP_CMP_LE] = "SCMP_CMP_LE",
    [OCI_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
    [OCI_SCMP_CMP_GE] = "SCMP_CMP_GE",
    [OCI_SCMP_CMP_GT] = "SCMP_CMP_GT",
    [OCI_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

const char *policy_op_name(enum oci_seccomp_op op)
{
        if ((unsigned)op < N(op_names))
                return op_names[op];
        return "unknown";
}

/* Symbolic argument values, with this build's values (they differ between
 * architectures, which is why profiles should use the names). */
struct constant {
        const char *name;
        uint64_t value;
};
#define C(x)                                                                                       \
        {                                                                                          \
#x, (uint64_t)(x)                                                                  \
        }
static const struct constant constants[] = {
    C(O_RDONLY),
    C(O_WRONLY),
    C(O_RDWR),
    C(O_ACCMODE),
    C(O_CREAT),
    C(O_EXCL),
    C(O_TRUNC),
    C(O_APPEND),
    C(O_TMPFILE),
    C(O_PATH),
    C(O_DIRECTORY),
    C(O_NOFOLLOW),
    C(CLONE_NEWNS),
    C(CLONE_NEWUTS),
    C(CLONE_NEWIPC),
    C(CLONE_NEWUSER),
    C(CLONE_NEWPID),
    C(CLONE_NEWNET),
    C(CLONE_NEWCGROUP),
    C(CLONE_NEWTIME),
    C(S_IFMT),
    C(S_IFCHR),
    C(S_IFBLK),
    C(S_IFIFO),
    C(S_IFREG),
    C(S_IFSOCK),
    C(AF_UNIX),
    C(AF_INET),
    C(AF_INET6),
    C(AF_NETLINK),
    C(AF_PACKET),
    C(AF_VSOCK),
    C(AF_ALG),
    C(SOCK_RAW),
    C(PTRACE_TRACEME),
    C(PTRACE_ATTACH),
    C(PTRACE_SEIZE),
    C(PTRACE_POKEDATA),
    C(PTRACE_POKETEXT),
    C(PTRACE_POKEUSER),
    C(PTRACE_SETREGS),
    C(SECCOMP_SET_MODE_FILTER),
    C(SECCOMP_FILTER_FLAG_NEW_LISTENER),
    C(PR_SET_DUMPABLE),
};
#undef C

static int constant_value(const char *name, size_t len, uint64_t *out)
{
        for (size_t i = 0; i < N(constants); i++)
                if (strlen(constants[i].name) == len && memcmp(constants[i].name, name, len) == 0) {
                        *out = constants[i].value;
                        return 0;
                }
        return -1;
}

/* ---- helpers ---- */

/* Every key of `obj` must be in `allowed`. */
static void check_keys(struct pctx *c, json_t *obj, const char *path, const char *const *allowed,
                       size_t n)
{
        const char *key;
        json_t *v;

        json_object_foreach(obj, key, v)
        {
                char sub[512];
                const char *hint;
                bool ok = false;

                for (size_t i = 0; i < n && !ok; i++)
                        ok = strcmp(allowed[i], key) == 0;
                if (ok)
                        continue;
                snprintf(sub, sizeof(sub), "%s.%s", path, key);
                hint = policy_suggest(key, allowed, n);
                if (hint != NULL)
                        problem(c, sub, "unknown key `%s` (did you mean `%s`?)", key, hint);
                else
                        problem(c, sub, "unknown key `%s`", key);
        }
}

static char *get_string(struct pctx *c, json_t *obj, const char *key, const char *path)
{
        json_t *v = json_object_get(obj, key);
        char sub[512];

        if (v == NULL)
                return NULL;
        snprintf(sub, sizeof(sub), "%s.%s", path, key);
        if (!json_is_string(v)) {
                problem(c, sub, "must be a string");
                return NULL;
        }
        return strdup(json_string_value(v));
}

static bool get_bool(struct pctx *c, json_t *obj, const char *key, const char *path, bool *out)
{
        json_t *v = json_object_get(obj, key);
        char sub[512];

        if (v == NULL)
                return false;
        if (!json_is_boolean(v)) {
                snprintf(sub, sizeof(sub), "%s.%s", path, key);
                problem(c, sub, "must be true or false");
                return false;
        }
        *out = json_is_true(v);
        return true;
}

static json_t *get_array(struct pctx *c, json_t *obj, const char *key, const char *path)
{
        json_t *v = json_object_get(obj, key);
        char sub[512];

        if (v == NULL)
                return NULL;
        snprintf(sub, sizeof(sub), "%s.%s", path, key);
        if (!json_is_array(v)) {
                problem(c, sub, "must be an array");
                return NULL;
        }
        if (json_array_size(v) > POLICY_MAX_ARRAY) {
                problem(c, sub, "too many entries (%zu, at most %u)", json_array_size(v),
                        POLICY_MAX_ARRAY);
                return NULL;
        }
        return v;
}

static bool valid_profile_name(const char *s)
{
        if (s[0] == '\0' || s[0] == '.' || strlen(s) > 128)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
                        return false;
        return true;
}

/* ---- verdicts ---- */

/* "action", "errno", "record" of `obj`. */
static void parse_verdict(struct pctx *c, json_t *obj, const char *path, bool allow_sentry,
                          struct policy_verdict *v)
{
        json_t *a = json_object_get(obj, "action");
        json_t *e = json_object_get(obj, "errno");
        char sub[512];

        *v = (struct policy_verdict){0};
        snprintf(sub, sizeof(sub), "%s.action", path);
        if (a == NULL) {
                problem(c, path,
                        "missing `action` (allow, errno, kill-process, kill-container, "
                        "log%s)",
                        allow_sentry ? " or sentry" : "");
        } else if (!json_is_string(a)) {
                problem(c, sub, "must be a string");
        } else if (policy_action_from_name(json_string_value(a), &v->action) < 0) {
                const char *hint =
                    policy_suggest(json_string_value(a), action_names + 1, N(action_names) - 1);

                if (hint != NULL)
                        problem(c, sub, "unknown action `%s` (did you mean `%s`?)",
                                json_string_value(a), hint);
                else
                        problem(c, sub,
                                "unknown action `%s` (allow, errno, kill-process, kill-container, "
                                "log, sentry)",
                                json_string_value(a));
        } else if (v->action == POLICY_ACT_SENTRY && !allow_sentry) {
                problem(c, sub, "`sentry` cannot be used here");
                v->action = POLICY_ACT_NONE;
        }
        get_bool(c, obj, "record", path, &v->record);
        snprintf(sub, sizeof(sub), "%s.errno", path);
        if (v->action == POLICY_ACT_ERRNO)
                v->errnum = EPERM;
        if (e == NULL)
                return;
        if (v->action != POLICY_ACT_ERRNO && v->action != POLICY_ACT_NONE) {
                problem(c, sub, "`errno` is only meaningful with action `errno`");
        } else if (json_is_integer(e)) {
                if (json_integer_value(e) <= 0 || json_integer_value(e) > POLICY_ERRNO_MAX)
                        problem(c, sub, "%lld out of range (1 to %d)",
                                (long long)json_integer_value(e), POLICY_ERRNO_MAX);
                else
                        v->errnum = (int)json_integer_value(e);
        } else if (!json_is_string(e)) {
                problem(c, sub, "must be an errno name such as \"EPERM\" or a number");
        } else if (policy_errno_from_name(json_string_value(e), &v->errnum) < 0) {
                problem(c, sub, "unknown errno `%s`", json_string_value(e));
        }
}

/* ---- rules ---- */

static int parse_value(struct pctx *c, json_t *v, const char *path, uint64_t *out)
{
        const char *s;

        if (json_is_integer(v)) {
                if (json_integer_value(v) < 0) {
                        problem(c, path, "must not be negative");
                        return -1;
                }
                *out = (uint64_t)json_integer_value(v);
                return 0;
        }
        if (!json_is_string(v)) {
                problem(c, path, "must be a number or constants such as \"O_WRONLY|O_CREAT\"");
                return -1;
        }
        /* "NAME|NAME|0x10" */
        *out = 0;
        s = json_string_value(v);
        if (*s == '\0') {
                problem(c, path, "empty value");
                return -1;
        }
        while (*s != '\0') {
                size_t n = strcspn(s, "|");
                uint64_t x;

                while (n > 0 && isspace((unsigned char)*s)) {
                        s++;
                        n--;
                }
                while (n > 0 && isspace((unsigned char)s[n - 1]))
                        n--;
                if (n > 0 && isdigit((unsigned char)*s)) {
                        char num[32], *end;

                        if (n >= sizeof(num)) {
                                problem(c, path, "number too long");
                                return -1;
                        }
                        memcpy(num, s, n);
                        num[n] = '\0';
                        errno = 0;
                        x = strtoull(num, &end, 0);
                        if (errno != 0 || *end != '\0') {
                                problem(c, path, "bad number `%s`", num);
                                return -1;
                        }
                } else if (constant_value(s, n, &x) < 0) {
                        problem(c, path, "unknown constant `%.*s`", (int)(n > 64 ? 64 : n), s);
                        return -1;
                }
                *out |= x;
                s += strcspn(s, "|");
                if (*s == '|')
                        s++;
        }
        return 0;
}

static void parse_arg(struct pctx *c, json_t *o, const char *path, struct policy_arg *a)
{
        static const char *const keys[] = {"index", "op", "value", "valueTwo"};
        json_t *idx = json_object_get(o, "index"), *op = json_object_get(o, "op");
        json_t *v = json_object_get(o, "value"), *v2 = json_object_get(o, "valueTwo");
        char sub[512];

        *a = (struct policy_arg){0};
        if (!json_is_object(o)) {
                problem(c, path, "must be an object {\"index\", \"op\", \"value\"}");
                return;
        }
        check_keys(c, o, path, keys, N(keys));
        snprintf(sub, sizeof(sub), "%s.index", path);
        if (idx == NULL)
                problem(c, path, "missing `index`");
        else if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
                 json_integer_value(idx) >= POLICY_MAX_ARGS)
                problem(c, sub, "must be an argument index from 0 to 5");
        else
                a->index = (uint32_t)json_integer_value(idx);
        snprintf(sub, sizeof(sub), "%s.op", path);
        if (op == NULL) {
                problem(c, path, "missing `op`");
        } else if (!json_is_string(op)) {
                problem(c, sub, "must be a string");
        } else {
                bool found = false;

                for (size_t i = 0; i < N(op_names) && !found; i++)
                        if (strcmp(op_names[i], json_string_value(op)) == 0) {
                                a->op = (enum oci_seccomp_op)i;
                                found = true;
                        }
                if (!found) {
                        const char *hint =
                            policy_suggest(json_string_value(op), op_names, N(op_names));
                        problem(c, sub, "unknown operator `%s`%s%s%s", json_string_value(op),
                                hint ? " (did you mean `" : "", hint ? hint : "",
                                hint ? "`?)" : "");
                }
        }
        snprintf(sub, sizeof(sub), "%s.value", path);
        if (v == NULL)
                problem(c, path, "missing `value`");
        else
                parse_value(c, v, sub, &a->value);
        snprintf(sub, sizeof(sub), "%s.valueTwo", path);
        if (v2 != NULL)
                parse_value(c, v2, sub, &a->value_two);
}

static struct policy_arg *parse_args(struct pctx *c, json_t *rule, const char *key,
                                     const char *path, size_t *n)
{
        json_t *arr = get_array(c, rule, key, path);
        struct policy_arg *args;
        char sub[512];

        *n = 0;
        if (arr == NULL || json_array_size(arr) == 0)
                return NULL;
        args = calloc(json_array_size(arr), sizeof(*args));
        if (args == NULL)
                return NULL;
        for (size_t i = 0; i < json_array_size(arr); i++) {
                snprintf(sub, sizeof(sub), "%s.%s[%zu]", path, key, i);
                parse_arg(c, json_array_get(arr, i), sub, &args[i]);
        }
        *n = json_array_size(arr);
        return args;
}

static void parse_names(struct pctx *c, json_t *rule, const char *path, bool optional,
                        struct policy_rule *r)
{
        json_t *arr = get_array(c, rule, "names", path);
        char sub[512];

        if (json_object_get(rule, "names") == NULL) {
                problem(c, path, "missing `names` (syscall names or @groups)");
                return;
        }
        if (arr == NULL)
                return;
        if (json_array_size(arr) == 0) {
                snprintf(sub, sizeof(sub), "%s.names", path);
                problem(c, sub, "must name at least one syscall or group");
                return;
        }
        r->names = calloc(json_array_size(arr), sizeof(char *));
        if (r->names == NULL)
                return;
        for (size_t i = 0; i < json_array_size(arr); i++) {
                json_t *v = json_array_get(arr, i);
                const char *name, *hint;
                int nr;

                snprintf(sub, sizeof(sub), "%s.names[%zu]", path, i);
                if (!json_is_string(v) || json_string_length(v) == 0) {
                        problem(c, sub, "must be a syscall name or an @group");
                        continue;
                }
                name = json_string_value(v);
                r->names[r->n_names++] = strdup(name);
                if (name[0] == '@') {
                        if (policy_group_find(name) != NULL)
                                continue;
                        hint = policy_suggest_syscall(name);
                        if (hint != NULL)
                                problem(c, sub, "unknown group `%s` (did you mean `%s`?)", name,
                                        hint);
                        else
                                problem(c, sub, "unknown group `%s`", name);
                        continue;
                }
                nr = policy_syscall_nr(name);
                if (nr >= 0 || optional)
                        continue;
                if (nr == -2) {
                        problem(c, sub,
                                "syscall `%s` does not exist on this architecture (mark the rule "
                                "\"optional\": true)",
                                name);
                        continue;
                }
                hint = policy_suggest_syscall(name);
                if (hint != NULL)
                        problem(c, sub, "unknown syscall `%s` (did you mean `%s`?)", name, hint);
                else
                        problem(c, sub,
                                "unknown syscall `%s` (not known to libseccomp; mark the rule "
                                "\"optional\": true if it exists elsewhere)",
                                name);
        }
}

static void parse_path_rule(struct pctx *c, json_t *o, const char *path, struct policy_path_rule *p)
{
        static const char *const keys[] = {"prefix", "glob",   "access", "action",
                                           "errno",  "record", "comment"};
        static const char *const access_names[] = {"read", "write", "exec", "create"};
        json_t *prefix = json_object_get(o, "prefix"), *glob = json_object_get(o, "glob");
        json_t *pat = prefix ? prefix : glob;
        json_t *acc;
        char sub[512];

        if (!json_is_object(o)) {
                problem(c, path,
                        "must be an object {\"prefix\" or \"glob\", \"access\", "
                        "\"action\"}");
                return;
        }
        check_keys(c, o, path, keys, N(keys));
        if ((prefix == NULL) == (glob == NULL)) {
                problem(c, path, "needs exactly one of `prefix` and `glob`");
        } else {
                snprintf(sub, sizeof(sub), "%s.%s", path, prefix ? "prefix" : "glob");
                if (!json_is_string(pat) || json_string_value(pat)[0] != '/')
                        problem(c, sub, "must be an absolute path pattern");
                else
                        p->pattern = strdup(json_string_value(pat));
                p->match = prefix ? POLICY_MATCH_PREFIX : POLICY_MATCH_GLOB;
        }
        p->access = POLICY_ACCESS_ALL;
        acc = get_array(c, o, "access", path);
        if (acc != NULL) {
                p->access = 0;
                for (size_t i = 0; i < json_array_size(acc); i++) {
                        json_t *a = json_array_get(acc, i);
                        bool found = false;

                        for (size_t k = 0; k < N(access_names) && !found; k++)
                                if (json_is_string(a) &&
                                    strcmp(json_string_value(a), access_names[k]) == 0) {
                                        p->access |= 1u << k;
                                        found = true;
                                }
                        if (!found) {
                                snprintf(sub, sizeof(sub), "%s.access[%zu]", path, i);
                                problem(c, sub, "must be read, write, exec or create");
                        }
                }
                if (json_array_size(acc) == 0) {
                        snprintf(sub, sizeof(sub), "%s.access", path);
                        problem(c, sub, "must name at least one access");
                }
        }
        parse_verdict(c, o, path, false, &p->decision);
}

static void parse_rule(struct pctx *c, json_t *o, const char *path, struct policy_rule *r)
{
        static const char *const keys[] = {"names",  "args",  "anyArgs",   "action",   "errno",
                                           "record", "paths", "otherwise", "optional", "comment"};
        json_t *paths, *otherwise;
        char sub[512];

        if (!json_is_object(o)) {
                problem(c, path, "must be an object {\"names\", \"action\", ...}");
                return;
        }
        check_keys(c, o, path, keys, N(keys));
        get_bool(c, o, "optional", path, &r->optional);
        r->comment = get_string(c, o, "comment", path);
        parse_names(c, o, path, r->optional, r);
        r->args = parse_args(c, o, "args", path, &r->n_args);
        r->any_args = parse_args(c, o, "anyArgs", path, &r->n_any_args);
        parse_verdict(c, o, path, true, &r->verdict);

        r->otherwise = (struct policy_verdict){.action = POLICY_ACT_ALLOW};
        paths = get_array(c, o, "paths", path);
        otherwise = json_object_get(o, "otherwise");
        if (r->verdict.action != POLICY_ACT_SENTRY) {
                if (json_object_get(o, "paths") != NULL) {
                        snprintf(sub, sizeof(sub), "%s.paths", path);
                        problem(c, sub, "path rules need action `sentry`");
                }
                if (otherwise != NULL) {
                        snprintf(sub, sizeof(sub), "%s.otherwise", path);
                        problem(c, sub, "`otherwise` needs action `sentry`");
                }
                return;
        }
        if (paths != NULL && json_array_size(paths) > 0) {
                r->paths = calloc(json_array_size(paths), sizeof(*r->paths));
                if (r->paths != NULL) {
                        r->n_paths = json_array_size(paths);
                        for (size_t i = 0; i < r->n_paths; i++) {
                                snprintf(sub, sizeof(sub), "%s.paths[%zu]", path, i);
                                parse_path_rule(c, json_array_get(paths, i), sub, &r->paths[i]);
                        }
                }
        }
        if (otherwise != NULL) {
                static const char *const okeys[] = {"action", "errno", "record"};

                snprintf(sub, sizeof(sub), "%s.otherwise", path);
                if (!json_is_object(otherwise)) {
                        problem(c, sub, "must be an object {\"action\": ...}");
                } else {
                        check_keys(c, otherwise, sub, okeys, N(okeys));
                        parse_verdict(c, otherwise, sub, false, &r->otherwise);
                }
        }
}

/* ---- bounds ---- */

static void parse_bounds(struct pctx *c, json_t *o, struct policy_bounds *b)
{
        static const char *const keys[] = {"maxCapabilities", "privateNamespaces", "privileged",
                                           "onSentryLoss"};
        json_t *caps, *ns, *loss;
        char sub[512];

        if (!json_is_object(o)) {
                problem(c, ".bounds", "must be an object");
                return;
        }
        check_keys(c, o, ".bounds", keys, N(keys));
        caps = get_array(c, o, "maxCapabilities", ".bounds");
        if (caps != NULL) {
                b->has_max_caps = true;
                for (size_t i = 0; i < json_array_size(caps); i++) {
                        json_t *v = json_array_get(caps, i);
                        cap_value_t cap;

                        snprintf(sub, sizeof(sub), ".bounds.maxCapabilities[%zu]", i);
                        if (!json_is_string(v) || cap_from_name(json_string_value(v), &cap) != 0 ||
                            cap < 0 || cap >= 64 || strncmp(json_string_value(v), "CAP_", 4) != 0)
                                problem(c, sub, "must be a capability name such as CAP_CHOWN");
                        else
                                b->max_caps |= 1ull << cap;
                }
        }
        ns = get_array(c, o, "privateNamespaces", ".bounds");
        for (size_t i = 0; ns != NULL && i < json_array_size(ns); i++) {
                json_t *v = json_array_get(ns, i);
                enum oci_ns_type t;

                snprintf(sub, sizeof(sub), ".bounds.privateNamespaces[%zu]", i);
                if (!json_is_string(v) || oci_ns_type_from_name(json_string_value(v), &t) < 0)
                        problem(c, sub,
                                "must be a namespace type (pid, network, mount, ipc, uts, user, "
                                "cgroup, time)");
                else
                        b->private_ns |= 1u << t;
        }
        b->has_privileged = get_bool(c, o, "privileged", ".bounds", &b->privileged);
        loss = json_object_get(o, "onSentryLoss");
        if (loss != NULL) {
                b->has_on_sentry_loss = true;
                if (json_is_string(loss) && strcmp(json_string_value(loss), "kill") == 0)
                        b->on_sentry_loss = POLICY_LOSS_KILL;
                else if (json_is_string(loss) && strcmp(json_string_value(loss), "deny") == 0)
                        b->on_sentry_loss = POLICY_LOSS_DENY;
                else
                        problem(c, ".bounds.onSentryLoss", "must be \"kill\" or \"deny\"");
        }
}

/* ---- the profile ---- */

/* "defaultAction", "defaultErrno", "defaultRecord" */
static void parse_default(struct pctx *c, json_t *root, struct policy_verdict *v)
{
        json_t *a = json_object_get(root, "defaultAction");
        json_t *e = json_object_get(root, "defaultErrno");

        *v = (struct policy_verdict){0};
        if (!json_is_string(a)) {
                problem(c, ".defaultAction", "must be a string");
        } else if (policy_action_from_name(json_string_value(a), &v->action) < 0 ||
                   v->action == POLICY_ACT_SENTRY) {
                const char *hint =
                    policy_suggest(json_string_value(a), action_names + 1, N(action_names) - 2);

                problem(c, ".defaultAction",
                        "`%s` is not a default action (allow, errno, kill-process, "
                        "kill-container, log)%s%s%s",
                        json_string_value(a), hint ? ": did you mean `" : "", hint ? hint : "",
                        hint ? "`?" : "");
                v->action = POLICY_ACT_NONE;
        }
        get_bool(c, root, "defaultRecord", "", &v->record);
        if (v->action == POLICY_ACT_ERRNO)
                v->errnum = EPERM;
        if (e == NULL)
                return;
        if (v->action != POLICY_ACT_ERRNO)
                problem(c, ".defaultErrno", "only meaningful with defaultAction `errno`");
        else if (json_is_integer(e) && json_integer_value(e) > 0 &&
                 json_integer_value(e) <= POLICY_ERRNO_MAX)
                v->errnum = (int)json_integer_value(e);
        else if (!json_is_string(e) || policy_errno_from_name(json_string_value(e), &v->errnum) < 0)
                problem(c, ".defaultErrno", "must be an errno name such as \"EPERM\"");
}

static void parse_top(struct pctx *c, json_t *root, struct policy_profile *p)
{
        static const char *const keys[] = {"$schema",       "name",          "description",
                                           "extends",       "defaultAction", "defaultErrno",
                                           "defaultRecord", "architectures", "rules",
                                           "bounds",        "comment",       "learn"};
        json_t *rules, *arches, *bounds;
        char sub[512];

        check_keys(c, root, "", keys, N(keys));
        p->name = get_string(c, root, "name", "");
        if (json_object_get(root, "name") == NULL)
                problem(c, "", "missing `name`");
        else if (p->name != NULL && !valid_profile_name(p->name))
                problem(c, ".name", "`%s`: use letters, digits, '.', '_' and '-' only", p->name);
        p->description = get_string(c, root, "description", "");
        p->extends = get_string(c, root, "extends", "");
        if (p->extends != NULL && p->extends[0] == '\0')
                problem(c, ".extends", "must name a profile or a path");

        if (json_object_get(root, "defaultAction") != NULL) {
                parse_default(c, root, &p->default_verdict);
                p->has_default = true;
        } else if (p->extends == NULL) {
                problem(c, "", "missing `defaultAction` (required when the profile extends none)");
        }
        if (json_object_get(root, "defaultAction") == NULL &&
            (json_object_get(root, "defaultErrno") || json_object_get(root, "defaultRecord")))
                problem(c, "", "`defaultErrno`/`defaultRecord` need `defaultAction`");

        arches = get_array(c, root, "architectures", "");
        if (arches != NULL && json_array_size(arches) > 0) {
                p->architectures.items = calloc(json_array_size(arches), sizeof(char *));
                for (size_t i = 0; p->architectures.items && i < json_array_size(arches); i++) {
                        json_t *v = json_array_get(arches, i);

                        snprintf(sub, sizeof(sub), ".architectures[%zu]", i);
                        if (!json_is_string(v) ||
                            strncmp(json_string_value(v), "SCMP_ARCH_", 10) != 0) {
                                problem(c, sub,
                                        "must be an OCI architecture such as "
                                        "SCMP_ARCH_X86");
                                continue;
                        }
                        p->architectures.items[p->architectures.count++] =
                            strdup(json_string_value(v));
                }
        }

        rules = get_array(c, root, "rules", "");
        if (rules != NULL && json_array_size(rules) > 0) {
                p->rules = calloc(json_array_size(rules), sizeof(*p->rules));
                if (p->rules != NULL) {
                        p->n_rules = json_array_size(rules);
                        for (size_t i = 0; i < p->n_rules; i++) {
                                snprintf(sub, sizeof(sub), ".rules[%zu]", i);
                                parse_rule(c, json_array_get(rules, i), sub, &p->rules[i]);
                        }
                }
        }
        bounds = json_object_get(root, "bounds");
        if (bounds != NULL)
                parse_bounds(c, bounds, &p->bounds);
        p->has_learn = get_bool(c, root, "learn", "", &p->learn);
}

int policy_profile_parse(const char *file, const char *text, size_t len, struct policy_profile *out,
                         struct sb_diags *diags, struct sb_err *err)
{
        struct pctx c = {file, text, len, diags, err, 0};
        json_error_t jerr;
        json_t *root;

        memset(out, 0, sizeof(*out));
        if (len > POLICY_PROFILE_MAX_BYTES) {
                sb_err_set(err, EFBIG, "%s: profile larger than %u bytes", file,
                           POLICY_PROFILE_MAX_BYTES);
                if (diags != NULL)
                        sb_diags_add(diags, "%s", err->msg);
                return -1;
        }
        root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
        if (root == NULL) {
                sb_err_set(err, 0, "%s:%d:%d: %s", file, jerr.line, jerr.column, jerr.text);
                if (diags != NULL)
                        sb_diags_add(diags, "%s", err->msg);
                return -1;
        }
        if (!json_is_object(root)) {
                problem(&c, "", "a profile is a JSON object");
        } else {
                parse_top(&c, root, out);
        }
        json_decref(root);
        out->source = strdup(file);
        if (c.nproblems > 0 || out->source == NULL) {
                if (c.nproblems == 0)
                        sb_err_set(err, ENOMEM, "%s", file);
                policy_profile_free(out);
                return -1;
        }
        return 0;
}

int policy_profile_read_file(const char *path, char **text, size_t *len, struct sb_err *err)
{
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *buf = NULL;
        struct stat st;
        size_t got = 0;

        *text = NULL;
        *len = 0;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return sb_err_set(err, errno, "open profile `%s`", path);
        if (fstat(fd, &st) < 0)
                return sb_err_set(err, errno, "stat profile `%s`", path);
        if (!S_ISREG(st.st_mode))
                return sb_err_set(err, EINVAL, "profile `%s` is not a regular file", path);
        if (st.st_size > (off_t)POLICY_PROFILE_MAX_BYTES)
                return sb_err_set(err, EFBIG, "profile `%s` larger than %u bytes", path,
                                  POLICY_PROFILE_MAX_BYTES);
        buf = malloc((size_t)st.st_size + 1);
        if (buf == NULL)
                return sb_err_set(err, ENOMEM, "read profile `%s`", path);
        while (got < (size_t)st.st_size) {
                ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return sb_err_set(err, errno, "read profile `%s`", path);
                if (n == 0)
                        break;
                got += (size_t)n;
        }
        buf[got] = '\0';
        *text = SB_STEAL_PTR(buf);
        *len = got;
        return 0;
}

int policy_profile_load_file(const char *path, struct policy_profile *out, struct sb_diags *diags,
                             struct sb_err *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;

        memset(out, 0, sizeof(*out));
        if (policy_profile_read_file(path, &text, &len, err) < 0)
                return -1;
        return policy_profile_parse(path, text, len, out, diags, err);
}

static void free_verdict_rule(struct policy_rule *r)
{
        for (size_t i = 0; i < r->n_names; i++)
                free(r->names[i]);
        free(r->names);
        free(r->args);
        free(r->any_args);
        for (size_t i = 0; i < r->n_paths; i++)
                free(r->paths[i].pattern);
        free(r->paths);
        free(r->comment);
        free(r->origin);
}

void policy_profile_free(struct policy_profile *p)
{
        if (p == NULL)
                return;
        free(p->name);
        free(p->description);
        free(p->source);
        free(p->extends);
        for (size_t i = 0; i < p->architectures.count; i++)
                free(p->architectures.items[i]);
        free(p->architectures.items);
        for (size_t i = 0; i < p->n_rules; i++)
                free_verdict_rule(&p->rules[i]);
        free(p->rules);
        memset(p, 0, sizeof(*p));
}
