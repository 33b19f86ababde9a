#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/safe_path.h"

/* A tree:
 *   T/outside/secret             (outside the root)
 *   T/root/etc/hostname
 *   T/root/abs  -> /             (absolute link to the root)
 *   T/root/up   -> ../../..      (relative link climbing out)
 *   T/root/sec  -> ../outside/secret
 *   T/root/etc/esc -> /../../outside
 *   T/root/dangling -> /nowhere/x
 */
static char T[PATH_MAX];
static int root_fd = -1;

static void mk(const char *rel, bool dir)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", T, rel);
        if (dir)
                cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s", p);
        else {
                FILE *f = fopen(p, "w");
                cr_assert_not_null(f);
                fputs(rel, f);
                fclose(f);
        }
}

static void ln(const char *target, const char *rel)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", T, rel);
        cr_assert_eq(symlink(target, p), 0, "symlink %s", p);
}

static void setup(void)
{
        snprintf(T, sizeof(T), "/tmp/sb-safe-path.XXXXXX");
        cr_assert_not_null(mkdtemp(T));
        mk("outside", true);
        mk("outside/secret", false);
        mk("root", true);
        mk("root/etc", true);
        mk("root/etc/hostname", false);
        ln("/", "root/abs");
        ln("../../..", "root/up");
        ln("../outside/secret", "root/sec");
        ln("/../../outside", "root/etc/esc");
        ln("/nowhere/x", "root/dangling");
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/root", T);
        root_fd = open(p, O_PATH | O_DIRECTORY);
        cr_assert_geq(root_fd, 0);
}

static void teardown(void)
{
        char cmd[PATH_MAX + 16];
        close(root_fd);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", T);
        cr_expect_eq(system(cmd), 0);
}

/* The fd must name something inside T/root. */
static void assert_inside(int fd)
{
        char p[PATH_MAX], want[PATH_MAX];
        struct sb_err e = {0};
        cr_assert_eq(runtime_fd_path(fd, p, sizeof(p), &e), 0, "%s", e.msg);
        snprintf(want, sizeof(want), "%s/root", T);
        cr_assert(strncmp(p, want, strlen(want)) == 0 &&
                      (p[strlen(want)] == '\0' || p[strlen(want)] == '/'),
                  "%s escaped to %s", want, p);
}

TestSuite(safe_path, .init = setup, .fini = teardown);

Test(safe_path, plain_path)
{
        struct sb_err e = {0};
        int fd = runtime_open_in_root(root_fd, "/etc/hostname", O_RDONLY, 0, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        char buf[64] = {0};
        cr_assert_gt(read(fd, buf, sizeof(buf) - 1), 0);
        cr_assert_str_eq(buf, "root/etc/hostname");
        close(fd);
}

Test(safe_path, symlink_to_slash_stays_in_root)
{
        struct sb_err e = {0};
        int fd = runtime_open_in_root(root_fd, "abs", O_PATH | O_DIRECTORY, 0, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        close(fd);
        /* "/abs/etc/hostname" is the root's, not the host's /etc */
        fd = runtime_open_in_root(root_fd, "/abs/etc/hostname", O_PATH, 0, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        close(fd);
}

Test(safe_path, dotdot_symlinks_stay_in_root)
{
        struct sb_err e = {0};
        int fd = runtime_open_in_root(root_fd, "up", O_PATH | O_DIRECTORY, 0, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        close(fd);
        fd = runtime_open_in_root(root_fd, "up/etc/hostname", O_PATH, 0, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        close(fd);
        /* the host's secret is unreachable through either link */
        cr_assert_eq(runtime_open_in_root(root_fd, "sec", O_RDONLY, 0, &e), -1);
        cr_assert_eq(e.errnum, ENOENT);
        cr_assert_eq(runtime_open_in_root(root_fd, "etc/esc/secret", O_RDONLY, 0, &e), -1);
        cr_assert_eq(e.errnum, ENOENT);
        cr_assert_eq(runtime_open_in_root(root_fd, "../../outside/secret", O_RDONLY, 0, &e), -1);
        cr_assert_eq(e.errnum, ENOENT);
        cr_assert(strstr(e.msg, "outside/secret") != NULL, "%s", e.msg);
}

Test(safe_path, magic_links_refused)
{
        struct sb_err e = {0};
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/root/self", T);
        cr_assert_eq(symlink("/proc/self/root", p), 0);
        int proc_fd = open("/", O_PATH | O_DIRECTORY);
        /* from the real root, /proc/self/root is a magic link: refused */
        cr_assert_eq(runtime_open_in_root(proc_fd, "/proc/self/root/etc", O_PATH, 0, &e), -1);
        cr_assert_eq(e.errnum, ELOOP, "%s", e.msg);
        close(proc_fd);
}

Test(safe_path, mkdir_p_through_escaping_symlinks)
{
        struct sb_err e = {0};
        int fd = runtime_mkdir_p_in_root(root_fd, "/up/new/a/b", 0755, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        close(fd);
        char p[PATH_MAX];
        struct stat st;
        snprintf(p, sizeof(p), "%s/root/new/a/b", T);
        cr_assert_eq(stat(p, &st), 0, "created inside the root");
        cr_assert(S_ISDIR(st.st_mode));
        /* esc -> /../../outside is /outside in the root, which does not
         * exist: a dangling link is refused, not created through. */
        cr_assert_eq(runtime_mkdir_p_in_root(root_fd, "etc/esc/made", 0755, &e), -1);
        cr_assert(strstr(e.msg, "etc/esc") != NULL, "%s", e.msg);
        snprintf(p, sizeof(p), "%s/outside/made", T);
        cr_assert_neq(stat(p, &st), 0, "nothing created outside");
        snprintf(p, sizeof(p), "%s/made", T);
        cr_assert_neq(stat(p, &st), 0, "nothing created outside");
        /* once the target exists in the root, the link leads there */
        mk("root/outside", true);
        fd = runtime_mkdir_p_in_root(root_fd, "etc/esc/made", 0755, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        close(fd);
        snprintf(p, sizeof(p), "%s/root/outside/made", T);
        cr_assert_eq(stat(p, &st), 0, "esc resolved as /outside in the root");
        snprintf(p, sizeof(p), "%s/outside/made", T);
        cr_assert_neq(stat(p, &st), 0, "nothing created outside");
        /* existing path: just opened */
        fd = runtime_mkdir_p_in_root(root_fd, "/etc", 0755, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        close(fd);
        /* a file in the way */
        cr_assert_eq(runtime_mkdir_p_in_root(root_fd, "/etc/hostname/x", 0755, &e), -1);
        cr_assert_eq(e.errnum, ENOTDIR);
}

Test(safe_path, mkfile_and_parent)
{
        struct sb_err e = {0};
        int fd = runtime_mkfile_p_in_root(root_fd, "/abs/dev/null", 0644, &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        close(fd);
        char p[PATH_MAX], name[NAME_MAX + 1];
        struct stat st;
        snprintf(p, sizeof(p), "%s/root/dev/null", T);
        cr_assert_eq(stat(p, &st), 0);
        cr_assert(S_ISREG(st.st_mode));
        /* a dangling symlink in the last component is not created through */
        cr_assert_eq(runtime_mkfile_p_in_root(root_fd, "/dangling", 0644, &e), -1);
        cr_assert_eq(stat("/nowhere", &st), -1);
        fd = runtime_open_parent_in_root(root_fd, "/up/etc/x/", name, sizeof(name), &e);
        cr_assert_geq(fd, 0, "%s", e.msg);
        assert_inside(fd);
        cr_assert_str_eq(name, "x");
        close(fd);
        cr_assert_eq(runtime_open_parent_in_root(root_fd, "/etc/..", name, sizeof(name), &e), -1);
        cr_assert_eq(runtime_open_parent_in_root(root_fd, "/", name, sizeof(name), &e), -1);
}
