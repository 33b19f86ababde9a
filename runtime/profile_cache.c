/* The on-disk cache of resolved profiles (see profile_cache.h). */
#include "runtime/profile_cache.h"

#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/profile_blob.h"
#include "runtime/cleanup.h"
#include "runtime/disk_cache.h"

#define MAGIC "SBPRF02\n"
/* A chain of POLICY_MAX_EXTENDS + 1 files at their largest, and the blob. */
#define ENTRY_MAX ((size_t)(POLICY_MAX_EXTENDS + 2) * POLICY_PROFILE_MAX_BYTES)

/* ---- the entry as bytes ----
 * MAGIC, then length-prefixed strings (u32 length, bytes): the build id,
 * the number of files as text, for each file of the chain its reference,
 * path and text, and last the blob of the effective profile. */

struct cursor {
        const char *p;
        size_t left;
};

/* The next string; false when it runs past the end. */
static bool next_str(struct cursor *c, const char **s, size_t *n)
{
        uint32_t len;

        if (c->left < sizeof(len))
                return false;
        memcpy(&len, c->p, sizeof(len));
        if (len > c->left - sizeof(len))
                return false;
        *s = c->p + sizeof(len);
        *n = len;
        c->p += sizeof(len) + len;
        c->left -= sizeof(len) + len;
        return true;
}

static void put_str(FILE *f, const char *s, size_t n)
{
        uint32_t len = (uint32_t)n;

        fwrite(&len, sizeof(len), 1, f);
        fwrite(s, 1, n, f);
}

static bool same(const char *s, size_t n, const char *want, size_t want_len)
{
        return n == want_len && memcmp(s, want, n) == 0;
}

static bool same_str(const char *s, size_t n, const char *want)
{
        return same(s, n, want, strlen(want));
}

/* True when `extends` in `parent` (already checked) still finds `path`, and
 * it reads as `text`. The folder it is looked up from is the parent's. */
static bool link_holds(const char *ref, size_t ref_len, const char *path, size_t path_len,
                       const char *text, size_t text_len, const char *parent)
{
        char r[PATH_MAX], dir[PATH_MAX];
        _cleanup_free_ char *found = NULL, *now = NULL;
        size_t now_len;
        struct sb_err err;

        if (ref_len >= PATH_MAX)
                return false;
        memcpy(r, ref, ref_len);
        r[ref_len] = '\0';
        snprintf(dir, sizeof(dir), "%s", parent);
        return policy_profile_find(r, dirname(dir), &found, &err) == 0 &&
               same_str(path, path_len, found) &&
               policy_profile_read_file(found, &now, &now_len, &err) == 0 &&
               same(text, text_len, now, now_len);
}

/* The entry's profile, when every file of its chain is as it says. */
static int read_entry(const char *entry, const char *path, const char *text, size_t len,
                      struct policy_profile *out)
{
        _cleanup_close_ int fd = open(entry, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        _cleanup_free_ char *buf = NULL;
        char parent[PATH_MAX], count[8];
        struct stat st;
        struct cursor c;
        const char *s;
        size_t n;
        unsigned files;

        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 8 ||
            (size_t)st.st_size > ENTRY_MAX)
                return -1;
        buf = malloc((size_t)st.st_size);
        if (buf == NULL || read(fd, buf, (size_t)st.st_size) != st.st_size ||
            memcmp(buf, MAGIC, 8) != 0)
                return -1;
        c = (struct cursor){buf + 8, (size_t)st.st_size - 8};
        if (!next_str(&c, &s, &n) || !same_str(s, n, runtime_cache_build_id) ||
            !next_str(&c, &s, &n) || n >= sizeof(count))
                return -1;
        memcpy(count, s, n);
        count[n] = '\0';
        if (sscanf(count, "%u", &files) != 1 || files == 0 || files > POLICY_MAX_EXTENDS + 1)
                return -1;
        for (unsigned i = 0; i < files; i++) {
                const char *ref, *p, *t;
                size_t ref_len, p_len, t_len;

                if (!next_str(&c, &ref, &ref_len) || !next_str(&c, &p, &p_len) ||
                    !next_str(&c, &t, &t_len) || p_len >= sizeof(parent))
                        return -1;
                if (i == 0) {
                        /* The file asked for: named by its path, read just now. */
                        if (!same_str(ref, ref_len, path) || !same_str(p, p_len, path) ||
                            !same(t, t_len, text, len))
                                return -1;
                } else if (!link_holds(ref, ref_len, p, p_len, t, t_len, parent)) {
                        return -1;
                }
                memcpy(parent, p, p_len);
                parent[p_len] = '\0';
        }
        if (!next_str(&c, &s, &n) || c.left != 0 || policy_profile_from_blob(s, n, out) < 0)
                return -1;
        runtime_cache_touch(fd);
        return 0;
}

static void write_entry(const char *dir, const char *entry, const struct policy_chain *chain,
                        const struct policy_profile *p)
{
        _cleanup_free_ char *blob = NULL, *buf = NULL;
        size_t blob_len, len = 0;
        char count[8];
        FILE *f;

        if (policy_profile_to_blob(p, &blob, &blob_len) < 0 ||
            (f = open_memstream(&buf, &len)) == NULL)
                return;
        fwrite(MAGIC, 1, 8, f);
        put_str(f, runtime_cache_build_id, strlen(runtime_cache_build_id));
        snprintf(count, sizeof(count), "%zu", chain->n);
        put_str(f, count, strlen(count));
        for (size_t i = 0; i < chain->n; i++) {
                put_str(f, chain->files[i].ref, strlen(chain->files[i].ref));
                put_str(f, chain->files[i].path, strlen(chain->files[i].path));
                put_str(f, chain->files[i].text, chain->files[i].len);
        }
        put_str(f, blob, blob_len);
        if (fclose(f) != 0)
                return;
        runtime_cache_store(dir, entry, &(struct iovec){buf, len}, 1, ".prof");
}

int runtime_profile_resolve(const char *path, struct policy_profile *out, struct sb_diags *diags,
                            struct sb_err *err)
{
        const char *dir = runtime_cache_dir();
        _cleanup_free_ char *text = NULL;
        struct policy_chain chain;
        char entry[PATH_MAX];
        size_t len;
        uint64_t h;

        memset(out, 0, sizeof(*out));
        if (dir == NULL || policy_profile_read_file(path, &text, &len, err) < 0)
                return policy_profile_resolve(path, out, diags, err);
        h = runtime_cache_hash(RUNTIME_CACHE_HASH_INIT, runtime_cache_build_id,
                               strlen(runtime_cache_build_id) + 1);
        h = runtime_cache_hash(h, path, strlen(path) + 1);
        h = runtime_cache_hash(h, text, len);
        snprintf(entry, sizeof(entry), "%s/%016" PRIx64 ".prof", dir, h);
        if (read_entry(entry, path, text, len, out) == 0)
                return 0;
        if (policy_profile_resolve_chain(path, out, &chain, diags, err) < 0) {
                policy_chain_free(&chain);
                return -1;
        }
        /* Stored only for the text read above (the file may have changed). */
        if (chain.n > 0 && strcmp(chain.files[0].path, path) == 0 &&
            same(chain.files[0].text, chain.files[0].len, text, len))
                write_entry(dir, entry, &chain, out);
        policy_chain_free(&chain);
        return 0;
}
