/* Root filesystem setup: mount sequence, pivot_root, masked and read-only
 * paths. See rootfs.h for the order and safe_path.h for path resolution. */
#include "runtime/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/devices.h"
#include "runtime/log.h"
#include "runtime/mount_opts.h"
#include "runtime/safe_path.h"

#define HOST_CGROUP "/sys/fs/cgroup"

/* ---- small helpers ---------------------------------------------------- */

static void fd_proc_path(int fd, char *buf, size_t len)
{
        snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static int setattr_fd(int fd, unsigned int flags, uint64_t set, uint64_t clr, uint64_t prop)
{
        struct mount_attr a = {.attr_set = set, .attr_clr = clr, .propagation = prop};
        return mount_setattr(fd, "", AT_EMPTY_PATH | flags, &a, sizeof(a));
}

static bool path_is_under(const char *path, const char *dir)
{
        size_t n = strlen(dir);
        return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool runtime_rootfs_proc_dest_allowed(const char *rel, bool source_is_proc)
{
        /* Files lxcfs emulates; everything else in /proc stays the kernel's. */
        static const char *const ok[] = {
            "/proc/cpuinfo",
            "/proc/diskstats",
            "/proc/meminfo",
            "/proc/stat",
            "/proc/swaps",
            "/proc/uptime",
            "/proc/loadavg",
            "/proc/slabinfo",
            "/proc/sys/kernel/ns_last_pid",
            "/proc/sys/crypto/fips_enabled",
        };
        if (!path_is_under(rel, "/proc"))
                return true;
        if (strcmp(rel, "/proc") == 0)
                return source_is_proc;
        for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
                if (strcmp(rel, ok[i]) == 0)
                        return true;
        return false;
}

/* The resolved destination of fd, relative to the root at root_path. */
static int dest_rel(int fd, const char *root_path, char *rel, size_t len, struct sb_err *err)
{
        char p[PATH_MAX];
        if (runtime_fd_path(fd, p, sizeof(p), err) < 0)
                return -1;
        size_t n = strlen(root_path);
        if (strcmp(root_path, "/") == 0)
                n = 0;
        if (strncmp(p, root_path, n) != 0 || (p[n] != '\0' && p[n] != '/'))
                return sb_err_set(err, EXDEV, "`%s` resolved outside the root", p);
        snprintf(rel, len, "%s", p[n] != '\0' ? p + n : "/");
        return 0;
}

static int check_proc_dest(int dst_fd, const char *root_path, bool source_is_proc,
                           struct sb_err *err)
{
        char rel[PATH_MAX];
        if (dest_rel(dst_fd, root_path, rel, sizeof(rel), err) < 0)
                return -1;
        if (!runtime_rootfs_proc_dest_allowed(rel, source_is_proc))
                return sb_err_set(err, EPERM, "`%s` cannot be mounted: it is inside /proc", rel);
        return 0;
}

static bool is_fs(const char *path, long magic)
{
        struct statfs s;
        return statfs(path, &s) == 0 && s.f_type == magic;
}

/* ---- /proc/self/mountinfo -------------------------------------------- */

struct mountinfo {
        char *root;
        char *mount_point;
        char *optional; /* "shared:1 master:2" */
        char *fstype;
        char *super_opts;
};

/* In place: "\040" -> ' ' (mountinfo's octal escapes). */
static void unescape(char *s)
{
        char *o = s;
        for (; *s; s++) {
                if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
                    s[3] >= '0' && s[3] <= '7') {
                        *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
                        s += 3;
                } else {
                        *o++ = *s;
                }
        }
        *o = '\0';
}

/* Splits one mountinfo line (modified in place). Returns -1 if malformed. */
static int parse_mountinfo(char *line, struct mountinfo *mi)
{
        char *f[6], *save = NULL, *tok;
        int i = 0;
        line[strcspn(line, "\n")] = '\0';
        for (tok = strtok_r(line, " ", &save); tok != NULL && i < 6;
             tok = strtok_r(NULL, " ", &save))
                f[i++] = tok;
        if (i < 6 || tok == NULL)
                return -1;
        /* f: id parent dev root mount_point options; then optional fields up to "-" */
        mi->root = f[3];
        mi->mount_point = f[4];
        mi->optional = tok;
        while (tok != NULL && strcmp(tok, "-") != 0)
                tok = strtok_r(NULL, " ", &save);
        if (tok == NULL)
                return -1;
        mi->fstype = strtok_r(NULL, " ", &save);
        char *source = strtok_r(NULL, " ", &save);
        mi->super_opts = strtok_r(NULL, " ", &save);
        if (mi->fstype == NULL || source == NULL || mi->super_opts == NULL)
                return -1;
        if (strcmp(mi->optional, "-") == 0)
                mi->optional = "";
        unescape(mi->root);
        unescape(mi->mount_point);
        return 0;
}

/* pivot_root(2) fails when the new root's parent mount is shared: make the
 * mount that contains rootfs private if it is (runc rootfsParentMountPrivate).
 * "/" was already made rslave, so this changes nothing on the host. */
static int make_parent_private(const char *rootfs, struct sb_err *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL, *best = NULL;
        size_t cap = 0, best_len = 0;
        bool best_shared = false;

        if (f == NULL)
                return sb_err_set(err, errno, "open `/proc/self/mountinfo`");
        while (getline(&line, &cap, f) > 0) {
                struct mountinfo mi;
                if (parse_mountinfo(line, &mi) < 0)
                        continue;
                size_t n = strlen(mi.mount_point);
                bool under =
                    strcmp(mi.mount_point, "/") == 0 || path_is_under(rootfs, mi.mount_point);
                if (!under || strcmp(mi.mount_point, rootfs) == 0 || n < best_len)
                        continue;
                free(best);
                best = strdup(mi.mount_point);
                if (best == NULL)
                        return sb_err_set(err, ENOMEM, "mountinfo");
                best_len = n;
                best_shared = strstr(mi.optional, "shared:") != NULL;
        }
        if (best != NULL && best_shared && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
                return sb_err_set(err, errno, "make `%s` private", best);
        return 0;
}

/* ---- one config mount -------------------------------------------------- */

struct mount_ctx {
        int root_fd;
        const char *root_path; /* realpath of rootfs */
        bool in_user_ns;
};

/* Attributes on a mount fd (attached or detached): top-level flags first,
 * then the recursive r* attributes, which must win, then propagation. */
static int apply_attrs(int mnt_fd, const struct runtime_mount_flags *f, bool top_flags,
                       struct sb_err *err)
{
        uint64_t set = 0, clr = 0;
        if (top_flags)
                runtime_mount_flags_to_attr(f, &set, &clr);
        if ((set || clr) && setattr_fd(mnt_fd, 0, set, clr, 0) < 0) {
                /* EPERM: a flag the source mount has locked (a less
                 * privileged mount namespace's nosuid, ro ...) cannot be
                 * cleared. Keep it, as runc does, and set what we can. */
                if (errno != EPERM || clr == 0 || setattr_fd(mnt_fd, 0, set, 0, 0) < 0)
                        return sb_err_set(err, errno, "mount_setattr");
        }
        if ((f->attr_set || f->attr_clr) &&
            setattr_fd(mnt_fd, AT_RECURSIVE, f->attr_set, f->attr_clr, 0) < 0)
                return sb_err_set(err, errno, "mount_setattr (recursive)");
        return 0;
}

static int apply_propagation(int mnt_fd, const struct runtime_mount_flags *f, struct sb_err *err)
{
        if (f->propagation == 0)
                return 0;
        unsigned int rec = (f->propagation & MS_REC) ? AT_RECURSIVE : 0;
        if (setattr_fd(mnt_fd, rec, 0, 0, f->propagation & ~(unsigned long)MS_REC) < 0)
                return sb_err_set(err, errno, "mount_setattr propagation");
        return 0;
}

/* Resolves (creating it if missing) the destination in root: a directory, or
 * an empty file when the bind source is not a directory. */
static int open_dest(const struct mount_ctx *c, const char *dest, bool file, struct sb_err *err)
{
        return file ? runtime_mkfile_p_in_root(c->root_fd, dest, 0644, err)
                    : runtime_mkdir_p_in_root(c->root_fd, dest, 0755, err);
}

/* Attaches the detached mount tree at dst_fd. */
static int attach(int tree, int dst_fd, struct sb_err *err)
{
        if (move_mount(tree, "", dst_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return sb_err_set(err, errno, "move_mount");
        return 0;
}

static int do_bind(const struct mount_ctx *c, const struct oci_mount *m,
                   const struct runtime_mount_flags *f, const char *source, struct sb_err *err)
{
        struct stat st;
        struct statfs sfs;

        if (f->idmap || f->ridmap)
                return sb_err_set(err, ENOTSUP, "idmapped mounts are not supported yet");
        /* The source is the host side, named by the config (trusted); the
         * clone is taken now, so later changes to the path do not matter. */
        _cleanup_close_ int tree =
            open_tree(AT_FDCWD, source,
                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (f->recursive_bind ? AT_RECURSIVE : 0));
        if (tree < 0)
                return sb_err_set(err, errno, "open_tree `%s`", source);
        if (fstat(tree, &st) < 0 || fstatfs(tree, &sfs) < 0)
                return sb_err_set(err, errno, "stat `%s`", source);
        _cleanup_close_ int dst = open_dest(c, m->destination, !S_ISDIR(st.st_mode), err);
        if (dst < 0)
                return -1;
        if (check_proc_dest(dst, c->root_path, sfs.f_type == PROC_SUPER_MAGIC, err) < 0)
                return -1;
        /* Flags on the detached clone before it becomes visible: the
         * container never sees a moment where a "ro" bind is writable. */
        if (apply_attrs(tree, f, runtime_mount_flags_bind_needs_remount(f), err) < 0)
                return -1;
        if (attach(tree, dst, err) < 0)
                return -1;
        return apply_propagation(tree, f, err);
}

/* runc's fallbacks inside a user namespace, where a fresh sysfs (needs an
 * owned network namespace) or mqueue (an owned ipc namespace) may be refused:
 * bind the host's instead, which the kernel then keeps read-only-locked. */
static const char *userns_fallback_source(const char *type)
{
        if (strcmp(type, "sysfs") == 0)
                return "/sys";
        if (strcmp(type, "mqueue") == 0)
                return "/dev/mqueue";
        return NULL;
}

/* data without its options that start with prefix (a copy, or NULL). */
static char *strip_option(const char *data, const char *prefix)
{
        _cleanup_free_ char *dup = strdup(data);
        char *out = calloc(1, strlen(data) + 1), *save = NULL;
        if (dup == NULL || out == NULL) {
                free(out);
                return NULL;
        }
        for (char *t = strtok_r(dup, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
                if (strncmp(t, prefix, strlen(prefix)) == 0)
                        continue;
                if (out[0] != '\0')
                        strcat(out, ",");
                strcat(out, t);
        }
        return out;
}

static int do_fs(const struct mount_ctx *c, const struct oci_mount *m,
                 const struct runtime_mount_flags *f, struct sb_err *err)
{
        char proc[64];
        const char *type = m->type;
        _cleanup_close_ int dst = open_dest(c, m->destination, false, err);
        if (dst < 0)
                return -1;
        if (check_proc_dest(dst, c->root_path, strcmp(type, "proc") == 0, err) < 0)
                return -1;
        /* mount(2) on the fd's magic link: the kernel mounts on the
         * directory we resolved in root (runc's CVE-2021-30465 fix). */
        fd_proc_path(dst, proc, sizeof(proc));
        const char *src = m->source != NULL ? m->source : type;
        int rc = mount(src, proc, type, f->flags, f->data);
        if (rc < 0 && errno == EINVAL && c->in_user_ns && strcmp(type, "devpts") == 0 &&
            f->data != NULL) {
                /* gid=5 (tty) is often not mapped in a user namespace. */
                _cleanup_free_ char *d = strip_option(f->data, "gid=");
                if (d != NULL && strcmp(d, f->data) != 0) {
                        sb_debug("mount devpts on %s: retrying without gid=", m->destination);
                        rc = mount(src, proc, type, f->flags, d);
                }
        }
        if (rc < 0) {
                int e = errno;
                const char *fb = userns_fallback_source(type);
                if (!(c->in_user_ns && (e == EPERM || e == EBUSY) && fb != NULL))
                        return sb_err_set(err, e, "mount %s", type);
                struct runtime_mount_flags bf = *f;
                bf.bind = bf.recursive_bind = true;
                bf.flags |= MS_BIND | MS_REC;
                sb_debug("mount %s on %s: %s; binding the host's %s", type, m->destination,
                         strerror(e), fb);
                return do_bind(c, m, &bf, fb, err);
        }
        if (f->attr_set || f->attr_clr || f->propagation) {
                /* The new mount is now the top of the destination. */
                _cleanup_close_ int top =
                    runtime_open_in_root(c->root_fd, m->destination, O_PATH | O_DIRECTORY, 0, err);
                if (top < 0)
                        return -1;
                if (apply_attrs(top, f, false, err) < 0 || apply_propagation(top, f, err) < 0)
                        return -1;
        }
        return 0;
}

/* The calling process's cgroup path for a v1 hierarchy whose super options
 * are `opts` (or for cgroup2 when v2 is true), from /proc/self/cgroup. */
static char *own_cgroup(const char *opts, bool v2)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        if (f == NULL)
                return NULL;
        while (getline(&line, &cap, f) > 0) {
                line[strcspn(line, "\n")] = '\0';
                char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (c2 == NULL)
                        continue;
                *c2 = '\0';
                const char *ctrls = c1 + 1;
                if (v2 ? ctrls[0] == '\0' : ctrls[0] != '\0') {
                        if (v2)
                                return strdup(c2 + 1);
                        /* every controller of the line among the mount's options */
                        _cleanup_free_ char *dup = strdup(ctrls);
                        char *save = NULL, *tok;
                        bool all = dup != NULL;
                        for (tok = dup ? strtok_r(dup, ",", &save) : NULL; tok && all;
                             tok = strtok_r(NULL, ",", &save)) {
                                size_t n = strlen(tok);
                                const char *p = opts;
                                bool found = false;
                                while (!found && (p = strstr(p, tok)) != NULL) {
                                        found = (p == opts || p[-1] == ',') &&
                                                (p[n] == ',' || p[n] == '\0');
                                        p += n;
                                }
                                all = found;
                        }
                        if (all)
                                return strdup(c2 + 1);
                }
        }
        return NULL;
}

/* Binds the caller's own cgroup of one hierarchy (host mount point mp) at
 * dir_fd/name: the container sees its cgroup, not the host's tree. */
static int bind_own_cgroup(int dir_fd, const struct mountinfo *mi, const char *name, bool v2,
                           const struct runtime_mount_flags *f, struct sb_err *err)
{
        _cleanup_free_ char *own = own_cgroup(mi->super_opts, v2);
        char src[PATH_MAX];
        if (own == NULL) {
                sb_debug("cgroup: no own cgroup for %s, skipped", mi->mount_point);
                return 0;
        }
        const char *rel = own;
        if (strcmp(mi->root, "/") != 0 && path_is_under(own, mi->root))
                rel = own + strlen(mi->root);
        snprintf(src, sizeof(src), "%s%s", mi->mount_point, rel);
        _cleanup_close_ int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (tree < 0) {
                sb_debug("cgroup: open_tree %s: %s, skipped", src, strerror(errno));
                return 0;
        }
        if (name != NULL) {
                if (mkdirat(dir_fd, name, 0755) < 0 && errno != EEXIST)
                        return sb_err_set(err, errno, "cgroup: mkdir `%s`", name);
        }
        _cleanup_close_ int dst =
            name != NULL ? openat(dir_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                         : dup(dir_fd);
        if (dst < 0)
                return sb_err_set(err, errno, "cgroup: open `%s`", name ? name : ".");
        uint64_t set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        if (f->flags & MS_RDONLY)
                set |= MOUNT_ATTR_RDONLY;
        if (setattr_fd(tree, 0, set, 0, 0) < 0)
                return sb_err_set(err, errno, "cgroup: mount_setattr `%s`", src);
        if (attach(tree, dst, err) < 0)
                return sb_err_prefix(err, "cgroup: bind `%s`", src);
        return 0;
}

static int do_cgroup(const struct mount_ctx *c, const struct oci_mount *m,
                     const struct runtime_mount_flags *f, struct sb_err *err)
{
        char proc[64];
        _cleanup_close_ int dst = open_dest(c, m->destination, false, err);
        if (dst < 0)
                return -1;
        fd_proc_path(dst, proc, sizeof(proc));
        unsigned long fl = f->flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;

        if (is_fs(HOST_CGROUP, CGROUP2_SUPER_MAGIC)) {
                /* Unified: a fresh cgroup2 shows the container's cgroup as
                 * its root when it has a cgroup namespace. Without one (or
                 * when refused), bind the container's own cgroup. */
                if (mount("cgroup2", proc, "cgroup2", fl, NULL) == 0)
                        return 0;
                sb_debug("mount cgroup2: %s; binding the own cgroup", strerror(errno));
                struct mountinfo mi = {.root = "/", .mount_point = HOST_CGROUP, .super_opts = ""};
                return bind_own_cgroup(dst, &mi, NULL, true, f, err);
        }
        /* v1 or hybrid: a tmpfs with one read-only-able bind per hierarchy. */
        if (mount("tmpfs", proc, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
                return sb_err_set(err, errno, "mount tmpfs for cgroups");
        _cleanup_close_ int top =
            runtime_open_in_root(c->root_fd, m->destination, O_PATH | O_DIRECTORY, 0, err);
        if (top < 0)
                return -1;
        _cleanup_fclose_ FILE *mf = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        if (mf == NULL)
                return sb_err_set(err, errno, "open `/proc/self/mountinfo`");
        while (getline(&line, &cap, mf) > 0) {
                struct mountinfo mi;
                if (parse_mountinfo(line, &mi) < 0)
                        continue;
                bool v2 = strcmp(mi.fstype, "cgroup2") == 0;
                if ((!v2 && strcmp(mi.fstype, "cgroup") != 0) ||
                    !path_is_under(mi.mount_point, HOST_CGROUP) ||
                    strcmp(mi.mount_point, HOST_CGROUP) == 0)
                        continue;
                const char *name = mi.mount_point + strlen(HOST_CGROUP) + 1;
                if (strchr(name, '/') != NULL)
                        continue;
                if (bind_own_cgroup(top, &mi, name, v2, f, err) < 0)
                        return -1;
        }
        if ((f->flags & MS_RDONLY) && setattr_fd(top, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
                return sb_err_set(err, errno, "cgroup tmpfs read-only");
        return 0;
}

static int mount_one(const struct mount_ctx *c, const struct oci_mount *m, struct sb_err *err)
{
        struct runtime_mount_flags f;
        int rc;

        if (m->destination == NULL || m->destination[0] == '\0')
                return sb_err_set(err, EINVAL, "no destination");
        if (runtime_mount_opts_parse(&m->options, &f, err) < 0)
                return -1;
        const char *type = m->type != NULL ? m->type : "";
        if (f.tmpcopyup)
                sb_warn("mount %s: option tmpcopyup is not supported, ignored", m->destination);
        if (f.bind || strcmp(type, "bind") == 0) {
                if (m->source == NULL)
                        rc = sb_err_set(err, EINVAL, "bind mount without source");
                else
                        rc = do_bind(c, m, &f, m->source, err);
        } else if (type[0] == '\0' || strcmp(type, "none") == 0) {
                rc = sb_err_set(err, EINVAL, "no filesystem type");
        } else if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
                rc = do_cgroup(c, m, &f, err);
        } else {
                rc = do_fs(c, m, &f, err);
        }
        runtime_mount_flags_free(&f);
        return rc;
}

/* ---- the three phases -------------------------------------------------- */

/* Everything below changes the mount table: refuse to do it to the host's. */
static int check_private_mnt_ns(struct sb_err *err)
{
        struct stat self, init;
        if (stat("/proc/self/ns/mnt", &self) < 0)
                return sb_err_set(err, errno, "stat `/proc/self/ns/mnt`");
        if (stat("/proc/1/ns/mnt", &init) == 0 && self.st_ino == init.st_ino &&
            self.st_dev == init.st_dev)
                return sb_err_set(err, EPERM,
                                  "refusing to set up the root filesystem in the "
                                  "host's mount namespace");
        return 0;
}

int runtime_rootfs_prepare(const struct oci_config *cfg, const char *rootfs, bool in_user_ns,
                           struct sb_err *err)
{
        unsigned long prop = MS_SLAVE | MS_REC;
        char root_path[PATH_MAX];

        if (check_private_mnt_ns(err) < 0)
                return -1;
        if (cfg->linux_.rootfs_propagation != NULL &&
            runtime_mount_propagation_parse(cfg->linux_.rootfs_propagation, &prop) < 0)
                return sb_err_set(err, EINVAL, "linux.rootfsPropagation: unknown value `%s`",
                                  cfg->linux_.rootfs_propagation);
        /* First, before any mount: our copy of the host's mounts is still in
         * the host's peer groups, so anything mounted under a shared mount
         * would appear on the host. rslave cuts that direction. */
        if (mount(NULL, "/", NULL, prop, NULL) < 0)
                return sb_err_set(err, errno, "make / %s",
                                  cfg->linux_.rootfs_propagation ? cfg->linux_.rootfs_propagation
                                                                 : "rslave");
        if (realpath(rootfs, root_path) == NULL)
                return sb_err_set(err, errno, "rootfs `%s`", rootfs);
        if (make_parent_private(root_path, err) < 0)
                return -1;
        /* A mount point of its own, as pivot_root requires. */
        if (mount(root_path, root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
                return sb_err_set(err, errno, "bind rootfs `%s` onto itself", root_path);

        struct mount_ctx c = {.root_path = root_path, .in_user_ns = in_user_ns};
        c.root_fd = open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (c.root_fd < 0)
                return sb_err_set(err, errno, "open rootfs `%s`", root_path);
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const struct oci_mount *m = &cfg->mounts[i];
                if (mount_one(&c, m, err) < 0) {
                        close(c.root_fd);
                        return sb_err_prefix(err, "mounts[%zu] (%s)", i,
                                             m->destination ? m->destination : "?");
                }
        }
        close(c.root_fd);
        return runtime_devices_create(cfg, root_path, in_user_ns, err);
}

static int move_root(const char *rootfs, struct sb_err *err)
{
        if (chdir(rootfs) < 0)
                return sb_err_set(err, errno, "chdir `%s`", rootfs);
        if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
                return sb_err_set(err, errno, "move `%s` to /", rootfs);
        if (chroot(".") < 0)
                return sb_err_set(err, errno, "chroot `%s`", rootfs);
        if (chdir("/") < 0)
                return sb_err_set(err, errno, "chdir /");
        return 0;
}

int runtime_rootfs_pivot(const char *rootfs, bool no_pivot, struct sb_err *err)
{
        if (no_pivot)
                return move_root(rootfs, err);

        _cleanup_close_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (oldroot < 0)
                return sb_err_set(err, errno, "open /");
        _cleanup_close_ int newroot = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
        if (newroot < 0)
                return sb_err_set(err, errno, "open rootfs `%s`", rootfs);
        if (fchdir(newroot) < 0)
                return sb_err_set(err, errno, "chdir `%s`", rootfs);
        /* pivot_root(".", "."): the old root ends up stacked on top of the
         * new one, so no directory for it is needed in the image. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return sb_err_set(err, errno, "pivot_root `%s`", rootfs);
        if (fchdir(oldroot) < 0)
                return sb_err_set(err, errno, "chdir to the old root");
        /* Slave first, so the lazy unmount below stays in this namespace. */
        if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return sb_err_set(err, errno, "make the old root rslave");
        if (umount2(".", MNT_DETACH) < 0)
                return sb_err_set(err, errno, "unmount the old root");
        if (chdir("/") < 0)
                return sb_err_set(err, errno, "chdir /");
        return 0;
}

/* A file mask is a bind of /dev/null: check it is the real one (char 1:3)
 * and not whatever the image or a mount put there. */
static int open_dev_null(int root_fd, struct sb_err *err)
{
        struct stat st;
        int fd = runtime_open_in_root(root_fd, "/dev/null", O_PATH | O_NOFOLLOW, 0, err);
        if (fd < 0)
                return -1;
        if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
                close(fd);
                return sb_err_set(err, EPERM, "/dev/null is not the null device");
        }
        return fd;
}

static int mask_path(int root_fd, const char *path, struct sb_err *err)
{
        struct stat st;
        _cleanup_close_ int fd = runtime_open_in_root(root_fd, path, O_PATH, 0, err);
        if (fd < 0)
                return err->errnum == ENOENT ? 0 : -1;
        if (fstat(fd, &st) < 0)
                return sb_err_set(err, errno, "stat");
        if (S_ISDIR(st.st_mode)) {
                /* An empty read-only tmpfs, made with the fd-based API so
                 * nothing here depends on the container's /proc. */
                _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
                if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
                    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                        return sb_err_set(err, errno, "tmpfs");
                _cleanup_close_ int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
                if (mnt < 0)
                        return sb_err_set(err, errno, "fsmount tmpfs");
                return attach(mnt, fd, err);
        }
        _cleanup_close_ int null_fd = open_dev_null(root_fd, err);
        if (null_fd < 0)
                return -1;
        _cleanup_close_ int tree =
            open_tree(null_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
        if (tree < 0)
                return sb_err_set(err, errno, "open_tree /dev/null");
        return attach(tree, fd, err);
}

static int readonly_path(int root_fd, const char *path, struct sb_err *err)
{
        _cleanup_close_ int fd = runtime_open_in_root(root_fd, path, O_PATH, 0, err);
        if (fd < 0)
                return err->errnum == ENOENT ? 0 : -1;
        /* Bind the path onto itself, read-only all the way down (submounts
         * too), set before the clone is attached. Other flags are left as
         * they are, so locked ones stay. */
        _cleanup_close_ int tree =
            open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
        if (tree < 0)
                return sb_err_set(err, errno, "open_tree");
        if (setattr_fd(tree, AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0, 0) < 0)
                return sb_err_set(err, errno, "mount_setattr ro");
        return attach(tree, fd, err);
}

int runtime_rootfs_finalize(const struct oci_config *cfg, struct sb_err *err)
{
        const struct oci_linux *l = &cfg->linux_;
        _cleanup_close_ int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return sb_err_set(err, errno, "open /");

        for (size_t i = 0; i < l->masked_paths.count; i++)
                if (mask_path(root_fd, l->masked_paths.items[i], err) < 0)
                        return sb_err_prefix(err, "linux.maskedPaths[%zu] `%s`", i,
                                             l->masked_paths.items[i]);
        for (size_t i = 0; i < l->readonly_paths.count; i++)
                if (readonly_path(root_fd, l->readonly_paths.items[i], err) < 0)
                        return sb_err_prefix(err, "linux.readonlyPaths[%zu] `%s`", i,
                                             l->readonly_paths.items[i]);
        if (cfg->root.readonly && setattr_fd(root_fd, 0, MOUNT_ATTR_RDONLY, 0, 0) < 0)
                return sb_err_set(err, errno, "root.readonly: make / read-only");
        if (l->rootfs_propagation != NULL) {
                unsigned long prop;
                if (runtime_mount_propagation_parse(l->rootfs_propagation, &prop) < 0)
                        return sb_err_set(err, EINVAL, "linux.rootfsPropagation `%s`",
                                          l->rootfs_propagation);
                if (mount(NULL, "/", NULL, prop, NULL) < 0)
                        return sb_err_set(err, errno, "linux.rootfsPropagation `%s` on /",
                                          l->rootfs_propagation);
        }
        return 0;
}
