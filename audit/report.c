/* Findings: the report every input and check writes to, and the entry point
 * that runs every check on a config. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

static void *xrealloc(void *p, size_t n)
{
        void *q = realloc(p, n);
        if (q == NULL)
                abort();
        return q;
}

static char *xstrdup(const char *s)
{
        char *d = strdup(s != NULL ? s : "");
        if (d == NULL)
                abort();
        return d;
}

void audit_report_add(struct audit_report *r, const char *id, const char *field, const char *value,
                      const char *fmt, ...)
{
        const struct audit_check *c = audit_check_find(id);
        struct audit_finding *f;
        char *msg = NULL;
        va_list ap;

        assert(c != NULL);
        if (c == NULL)
                return;
        if (r->count == r->cap) {
                r->cap = r->cap ? r->cap * 2 : 16;
                r->items = xrealloc(r->items, r->cap * sizeof(*r->items));
        }
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                abort();
        va_end(ap);
        f = &r->items[r->count++];
        *f = (struct audit_finding){
            .check = c,
            .severity = c->severity,
            .field = xstrdup(field),
            .value = xstrdup(value),
            .message = msg,
            .input = NULL,
        };
}

void audit_report_set_input(struct audit_report *r, size_t from, const char *input)
{
        for (size_t i = from; i < r->count; i++)
                if (r->items[i].input == NULL && input != NULL)
                        r->items[i].input = xstrdup(input);
}

static void finding_free(struct audit_finding *f)
{
        free(f->field);
        free(f->value);
        free(f->message);
        free(f->input);
}

void audit_report_remove(struct audit_report *r, size_t i)
{
        if (i >= r->count)
                return;
        finding_free(&r->items[i]);
        memmove(&r->items[i], &r->items[i + 1], (r->count - i - 1) * sizeof(*r->items));
        r->count--;
}

static int cmp_finding(const struct audit_finding *a, const struct audit_finding *b)
{
        int c;
        if (a->severity != b->severity)
                return a->severity > b->severity ? -1 : 1;
        c = strcmp(a->input ? a->input : "", b->input ? b->input : "");
        if (c != 0)
                return c;
        return strcmp(a->check->id, b->check->id);
}

void audit_report_sort(struct audit_report *r)
{
        /* Insertion sort: stable, and reports are small. */
        for (size_t i = 1; i < r->count; i++) {
                struct audit_finding t = r->items[i];
                size_t j = i;
                while (j > 0 && cmp_finding(&r->items[j - 1], &t) > 0) {
                        r->items[j] = r->items[j - 1];
                        j--;
                }
                r->items[j] = t;
        }
}

void audit_report_filter(struct audit_report *r, enum audit_standard std)
{
        for (size_t i = r->count; i > 0; i--)
                if (!audit_check_in_standard(r->items[i - 1].check, std))
                        audit_report_remove(r, i - 1);
}

bool audit_report_has(const struct audit_report *r, const char *id)
{
        for (size_t i = 0; i < r->count; i++)
                if (strcmp(r->items[i].check->id, id) == 0)
                        return true;
        return false;
}

size_t audit_report_count_at_least(const struct audit_report *r, enum audit_severity min)
{
        size_t n = 0;
        for (size_t i = 0; i < r->count; i++)
                if (r->items[i].severity >= min)
                        n++;
        return n;
}

void audit_report_free(struct audit_report *r)
{
        for (size_t i = 0; i < r->count; i++)
                finding_free(&r->items[i]);
        free(r->items);
        memset(r, 0, sizeof(*r));
}

int audit_config(const struct oci_config *cfg, const char *input_name, struct audit_report *out)
{
        size_t from = out->count;

        audit_check_namespaces(cfg, out);
        audit_check_privileges(cfg, out);
        audit_check_mounts(cfg, out);
        audit_check_devices(cfg, out);
        audit_check_resources(cfg, out);
        audit_check_sysctl(cfg, out);
        audit_check_hooks(cfg, out);
        audit_check_filesystem(cfg, out);
        audit_report_set_input(out, from, input_name);
        return 0;
}
