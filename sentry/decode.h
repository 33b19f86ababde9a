/* Decoding of syscall arguments for events and decisions: which argument is a
 * path, flags as names ("O_WRONLY|O_CREAT"), requests and families as names.
 * Pure: numbers and already-read strings in, text and JSON out. */
#ifndef SANDBOX_SENTRY_DECODE_H
#define SANDBOX_SENTRY_DECODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define SENTRY_MAX_ARGS 6

/* How the sentry handles a syscall (see sentry/README.md). */
enum sentry_class {
        SENTRY_CLASS_SCALAR, /* decided on numbers only: CONTINUE is safe */
        SENTRY_CLASS_OPEN,   /* path decision, performed by the sentry (ADDFD) */
        SENTRY_CLASS_PATH,   /* path decision: deny, or CONTINUE only when path-independent */
};

enum sentry_arg_kind {
        SENTRY_ARG_NONE = 0,
        SENTRY_ARG_INT,
        SENTRY_ARG_HEX,    /* pointers, opaque values */
        SENTRY_ARG_DIRFD,  /* AT_FDCWD or a number */
        SENTRY_ARG_PATH,   /* a path string in the target's memory: the decision path */
        SENTRY_ARG_STRING, /* another string (mount source, fs type, module name) */
        SENTRY_ARG_OPEN_FLAGS,
        SENTRY_ARG_MODE, /* octal, with the file type for mknod */
        SENTRY_ARG_AT_FLAGS,
        SENTRY_ARG_CLONE_FLAGS, /* clone, unshare, setns */
        SENTRY_ARG_MOUNT_FLAGS,
        SENTRY_ARG_UMOUNT_FLAGS,
        SENTRY_ARG_PTRACE_REQUEST,
        SENTRY_ARG_SOCKET_FAMILY,
        SENTRY_ARG_OPEN_HOW, /* struct open_how pointer (openat2) */
};

struct sentry_arg_desc {
        const char *name;
        enum sentry_arg_kind kind;
};

struct sentry_syscall_desc {
        const char *name;
        enum sentry_class cls;
        struct sentry_arg_desc args[SENTRY_MAX_ARGS];
};

/* The description of syscall `name`; unknown names get a generic SCALAR
 * description with six hex arguments (never NULL). */
const struct sentry_syscall_desc *sentry_syscall_desc(const char *name);
/* The same for a native syscall number (its name from policy_syscall_name),
 * remembered per number: the sentry's lookup for every request. */
const struct sentry_syscall_desc *sentry_syscall_desc_nr(int nr);

/* The ABI a call was made with, as libseccomp names architectures ("x86_64",
 * "x86", "x32", "aarch64" ...; static, NULL when unknown): `audit_arch` is
 * seccomp_data.arch; an x32 call comes with x86_64's and the x32 bit in
 * `nr`. With `name` set, also the call's name on that ABI (malloc'd; NULL
 * when libseccomp does not know it). */
const char *sentry_call_abi(uint32_t audit_arch, int nr, char **name);
/* Index of the decision path argument (first SENTRY_ARG_PATH), or -1. */
int sentry_desc_path_arg(const struct sentry_syscall_desc *d);
/* Index of the dirfd that the path is relative to, or -1 (relative to cwd). */
int sentry_desc_dirfd_arg(const struct sentry_syscall_desc *d);

/* The argument class of a call, for learn mode: what a generated profile
 * can tell apart. "path=/usr/lib" (the first two components of each path,
 * "path=." for a relative one), "open=w+c" (access mode, +c for O_CREAT),
 * "ns=0x10000000" (the namespace bits of clone/unshare/setns flags),
 * "domain=1" (socket family), "request=16" (ptrace), joined by ','; "" when
 * the call has none of those. `strs[i]` is argument i read as a string or
 * NULL. Pure. */
size_t sentry_arg_class(const struct sentry_syscall_desc *d, const uint64_t args[SENTRY_MAX_ARGS],
                        const char *const strs[SENTRY_MAX_ARGS], char *buf, size_t len);

/* Flag words as names joined by '|', unknown bits as a trailing hex number,
 * "0" for zero. Return the length written (truncated to fit). */
size_t sentry_decode_open_flags(uint64_t flags, char *buf, size_t len);
size_t sentry_decode_clone_flags(uint64_t flags, char *buf, size_t len);
size_t sentry_decode_mount_flags(uint64_t flags, char *buf, size_t len);
size_t sentry_decode_umount_flags(uint64_t flags, char *buf, size_t len);
size_t sentry_decode_at_flags(uint64_t flags, char *buf, size_t len);
size_t sentry_decode_mode(uint64_t mode, char *buf, size_t len); /* "S_IFCHR|0600" */
/* Names of single values, NULL when unknown. */
const char *sentry_decode_ptrace_request(uint64_t req); /* "PTRACE_ATTACH" */
const char *sentry_decode_socket_family(uint64_t fam);  /* "AF_NETLINK" */

/* POLICY_ACCESS_* bits an open with `flags` asks for: read, write (O_WRONLY,
 * O_RDWR, O_TRUNC, O_APPEND), create (O_CREAT, O_TMPFILE), exec (O_PATH is
 * none of these and counts as read). */
unsigned sentry_open_access(uint64_t flags);

/* The arguments as a JSON object keyed by the argument names; `strs[i]`
 * (may be NULL) is the string read for a PATH/STRING argument i, `how_flags`
 * etc. are used for SENTRY_ARG_OPEN_HOW when how != NULL. */
struct sentry_open_how {
        uint64_t flags, mode, resolve;
};
json_t *sentry_decode_args(const struct sentry_syscall_desc *d,
                           const uint64_t args[SENTRY_MAX_ARGS],
                           const char *const strs[SENTRY_MAX_ARGS],
                           const struct sentry_open_how *how);

#endif
