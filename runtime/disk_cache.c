/* The on-disk cache folder (see disk_cache.h). */
#include "runtime/disk_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/log.h"

/* A rebuilt binary never trusts entries of another build. */
const char runtime_cache_build_id[] = SANDBOX_VERSION " " __DATE__ " " __TIME__;

uint64_t runtime_cache_hash(uint64_t h, const void *p, size_t n)
{
        const unsigned char *b = p;

        /* FNV-1a over eight bytes a step (the hash only names the entry: a
         * hit compares the entry's whole key), folding the high half down
         * so that every byte reaches the low bits. */
        for (; n >= 8; b += 8, n -= 8) {
                uint64_t w;

                memcpy(&w, b, sizeof(w));
                h ^= w;
                h *= 1099511628211ull;
                h ^= h >> 32;
        }
        for (; n > 0; b++, n--) {
                h ^= *b;
                h *= 1099511628211ull;
        }
        return h;
}

const char *runtime_cache_dir(void)
{
        const char *d = getenv("SANDBOX_SECCOMP_CACHE");
        struct stat st;

        if (d == NULL || d[0] == '\0')
                d = SB_DISK_CACHE_DEFAULT;
        if (strcmp(d, "off") == 0 || d[0] != '/')
                return NULL;
        if (lstat(d, &st) < 0) {
                char tmp[PATH_MAX];

                if (errno != ENOENT || snprintf(tmp, sizeof(tmp), "%s", d) >= (int)sizeof(tmp))
                        return NULL;
                for (char *q = tmp + 1; *q; q++)
                        if (*q == '/') {
                                *q = '\0';
                                mkdir(tmp, 0755);
                                *q = '/';
                        }
                if (mkdir(tmp, 0700) < 0 && errno != EEXIST)
                        return NULL;
                if (lstat(d, &st) < 0)
                        return NULL;
        }
        if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
                sb_debug("cache `%s` not used: not a folder of ours that only we can write", d);
                return NULL;
        }
        return d;
}

static bool ends_with(const char *s, const char *suffix)
{
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && strcmp(s + n - k, suffix) == 0;
}

void runtime_cache_touch(int fd)
{
        struct stat st;
        struct timespec now;

        if (fstat(fd, &st) == 0 && clock_gettime(CLOCK_REALTIME, &now) == 0 &&
            now.tv_sec - st.st_mtime >= SB_DISK_CACHE_TOUCH_SECS)
                (void)futimens(fd, NULL);
}

/* Removes the least recently used entries ending in `suffix` past
 * SB_DISK_CACHE_MAX (the oldest mtime: runtime_cache_touch). */
static void prune(const char *dir, const char *suffix)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        struct {
                char name[64];
                time_t mtime;
        } *ents = NULL;
        size_t n = 0, cap = 0;

        if (d == NULL)
                return;
        while ((e = readdir(d)) != NULL) {
                struct stat st;

                if (strlen(e->d_name) >= 64 || !ends_with(e->d_name, suffix) ||
                    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (n == cap) {
                        void *t = realloc(ents, (cap = cap ? cap * 2 : 64) * sizeof(*ents));
                        if (t == NULL)
                                break;
                        ents = t;
                }
                snprintf(ents[n].name, sizeof(ents[n].name), "%s", e->d_name);
                ents[n++].mtime = st.st_mtime;
        }
        while (n > SB_DISK_CACHE_MAX) {
                size_t oldest = 0;
                for (size_t i = 1; i < n; i++)
                        if (ents[i].mtime < ents[oldest].mtime)
                                oldest = i;
                unlinkat(dirfd(d), ents[oldest].name, 0);
                ents[oldest] = ents[--n];
        }
        free(ents);
        closedir(d);
}

void runtime_cache_store(const char *dir, const char *path, const struct iovec *parts, size_t n,
                         const char *suffix)
{
        char tmp[PATH_MAX];
        bool ok = true;
        int fd;

        snprintf(tmp, sizeof(tmp), "%s/.tmp.%d", dir, (int)getpid());
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return;
        for (size_t i = 0; i < n && ok; i++)
                ok = write(fd, parts[i].iov_base, parts[i].iov_len) == (ssize_t)parts[i].iov_len;
        ok = close(fd) == 0 && ok;
        if (!ok || rename(tmp, path) < 0) {
                unlink(tmp);
                return;
        }
        prune(dir, suffix);
}
