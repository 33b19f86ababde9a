/* Writing a file whole: readers see the old content or the new, never a
 * torn one. */
#ifndef SANDBOX_FILE_REPLACE_H
#define SANDBOX_FILE_REPLACE_H

#include <stddef.h>
#include <sys/types.h>

#include "runtime/error.h"

/* Writes `len` bytes to `path` through `<dir>/.<name>.tmp`, then puts that
 * in the place of `path`: where `path` exists the two are swapped
 * (RENAME_EXCHANGE) and the old one unlinked, because a plain rename over an
 * existing file makes ext4 (auto_da_alloc) write the new file's blocks out
 * before it returns (0.1-0.3 ms per state write here). The caller serialises
 * writers of the same path. */
int sb_file_write_whole(const char *path, const void *data, size_t len, mode_t mode,
                        struct sb_err *err);

#endif
