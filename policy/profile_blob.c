/* Effective profile <-> bytes (see profile_blob.h). */
#include "policy/profile_blob.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/bytes.h"

#define BLOB_MAGIC 0x31424f52505342ull /* "BSPROB1" in memory */
#define NO_STRING  UINT32_MAX
/* No count in a profile comes near this; the real bound is the bytes left. */
#define MAX_COUNT (1u << 20)

/* ---- writing ---- */

static void put_u8(struct sb_bytes *w, bool v)
{
        uint8_t b = v;
        sb_bytes_put(w, &b, 1);
}

static void put_u32(struct sb_bytes *w, uint32_t v)
{
        sb_bytes_put(w, &v, sizeof(v));
}

static void put_u64(struct sb_bytes *w, uint64_t v)
{
        sb_bytes_put(w, &v, sizeof(v));
}

static void put_str(struct sb_bytes *w, const char *s)
{
        if (s == NULL) {
                put_u32(w, NO_STRING);
                return;
        }
        size_t n = strlen(s);
        put_u32(w, (uint32_t)n);
        sb_bytes_put(w, s, n);
}

static void put_verdict(struct sb_bytes *w, const struct policy_verdict *v)
{
        put_u32(w, (uint32_t)v->action);
        put_u32(w, (uint32_t)v->errnum);
        put_u8(w, v->record);
}

static void put_args(struct sb_bytes *w, const struct policy_arg *a, size_t n)
{
        put_u32(w, (uint32_t)n);
        for (size_t i = 0; i < n; i++) {
                put_u32(w, a[i].index);
                put_u32(w, (uint32_t)a[i].op);
                put_u64(w, a[i].value);
                put_u64(w, a[i].value_two);
        }
}

static void put_rule(struct sb_bytes *w, const struct policy_rule *r)
{
        put_u32(w, (uint32_t)r->n_names);
        for (size_t i = 0; i < r->n_names; i++)
                put_str(w, r->names[i]);
        put_args(w, r->args, r->n_args);
        put_args(w, r->any_args, r->n_any_args);
        put_verdict(w, &r->verdict);
        put_u32(w, (uint32_t)r->n_paths);
        for (size_t i = 0; i < r->n_paths; i++) {
                put_str(w, r->paths[i].pattern);
                put_u32(w, (uint32_t)r->paths[i].match);
                put_u32(w, r->paths[i].access);
                put_verdict(w, &r->paths[i].decision);
        }
        put_verdict(w, &r->otherwise);
        put_u8(w, r->optional);
        put_str(w, r->comment);
        put_str(w, r->origin);
}

int policy_profile_to_blob(const struct policy_profile *p, char **out, size_t *len)
{
        struct sb_bytes w = {0};
        const struct policy_bounds *b = &p->bounds;

        put_u64(&w, BLOB_MAGIC);
        put_str(&w, p->name);
        put_str(&w, p->description);
        put_str(&w, p->source);
        put_str(&w, p->extends);
        put_u8(&w, p->has_default);
        put_verdict(&w, &p->default_verdict);
        put_u32(&w, (uint32_t)p->architectures.count);
        for (size_t i = 0; i < p->architectures.count; i++)
                put_str(&w, p->architectures.items[i]);
        put_u32(&w, (uint32_t)p->n_rules);
        for (size_t i = 0; i < p->n_rules; i++)
                put_rule(&w, &p->rules[i]);
        put_u8(&w, b->has_max_caps);
        put_u64(&w, b->max_caps);
        put_u32(&w, b->private_ns);
        put_u8(&w, b->has_privileged);
        put_u8(&w, b->privileged);
        put_u8(&w, b->has_on_sentry_loss);
        put_u32(&w, (uint32_t)b->on_sentry_loss);
        put_u8(&w, p->has_learn);
        put_u8(&w, p->learn);
        if (w.failed) {
                free(w.buf);
                return -1;
        }
        *out = w.buf;
        *len = w.len;
        return 0;
}

/* ---- reading ---- */

struct reader {
        const char *p;
        size_t left;
        bool failed;
};

static bool take(struct reader *r, void *dst, size_t n)
{
        if (r->failed || n > r->left) {
                r->failed = true;
                return false;
        }
        memcpy(dst, r->p, n);
        r->p += n;
        r->left -= n;
        return true;
}

static uint32_t get_u32(struct reader *r)
{
        uint32_t v = 0;
        take(r, &v, sizeof(v));
        return v;
}

static uint64_t get_u64(struct reader *r)
{
        uint64_t v = 0;
        take(r, &v, sizeof(v));
        return v;
}

static bool get_bool(struct reader *r)
{
        uint8_t b = 0;
        if (take(r, &b, 1) && b > 1)
                r->failed = true;
        return b == 1;
}

/* A value below `limit` (exclusive). */
static uint32_t get_below(struct reader *r, uint32_t limit)
{
        uint32_t v = get_u32(r);
        if (v >= limit)
                r->failed = true;
        return r->failed ? 0 : v;
}

/* A count of elements that each take at least `min_size` bytes. */
static size_t get_count(struct reader *r, size_t min_size)
{
        uint32_t n = get_u32(r);
        if (n > MAX_COUNT || (size_t)n * min_size > r->left)
                r->failed = true;
        return r->failed ? 0 : n;
}

/* *out: a malloc'd copy (NULL for the absent string); false on failure. */
static bool get_str(struct reader *r, char **out)
{
        uint32_t n = get_u32(r);

        *out = NULL;
        if (r->failed || n == NO_STRING)
                return !r->failed;
        if (n > r->left || memchr(r->p, '\0', n) != NULL) {
                r->failed = true;
                return false;
        }
        *out = malloc((size_t)n + 1);
        if (*out == NULL) {
                r->failed = true;
                return false;
        }
        take(r, *out, n);
        (*out)[n] = '\0';
        return true;
}

static void get_verdict(struct reader *r, struct policy_verdict *v)
{
        v->action = (enum policy_action)get_below(r, POLICY_ACT_SENTRY + 1);
        v->errnum = (int)get_below(r, 4096);
        v->record = get_bool(r);
}

static void *get_array(struct reader *r, size_t n, size_t size)
{
        void *a = calloc(n ? n : 1, size);
        if (a == NULL)
                r->failed = true;
        return a;
}

#define ARG_BYTES (4 + 4 + 8 + 8)

static struct policy_arg *get_args(struct reader *r, size_t *n_out)
{
        size_t n = get_count(r, ARG_BYTES);
        struct policy_arg *a = get_array(r, n, sizeof(*a));

        *n_out = 0;
        if (a == NULL)
                return NULL;
        for (size_t i = 0; i < n && !r->failed; i++) {
                a[i].index = get_below(r, POLICY_MAX_ARGS);
                a[i].op = (enum oci_seccomp_op)get_below(r, OCI_SCMP_CMP_MASKED_EQ + 1);
                a[i].value = get_u64(r);
                a[i].value_two = get_u64(r);
        }
        *n_out = r->failed ? 0 : n;
        return a;
}

static void get_rule(struct reader *r, struct policy_rule *ru)
{
        size_t n = get_count(r, 4);

        ru->names = get_array(r, n, sizeof(char *));
        for (size_t i = 0; i < n && !r->failed; i++)
                if (get_str(r, &ru->names[ru->n_names]) && ru->names[ru->n_names] != NULL)
                        ru->n_names++;
                else
                        r->failed = true;
        ru->args = get_args(r, &ru->n_args);
        ru->any_args = get_args(r, &ru->n_any_args);
        get_verdict(r, &ru->verdict);
        n = get_count(r, 4 + 4 + 4 + 9);
        ru->paths = get_array(r, n, sizeof(*ru->paths));
        for (size_t i = 0; i < n && !r->failed; i++) {
                struct policy_path_rule *pr = &ru->paths[ru->n_paths];

                if (!get_str(r, &pr->pattern) || pr->pattern == NULL) {
                        r->failed = true;
                        break;
                }
                ru->n_paths++;
                pr->match = (enum policy_match)get_below(r, POLICY_MATCH_GLOB + 1);
                pr->access = get_below(r, POLICY_ACCESS_ALL + 1);
                get_verdict(r, &pr->decision);
        }
        get_verdict(r, &ru->otherwise);
        ru->optional = get_bool(r);
        get_str(r, &ru->comment);
        get_str(r, &ru->origin);
}

int policy_profile_from_blob(const char *blob, size_t len, struct policy_profile *out)
{
        struct reader r = {blob, len, false};
        struct policy_bounds *b = &out->bounds;
        size_t n;

        memset(out, 0, sizeof(*out));
        if (get_u64(&r) != BLOB_MAGIC)
                return -1;
        get_str(&r, &out->name);
        get_str(&r, &out->description);
        get_str(&r, &out->source);
        get_str(&r, &out->extends);
        out->has_default = get_bool(&r);
        get_verdict(&r, &out->default_verdict);
        n = get_count(&r, 4);
        out->architectures.items = get_array(&r, n, sizeof(char *));
        for (size_t i = 0; i < n && !r.failed; i++) {
                char **s = &out->architectures.items[out->architectures.count];
                if (get_str(&r, s) && *s != NULL)
                        out->architectures.count++;
                else
                        r.failed = true;
        }
        n = get_count(&r, 4 * 6);
        out->rules = get_array(&r, n, sizeof(*out->rules));
        for (size_t i = 0; i < n && !r.failed; i++)
                get_rule(&r, &out->rules[out->n_rules++]);
        b->has_max_caps = get_bool(&r);
        b->max_caps = get_u64(&r);
        b->private_ns = get_u32(&r);
        b->has_privileged = get_bool(&r);
        b->privileged = get_bool(&r);
        b->has_on_sentry_loss = get_bool(&r);
        b->on_sentry_loss = (enum policy_sentry_loss)get_below(&r, POLICY_LOSS_DENY + 1);
        out->has_learn = get_bool(&r);
        out->learn = get_bool(&r);
        if (r.failed || r.left != 0 || out->name == NULL) {
                policy_profile_free(out);
                return -1;
        }
        return 0;
}
