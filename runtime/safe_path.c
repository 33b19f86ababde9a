/* In-root path resolution with openat2(2). */
#include "runtime/safe_path.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cleanup.h"

#define RESOLVE_RETRIES 32

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
        return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/* "///a//b/" -> "a//b/"; "" or "/" -> ".". openat2 would take "/a" as the
 * root too; dropping it keeps messages and the parent split simple. */
static const char *relative(const char *path)
{
        while (*path == '/')
                path++;
        return *path != '\0' ? path : ".";
}

int runtime_open_in_root(int root_fd, const char *path, int flags, mode_t mode, struct sb_err *err)
{
        struct open_how how = {
            .flags = (uint64_t)(flags | O_CLOEXEC),
            .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
            /* IN_ROOT: ".." and absolute symlinks stop at root_fd.
             * NO_MAGICLINKS: /proc/self/fd/N style links could jump anywhere. */
            .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        const char *rel = relative(path);
        int fd;

        /* EAGAIN: a concurrent rename raced the ".." check; the kernel asks
         * for a retry rather than risk a wrong answer. */
        for (int i = 0; i < RESOLVE_RETRIES; i++) {
                fd = sys_openat2(root_fd, rel, &how);
                if (fd >= 0 || errno != EAGAIN)
                        break;
        }
        if (fd < 0)
                return sb_err_set(err, errno, "openat2 `%s` in root", path);
        return fd;
}

/* Copies the next component of *p into comp; returns false at the end. */
static bool next_component(const char **p, char *comp, size_t len, struct sb_err *err, bool *bad)
{
        const char *s = *p;
        while (*s == '/')
                s++;
        if (*s == '\0')
                return false;
        const char *e = strchrnul(s, '/');
        size_t n = (size_t)(e - s);
        if (n >= len) {
                *bad = true;
                sb_err_set(err, ENAMETOOLONG, "path component `%.*s`", (int)n, s);
                return false;
        }
        memcpy(comp, s, n);
        comp[n] = '\0';
        *p = e;
        return true;
}

int runtime_mkdir_p_in_root(int root_fd, const char *path, mode_t mode, struct sb_err *err)
{
        _cleanup_free_ char *prefix = malloc(strlen(path) + 2);
        char comp[NAME_MAX + 1];
        const char *p = path;
        bool bad = false;
        size_t plen = 0;

        if (prefix == NULL)
                return sb_err_set(err, ENOMEM, "mkdir `%s`", path);
        prefix[0] = '\0';
        int fd = runtime_open_in_root(root_fd, "/", O_PATH | O_DIRECTORY, 0, err);
        if (fd < 0)
                return -1;
        while (next_component(&p, comp, sizeof(comp), err, &bad)) {
                _cleanup_close_ int parent = fd;
                plen += (size_t)sprintf(prefix + plen, "%s%s", plen ? "/" : "", comp);
                /* Resolve the whole prefix again from the root rather than
                 * from `parent`: a symlink component ("../x", "/x") must be
                 * interpreted against the container root, not the parent. */
                fd = runtime_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0, err);
                if (fd >= 0)
                        continue;
                if (err->errnum != ENOENT)
                        return -1;
                if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0)
                        return -1;
                /* `parent` was resolved in root, comp is a plain name: mkdirat
                 * cannot leave the root. */
                if (mkdirat(parent, comp, mode) < 0 && errno != EEXIST)
                        return sb_err_set(err, errno, "mkdir `%s`", prefix);
                fd = runtime_open_in_root(root_fd, prefix, O_PATH | O_DIRECTORY, 0, err);
                if (fd < 0)
                        return sb_err_prefix(err, "mkdir `%s` (a dangling symlink?)", prefix);
        }
        if (bad) {
                close(fd);
                return -1;
        }
        return fd;
}

int runtime_open_parent_in_root(int root_fd, const char *path, char *name, size_t name_len,
                                struct sb_err *err)
{
        _cleanup_free_ char *dir = strdup(relative(path));
        if (dir == NULL)
                return sb_err_set(err, ENOMEM, "path `%s`", path);
        size_t n = strlen(dir);
        while (n > 1 && dir[n - 1] == '/')
                dir[--n] = '\0';
        char *slash = strrchr(dir, '/');
        const char *base = slash != NULL ? slash + 1 : dir;
        if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || base[0] == '\0')
                return sb_err_set(err, EINVAL, "path `%s` has no last component", path);
        if (strlen(base) >= name_len)
                return sb_err_set(err, ENAMETOOLONG, "path `%s`", path);
        strcpy(name, base);
        if (slash != NULL)
                *slash = '\0';
        return runtime_mkdir_p_in_root(root_fd, slash != NULL ? dir : "/", 0755, err);
}

int runtime_mkfile_p_in_root(int root_fd, const char *path, mode_t mode, struct sb_err *err)
{
        char name[NAME_MAX + 1];
        _cleanup_close_ int parent =
            runtime_open_parent_in_root(root_fd, path, name, sizeof(name), err);
        if (parent < 0)
                return -1;
        int fd = runtime_open_in_root(root_fd, path, O_PATH, 0, err);
        if (fd >= 0 || err->errnum != ENOENT)
                return fd;
        /* O_CREAT|O_EXCL never follows a symlink: an existing (dangling) link
         * in the last component fails with EEXIST instead of being created
         * through. */
        int c = openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
        if (c < 0 && errno != EEXIST)
                return sb_err_set(err, errno, "create `%s`", path);
        if (c >= 0)
                close(c);
        return runtime_open_in_root(root_fd, path, O_PATH, 0, err);
}

int runtime_fd_path(int fd, char *buf, size_t len, struct sb_err *err)
{
        char link[64];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, buf, len - 1);
        if (n < 0)
                return sb_err_set(err, errno, "readlink `%s`", link);
        if ((size_t)n >= len - 1)
                return sb_err_set(err, ENAMETOOLONG, "readlink `%s`", link);
        buf[n] = '\0';
        return 0;
}
