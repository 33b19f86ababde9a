/* Reading the target: memory, /proc identity, paths as it sees them. */
#include "sentry/target.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <linux/kcmp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "sentry/creds.h"

static ssize_t read_mem_proc(pid_t pid, uint64_t addr, void *buf, size_t len)
{
        char p[64];
        _cleanup_close_ int fd = -1;

        snprintf(p, sizeof(p), "/proc/%d/mem", (int)pid);
        sentry_creds_reset(); /* mode 0600, owned by the target's uid */
        fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        return pread(fd, buf, len, (off_t)addr);
}

/* Reads up to len bytes without crossing into an unmapped page: the request
 * is cut at page boundaries so that a string at the end of a mapping reads. */
static ssize_t read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
        struct iovec local = {.iov_base = buf, .iov_len = len};
        struct iovec remote = {.iov_base = (void *)(uintptr_t)addr, .iov_len = len};
        ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

        if (n < 0 && (errno == EPERM || errno == ENOSYS))
                n = read_mem_proc(pid, addr, buf, len);
        return n;
}

int sentry_target_read(pid_t pid, uint64_t addr, void *buf, size_t len, struct sb_err *err)
{
        ssize_t n = read_mem(pid, addr, buf, len);

        if (n < 0)
                return sb_err_set(err, errno, "read memory of pid %d at 0x%" PRIx64, (int)pid,
                                  addr);
        if ((size_t)n != len)
                return sb_err_set(err, EFAULT, "read memory of pid %d at 0x%" PRIx64, (int)pid,
                                  addr);
        return 0;
}

int sentry_target_read_string(pid_t pid, uint64_t addr, char *buf, size_t len, struct sb_err *err)
{
        long page = sysconf(_SC_PAGESIZE);
        size_t got = 0;

        if (addr == 0)
                return sb_err_set(err, EFAULT, "read string of pid %d: NULL pointer", (int)pid);
        while (got < len) {
                uint64_t a = addr + got;
                size_t chunk = (size_t)page - (size_t)(a % (uint64_t)page);
                if (chunk > len - got)
                        chunk = len - got;
                ssize_t n = read_mem(pid, a, buf + got, chunk);
                if (n <= 0)
                        return sb_err_set(err, n < 0 ? errno : EFAULT,
                                          "read string of pid %d at 0x%" PRIx64, (int)pid, a);
                char *nul = memchr(buf + got, '\0', (size_t)n);
                if (nul != NULL)
                        return 0;
                got += (size_t)n;
        }
        buf[len - 1] = '\0';
        return sb_err_set(err, ENAMETOOLONG, "read string of pid %d: longer than %zu bytes",
                          (int)pid, len - 1);
}

/* Up to `max` numbers in `base` from s to the end of the line; returns how
 * many. */
static size_t parse_numbers(const char *s, int base, unsigned long long *out, size_t max)
{
        size_t n = 0;

        for (;;) {
                while (*s == ' ' || *s == '\t')
                        s++;
                if (*s == '\n' || *s == '\0')
                        return n;
                char *end;
                errno = 0;
                unsigned long long v = strtoull(s, &end, base);
                if (end == s || errno != 0 ||
                    (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\0'))
                        return n;
                if (n < max)
                        out[n] = v;
                n++;
                s = end;
        }
}

/* One pass over the lines, each key looked at once: this runs for every
 * routed call that needs the identity. */
int sentry_parse_status(const char *text, struct sentry_proc *p)
{
        unsigned long long v[SENTRY_MAX_GROUPS];
        bool have_uid = false, have_gid = false;

        p->n_groups = 0;
        p->ns_pid = 0;
        p->umask = 022;
        p->cap_eff = 0;
        for (const char *l = text; *l != '\0';) {
                const char *eol = strchrnul(l, '\n');
                const char *colon = memchr(l, ':', (size_t)(eol - l));
                if (colon != NULL) {
                        size_t k = (size_t)(colon - l), n;
                        const char *val = colon + 1;
#define KEY(name) (k == sizeof(name) - 1 && memcmp(l, name, k) == 0)
                        if (KEY("Uid") || KEY("Gid")) {
                                if (parse_numbers(val, 10, v, 4) != 4)
                                        return -1;
                                if (l[0] == 'U') {
                                        p->uid = (long)v[1];
                                        p->fsuid = (long)v[3];
                                        have_uid = true;
                                } else {
                                        p->gid = (long)v[1];
                                        p->fsgid = (long)v[3];
                                        have_gid = true;
                                }
                        } else if (KEY("Groups")) {
                                /* More than kept: an identity the sentry cannot
                                 * take fully (a group left out could be one
                                 * that a file's mode denies) is refused. */
                                n = parse_numbers(val, 10, v, SENTRY_MAX_GROUPS);
                                if (n > SENTRY_MAX_GROUPS)
                                        return -1;
                                p->n_groups = n;
                                for (size_t i = 0; i < p->n_groups; i++)
                                        p->groups[i] = (gid_t)v[i];
                        } else if (KEY("NSpid")) {
                                /* The last number: the pid in the innermost
                                 * namespace. */
                                n = parse_numbers(val, 10, v, SENTRY_MAX_GROUPS);
                                if (n > 0 && n <= SENTRY_MAX_GROUPS)
                                        p->ns_pid = (pid_t)v[n - 1];
                        } else if (KEY("Umask")) {
                                if (parse_numbers(val, 8, v, 1) == 1)
                                        p->umask = (unsigned)v[0];
                        } else if (KEY("CapEff")) {
                                if (parse_numbers(val, 16, v, 1) == 1)
                                        p->cap_eff = v[0];
                        }
#undef KEY
                }
                l = *eol == '\n' ? eol + 1 : eol;
        }
        return have_uid && have_gid ? 0 : -1;
}

static ssize_t read_small(const char *path, char *buf, size_t len)
{
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return -1;
        n = read(fd, buf, len - 1);
        if (n < 0)
                return -1;
        buf[n] = '\0';
        return n;
}

void sentry_status_cache_init(struct sentry_status_cache *c, bool may_keep, bool may_keep_root)
{
        memset(c, 0, sizeof(*c));
        c->fd = c->dirfd = c->pidfd = c->rootfd = -1;
        c->may_keep = may_keep;
        c->may_keep_root = may_keep_root;
}

void sentry_status_cache_drop(struct sentry_status_cache *c)
{
        int *fds[] = {&c->fd, &c->dirfd, &c->pidfd, &c->rootfd};

        for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
                if (*fds[i] >= 0) {
                        close(*fds[i]);
                        *fds[i] = -1;
                }
        /* the task's fields mean nothing unless kept; fs_after is about
         * other tasks and stays */
        c->pid = 0;
        c->kept = false;
}

#define N_FS_AFTER (sizeof(((struct sentry_status_cache *)0)->fs_after) / sizeof(pid_t))

static void fs_heard(struct sentry_status_cache *c, size_t i)
{
        c->fs_after[i] = c->fs_after[--c->n_fs_after];
}

void sentry_status_cache_forget(struct sentry_status_cache *c, pid_t pid, enum sentry_change who)
{
        c->kept = false;
        if (c->rootfd >= 0) {
                close(c->rootfd);
                c->rootfd = -1;
        }
        if (who == SENTRY_CHANGE_MOUNT_NS)
                c->may_keep_root = false; /* other tasks' roots: from now on */
        if (who != SENTRY_CHANGE_FS)
                return;
        for (size_t i = 0; i < c->n_fs_after; i++)
                if (c->fs_after[i] == pid)
                        return;
        if (c->n_fs_after == N_FS_AFTER)
                c->may_keep = false; /* too many to follow: read every time */
        else
                c->fs_after[c->n_fs_after++] = pid;
}

void sentry_status_cache_heard(struct sentry_status_cache *c, pid_t pid)
{
        for (size_t i = 0; i < c->n_fs_after; i++)
                if (c->fs_after[i] == pid) {
                        fs_heard(c, i);
                        return;
                }
}

/* Whether `pid` may still see a pending umask or chroot call (c->fs_after)
 * take effect later: it shares the caller's fs_struct (kcmp), or kcmp
 * cannot say. A caller that is gone has made its call or never will. */
static bool fs_may_change(struct sentry_status_cache *c, pid_t pid)
{
        for (size_t i = 0; i < c->n_fs_after;) {
                pid_t caller = c->fs_after[i];
                long same = caller == pid ? 1 : syscall(SYS_kcmp, caller, pid, KCMP_FS, 0, 0);
                if (same < 0 && errno == ESRCH && kill(caller, 0) < 0 && errno == ESRCH) {
                        fs_heard(c, i);
                        continue;
                }
                if (same == 0 || same < 0)
                        return true; /* shared, or cannot say */
                i++;
        }
        return false;
}

/* The status text of `pid`, through the cache when it holds that task. */
static ssize_t read_status(struct sentry_status_cache *c, pid_t pid, char *buf, size_t len)
{
        char path[64];
        ssize_t n;

        if (c->fd >= 0 && c->pid == pid) {
                n = pread(c->fd, buf, len - 1, 0);
                if (n > 0) { /* else gone (ESRCH), or nothing to parse: open again */
                        buf[n] = '\0';
                        return n;
                }
        }
        sentry_status_cache_drop(c);
        snprintf(path, sizeof(path), "/proc/%d", (int)pid);
        int dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -1;
        int fd = openat(dirfd, "status", O_RDONLY | O_CLOEXEC);
        n = fd < 0 ? -1 : pread(fd, buf, len - 1, 0);
        if (n < 0) {
                int e = errno;
                if (fd >= 0)
                        close(fd);
                close(dirfd);
                errno = e;
                return -1;
        }
        buf[n] = '\0';
        c->pid = pid;
        c->fd = fd;
        c->dirfd = dirfd;
        return n;
}

/* The user namespace link of a task, "user:[INODE]": readlink names it
 * without the nsfs path that a stat would build (a third of the cost). */
static ssize_t userns_name(int dirfd, const char *path, char *buf, size_t len)
{
        ssize_t n = readlinkat(dirfd, path, buf, len - 1);

        if (n < 0)
                return -1;
        buf[n] = '\0';
        return n;
}

/* PIDFD_GET_INFO (Linux 6.13), for older headers. */
struct sb_pidfd_info {
        uint64_t mask;
        uint64_t cgroupid;
        uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
        int32_t exit_code;
};
#define SB_PIDFD_GET_INFO   _IOWR(0xFF, 11, struct sb_pidfd_info)
#define SB_PIDFD_INFO_CREDS (1ULL << 1)

/* The identity parts that change without the sentry seeing it, from the
 * task's pidfd and capget(2); false when either cannot say. */
static bool read_kept(struct sentry_status_cache *c, pid_t pid, struct sentry_proc *p)
{
        struct sb_pidfd_info in = {.mask = SB_PIDFD_INFO_CREDS};
        struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = pid};
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

        if (ioctl(c->pidfd, SB_PIDFD_GET_INFO, &in) < 0 || !(in.mask & SB_PIDFD_INFO_CREDS) ||
            syscall(SYS_capget, &h, d) < 0)
                return false;
        p->uid = in.euid;
        p->gid = in.egid;
        p->fsuid = in.fsuid;
        p->fsgid = in.fsgid;
        p->cap_eff = d[0].effective | (uint64_t)d[1].effective << 32;
        p->ns_pid = c->ns_pid;
        p->umask = c->umask;
        p->n_groups = c->n_groups;
        memcpy(p->groups, c->groups, c->n_groups * sizeof(gid_t));
        return true;
}

/* After a full read: keep what only umask and setgroups change, and open
 * the pidfd that the next calls read the rest through. */
static void keep(struct sentry_status_cache *c, pid_t pid, const struct sentry_proc *p)
{
        static bool no_pidfd_info;

        if (!c->may_keep || no_pidfd_info || fs_may_change(c, pid))
                return;
        if (c->pidfd < 0) {
                c->pidfd = (int)syscall(SYS_pidfd_open, pid, SB_PIDFD_THREAD);
                if (c->pidfd < 0) {
                        no_pidfd_info = errno == EINVAL || errno == ENOSYS;
                        return;
                }
                struct sb_pidfd_info in = {.mask = SB_PIDFD_INFO_CREDS};
                if (ioctl(c->pidfd, SB_PIDFD_GET_INFO, &in) < 0 &&
                    (errno == ENOTTY || errno == EINVAL)) {
                        no_pidfd_info = true; /* before 6.13: the status text each time */
                        close(c->pidfd);
                        c->pidfd = -1;
                        return;
                }
        }
        c->ns_pid = p->ns_pid;
        c->umask = p->umask;
        c->n_groups = p->n_groups;
        memcpy(c->groups, p->groups, p->n_groups * sizeof(gid_t));
        c->kept = true;
}

int sentry_target_proc(struct sentry_status_cache *c, pid_t pid, struct sentry_proc *p,
                       struct sb_err *err)
{
        char status[4096], ns[64];

        memset(p, 0, sizeof(*p));
        p->pid = pid;
        p->uid = p->gid = p->fsuid = p->fsgid = -1;
        if (!(c->kept && c->pid == pid && c->pidfd >= 0 && read_kept(c, pid, p))) {
                if (read_status(c, pid, status, sizeof(status)) < 0)
                        return sb_err_set(err, errno, "read `/proc/%d/status`", (int)pid);
                if (sentry_parse_status(status, p) < 0)
                        return sb_err_set(err, EINVAL, "parse `/proc/%d/status`", (int)pid);
                keep(c, pid, p);
        }

        /* Only a target with a capability that overrides file permissions
         * needs its user namespace compared (sentry/creds.c keeps such a
         * capability only within the sentry's own); without one the answer
         * changes nothing, and not asking saves a readlink per open. */
        if ((p->cap_eff & sentry_creds_dac_mask()) == 0)
                return 0;
        /* The sentry's own user namespace does not change: looked up once. */
        static char self[64];
        if (self[0] == '\0' && userns_name(AT_FDCWD, "/proc/self/ns/user", self, sizeof(self)) < 0)
                self[0] = '\0';
        p->same_userns = self[0] != '\0' && userns_name(c->dirfd, "ns/user", ns, sizeof(ns)) > 0 &&
                         strcmp(ns, self) == 0;
        return 0;
}

void sentry_target_describe(struct sentry_proc *p)
{
        char path[64];
        ssize_t n;
        pid_t pid = p->pid;

        if (p->described)
                return;
        p->described = true;
        snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
        if (read_small(path, p->comm, sizeof(p->comm)) > 0)
                p->comm[strcspn(p->comm, "\n")] = '\0';
        snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
        n = readlink(path, p->exe, sizeof(p->exe) - 1);
        p->exe[n > 0 ? n : 0] = '\0';
        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
        n = read_small(path, p->cmdline, sizeof(p->cmdline));
        for (ssize_t i = 0; i < n - 1; i++)
                if (p->cmdline[i] == '\0')
                        p->cmdline[i] = ' ';
}

int sentry_path_normalize(const char *base, const char *path, char *out, size_t len)
{
        char tmp[PATH_MAX * 2];
        size_t o = 0;
        int n;

        if (len < 2)
                return -1;
        if (path[0] == '/' || base == NULL)
                n = snprintf(tmp, sizeof(tmp), "/%s", path);
        else
                n = snprintf(tmp, sizeof(tmp), "%s/%s", base, path);
        if (n < 0 || (size_t)n >= sizeof(tmp))
                return -1;

        out[o++] = '/';
        for (char *s = tmp; *s != '\0';) {
                while (*s == '/')
                        s++;
                if (*s == '\0')
                        break;
                size_t seg = strcspn(s, "/");
                if (seg == 1 && s[0] == '.') {
                        /* nothing */
                } else if (seg == 2 && s[0] == '.' && s[1] == '.') {
                        /* ".." at "/" stays at "/", as the kernel does. */
                        while (o > 1 && out[o - 1] != '/')
                                o--;
                        if (o > 1)
                                o--;
                } else {
                        if (o > 1) {
                                if (o + 1 >= len)
                                        return -1;
                                out[o++] = '/';
                        }
                        if (o + seg >= len)
                                return -1;
                        memcpy(out + o, s, seg);
                        o += seg;
                }
                s += seg;
        }
        out[o] = '\0';
        return 0;
}

int sentry_path_under(const char *root, const char *full, char *out, size_t len)
{
        size_t n = strlen(root);

        while (n > 0 && root[n - 1] == '/')
                n--;
        if (strncmp(full, root, n) != 0 || (full[n] != '\0' && full[n] != '/'))
                return -1;
        if (snprintf(out, len, "%s", full[n] == '\0' ? "/" : full + n) >= (int)len)
                return -1;
        return 0;
}

int sentry_target_root(pid_t pid, struct sb_err *err)
{
        char p[64];
        int fd;

        snprintf(p, sizeof(p), "/proc/%d/root", (int)pid);
        fd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "open `%s`", p);
        return fd;
}

int sentry_target_root_cached(struct sentry_status_cache *c, pid_t pid, bool *owned,
                              struct sb_err *err)
{
        *owned = true;
        if (c == NULL || c->dirfd < 0 || c->pid != pid)
                return sentry_target_root(pid, err);
        /* Kept only with the identity read for this very call (the task is
         * alive and nothing that changes its root has been let run since). */
        bool keep = c->may_keep_root && c->kept;
        if (keep && c->rootfd >= 0) {
                *owned = false;
                return c->rootfd;
        }
        int fd = openat(c->dirfd, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "open `/proc/%d/root`", (int)pid);
        if (keep) {
                c->rootfd = fd;
                *owned = false;
        }
        return fd;
}

int sentry_fd_path_in_root(int rootfd, int fd, char *out, size_t len)
{
        char p[64], root[PATH_MAX], full[PATH_MAX];
        ssize_t n;

        snprintf(p, sizeof(p), "/proc/self/fd/%d", rootfd);
        if ((n = readlink(p, root, sizeof(root) - 1)) < 0)
                return -1;
        root[n] = '\0';
        snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
        if ((n = readlink(p, full, sizeof(full) - 1)) < 0)
                return -1;
        full[n] = '\0';
        return sentry_path_under(root, full, out, len);
}

int sentry_target_abspath(pid_t pid, int dirfd, const char *path, char *out, size_t len,
                          struct sb_err *err)
{
        char p[64], base[PATH_MAX];
        _cleanup_close_ int rootfd = -1, dfd = -1;

        if (path[0] == '/')
                return sentry_path_normalize(NULL, path, out, len) < 0
                           ? sb_err_set(err, ENAMETOOLONG, "path `%s`", path)
                           : 0;
        /* A relative path: where the target's cwd or dirfd is, seen from its
         * own root. */
        rootfd = sentry_target_root(pid, err);
        if (rootfd < 0)
                return -1;
        if (dirfd == AT_FDCWD) {
                snprintf(p, sizeof(p), "/proc/%d/cwd", (int)pid);
        } else {
                snprintf(p, sizeof(p), "/proc/%d/fd/%d", (int)pid, dirfd);
                sentry_creds_reset(); /* fd/ is mode 0500, owned by the target's uid */
        }
        dfd = open(p, O_PATH | O_CLOEXEC);
        if (dfd < 0)
                return sb_err_set(err, errno == ENOENT ? EBADF : errno, "open `%s`", p);
        if (sentry_fd_path_in_root(rootfd, dfd, base, sizeof(base)) < 0)
                return sb_err_set(err, EACCES, "`%s` is outside the root of pid %d", p, (int)pid);
        if (sentry_path_normalize(base, path, out, len) < 0)
                return sb_err_set(err, ENAMETOOLONG, "path `%s`", path);
        return 0;
}

bool sentry_path_via_magic_link(const char *path)
{
        static const char *const links[] = {"root", "cwd", "exe", "fd", "map_files"};
        const char *s;

        if (strncmp(path, "/proc/", 6) != 0)
                return false;
        s = path + 6;
        for (int depth = 0; depth < 2; depth++) {
                /* PID, self or thread-self; then possibly task/TID */
                size_t n = strcspn(s, "/");
                if (n == 0 || s[n] != '/')
                        return false;
                s += n + 1;
                for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
                        size_t l = strlen(links[i]);
                        if (strncmp(s, links[i], l) == 0 && (s[l] == '/' || s[l] == '\0'))
                                return strcmp(links[i], "fd") != 0 &&
                                               strcmp(links[i], "map_files") != 0
                                           ? true
                                           : s[l] == '/';
                }
                if (strncmp(s, "task/", 5) != 0)
                        return false;
                s += 5;
        }
        return false;
}
