/* Writing a file whole: readers see the old content or the new, never a
 * torn one. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "runtime/error.h"

/* Puts `tmp` in the place of `dst`. Where `dst` exists, the two are swapped
 * (RENAME_EXCHANGE) and the old one unlinked: a plain rename over an existing
 * file makes ext4 (auto_da_alloc) write the new file's blocks out before it
 * returns, which costs 0.1-0.3 ms per state write on this kind of disk.
 * Returns 0, or -1 with errno. */
int sb_file_replace(const char *tmp, const char *dst);

/* Writes `len` bytes to `path` through `<dir>/.<name>.tmp` and
 * sb_file_replace. The caller serialises writers of the same path. */
int sb_file_write_whole(const char *path, const void *data, size_t len, mode_t mode,
                        struct sb_err *err);
