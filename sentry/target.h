/* The target process of a notification, seen from the sentry: its memory,
 * its identity (/proc/PID/status, exe, cmdline), and paths resolved the way
 * it would resolve them. The sentry stays in the host's namespaces and
 * reaches the target's through /proc/PID/{root,cwd,fd/N}, opened per request
 * and closed right after, so it keeps no container mount alive. */
#ifndef SANDBOX_SENTRY_TARGET_H
#define SANDBOX_SENTRY_TARGET_H

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"

/* pidfd_open's PIDFD_THREAD (Linux 6.9): a pidfd of one thread, not only of
 * a group leader; for older headers. */
#define SB_PIDFD_THREAD O_EXCL

#define SENTRY_MAX_GROUPS 64

struct sentry_proc {
        pid_t pid;
        pid_t ns_pid;
        char comm[32];
        char exe[PATH_MAX];
        char cmdline[1024];
        long uid, gid;     /* effective */
        long fsuid, fsgid; /* used for file access */
        gid_t groups[SENTRY_MAX_GROUPS];
        size_t n_groups;
        uint64_t cap_eff;
        unsigned umask;
        bool same_userns; /* in the sentry's user namespace; only looked up (else
                           false) when cap_eff holds a DAC-overriding capability */
        bool described;   /* comm, exe and cmdline have been read */
};

/* Reads a NUL-terminated string of at most len-1 bytes at `addr` in `pid`
 * (process_vm_readv page by page, /proc/PID/mem when that is refused).
 * ENAMETOOLONG when no NUL within len. */
int sentry_target_read_string(pid_t pid, uint64_t addr, char *buf, size_t len, struct sb_err *err);
/* Reads exactly len bytes at `addr`. */
int sentry_target_read(pid_t pid, uint64_t addr, void *buf, size_t len, struct sb_err *err);

/* True when `path` (absolute, normalized) goes through one of procfs's magic
 * links: /proc/PID|self|thread-self/{root,cwd,exe,fd/N,map_files/X}, also
 * /proc/PID/task/TID/... Pure. */
bool sentry_path_via_magic_link(const char *path);

/* The /proc directory and status file of the last task served, kept open:
 * a task making calls in a loop costs one pread instead of open, read and
 * close, and its root and user namespace are looked up from the directory
 * without walking /proc again. The fds belong to that task's pid, not its
 * number: once the task is gone, reads and lookups through them fail
 * (ESRCH, ENOENT) and the files are opened again, so a reused pid is never
 * read through them.
 *
 * Where the profile lets it (policy_tables.identity_kept: the sentry sees
 * every umask and setgroups call), the task's groups, umask and pid in its
 * namespace are kept too, and the next calls read only what can change
 * without the sentry seeing it (ids and capabilities: setuid() and execve()
 * run in the kernel) through the task's pidfd (PIDFD_GET_INFO, Linux 6.13)
 * and capget(2): a tenth of the status text's cost. Where the profile also
 * lets the sentry see every call that changes a root
 * (policy_tables.root_kept), the task's root directory is kept open with
 * the rest. Any of those calls forgets what was kept
 * (sentry_status_cache_forget). */
struct sentry_status_cache {
        pid_t pid;
        int fd;    /* /proc/PID/status */
        int dirfd; /* /proc/PID */
        int pidfd; /* -1 where the kernel has no thread pidfds or PIDFD_GET_INFO */
        bool may_keep;
        bool may_keep_root;
        bool kept;         /* the fields below are the task's */
        pid_t fs_after[8]; /* callers of umask or chroot not heard from since: */
        size_t n_fs_after; /* see sentry_status_cache_forget */
        int rootfd;        /* -1, or the task's root (may_keep_root, kept) */
        pid_t ns_pid;
        unsigned umask;
        size_t n_groups;
        gid_t groups[SENTRY_MAX_GROUPS];
};
void sentry_status_cache_init(struct sentry_status_cache *c, bool may_keep, bool may_keep_root);
/* Closes what is kept open (may_keep, may_keep_root and fs_after stay). */
void sentry_status_cache_drop(struct sentry_status_cache *c);
/* Whom a call that changes what is kept changes it for. */
enum sentry_change {
        SENTRY_CHANGE_CALLER,   /* setgroups; setns, unshare (fs unshared) */
        SENTRY_CHANGE_FS,       /* umask, chroot: every task sharing its fs_struct */
        SENTRY_CHANGE_MOUNT_NS, /* pivot_root: the root of every task of the namespace */
};
/* Such a call by `pid`: the next call reads the status text (and the root)
 * again. A change for the tasks sharing the caller's fs_struct (its threads)
 * happens only once the caller runs on after the answer: until the sentry
 * hears from `pid` again (or it is gone), nothing is kept for a task that
 * shares it, whose status text or root may still be the old one. More
 * callers pending at once than fs_after holds: nothing is kept any more. A
 * pivot_root that may run: no root is kept any more. */
void sentry_status_cache_forget(struct sentry_status_cache *c, pid_t pid, enum sentry_change who);
/* A notification from `pid`: any such call it made is done. */
void sentry_status_cache_heard(struct sentry_status_cache *c, pid_t pid);

/* Fills *p from /proc/PID: the identity (ids, groups, capabilities, umask,
 * user namespace), which every decision needs. */
int sentry_target_proc(struct sentry_status_cache *c, pid_t pid, struct sentry_proc *p,
                       struct sb_err *err);
/* Adds comm, exe and cmdline (best effort), which only events need: read
 * once, and only for calls that are recorded, while the target still waits
 * for its answer. */
void sentry_target_describe(struct sentry_proc *p);

/* Parses the body of /proc/PID/status into *p (pure; for tests). */
int sentry_parse_status(const char *text, struct sentry_proc *p);

/* Lexical path arithmetic (pure): `path` joined to `base` when relative,
 * "."/".."/"//" removed, ".." clamped at "/". Result absolute. */
int sentry_path_normalize(const char *base, const char *path, char *out, size_t len);
/* The part of `full` under `root` ("/a/root/x" under "/a/root" -> "/x";
 * anything under "/" is itself). -1 when `full` is not under `root`. */
int sentry_path_under(const char *root, const char *full, char *out, size_t len);

/* The absolute, normalized path in the target's root that (dirfd, path)
 * names for `pid` (dirfd AT_FDCWD: its cwd). */
int sentry_target_abspath(pid_t pid, int dirfd, const char *path, char *out, size_t len,
                          struct sb_err *err);

/* Opens /proc/PID/root (O_PATH|O_DIRECTORY) and returns it. */
int sentry_target_root(pid_t pid, struct sb_err *err);
/* The same through the cache when it holds that task: the root kept open
 * for it (*owned false: not the caller's to close), else opened from its
 * /proc directory (*owned true). */
int sentry_target_root_cached(struct sentry_status_cache *c, pid_t pid, bool *owned,
                              struct sb_err *err);
/* The path of the file open on `fd` (the sentry's) relative to `rootfd`. */
int sentry_fd_path_in_root(int rootfd, int fd, char *out, size_t len);

#endif
