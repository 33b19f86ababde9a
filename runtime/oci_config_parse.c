/* config.json → struct oci_config.
 *
 * The input is hostile: every value is type- and range-checked, every array is
 * capped, and every problem is reported with its JSON path
 * ("config.json: .linux.namespaces[2].type: unknown namespace type "pidd"").
 * Parsing does not stop at the first problem, so that `sandbox validate` can
 * show them all; on any problem the partially filled config is freed. */
#include "runtime/oci_config.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "runtime/cleanup.h"

#define PATH_BUF 512

struct pctx {
        const char *name;
        struct sb_diags *diags;
        struct sb_err *err;
        size_t nproblems;
        char path[PATH_BUF]; /* the JSON path of the value being read */
        size_t len;
};

/* ---- JSON path and problem reporting ------------------------------------ */

static size_t __attribute__((format(printf, 2, 3))) push(struct pctx *p, const char *fmt, ...)
{
        size_t mark = p->len;
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(p->path + p->len, sizeof(p->path) - p->len, fmt, ap);
        va_end(ap);
        if (n > 0)
                p->len +=
                    (size_t)n < sizeof(p->path) - p->len ? (size_t)n : sizeof(p->path) - p->len - 1;
        return mark;
}

static void pop(struct pctx *p, size_t mark)
{
        p->len = mark;
        p->path[mark] = '\0';
}

static void __attribute__((format(printf, 2, 3))) problem(struct pctx *p, const char *fmt, ...)
{
        char msg[1024];
        const char *path = p->len > 0 ? p->path : ".";
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (p->nproblems == 0)
                sb_err_set(p->err, 0, "%s: %s: %s", p->name, path, msg);
        if (p->diags != NULL)
                sb_diags_add(p->diags, "%s: %s: %s", p->name, path, msg);
        p->nproblems++;
}

#define problem_at(p, key, ...)                                                                    \
        do {                                                                                       \
                size_t _m = push((p), ".%s", (key));                                               \
                problem((p), __VA_ARGS__);                                                         \
                pop((p), _m);                                                                      \
        } while (0)

/* ---- integers wider than jansson's ---------------------------------------- */

/* jansson stores integers as long long, but the spec has uint64 fields
 * (rlimits, seccomp argument values) and Go writes RLIM_INFINITY as
 * 18446744073709551615 (Docker's `--ulimit memlock=-1`). Such literals are
 * rewritten into strings carrying this tag, which only the integer readers
 * accept; the tag starts with a control character that JSON text can only
 * spell as an escape, so a config that uses it on purpose gains nothing. */
#define BIG_TAG      "\001u64:"
#define BIG_TAG_JSON "\\u0001u64:"

static bool big_u64(json_t *v, uint64_t *out)
{
        const char *s;

        if (!json_is_string(v))
                return false;
        s = json_string_value(v);
        if (strncmp(s, BIG_TAG, strlen(BIG_TAG)) != 0)
                return false;
        *out = strtoull(s + strlen(BIG_TAG), NULL, 10);
        return true;
}

static bool is_big_literal(const char *tok, size_t n)
{
        char digits[32];
        unsigned long long v;
        char *end;

        if (n < 19 || n >= sizeof(digits))
                return false;
        for (size_t i = 0; i < n; i++)
                if (tok[i] < '0' || tok[i] > '9')
                        return false;
        memcpy(digits, tok, n);
        digits[n] = '\0';
        errno = 0;
        v = strtoull(digits, &end, 10);
        return errno == 0 && *end == '\0' && v > (unsigned long long)INT64_MAX;
}

/* Returns a copy of buf with every integer literal in (INT64_MAX, UINT64_MAX]
 * outside strings replaced by a tagged string, or NULL on allocation failure. */
static char *rewrite_big_ints(const char *buf, size_t len, size_t *out_len)
{
        /* A rewritten literal has >= 19 digits and grows by < 19 bytes. */
        char *out = malloc(2 * len + 1);
        size_t o = 0;
        bool in_str = false;

        if (out == NULL)
                return NULL;
        for (size_t i = 0; i < len; i++) {
                char c = buf[i];
                if (in_str) {
                        out[o++] = c;
                        if (c == '\\' && i + 1 < len)
                                out[o++] = buf[++i];
                        else if (c == '"')
                                in_str = false;
                        continue;
                }
                if (c == '"') {
                        in_str = true;
                        out[o++] = c;
                        continue;
                }
                if (c == '-' || (c >= '0' && c <= '9')) {
                        size_t j = i;
                        while (j < len && strchr("0123456789+-.eE", buf[j]) != NULL && buf[j])
                                j++;
                        if (is_big_literal(buf + i, j - i)) {
                                o += (size_t)sprintf(out + o, "\"" BIG_TAG_JSON);
                                memcpy(out + o, buf + i, j - i);
                                o += j - i;
                                out[o++] = '"';
                        } else {
                                memcpy(out + o, buf + i, j - i);
                                o += j - i;
                        }
                        i = j - 1;
                        continue;
                }
                out[o++] = c;
        }
        out[o] = '\0';
        *out_len = o;
        return out;
}

/* ---- typed readers -------------------------------------------------------- */

static const char *jtype(json_t *v)
{
        uint64_t big;

        switch (json_typeof(v)) {
        case JSON_OBJECT:
                return "object";
        case JSON_ARRAY:
                return "array";
        case JSON_STRING:
                return big_u64(v, &big) ? "integer" : "string";
        case JSON_INTEGER:
                return "integer";
        case JSON_REAL:
                return "number";
        case JSON_TRUE:
        case JSON_FALSE:
                return "boolean";
        case JSON_NULL:
                return "null";
        }
        return "unknown";
}

/* A field's value, NULL when absent or null (Go writes nil slices as null). */
static json_t *field(json_t *obj, const char *key)
{
        json_t *v = json_object_get(obj, key);
        return v == NULL || json_is_null(v) ? NULL : v;
}

static bool need(struct pctx *p, json_t *obj, const char *key)
{
        if (field(obj, key) != NULL)
                return true;
        problem_at(p, key, "missing required field");
        return false;
}

static bool want_object(struct pctx *p, json_t *v)
{
        if (json_is_object(v))
                return true;
        problem(p, "expected object, got %s", jtype(v));
        return false;
}

static bool want_string(struct pctx *p, json_t *v)
{
        uint64_t big;

        if (json_is_string(v) && !big_u64(v, &big))
                return true;
        problem(p, "expected string, got %s", jtype(v));
        return false;
}

static void *xcalloc(struct pctx *p, size_t n, size_t size)
{
        void *r = calloc(n ? n : 1, size);
        if (r == NULL)
                problem(p, "out of memory");
        return r;
}

static char *xstrdup(struct pctx *p, const char *s)
{
        char *r = strdup(s);
        if (r == NULL)
                problem(p, "out of memory");
        return r;
}

struct irange {
        int64_t min;
        uint64_t max;
        const char *name;
};
static const struct irange R_I32 = {INT32_MIN, INT32_MAX, "int32"};
static const struct irange R_I64 = {INT64_MIN, INT64_MAX, "int64"};
static const struct irange R_U16 = {0, UINT16_MAX, "uint16"};
static const struct irange R_U32 = {0, UINT32_MAX, "uint32"};
static const struct irange R_U64 = {0, UINT64_MAX, "uint64"};

/* Reads v as an integer within r, stored as two's-complement bits. */
static bool int_value(struct pctx *p, json_t *v, const struct irange *r, uint64_t *out)
{
        uint64_t big;
        json_int_t i;

        if (big_u64(v, &big)) {
                if (big > r->max) {
                        problem(p, "%" PRIu64 " out of range for %s", big, r->name);
                        return false;
                }
                *out = big;
                return true;
        }
        if (!json_is_integer(v)) {
                problem(p, "expected integer, got %s", jtype(v));
                return false;
        }
        i = json_integer_value(v);
        if (i < 0 ? (int64_t)i < r->min : (uint64_t)i > r->max) {
                problem(p, "%lld out of range for %s", (long long)i, r->name);
                return false;
        }
        *out = (uint64_t)i;
        return true;
}

static bool get_int(struct pctx *p, json_t *obj, const char *key, const struct irange *r,
                    uint64_t *out)
{
        json_t *v = field(obj, key);
        size_t m;
        bool ok;

        if (v == NULL)
                return false;
        m = push(p, ".%s", key);
        ok = int_value(p, v, r, out);
        pop(p, m);
        return ok;
}

static bool get_u32(struct pctx *p, json_t *obj, const char *key, uint32_t *out)
{
        uint64_t v;
        if (!get_int(p, obj, key, &R_U32, &v))
                return false;
        *out = (uint32_t)v;
        return true;
}

static bool get_i32(struct pctx *p, json_t *obj, const char *key, int32_t *out)
{
        uint64_t v;
        if (!get_int(p, obj, key, &R_I32, &v))
                return false;
        *out = (int32_t)v;
        return true;
}

static bool get_i64(struct pctx *p, json_t *obj, const char *key, int64_t *out)
{
        uint64_t v;
        if (!get_int(p, obj, key, &R_I64, &v))
                return false;
        *out = (int64_t)v;
        return true;
}

static bool get_u64(struct pctx *p, json_t *obj, const char *key, uint64_t *out)
{
        return get_int(p, obj, key, &R_U64, out);
}

static void get_opt_i64(struct pctx *p, json_t *obj, const char *key, struct oci_opt_i64 *out)
{
        out->set = get_i64(p, obj, key, &out->v);
}

static void get_opt_u64(struct pctx *p, json_t *obj, const char *key, struct oci_opt_u64 *out)
{
        out->set = get_u64(p, obj, key, &out->v);
}

static void get_opt_u16(struct pctx *p, json_t *obj, const char *key, struct oci_opt_u64 *out)
{
        out->set = get_int(p, obj, key, &R_U16, &out->v);
}

static bool get_bool(struct pctx *p, json_t *obj, const char *key, bool *out)
{
        json_t *v = field(obj, key);

        if (v == NULL)
                return false;
        if (!json_is_boolean(v)) {
                problem_at(p, key, "expected boolean, got %s", jtype(v));
                return false;
        }
        *out = json_is_true(v);
        return true;
}

static void get_opt_bool(struct pctx *p, json_t *obj, const char *key, struct oci_opt_bool *out)
{
        out->set = get_bool(p, obj, key, &out->v);
}

static void get_str(struct pctx *p, json_t *obj, const char *key, char **out)
{
        json_t *v = field(obj, key);
        size_t m;

        if (v == NULL)
                return;
        m = push(p, ".%s", key);
        if (want_string(p, v))
                *out = xstrdup(p, json_string_value(v));
        pop(p, m);
}

/* obj.key when it is an object; reports other types. */
static json_t *get_object(struct pctx *p, json_t *obj, const char *key)
{
        json_t *v = field(obj, key);

        if (v == NULL)
                return NULL;
        if (!json_is_object(v)) {
                problem_at(p, key, "expected object, got %s", jtype(v));
                return NULL;
        }
        return v;
}

/* obj.key when it is an array of at most max elements; reports the rest. */
static json_t *get_array(struct pctx *p, json_t *obj, const char *key, size_t max)
{
        json_t *v = field(obj, key);

        if (v == NULL)
                return NULL;
        if (!json_is_array(v)) {
                problem_at(p, key, "expected array, got %s", jtype(v));
                return NULL;
        }
        if (json_array_size(v) > max) {
                problem_at(p, key, "too many elements (%zu, at most %zu)", json_array_size(v), max);
                return NULL;
        }
        return v;
}

static void get_strlist(struct pctx *p, json_t *obj, const char *key, struct oci_string_list *out)
{
        json_t *a = get_array(p, obj, key, OCI_MAX_ARRAY);
        json_t *e;
        size_t i, m;

        if (a == NULL)
                return;
        m = push(p, ".%s", key);
        out->items = xcalloc(p, json_array_size(a), sizeof(char *));
        if (out->items != NULL) {
                out->count = json_array_size(a);
                json_array_foreach(a, i, e)
                {
                        size_t m2 = push(p, "[%zu]", i);
                        if (want_string(p, e))
                                out->items[i] = xstrdup(p, json_string_value(e));
                        pop(p, m2);
                }
        }
        pop(p, m);
}

/* A JSON object of strings (annotations, sysctl, unified). */
static void get_kvmap(struct pctx *p, json_t *obj, const char *key, struct oci_kv_list *out)
{
        json_t *o = get_object(p, obj, key);
        const char *k;
        json_t *v;
        size_t i = 0, m;

        if (o == NULL)
                return;
        if (json_object_size(o) > OCI_MAX_ARRAY) {
                problem_at(p, key, "too many elements (%zu, at most %u)", json_object_size(o),
                           OCI_MAX_ARRAY);
                return;
        }
        m = push(p, ".%s", key);
        out->items = xcalloc(p, json_object_size(o), sizeof(*out->items));
        if (out->items != NULL) {
                json_object_foreach(o, k, v)
                {
                        size_t m2 = push(p, "[\"%s\"]", k);
                        struct oci_kv *kv = &out->items[i++];
                        out->count = i;
                        kv->key = xstrdup(p, k);
                        if (want_string(p, v))
                                kv->value = xstrdup(p, json_string_value(v));
                        pop(p, m2);
                }
        }
        pop(p, m);
}

struct name_val {
        const char *name;
        int val;
};

static bool lookup(const struct name_val *t, size_t n, const char *name, int *out)
{
        for (size_t i = 0; i < n; i++) {
                if (strcmp(t[i].name, name) == 0) {
                        *out = t[i].val;
                        return true;
                }
        }
        return false;
}

/* Reads obj.key as one of the table's names; false (with a problem naming
 * `what`) when it is not. *name_out (optional) receives a copy of the name. */
static bool get_enum(struct pctx *p, json_t *obj, const char *key, const struct name_val *t,
                     size_t n, const char *what, int *out, char **name_out)
{
        json_t *v = field(obj, key);
        bool ok = false;
        size_t m;

        if (v == NULL)
                return false;
        m = push(p, ".%s", key);
        if (want_string(p, v)) {
                if (lookup(t, n, json_string_value(v), out)) {
                        ok = true;
                        if (name_out != NULL)
                                *name_out = xstrdup(p, json_string_value(v));
                } else {
                        problem(p, "unknown %s \"%s\"", what, json_string_value(v));
                }
        }
        pop(p, m);
        return ok;
}

#define N(t) (sizeof(t) / sizeof((t)[0]))

/* ---- tables ------------------------------------------------------------- */

static const struct name_val rlimit_types[] = {
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

/* Values of <linux/sched.h>; SCHED_ISO is reserved by the kernel but in the spec. */
static const struct name_val sched_policies[] = {
    {"SCHED_OTHER", 0}, {"SCHED_FIFO", 1}, {"SCHED_RR", 2},       {"SCHED_BATCH", 3},
    {"SCHED_ISO", 4},   {"SCHED_IDLE", 5}, {"SCHED_DEADLINE", 6},
};

/* sched_attr.sched_flags bits of <linux/sched.h>. */
static const struct name_val sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},  {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},     {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},    {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

/* IOPRIO_CLASS_* of <linux/ioprio.h>. */
static const struct name_val ioprio_classes[] = {
    {"IOPRIO_CLASS_RT", 1},
    {"IOPRIO_CLASS_BE", 2},
    {"IOPRIO_CLASS_IDLE", 3},
};

static const struct name_val personality_domains[] = {
    {"LINUX", 0},
    {"LINUX32", 1},
};

static const struct name_val seccomp_actions[] = {
    {"SCMP_ACT_KILL", OCI_SCMP_ACT_KILL},
    {"SCMP_ACT_KILL_PROCESS", OCI_SCMP_ACT_KILL_PROCESS},
    {"SCMP_ACT_KILL_THREAD", OCI_SCMP_ACT_KILL_THREAD},
    {"SCMP_ACT_TRAP", OCI_SCMP_ACT_TRAP},
    {"SCMP_ACT_ERRNO", OCI_SCMP_ACT_ERRNO},
    {"SCMP_ACT_TRACE", OCI_SCMP_ACT_TRACE},
    {"SCMP_ACT_ALLOW", OCI_SCMP_ACT_ALLOW},
    {"SCMP_ACT_LOG", OCI_SCMP_ACT_LOG},
    {"SCMP_ACT_NOTIFY", OCI_SCMP_ACT_NOTIFY},
};

static const struct name_val seccomp_ops[] = {
    {"SCMP_CMP_NE", OCI_SCMP_CMP_NE},
    {"SCMP_CMP_LT", OCI_SCMP_CMP_LT},
    {"SCMP_CMP_LE", OCI_SCMP_CMP_LE},
    {"SCMP_CMP_EQ", OCI_SCMP_CMP_EQ},
    {"SCMP_CMP_GE", OCI_SCMP_CMP_GE},
    {"SCMP_CMP_GT", OCI_SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", OCI_SCMP_CMP_MASKED_EQ},
};

/* ---- sections ------------------------------------------------------------- */

static void parse_id_mappings(struct pctx *p, json_t *obj, const char *key,
                              struct oci_id_mappings *out)
{
        json_t *a = get_array(p, obj, key, OCI_MAX_MAPPINGS);
        json_t *e;
        size_t i, m;

        if (a == NULL)
                return;
        m = push(p, ".%s", key);
        out->items = xcalloc(p, json_array_size(a), sizeof(*out->items));
        if (out->items != NULL) {
                out->count = json_array_size(a);
                json_array_foreach(a, i, e)
                {
                        size_t m2 = push(p, "[%zu]", i);
                        struct oci_id_mapping *id = &out->items[i];
                        if (want_object(p, e)) {
                                if (need(p, e, "containerID"))
                                        get_u32(p, e, "containerID", &id->container_id);
                                if (need(p, e, "hostID"))
                                        get_u32(p, e, "hostID", &id->host_id);
                                if (need(p, e, "size"))
                                        get_u32(p, e, "size", &id->size);
                        }
                        pop(p, m2);
                }
        }
        pop(p, m);
}

/* Calls fn on every object element of obj.key, with the path set. Returns
 * the array of n zeroed elements of `size` bytes (NULL when absent). */
typedef void (*elem_fn)(struct pctx *p, json_t *e, void *elem);
static void *parse_objects(struct pctx *p, json_t *obj, const char *key, size_t size, size_t *n,
                           elem_fn fn)
{
        json_t *a = get_array(p, obj, key, OCI_MAX_ARRAY);
        json_t *e;
        char *items;
        size_t i, m;

        if (a == NULL)
                return NULL;
        m = push(p, ".%s", key);
        items = xcalloc(p, json_array_size(a), size);
        if (items != NULL) {
                *n = json_array_size(a);
                json_array_foreach(a, i, e)
                {
                        size_t m2 = push(p, "[%zu]", i);
                        if (want_object(p, e))
                                fn(p, e, items + i * size);
                        pop(p, m2);
                }
        }
        pop(p, m);
        return items;
}

static void parse_root(struct pctx *p, json_t *obj, struct oci_config *cfg)
{
        json_t *o = get_object(p, obj, "root");
        size_t m;

        if (o == NULL)
                return;
        cfg->has_root = true;
        m = push(p, ".root");
        get_str(p, o, "path", &cfg->root.path);
        get_bool(p, o, "readonly", &cfg->root.readonly);
        pop(p, m);
}

static void parse_mount(struct pctx *p, json_t *e, void *elem)
{
        struct oci_mount *mnt = elem;

        if (need(p, e, "destination"))
                get_str(p, e, "destination", &mnt->destination);
        get_str(p, e, "source", &mnt->source);
        get_str(p, e, "type", &mnt->type);
        get_strlist(p, e, "options", &mnt->options);
        parse_id_mappings(p, e, "uidMappings", &mnt->uid_mappings);
        parse_id_mappings(p, e, "gidMappings", &mnt->gid_mappings);
}

static void parse_user(struct pctx *p, json_t *proc, struct oci_user *u)
{
        json_t *o = get_object(p, proc, "user");
        json_t *a, *e;
        size_t i, m;

        if (o == NULL)
                return;
        m = push(p, ".user");
        get_u32(p, o, "uid", &u->uid);
        get_u32(p, o, "gid", &u->gid);
        u->has_umask = get_u32(p, o, "umask", &u->umask);
        get_str(p, o, "username", &u->username);
        a = get_array(p, o, "additionalGids", OCI_MAX_ARRAY);
        if (a != NULL) {
                size_t m2 = push(p, ".additionalGids");
                u->additional_gids = xcalloc(p, json_array_size(a), sizeof(uint32_t));
                if (u->additional_gids != NULL) {
                        u->n_additional_gids = json_array_size(a);
                        json_array_foreach(a, i, e)
                        {
                                size_t m3 = push(p, "[%zu]", i);
                                uint64_t v;
                                if (int_value(p, e, &R_U32, &v))
                                        u->additional_gids[i] = (uint32_t)v;
                                pop(p, m3);
                        }
                }
                pop(p, m2);
        }
        pop(p, m);
}

/* Capability names are the spec's upper-case CAP_* spelling; libcap resolves
 * them (it would also take numbers and lower case, which the spec does not). */
static bool cap_resolve(const char *name, cap_value_t *out)
{
        if (strncmp(name, "CAP_", 4) != 0 || name[4] == '\0')
                return false;
        for (const char *c = name + 4; *c; c++)
                if (!((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
                        return false;
        return cap_from_name(name, out) == 0 && *out >= 0 && *out < 64;
}

static void parse_capabilities(struct pctx *p, json_t *proc, struct oci_capabilities *caps)
{
        static const char *const names[OCI_CAP_NSETS] = {
            [OCI_CAP_BOUNDING] = "bounding",       [OCI_CAP_EFFECTIVE] = "effective",
            [OCI_CAP_INHERITABLE] = "inheritable", [OCI_CAP_PERMITTED] = "permitted",
            [OCI_CAP_AMBIENT] = "ambient",
        };
        json_t *o = get_object(p, proc, "capabilities");
        size_t m;

        if (o == NULL)
                return;
        caps->present = true;
        m = push(p, ".capabilities");
        for (int s = 0; s < OCI_CAP_NSETS; s++) {
                json_t *a = get_array(p, o, names[s], OCI_MAX_ARRAY);
                json_t *e;
                size_t i, m2;

                if (a == NULL)
                        continue;
                caps->has[s] = true;
                m2 = push(p, ".%s", names[s]);
                json_array_foreach(a, i, e)
                {
                        size_t m3 = push(p, "[%zu]", i);
                        cap_value_t cap;
                        if (want_string(p, e)) {
                                if (cap_resolve(json_string_value(e), &cap))
                                        caps->sets[s] |= UINT64_C(1) << cap;
                                else
                                        problem(p, "unknown capability \"%s\"",
                                                json_string_value(e));
                        }
                        pop(p, m3);
                }
                pop(p, m2);
        }
        pop(p, m);
}

static void parse_rlimit(struct pctx *p, json_t *e, void *elem)
{
        struct oci_rlimit *r = elem;

        if (need(p, e, "type"))
                get_enum(p, e, "type", rlimit_types, N(rlimit_types), "rlimit type", &r->resource,
                         &r->type);
        if (need(p, e, "soft"))
                get_u64(p, e, "soft", &r->soft);
        if (need(p, e, "hard"))
                get_u64(p, e, "hard", &r->hard);
}

static void parse_scheduler(struct pctx *p, json_t *proc, struct oci_scheduler *s)
{
        json_t *o = get_object(p, proc, "scheduler");
        json_t *a;
        size_t m;

        if (o == NULL)
                return;
        s->present = true;
        m = push(p, ".scheduler");
        if (need(p, o, "policy"))
                get_enum(p, o, "policy", sched_policies, N(sched_policies), "scheduler policy",
                         &s->policy_value, &s->policy);
        get_i32(p, o, "nice", &s->nice);
        get_i32(p, o, "priority", &s->priority);
        get_strlist(p, o, "flags", &s->flags);
        a = field(o, "flags");
        for (size_t i = 0; json_is_array(a) && i < s->flags.count; i++) {
                int bit;
                if (s->flags.items[i] != NULL &&
                    !lookup(sched_flags, N(sched_flags), s->flags.items[i], &bit)) {
                        size_t m2 = push(p, ".flags[%zu]", i);
                        problem(p, "unknown scheduler flag \"%s\"", s->flags.items[i]);
                        pop(p, m2);
                }
        }
        get_u64(p, o, "runtime", &s->runtime);
        get_u64(p, o, "deadline", &s->deadline);
        get_u64(p, o, "period", &s->period);
        pop(p, m);
}

static void parse_process(struct pctx *p, json_t *root, struct oci_process *proc)
{
        json_t *o = get_object(p, root, "process");
        json_t *c;
        size_t m;
        int32_t oom;

        if (o == NULL)
                return;
        proc->present = true;
        m = push(p, ".process");
        get_bool(p, o, "terminal", &proc->terminal);
        c = get_object(p, o, "consoleSize");
        if (c != NULL) {
                size_t m2 = push(p, ".consoleSize");
                proc->console_size.present = true;
                if (need(p, c, "height"))
                        get_u32(p, c, "height", &proc->console_size.height);
                if (need(p, c, "width"))
                        get_u32(p, c, "width", &proc->console_size.width);
                pop(p, m2);
        }
        parse_user(p, o, &proc->user);
        get_strlist(p, o, "args", &proc->args);
        /* commandLine is Windows-only: ignored, like the other platforms' sections. */
        get_strlist(p, o, "env", &proc->env);
        get_str(p, o, "cwd", &proc->cwd);
        parse_capabilities(p, o, &proc->capabilities);
        proc->rlimits = parse_objects(p, o, "rlimits", sizeof(struct oci_rlimit), &proc->n_rlimits,
                                      parse_rlimit);
        get_bool(p, o, "noNewPrivileges", &proc->no_new_privileges);
        get_str(p, o, "apparmorProfile", &proc->apparmor_profile);
        get_str(p, o, "selinuxLabel", &proc->selinux_label);
        if (get_i32(p, o, "oomScoreAdj", &oom)) {
                proc->has_oom_score_adj = true;
                proc->oom_score_adj = oom;
        }
        parse_scheduler(p, o, &proc->scheduler);
        c = get_object(p, o, "ioPriority");
        if (c != NULL) {
                size_t m2 = push(p, ".ioPriority");
                proc->io_priority.present = true;
                if (need(p, c, "class"))
                        get_enum(p, c, "class", ioprio_classes, N(ioprio_classes),
                                 "I/O priority class", &proc->io_priority.class_value,
                                 &proc->io_priority.class_name);
                get_i32(p, c, "priority", &proc->io_priority.priority);
                pop(p, m2);
        }
        c = get_object(p, o, "execCPUAffinity");
        if (c != NULL) {
                size_t m2 = push(p, ".execCPUAffinity");
                get_str(p, c, "initial", &proc->exec_cpu_affinity.initial);
                get_str(p, c, "final", &proc->exec_cpu_affinity.final);
                pop(p, m2);
        }
        pop(p, m);
}

static void parse_hook(struct pctx *p, json_t *e, void *elem)
{
        struct oci_hook *h = elem;
        int32_t t;

        if (need(p, e, "path"))
                get_str(p, e, "path", &h->path);
        get_strlist(p, e, "args", &h->args);
        get_strlist(p, e, "env", &h->env);
        if (get_i32(p, e, "timeout", &t)) {
                h->has_timeout = true;
                h->timeout = t;
        }
}

static void parse_hooks(struct pctx *p, json_t *root, struct oci_config *cfg)
{
        json_t *o = get_object(p, root, "hooks");
        size_t m;

        if (o == NULL)
                return;
        m = push(p, ".hooks");
        for (int k = 0; k < OCI_HOOK_NKINDS; k++) {
                struct oci_hook_list *l = &cfg->hooks[k];
                l->items = parse_objects(p, o, oci_hook_kind_name(k), sizeof(struct oci_hook),
                                         &l->count, parse_hook);
        }
        pop(p, m);
}

/* ---- linux ------------------------------------------------------------------ */

static void parse_namespace(struct pctx *p, json_t *e, void *elem)
{
        struct oci_namespace *ns = elem;
        json_t *t;

        if (need(p, e, "type")) {
                size_t m = push(p, ".type");
                t = field(e, "type");
                if (want_string(p, t) && oci_ns_type_from_name(json_string_value(t), &ns->type) < 0)
                        problem(p, "unknown namespace type \"%s\"", json_string_value(t));
                pop(p, m);
        }
        get_str(p, e, "path", &ns->path);
}

static void parse_time_offset(struct pctx *p, json_t *obj, const char *key,
                              struct oci_time_offset *t)
{
        json_t *o = get_object(p, obj, key);
        size_t m;

        if (o == NULL)
                return;
        t->present = true;
        m = push(p, ".%s", key);
        get_i64(p, o, "secs", &t->secs);
        get_u32(p, o, "nanosecs", &t->nanosecs);
        pop(p, m);
}

/* A device type is one character; which characters are allowed where is the
 * validator's business. */
static bool get_type_char(struct pctx *p, json_t *obj, char *out)
{
        json_t *v = field(obj, "type");
        size_t m;
        bool ok = false;

        if (v == NULL)
                return false;
        m = push(p, ".type");
        if (want_string(p, v)) {
                if (strlen(json_string_value(v)) == 1) {
                        *out = json_string_value(v)[0];
                        ok = true;
                } else {
                        problem(p, "invalid device type \"%s\"", json_string_value(v));
                }
        }
        pop(p, m);
        return ok;
}

static void parse_device(struct pctx *p, json_t *e, void *elem)
{
        struct oci_device *d = elem;

        if (need(p, e, "type"))
                get_type_char(p, e, &d->type);
        if (need(p, e, "path"))
                get_str(p, e, "path", &d->path);
        d->has_major = get_i64(p, e, "major", &d->major);
        d->has_minor = get_i64(p, e, "minor", &d->minor);
        /* Not capped at 0777: containerd copies Go's os.FileMode, type bits included. */
        d->has_file_mode = get_u32(p, e, "fileMode", &d->file_mode);
        d->has_uid = get_u32(p, e, "uid", &d->uid);
        d->has_gid = get_u32(p, e, "gid", &d->gid);
}

static void parse_device_rule(struct pctx *p, json_t *e, void *elem)
{
        struct oci_device_cgroup_rule *r = elem;

        if (need(p, e, "allow"))
                get_bool(p, e, "allow", &r->allow);
        r->type = 'a';
        get_type_char(p, e, &r->type);
        r->has_major = get_i64(p, e, "major", &r->major);
        r->has_minor = get_i64(p, e, "minor", &r->minor);
        get_str(p, e, "access", &r->access);
}

static void parse_weight_device(struct pctx *p, json_t *e, void *elem)
{
        struct oci_weight_device *w = elem;

        if (need(p, e, "major"))
                get_i64(p, e, "major", &w->major);
        if (need(p, e, "minor"))
                get_i64(p, e, "minor", &w->minor);
        get_opt_u16(p, e, "weight", &w->weight);
        get_opt_u16(p, e, "leafWeight", &w->leaf_weight);
}

static void parse_throttle_device(struct pctx *p, json_t *e, void *elem)
{
        struct oci_throttle_device *t = elem;

        if (need(p, e, "major"))
                get_i64(p, e, "major", &t->major);
        if (need(p, e, "minor"))
                get_i64(p, e, "minor", &t->minor);
        get_u64(p, e, "rate", &t->rate);
}

static void parse_hugepage(struct pctx *p, json_t *e, void *elem)
{
        struct oci_hugepage_limit *h = elem;

        if (need(p, e, "pageSize"))
                get_str(p, e, "pageSize", &h->page_size);
        if (need(p, e, "limit"))
                get_u64(p, e, "limit", &h->limit);
}

static void parse_net_priority(struct pctx *p, json_t *e, void *elem)
{
        struct oci_net_priority *n = elem;

        if (need(p, e, "name"))
                get_str(p, e, "name", &n->name);
        if (need(p, e, "priority"))
                get_u32(p, e, "priority", &n->priority);
}

static void parse_block_io(struct pctx *p, json_t *o, struct oci_block_io *b)
{
        get_opt_u16(p, o, "weight", &b->weight);
        get_opt_u16(p, o, "leafWeight", &b->leaf_weight);
        b->weight_devices = parse_objects(p, o, "weightDevice", sizeof(struct oci_weight_device),
                                          &b->n_weight_devices, parse_weight_device);
        static const struct {
                const char *key;
                size_t off;
        } throttles[] = {
            {"throttleReadBpsDevice", offsetof(struct oci_block_io, throttle_read_bps)},
            {"throttleWriteBpsDevice", offsetof(struct oci_block_io, throttle_write_bps)},
            {"throttleReadIOPSDevice", offsetof(struct oci_block_io, throttle_read_iops)},
            {"throttleWriteIOPSDevice", offsetof(struct oci_block_io, throttle_write_iops)},
        };
        for (size_t i = 0; i < N(throttles); i++) {
                struct oci_throttle_list *l = (void *)((char *)b + throttles[i].off);
                l->items = parse_objects(p, o, throttles[i].key, sizeof(struct oci_throttle_device),
                                         &l->count, parse_throttle_device);
        }
}

static void parse_rdma(struct pctx *p, json_t *res, struct oci_kv_list *out)
{
        json_t *o = get_object(p, res, "rdma");
        const char *k;
        json_t *v;
        size_t i = 0, m;

        if (o == NULL)
                return;
        if (json_object_size(o) > OCI_MAX_ARRAY) {
                problem_at(p, "rdma", "too many elements (%zu, at most %u)", json_object_size(o),
                           OCI_MAX_ARRAY);
                return;
        }
        m = push(p, ".rdma");
        out->items = xcalloc(p, json_object_size(o), sizeof(*out->items));
        if (out->items != NULL) {
                json_object_foreach(o, k, v)
                {
                        size_t m2 = push(p, "[\"%s\"]", k);
                        struct oci_kv *kv = &out->items[i++];
                        uint32_t handles, objects;
                        bool has_h, has_o;
                        char buf[64] = "";

                        out->count = i;
                        kv->key = xstrdup(p, k);
                        if (want_object(p, v)) {
                                has_h = get_u32(p, v, "hcaHandles", &handles);
                                has_o = get_u32(p, v, "hcaObjects", &objects);
                                if (has_h && has_o)
                                        snprintf(buf, sizeof(buf), "hcaHandles=%u hcaObjects=%u",
                                                 handles, objects);
                                else if (has_h)
                                        snprintf(buf, sizeof(buf), "hcaHandles=%u", handles);
                                else if (has_o)
                                        snprintf(buf, sizeof(buf), "hcaObjects=%u", objects);
                                kv->value = xstrdup(p, buf);
                        }
                        pop(p, m2);
                }
        }
        pop(p, m);
}

static void parse_resources(struct pctx *p, json_t *lin, struct oci_resources *r)
{
        json_t *o = get_object(p, lin, "resources");
        json_t *c;
        size_t m, m2;

        if (o == NULL)
                return;
        r->present = true;
        m = push(p, ".resources");
        r->devices = parse_objects(p, o, "devices", sizeof(struct oci_device_cgroup_rule),
                                   &r->n_devices, parse_device_rule);
        if ((c = get_object(p, o, "memory")) != NULL) {
                struct oci_memory *mem = &r->memory;
                r->has_memory = true;
                m2 = push(p, ".memory");
                get_opt_i64(p, c, "limit", &mem->limit);
                get_opt_i64(p, c, "reservation", &mem->reservation);
                get_opt_i64(p, c, "swap", &mem->swap);
                get_opt_i64(p, c, "kernel", &mem->kernel);
                get_opt_i64(p, c, "kernelTCP", &mem->kernel_tcp);
                get_opt_u64(p, c, "swappiness", &mem->swappiness);
                get_opt_bool(p, c, "disableOOMKiller", &mem->disable_oom_killer);
                get_opt_bool(p, c, "useHierarchy", &mem->use_hierarchy);
                get_opt_bool(p, c, "checkBeforeUpdate", &mem->check_before_update);
                pop(p, m2);
        }
        if ((c = get_object(p, o, "cpu")) != NULL) {
                struct oci_cpu *cpu = &r->cpu;
                r->has_cpu = true;
                m2 = push(p, ".cpu");
                get_opt_u64(p, c, "shares", &cpu->shares);
                get_opt_i64(p, c, "quota", &cpu->quota);
                get_opt_u64(p, c, "burst", &cpu->burst);
                get_opt_u64(p, c, "period", &cpu->period);
                get_opt_i64(p, c, "realtimeRuntime", &cpu->realtime_runtime);
                get_opt_u64(p, c, "realtimePeriod", &cpu->realtime_period);
                get_str(p, c, "cpus", &cpu->cpus);
                get_str(p, c, "mems", &cpu->mems);
                get_opt_i64(p, c, "idle", &cpu->idle);
                pop(p, m2);
        }
        if ((c = get_object(p, o, "pids")) != NULL) {
                m2 = push(p, ".pids");
                if (need(p, c, "limit"))
                        r->has_pids = get_i64(p, c, "limit", &r->pids_limit);
                pop(p, m2);
        }
        if ((c = get_object(p, o, "blockIO")) != NULL) {
                r->has_block_io = true;
                m2 = push(p, ".blockIO");
                parse_block_io(p, c, &r->block_io);
                pop(p, m2);
        }
        r->hugepage_limits =
            parse_objects(p, o, "hugepageLimits", sizeof(struct oci_hugepage_limit),
                          &r->n_hugepage_limits, parse_hugepage);
        if ((c = get_object(p, o, "network")) != NULL) {
                r->has_network = true;
                m2 = push(p, ".network");
                r->net_class_id.set = get_int(p, c, "classID", &R_U32, &r->net_class_id.v);
                r->net_priorities =
                    parse_objects(p, c, "priorities", sizeof(struct oci_net_priority),
                                  &r->n_net_priorities, parse_net_priority);
                pop(p, m2);
        }
        parse_rdma(p, o, &r->rdma);
        get_kvmap(p, o, "unified", &r->unified);
        pop(p, m);
}

static void parse_seccomp_arg(struct pctx *p, json_t *e, void *elem)
{
        struct oci_seccomp_arg *a = elem;
        int op;

        if (need(p, e, "index"))
                get_u32(p, e, "index", &a->index);
        if (need(p, e, "value"))
                get_u64(p, e, "value", &a->value);
        get_u64(p, e, "valueTwo", &a->value_two);
        if (need(p, e, "op") &&
            get_enum(p, e, "op", seccomp_ops, N(seccomp_ops), "seccomp operator", &op, NULL))
                a->op = op;
}

static bool get_action(struct pctx *p, json_t *obj, const char *key, enum oci_seccomp_action *out)
{
        int v;

        if (!get_enum(p, obj, key, seccomp_actions, N(seccomp_actions), "seccomp action", &v, NULL))
                return false;
        *out = v;
        return true;
}

static void parse_syscall(struct pctx *p, json_t *e, void *elem)
{
        struct oci_seccomp_syscall *s = elem;

        if (need(p, e, "names"))
                get_strlist(p, e, "names", &s->names);
        if (need(p, e, "action"))
                get_action(p, e, "action", &s->action);
        s->has_errno_ret = get_u32(p, e, "errnoRet", &s->errno_ret);
        s->args = parse_objects(p, e, "args", sizeof(struct oci_seccomp_arg), &s->n_args,
                                parse_seccomp_arg);
}

static void parse_seccomp(struct pctx *p, json_t *lin, struct oci_seccomp *s)
{
        json_t *o = get_object(p, lin, "seccomp");
        size_t m;

        if (o == NULL)
                return;
        s->present = true;
        m = push(p, ".seccomp");
        if (need(p, o, "defaultAction"))
                get_action(p, o, "defaultAction", &s->default_action);
        s->has_default_errno_ret = get_u32(p, o, "defaultErrnoRet", &s->default_errno_ret);
        get_strlist(p, o, "architectures", &s->architectures);
        get_strlist(p, o, "flags", &s->flags);
        get_str(p, o, "listenerPath", &s->listener_path);
        get_str(p, o, "listenerMetadata", &s->listener_metadata);
        s->syscalls = parse_objects(p, o, "syscalls", sizeof(struct oci_seccomp_syscall),
                                    &s->n_syscalls, parse_syscall);
        pop(p, m);
}

static void parse_linux(struct pctx *p, json_t *root, struct oci_linux *l)
{
        static const char *const unsupported[] = {"intelRdt", "netDevices", "memoryPolicy"};
        json_t *o = get_object(p, root, "linux");
        json_t *c;
        size_t m, m2;

        if (o == NULL)
                return;
        l->present = true;
        m = push(p, ".linux");
        for (size_t i = 0; i < N(unsupported); i++)
                if (field(o, unsupported[i]) != NULL)
                        problem_at(p, unsupported[i], "not supported by sandbox");
        l->namespaces = parse_objects(p, o, "namespaces", sizeof(struct oci_namespace),
                                      &l->n_namespaces, parse_namespace);
        parse_id_mappings(p, o, "uidMappings", &l->uid_mappings);
        parse_id_mappings(p, o, "gidMappings", &l->gid_mappings);
        if ((c = get_object(p, o, "timeOffsets")) != NULL) {
                m2 = push(p, ".timeOffsets");
                parse_time_offset(p, c, "monotonic", &l->time_offsets_monotonic);
                parse_time_offset(p, c, "boottime", &l->time_offsets_boottime);
                pop(p, m2);
        }
        l->devices =
            parse_objects(p, o, "devices", sizeof(struct oci_device), &l->n_devices, parse_device);
        get_str(p, o, "cgroupsPath", &l->cgroups_path);
        parse_resources(p, o, &l->resources);
        get_str(p, o, "rootfsPropagation", &l->rootfs_propagation);
        parse_seccomp(p, o, &l->seccomp);
        get_kvmap(p, o, "sysctl", &l->sysctl);
        get_strlist(p, o, "maskedPaths", &l->masked_paths);
        get_strlist(p, o, "readonlyPaths", &l->readonly_paths);
        get_str(p, o, "mountLabel", &l->mount_label);
        if ((c = get_object(p, o, "personality")) != NULL) {
                int dom;
                l->personality.present = true;
                m2 = push(p, ".personality");
                get_enum(p, c, "domain", personality_domains, N(personality_domains),
                         "personality domain", &dom, &l->personality.domain);
                get_strlist(p, c, "flags", &l->personality.flags);
                pop(p, m2);
        }
        pop(p, m);
}

/* ---- entry points ----------------------------------------------------------- */

static void parse_config(struct pctx *p, json_t *root, struct oci_config *cfg)
{
        if (!want_object(p, root))
                return;
        get_str(p, root, "ociVersion", &cfg->oci_version);
        parse_root(p, root, cfg);
        cfg->mounts =
            parse_objects(p, root, "mounts", sizeof(struct oci_mount), &cfg->n_mounts, parse_mount);
        parse_process(p, root, &cfg->process);
        get_str(p, root, "hostname", &cfg->hostname);
        get_str(p, root, "domainname", &cfg->domainname);
        parse_hooks(p, root, cfg);
        get_kvmap(p, root, "annotations", &cfg->annotations);
        parse_linux(p, root, &cfg->linux_);
        /* solaris, windows, vm, zos, freebsd: other platforms, ignored. */
}

/* Duplicate keys are rejected: two values for one field would let two
 * readers of the same file (us and an auditor) see different configs. */
#define JSON_FLAGS JSON_REJECT_DUPLICATES

static json_t *load_json(const char *name, const char *buf, size_t len, struct pctx *p)
{
        json_error_t jerr;
        json_t *root;

        root = json_loadb(buf, len, JSON_FLAGS, &jerr);
        if (root == NULL && json_error_code(&jerr) == json_error_numeric_overflow) {
                size_t nlen = 0;
                _cleanup_free_ char *copy = rewrite_big_ints(buf, len, &nlen);
                if (copy == NULL) {
                        problem(p, "out of memory");
                        return NULL;
                }
                root = json_loadb(copy, nlen, JSON_FLAGS, &jerr);
        }
        if (root == NULL) {
                if (p->err != NULL)
                        sb_err_set(p->err, 0, "%s:%d:%d: %s", name, jerr.line, jerr.column,
                                   jerr.text);
                if (p->diags != NULL)
                        sb_diags_add(p->diags, "%s:%d:%d: %s", name, jerr.line, jerr.column,
                                     jerr.text);
                p->nproblems++;
        }
        return root;
}

int oci_config_parse(const char *name, const char *buf, size_t len, struct oci_config *out,
                     struct sb_diags *diags, struct sb_err *err)
{
        struct pctx p = {.name = name ? name : "config.json", .diags = diags, .err = err};
        json_t *root;

        memset(out, 0, sizeof(*out));
        if (len > OCI_CONFIG_MAX_BYTES) {
                problem(&p, "too large (%zu bytes, at most %u)", len, OCI_CONFIG_MAX_BYTES);
                return -1;
        }
        root = load_json(p.name, buf, len, &p);
        if (root == NULL)
                return -1;
        parse_config(&p, root, out);
        json_decref(root);
        if (p.nproblems > 0) {
                oci_config_free(out);
                return -1;
        }
        return 0;
}

int oci_config_load(const char *path, struct oci_config *out, struct sb_diags *diags,
                    struct sb_err *err)
{
        _cleanup_fclose_ FILE *f = NULL;
        _cleanup_free_ char *buf = NULL;
        size_t n = 0, cap = 0;
        struct stat st;

        memset(out, 0, sizeof(*out));
        f = fopen(path, "re");
        if (f == NULL)
                return sb_err_set(err, errno, "open `%s`", path);
        if (fstat(fileno(f), &st) < 0)
                return sb_err_set(err, errno, "stat `%s`", path);
        if (!S_ISREG(st.st_mode))
                return sb_err_set(err, 0, "%s: not a regular file", path);
        if ((uint64_t)st.st_size > OCI_CONFIG_MAX_BYTES)
                return sb_err_set(err, 0, "%s: too large (%jd bytes, at most %u)", path,
                                  (intmax_t)st.st_size, OCI_CONFIG_MAX_BYTES);
        /* The size may change under us: read until EOF, but never past the limit. */
        for (;;) {
                if (n == cap) {
                        size_t ncap = cap ? cap * 2 : (size_t)st.st_size + 1;
                        char *nb;
                        if (ncap > OCI_CONFIG_MAX_BYTES + 1u)
                                ncap = OCI_CONFIG_MAX_BYTES + 1u;
                        if (ncap == cap)
                                return sb_err_set(err, 0, "%s: too large (more than %u bytes)",
                                                  path, OCI_CONFIG_MAX_BYTES);
                        nb = realloc(buf, ncap);
                        if (nb == NULL)
                                return sb_err_set(err, ENOMEM, "read `%s`", path);
                        buf = nb;
                        cap = ncap;
                }
                size_t r = fread(buf + n, 1, cap - n, f);
                if (r == 0)
                        break;
                n += r;
        }
        if (ferror(f))
                return sb_err_set(err, EIO, "read `%s`", path);
        return oci_config_parse(path, buf, n, out, diags, err);
}
