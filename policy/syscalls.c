/* Syscall names from libseccomp, and near-miss suggestions. */
#include "policy/syscalls.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* Built once: the names of native syscall numbers 0..POLICY_SYSCALL_NR_MAX. */
static char *by_nr[POLICY_SYSCALL_NR_MAX];
static const char *sorted[POLICY_SYSCALL_NR_MAX]; /* in number order */
static size_t n_names;
/* The same names in strcmp order, for lookups by name: a profile names
 * hundreds of syscalls, each looked up several times. */
struct named {
        const char *name;
        int nr;
};
static struct named by_name[POLICY_SYSCALL_NR_MAX];

static int cmp_named(const void *a, const void *b)
{
        return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void build(void)
{
        if (n_names > 0)
                return;
        for (int nr = 0; nr < POLICY_SYSCALL_NR_MAX; nr++) {
                by_nr[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
                if (by_nr[nr] != NULL) {
                        by_name[n_names] = (struct named){by_nr[nr], nr};
                        sorted[n_names++] = by_nr[nr];
                }
        }
        qsort(by_name, n_names, sizeof(by_name[0]), cmp_named);
}

int policy_syscall_nr(const char *name)
{
        int nr;

        if (name == NULL || name[0] == '\0')
                return -1;
        build();
        const struct named key = {name, 0}, *hit;
        hit = bsearch(&key, by_name, n_names, sizeof(by_name[0]), cmp_named);
        if (hit != NULL)
                return hit->nr;
        /* Not native: unknown, or a syscall of another architecture. */
        nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR)
                return -1;
        /* libseccomp gives pseudo numbers (< 0) to names of other architectures. */
        return nr < 0 ? -2 : nr;
}

size_t policy_syscall_names(const char *const **out)
{
        build();
        *out = sorted;
        return n_names;
}

const char *policy_syscall_name(int nr)
{
        build();
        if (nr < 0 || nr >= POLICY_SYSCALL_NR_MAX)
                return NULL;
        return by_nr[nr];
}

size_t policy_edit_distance(const char *a, const char *b, size_t cap)
{
        size_t la = strlen(a), lb = strlen(b);
        size_t row[64 + 1];

        if (la > 64 || lb > 64)
                return cap;
        if ((la > lb ? la - lb : lb - la) >= cap)
                return cap;
        for (size_t j = 0; j <= lb; j++)
                row[j] = j;
        for (size_t i = 1; i <= la; i++) {
                size_t diag = row[0], best;

                row[0] = i;
                best = row[0];
                for (size_t j = 1; j <= lb; j++) {
                        size_t up = row[j];
                        size_t v = diag + (a[i - 1] != b[j - 1]);

                        if (up + 1 < v)
                                v = up + 1;
                        if (row[j - 1] + 1 < v)
                                v = row[j - 1] + 1;
                        row[j] = v;
                        diag = up;
                        if (v < best)
                                best = v;
                }
                if (best >= cap)
                        return cap;
        }
        return row[lb] < cap ? row[lb] : cap;
}

const char *policy_suggest(const char *word, const char *const *cands, size_t n)
{
        size_t len = strlen(word);
        /* A typo: about one edit per three letters, at least one. */
        size_t limit = len / 3 > 1 ? len / 3 : 1;
        const char *best = NULL;
        size_t best_d = limit + 1;

        for (size_t i = 0; i < n; i++) {
                size_t d = policy_edit_distance(word, cands[i], best_d);

                if (d < best_d) {
                        best_d = d;
                        best = cands[i];
                }
        }
        return best;
}

const char *policy_suggest_syscall(const char *word)
{
        const char *const *names;
        size_t n;

        if (word[0] == '@') {
                const char *groups[64];
                size_t k = 0;

                for (size_t i = 0; i < policy_n_groups && k < 64; i++)
                        groups[k++] = policy_groups[i].name;
                return policy_suggest(word, groups, k);
        }
        n = policy_syscall_names(&names);
        return policy_suggest(word, names, n);
}
