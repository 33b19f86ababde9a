/* Learned events -> a generated profile (see generate.h). */
#include "policy/generate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compile.h"
#include "policy/syscalls.h"

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_name(char **names, size_t n, const char *name)
{
        return n > 0 && bsearch(&name, names, n, sizeof(char *), cmp_str) != NULL;
}

void policy_learned_free(struct policy_learned *l)
{
        for (size_t i = 0; i < l->n_names; i++)
                free(l->names[i]);
        free(l->names);
        memset(l, 0, sizeof(*l));
}

int policy_learned_parse(const char *file, const char *text, size_t len, const char *id,
                         struct policy_learned *out, struct sb_err *err)
{
        size_t line = 0, cap = 0;
        const char *p = text, *end = text + len;

        memset(out, 0, sizeof(*out));
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
                json_error_t jerr;
                json_t *e;

                line++;
                if (n == 0) {
                        p += 1;
                        continue;
                }
                e = json_loadb(p, n, 0, &jerr);
                p += n + (nl != NULL);
                if (!json_is_object(e)) {
                        json_decref(e);
                        policy_learned_free(out);
                        return sb_err_set(err, 0, "%s:%zu: not a JSON object (%s)", file, line,
                                          jerr.text);
                }
                const char *cid = json_string_value(json_object_get(e, "container_id"));
                const char *sc = json_string_value(json_object_get(e, "syscall"));
                const char *dec = json_string_value(json_object_get(e, "decision"));
                bool learned = json_is_string(json_object_get(e, "arg_class"));

                if (learned && (id == NULL || (cid && strcmp(cid, id) == 0)) && sc != NULL &&
                    dec != NULL && strcmp(dec, "allow") == 0 && policy_syscall_nr(sc) >= 0) {
                        out->n_events++;
                        out->n_classes++;
                        if (!has_name(out->names, out->n_names, sc)) {
                                if (out->n_names == cap) {
                                        char **t = realloc(out->names, (cap = cap ? cap * 2 : 64) *
                                                                           sizeof(char *));
                                        if (t == NULL) {
                                                json_decref(e);
                                                policy_learned_free(out);
                                                return sb_err_set(err, ENOMEM, "%s", file);
                                        }
                                        out->names = t;
                                }
                                out->names[out->n_names++] = strdup(sc);
                                if (out->names[out->n_names - 1] == NULL) {
                                        json_decref(e);
                                        policy_learned_free(out);
                                        return sb_err_set(err, ENOMEM, "%s", file);
                                }
                                qsort(out->names, out->n_names, sizeof(char *), cmp_str);
                        }
                }
                json_decref(e);
        }
        if (out->n_events == 0) {
                policy_learned_free(out);
                return sb_err_set(err, 0,
                                  "%s: no learn event%s%s (record them with `sandbox profile "
                                  "learn`, or a profile with \"learn\": true)",
                                  file, id ? " of container " : "", id ? id : "");
        }
        return 0;
}

/* Learned or hand-over. */
static bool wanted(const struct policy_learned *l, const char *name)
{
        return has_name(l->names, l->n_names, name) || policy_is_handover(name);
}

static bool conditional(json_t *rule)
{
        return json_object_get(rule, "args") != NULL || json_object_get(rule, "anyArgs") != NULL;
}

static bool is_action(json_t *rule, const char *a)
{
        const char *v = json_string_value(json_object_get(rule, "action"));
        return v != NULL && strcmp(v, a) == 0;
}

/* Names in `arr` (a JSON array of strings) as a set for lookups. */
static bool json_names_have(json_t *set, const char *name)
{
        return json_object_get(set, name) != NULL;
}

/* Every wanted name not in `taken`, sorted. */
static json_t *allow_list(const struct policy_learned *l, json_t *taken)
{
        const char *const *all;
        size_t n_all = policy_syscall_names(&all);
        char **names = calloc(n_all ? n_all : 1, sizeof(char *));
        size_t n = 0;
        json_t *arr = json_array();

        if (names == NULL || arr == NULL) {
                free(names);
                json_decref(arr);
                return NULL;
        }
        for (size_t i = 0; i < n_all; i++)
                if (wanted(l, all[i]) && !json_names_have(taken, all[i]))
                        names[n++] = (char *)all[i];
        qsort(names, n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n; i++)
                json_array_append_new(arr, json_string(names[i]));
        free(names);
        return arr;
}

json_t *policy_generate_profile(const struct policy_profile *base, const struct policy_learned *l,
                                const char *name, const char *from)
{
        json_t *pj = policy_profile_to_json(base), *out = json_object(), *rules = json_array(),
               *taken = json_object(), *r, *desc;
        size_t i;

        if (pj == NULL || out == NULL || rules == NULL || taken == NULL)
                goto fail;
        json_object_set_new(out, "name", json_string(name));
        desc = json_sprintf("generated by `sandbox profile generate` from %s: %zu syscalls "
                            "learned (%zu argument classes), base profile %s; every other "
                            "syscall is refused and recorded",
                            from, l->n_names, l->n_classes, base->name ? base->name : "?");
        json_object_set_new(out, "description", desc);
        json_object_set_new(out, "defaultAction", json_string("errno"));
        json_object_set_new(out, "defaultErrno", json_string("EPERM"));
        json_object_set_new(out, "defaultRecord", json_true());
        if (json_object_get(pj, "architectures") != NULL)
                json_object_set(out, "architectures", json_object_get(pj, "architectures"));

        json_array_foreach(json_object_get(pj, "rules"), i, r)
        {
                json_t *names = json_object_get(r, "names"), *keep = json_array(), *n;
                size_t k;

                if (is_action(r, "allow") && !conditional(r)) {
                        json_decref(keep); /* the learned list below decides */
                        continue;
                }
                json_array_foreach(names, k, n)
                {
                        const char *s = json_string_value(n);
                        /* Allows only for what the workload does; refusals,
                         * routes and records of the base all stay. */
                        if (s != NULL && (!is_action(r, "allow") || wanted(l, s)))
                                json_array_append(keep, n);
                }
                if (json_array_size(keep) == 0) {
                        json_decref(keep);
                        continue;
                }
                json_array_foreach(keep, k, n)
                    json_object_set_new(taken, json_string_value(n), json_true());
                json_t *copy = json_deep_copy(r);
                json_object_set_new(copy, "names", keep);
                json_array_append_new(rules, copy);
        }
        json_t *allow = allow_list(l, taken);
        if (allow == NULL)
                goto fail;
        if (json_array_size(allow) > 0)
                json_array_append_new(rules, json_pack("{s:s, s:o, s:s}", "comment",
                                                       "learned: what the workload did", "names",
                                                       allow, "action", "allow"));
        else
                json_decref(allow);
        json_object_set_new(out, "rules", rules);
        rules = NULL;
        if (json_object_get(pj, "bounds") != NULL)
                json_object_set(out, "bounds", json_object_get(pj, "bounds"));
        json_decref(pj);
        json_decref(taken);
        return out;
fail:
        json_decref(pj);
        json_decref(out);
        json_decref(rules);
        json_decref(taken);
        return NULL;
}

json_t *policy_generate_oci(const struct policy_profile *base, const struct policy_learned *l)
{
        json_t *pj = policy_profile_to_json(base), *refused = json_object(), *r, *out, *arches;
        size_t i;

        if (pj == NULL || refused == NULL) {
                json_decref(pj);
                json_decref(refused);
                return NULL;
        }
        /* What the base refuses outright stays refused. */
        json_array_foreach(json_object_get(pj, "rules"), i, r)
        {
                json_t *n;
                size_t k;

                if (conditional(r) || !(is_action(r, "errno") || is_action(r, "kill-process") ||
                                        is_action(r, "kill-container")))
                        continue;
                json_array_foreach(json_object_get(r, "names"), k, n)
                    json_object_set_new(refused, json_string_value(n), json_true());
        }
#if defined(__x86_64__)
        arches = json_pack("[s, s, s]", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32");
#else
        arches = json_array(); /* the native architecture only */
#endif
        json_t *names = allow_list(l, refused);
        /* A runtime loads this filter before its own last steps, which
         * include loading further filters (sandbox's profile, runc's
         * ordering): seccomp(2) must stay possible. */
        if (names != NULL && !json_object_get(refused, "seccomp")) {
                size_t k;
                json_t *n;
                bool have = false;
                json_array_foreach(names, k, n) have |=
                    strcmp(json_string_value(n), "seccomp") == 0;
                if (!have)
                        json_array_append_new(names, json_string("seccomp"));
        }
        out = json_pack("{s:s, s:i, s:o, s:[{s:o, s:s}]}", "defaultAction", "SCMP_ACT_ERRNO",
                        "defaultErrnoRet", 1, "architectures", arches, "syscalls", "names", names,
                        "action", "SCMP_ACT_ALLOW");
        json_decref(pj);
        json_decref(refused);
        return out;
}
