/* /dev population, every path resolved inside the root (safe_path.h). */
#include "runtime/devices.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/safe_path.h"

struct default_dev {
        const char *path;
        unsigned major, minor;
};

/* The devices runc gives every container (libcontainer/specconv AllowedDevices). */
static const struct default_dev DEFAULT_DEVS[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

static const struct {
        const char *target;
        const char *path;
} DEV_LINKS[] = {
    {"/proc/self/fd", "/dev/fd"},
    {"/proc/self/fd/0", "/dev/stdin"},
    {"/proc/self/fd/1", "/dev/stdout"},
    {"/proc/self/fd/2", "/dev/stderr"},
};

static bool config_mounts(const struct oci_config *cfg, const char *dest)
{
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const char *d = cfg->mounts[i].destination;
                if (d == NULL)
                        continue;
                /* compare ignoring trailing slashes */
                size_t n = strlen(d);
                while (n > 1 && d[n - 1] == '/')
                        n--;
                if (strlen(dest) == n && strncmp(d, dest, n) == 0)
                        return true;
        }
        return false;
}

/* Inside a user namespace: an empty file with the host's device bound on it. */
static int bind_host_dev(int root_fd, const char *path, struct sb_err *err)
{
        _cleanup_close_ int dst = runtime_mkfile_p_in_root(root_fd, path, 0600, err);
        if (dst < 0)
                return -1;
        _cleanup_close_ int tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0)
                return sb_err_set(err, errno, "open_tree host `%s`", path);
        if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return sb_err_set(err, errno, "bind host `%s` into the container", path);
        return 0;
}

static int make_node(int root_fd, const char *path, mode_t type, dev_t dev, mode_t perm, uid_t uid,
                     gid_t gid, struct sb_err *err)
{
        char name[NAME_MAX + 1];
        _cleanup_close_ int parent =
            runtime_open_parent_in_root(root_fd, path, name, sizeof(name), err);
        if (parent < 0)
                return -1;
        /* mknodat never follows a symlink in its last component: an existing
         * link there fails with EEXIST, and we then leave it alone. */
        if (mknodat(parent, name, type | perm, dev) < 0) {
                if (errno == EEXIST)
                        return 0;
                return sb_err_set(err, errno, "mknod `%s`", path);
        }
        if (fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                return sb_err_set(err, errno, "chown `%s`", path);
        return 0;
}

static int make_symlink(int root_fd, const char *target, const char *path, struct sb_err *err)
{
        char name[NAME_MAX + 1];
        _cleanup_close_ int parent =
            runtime_open_parent_in_root(root_fd, path, name, sizeof(name), err);
        if (parent < 0)
                return -1;
        if (symlinkat(target, parent, name) < 0 && errno != EEXIST)
                return sb_err_set(err, errno, "symlink `%s` -> `%s`", path, target);
        return 0;
}

static int mount_fs_at(int root_fd, const char *path, const char *type, unsigned long flags,
                       const char *data, struct sb_err *err)
{
        char proc[64];
        _cleanup_close_ int fd = runtime_mkdir_p_in_root(root_fd, path, 0755, err);
        if (fd < 0)
                return -1;
        /* mount(2) through the O_PATH fd: the target is the directory we
         * resolved in root, whatever happens to the path meanwhile. */
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        if (mount(type, proc, type, flags, data) < 0)
                return sb_err_set(err, errno, "mount %s on `%s` (%s)", type, path, data);
        return 0;
}

static int setup_pts(const struct oci_config *cfg, int root_fd, bool in_user_ns, struct sb_err *err)
{
        if (!config_mounts(cfg, "/dev/pts")) {
                const unsigned long fl = MS_NOSUID | MS_NOEXEC;
                if (mount_fs_at(root_fd, "/dev/pts", "devpts", fl,
                                "newinstance,ptmxmode=0666,mode=0620,gid=5", err) < 0) {
                        /* gid 5 may not be mapped in a user namespace. */
                        if (!in_user_ns || err->errnum != EINVAL ||
                            mount_fs_at(root_fd, "/dev/pts", "devpts", fl,
                                        "newinstance,ptmxmode=0666,mode=0620", err) < 0)
                                return -1;
                }
        }
        char name[NAME_MAX + 1];
        _cleanup_close_ int parent =
            runtime_open_parent_in_root(root_fd, "/dev/ptmx", name, sizeof(name), err);
        if (parent < 0)
                return -1;
        /* Replace whatever the image has at /dev/ptmx: the container's ptys
         * must come from its own devpts instance. */
        if (unlinkat(parent, name, 0) < 0 && errno != ENOENT)
                return sb_err_set(err, errno, "remove `/dev/ptmx`");
        if (symlinkat("pts/ptmx", parent, name) < 0)
                return sb_err_set(err, errno, "symlink `/dev/ptmx` -> `pts/ptmx`");
        return 0;
}

static int create_config_device(const struct oci_device *d, int root_fd, bool in_user_ns,
                                struct sb_err *err)
{
        mode_t type;
        switch (d->type) {
        case 'c':
        case 'u':
                type = S_IFCHR;
                break;
        case 'b':
                type = S_IFBLK;
                break;
        case 'p':
                type = S_IFIFO;
                break;
        default:
                return sb_err_set(err, EINVAL, "linux.devices `%s`: type `%c`", d->path, d->type);
        }
        if (d->path == NULL || d->path[0] != '/')
                return sb_err_set(err, EINVAL, "linux.devices: path must be absolute");
        if (in_user_ns)
                return bind_host_dev(root_fd, d->path, err);
        dev_t dev = type == S_IFIFO ? 0 : makedev((unsigned)d->major, (unsigned)d->minor);
        mode_t perm = d->has_file_mode ? (d->file_mode & 07777) : 0666;
        return make_node(root_fd, d->path, type, dev, perm, d->has_uid ? d->uid : 0,
                         d->has_gid ? d->gid : 0, err);
}

static int create_all(const struct oci_config *cfg, const char *rootfs, bool in_user_ns,
                      struct sb_err *err)
{
        _cleanup_close_ int root_fd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return sb_err_set(err, errno, "open rootfs `%s`", rootfs);

        for (size_t i = 0; i < sizeof(DEFAULT_DEVS) / sizeof(DEFAULT_DEVS[0]); i++) {
                const struct default_dev *d = &DEFAULT_DEVS[i];
                int rc = in_user_ns ? bind_host_dev(root_fd, d->path, err)
                                    : make_node(root_fd, d->path, S_IFCHR,
                                                makedev(d->major, d->minor), 0666, 0, 0, err);
                if (rc < 0)
                        return sb_err_prefix(err, "default device");
        }
        for (size_t i = 0; i < cfg->linux_.n_devices; i++)
                if (create_config_device(&cfg->linux_.devices[i], root_fd, in_user_ns, err) < 0)
                        return sb_err_prefix(err, "linux.devices[%zu]", i);

        if (setup_pts(cfg, root_fd, in_user_ns, err) < 0)
                return -1;
        if (!config_mounts(cfg, "/dev/shm") &&
            mount_fs_at(root_fd, "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                        "mode=1777,size=65536k", err) < 0)
                return -1;
        for (size_t i = 0; i < sizeof(DEV_LINKS) / sizeof(DEV_LINKS[0]); i++)
                if (make_symlink(root_fd, DEV_LINKS[i].target, DEV_LINKS[i].path, err) < 0)
                        return -1;
        if (access("/proc/kcore", F_OK) == 0 &&
            make_symlink(root_fd, "/proc/kcore", "/dev/core", err) < 0)
                return -1;
        return 0;
}

int runtime_devices_create(const struct oci_config *cfg, const char *rootfs, bool in_user_ns,
                           struct sb_err *err)
{
        /* Device modes are exactly what is asked (0666 for the defaults), not
         * whatever the runtime's umask leaves of them. */
        mode_t old = umask(0);
        int rc = create_all(cfg, rootfs, in_user_ns, err);
        umask(old);
        return rc;
}
