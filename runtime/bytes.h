/* A growing byte buffer for serializing (cache keys, profile blobs). An
 * append that cannot allocate sets `failed`; later appends do nothing, so
 * a writer checks once at the end. */
#ifndef SANDBOX_RUNTIME_BYTES_H
#define SANDBOX_RUNTIME_BYTES_H

#include <stdbool.h>
#include <stddef.h>

struct sb_bytes {
        char *buf;
        size_t len, cap;
        bool failed;
};

void sb_bytes_put(struct sb_bytes *b, const void *p, size_t n);

#endif
