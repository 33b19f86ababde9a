/* The on-disk cache of compiled seccomp programs (see seccomp_cache.h). */
#include "runtime/seccomp_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/bytes.h"
#include "runtime/cleanup.h"
#include "runtime/disk_cache.h"
#include "runtime/log.h"

#define MAGIC "SBBPF01\n"

struct header {
        char magic[8];
        uint32_t key_len;
        uint32_t n_insns;
        uint64_t flags;
        uint32_t has_notify;
        uint32_t reserved;
};

/* The key is built for every container: a plain buffer, no stdio. */
static void put_c(struct sb_bytes *k, char c)
{
        sb_bytes_put(k, &c, 1);
}

static void put_u64(struct sb_bytes *k, uint64_t v)
{
        char buf[24];
        size_t i = sizeof(buf);

        do {
                buf[--i] = (char)('0' + v % 10);
                v /= 10;
        } while (v != 0);
        sb_bytes_put(k, buf + i, sizeof(buf) - i);
}

static void put_int(struct sb_bytes *k, int v)
{
        if (v < 0)
                put_c(k, '-');
        put_u64(k, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

static void put_str(struct sb_bytes *k, const char *s)
{
        /* Length-prefixed: names from a config may hold any byte. */
        if (s == NULL) {
                sb_bytes_put(k, "-;", 2);
                return;
        }
        size_t n = strlen(s);
        put_u64(k, n);
        put_c(k, ':');
        sb_bytes_put(k, s, n);
        put_c(k, ';');
}

static void put_list(struct sb_bytes *k, const struct oci_string_list *l)
{
        put_c(k, '[');
        put_u64(k, l->count);
        put_c(k, ']');
        for (size_t i = 0; i < l->count; i++)
                put_str(k, l->items[i]);
}

char *runtime_seccomp_key(const struct oci_seccomp *s, size_t *len)
{
        const struct scmp_version *v = seccomp_version();
        struct sb_bytes k = {0};
        char head[512];
        int n = snprintf(head, sizeof(head),
                         "sandbox seccomp program\nbuild %s\nlibseccomp %u.%u.%u api %u arch %u\n"
                         "default %d %d %" PRIu32 "\narch ",
                         runtime_cache_build_id, v->major, v->minor, v->micro, seccomp_api_get(),
                         seccomp_arch_native(), (int)s->default_action,
                         (int)s->has_default_errno_ret, s->default_errno_ret);

        if (n < 0 || (size_t)n >= sizeof(head))
                return NULL;
        sb_bytes_put(&k, head, (size_t)n);
        put_list(&k, &s->architectures);
        sb_bytes_put(&k, "\nflags ", 7);
        put_list(&k, &s->flags);
        const char *foreign = s->foreign_to_listener ? "\nforeign notify" : "\nforeign kill";
        sb_bytes_put(&k, foreign, strlen(foreign));
        sb_bytes_put(&k, "\nsyscalls ", 10);
        put_u64(&k, s->n_syscalls);
        put_c(&k, '\n');
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];

                put_int(&k, (int)sc->action);
                put_c(&k, ' ');
                put_int(&k, (int)sc->has_errno_ret);
                put_c(&k, ' ');
                put_u64(&k, sc->errno_ret);
                put_c(&k, ' ');
                put_list(&k, &sc->names);
                sb_bytes_put(&k, " args ", 6);
                put_u64(&k, sc->n_args);
                for (size_t a = 0; a < sc->n_args; a++) {
                        put_c(&k, ' ');
                        put_u64(&k, sc->args[a].index);
                        put_c(&k, ',');
                        put_int(&k, (int)sc->args[a].op);
                        put_c(&k, ',');
                        put_u64(&k, sc->args[a].value);
                        put_c(&k, ',');
                        put_u64(&k, sc->args[a].value_two);
                }
                put_c(&k, '\n');
        }
        put_c(&k, '\0'); /* a string, as the callers print it */
        if (k.failed) {
                free(k.buf);
                return NULL;
        }
        *len = k.len - 1;
        return k.buf;
}

static int read_entry(const char *path, const char *key, size_t key_len, struct runtime_bpf *out)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        struct header h;
        _cleanup_free_ char *k = NULL;
        size_t bytes;

        if (fd < 0 || read(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
            memcmp(h.magic, MAGIC, 8) != 0 || h.key_len != key_len || h.n_insns == 0 ||
            h.n_insns > BPF_MAXINSNS)
                return -1;
        k = malloc(key_len);
        if (k == NULL || read(fd, k, key_len) != (ssize_t)key_len || memcmp(k, key, key_len) != 0)
                return -1;
        bytes = (size_t)h.n_insns * sizeof(struct sock_filter);
        out->insns = malloc(bytes);
        if (out->insns == NULL || read(fd, out->insns, bytes) != (ssize_t)bytes) {
                runtime_bpf_free(out);
                return -1;
        }
        out->len = h.n_insns;
        out->flags = (unsigned long)h.flags;
        out->has_notify = h.has_notify != 0;
        runtime_cache_touch(fd);
        return 0;
}

static void write_entry(const char *dir, const char *path, const char *key, size_t key_len,
                        const struct runtime_bpf *p)
{
        struct header h = {.key_len = (uint32_t)key_len,
                           .n_insns = (uint32_t)p->len,
                           .flags = p->flags,
                           .has_notify = p->has_notify};
        struct iovec parts[3] = {
            {&h, sizeof(h)},
            {(void *)key, key_len},
            {p->insns, p->len * sizeof(struct sock_filter)},
        };

        memcpy(h.magic, MAGIC, 8);
        runtime_cache_store(dir, path, parts, 3, ".bpf");
}

int runtime_seccomp_program(const struct oci_seccomp *s, struct runtime_bpf *out,
                            struct sb_err *err)
{
        scmp_filter_ctx ctx = NULL;
        _cleanup_free_ char *key = NULL;
        size_t key_len = 0;
        const char *dir = runtime_cache_dir();
        char path[PATH_MAX];
        int r;

        memset(out, 0, sizeof(*out));
        if (dir != NULL && (key = runtime_seccomp_key(s, &key_len)) != NULL) {
                snprintf(path, sizeof(path), "%s/%016" PRIx64 ".bpf", dir,
                         runtime_cache_hash(RUNTIME_CACHE_HASH_INIT, key, key_len));
                if (read_entry(path, key, key_len, out) == 0)
                        return 0;
        }
        if (runtime_seccomp_compile(s, &ctx, err) < 0)
                return -1;
        r = runtime_seccomp_export(ctx, out, err);
        runtime_seccomp_release(ctx);
        if (r == 0 && key != NULL)
                write_entry(dir, path, key, key_len, out);
        return r;
}
