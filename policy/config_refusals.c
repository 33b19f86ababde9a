#include "policy/config_refusals.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy/syscalls.h"

/* Marks in `mark` (by native syscall number) each syscall the rules of `s`
 * name: `routed` where the rule routes it whatever its arguments, else -1; a
 * -1 stays. */
static void mark_rules(const struct oci_seccomp *s, int *mark, size_t n_nr, bool profile)
{
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *r = &s->syscalls[i];
                bool routed = profile && r->action == OCI_SCMP_ACT_NOTIFY && r->n_args == 0;

                for (size_t k = 0; k < r->names.count; k++) {
                        int nr = policy_syscall_nr(r->names.items[k]);
                        if (nr >= 0 && (size_t)nr < n_nr && mark[nr] != -1)
                                mark[nr] = routed ? 1 : -1;
                }
        }
}

size_t policy_config_refusals(const struct oci_seccomp *profile, const struct oci_seccomp *config,
                              int *errno_by_nr, size_t n_nr)
{
        size_t found = 0;

        memset(errno_by_nr, 0, n_nr * sizeof(*errno_by_nr));
        if (profile == NULL || config == NULL || !config->present ||
            config->default_action != OCI_SCMP_ACT_ERRNO)
                return 0;
        /* runc: without defaultErrnoRet, SCMP_ACT_ERRNO is EPERM. */
        int e = config->has_default_errno_ret ? (int)config->default_errno_ret : EPERM;
        if (e <= 0)
                return 0; /* errno 0 would read as success: leave it to the kernel */
        /* One pass over each section's names (this runs at every create and
         * exec): 1 = every profile rule naming it routes it whatever the
         * arguments; -1 = some rule of either section says otherwise. */
        mark_rules(profile, errno_by_nr, n_nr, true);
        mark_rules(config, errno_by_nr, n_nr, false);
        for (size_t nr = 0; nr < n_nr; nr++) {
                bool refused = errno_by_nr[nr] == 1;
                errno_by_nr[nr] = refused ? e : 0;
                found += refused;
        }
        return found;
}

int policy_config_with_allow(const struct oci_seccomp *config, const int *errno_by_nr, size_t n_nr,
                             struct policy_config_filter *out)
{
        size_t n = 0;

        memset(out, 0, sizeof(*out));
        out->s = *config;
        for (size_t nr = 0; nr < n_nr; nr++)
                n += errno_by_nr[nr] > 0;
        if (n == 0)
                return 0;
        out->rules = calloc(config->n_syscalls + 1, sizeof(*out->rules));
        out->names = calloc(n, sizeof(char *));
        if (out->rules == NULL || out->names == NULL) {
                policy_config_filter_free(out);
                return -1;
        }
        if (config->n_syscalls > 0)
                memcpy(out->rules, config->syscalls, config->n_syscalls * sizeof(*out->rules));
        n = 0;
        for (size_t nr = 0; nr < n_nr; nr++)
                if (errno_by_nr[nr] > 0)
                        out->names[n++] = (char *)policy_syscall_name((int)nr);
        out->rules[config->n_syscalls] = (struct oci_seccomp_syscall){
            .names = {.items = out->names, .count = n}, .action = OCI_SCMP_ACT_ALLOW};
        out->s.syscalls = out->rules;
        out->s.n_syscalls = config->n_syscalls + 1;
        return 0;
}

void policy_config_filter_free(struct policy_config_filter *f)
{
        free(f->rules);
        free(f->names);
        memset(f, 0, sizeof(*f));
}
