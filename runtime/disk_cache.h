/* The on-disk cache folder shared by the compiled seccomp programs
 * (seccomp_cache.h) and the resolved profiles (profile_cache.h): where it
 * is, when it can be trusted, and how entries are named, written and pruned.
 *
 * $SANDBOX_SECCOMP_CACHE (default /var/cache/sandbox/seccomp; "off"
 * disables both caches). The folder is used only when it belongs to the
 * caller and no one else can write to it. Entries are written to a
 * temporary name and renamed into place, so a reader sees a whole entry or
 * none; past SB_DISK_CACHE_MAX entries of one kind the least recently used
 * are removed (an entry's mtime: written, or last hit, to within
 * SB_DISK_CACHE_TOUCH_SECS). Any problem with the cache means a miss, never
 * a failure. */
#ifndef SANDBOX_RUNTIME_DISK_CACHE_H
#define SANDBOX_RUNTIME_DISK_CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#define SB_DISK_CACHE_DEFAULT "/var/cache/sandbox/seccomp"
#define SB_DISK_CACHE_MAX     256
/* A hit moves an entry's mtime to now when it is older than this: often
 * enough to order entries by use, rarely enough that container starts do
 * not each write an inode. */
#define SB_DISK_CACHE_TOUCH_SECS 3600

/* Entries written by another build are never trusted: part of every key. */
extern const char runtime_cache_build_id[];

/* The folder when it can be trusted (made when missing), else NULL. */
const char *runtime_cache_dir(void);

/* FNV-1a, 64 bits, continuing from `h` (start with RUNTIME_CACHE_HASH_INIT):
 * names an entry; the key stored in it decides a hit. */
#define RUNTIME_CACHE_HASH_INIT 14695981039346656037ull
uint64_t runtime_cache_hash(uint64_t h, const void *p, size_t n);

/* Writes the parts to `path` in `dir` atomically, then prunes the entries of
 * `dir` whose name ends in `suffix` down to SB_DISK_CACHE_MAX, least recently
 * used first. */
void runtime_cache_store(const char *dir, const char *path, const struct iovec *parts, size_t n,
                         const char *suffix);

/* A hit on the entry open as `fd`: marks it used (see
 * SB_DISK_CACHE_TOUCH_SECS). */
void runtime_cache_touch(int fd);

#endif
