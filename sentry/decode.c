/* Argument decoding tables and formatters (pure). */
#include "sentry/decode.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "policy/profile.h"
#include "policy/syscalls.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

#define A(n, k)                                                                                    \
        {                                                                                          \
                n, SENTRY_ARG_##k                                                                  \
        }

/* The syscalls the sentry knows how to read. Everything else routed to it is
 * decided on numbers only. */
static const struct sentry_syscall_desc descs[] = {
    {"open", SENTRY_CLASS_OPEN, {A("path", PATH), A("flags", OPEN_FLAGS), A("mode", MODE)}},
    {"openat",
     SENTRY_CLASS_OPEN,
     {A("dirfd", DIRFD), A("path", PATH), A("flags", OPEN_FLAGS), A("mode", MODE)}},
    {"openat2",
     SENTRY_CLASS_OPEN,
     {A("dirfd", DIRFD), A("path", PATH), A("how", OPEN_HOW), A("size", INT)}},
    {"creat", SENTRY_CLASS_OPEN, {A("path", PATH), A("mode", MODE)}},
    {"mkdir", SENTRY_CLASS_PATH, {A("path", PATH), A("mode", MODE)}},
    {"mkdirat", SENTRY_CLASS_PATH, {A("dirfd", DIRFD), A("path", PATH), A("mode", MODE)}},
    {"unlink", SENTRY_CLASS_PATH, {A("path", PATH)}},
    {"rmdir", SENTRY_CLASS_PATH, {A("path", PATH)}},
    {"unlinkat", SENTRY_CLASS_PATH, {A("dirfd", DIRFD), A("path", PATH), A("flags", AT_FLAGS)}},
    {"mknod", SENTRY_CLASS_PATH, {A("path", PATH), A("mode", MODE), A("dev", HEX)}},
    {"mknodat",
     SENTRY_CLASS_PATH,
     {A("dirfd", DIRFD), A("path", PATH), A("mode", MODE), A("dev", HEX)}},
    {"chroot", SENTRY_CLASS_PATH, {A("path", PATH)}},
    {"acct", SENTRY_CLASS_PATH, {A("path", PATH)}},
    {"swapon", SENTRY_CLASS_PATH, {A("path", PATH), A("flags", HEX)}},
    {"swapoff", SENTRY_CLASS_PATH, {A("path", PATH)}},
    {"execve", SENTRY_CLASS_PATH, {A("path", PATH), A("argv", HEX), A("envp", HEX)}},
    {"execveat",
     SENTRY_CLASS_PATH,
     {A("dirfd", DIRFD), A("path", PATH), A("argv", HEX), A("envp", HEX), A("flags", AT_FLAGS)}},
    {"mount",
     SENTRY_CLASS_PATH,
     {A("source", STRING), A("target", PATH), A("fstype", STRING), A("flags", MOUNT_FLAGS),
      A("data", HEX)}},
    {"umount2", SENTRY_CLASS_PATH, {A("target", PATH), A("flags", UMOUNT_FLAGS)}},
    {"pivot_root", SENTRY_CLASS_PATH, {A("new_root", PATH), A("put_old", STRING)}},
    {"setns", SENTRY_CLASS_SCALAR, {A("fd", INT), A("nstype", CLONE_FLAGS)}},
    {"unshare", SENTRY_CLASS_SCALAR, {A("flags", CLONE_FLAGS)}},
    {"clone",
     SENTRY_CLASS_SCALAR,
     {A("flags", CLONE_FLAGS), A("stack", HEX), A("parent_tid", HEX), A("child_tid", HEX),
      A("tls", HEX)}},
    {"ptrace",
     SENTRY_CLASS_SCALAR,
     {A("request", PTRACE_REQUEST), A("pid", INT), A("addr", HEX), A("data", HEX)}},
    {"process_vm_writev",
     SENTRY_CLASS_SCALAR,
     {A("pid", INT), A("local_iov", HEX), A("liovcnt", INT), A("remote_iov", HEX),
      A("riovcnt", INT), A("flags", HEX)}},
    {"socket",
     SENTRY_CLASS_SCALAR,
     {A("family", SOCKET_FAMILY), A("type", HEX), A("protocol", INT)}},
    {"open_by_handle_at",
     SENTRY_CLASS_SCALAR,
     {A("mount_fd", INT), A("handle", HEX), A("flags", OPEN_FLAGS)}},
    {"init_module", SENTRY_CLASS_SCALAR, {A("image", HEX), A("len", INT), A("params", STRING)}},
    {"finit_module", SENTRY_CLASS_SCALAR, {A("fd", INT), A("params", STRING), A("flags", HEX)}},
    {"delete_module", SENTRY_CLASS_SCALAR, {A("name", STRING), A("flags", HEX)}},
    {"fsopen", SENTRY_CLASS_SCALAR, {A("fsname", STRING), A("flags", HEX)}},
    {"open_tree", SENTRY_CLASS_SCALAR, {A("dirfd", DIRFD), A("path", STRING), A("flags", HEX)}},
    {"move_mount",
     SENTRY_CLASS_SCALAR,
     {A("from_dirfd", DIRFD), A("from_path", STRING), A("to_dirfd", DIRFD), A("to_path", STRING),
      A("flags", HEX)}},
    {"add_key",
     SENTRY_CLASS_SCALAR,
     {A("type", STRING), A("description", STRING), A("payload", HEX), A("plen", INT),
      A("keyring", INT)}},
    {"request_key",
     SENTRY_CLASS_SCALAR,
     {A("type", STRING), A("description", STRING), A("callout_info", HEX), A("keyring", INT)}},
};

static const struct sentry_syscall_desc generic = {"?",
                                                   SENTRY_CLASS_SCALAR,
                                                   {A("arg0", HEX), A("arg1", HEX), A("arg2", HEX),
                                                    A("arg3", HEX), A("arg4", HEX),
                                                    A("arg5", HEX)}};

const struct sentry_syscall_desc *sentry_syscall_desc(const char *name)
{
        if (name != NULL)
                for (size_t i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
                        if (strcmp(descs[i].name, name) == 0)
                                return &descs[i];
        return &generic;
}

const char *sentry_call_abi(uint32_t audit_arch, int nr, char **name)
{
        static const char *const abis[] = {
            "x86_64",    "x86",    "x32",      "arm",         "aarch64", "mips",        "mips64",
            "mips64n32", "mipsel", "mipsel64", "mipsel64n32", "ppc",     "ppc64",       "ppc64le",
            "s390",      "s390x",  "parisc",   "parisc64",    "riscv64", "loongarch64", NULL};
        uint32_t token = audit_arch;

        if (name != NULL)
                *name = NULL;
        if (audit_arch == SCMP_ARCH_X86_64 && nr >= 0 && (nr & 0x40000000) != 0)
                token = SCMP_ARCH_X32; /* __X32_SYSCALL_BIT */
        for (size_t i = 0; abis[i] != NULL; i++)
                if (seccomp_arch_resolve_name(abis[i]) == token) {
                        if (name != NULL)
                                *name = seccomp_syscall_resolve_num_arch(token, nr);
                        return abis[i];
                }
        return NULL;
}

const struct sentry_syscall_desc *sentry_syscall_desc_nr(int nr)
{
        /* Per native number, found once: the table is searched by name. */
        static const struct sentry_syscall_desc *by_nr[POLICY_SYSCALL_NR_MAX];

        if (nr < 0 || nr >= POLICY_SYSCALL_NR_MAX)
                return &generic;
        if (by_nr[nr] == NULL)
                by_nr[nr] = sentry_syscall_desc(policy_syscall_name(nr));
        return by_nr[nr];
}

int sentry_desc_path_arg(const struct sentry_syscall_desc *d)
{
        for (int i = 0; i < SENTRY_MAX_ARGS; i++)
                if (d->args[i].kind == SENTRY_ARG_PATH)
                        return i;
        return -1;
}

int sentry_desc_dirfd_arg(const struct sentry_syscall_desc *d)
{
        int p = sentry_desc_path_arg(d);

        /* The dirfd of a path is the argument just before it (openat,
         * mkdirat, unlinkat, mknodat, execveat). */
        if (p > 0 && d->args[p - 1].kind == SENTRY_ARG_DIRFD)
                return p - 1;
        return -1;
}

struct flag_name {
        uint64_t bit;
        const char *name;
};
#define F(x)                                                                                       \
        {                                                                                          \
                (uint64_t)(x), #x                                                                  \
        }

static size_t append(char *buf, size_t len, size_t pos, const char *s)
{
        size_t n = strlen(s);

        if (len == 0)
                return pos;
        if (pos + n >= len)
                n = pos < len - 1 ? len - 1 - pos : 0;
        memcpy(buf + pos, s, n);
        buf[pos + n] = '\0';
        return pos + n;
}

/* Names of the set bits of `v` in `t` (in table order), then the rest in hex. */
static size_t flags_to_names(uint64_t v, const struct flag_name *t, size_t n, size_t pos, char *buf,
                             size_t len)
{
        bool first = pos == 0;

        for (size_t i = 0; i < n; i++) {
                if (t[i].bit == 0 || (v & t[i].bit) != t[i].bit)
                        continue;
                if (!first)
                        pos = append(buf, len, pos, "|");
                pos = append(buf, len, pos, t[i].name);
                first = false;
                v &= ~t[i].bit;
        }
        if (v != 0 || first) {
                char hex[24];
                snprintf(hex, sizeof(hex), v != 0 ? "0x%" PRIx64 : "0", v);
                if (!first)
                        pos = append(buf, len, pos, "|");
                pos = append(buf, len, pos, hex);
        }
        return pos;
}

static const struct flag_name open_flags[] = {
    F(O_CREAT),   F(O_EXCL),  F(O_NOCTTY),  F(O_TRUNC),     F(O_APPEND),   F(O_NONBLOCK),
    F(O_DSYNC),   F(O_ASYNC), F(O_DIRECT),  F(O_LARGEFILE), F(O_NOFOLLOW), F(O_NOATIME),
    F(O_CLOEXEC), F(O_PATH),  F(O_TMPFILE), F(O_DIRECTORY), F(O_SYNC),
};

size_t sentry_decode_open_flags(uint64_t flags, char *buf, size_t len)
{
        static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
        size_t pos;

        if (len > 0)
                buf[0] = '\0';
        pos = append(buf, len, 0, acc[flags & O_ACCMODE]);
        flags &= ~(uint64_t)O_ACCMODE;
        /* O_TMPFILE contains O_DIRECTORY and O_SYNC contains O_DSYNC: the
         * composite names come first in the table walk below only when the
         * whole value is present, so strip them before their parts. */
        static const struct flag_name composite[] = {F(O_TMPFILE), F(O_SYNC)};
        for (size_t i = 0; i < 2; i++) {
                if ((flags & composite[i].bit) == composite[i].bit) {
                        pos = append(buf, len, pos, "|");
                        pos = append(buf, len, pos, composite[i].name);
                        flags &= ~composite[i].bit;
                }
        }
        if (flags == 0)
                return pos;
        return flags_to_names(flags, open_flags, sizeof(open_flags) / sizeof(open_flags[0]), pos,
                              buf, len);
}

static const struct flag_name clone_flags[] = {
    F(CLONE_VM),
    F(CLONE_FS),
    F(CLONE_FILES),
    F(CLONE_SIGHAND),
    F(CLONE_PIDFD),
    F(CLONE_PTRACE),
    F(CLONE_VFORK),
    F(CLONE_PARENT),
    F(CLONE_THREAD),
    F(CLONE_NEWNS),
    F(CLONE_SYSVSEM),
    F(CLONE_SETTLS),
    F(CLONE_PARENT_SETTID),
    F(CLONE_CHILD_CLEARTID),
    F(CLONE_DETACHED),
    F(CLONE_UNTRACED),
    F(CLONE_CHILD_SETTID),
    F(CLONE_NEWCGROUP),
    F(CLONE_NEWUTS),
    F(CLONE_NEWIPC),
    F(CLONE_NEWUSER),
    F(CLONE_NEWPID),
    F(CLONE_NEWNET),
    F(CLONE_IO),
    F(CLONE_NEWTIME),
};

size_t sentry_decode_clone_flags(uint64_t flags, char *buf, size_t len)
{
        char sig[24] = "";

        if (len > 0)
                buf[0] = '\0';
        /* The low byte of clone()'s flags is the exit signal, not a flag. */
        uint64_t csig = flags & 0xff;
        flags &= ~(uint64_t)0xff;
        size_t pos = 0;
        if (flags != 0 || csig == 0)
                pos = flags_to_names(flags, clone_flags,
                                     sizeof(clone_flags) / sizeof(clone_flags[0]), 0, buf, len);
        if (csig != 0) {
                snprintf(sig, sizeof(sig), "%s%" PRIu64, pos > 0 ? "|signal=" : "signal=", csig);
                pos = append(buf, len, pos, sig);
        }
        return pos;
}

static const struct flag_name mount_flags[] = {
    F(MS_RDONLY),     F(MS_NOSUID),     F(MS_NODEV),     F(MS_NOEXEC),      F(MS_SYNCHRONOUS),
    F(MS_REMOUNT),    F(MS_MANDLOCK),   F(MS_DIRSYNC),   F(MS_NOSYMFOLLOW), F(MS_NOATIME),
    F(MS_NODIRATIME), F(MS_BIND),       F(MS_MOVE),      F(MS_REC),         F(MS_SILENT),
    F(MS_POSIXACL),   F(MS_UNBINDABLE), F(MS_PRIVATE),   F(MS_SLAVE),       F(MS_SHARED),
    F(MS_RELATIME),   F(MS_KERNMOUNT),  F(MS_I_VERSION), F(MS_STRICTATIME), F(MS_LAZYTIME),
};

size_t sentry_decode_mount_flags(uint64_t flags, char *buf, size_t len)
{
        if (len > 0)
                buf[0] = '\0';
        /* The old magic number in the high half carries no meaning. */
        if ((flags & 0xffff0000u) == 0xC0ED0000u)
                flags &= 0xffffu;
        return flags_to_names(flags, mount_flags, sizeof(mount_flags) / sizeof(mount_flags[0]), 0,
                              buf, len);
}

#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 8
#endif
static const struct flag_name umount_flags[] = {F(MNT_FORCE), F(MNT_DETACH), F(MNT_EXPIRE),
                                                F(UMOUNT_NOFOLLOW)};

size_t sentry_decode_umount_flags(uint64_t flags, char *buf, size_t len)
{
        if (len > 0)
                buf[0] = '\0';
        return flags_to_names(flags, umount_flags, sizeof(umount_flags) / sizeof(umount_flags[0]),
                              0, buf, len);
}

static const struct flag_name at_flags[] = {F(AT_SYMLINK_NOFOLLOW), F(AT_REMOVEDIR),
                                            F(AT_SYMLINK_FOLLOW), F(AT_NO_AUTOMOUNT),
                                            F(AT_EMPTY_PATH)};

size_t sentry_decode_at_flags(uint64_t flags, char *buf, size_t len)
{
        if (len > 0)
                buf[0] = '\0';
        return flags_to_names(flags, at_flags, sizeof(at_flags) / sizeof(at_flags[0]), 0, buf, len);
}

size_t sentry_decode_mode(uint64_t mode, char *buf, size_t len)
{
        static const struct flag_name types[] = {F(S_IFSOCK), F(S_IFLNK), F(S_IFREG), F(S_IFBLK),
                                                 F(S_IFDIR),  F(S_IFCHR), F(S_IFIFO)};
        char perm[16];
        size_t pos = 0;

        if (len > 0)
                buf[0] = '\0';
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
                if ((mode & S_IFMT) == types[i].bit) {
                        pos = append(buf, len, pos, types[i].name);
                        pos = append(buf, len, pos, "|");
                        break;
                }
        }
        snprintf(perm, sizeof(perm), "0%" PRIo64, mode & 07777);
        return append(buf, len, pos, perm);
}

static const struct flag_name ptrace_requests[] = {
    F(PTRACE_TRACEME),    F(PTRACE_PEEKTEXT),   F(PTRACE_PEEKDATA),    F(PTRACE_PEEKUSER),
    F(PTRACE_POKETEXT),   F(PTRACE_POKEDATA),   F(PTRACE_POKEUSER),    F(PTRACE_CONT),
    F(PTRACE_KILL),       F(PTRACE_SINGLESTEP), F(PTRACE_GETREGS),     F(PTRACE_SETREGS),
    F(PTRACE_GETFPREGS),  F(PTRACE_SETFPREGS),  F(PTRACE_ATTACH),      F(PTRACE_DETACH),
    F(PTRACE_SYSCALL),    F(PTRACE_SETOPTIONS), F(PTRACE_GETEVENTMSG), F(PTRACE_GETSIGINFO),
    F(PTRACE_SETSIGINFO), F(PTRACE_GETREGSET),  F(PTRACE_SETREGSET),   F(PTRACE_SEIZE),
    F(PTRACE_INTERRUPT),  F(PTRACE_LISTEN),     F(PTRACE_PEEKSIGINFO),
};

const char *sentry_decode_ptrace_request(uint64_t req)
{
        /* PTRACE_TRACEME is 0: compare values, not bits. */
        for (size_t i = 0; i < sizeof(ptrace_requests) / sizeof(ptrace_requests[0]); i++)
                if (ptrace_requests[i].bit == req)
                        return ptrace_requests[i].name;
        return NULL;
}

static const struct flag_name families[] = {
    F(AF_UNSPEC),     F(AF_UNIX),      F(AF_INET),     F(AF_AX25),  F(AF_IPX),     F(AF_APPLETALK),
    F(AF_NETROM),     F(AF_BRIDGE),    F(AF_ATMPVC),   F(AF_X25),   F(AF_INET6),   F(AF_ROSE),
    F(AF_DECnet),     F(AF_NETBEUI),   F(AF_SECURITY), F(AF_KEY),   F(AF_NETLINK), F(AF_PACKET),
    F(AF_ASH),        F(AF_ECONET),    F(AF_ATMSVC),   F(AF_RDS),   F(AF_SNA),     F(AF_IRDA),
    F(AF_PPPOX),      F(AF_WANPIPE),   F(AF_LLC),      F(AF_IB),    F(AF_MPLS),    F(AF_CAN),
    F(AF_TIPC),       F(AF_BLUETOOTH), F(AF_IUCV),     F(AF_RXRPC), F(AF_ISDN),    F(AF_PHONET),
    F(AF_IEEE802154), F(AF_CAIF),      F(AF_ALG),      F(AF_NFC),   F(AF_VSOCK),   F(AF_KCM),
    F(AF_QIPCRTR),    F(AF_SMC),       F(AF_XDP),
};

const char *sentry_decode_socket_family(uint64_t fam)
{
        for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
                if (families[i].bit == fam)
                        return families[i].name;
        return NULL;
}

unsigned sentry_open_access(uint64_t flags)
{
        unsigned a = 0;

        if ((flags & O_PATH) == O_PATH)
                return POLICY_ACCESS_READ;
        switch (flags & O_ACCMODE) {
        case O_RDONLY:
                a |= POLICY_ACCESS_READ;
                break;
        case O_WRONLY:
                a |= POLICY_ACCESS_WRITE;
                break;
        default:
                a |= POLICY_ACCESS_READ | POLICY_ACCESS_WRITE;
                break;
        }
        if (flags & (O_TRUNC | O_APPEND))
                a |= POLICY_ACCESS_WRITE;
        if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
                a |= POLICY_ACCESS_CREATE;
        return a;
}

static json_t *decode_one(enum sentry_arg_kind k, uint64_t v, const char *str,
                          const struct sentry_open_how *how)
{
        char buf[512];
        const char *name;

        switch (k) {
        case SENTRY_ARG_INT:
                return json_integer((json_int_t)(int64_t)v);
        case SENTRY_ARG_DIRFD:
                if ((int)v == AT_FDCWD)
                        return json_string("AT_FDCWD");
                return json_integer((int)v);
        case SENTRY_ARG_PATH:
        case SENTRY_ARG_STRING:
                if (str != NULL)
                        return json_string(str);
                if (v == 0)
                        return json_null();
                break;
        case SENTRY_ARG_OPEN_FLAGS:
                sentry_decode_open_flags(v, buf, sizeof(buf));
                return json_string(buf);
        case SENTRY_ARG_MODE:
                sentry_decode_mode(v, buf, sizeof(buf));
                return json_string(buf);
        case SENTRY_ARG_AT_FLAGS:
                sentry_decode_at_flags(v, buf, sizeof(buf));
                return json_string(buf);
        case SENTRY_ARG_CLONE_FLAGS:
                sentry_decode_clone_flags(v, buf, sizeof(buf));
                return json_string(buf);
        case SENTRY_ARG_MOUNT_FLAGS:
                sentry_decode_mount_flags(v, buf, sizeof(buf));
                return json_string(buf);
        case SENTRY_ARG_UMOUNT_FLAGS:
                sentry_decode_umount_flags(v, buf, sizeof(buf));
                return json_string(buf);
        case SENTRY_ARG_PTRACE_REQUEST:
                if ((name = sentry_decode_ptrace_request(v)) != NULL)
                        return json_string(name);
                return json_integer((json_int_t)v);
        case SENTRY_ARG_SOCKET_FAMILY:
                if ((name = sentry_decode_socket_family(v)) != NULL)
                        return json_string(name);
                return json_integer((json_int_t)v);
        case SENTRY_ARG_OPEN_HOW:
                if (how != NULL) {
                        json_t *o = json_object();
                        sentry_decode_open_flags(how->flags, buf, sizeof(buf));
                        json_object_set_new(o, "flags", json_string(buf));
                        sentry_decode_mode(how->mode, buf, sizeof(buf));
                        json_object_set_new(o, "mode", json_string(buf));
                        json_object_set_new(o, "resolve", json_integer((json_int_t)how->resolve));
                        return o;
                }
                break;
        default:
                break;
        }
        snprintf(buf, sizeof(buf), "0x%" PRIx64, v);
        return json_string(buf);
}

json_t *sentry_decode_args(const struct sentry_syscall_desc *d,
                           const uint64_t args[SENTRY_MAX_ARGS],
                           const char *const strs[SENTRY_MAX_ARGS],
                           const struct sentry_open_how *how)
{
        json_t *o = json_object();

        for (int i = 0; i < SENTRY_MAX_ARGS; i++) {
                if (d->args[i].kind == SENTRY_ARG_NONE)
                        break;
                json_object_set_new(
                    o, d->args[i].name,
                    decode_one(d->args[i].kind, args[i], strs != NULL ? strs[i] : NULL, how));
        }
        return o;
}

/* Appends ",fmt..." (no comma first) to buf, never past len. */
__attribute__((format(printf, 4, 5))) static void class_add(char *buf, size_t len, size_t *o,
                                                            const char *fmt, ...)
{
        va_list ap;
        int n;

        if (*o > 0 && *o + 1 < len) {
                buf[(*o)++] = ',';
                buf[*o] = '\0';
        }
        va_start(ap, fmt);
        n = vsnprintf(buf + *o, len - *o, fmt, ap);
        va_end(ap);
        if (n > 0)
                *o = (size_t)n < len - *o ? *o + (size_t)n : len - 1;
}

size_t sentry_arg_class(const struct sentry_syscall_desc *d, const uint64_t args[SENTRY_MAX_ARGS],
                        const char *const strs[SENTRY_MAX_ARGS], char *buf, size_t len)
{
        const uint64_t ns_bits = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME;
        static const char *const acc[] = {"r", "w", "rw", "rw"};
        size_t o = 0;

        if (len == 0)
                return 0;
        buf[0] = '\0';
        for (int i = 0; i < SENTRY_MAX_ARGS; i++) {
                uint64_t a = args[i];
                const char *p = strs[i];
                size_t n;

                switch (d->args[i].kind) {
                case SENTRY_ARG_PATH:
                        if (p == NULL)
                                break;
                        if (p[0] != '/') {
                                class_add(buf, len, &o, "path=.");
                                break;
                        }
                        /* up to the end of the second component */
                        n = 1 + strcspn(p + 1, "/");
                        if (p[n] == '/')
                                n += 1 + strcspn(p + n + 1, "/");
                        class_add(buf, len, &o, "path=%.*s", (int)n, p);
                        break;
                case SENTRY_ARG_OPEN_FLAGS:
                        class_add(buf, len, &o, "open=%s%s", acc[a & O_ACCMODE],
                                  (a & O_CREAT) ? "+c" : "");
                        break;
                case SENTRY_ARG_CLONE_FLAGS:
                        class_add(buf, len, &o, "ns=%#" PRIx64, a & ns_bits);
                        break;
                case SENTRY_ARG_SOCKET_FAMILY:
                        class_add(buf, len, &o, "domain=%" PRIu64, a);
                        break;
                case SENTRY_ARG_PTRACE_REQUEST:
                        class_add(buf, len, &o, "request=%" PRIu64, a);
                        break;
                default:
                        break;
                }
        }
        return o;
}
