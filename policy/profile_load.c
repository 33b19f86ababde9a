/* Finding profiles by name, following `extends`, and flattening a chain into
 * the effective profile. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/profile.h"
#include "policy/syscalls.h"
#include "runtime/cleanup.h"

#ifndef SANDBOX_PROFILE_DIR
#define SANDBOX_PROFILE_DIR "/usr/local/share/sandbox/profiles"
#endif
#define ETC_PROFILE_DIR "/etc/sandbox/profiles"

static bool is_path_ref(const char *ref)
{
        size_t n = strlen(ref);

        return strchr(ref, '/') != NULL || (n > 5 && strcmp(ref + n - 5, ".json") == 0);
}

static bool valid_name(const char *s)
{
        if (s[0] == '\0' || s[0] == '.' || strlen(s) > 128)
                return false;
        for (; *s; s++)
                if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' && *s != '-')
                        return false;
        return true;
}

static int try_dir(const char *dir, size_t dlen, const char *name, char **path_out)
{
        char *p;

        if (dlen == 0)
                return -1;
        if (asprintf(&p, "%.*s/%s.json", (int)dlen, dir, name) < 0)
                return -1;
        if (access(p, R_OK) == 0) {
                *path_out = p;
                return 0;
        }
        free(p);
        return -1;
}

int policy_profile_find(const char *ref, const char *base_dir, char **path_out, struct sb_err *err)
{
        const char *env = getenv("SANDBOX_PROFILE_PATH");

        *path_out = NULL;
        if (ref == NULL || ref[0] == '\0')
                return sb_err_set(err, EINVAL, "empty profile name");
        if (is_path_ref(ref)) {
                int r;

                if (ref[0] == '/' || base_dir == NULL)
                        r = asprintf(path_out, "%s", ref);
                else
                        r = asprintf(path_out, "%s/%s", base_dir, ref);
                if (r < 0)
                        return sb_err_set(err, ENOMEM, "profile `%s`", ref);
                return 0;
        }
        if (!valid_name(ref))
                return sb_err_set(err, EINVAL,
                                  "profile name `%s`: use letters, digits, '.', '_' and '-' (or "
                                  "give a path)",
                                  ref);
        /* A name extended from a profile file is first looked up beside it. */
        if (base_dir != NULL && try_dir(base_dir, strlen(base_dir), ref, path_out) == 0)
                return 0;
        /* $SANDBOX_PROFILE_PATH first (development, tests), then the
         * administrator's /etc, then the profiles installed with the binary. */
        while (env != NULL && *env != '\0') {
                size_t n = strcspn(env, ":");

                if (try_dir(env, n, ref, path_out) == 0)
                        return 0;
                env += n;
                if (*env == ':')
                        env++;
        }
        if (try_dir(ETC_PROFILE_DIR, strlen(ETC_PROFILE_DIR), ref, path_out) == 0)
                return 0;
        if (try_dir(SANDBOX_PROFILE_DIR, strlen(SANDBOX_PROFILE_DIR), ref, path_out) == 0)
                return 0;
#ifdef SANDBOX_SOURCE_PROFILE_DIR
        /* An uninstalled build (build/sandbox) uses the profiles of its source tree. */
        if (try_dir(SANDBOX_SOURCE_PROFILE_DIR, strlen(SANDBOX_SOURCE_PROFILE_DIR), ref,
                    path_out) == 0)
                return 0;
#endif
        return sb_err_set(
            err, ENOENT,
            "profile `%s` not found (looked in $SANDBOX_PROFILE_PATH, " ETC_PROFILE_DIR
            " and " SANDBOX_PROFILE_DIR ")",
            ref);
}

/* ---- flatten ---- */

/* Names of syscalls of the profile's other architectures only (getuid32,
 * mmap2 ... of x86 on x86_64): no native number to index them by. */
struct other_names {
        const char **v;
        size_t n, cap;
};

static bool other_has(const struct other_names *s, const char *name)
{
        for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->v[i], name) == 0)
                        return true;
        return false;
}

static int other_add(struct other_names *s, const char *name)
{
        if (other_has(s, name))
                return 0;
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 16;
                const char **tmp = realloc(s->v, cap * sizeof(*tmp));
                if (tmp == NULL)
                        return -1;
                s->v = tmp;
                s->cap = cap;
        }
        s->v[s->n++] = name;
        return 0;
}

/* Copies rule `r` (of profile `pname`) with its names expanded to syscall
 * names, minus those in `taken` (native numbers) and `taken_other`; marks
 * the names in `mine` and `mine_other`. An empty result (everything taken
 * by a child) gives names == NULL. */
static int copy_rule(const struct policy_rule *r, const char *pname, size_t idx, const bool *taken,
                     bool *mine, const struct other_names *taken_other,
                     struct other_names *mine_other, struct policy_rule *o)
{
        struct other_names seen_other = {0};
        bool seen[POLICY_SYSCALL_NR_MAX] = {0};
        size_t cap = 0, n = 0;
        char **names = NULL;

        memset(o, 0, sizeof(*o));
        for (size_t i = 0; i < r->n_names; i++) {
                const char *one[] = {r->names[i], NULL};
                const char *const *list = one;
                const struct policy_group *g = NULL;

                if (r->names[i][0] == '@') {
                        g = policy_group_find(r->names[i]);
                        if (g == NULL)
                                continue; /* rejected by the parser */
                        list = g->syscalls;
                }
                for (; *list != NULL; list++) {
                        int nr = policy_syscall_nr(*list);

                        if (nr == -2) {
                                /* A syscall of other architectures only: kept
                                 * for the filter's sections of those. */
                                if (other_has(&seen_other, *list) || other_has(taken_other, *list))
                                        continue;
                                if (other_add(&seen_other, *list) < 0 ||
                                    other_add(mine_other, *list) < 0)
                                        goto nomem;
                        } else if (nr < 0 || nr >= POLICY_SYSCALL_NR_MAX || seen[nr] || taken[nr]) {
                                continue; /* unknown to libseccomp: optional */
                        } else {
                                seen[nr] = true;
                                mine[nr] = true;
                        }
                        if (n == cap) {
                                char **tmp;

                                cap = cap ? cap * 2 : 8;
                                tmp = realloc(names, cap * sizeof(char *));
                                if (tmp == NULL)
                                        goto nomem;
                                names = tmp;
                        }
                        if ((names[n] = strdup(*list)) == NULL)
                                goto nomem;
                        n++;
                }
        }
        size_t seen_other_n = seen_other.n;
        free(seen_other.v);
        seen_other.v = NULL;
        o->names = names;
        o->n_names = n;
        if (n == 0)
                return 0;
        o->verdict = r->verdict;
        o->otherwise = r->otherwise;
        /* names of other architectures only (also from a group): the rule
         * reads back as it was only when marked optional */
        o->optional = r->optional || seen_other_n > 0;
        if (r->n_args > 0) {
                o->args = malloc(r->n_args * sizeof(*o->args));
                if (o->args == NULL)
                        return -1;
                memcpy(o->args, r->args, r->n_args * sizeof(*o->args));
                o->n_args = r->n_args;
        }
        if (r->n_any_args > 0) {
                o->any_args = malloc(r->n_any_args * sizeof(*o->any_args));
                if (o->any_args == NULL)
                        return -1;
                memcpy(o->any_args, r->any_args, r->n_any_args * sizeof(*o->any_args));
                o->n_any_args = r->n_any_args;
        }
        if (r->n_paths > 0) {
                o->paths = calloc(r->n_paths, sizeof(*o->paths));
                if (o->paths == NULL)
                        return -1;
                o->n_paths = r->n_paths;
                for (size_t i = 0; i < r->n_paths; i++) {
                        o->paths[i] = r->paths[i];
                        o->paths[i].pattern =
                            strdup(r->paths[i].pattern ? r->paths[i].pattern : "/");
                        if (o->paths[i].pattern == NULL)
                                return -1;
                }
        }
        if (r->comment != NULL && (o->comment = strdup(r->comment)) == NULL)
                return -1;
        if (asprintf(&o->origin, "%s.rules[%zu]", pname ? pname : "?", idx) < 0) {
                o->origin = NULL;
                return -1;
        }
        return 0;
nomem:
        free(seen_other.v);
        for (size_t i = 0; i < n; i++)
                free(names[i]);
        free(names);
        o->names = NULL;
        o->n_names = 0;
        return -1;
}

static void merge_bounds(struct policy_bounds *b, const struct policy_bounds *c)
{
        if (c->has_max_caps) {
                b->has_max_caps = true;
                b->max_caps = c->max_caps;
        }
        /* Required private namespaces accumulate: a child cannot weaken them. */
        b->private_ns |= c->private_ns;
        if (c->has_privileged) {
                b->has_privileged = true;
                b->privileged = c->privileged;
        }
        if (c->has_on_sentry_loss) {
                b->has_on_sentry_loss = true;
                b->on_sentry_loss = c->on_sentry_loss;
        }
}

static int add_arches(struct oci_string_list *l, const struct oci_string_list *add)
{
        for (size_t i = 0; i < add->count; i++) {
                bool dup = false;
                char **tmp;

                for (size_t k = 0; k < l->count && !dup; k++)
                        dup = strcmp(l->items[k], add->items[i]) == 0;
                if (dup)
                        continue;
                tmp = realloc(l->items, (l->count + 1) * sizeof(char *));
                if (tmp == NULL)
                        return -1;
                l->items = tmp;
                if ((l->items[l->count] = strdup(add->items[i])) == NULL)
                        return -1;
                l->count++;
        }
        return 0;
}

int policy_profile_flatten(const struct policy_profile *const *chain, size_t n,
                           struct policy_profile *out, struct sb_err *err)
{
        const struct policy_profile *top;
        bool taken[POLICY_SYSCALL_NR_MAX] = {0};
        bool mine[POLICY_SYSCALL_NR_MAX];
        struct other_names taken_other = {0}, mine_other = {0};
        struct policy_rule **per = NULL;
        size_t *per_n = NULL, total = 0;
        int rc = -1;

        memset(out, 0, sizeof(*out));
        if (n == 0)
                return sb_err_set(err, EINVAL, "no profile to flatten");
        top = chain[n - 1];
        per = calloc(n, sizeof(*per));
        per_n = calloc(n, sizeof(*per_n));
        if (per == NULL || per_n == NULL)
                goto nomem;

        /* Child first: what a child names, its ancestors no longer decide. */
        for (size_t k = n; k-- > 0;) {
                const struct policy_profile *p = chain[k];

                memset(mine, 0, sizeof(mine));
                mine_other.n = 0;
                per[k] = calloc(p->n_rules ? p->n_rules : 1, sizeof(struct policy_rule));
                if (per[k] == NULL)
                        goto nomem;
                for (size_t i = 0; i < p->n_rules; i++) {
                        struct policy_rule *o = &per[k][per_n[k]];

                        if (copy_rule(&p->rules[i], p->name, i, taken, mine, &taken_other,
                                      &mine_other, o) < 0) {
                                per_n[k]++; /* freed below */
                                goto nomem;
                        }
                        if (o->n_names > 0)
                                per_n[k]++;
                        else
                                free(o->names);
                }
                for (size_t s = 0; s < POLICY_SYSCALL_NR_MAX; s++)
                        taken[s] |= mine[s];
                for (size_t s = 0; s < mine_other.n; s++)
                        if (other_add(&taken_other, mine_other.v[s]) < 0)
                                goto nomem;
                total += per_n[k];
        }

        out->rules = calloc(total ? total : 1, sizeof(*out->rules));
        if (out->rules == NULL)
                goto nomem;
        for (size_t k = 0; k < n; k++) {
                memcpy(out->rules + out->n_rules, per[k], per_n[k] * sizeof(struct policy_rule));
                out->n_rules += per_n[k];
                per_n[k] = 0;
        }
        for (size_t k = 0; k < n; k++) {
                const struct policy_profile *p = chain[k];

                if (p->has_default) {
                        out->has_default = true;
                        out->default_verdict = p->default_verdict;
                }
                if (p->description != NULL) {
                        free(out->description);
                        if ((out->description = strdup(p->description)) == NULL)
                                goto nomem;
                }
                merge_bounds(&out->bounds, &p->bounds);
                if (p->has_learn) {
                        out->has_learn = true;
                        out->learn = p->learn;
                }
                if (add_arches(&out->architectures, &p->architectures) < 0)
                        goto nomem;
        }
        if (!out->has_default) {
                sb_err_set(err, 0,
                           "profile `%s`: no defaultAction in it or the profiles it extends",
                           top->name ? top->name : "?");
                goto out;
        }
        if ((top->name && (out->name = strdup(top->name)) == NULL) ||
            (top->source && (out->source = strdup(top->source)) == NULL))
                goto nomem;
        rc = 0;
        goto out;
nomem:
        sb_err_set(err, ENOMEM, "flatten profile `%s`", top && top->name ? top->name : "?");
out:
        for (size_t k = 0; per != NULL && k < n; k++) {
                struct policy_profile tmp = {.rules = per[k], .n_rules = per_n[k]};

                policy_profile_free(&tmp);
        }
        free(per);
        free(per_n);
        free(taken_other.v);
        free(mine_other.v);
        if (rc < 0)
                policy_profile_free(out);
        return rc;
}

/* ---- the edge: files and extends ---- */

void policy_chain_free(struct policy_chain *chain)
{
        for (size_t i = 0; i < chain->n; i++) {
                free(chain->files[i].ref);
                free(chain->files[i].path);
                free(chain->files[i].text);
        }
        memset(chain, 0, sizeof(*chain));
}

/* Reads and parses one file of a chain, recording it in `chain` when asked. */
static int load_link(const char *ref, const char *path, struct policy_profile *out,
                     struct policy_chain *chain, struct sb_diags *diags, struct sb_err *err)
{
        char *text = NULL;
        size_t len = 0;
        int r;

        memset(out, 0, sizeof(*out));
        if (policy_profile_read_file(path, &text, &len, err) < 0)
                return -1;
        r = policy_profile_parse(path, text, len, out, diags, err);
        if (r < 0 || chain == NULL) {
                free(text);
                return r;
        }
        struct policy_chain_file *f = &chain->files[chain->n++];
        f->ref = strdup(ref);
        f->path = strdup(path);
        f->text = text;
        f->len = len;
        if (f->ref == NULL || f->path == NULL) {
                policy_profile_free(out);
                return sb_err_set(err, ENOMEM, "profile `%s`", path);
        }
        return 0;
}

int policy_profile_resolve(const char *ref, struct policy_profile *out, struct sb_diags *diags,
                           struct sb_err *err)
{
        return policy_profile_resolve_chain(ref, out, NULL, diags, err);
}

int policy_profile_resolve_chain(const char *ref, struct policy_profile *out,
                                 struct policy_chain *record, struct sb_diags *diags,
                                 struct sb_err *err)
{
        struct policy_profile chain[POLICY_MAX_EXTENDS + 1];
        const struct policy_profile *order[POLICY_MAX_EXTENDS + 1];
        char *real[POLICY_MAX_EXTENDS + 1] = {0};
        _cleanup_free_ char *dir = NULL;
        size_t n = 0;
        int rc = -1;

        if (record != NULL)
                memset(record, 0, sizeof(*record));
        memset(out, 0, sizeof(*out));
        for (const char *cur = ref; cur != NULL;) {
                _cleanup_free_ char *path = NULL;
                char *d;

                if (n > POLICY_MAX_EXTENDS) {
                        sb_err_set(err, ELOOP, "profile `%s`: extends chain deeper than %u", ref,
                                   POLICY_MAX_EXTENDS);
                        goto out;
                }
                if (policy_profile_find(cur, dir, &path, err) < 0) {
                        if (n > 0)
                                sb_err_prefix(err, "%s: .extends", chain[n - 1].source);
                        goto out;
                }
                real[n] = realpath(path, NULL);
                if (real[n] == NULL) {
                        sb_err_set(err, errno, "profile `%s`", path);
                        if (n > 0)
                                sb_err_prefix(err, "%s: .extends", chain[n - 1].source);
                        goto out;
                }
                for (size_t k = 0; k < n; k++) {
                        if (strcmp(real[k], real[n]) != 0)
                                continue;
                        char msg[2048] = "";
                        size_t used = 0;

                        for (size_t j = k; j <= n && used < sizeof(msg); j++)
                                used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s%s",
                                                         j > k ? " -> " : "", real[j]);
                        sb_err_set(err, 0, "%s: .extends: cycle: %s", chain[n - 1].source, msg);
                        err->errnum = ELOOP;
                        n++; /* real[n] is freed below */
                        memset(&chain[n - 1], 0, sizeof(chain[0]));
                        goto out;
                }
                if (load_link(cur, path, &chain[n], record, diags, err) < 0) {
                        n++;
                        memset(&chain[n - 1], 0, sizeof(chain[0]));
                        goto out;
                }
                cur = chain[n].extends;
                free(dir);
                d = strdup(path);
                if (d == NULL) {
                        n++;
                        sb_err_set(err, ENOMEM, "profile `%s`", path);
                        goto out;
                }
                dir = strdup(dirname(d));
                free(d);
                n++;
                if (dir == NULL) {
                        sb_err_set(err, ENOMEM, "profile `%s`", ref);
                        goto out;
                }
        }
        /* chain[] is child first; flatten wants base first. */
        for (size_t k = 0; k < n; k++)
                order[k] = &chain[n - 1 - k];
        rc = policy_profile_flatten(order, n, out, err);
out:
        for (size_t k = 0; k < n; k++) {
                policy_profile_free(&chain[k]);
                free(real[k]);
        }
        return rc;
}
