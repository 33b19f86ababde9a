#include "policy/config_refusals.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policy/syscalls.h"

static bool names(const struct oci_seccomp_syscall *r, const char *name)
{
        for (size_t i = 0; i < r->names.count; i++)
                if (r->names.items[i] != NULL && strcmp(r->names.items[i], name) == 0)
                        return true;
        return false;
}

/* Every rule naming it routes it, with no argument condition. */
static bool routed_always(const struct oci_seccomp *profile, const char *name)
{
        size_t n = 0;

        for (size_t i = 0; i < profile->n_syscalls; i++) {
                const struct oci_seccomp_syscall *r = &profile->syscalls[i];
                if (!names(r, name))
                        continue;
                if (r->action != OCI_SCMP_ACT_NOTIFY || r->n_args > 0)
                        return false;
                n++;
        }
        return n > 0;
}

static bool named_by_a_rule(const struct oci_seccomp *config, const char *name)
{
        for (size_t i = 0; i < config->n_syscalls; i++)
                if (names(&config->syscalls[i], name))
                        return true;
        return false;
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
        for (size_t nr = 0; nr < n_nr; nr++) {
                const char *name = policy_syscall_name((int)nr);
                if (name == NULL || named_by_a_rule(config, name) || !routed_always(profile, name))
                        continue;
                errno_by_nr[nr] = e;
                found++;
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
