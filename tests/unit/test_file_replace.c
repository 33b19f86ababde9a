#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/file_replace.h"

static char dir[64];

static void setup(void)
{
        snprintf(dir, sizeof(dir), "/tmp/sb-replace.XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *path)
{
        static char buf[256];
        FILE *f = fopen(path, "re");
        cr_assert_not_null(f, "open %s", path);
        size_t n = fread(buf, 1, sizeof(buf) - 1, f);
        buf[n] = '\0';
        fclose(f);
        return buf;
}

static int entries(void)
{
        int n = 0;
        DIR *d = opendir(dir);
        for (struct dirent *e; (e = readdir(d)) != NULL;)
                n += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
        closedir(d);
        return n;
}

TestSuite(file_replace, .init = setup, .fini = teardown);

Test(file_replace, creates_then_replaces_and_leaves_no_temporary)
{
        char path[128];
        struct sb_err err = {0};
        struct stat st;

        snprintf(path, sizeof(path), "%s/state.json", dir);
        cr_assert_eq(sb_file_write_whole(path, "first", 5, 0600, &err), 0, "%s", err.msg);
        cr_assert_str_eq(slurp(path), "first");
        cr_assert_eq(stat(path, &st), 0);
        cr_assert_eq(st.st_mode & 07777, 0600);
        cr_assert_eq(sb_file_write_whole(path, "second, longer", 14, 0600, &err), 0, "%s", err.msg);
        cr_assert_str_eq(slurp(path), "second, longer");
        cr_assert_eq(sb_file_write_whole(path, "3", 1, 0600, &err), 0, "%s", err.msg);
        cr_assert_str_eq(slurp(path), "3");
        cr_assert_eq(entries(), 1, "only state.json is left, no .state.json.tmp");
}

Test(file_replace, replace_keeps_readers_of_the_old_file_whole)
{
        char path[128];
        struct sb_err err = {0};
        char buf[16] = {0};

        snprintf(path, sizeof(path), "%s/pid", dir);
        cr_assert_eq(sb_file_write_whole(path, "111", 3, 0644, &err), 0);
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        cr_assert_geq(fd, 0);
        cr_assert_eq(sb_file_write_whole(path, "222", 3, 0644, &err), 0);
        cr_assert_eq(read(fd, buf, sizeof(buf) - 1), 3);
        cr_assert_str_eq(buf, "111", "an open reader keeps the old content, untouched");
        close(fd);
        cr_assert_str_eq(slurp(path), "222");
}

Test(file_replace, errors_name_the_file)
{
        char path[128];
        struct sb_err err = {0};

        snprintf(path, sizeof(path), "%s/missing-dir/state.json", dir);
        cr_assert_eq(sb_file_write_whole(path, "x", 1, 0600, &err), -1);
        cr_assert(strstr(err.msg, "missing-dir/.state.json.tmp") != NULL, "%s", err.msg);
        /* a directory in the way: nothing replaced, no temporary left */
        snprintf(path, sizeof(path), "%s/adir", dir);
        cr_assert_eq(mkdir(path, 0700), 0);
        char inner[160];
        snprintf(inner, sizeof(inner), "%s/keep", path);
        cr_assert_eq(sb_file_write_whole(inner, "k", 1, 0600, &err), 0);
        cr_assert_eq(sb_file_write_whole(path, "x", 1, 0600, &err), -1);
        cr_assert(strstr(err.msg, "adir") != NULL, "%s", err.msg);
        cr_assert_str_eq(slurp(inner), "k", "the directory is left as it was");
        cr_assert_eq(entries(), 1, "no temporary left beside adir");
}
