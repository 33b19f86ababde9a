#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/disk_cache.h"
#include "runtime/seccomp_cache.h"

/* Lists with static storage: the sample outlives the function that fills it. */
#define LIST(...)                                                                                  \
        ({                                                                                         \
                static char *items_[] = {__VA_ARGS__};                                             \
                (struct oci_string_list){.items = items_,                                          \
                                         .count = sizeof(items_) / sizeof(char *)};                \
        })

static struct oci_seccomp_arg arg = {.index = 1, .value = 2, .value_two = 0, .op = OCI_SCMP_CMP_EQ};
static struct oci_seccomp_syscall calls[2];
static struct oci_seccomp sample;

static void make_sample(void)
{
        arg =
            (struct oci_seccomp_arg){.index = 1, .value = 2, .value_two = 0, .op = OCI_SCMP_CMP_EQ};
        calls[0] = (struct oci_seccomp_syscall){.names = LIST("mkdir", "mkdirat"),
                                                .action = OCI_SCMP_ACT_ERRNO,
                                                .has_errno_ret = true,
                                                .errno_ret = 1};
        calls[1] = (struct oci_seccomp_syscall){
            .names = LIST("socket"), .action = OCI_SCMP_ACT_ERRNO, .args = &arg, .n_args = 1};
        sample = (struct oci_seccomp){.present = true,
                                      .default_action = OCI_SCMP_ACT_ALLOW,
                                      .architectures = LIST("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                                      .syscalls = calls,
                                      .n_syscalls = 2};
}

static char *key_of(const struct oci_seccomp *s)
{
        size_t len;
        char *k = runtime_seccomp_key(s, &len);

        cr_assert_not_null(k);
        cr_assert_eq(strlen(k), len);
        return k;
}

/* Every field that changes the program changes the key. */
Test(seccomp_cache, key_covers_every_field)
{
        make_sample();
        char *base = key_of(&sample), *k;

        k = key_of(&sample);
        cr_assert_str_eq(base, k, "the key is deterministic");
        free(k);

#define CHANGED(stmt)                                                                              \
        do {                                                                                       \
                make_sample();                                                                     \
                stmt;                                                                              \
                k = key_of(&sample);                                                               \
                cr_assert_str_neq(base, k, "unchanged key after: " #stmt);                         \
                free(k);                                                                           \
        } while (0)
        CHANGED(sample.default_action = OCI_SCMP_ACT_LOG);
        CHANGED((sample.has_default_errno_ret = true, sample.default_errno_ret = 0));
        CHANGED(sample.architectures.count = 1);
        CHANGED(sample.flags = LIST("SECCOMP_FILTER_FLAG_LOG"));
        CHANGED(sample.foreign_to_listener = true);
        CHANGED(sample.n_syscalls = 1);
        CHANGED(calls[0].action = OCI_SCMP_ACT_KILL);
        CHANGED(calls[0].errno_ret = 2);
        CHANGED(calls[0].has_errno_ret = false);
        CHANGED(calls[0].names = LIST("mkdir"));
        CHANGED(calls[0].names = LIST("mkdir", "rmdir"));
        CHANGED(arg.index = 2);
        CHANGED(arg.value = 3);
        CHANGED(arg.value_two = 1);
        CHANGED(arg.op = OCI_SCMP_CMP_NE);
        /* names that would run together without their lengths */
        CHANGED(calls[0].names = LIST("mkdirmkdirat"));
#undef CHANGED
        free(base);
}

static char dir[64];

static int count_entries_ending(const char *suffix)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        int n = 0;

        cr_assert_not_null(d);
        while ((e = readdir(d)) != NULL)
                n += strstr(e->d_name, suffix) != NULL;
        closedir(d);
        return n;
}

static int count_entries(void)
{
        return count_entries_ending(".bpf");
}

static char *only_entry(void)
{
        DIR *d = opendir(dir);
        struct dirent *e;
        char *path = NULL;

        while ((e = readdir(d)) != NULL)
                if (strstr(e->d_name, ".bpf") != NULL)
                        cr_assert_gt(asprintf(&path, "%s/%s", dir, e->d_name), 0);
        closedir(d);
        cr_assert_not_null(path);
        return path;
}

/* Flips every bit of the byte at `off` (negative: from the end) of the
 * entry; returns its new value. */
static unsigned char flip(const char *path, off_t off)
{
        struct stat st;
        unsigned char b;
        int fd = open(path, O_RDWR);

        cr_assert_geq(fd, 0);
        cr_assert_eq(fstat(fd, &st), 0);
        if (off < 0)
                off += st.st_size;
        cr_assert_eq(pread(fd, &b, 1, off), 1);
        b ^= 0xff;
        cr_assert_eq(pwrite(fd, &b, 1, off), 1);
        close(fd);
        return b;
}

static void program(struct runtime_bpf *p)
{
        struct sb_err err = {0};

        cr_assert_eq(runtime_seccomp_program(&sample, p, &err), 0, "%s", err.msg);
        cr_assert_gt(p->len, 0);
}

static void same(const struct runtime_bpf *a, const struct runtime_bpf *b)
{
        cr_assert_eq(a->len, b->len);
        cr_assert_eq(a->flags, b->flags);
        cr_assert_eq(a->has_notify, b->has_notify);
        cr_assert_eq(memcmp(a->insns, b->insns, a->len * sizeof(*a->insns)), 0);
}

static void setup_dir(void)
{
        snprintf(dir, sizeof(dir), "/tmp/sb-scache-XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
        setenv("SANDBOX_SECCOMP_CACHE", dir, 1);
        make_sample();
}

static void teardown_dir(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        cr_assert_eq(system(cmd), 0);
        unsetenv("SANDBOX_SECCOMP_CACHE");
}

/* A miss stores the program; a hit gives the very same program. */
Test(seccomp_cache, miss_stores_hit_returns_same_program, .init = setup_dir, .fini = teardown_dir)
{
        struct runtime_bpf fresh, first, second;

        setenv("SANDBOX_SECCOMP_CACHE", "off", 1);
        program(&fresh);
        cr_assert_eq(count_entries(), 0, "off: nothing stored");
        setenv("SANDBOX_SECCOMP_CACHE", dir, 1);

        program(&first);
        cr_assert_eq(count_entries(), 1);
        same(&fresh, &first);
        /* the stored entry is what a hit returns: make it the only source */
        char *path = only_entry();
        struct stat st;
        cr_assert_eq(stat(path, &st), 0);
        cr_assert_eq(st.st_mode & 0777, 0600);
        program(&second);
        same(&first, &second);
        cr_assert_eq(count_entries(), 1);
        free(path);
        runtime_bpf_free(&fresh);
        runtime_bpf_free(&first);
        runtime_bpf_free(&second);
}

/* An entry whose stored key differs (a hash collision, a tampered file) is a
 * miss: the program is compiled again and the entry replaced. */
Test(seccomp_cache, stored_key_must_match_in_full, .init = setup_dir, .fini = teardown_dir)
{
        struct runtime_bpf first, again;
        char *path;

        program(&first);
        path = only_entry();
        /* change a byte of the stored key (the header is 32 bytes) and one of
         * the last instruction: were the key not compared, the changed
         * program would come back */
        flip(path, 40);
        flip(path, -1);
        program(&again);
        same(&first, &again);

        /* a truncated entry is a miss too */
        cr_assert_eq(truncate(path, 30), 0);
        runtime_bpf_free(&again);
        program(&again);
        same(&first, &again);
        free(path);
        runtime_bpf_free(&first);
        runtime_bpf_free(&again);
}

/* A folder others can write to is not trusted: nothing is read or stored. */
Test(seccomp_cache, untrusted_folder_is_not_used, .init = setup_dir, .fini = teardown_dir)
{
        struct runtime_bpf p;

        cr_assert_eq(chmod(dir, 0777), 0);
        program(&p);
        cr_assert_eq(count_entries(), 0);
        runtime_bpf_free(&p);
}

/* A hit really comes from the file: an entry whose key matches is returned
 * as stored (here with one instruction byte changed), not compiled again. */
Test(seccomp_cache, hit_is_read_from_the_entry, .init = setup_dir, .fini = teardown_dir)
{
        struct runtime_bpf first, hit;
        char *path;

        program(&first);
        path = only_entry();
        unsigned char b = flip(path, -1);
        program(&hit);
        cr_assert_eq(hit.len, first.len);
        cr_assert_neq(memcmp(hit.insns, first.insns, first.len * sizeof(*first.insns)), 0,
                      "the stored program, not a fresh compile");
        cr_assert_eq(((unsigned char *)hit.insns)[hit.len * sizeof(*hit.insns) - 1], b);
        free(path);
        runtime_bpf_free(&first);
        runtime_bpf_free(&hit);
}

static void set_mtime(const char *path, time_t t)
{
        struct timespec ts[2] = {{.tv_sec = t}, {.tv_sec = t}};

        cr_assert_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static time_t mtime_of(const char *path)
{
        struct stat st;

        cr_assert_eq(stat(path, &st), 0);
        return st.st_mtime;
}

/* A hit marks its entry used: an mtime older than SB_DISK_CACHE_TOUCH_SECS
 * moves to now; a recent one is left alone (no inode write per start). */
Test(seccomp_cache, hit_marks_the_entry_used, .init = setup_dir, .fini = teardown_dir)
{
        struct runtime_bpf first, hit;
        char *path;
        time_t now = time(NULL);

        program(&first);
        path = only_entry();
        set_mtime(path, now - SB_DISK_CACHE_TOUCH_SECS - 60);
        program(&hit);
        cr_assert_geq(mtime_of(path), now, "an old entry hit now is recent");
        set_mtime(path, now - 60);
        runtime_bpf_free(&hit);
        program(&hit);
        cr_assert_eq(mtime_of(path), now - 60, "a recent entry is not written again");
        free(path);
        runtime_bpf_free(&first);
        runtime_bpf_free(&hit);
}

/* Past SB_DISK_CACHE_MAX entries of a kind, the least recently used go:
 * the oldest entry, touched by a hit, stays; the next oldest is removed. */
Test(seccomp_cache, prune_removes_the_least_recently_used, .init = setup_dir, .fini = teardown_dir)
{
        char path[PATH_MAX];
        time_t now = time(NULL);
        struct iovec part = {.iov_base = "x", .iov_len = 1};

        for (int i = 0; i < SB_DISK_CACHE_MAX; i++) {
                snprintf(path, sizeof(path), "%s/e%03d.t", dir, i);
                runtime_cache_store(dir, path, &part, 1, ".t");
                set_mtime(path, now - 100000 + i);
        }
        snprintf(path, sizeof(path), "%s/e000.t", dir);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        runtime_cache_touch(fd);
        close(fd);

        snprintf(path, sizeof(path), "%s/new.t", dir);
        runtime_cache_store(dir, path, &part, 1, ".t");
        cr_assert_eq(count_entries_ending(".t"), SB_DISK_CACHE_MAX);
        snprintf(path, sizeof(path), "%s/e000.t", dir);
        cr_assert_eq(access(path, F_OK), 0, "used by a hit: kept");
        snprintf(path, sizeof(path), "%s/e001.t", dir);
        cr_assert_neq(access(path, F_OK), 0, "least recently used: removed");
        snprintf(path, sizeof(path), "%s/new.t", dir);
        cr_assert_eq(access(path, F_OK), 0);
}
