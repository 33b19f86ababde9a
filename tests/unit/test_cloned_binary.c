#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cloned_binary.h"

Test(cloned_binary, test_binary_is_not_cloned)
{
        cr_assert_not(runtime_is_cloned_binary());
}

/* A source with known content, bigger than one copy chunk would need to be
 * to catch a partial copy: 3 MiB of a repeating pattern. */
static int make_source(char *path, size_t *size)
{
        size_t n = 3u << 20;
        char *buf = malloc(n);
        int fd = mkstemp(path);

        cr_assert_not_null(buf);
        cr_assert_geq(fd, 0);
        for (size_t i = 0; i < n; i++)
                buf[i] = (char)(i * 31 + 7);
        cr_assert_eq(write(fd, buf, n), (ssize_t)n);
        free(buf);
        *size = n;
        return fd;
}

Test(cloned_binary, seal_copy_is_sealed_and_identical)
{
        char path[] = "/tmp/sb-clone-XXXXXX";
        struct sb_err err = {0};
        size_t size;
        int src = make_source(path, &size);
        int m = runtime_seal_copy(src, &err);

        cr_assert_geq(m, 0, "%s", err.msg);
        int seals = fcntl(m, F_GET_SEALS);
        cr_assert_eq(seals & RUNTIME_CLONE_SEALS, RUNTIME_CLONE_SEALS);
        cr_assert(fcntl(m, F_GETFD) & FD_CLOEXEC);

        /* Writes, growing, shrinking and unsealing are refused. */
        errno = 0;
        cr_assert_eq(write(m, "x", 1), -1);
        cr_assert_eq(errno, EPERM);
        errno = 0;
        cr_assert_eq(pwrite(m, "x", 1, 10), -1);
        cr_assert_eq(errno, EPERM);
        cr_assert_eq(ftruncate(m, 1), -1);
        cr_assert_eq(ftruncate(m, (off_t)size * 2), -1);
        cr_assert_eq(fcntl(m, F_ADD_SEALS, F_SEAL_FUTURE_WRITE), -1);

        /* Same content, byte for byte. */
        char *a = malloc(size + 1), *b = malloc(size + 1);
        cr_assert_eq(pread(src, a, size + 1, 0), (ssize_t)size);
        cr_assert_eq(pread(m, b, size + 1, 0), (ssize_t)size);
        cr_assert_eq(memcmp(a, b, size), 0);
        free(a);
        free(b);
        close(m);
        close(src);
        unlink(path);
}

Test(cloned_binary, seal_copy_rejects_non_regular)
{
        struct sb_err err = {0};
        int p[2];

        cr_assert_eq(pipe(p), 0);
        cr_assert_eq(runtime_seal_copy(p[0], &err), -1);
        cr_assert_str_eq(err.msg, "clone binary: source is not a regular file: Invalid argument");
        close(p[0]);
        close(p[1]);
}

/* A file in a fresh directory whose name has a `:` (escaped for overlayfs). */
static void make_binary_dir(char *dir, char *file, size_t size)
{
        cr_assert_not_null(mkdtemp(dir));
        snprintf(file, size, "%s/bin", dir);
        int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, "#!/bin/sh\nexit 0\n", 17), 17);
        close(fd);
}

Test(cloned_binary, overlay_view_is_read_only_with_the_same_content)
{
        if (geteuid() != 0)
                cr_skip_test("mounting overlayfs needs root");
        char dir[] = "/tmp/sb-ovl:XXXXXX", file[64], proc[64], buf[64];
        struct sb_err err = {0};

        make_binary_dir(dir, file, sizeof(file));
        int view = runtime_overlay_view(file, "/dev", &err);
        cr_assert_geq(view, 0, "%s", err.msg);
        cr_assert(runtime_is_read_only_overlay(view));

        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", view);
        int rd = open(proc, O_RDONLY | O_CLOEXEC);
        cr_assert_geq(rd, 0);
        cr_assert_eq(read(rd, buf, sizeof(buf)), 17);
        cr_assert_eq(memcmp(buf, "#!/bin/sh\nexit 0\n", 17), 0);
        cr_assert(runtime_is_read_only_overlay(rd));
        close(rd);
        errno = 0;
        cr_assert_eq(open(proc, O_WRONLY | O_CLOEXEC), -1);
        cr_assert_eq(errno, EROFS);
        errno = 0;
        cr_assert_eq(open(proc, O_WRONLY | O_TRUNC | O_CLOEXEC), -1);
        cr_assert_eq(errno, EROFS);

        /* The file itself is not such a view. */
        int src = open(file, O_RDONLY | O_CLOEXEC);
        cr_assert_not(runtime_is_read_only_overlay(src));
        close(src);
        close(view);
        unlink(file);
        rmdir(dir);
}

Test(cloned_binary, overlay_view_failures_name_the_step)
{
        char dir[] = "/tmp/sb-ovl-XXXXXX", file[64];
        struct sb_err err = {0};

        cr_assert_eq(runtime_overlay_view("bin", "/dev", &err), -1);
        cr_assert_str_eq(err.msg,
                         "overlay view: `bin` is not an absolute file path: Invalid argument");
        if (geteuid() != 0)
                cr_skip_test("mounting overlayfs needs root");
        make_binary_dir(dir, file, sizeof(file));
        /* A spare layer above the binary's directory overlaps it. */
        cr_assert_eq(runtime_overlay_view(file, "/tmp", &err), -1);
        cr_assert(strstr(err.msg, "overlay view: fsconfig create (lowerdir=/tmp/sb-ovl-") ==
                      err.msg,
                  "%s", err.msg);
        unlink(file);
        rmdir(dir);
}

/* Data the remap must keep: written at run time, and relocated (a pointer). */
static int written_at_run_time;
static const char *const relocated = "relocated";

static int add(int a, int b)
{
        return a + b;
}
static int (*volatile add_through_pointer)(int, int) = add;

/* In a child (the test process stays as it was): moves onto `fd`, a copy
 * of this binary, then checks that the process still runs as before and
 * that /proc/self/exe is `fd`'s file, which nothing may write. Exit status:
 * 0 all well, 1..6 the step that failed. */
static int remap_child(int fd, const char *want_exe)
{
        struct sb_err err = {0};
        char link[256];

        written_at_run_time = 41;
        if (runtime_remap_exe(fd, &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
        }
        if (written_at_run_time != 41 || strcmp(relocated, "relocated") != 0)
                return 2;
        if (add_through_pointer(written_at_run_time, 1) != 42)
                return 3;
        if (!runtime_is_cloned_binary())
                return 4;
        ssize_t n = readlink("/proc/self/exe", link, sizeof(link) - 1);
        if (n <= 0)
                return 5;
        link[n] = '\0';
        if (strstr(link, want_exe) == NULL) {
                fprintf(stderr, "/proc/self/exe is %s\n", link);
                return 5;
        }
        /* A view cannot be opened for writing (EROFS); a sealed copy not
         * while it is this process's exe (ETXTBSY), and its seals refuse the
         * write after that (EPERM). */
        errno = 0;
        int w = open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
        if (w < 0 ? errno != EROFS && errno != ETXTBSY : write(w, "x", 1) != -1 || errno != EPERM) {
                fprintf(stderr, "write open of /proc/self/exe: %d, %s\n", w, strerror(errno));
                return 6;
        }
        return 0;
}

static void assert_remapped_child(int fd, const char *want_exe)
{
        pid_t pid = fork();

        cr_assert_geq(pid, 0);
        if (pid == 0)
                _exit(remap_child(fd, want_exe));
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status), "the remapped child died (status %#x)", status);
        cr_assert_eq(WEXITSTATUS(status), 0, "remapped child: step %d failed", WEXITSTATUS(status));
}

Test(cloned_binary, remap_onto_overlay_view_keeps_the_process)
{
        if (geteuid() != 0)
                cr_skip_test("mounting overlayfs needs root");
        char path[4096];
        struct sb_err err = {0};
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

        cr_assert_gt(n, 0);
        path[n] = '\0';
        int view = runtime_overlay_view(path, "/dev", &err);
        cr_assert_geq(view, 0, "%s", err.msg);
        /* The view's root is the binary's directory: /proc/self/exe reads
         * as /NAME. */
        char want[4096];
        snprintf(want, sizeof(want), "/%s", strrchr(path, '/') + 1);
        assert_remapped_child(view, want);
        close(view);
        cr_assert_not(runtime_is_cloned_binary());
}

Test(cloned_binary, remap_onto_sealed_copy_keeps_the_process)
{
        if (geteuid() != 0)
                cr_skip_test("pointing /proc/self/exe elsewhere needs CAP_SYS_ADMIN");
        struct sb_err err = {0};
        int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

        cr_assert_geq(exe, 0);
        int m = runtime_seal_copy(exe, &err);
        cr_assert_geq(m, 0, "%s", err.msg);
        assert_remapped_child(m, "memfd:sandbox");
        close(m);
        close(exe);
}

Test(cloned_binary, remap_refuses_another_file)
{
        char path[] = "/tmp/sb-remap-XXXXXX";
        struct sb_err err = {0};
        int fd = mkstemp(path);

        cr_assert_geq(fd, 0);
        cr_assert_eq(write(fd, "not this binary", 15), 15);
        cr_assert_eq(runtime_remap_exe(fd, &err), -1);
        cr_assert_str_eq(err.msg, "remap: not a copy of `/proc/self/exe`: Invalid argument");
        cr_assert_not(runtime_is_cloned_binary());
        close(fd);
        unlink(path);
}
