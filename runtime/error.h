/* One error convention everywhere: functions return int (negative on failure)
 * and fill a struct sb_err that carries errno plus a message with context.
 * Callers add context on the way up with sb_err_prefix() instead of printing. */
#ifndef SANDBOX_ERROR_H
#define SANDBOX_ERROR_H

#include <stddef.h>

#define SB_ERR_MSG_MAX 4096

struct sb_err {
        int errnum; /* errno of the failed call, 0 when not a syscall failure */
        char msg[SB_ERR_MSG_MAX];
};

/* Sets the message (printf-style); when errnum != 0 appends ": strerror(errnum)".
 * Always returns -1 so that callers can write `return sb_err_set(...)`. */
int sb_err_set(struct sb_err *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends context: "<prefix>: <old message>". Returns -1. */
int sb_err_prefix(struct sb_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A list of problems, for validators that report every problem, not the first. */
struct sb_diags {
        char **items;
        size_t count;
        size_t cap;
        size_t dropped; /* problems not kept because the list hit its cap */
};

#define SB_DIAGS_MAX 1000

void sb_diags_add(struct sb_diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_diags_free(struct sb_diags *d);

#endif
