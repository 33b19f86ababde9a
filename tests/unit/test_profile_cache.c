/* runtime/profile_cache.c: resolved profiles cached on disk, trusted only
 * while every file of the chain is found and reads as it did. */
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
#include "runtime/profile_cache.h"

static char dir[64], cache[96], profiles[96], other[96];

static void write_file(const char *path, const char *text)
{
        FILE *f = fopen(path, "w");

        cr_assert_not_null(f, "%s", path);
        fputs(text, f);
        cr_assert_eq(fclose(f), 0);
}

static void setup(void)
{
        snprintf(dir, sizeof(dir), "/tmp/sb-profcache-XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
        snprintf(cache, sizeof(cache), "%s/cache", dir);
        snprintf(profiles, sizeof(profiles), "%s/profiles", dir);
        snprintf(other, sizeof(other), "%s/other", dir);
        cr_assert_eq(mkdir(profiles, 0755), 0);
        cr_assert_eq(mkdir(other, 0755), 0);
        setenv("SANDBOX_SECCOMP_CACHE", cache, 1);
        setenv("SANDBOX_PROFILE_PATH", profiles, 1);
        char base[160];

        snprintf(base, sizeof(base), "%s/base.json", profiles);
        write_file(base, "{\"name\": \"base\", \"description\": \"base one\", "
                         "\"defaultAction\": \"allow\", \"rules\": [{\"names\": [\"reboot\"], "
                         "\"action\": \"errno\"}]}");
}

static void teardown(void)
{
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        cr_assert_eq(system(cmd), 0);
        unsetenv("SANDBOX_SECCOMP_CACHE");
        unsetenv("SANDBOX_PROFILE_PATH");
}

static char *child_path(void)
{
        static char p[160];

        snprintf(p, sizeof(p), "%s/child.json", dir);
        return p;
}

static void write_child(const char *description)
{
        char text[512];

        snprintf(text, sizeof(text),
                 "{\"name\": \"child\", \"description\": \"%s\", \"extends\": \"base\", "
                 "\"rules\": [{\"names\": [\"mount\"], \"action\": \"log\"}]}",
                 description);
        write_file(child_path(), text);
}

static size_t entries(void)
{
        DIR *d = opendir(cache);
        struct dirent *e;
        size_t n = 0;

        if (d == NULL)
                return 0;
        while ((e = readdir(d)) != NULL)
                n += strstr(e->d_name, ".prof") != NULL;
        closedir(d);
        return n;
}

static char *only_entry(void)
{
        DIR *d = opendir(cache);
        struct dirent *e;
        char *path = NULL;

        cr_assert_not_null(d);
        while ((e = readdir(d)) != NULL)
                if (strstr(e->d_name, ".prof") != NULL)
                        cr_assert_gt(asprintf(&path, "%s/%s", cache, e->d_name), 0);
        closedir(d);
        cr_assert_not_null(path);
        return path;
}

/* child.json resolved through the cache. */
static void resolve(struct policy_profile *p)
{
        struct sb_err e = {0};

        cr_assert_eq(runtime_profile_resolve(child_path(), p, NULL, &e), 0, "%s", e.msg);
}

static const struct policy_rule *rule_for(const struct policy_profile *p, const char *name)
{
        for (size_t i = 0; i < p->n_rules; i++)
                for (size_t k = 0; k < p->rules[i].n_names; k++)
                        if (strcmp(p->rules[i].names[k], name) == 0)
                                return &p->rules[i];
        return NULL;
}

/* Replaces the first occurrence of `from` in the file by `to` (same length). */
static void edit_in_place(const char *path, const char *from, const char *to)
{
        FILE *f = fopen(path, "r+");
        static char buf[1 << 16];
        size_t n;
        char *at;

        cr_assert_not_null(f);
        n = fread(buf, 1, sizeof(buf), f);
        at = memmem(buf, n, from, strlen(from));
        cr_assert_not_null(at, "`%s` not in %s", from, path);
        cr_assert_eq(strlen(from), strlen(to));
        memcpy(at, to, strlen(to));
        rewind(f);
        cr_assert_eq(fwrite(buf, 1, n, f), n);
        cr_assert_eq(fclose(f), 0);
}

/* A miss stores the effective profile; the next resolve takes it from the
 * entry (shown by changing the description inside the entry). */
Test(profile_cache, miss_stores_and_hit_reads_the_entry, .init = setup, .fini = teardown)
{
        struct policy_profile p;
        char *entry;

        write_child("first child");
        resolve(&p);
        cr_assert_str_eq(p.description, "first child");
        cr_assert_not_null(rule_for(&p, "reboot"), "the base's rule");
        policy_profile_free(&p);
        cr_assert_eq(entries(), 1);
        entry = only_entry();
        struct stat st;
        cr_assert_eq(stat(entry, &st), 0);
        cr_assert_eq(st.st_mode & 0777, 0600);
        /* the key holds the file's text ("first child" too): change the blob's
         * copy, the last one in the entry */
        FILE *f = fopen(entry, "r+");
        static char buf[1 << 16];
        size_t n = fread(buf, 1, sizeof(buf), f);
        char *last = NULL;
        for (char *q = buf; (q = memmem(q, n - (size_t)(q - buf), "first child", 11)) != NULL; q++)
                last = q;
        cr_assert_not_null(last);
        memcpy(last, "cache child", 11);
        rewind(f);
        cr_assert_eq(fwrite(buf, 1, n, f), n);
        cr_assert_eq(fclose(f), 0);
        /* an entry last used long ago: the hit marks it used */
        time_t long_ago = time(NULL) - SB_DISK_CACHE_TOUCH_SECS - 60;
        struct timespec ts[2] = {{.tv_sec = long_ago}, {.tv_sec = long_ago}};
        cr_assert_eq(utimensat(AT_FDCWD, entry, ts, 0), 0);
        resolve(&p);
        cr_assert_str_eq(p.description, "cache child", "read from the entry");
        cr_assert_eq(stat(entry, &st), 0);
        cr_assert_gt(st.st_mtime, long_ago, "the hit marked the entry used");
        policy_profile_free(&p);
        free(entry);
}

/* An edited file of the chain, the asked-for one or its parent, is a miss. */
Test(profile_cache, edited_file_is_a_miss, .init = setup, .fini = teardown)
{
        struct policy_profile p;
        char base[160];

        write_child("first child");
        resolve(&p);
        policy_profile_free(&p);
        write_child("other child");
        resolve(&p);
        cr_assert_str_eq(p.description, "other child");
        policy_profile_free(&p);

        snprintf(base, sizeof(base), "%s/base.json", profiles);
        edit_in_place(base, "\"errno\"", "\"allow\"");
        resolve(&p);
        cr_assert_eq(rule_for(&p, "reboot")->verdict.action, POLICY_ACT_ALLOW,
                     "the parent's edit is seen");
        policy_profile_free(&p);
}

/* `extends` found elsewhere now (an earlier folder on the search path) is a
 * miss, even though no file of the stored chain changed. */
Test(profile_cache, extends_found_elsewhere_is_a_miss, .init = setup, .fini = teardown)
{
        struct policy_profile p;
        char path[160], base[160];

        write_child("first child");
        resolve(&p);
        cr_assert_eq(rule_for(&p, "reboot")->verdict.action, POLICY_ACT_ERRNO);
        policy_profile_free(&p);
        snprintf(base, sizeof(base),
                 "{\"name\": \"base\", \"defaultAction\": \"allow\", \"rules\": "
                 "[{\"names\": [\"reboot\"], \"action\": \"log\"}]}");
        snprintf(path, sizeof(path), "%s/base.json", other);
        write_file(path, base);
        snprintf(path, sizeof(path), "%s:%s", other, profiles);
        setenv("SANDBOX_PROFILE_PATH", path, 1);
        resolve(&p);
        cr_assert_eq(rule_for(&p, "reboot")->verdict.action, POLICY_ACT_LOG);
        policy_profile_free(&p);
}

/* A damaged entry, or an untrusted or disabled cache, changes nothing but
 * the time it takes; a profile that does not resolve stores nothing. */
Test(profile_cache, damaged_or_unused_cache_still_resolves, .init = setup, .fini = teardown)
{
        struct policy_profile p;
        struct sb_err e = {0};
        char *entry;

        write_child("first child");
        resolve(&p);
        policy_profile_free(&p);
        entry = only_entry();
        cr_assert_eq(truncate(entry, 100), 0);
        resolve(&p);
        cr_assert_str_eq(p.description, "first child");
        cr_assert_not_null(rule_for(&p, "reboot"));
        policy_profile_free(&p);
        free(entry);

        cr_assert_eq(chmod(cache, 0777), 0);
        write_child("third child");
        resolve(&p);
        cr_assert_str_eq(p.description, "third child");
        policy_profile_free(&p);
        cr_assert_eq(entries(), 1, "nothing stored in a folder others can write");
        cr_assert_eq(chmod(cache, 0700), 0);

        setenv("SANDBOX_SECCOMP_CACHE", "off", 1);
        write_child("fourth child");
        resolve(&p);
        cr_assert_str_eq(p.description, "fourth child");
        policy_profile_free(&p);
        setenv("SANDBOX_SECCOMP_CACHE", cache, 1);

        write_file(child_path(), "{\"name\": \"child\", \"extends\": \"no-such-base\"}");
        cr_assert_eq(runtime_profile_resolve(child_path(), &p, NULL, &e), -1);
        cr_assert(strstr(e.msg, "no-such-base") != NULL, "%s", e.msg);
        cr_assert_eq(entries(), 1);
}
