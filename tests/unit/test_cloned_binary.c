#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
