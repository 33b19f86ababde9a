/* struct policy_profile -> JSON in the profile language (for `profile show`;
 * the output of an effective profile parses back to the same profile). */
#include <jansson.h>
#include <sys/capability.h>

#include "policy/profile.h"

static void put_verdict(json_t *o, const struct policy_verdict *v, const char *akey,
                        const char *ekey, const char *rkey)
{
        json_object_set_new(o, akey, json_string(policy_action_name(v->action)));
        if (v->action == POLICY_ACT_ERRNO) {
                const char *n = policy_errno_name(v->errnum);

                json_object_set_new(o, ekey, n ? json_string(n) : json_integer(v->errnum));
        }
        if (v->record)
                json_object_set_new(o, rkey, json_true());
}

static json_t *args_json(const struct policy_arg *a, size_t n)
{
        json_t *arr = json_array();

        for (size_t i = 0; i < n; i++) {
                json_t *o = json_pack("{s:I, s:s, s:I}", "index", (json_int_t)a[i].index, "op",
                                      policy_op_name(a[i].op), "value", (json_int_t)a[i].value);

                if (o != NULL && a[i].value_two != 0)
                        json_object_set_new(o, "valueTwo",
                                            json_integer((json_int_t)a[i].value_two));
                json_array_append_new(arr, o);
        }
        return arr;
}

static json_t *rule_json(const struct policy_rule *r)
{
        static const char *const access_names[] = {"read", "write", "exec", "create"};
        json_t *o = json_object(), *names = json_array();

        for (size_t i = 0; i < r->n_names; i++)
                json_array_append_new(names, json_string(r->names[i]));
        if (r->comment != NULL)
                json_object_set_new(o, "comment", json_string(r->comment));
        json_object_set_new(o, "names", names);
        if (r->n_args > 0)
                json_object_set_new(o, "args", args_json(r->args, r->n_args));
        if (r->n_any_args > 0)
                json_object_set_new(o, "anyArgs", args_json(r->any_args, r->n_any_args));
        put_verdict(o, &r->verdict, "action", "errno", "record");
        if (r->verdict.action == POLICY_ACT_SENTRY) {
                json_t *paths = json_array(), *other = json_object();

                for (size_t i = 0; i < r->n_paths; i++) {
                        const struct policy_path_rule *p = &r->paths[i];
                        json_t *po = json_object(), *acc = json_array();

                        json_object_set_new(po, p->match == POLICY_MATCH_PREFIX ? "prefix" : "glob",
                                            json_string(p->pattern ? p->pattern : ""));
                        for (unsigned k = 0; k < 4; k++)
                                if (p->access & (1u << k))
                                        json_array_append_new(acc, json_string(access_names[k]));
                        json_object_set_new(po, "access", acc);
                        put_verdict(po, &p->decision, "action", "errno", "record");
                        json_array_append_new(paths, po);
                }
                json_object_set_new(o, "paths", paths);
                put_verdict(other, &r->otherwise, "action", "errno", "record");
                json_object_set_new(o, "otherwise", other);
        }
        if (r->optional)
                json_object_set_new(o, "optional", json_true());
        return o;
}

json_t *policy_profile_to_json(const struct policy_profile *p)
{
        json_t *o = json_object(), *rules = json_array(), *b = json_object();

        if (o == NULL || rules == NULL || b == NULL) {
                json_decref(o);
                json_decref(rules);
                json_decref(b);
                return NULL;
        }
        json_object_set_new(o, "name", json_string(p->name ? p->name : ""));
        if (p->description != NULL)
                json_object_set_new(o, "description", json_string(p->description));
        if (p->extends != NULL)
                json_object_set_new(o, "extends", json_string(p->extends));
        if (p->has_default)
                put_verdict(o, &p->default_verdict, "defaultAction", "defaultErrno",
                            "defaultRecord");
        if (p->architectures.count > 0) {
                json_t *a = json_array();

                for (size_t i = 0; i < p->architectures.count; i++)
                        json_array_append_new(a, json_string(p->architectures.items[i]));
                json_object_set_new(o, "architectures", a);
        }
        if (p->has_learn)
                json_object_set_new(o, "learn", json_boolean(p->learn));
        for (size_t i = 0; i < p->n_rules; i++)
                json_array_append_new(rules, rule_json(&p->rules[i]));
        json_object_set_new(o, "rules", rules);

        if (p->bounds.has_max_caps) {
                json_t *caps = json_array();

                for (int c = 0; c < 64; c++) {
                        char *name;

                        if (!(p->bounds.max_caps & (1ull << c)))
                                continue;
                        name = cap_to_name((cap_value_t)c);
                        if (name == NULL)
                                continue;
                        /* libcap spells them "cap_chown"; the language uses CAP_CHOWN. */
                        for (char *s = name; *s; s++)
                                if (*s >= 'a' && *s <= 'z')
                                        *s = (char)(*s - 'a' + 'A');
                        json_array_append_new(caps, json_string(name));
                        cap_free(name);
                }
                json_object_set_new(b, "maxCapabilities", caps);
        }
        if (p->bounds.private_ns != 0) {
                json_t *ns = json_array();

                for (int t = 0; t < OCI_NS_NTYPES; t++)
                        if (p->bounds.private_ns & (1u << t))
                                json_array_append_new(
                                    ns, json_string(oci_ns_type_name((enum oci_ns_type)t)));
                json_object_set_new(b, "privateNamespaces", ns);
        }
        if (p->bounds.has_privileged)
                json_object_set_new(b, "privileged", json_boolean(p->bounds.privileged));
        if (p->bounds.has_on_sentry_loss)
                json_object_set_new(
                    b, "onSentryLoss",
                    json_string(p->bounds.on_sentry_loss == POLICY_LOSS_DENY ? "deny" : "kill"));
        json_object_set_new(o, "bounds", b);
        return o;
}
