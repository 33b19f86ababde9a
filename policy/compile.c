/* Effective profile -> kernel filter (through the OCI seccomp translation)
 * and the sentry's tables. See compile.h and tables.h. */
#include "policy/compile.h"

#include <errno.h>
#include <fnmatch.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "policy/syscalls.h"
#include "runtime/seccomp_oci.h"

/* Syscalls the runtime's init makes between loading the filter and execve
 * (handing the listener fd over, waiting for the go, exiting on failure):
 * they must not wait for a sentry that has no listener yet, so a default
 * that needs the sentry leaves them to the kernel. */
static const char *const handover[] = {
    "write",   "writev",   "read",   "readv",  "close",      "sendmsg",      "sendto",
    "recvmsg", "recvfrom", "futex",  "exit",   "exit_group", "rt_sigreturn", "rt_sigprocmask",
    "poll",    "ppoll",    "getpid", "gettid", "fcntl",
};

bool policy_is_handover(const char *name)
{
        for (size_t i = 0; i < sizeof(handover) / sizeof(handover[0]); i++)
                if (strcmp(handover[i], name) == 0)
                        return true;
        return false;
}

static bool needs_sentry(const struct policy_verdict *v)
{
        return v->record || v->action == POLICY_ACT_LOG || v->action == POLICY_ACT_SENTRY ||
               v->action == POLICY_ACT_KILL_CONTAINER;
}

/* The kernel's part of a verdict. */
static void kernel_action(const struct policy_verdict *v, enum oci_seccomp_action *a, int *errnum)
{
        *errnum = 0;
        if (needs_sentry(v)) {
                *a = OCI_SCMP_ACT_NOTIFY;
                return;
        }
        switch (v->action) {
        case POLICY_ACT_ERRNO:
                *a = OCI_SCMP_ACT_ERRNO;
                *errnum = v->errnum > 0 ? v->errnum : EPERM;
                return;
        case POLICY_ACT_KILL_PROCESS:
                *a = OCI_SCMP_ACT_KILL_PROCESS;
                return;
        default:
                *a = OCI_SCMP_ACT_ALLOW;
                return;
        }
}

/* What the kernel does on its own for a default verdict that needs the
 * sentry (for the hand-over set and unknown syscall numbers). */
static void kernel_fallback(const struct policy_verdict *v, enum oci_seccomp_action *a, int *errnum)
{
        struct policy_verdict plain = *v;

        plain.record = false;
        if (v->action == POLICY_ACT_LOG || (v->action == POLICY_ACT_ALLOW && v->record)) {
                *a = OCI_SCMP_ACT_LOG;
                *errnum = 0;
                return;
        }
        if (v->action == POLICY_ACT_KILL_CONTAINER)
                plain.action = POLICY_ACT_KILL_PROCESS;
        kernel_action(&plain, a, errnum);
}

static unsigned outcome_of(enum oci_seccomp_action a)
{
        switch (a) {
        case OCI_SCMP_ACT_ALLOW:
        case OCI_SCMP_ACT_LOG:
                return POLICY_OUT_ALLOW;
        case OCI_SCMP_ACT_NOTIFY:
                return POLICY_OUT_ROUTED;
        default:
                return POLICY_OUT_DENY;
        }
}

static bool unconditional(const struct policy_rule *r)
{
        return r->n_args == 0 && r->n_any_args == 0;
}

/* ---- the identity the sentry keeps ---- */

static const char *const identity_names[] = {"umask", "setgroups", "setgroups32", NULL};
/* The calls that change a task's root directory (fs->root): chroot, for
 * its fs_struct sharers too; pivot_root, for every task of the mount
 * namespace; setns and unshare into a mount namespace, for the caller. */
static const char *const root_names[] = {"chroot", "pivot_root", "setns", "unshare", NULL};

static bool is_observed(const struct policy_tables *t, const char *name)
{
        for (size_t i = 0; i < t->n_observed; i++)
                if (strcmp(t->observed[i], name) == 0)
                        return true;
        return false;
}

static bool add_call(struct policy_tables *t, uint32_t arch, int nr, const char *name,
                     bool only_seen)
{
        if (t->n_calls == sizeof(t->calls) / sizeof(t->calls[0]))
                return false;
        t->calls[t->n_calls++] = (struct policy_identity_call){arch, nr, name, only_seen};
        return true;
}

/* The numbers of t->observed on the native architecture (in every filter)
 * and on each the profile lists. */
static void observed_calls(const struct policy_profile *p, struct policy_tables *t)
{
        for (size_t a = 0; t->n_observed > 0 && a <= p->architectures.count; a++) {
                uint32_t token = seccomp_arch_native();
                if (a > 0 && runtime_seccomp_arch(p->architectures.items[a - 1], &token) < 0)
                        continue;
                if (token == SCMP_ARCH_NATIVE)
                        token = seccomp_arch_native();
                for (size_t i = 0; i < t->n_observed; i++) {
                        int nr = seccomp_syscall_resolve_name_arch(token, t->observed[i]);
                        /* x32 calls come with x86_64's audit arch and the x32
                         * bit in the number, which libseccomp's numbers carry. */
                        if (nr >= 0 &&
                            !add_call(t, token == SCMP_ARCH_X32 ? SCMP_ARCH_X86_64 : token, nr,
                                      t->observed[i], true)) {
                                t->identity_kept = false; /* cannot tell them all */
                                return;
                        }
                }
        }
}

/* The one kernel action for every call of `name`, which no native number
 * indexes (setgroups32 here): the default when no rule names it, the rule's
 * when one rule names it without conditions; false when conditions decide. */
static bool other_arch_action(const struct policy_profile *p, const char *name,
                              enum oci_seccomp_action def_a, enum oci_seccomp_action *a)
{
        const struct policy_rule *r = NULL;
        int naming = 0, en;

        for (size_t i = 0; i < p->n_rules; i++)
                for (size_t k = 0; k < p->rules[i].n_names; k++)
                        if (strcmp(p->rules[i].names[k], name) == 0) {
                                naming++;
                                r = &p->rules[i];
                        }
        *a = def_a;
        if (naming == 1 && unconditional(r))
                kernel_action(&r->verdict, a, &en);
        return naming == 0 || (naming == 1 && unconditional(r));
}

/* Whether the sentry sees every call of `names` (*kept stays true): each is
 * refused, routed by a rule, or allowed without conditions and then routed
 * only so that the sentry sees it (t->observed). `def_a` is the filter's
 * default action. */
static void plan_seen(const struct policy_profile *p, struct policy_tables *t,
                      enum oci_seccomp_action def_a, const char *const *names, bool *kept)
{
        for (const char *const *n = names; *n != NULL; n++) {
                int nr = policy_syscall_nr(*n);
                enum oci_seccomp_action a;

                if (nr < 0) {
                        /* Routed by a rule on another architecture, the
                         * sentry refuses it (fail closed): it changes
                         * nothing. */
                        if (!other_arch_action(p, *n, def_a, &a))
                                *kept = false; /* conditions: read each time */
                        else if (a == OCI_SCMP_ACT_ALLOW || a == OCI_SCMP_ACT_LOG)
                                t->observed[t->n_observed++] = *n;
                        continue;
                }
                struct policy_syscall_entry *e = &t->entries[nr];
                if (!(e->outcomes & POLICY_OUT_ALLOW)) {
                        /* refused, or routed by the profile: seen anyway */
                        if ((e->outcomes & POLICY_OUT_ROUTED) &&
                            !add_call(t, seccomp_arch_native(), nr, *n, false))
                                *kept = false;
                } else if (e->n_rules == 0 ||
                           (e->n_rules == 1 &&
                            unconditional(&p->rules[t->rule_refs[e->first_rule]]))) {
                        t->observed[t->n_observed++] = *n;
                        e->outcomes = POLICY_OUT_ROUTED;
                } else {
                        /* allowed for some arguments only: left to the
                         * kernel, and read again at every call */
                        *kept = false;
                }
        }
}

/* Whether the sentry may keep a task's groups and umask, and its root,
 * between its calls; which of the calls that change them are routed only
 * so that it sees them, and the numbers of every such call it receives
 * (tables.h). `def_a` is the filter's default action. */
static void plan_identity(const struct policy_profile *p, struct policy_tables *t,
                          enum oci_seccomp_action def_a)
{
        t->identity_kept = t->root_kept = false;
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].verdict.action == POLICY_ACT_SENTRY)
                        t->identity_kept = true;
        if (!t->identity_kept)
                return; /* nothing the sentry does takes the target's identity */
        plan_seen(p, t, def_a, identity_names, &t->identity_kept);
        if (t->identity_kept) {
                /* the root is kept with the rest of a task's identity */
                t->root_kept = true;
                plan_seen(p, t, def_a, root_names, &t->root_kept);
        }
        observed_calls(p, t);
        if (!t->identity_kept)
                t->root_kept = false;
}

/* ---- the OCI seccomp section being built ---- */

static struct oci_seccomp_syscall *add_entry(struct policy_seccomp *b, size_t n_names,
                                             size_t n_args)
{
        struct oci_seccomp_syscall *sc;

        if (b->s.n_syscalls == b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 64;
                struct oci_seccomp_syscall *tmp = realloc(b->s.syscalls, cap * sizeof(*tmp));

                if (tmp == NULL)
                        return NULL;
                b->s.syscalls = tmp;
                b->cap = cap;
        }
        sc = &b->s.syscalls[b->s.n_syscalls];
        memset(sc, 0, sizeof(*sc));
        sc->names.items = calloc(n_names ? n_names : 1, sizeof(char *));
        sc->args = calloc(n_args ? n_args : 1, sizeof(*sc->args));
        if (sc->names.items == NULL || sc->args == NULL) {
                free(sc->names.items);
                free(sc->args);
                return NULL;
        }
        b->s.n_syscalls++;
        return sc;
}

static void set_action(struct oci_seccomp_syscall *sc, enum oci_seccomp_action a, int errnum)
{
        sc->action = a;
        if (a == OCI_SCMP_ACT_ERRNO) {
                sc->has_errno_ret = true;
                sc->errno_ret = (uint32_t)errnum;
        }
}

static void push_arg(struct oci_seccomp_syscall *sc, const struct policy_arg *a)
{
        sc->args[sc->n_args++] = (struct oci_seccomp_arg){
            .index = a->index, .op = a->op, .value = a->value, .value_two = a->value_two};
}

static void builder_free(struct policy_seccomp *b)
{
        for (size_t i = 0; i < b->s.n_syscalls; i++) {
                free(b->s.syscalls[i].names.items);
                free(b->s.syscalls[i].args);
        }
        free(b->s.syscalls);
        free(b->s.architectures.items);
}

/* One kernel entry per alternative of `r` (anyArgs), for `names`. */
static int emit_rule(struct policy_seccomp *b, const struct policy_rule *r, char **names,
                     size_t n_names, struct sb_err *err)
{
        enum oci_seccomp_action a;
        int errnum;
        size_t alts = r->n_any_args ? r->n_any_args : 1;

        if (n_names == 0)
                return 0;
        kernel_action(&r->verdict, &a, &errnum);
        for (size_t k = 0; k < alts; k++) {
                struct oci_seccomp_syscall *sc = add_entry(b, n_names, r->n_args + 1);

                if (sc == NULL)
                        return sb_err_set(err, ENOMEM, "%s", r->origin ? r->origin : "rule");
                memcpy(sc->names.items, names, n_names * sizeof(char *));
                sc->names.count = n_names;
                set_action(sc, a, errnum);
                for (size_t i = 0; i < r->n_args; i++)
                        push_arg(sc, &r->args[i]);
                if (r->n_any_args > 0)
                        push_arg(sc, &r->any_args[k]);
        }
        return 0;
}

/* seccomp(2) with the listener guard: `a` for everything but
 * SET_MODE_FILTER with NEW_LISTENER, which gets EPERM. */
static int emit_guard(struct policy_seccomp *b, enum oci_seccomp_action a, int errnum,
                      struct sb_err *err)
{
        static char name[] = "seccomp";
        const struct policy_arg not_filter = {0, OCI_SCMP_CMP_NE, SECCOMP_SET_MODE_FILTER, 0};
        const struct policy_arg filter = {0, OCI_SCMP_CMP_EQ, SECCOMP_SET_MODE_FILTER, 0};
        const struct policy_arg no_listener = {1, OCI_SCMP_CMP_MASKED_EQ,
                                               SECCOMP_FILTER_FLAG_NEW_LISTENER, 0};
        const struct policy_arg listener = {1, OCI_SCMP_CMP_MASKED_EQ,
                                            SECCOMP_FILTER_FLAG_NEW_LISTENER,
                                            SECCOMP_FILTER_FLAG_NEW_LISTENER};
        struct oci_seccomp_syscall *sc;

        if ((sc = add_entry(b, 1, 1)) == NULL)
                goto nomem;
        sc->names.items[sc->names.count++] = name;
        set_action(sc, a, errnum);
        push_arg(sc, &not_filter);
        if ((sc = add_entry(b, 1, 2)) == NULL)
                goto nomem;
        sc->names.items[sc->names.count++] = name;
        set_action(sc, a, errnum);
        push_arg(sc, &filter);
        push_arg(sc, &no_listener);
        if ((sc = add_entry(b, 1, 2)) == NULL)
                goto nomem;
        sc->names.items[sc->names.count++] = name;
        set_action(sc, OCI_SCMP_ACT_ERRNO, EPERM);
        push_arg(sc, &filter);
        push_arg(sc, &listener);
        return 0;
nomem:
        return sb_err_set(err, ENOMEM, "seccomp listener guard");
}

/* ---- tables ---- */

/* Which rules name each native syscall: t->entries[nr].first_rule/n_rules
 * into t->rule_refs, in rule order. One pass over the rules' names (a name
 * is one hash lookup), not one pass over the rules per syscall number. */
static int index_rules(const struct policy_profile *p, struct policy_tables *t, struct sb_err *err)
{
        size_t refs = 0;
        int32_t last[POLICY_SYSCALL_NR_MAX]; /* the last rule counted for nr */
        int *nrs;

        for (size_t i = 0; i < p->n_rules; i++)
                refs += p->rules[i].n_names;
        t->n_entries = POLICY_SYSCALL_NR_MAX;
        t->entries = calloc(t->n_entries, sizeof(*t->entries));
        t->rule_refs = calloc(refs ? refs : 1, sizeof(*t->rule_refs));
        nrs = calloc(refs ? refs : 1, sizeof(*nrs));
        if (t->entries == NULL || t->rule_refs == NULL || nrs == NULL) {
                free(nrs);
                return sb_err_set(err, ENOMEM, "policy tables");
        }
        /* Counts (a rule naming a syscall twice counts once), then places. */
        memset(last, 0xff, sizeof(last));
        for (size_t i = 0, j = 0; i < p->n_rules; i++)
                for (size_t k = 0; k < p->rules[i].n_names; k++, j++) {
                        nrs[j] = policy_syscall_nr(p->rules[i].names[k]);
                        if (nrs[j] < 0 || last[nrs[j]] == (int32_t)i)
                                continue;
                        last[nrs[j]] = (int32_t)i;
                        t->entries[nrs[j]].n_rules++;
                }
        for (size_t nr = 0; nr < t->n_entries; nr++) {
                t->entries[nr].first_rule = (uint32_t)t->n_rule_refs;
                t->n_rule_refs += t->entries[nr].n_rules;
                t->entries[nr].n_rules = 0;
        }
        memset(last, 0xff, sizeof(last));
        for (size_t i = 0, j = 0; i < p->n_rules; i++)
                for (size_t k = 0; k < p->rules[i].n_names; k++, j++) {
                        if (nrs[j] < 0 || last[nrs[j]] == (int32_t)i)
                                continue;
                        last[nrs[j]] = (int32_t)i;
                        struct policy_syscall_entry *e = &t->entries[nrs[j]];
                        t->rule_refs[e->first_rule + e->n_rules++] = (uint32_t)i;
                }
        free(nrs);
        return 0;
}

static int build_tables(const struct policy_profile *p, struct policy_tables *t, bool guard,
                        bool default_notify_all, struct sb_err *err)
{
        enum oci_seccomp_action def_a, fall_a;
        int def_e, fall_e, seccomp_nr = policy_syscall_nr("seccomp");
        bool handover_nr[POLICY_SYSCALL_NR_MAX] = {false};

        memset(t, 0, sizeof(*t));
        t->profile = p;
        t->default_verdict = p->default_verdict;
        t->on_sentry_loss =
            p->bounds.has_on_sentry_loss ? p->bounds.on_sentry_loss : POLICY_LOSS_KILL;
        if (index_rules(p, t, err) < 0) {
                policy_tables_free(t);
                return -1;
        }
        kernel_action(&p->default_verdict, &def_a, &def_e);
        kernel_fallback(&p->default_verdict, &fall_a, &fall_e);
        for (size_t i = 0; i < sizeof(handover) / sizeof(handover[0]); i++) {
                int nr = policy_syscall_nr(handover[i]);
                if (nr >= 0)
                        handover_nr[nr] = true;
        }

        for (int nr = 0; nr < POLICY_SYSCALL_NR_MAX; nr++) {
                struct policy_syscall_entry *e = &t->entries[nr];
                bool all_conditional = true;

                for (uint32_t i = 0; i < e->n_rules; i++) {
                        const struct policy_rule *r = &p->rules[t->rule_refs[e->first_rule + i]];
                        enum oci_seccomp_action a;
                        int en;

                        kernel_action(&r->verdict, &a, &en);
                        e->outcomes |= outcome_of(a);
                        if (unconditional(r))
                                all_conditional = false;
                }
                /* Calls no rule matches get the default. */
                if (all_conditional)
                        e->outcomes |=
                            outcome_of(default_notify_all && handover_nr[nr] ? fall_a : def_a);
                if (guard && nr == seccomp_nr) {
                        e->listener_guard = true;
                        e->outcomes |= POLICY_OUT_DENY;
                }
        }
        return 0;
}

void policy_tables_count(const struct policy_tables *t, struct policy_counts *c)
{
        memset(c, 0, sizeof(*c));
        for (size_t nr = 0; nr < t->n_entries; nr++) {
                unsigned o = t->entries[nr].outcomes;

                if (policy_syscall_name((int)nr) == NULL)
                        continue; /* no syscall with this number here */
                c->total++;
                if (o & POLICY_OUT_ROUTED)
                        c->routed++;
                else if (o == POLICY_OUT_DENY)
                        c->denied++;
                else
                        c->allowed++;
                if (o & POLICY_OUT_ALLOW)
                        c->reachable++;
        }
}

/* ---- checks ---- */

/* libseccomp keeps an unconditional rule over conditional ones of the same
 * syscall (the conditions would silently vanish), and refuses two rules with
 * the same conditions: one syscall has either one unconditional rule or only
 * conditional rules, whose non-matching calls get the default. Runs on the
 * rule index of `t`. */
static int check_overlaps(const struct policy_profile *p, const struct policy_tables *t,
                          struct sb_err *err)
{
        int seccomp_nr = policy_syscall_nr("seccomp");

        for (int nr = 0; nr < POLICY_SYSCALL_NR_MAX; nr++) {
                const struct policy_syscall_entry *e = &t->entries[nr];
                const struct policy_rule *uncond = NULL, *other = NULL;

                for (uint32_t i = 0; i < e->n_rules; i++) {
                        const struct policy_rule *r = &p->rules[t->rule_refs[e->first_rule + i]];

                        if (unconditional(r) && uncond == NULL)
                                uncond = r;
                        else if (other == NULL)
                                other = r;
                }
                if (uncond != NULL && other != NULL)
                        return sb_err_set(err, 0,
                                          "syscall `%s`: %s has no argument conditions and %s "
                                          "also names it: give every rule of a syscall "
                                          "conditions, or keep only one rule",
                                          policy_syscall_name(nr),
                                          uncond->origin ? uncond->origin : "a rule",
                                          other->origin ? other->origin : "another rule");
                if (nr == seccomp_nr && other != NULL && uncond == NULL)
                        return sb_err_set(err, 0,
                                          "syscall `seccomp`: %s: argument conditions are not "
                                          "allowed on seccomp (the compiler adds its own listener "
                                          "guard)",
                                          other->origin ? other->origin : "a rule");
        }
        return 0;
}

static int check_verdicts(const struct policy_profile *p, struct sb_err *err)
{
        if (!p->has_default || p->default_verdict.action == POLICY_ACT_NONE ||
            p->default_verdict.action == POLICY_ACT_SENTRY)
                return sb_err_set(err, 0, "profile `%s`: no usable defaultAction",
                                  p->name ? p->name : "?");
        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *r = &p->rules[i];

                if (r->verdict.action == POLICY_ACT_NONE)
                        return sb_err_set(err, 0, "%s: no action", r->origin ? r->origin : "rule");
                for (size_t k = 0; k < r->n_args; k++)
                        if (r->args[k].index >= POLICY_MAX_ARGS)
                                return sb_err_set(err, 0, "%s.args[%zu]: index out of range",
                                                  r->origin ? r->origin : "rule", k);
                for (size_t k = 0; k < r->n_any_args; k++)
                        if (r->any_args[k].index >= POLICY_MAX_ARGS)
                                return sb_err_set(err, 0, "%s.anyArgs[%zu]: index out of range",
                                                  r->origin ? r->origin : "rule", k);
                if (!needs_sentry(&r->verdict))
                        continue;
                for (size_t k = 0; k < r->n_names; k++)
                        if (strcmp(r->names[k], "write") == 0)
                                return sb_err_set(err, 0,
                                                  "%s: `write` cannot be routed to the sentry "
                                                  "(the runtime hands the listener over with it)",
                                                  r->origin ? r->origin : "rule");
        }
        return 0;
}

/* ---- the compiler ---- */

void policy_seccomp_free(struct policy_seccomp *b)
{
        builder_free(b);
        memset(b, 0, sizeof(*b));
}

int policy_compile(const struct policy_profile *p, scmp_filter_ctx *filter,
                   struct policy_tables *tables, struct sb_err *err)
{
        struct policy_seccomp b;
        int rc;

        if (filter != NULL)
                *filter = NULL;
        if (policy_compile_oci(p, &b, tables, err) < 0)
                return -1;
        rc = filter != NULL ? runtime_seccomp_compile(&b.s, filter, err) : 0;
        if (rc < 0) {
                sb_err_prefix(err, "profile `%s`", p->name ? p->name : "?");
                if (tables != NULL)
                        policy_tables_free(tables);
        }
        policy_seccomp_free(&b);
        return rc;
}

int policy_compile_oci(const struct policy_profile *p, struct policy_seccomp *out,
                       struct policy_tables *tables, struct sb_err *err)
{
        struct policy_seccomp b = {0};
        enum oci_seccomp_action def_a, seccomp_a;
        int def_e, seccomp_e;
        bool guard = false, notify_all;
        const struct policy_rule *seccomp_rule = NULL;
        char **names = NULL;
        bool observed_nr[POLICY_SYSCALL_NR_MAX] = {false};
        struct policy_tables own, *t = tables != NULL ? tables : &own;
        bool tables_made = false;
        int rc = -1;

        memset(out, 0, sizeof(*out));
        if (check_verdicts(p, err) < 0)
                return sb_err_prefix(err, "profile `%s`", p->name ? p->name : "?");

        notify_all = needs_sentry(&p->default_verdict);
        if (notify_all)
                kernel_fallback(&p->default_verdict, &def_a, &def_e);
        else
                kernel_action(&p->default_verdict, &def_a, &def_e);
        b.s.present = true;
        b.s.foreign_to_listener = true;
        b.s.default_action = def_a;
        if (def_a == OCI_SCMP_ACT_ERRNO) {
                b.s.has_default_errno_ret = true;
                b.s.default_errno_ret = (uint32_t)def_e;
        }
        if (p->architectures.count > 0) {
                b.s.architectures.items = calloc(p->architectures.count, sizeof(char *));
                if (b.s.architectures.items == NULL)
                        goto nomem;
                memcpy(b.s.architectures.items, p->architectures.items,
                       p->architectures.count * sizeof(char *));
                b.s.architectures.count = p->architectures.count;
        }

        /* Where does seccomp() end up? */
        for (size_t i = 0; i < p->n_rules && seccomp_rule == NULL; i++)
                for (size_t k = 0; k < p->rules[i].n_names; k++)
                        if (strcmp(p->rules[i].names[k], "seccomp") == 0)
                                seccomp_rule = &p->rules[i];
        if (seccomp_rule != NULL)
                kernel_action(&seccomp_rule->verdict, &seccomp_a, &seccomp_e);
        else
                kernel_action(&p->default_verdict, &seccomp_a, &seccomp_e);
        guard = seccomp_a == OCI_SCMP_ACT_ALLOW || seccomp_a == OCI_SCMP_ACT_NOTIFY ||
                seccomp_a == OCI_SCMP_ACT_LOG;
        if (build_tables(p, t, guard, notify_all, err) < 0)
                goto fail;
        tables_made = true;
        if (check_overlaps(p, t, err) < 0) {
                sb_err_prefix(err, "profile `%s`", p->name ? p->name : "?");
                goto fail;
        }
        plan_identity(p, t, def_a);
        for (size_t i = 0; i < t->n_observed; i++) {
                int nr = policy_syscall_nr(t->observed[i]);
                if (nr >= 0)
                        observed_nr[nr] = true;
        }

        for (size_t i = 0; i < p->n_rules; i++) {
                const struct policy_rule *r = &p->rules[i];
                size_t n = 0;

                free(names);
                names = calloc(r->n_names ? r->n_names : 1, sizeof(char *));
                if (names == NULL)
                        goto nomem;
                for (size_t k = 0; k < r->n_names; k++) {
                        int nr = policy_syscall_nr(r->names[k]);
                        /* A syscall of the profile's other architectures only
                         * (getuid32, mmap2 ... of x86) stays: libseccomp
                         * places it there. One it does not know at all is
                         * optional. */
                        if (nr == -1)
                                continue;
                        if (nr >= 0 ? observed_nr[nr] : is_observed(t, r->names[k]))
                                continue; /* routed below, for the sentry to see */
                        if (guard && strcmp(r->names[k], "seccomp") == 0)
                                continue;
                        names[n++] = r->names[k];
                }
                if (emit_rule(&b, r, names, n, err) < 0)
                        goto fail;
        }
        if (guard && emit_guard(&b, seccomp_a, seccomp_e, err) < 0)
                goto fail;
        if (t->n_observed > 0) {
                struct oci_seccomp_syscall *sc = add_entry(&b, t->n_observed, 0);
                if (sc == NULL)
                        goto nomem;
                for (size_t i = 0; i < t->n_observed; i++)
                        sc->names.items[sc->names.count++] = (char *)t->observed[i];
                sc->action = OCI_SCMP_ACT_NOTIFY;
        }
        if (notify_all) {
                /* Every syscall no rule names, but the hand-over set. */
                const char *const *all;
                size_t n_all = policy_syscall_names(&all), n = 0;
                struct oci_seccomp_syscall *sc;

                free(names);
                names = calloc(n_all ? n_all : 1, sizeof(char *));
                if (names == NULL)
                        goto nomem;
                for (int nr = 0; nr < POLICY_SYSCALL_NR_MAX; nr++) {
                        const char *name = policy_syscall_name(nr);

                        if (name != NULL && t->entries[nr].n_rules == 0 &&
                            strcmp(name, "seccomp") != 0 && !policy_is_handover(name))
                                names[n++] = (char *)name;
                }
                if (n > 0) {
                        if ((sc = add_entry(&b, n, 0)) == NULL)
                                goto nomem;
                        memcpy(sc->names.items, names, n * sizeof(char *));
                        sc->names.count = n;
                        sc->action = OCI_SCMP_ACT_NOTIFY;
                }
        }

        if (tables == NULL)
                policy_tables_free(t);
        free(names);
        *out = b;
        return 0;
nomem:
        sb_err_set(err, ENOMEM, "compile profile `%s`", p->name ? p->name : "?");
fail:
        if (tables_made)
                policy_tables_free(t);
        free(names);
        builder_free(&b);
        return rc;
}

void policy_seccomp_drop_arch(struct policy_seccomp *s, const char *oci_arch)
{
        struct oci_string_list *l = &s->s.architectures;
        size_t kept = 0;

        for (size_t i = 0; i < l->count; i++)
                if (strcmp(l->items[i], oci_arch) != 0)
                        l->items[kept++] = l->items[i]; /* borrowed from the profile */
        l->count = kept;
}

/* ---- table queries (the sentry's side) ---- */

bool policy_arg_holds(const struct policy_arg *a, const uint64_t args[6])
{
        uint64_t x;

        if (a->index >= POLICY_MAX_ARGS)
                return false;
        x = args[a->index];
        switch (a->op) {
        case OCI_SCMP_CMP_NE:
                return x != a->value;
        case OCI_SCMP_CMP_LT:
                return x < a->value;
        case OCI_SCMP_CMP_LE:
                return x <= a->value;
        case OCI_SCMP_CMP_EQ:
                return x == a->value;
        case OCI_SCMP_CMP_GE:
                return x >= a->value;
        case OCI_SCMP_CMP_GT:
                return x > a->value;
        case OCI_SCMP_CMP_MASKED_EQ:
                return (x & a->value) == a->value_two;
        }
        return false;
}

static bool rule_holds(const struct policy_rule *r, const uint64_t args[6])
{
        bool any = r->n_any_args == 0;

        for (size_t i = 0; i < r->n_args; i++)
                if (!policy_arg_holds(&r->args[i], args))
                        return false;
        for (size_t i = 0; i < r->n_any_args && !any; i++)
                any = policy_arg_holds(&r->any_args[i], args);
        return any;
}

const struct policy_rule *policy_tables_match(const struct policy_tables *t, int nr,
                                              const uint64_t args[6], struct policy_verdict *v)
{
        const struct policy_syscall_entry *e;

        *v = t->default_verdict;
        if (nr < 0 || (size_t)nr >= t->n_entries)
                return NULL;
        e = &t->entries[nr];
        if (e->listener_guard && args[0] == SECCOMP_SET_MODE_FILTER &&
            (args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER)) {
                *v = (struct policy_verdict){.action = POLICY_ACT_ERRNO, .errnum = EPERM};
                return NULL;
        }
        for (uint32_t i = 0; i < e->n_rules; i++) {
                const struct policy_rule *r = &t->profile->rules[t->rule_refs[e->first_rule + i]];

                if (rule_holds(r, args)) {
                        *v = r->verdict;
                        return r;
                }
        }
        return NULL;
}

static bool prefix_match(const char *pattern, const char *path)
{
        size_t n = strlen(pattern);

        if (strncmp(pattern, path, n) != 0)
                return false;
        return n > 0 && (pattern[n - 1] == '/' || path[n] == '\0' || path[n] == '/');
}

int policy_path_decide(const struct policy_rule *r, const char *path, unsigned access,
                       struct policy_verdict *v)
{
        for (size_t i = 0; i < r->n_paths; i++) {
                const struct policy_path_rule *pr = &r->paths[i];
                bool m;

                if (!(pr->access & access) || pr->pattern == NULL)
                        continue;
                if (pr->match == POLICY_MATCH_PREFIX)
                        m = prefix_match(pr->pattern, path);
                else
                        m = fnmatch(pr->pattern, path, 0) == 0;
                if (m) {
                        *v = pr->decision;
                        return (int)i;
                }
        }
        *v = r->otherwise;
        return -1;
}

void policy_tables_free(struct policy_tables *t)
{
        if (t == NULL)
                return;
        free(t->entries);
        free(t->rule_refs);
        free(t->config_errno);
        memset(t, 0, sizeof(*t));
}
