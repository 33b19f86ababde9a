#include "runtime/cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "runtime/cleanup.h"

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

bool runtime_is_read_only_overlay(int fd)
{
        struct statfs sf;

        return fstatfs(fd, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC &&
               (sf.f_flags & ST_RDONLY) != 0;
}

bool runtime_is_cloned_binary(void)
{
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        int seals;

        if (fd < 0)
                return false;
        if (runtime_is_read_only_overlay(fd))
                return true;
        /* Only memfd/shmem inodes have seals; any other file fails with EINVAL. */
        seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & RUNTIME_CLONE_SEALS) == RUNTIME_CLONE_SEALS;
}

/* `dir` as one overlayfs lowerdir: `\` and `:` escaped. */
static bool escape_lowerdir(const char *dir, char *out, size_t size)
{
        size_t o = 0;

        for (const char *c = dir; *c != '\0'; c++) {
                if (*c == '\\' || *c == ':') {
                        if (o + 1 >= size)
                                return false;
                        out[o++] = '\\';
                }
                if (o + 1 >= size)
                        return false;
                out[o++] = *c;
        }
        out[o] = '\0';
        return true;
}

int runtime_overlay_view(const char *path, const char *spare_dir, struct sb_err *err)
{
        char dir[PATH_MAX], lower[2 * PATH_MAX + 2];
        const char *slash = strrchr(path, '/');

        if (path[0] != '/' || slash == NULL || slash[1] == '\0' ||
            (size_t)(slash - path) >= sizeof(dir))
                return sb_err_set(err, EINVAL, "overlay view: `%s` is not an absolute file path",
                                  path);
        /* The file's directory on top, so that nothing in the spare layer can
         * stand in for it; overlayfs needs two lower layers to mount without
         * an upper one. */
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, len);
        dir[len] = '\0';
        size_t n;
        if (!escape_lowerdir(dir, lower, sizeof(lower)) ||
            (n = strlen(lower)) + 2 > sizeof(lower) ||
            !escape_lowerdir(spare_dir, lower + n + 1, sizeof(lower) - n - 1))
                return sb_err_set(err, ENAMETOOLONG, "overlay view of `%s`", path);
        lower[n] = ':';

        _cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs < 0)
                return sb_err_set(err, errno, "overlay view: fsopen overlay");
        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0)
                return sb_err_set(err, errno, "overlay view: fsconfig lowerdir=%s", lower);
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return sb_err_set(err, errno, "overlay view: fsconfig create (lowerdir=%s)", lower);
        _cleanup_close_ int mnt =
            fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
        if (mnt < 0)
                return sb_err_set(err, errno, "overlay view: fsmount (lowerdir=%s)", lower);
        int fd = openat(mnt, slash + 1, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "overlay view: open `%s`", slash + 1);
        return fd;
}

int runtime_seal_copy(int src_fd, struct sb_err *err)
{
        _cleanup_close_ int memfd = -1;
        struct stat st;
        off_t off = 0;

        if (fstat(src_fd, &st) < 0)
                return sb_err_set(err, errno, "clone binary: fstat");
        if (!S_ISREG(st.st_mode))
                return sb_err_set(err, EINVAL, "clone binary: source is not a regular file");
        memfd = memfd_create("sandbox", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (memfd < 0)
                return sb_err_set(err, errno, "clone binary: memfd_create");
        /* Copy until EOF rather than trusting st_size alone; the explicit
         * offset leaves src_fd's file position alone. */
        for (;;) {
                ssize_t n = sendfile(memfd, src_fd, &off, 1 << 20);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return sb_err_set(err, errno, "clone binary: sendfile");
                if (n == 0)
                        break;
        }
        if (off != st.st_size)
                return sb_err_set(err, EIO, "clone binary: copied %jd of %jd bytes", (intmax_t)off,
                                  (intmax_t)st.st_size);
        /* F_SEAL_SEAL last in the same call: once applied, nobody (us
         * included) can remove the write seal or add writable mappings. */
        if (fcntl(memfd, F_ADD_SEALS, RUNTIME_CLONE_SEALS) < 0)
                return sb_err_set(err, errno, "clone binary: F_ADD_SEALS");
        return SB_STEAL_FD(memfd);
}

/* Same size and modification time: the file the overlay shows is the one
 * this process runs (not a newer binary installed over it since). */
static bool same_file(int a, int b)
{
        struct stat sa, sb;

        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && S_ISREG(sb.st_mode) &&
               sa.st_size == sb.st_size && sa.st_mtim.tv_sec == sb.st_mtim.tv_sec &&
               sa.st_mtim.tv_nsec == sb.st_mtim.tv_nsec;
}

/* The zero-copy way, when it can be had: exec this binary again through a
 * read-only overlay view (needs CAP_SYS_ADMIN and overlayfs). Returns only
 * when it cannot. */
static void exec_overlay_view(char **argv, char **envp)
{
        char path[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
        struct sb_err err;

        if (n <= 0)
                return;
        path[n] = '\0';
        _cleanup_close_ int self = open("/proc/self/exe", O_PATH | O_CLOEXEC);
        /* "/dev": a layer every system has, never the binary's directory nor
         * above it (overlayfs refuses overlapping layers). */
        _cleanup_close_ int view = self < 0 ? -1 : runtime_overlay_view(path, "/dev", &err);
        if (view < 0 || !runtime_is_read_only_overlay(view) || !same_file(self, view))
                return;
        execveat(view, "", argv, envp, AT_EMPTY_PATH);
}

int runtime_ensure_cloned_binary(char **argv, char **envp, struct sb_err *err)
{
        _cleanup_close_ int exe = -1;
        _cleanup_close_ int memfd = -1;

        if (runtime_is_cloned_binary())
                return 0;
        exec_overlay_view(argv, envp);
        exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (exe < 0)
                return sb_err_set(err, errno, "clone binary: open `/proc/self/exe`");
        memfd = runtime_seal_copy(exe, err);
        if (memfd < 0)
                return -1;
        close(SB_STEAL_FD(exe));
        /* MFD_CLOEXEC is fine for an ELF binary: the kernel holds the file
         * once it is mapped; the new image does not need the descriptor. */
        fexecve(memfd, argv, envp);
        return sb_err_set(err, errno, "clone binary: fexecve");
}
