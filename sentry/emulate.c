/* Performing allowed calls for the target: the sentry does what it decided
 * on, with the target's root and file access identity, and hands back the
 * result. The target's memory is not read again here. */
#include "sentry/state.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/seccomp_compat.h"
#include "sentry/creds.h"

static int sys_openat2(int dirfd, const char *path, struct open_how *how)
{
        return (int)syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

/* Installs `fd` in the target as the call's result. ADDFD_FLAG_SEND installs
 * and answers atomically: no window where the target has the fd but not the
 * answer. Kernels before 5.14 lack it: install, then answer. */
static int install_fd(struct sentry_request *r, int fd, bool cloexec)
{
        struct seccomp_notif_addfd addfd = {
            .id = r->req->id,
            .flags = SECCOMP_ADDFD_FLAG_SEND,
            .srcfd = (uint32_t)fd,
            .newfd = 0,
            .newfd_flags = cloexec ? O_CLOEXEC : 0,
        };
        int n = ioctl(r->notify_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);

        if (n >= 0 || errno != EINVAL)
                return 0; /* answered (or the target is gone: ENOENT) */
        addfd.flags = 0;
        n = ioctl(r->notify_fd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
        if (n < 0)
                return -errno;
        struct seccomp_notif_resp resp = {.id = r->req->id, .val = n};
        if (ioctl(r->notify_fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

/* Opens the decided path in the target's root, deciding on every place it
 * really leads to BEFORE anything is created there: the parent directory is
 * resolved with RESOLVE_IN_ROOT and named (so symlinks in the middle are
 * resolved), the path is decided again on that name, and the last component
 * is opened relative to the parent without following a symlink; a symlink
 * there is read and the walk starts over from its target (as the kernel
 * does, up to 40 links). Returns 0 with *out, 1 when a resolved location is
 * decided otherwise than allow, or -errno. */
static int open_in_root(struct sentry_request *r, int rootfd, const struct open_how *base_how,
                        uint64_t flags, int *out)
{
        char path[PATH_MAX], dir[PATH_MAX], base[PATH_MAX], here[PATH_MAX], link[PATH_MAX];
        struct sentry_saved_creds saved;
        struct sb_err err;
        unsigned access = sentry_open_access(flags);

        /* The common case in one step: a path with no symlink anywhere.
         * Opened with every symlink refused, it lands exactly on r->path,
         * the normalized path already decided on (".." went lexically, as
         * the kernel goes without symlinks), so nothing is created anywhere
         * undecided. A symlink on the way (ELOOP) takes the walk below. */
        struct open_how once = *base_how;
        once.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | base_how->resolve;
        if (sentry_creds_enter(&r->proc, &saved, &err) < 0)
                return -EPERM;
        int first = sys_openat2(rootfd, r->path, &once), first_errno = errno;
        sentry_creds_leave(&saved);
        if (first >= 0) {
                *out = first;
                return 0;
        }
        /* A target that refused symlinks itself gets the kernel's ELOOP. */
        if ((first_errno != ELOOP && first_errno != EAGAIN) ||
            (base_how->resolve & RESOLVE_NO_SYMLINKS))
                return -first_errno;

        snprintf(path, sizeof(path), "%s", r->path);
        for (int hops = 0; hops <= 40; hops++) {
                _cleanup_close_ int dirfd = -1;
                char *slash = strrchr(path, '/');
                int fd, e;

                snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
                snprintf(base, sizeof(base), "%s", slash + 1);
                if (base[0] == '\0')
                        snprintf(base, sizeof(base), ".");
                if (sentry_creds_enter(&r->proc, &saved, &err) < 0)
                        return -EPERM;
                struct open_how dh = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                                      .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS |
                                                 base_how->resolve};
                dirfd = sys_openat2(rootfd, dir, &dh);
                e = errno;
                if (dirfd >= 0) {
                        struct open_how h = *base_how;
                        /* One component, never followed, never escaping. */
                        h.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS |
                                    base_how->resolve;
                        if (sentry_fd_path_in_root(rootfd, dirfd, here, sizeof(here)) < 0 ||
                            sentry_path_normalize(here, base, r->path, sizeof(r->path)) < 0) {
                                sentry_creds_leave(&saved);
                                return -EACCES; /* cannot name it: fail closed */
                        }
                        struct policy_verdict v =
                            sentry_path_decide(r->rule, r->path, access, NULL);
                        if (v.action != POLICY_ACT_ALLOW && v.action != POLICY_ACT_LOG) {
                                sentry_creds_leave(&saved);
                                return 1;
                        }
                        fd = sys_openat2(dirfd, base, &h);
                        e = errno;
                        sentry_creds_leave(&saved);
                        if (fd >= 0) {
                                *out = fd;
                                return 0;
                        }
                } else {
                        sentry_creds_leave(&saved);
                        return -e;
                }
                if (e != ELOOP)
                        return -e;
                /* The last component is a symlink (or a magic link). */
                ssize_t n = readlinkat(dirfd, base, link, sizeof(link) - 1);
                if (n < 0)
                        return -ELOOP;
                link[n] = '\0';
                if (flags & O_NOFOLLOW)
                        return -ELOOP;
                if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
                        return -EEXIST;
                if (sentry_path_normalize(here, link, path, sizeof(path)) < 0)
                        return -ENAMETOOLONG;
        }
        return -ELOOP;
}

int sentry_emulate_open(struct sentry_request *r, int dirfd, uint64_t flags, uint64_t mode,
                        uint64_t resolve)
{
        struct sentry_saved_creds saved;
        struct sb_err err;
        _cleanup_close_ int owned_root = -1, basefd = -1, fd = -1;
        int rootfd;
        bool owned;
        char resolved[PATH_MAX];
        const char *rel = r->path;
        int start = -1;

        rootfd = sentry_target_root_cached(r->status, (pid_t)r->req->pid, &owned, &err);
        if (rootfd < 0)
                return -ESRCH;
        owned_root = owned ? rootfd : -1;

        /* O_NONBLOCK: a FIFO must not stall the sentry (cleared below unless
         * asked for). O_NOCTTY: the sentry is a session leader without a
         * terminal and must not acquire the target's. */
        struct open_how how = {
            .flags = flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
            .mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode & 07777 : 0,
        };
        if ((resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)) && r->strs[1][0] != '/') {
                /* openat2 confined to its dirfd: do exactly that from the
                 * same directory, which lies in the target's root. */
                char p[64];
                if (dirfd == AT_FDCWD) {
                        snprintf(p, sizeof(p), "/proc/%d/cwd", (int)r->req->pid);
                } else {
                        snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)r->req->pid, dirfd);
                        sentry_creds_reset(); /* fd/ is mode 0500, the target's */
                }
                basefd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (basefd < 0)
                        return errno == ENOENT ? -EBADF : -errno;
                how.resolve = resolve;
                start = basefd;
                rel = r->strs[1];
        } else {
                /* Resolved from the target's root: what the target refused
                 * itself (openat2's resolve) is refused there too, symlinks
                 * always, mount crossings when its path started at the root
                 * as well (from a cwd or dirfd the crossings differ). */
                how.resolve = resolve & RESOLVE_NO_SYMLINKS;
                if ((resolve & RESOLVE_NO_XDEV) && r->strs[1][0] == '/')
                        how.resolve |= RESOLVE_NO_XDEV;
                int rc = open_in_root(r, rootfd, &how, flags, &fd);
                if (rc != 0)
                        return rc;
        }
        if (basefd >= 0) {
                if (sentry_creds_enter(&r->proc, &saved, &err) < 0)
                        return -EPERM;
                fd = sys_openat2(start, rel, &how);
                int open_errno = errno;
                sentry_creds_leave(&saved);
                if (fd < 0)
                        return -open_errno;
                /* Confined to the dirfd by the target's own request: decide
                 * again on where it landed; unnameable: fail closed. */
                if (sentry_fd_path_in_root(rootfd, fd, resolved, sizeof(resolved)) < 0)
                        return -EACCES;
                if (strcmp(resolved, r->path) != 0) {
                        snprintf(r->path, sizeof(r->path), "%s", resolved);
                        struct policy_verdict again =
                            sentry_path_decide(r->rule, r->path, sentry_open_access(flags), NULL);
                        if (again.action != POLICY_ACT_ALLOW && again.action != POLICY_ACT_LOG)
                                return 1;
                }
        }
        /* F_SETFL sets the status flags the call may change (O_APPEND,
         * O_DIRECT, O_NOATIME, O_NONBLOCK) to exactly what was asked. */
        if (!(flags & O_NONBLOCK))
                (void)fcntl(fd, F_SETFL, (int)(flags & ~(uint64_t)O_ASYNC));
        return install_fd(r, fd, flags & O_CLOEXEC);
}

int sentry_emulate_path_op(struct sentry_request *r)
{
        const __u64 *a = r->req->data.args;
        struct sentry_saved_creds saved;
        struct sb_err err;
        _cleanup_close_ int owned_root = -1, dirfd = -1;
        int rootfd;
        bool owned;
        char parent[PATH_MAX], base[PATH_MAX];
        int rc;

        enum { MKDIR, MKNOD, UNLINK, RMDIR } op;
        uint64_t mode = 0, dev = 0;
        if (strcmp(r->name, "mkdir") == 0 || strcmp(r->name, "mkdirat") == 0) {
                op = MKDIR;
                mode = r->name[5] ? a[2] : a[1];
        } else if (strcmp(r->name, "mknod") == 0 || strcmp(r->name, "mknodat") == 0) {
                op = MKNOD;
                mode = r->name[5] ? a[2] : a[1];
                dev = r->name[5] ? a[3] : a[2];
        } else if (strcmp(r->name, "unlink") == 0) {
                op = UNLINK;
        } else if (strcmp(r->name, "rmdir") == 0) {
                op = RMDIR;
        } else if (strcmp(r->name, "unlinkat") == 0) {
                op = (a[2] & AT_REMOVEDIR) ? RMDIR : UNLINK;
        } else {
                return -ENOSYS;
        }

        /* The parent is resolved in the target's root; the last component
         * is acted on relative to it and never followed. */
        snprintf(parent, sizeof(parent), "%s", r->path);
        snprintf(base, sizeof(base), "%s", basename(r->path));
        char *dir = dirname(parent);
        if (strcmp(base, "/") == 0 || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
                return op == MKDIR ? -EEXIST : -EBUSY;

        rootfd = sentry_target_root_cached(r->status, (pid_t)r->req->pid, &owned, &err);
        if (rootfd < 0)
                return -ESRCH;
        owned_root = owned ? rootfd : -1;
        if (sentry_creds_enter(&r->proc, &saved, &err) < 0)
                return -EPERM;
        struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                               .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
        dirfd = sys_openat2(rootfd, dir, &how);
        if (dirfd < 0) {
                rc = -errno;
        } else {
                switch (op) {
                case MKDIR:
                        rc = mkdirat(dirfd, base, (mode_t)mode);
                        break;
                case MKNOD:
                        rc = mknodat(dirfd, base, (mode_t)mode, (dev_t)dev);
                        break;
                case RMDIR:
                        rc = unlinkat(dirfd, base, AT_REMOVEDIR);
                        break;
                default:
                        rc = unlinkat(dirfd, base, 0);
                        break;
                }
                rc = rc < 0 ? -errno : 0;
        }
        sentry_creds_leave(&saved);
        return rc;
}
