/* Syscall names as libseccomp knows them, syscall groups, and near-miss
 * suggestions for error messages. */
#ifndef SANDBOX_POLICY_SYSCALLS_H
#define SANDBOX_POLICY_SYSCALLS_H

#include <stdbool.h>
#include <stddef.h>

/* The native architecture's syscall number for `name`, or -1 when libseccomp
 * does not know the name at all, -2 when it knows it but not on this
 * architecture (socketcall on x86_64). */
int policy_syscall_nr(const char *name);

/* Every syscall name of the native architecture, in number order (built once
 * from seccomp_syscall_resolve_num_arch over 0..POLICY_SYSCALL_NR_MAX). */
#define POLICY_SYSCALL_NR_MAX 1024
size_t policy_syscall_names(const char *const **out);
/* Name of native syscall number nr, or NULL. */
const char *policy_syscall_name(int nr);

/* A group: "@mount" and the syscalls it stands for. Names not on this
 * architecture are skipped when a group is expanded. */
struct policy_group {
        const char *name; /* with the '@' */
        const char *description;
        const char *const *syscalls; /* NULL-terminated */
};
extern const struct policy_group policy_groups[];
extern const size_t policy_n_groups;
const struct policy_group *policy_group_find(const char *name);

/* Levenshtein distance, capped at `cap` (returns cap when larger). */
size_t policy_edit_distance(const char *a, const char *b, size_t cap);
/* The candidate closest to `word` when close enough to be a typo, else NULL. */
const char *policy_suggest(const char *word, const char *const *cands, size_t n);
/* Closest syscall name (native) or, for "@..." words, group name. */
const char *policy_suggest_syscall(const char *word);

#endif
