#include "runtime/file_replace.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cleanup.h"

/* Returns 0, or -1 with errno. */
static int replace(const char *tmp, const char *dst)
{
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
                if (unlink(tmp) == 0 || errno == ENOENT) /* tmp: the old content */
                        return 0;
                /* Exchange swaps a file with anything, a directory too, where
                 * rename would have refused: put it back and refuse the same. */
                int e = errno;
                (void)renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE);
                errno = e;
                return -1;
        }
        /* ENOENT: no `dst` yet; EINVAL: a file system without exchange. */
        if (errno != ENOENT && errno != EINVAL)
                return -1;
        return rename(tmp, dst);
}

int sb_file_write_whole(const char *path, const void *data, size_t len, mode_t mode,
                        struct sb_err *err)
{
        char tmp[PATH_MAX];
        const char *slash = strrchr(path, '/');
        int dir_len = slash == NULL ? 0 : (int)(slash - path + 1);
        _cleanup_close_ int fd = -1;
        size_t off = 0;

        if (snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp", dir_len, path, path + dir_len) >=
            (int)sizeof(tmp))
                return sb_err_set(err, ENAMETOOLONG, "`%s`", path);
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return sb_err_set(err, errno, "open `%s`", tmp);
        while (off < len) {
                ssize_t w = write(fd, (const char *)data + off, len - off);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        int e = errno;
                        unlink(tmp);
                        return sb_err_set(err, e, "write `%s`", tmp);
                }
                off += (size_t)w;
        }
        if (close(fd) < 0) {
                int e = errno;
                fd = -1;
                unlink(tmp);
                return sb_err_set(err, e, "write `%s`", tmp);
        }
        fd = -1;
        if (replace(tmp, path) < 0) {
                int e = errno;
                unlink(tmp);
                return sb_err_set(err, e, "rename `%s` to `%s`", tmp, path);
        }
        return 0;
}
