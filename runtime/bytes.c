#include "runtime/bytes.h"

#include <stdlib.h>
#include <string.h>

void sb_bytes_put(struct sb_bytes *b, const void *p, size_t n)
{
        if (b->failed)
                return;
        if (b->len + n > b->cap) {
                size_t cap = b->cap ? b->cap : 4096;
                char *nb;

                while (cap < b->len + n)
                        cap *= 2;
                nb = realloc(b->buf, cap);
                if (nb == NULL) {
                        b->failed = true;
                        return;
                }
                b->buf = nb;
                b->cap = cap;
        }
        memcpy(b->buf + b->len, p, n);
        b->len += n;
}
