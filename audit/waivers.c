/* --ignore FILE: waivers, a JSON list of
 *   {"id": "SB-NS-001", "match": "bundles/debug", "reason": "...", "expires": "2025-12-31"}
 * `match` (optional) is a substring of the input name; `reason` is required
 * so that every waiver says why; an expired waiver stops waiving and is
 * itself reported (SB-AUDIT-001). */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"

static bool valid_date(const char *s)
{
        int y, m, d;
        if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
                return false;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
                        return false;
        y = atoi(s);
        m = atoi(s + 5);
        d = atoi(s + 8);
        return y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int get_string(const char *name, json_t *o, size_t i, const char *key, bool required,
                      char **out, struct sb_err *err)
{
        json_t *v = json_object_get(o, key);

        *out = NULL;
        if (v == NULL || json_is_null(v)) {
                if (required)
                        return sb_err_set(err, 0, "%s: [%zu].%s: required", name, i, key);
                return 0;
        }
        if (!json_is_string(v))
                return sb_err_set(err, 0, "%s: [%zu].%s: expected a string", name, i, key);
        if (required && json_string_length(v) == 0)
                return sb_err_set(err, 0, "%s: [%zu].%s: must not be empty", name, i, key);
        *out = strdup(json_string_value(v));
        if (*out == NULL)
                return sb_err_set(err, ENOMEM, "%s", name);
        return 0;
}

int audit_waivers_parse(const char *name, const char *buf, size_t len, struct audit_waivers *out,
                        struct sb_err *err)
{
        json_error_t je;
        json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
        int rc = -1;

        memset(out, 0, sizeof(*out));
        if (root == NULL)
                return sb_err_set(err, 0, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        out->source = strdup(name);
        if (!json_is_array(root)) {
                sb_err_set(err, 0, "%s: .: expected an array of waivers", name);
                goto out;
        }
        out->items = calloc(json_array_size(root) + 1, sizeof(*out->items));
        if (out->source == NULL || out->items == NULL) {
                sb_err_set(err, ENOMEM, "%s", name);
                goto out;
        }
        for (size_t i = 0; i < json_array_size(root); i++) {
                json_t *o = json_array_get(root, i);
                struct audit_waiver *w = &out->items[out->count];
                const char *key;
                json_t *v;

                if (!json_is_object(o)) {
                        sb_err_set(err, 0, "%s: [%zu]: expected an object", name, i);
                        goto out;
                }
                json_object_foreach(o, key, v)
                {
                        if (strcmp(key, "id") != 0 && strcmp(key, "match") != 0 &&
                            strcmp(key, "reason") != 0 && strcmp(key, "expires") != 0) {
                                sb_err_set(err, 0, "%s: [%zu].%s: unknown key", name, i, key);
                                goto out;
                        }
                }
                out->count++;
                if (get_string(name, o, i, "id", true, &w->id, err) < 0 ||
                    get_string(name, o, i, "match", false, &w->match, err) < 0 ||
                    get_string(name, o, i, "reason", true, &w->reason, err) < 0 ||
                    get_string(name, o, i, "expires", false, &w->expires, err) < 0)
                        goto out;
                if (audit_check_find(w->id) == NULL) {
                        sb_err_set(err, 0, "%s: [%zu].id: unknown check \"%s\"", name, i, w->id);
                        goto out;
                }
                if (w->expires != NULL && !valid_date(w->expires)) {
                        sb_err_set(err, 0, "%s: [%zu].expires: \"%s\" is not a YYYY-MM-DD date",
                                   name, i, w->expires);
                        goto out;
                }
        }
        rc = 0;
out:
        json_decref(root);
        if (rc < 0)
                audit_waivers_free(out);
        return rc;
}

static bool expired(const struct audit_waiver *w, const char *today)
{
        /* YYYY-MM-DD compares as text; the waiver holds through its expiry day. */
        return w->expires != NULL && today != NULL && strcmp(w->expires, today) < 0;
}

void audit_waivers_apply(struct audit_waivers *w, struct audit_report *r, const char *today)
{
        char field[64];

        for (size_t i = r->count; i > 0; i--) {
                const struct audit_finding *f = &r->items[i - 1];
                for (size_t k = 0; k < w->count; k++) {
                        const struct audit_waiver *wv = &w->items[k];
                        if (strcmp(wv->id, f->check->id) != 0 || expired(wv, today))
                                continue;
                        if (wv->match != NULL &&
                            (f->input == NULL || strstr(f->input, wv->match) == NULL))
                                continue;
                        w->items[k].used = true;
                        audit_report_remove(r, i - 1);
                        break;
                }
        }
        for (size_t k = 0; k < w->count; k++) {
                if (!expired(&w->items[k], today))
                        continue;
                size_t from = r->count;
                snprintf(field, sizeof(field), "[%zu].expires", k);
                audit_report_add(r, "SB-AUDIT-001", field, w->items[k].expires,
                                 "the waiver of %s%s%s (\"%s\") expired on %s", w->items[k].id,
                                 w->items[k].match ? " for " : "",
                                 w->items[k].match ? w->items[k].match : "", w->items[k].reason,
                                 w->items[k].expires);
                audit_report_set_input(r, from, w->source);
        }
}

void audit_waivers_free(struct audit_waivers *w)
{
        for (size_t i = 0; i < w->count; i++) {
                free(w->items[i].id);
                free(w->items[i].match);
                free(w->items[i].reason);
                free(w->items[i].expires);
        }
        free(w->items);
        free(w->source);
        memset(w, 0, sizeof(*w));
}
