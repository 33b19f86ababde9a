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

#define MAGIC     "SBPRF01\n"
#define NO_STRING UINT32_MAX
/* A chain of POLICY_MAX_EXTENDS + 1 files at their largest, and the blob. */
#define ENTRY_MAX ((size_t)(POLICY_MAX_EXTENDS + 2) * POLICY_PROFILE_MAX_BYTES)

/* ---- the entry as bytes ---- */

struct cursor {
        const char *p;
        size_t left;
};

/* A length-prefixed string; false when it runs past the end. *s is NULL
 * for the absent string. */
static bool next_str(struct cursor *c, const char **s, size_t *n)
{
        uint32_t len;

        if (c->left < sizeof(len))
                return false;
        memcpy(&len, c->p, sizeof(len));
        c->p += sizeof(len);
        c->left -= sizeof(len);
        *s = NULL;
        *n = 0;
        if (len == NO_STRING)
                return true;
        if (len > c->left)
                return false;
        *s = c->p;
        *n = len;
        c->p += len;
        c->left -= len;
        return true;
}

static bool same(const char *s, size_t n, const char *want, size_t want_len)
{
        return s != NULL && n == want_len && memcmp(s, want, n) == 0;
}

static bool same_str(const char *s, size_t n, const char *want)
{
        return same(s, n, want, strlen(want));
}

/* True when file i of the entry (i >= 1) is still what `extends` finds, with
 * the same text. `parent` is the path of file i - 1, already checked. */
static bool link_holds(const char *ref, size_t ref_len, const char *base, size_t base_len,
                       const char *path, size_t path_len, const char *text, size_t text_len,
                       const char *parent)
{
        char r[PATH_MAX], b[PATH_MAX], pdir[PATH_MAX];
        _cleanup_free_ char *found = NULL, *now = NULL;
        size_t now_len;
        struct sb_err err;

        if (ref == NULL || base == NULL || path == NULL || text == NULL || ref_len >= PATH_MAX ||
            base_len >= PATH_MAX)
                return false;
        memcpy(r, ref, ref_len);
        r[ref_len] = '\0';
        memcpy(b, base, base_len);
        b[base_len] = '\0';
        snprintf(pdir, sizeof(pdir), "%s", parent);
        if (strcmp(dirname(pdir), b) != 0)
                return false;
        return policy_profile_find(r, b, &found, &err) == 0 && same_str(path, path_len, found) &&
               policy_profile_read_file(found, &now, &now_len, &err) == 0 &&
               same(text, text_len, now, now_len);
}

/* The entry's profile, when every file of its chain is as it says. */
static int read_entry(const char *entry, const char *path, const char *text, size_t len,
                      struct policy_profile *out)
{
        _cleanup_close_ int fd = open(entry, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        _cleanup_free_ char *buf = NULL;
        char parent[PATH_MAX];
        struct stat st;
        struct cursor c;
        const char *s, *blob;
        size_t n, blob_len;
        uint32_t files;

        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 8 ||
            (size_t)st.st_size > ENTRY_MAX)
                return -1;
        buf = malloc((size_t)st.st_size);
        if (buf == NULL || read(fd, buf, (size_t)st.st_size) != st.st_size ||
            memcmp(buf, MAGIC, 8) != 0)
                return -1;
        c = (struct cursor){buf + 8, (size_t)st.st_size - 8};
        if (!next_str(&c, &s, &n) || !same_str(s, n, runtime_cache_build_id) ||
            c.left < sizeof(files))
                return -1;
        memcpy(&files, c.p, sizeof(files));
        c.p += sizeof(files);
        c.left -= sizeof(files);
        if (files == 0 || files > POLICY_MAX_EXTENDS + 1)
                return -1;
        for (uint32_t i = 0; i < files; i++) {
                const char *ref, *base, *p, *t;
                size_t ref_len, base_len, p_len, t_len;

                if (!next_str(&c, &ref, &ref_len) || !next_str(&c, &base, &base_len) ||
                    !next_str(&c, &p, &p_len) || !next_str(&c, &t, &t_len))
                        return -1;
                if (i == 0) {
                        /* The file asked for: named by its path, read just now. */
                        if (!same_str(ref, ref_len, path) || base != NULL ||
                            !same_str(p, p_len, path) || !same(t, t_len, text, len))
                                return -1;
                } else if (!link_holds(ref, ref_len, base, base_len, p, p_len, t, t_len, parent)) {
                        return -1;
                }
                if (p_len >= sizeof(parent))
                        return -1;
                memcpy(parent, p, p_len);
                parent[p_len] = '\0';
        }
        if (!next_str(&c, &blob, &blob_len) || blob == NULL || c.left != 0)
                return -1;
        return policy_profile_from_blob(blob, blob_len, out);
}

static void write_entry(const char *dir, const char *entry, const struct policy_chain *chain,
                        const struct policy_profile *p)
{
        /* magic, build id, count, 4 strings per file, blob: 2 parts per string */
        struct iovec parts[3 + 2 + 8 * (POLICY_MAX_EXTENDS + 1) + 2];
        uint32_t lens[1 + 4 * (POLICY_MAX_EXTENDS + 1) + 1], files = (uint32_t)chain->n;
        uint32_t none = NO_STRING;
        _cleanup_free_ char *blob = NULL;
        size_t blob_len, k = 0, l = 0;

        if (policy_profile_to_blob(p, &blob, &blob_len) < 0)
                return;
#define PART(ptr, n) (parts[k++] = (struct iovec){(void *)(ptr), (n)})
#define STR(ptr, n)                                                                                \
        do {                                                                                       \
                if ((ptr) == NULL) {                                                               \
                        PART(&none, sizeof(none));                                                 \
                } else {                                                                           \
                        lens[l] = (uint32_t)(n);                                                   \
                        PART(&lens[l], sizeof(lens[l]));                                           \
                        l++;                                                                       \
                        PART((ptr), (n));                                                          \
                }                                                                                  \
        } while (0)
        PART(MAGIC, 8);
        STR(runtime_cache_build_id, strlen(runtime_cache_build_id));
        PART(&files, sizeof(files));
        for (size_t i = 0; i < chain->n; i++) {
                const struct policy_chain_file *f = &chain->files[i];

                STR(f->ref, strlen(f->ref));
                STR(f->base_dir, f->base_dir ? strlen(f->base_dir) : 0);
                STR(f->path, strlen(f->path));
                STR(f->text, f->len);
        }
        STR(blob, blob_len);
#undef STR
#undef PART
        runtime_cache_store(dir, entry, parts, k, ".prof");
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
