/* Syscall names from libseccomp, and near-miss suggestions. */
#include "policy/syscalls.h"

#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Names by native syscall number, each resolved on first use (libseccomp
 * resolves a number by a walk over its whole table; a name is one hash
 * lookup): creating a container needs only the names a profile routes. */
static char *by_nr[POLICY_SYSCALL_NR_MAX];
static bool resolved[POLICY_SYSCALL_NR_MAX];
static const char *sorted[POLICY_SYSCALL_NR_MAX]; /* every name, in number order */
static size_t n_sorted;

int policy_syscall_nr(const char *name)
{
        if (name == NULL || name[0] == '\0')
                return -1;
        int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_NATIVE, name);
        if (nr == __NR_SCMP_ERROR)
                return -1;
        /* libseccomp gives pseudo numbers (< 0) to names of other architectures. */
        return nr < 0 || nr >= POLICY_SYSCALL_NR_MAX ? -2 : nr;
}

const char *policy_syscall_name(int nr)
{
        if (nr < 0 || nr >= POLICY_SYSCALL_NR_MAX)
                return NULL;
        if (!resolved[nr]) {
                by_nr[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
                resolved[nr] = true;
        }
        return by_nr[nr];
}

size_t policy_syscall_names(const char *const **out)
{
        if (n_sorted == 0)
                for (int nr = 0; nr < POLICY_SYSCALL_NR_MAX; nr++)
                        if (policy_syscall_name(nr) != NULL)
                                sorted[n_sorted++] = by_nr[nr];
        *out = sorted;
        return n_sorted;
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
