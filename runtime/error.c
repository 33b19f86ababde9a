#include "runtime/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sb_err_set(struct sb_err *err, int errnum, const char *fmt, ...)
{
        va_list ap;
        int n;

        if (err == NULL)
                return -1;
        err->errnum = errnum;
        va_start(ap, fmt);
        n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
        va_end(ap);
        if (n < 0)
                err->msg[0] = '\0';
        if (errnum != 0) {
                size_t len = strlen(err->msg);
                snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", strerror(errnum));
        }
        return -1;
}

int sb_err_prefix(struct sb_err *err, const char *fmt, ...)
{
        char prefix[1024];
        char old[SB_ERR_MSG_MAX];
        va_list ap;

        if (err == NULL)
                return -1;
        va_start(ap, fmt);
        vsnprintf(prefix, sizeof(prefix), fmt, ap);
        va_end(ap);
        memcpy(old, err->msg, sizeof(old));
        snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
        return -1;
}

void sb_diags_add(struct sb_diags *d, const char *fmt, ...)
{
        va_list ap;
        char *s = NULL;

        if (d->count >= SB_DIAGS_MAX) {
                d->dropped++;
                return;
        }
        if (d->count == d->cap) {
                size_t ncap = d->cap ? d->cap * 2 : 8;
                char **n = realloc(d->items, ncap * sizeof(*n));
                if (n == NULL) {
                        d->dropped++;
                        return;
                }
                d->items = n;
                d->cap = ncap;
        }
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        if (s == NULL) {
                d->dropped++;
                return;
        }
        d->items[d->count++] = s;
}

void sb_diags_free(struct sb_diags *d)
{
        for (size_t i = 0; i < d->count; i++)
                free(d->items[i]);
        free(d->items);
        d->items = NULL;
        d->count = d->cap = d->dropped = 0;
}
