/* Container-escape attempts for tests/integration/test_breakout.sh.
 *
 * Usage: breakout ATTEMPT [ARG...]; prints "ATTEMPT rc=<rc> errno=<name>".
 * Each attempt makes exactly one call of the syscall under test with
 * syscall(2), with arguments chosen so that the call would be harmless to
 * the host even if the filter and the sentry wrongly let it through: invalid
 * magic numbers, nonexistent paths, invalid time values, opens without any
 * write, a tracee that is our own child. Helper calls made around it (opening
 * a namespace fd, forking a child) are ones the default profile answers in
 * the kernel, so that the attempt is the only routed call.
 *
 * Built static by the test: cc -static -O1 -pthread -o ROOTFS/breakout breakout.c */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/reboot.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *errname(int e)
{
        const char *n = e != 0 ? strerrorname_np(e) : NULL;
        return n != NULL ? n : "0";
}

static int report(const char *what, long rc, int e)
{
        printf("%s rc=%ld errno=%s\n", what, rc, rc == -1 ? errname(e) : "0");
        fflush(stdout);
        return 0;
}

/* An opened path: only opened, never written to. */
static long open_write(const char *path)
{
        long rc = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
        if (rc >= 0)
                close((int)rc);
        return rc;
}

/* A cgroup release_agent (v1) or, where there is none, notify_on_release,
 * or the v1 root's path even if absent: the sentry decides on the path. */
static const char *release_path(const char *file)
{
        static char buf[256];
        const char *dirs[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/memory", "/sys/fs/cgroup/cpu",
                              "/sys/fs/cgroup/systemd", NULL};
        for (int i = 0; dirs[i] != NULL; i++) {
                snprintf(buf, sizeof(buf), "%s/%s", dirs[i], file);
                if (access(buf, F_OK) == 0)
                        return buf;
        }
        snprintf(buf, sizeof(buf), "/sys/fs/cgroup/%s", file);
        return buf;
}

static pid_t child_that_waits(void)
{
        pid_t c = fork();
        if (c == 0) {
                for (;;)
                        pause();
        }
        return c;
}

static void reap(pid_t c)
{
        if (c > 0) {
                kill(c, SIGKILL);
                waitpid(c, NULL, 0);
        }
}

/* hammer: every thread makes routed calls, one answered by CONTINUE
 * (adjtimex, recorded) and one denied (unshare of a user namespace). */
static atomic_long hammer_ok, hammer_bad;
static long hammer_calls;

static void *hammer_thread(void *arg)
{
        (void)arg;
        for (long i = 0; i < hammer_calls; i++) {
                struct timex tx = {0};
                long rc = syscall(SYS_adjtimex, &tx);
                if (rc >= 0)
                        atomic_fetch_add(&hammer_ok, 1);
                else
                        atomic_fetch_add(&hammer_bad, 1);
                rc = syscall(SYS_unshare, CLONE_NEWUSER);
                if (rc == -1 && errno == EPERM)
                        atomic_fetch_add(&hammer_ok, 1);
                else
                        atomic_fetch_add(&hammer_bad, 1);
        }
        return NULL;
}

static int hammer(int nthreads, long calls)
{
        pthread_t t[256];
        if (nthreads < 1 || nthreads > 256)
                return 2;
        hammer_calls = calls;
        for (int i = 0; i < nthreads; i++)
                if (pthread_create(&t[i], NULL, hammer_thread, NULL) != 0) {
                        perror("pthread_create");
                        return 1;
                }
        for (int i = 0; i < nthreads; i++)
                pthread_join(t[i], NULL);
        printf("hammer ok=%ld bad=%ld\n", (long)hammer_ok, (long)hammer_bad);
        return hammer_bad == 0 ? 0 : 1;
}

/* Not attempts: the identity the sentry takes for its opens follows the
 * caller's umask and setgroups calls (sentry/target.h). */

/* Opens `path` (mode 0660, group 4242) for writing as fsuid 1000 with
 * group 4242, then again after dropping every supplementary group. */
static int groups_drop(const char *path)
{
        gid_t g = 4242;
        long first, second;
        int e1, e2;

        if (setgroups(1, &g) < 0 || setfsgid(1000) < 0 || setfsuid(1000) < 0)
                return report("groups_drop setup", -1, errno);
        first = open_write(path);
        e1 = errno;
        if (setgroups(0, NULL) < 0)
                return report("groups_drop setgroups", -1, errno);
        second = open_write(path);
        e2 = errno;
        report("groups_drop first", first < 0 ? -1 : 0, e1);
        return report("groups_drop second", second < 0 ? -1 : 0, e2);
}

static long create_in(const char *dir, const char *name)
{
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        long fd = syscall(SYS_openat, AT_FDCWD, p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd >= 0)
                close((int)fd);
        return fd;
}

/* Creates DIR/a with umask 022, changes the umask to 077 with the 32-bit
 * x86 call (int 0x80, umask is 60 there), creates DIR/b; prints the old
 * mask the 32-bit call returned, and what x86's own getuid32 (199) says. */
static int umask_i386(const char *dir)
{
        long old, uid;

        umask(022);
        if (create_in(dir, "a") < 0)
                return report("umask_i386 create a", -1, errno);
        __asm__ volatile("int $0x80" : "=a"(old) : "a"(60L), "b"(077L) : "memory");
        if (create_in(dir, "b") < 0)
                return report("umask_i386 create b", -1, errno);
        __asm__ volatile("int $0x80" : "=a"(uid) : "a"(199L) : "memory");
        printf("umask_i386 old=%lo getuid32=%ld\n", old, uid);
        fflush(stdout);
        return 0;
}

/* A call of the i386 ABI (int 0x80), with its arguments' 32 bits: pointers
 * must be below 4 GiB, as this static, non-PIE binary's strings are. The
 * result as syscall(2) gives it (-1 and errno). */
static long i386_call(long nr, long a, long b, long c, long d)
{
        long r;

        __asm__ volatile("int $0x80"
                         : "=a"(r)
                         : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
                         : "memory", "r8", "r9", "r10", "r11");
        if (r < 0 && r > -4096) {
                errno = (int)-r;
                return -1;
        }
        return r;
}

/* The effective capability set, read or replaced (capget/capset). */
static int caps_effective(uint64_t *get, const uint64_t *set)
{
        struct {
                uint32_t version;
                int pid;
        } h = {0x20080522, 0}; /* _LINUX_CAPABILITY_VERSION_3 */
        struct {
                uint32_t effective, permitted, inheritable;
        } d[2];

        if (syscall(SYS_capget, &h, d) < 0)
                return -1;
        if (get != NULL)
                *get = d[0].effective | (uint64_t)d[1].effective << 32;
        if (set == NULL)
                return 0;
        d[0].effective = (uint32_t)*set;
        d[1].effective = (uint32_t)(*set >> 32);
        return (int)syscall(SYS_capset, &h, d);
}

/* The identity the sentry takes for one open must not leak into the next
 * (sentry/creds.h keeps a capability drop between operations): writes
 * `locked` (0000, root's) without CAP_DAC_OVERRIDE, with it again, without
 * it again; then a child as uid 1000 (dumpable, so its /proc files are
 * uid 1000's, mode 0500 for fd/) creates `name` relative to a dirfd. */
static int lazy_caps(const char *locked, const char *dir, const char *name)
{
        const uint64_t dac = 1u << 1 | 1u << 2; /* CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH */
        uint64_t full, less;
        long rc;
        int e;

        if (caps_effective(&full, NULL) < 0)
                return report("lazy_caps capget", -1, errno);
        less = full & ~dac;
        const char *step[] = {"lazy_caps without", "lazy_caps with", "lazy_caps without again"};
        const uint64_t *caps[] = {&less, &full, &less};
        for (int i = 0; i < 3; i++) {
                if (caps_effective(NULL, caps[i]) < 0)
                        return report("lazy_caps capset", -1, errno);
                rc = open_write(locked);
                e = errno;
                report(step[i], rc < 0 ? -1 : 0, e);
        }
        int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        pid_t child = fork();
        if (child == 0) {
                if (setgid(1000) < 0 || setuid(1000) < 0 || prctl(PR_SET_DUMPABLE, 1) < 0)
                        _exit(report("lazy_caps setuid", -1, errno));
                rc = syscall(SYS_openat, dfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
                _exit(report("lazy_caps uid 1000 at dirfd", rc < 0 ? -1 : 0, errno));
        }
        waitpid(child, NULL, 0);
        return 0;
}

/* Creates /a before and after chroot(jail) (opens the sentry performs),
 * then /b from a second thread: each must land in the root its caller has
 * at that moment, not in one the sentry kept from before. */
static void *create_b(void *arg)
{
        (void)arg;
        return (void *)(intptr_t)create_in("", "b");
}

static int chroot_create(const char *jail)
{
        pthread_t t;
        void *rc;

        if (create_in("", "a") < 0)
                return report("chroot_create before", -1, errno);
        if (syscall(SYS_chroot, jail) < 0 || chdir("/") < 0)
                return report("chroot_create chroot", -1, errno);
        long after = create_in("", "a");
        report("chroot_create after", after < 0 ? -1 : 0, errno);
        if (pthread_create(&t, NULL, create_b, NULL) != 0 || pthread_join(t, &rc) != 0)
                return report("chroot_create thread", -1, errno);
        return report("chroot_create thread", (intptr_t)rc < 0 ? -1 : 0, errno);
}

int main(int argc, char **argv)
{
        if (argc < 2) {
                fprintf(stderr, "usage: breakout ATTEMPT [ARG...]\n");
                return 2;
        }
        const char *a = argv[1];
        long rc = -1;
        errno = 0;

        if (strcmp(a, "hammer") == 0)
                return hammer(argc > 2 ? atoi(argv[2]) : 8, argc > 3 ? atol(argv[3]) : 100);
        if (strcmp(a, "groups_drop") == 0 && argc > 2)
                return groups_drop(argv[2]);
        if (strcmp(a, "umask_i386") == 0 && argc > 2)
                return umask_i386(argv[2]);
        if (strcmp(a, "lazy_caps") == 0 && argc > 4)
                return lazy_caps(argv[2], argv[3], argv[4]);
        if (strcmp(a, "chroot_create") == 0 && argc > 2)
                return chroot_create(argv[2]);

        if (strcmp(a, "setns") == 0) {
                int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
                rc = syscall(SYS_setns, fd, CLONE_NEWNET);
        } else if (strcmp(a, "mount") == 0) {
                rc = syscall(SYS_mount, "none", "/mnt", "tmpfs", 0UL, NULL);
        } else if (strcmp(a, "umount2") == 0) {
                rc = syscall(SYS_umount2, "/nonexistent-bk", MNT_DETACH);
        } else if (strcmp(a, "pivot_root") == 0) {
                rc = syscall(SYS_pivot_root, "/nonexistent-bk", "/nonexistent-bk/old");
        } else if (strcmp(a, "move_mount") == 0) {
                rc = syscall(SYS_move_mount, -1, "", AT_FDCWD, "/nonexistent-bk", 0U);
        } else if (strcmp(a, "fsopen") == 0) {
                rc = syscall(SYS_fsopen, "nonexistent-fs-bk", 0U);
        } else if (strcmp(a, "open_tree") == 0) {
                rc = syscall(SYS_open_tree, AT_FDCWD, "/nonexistent-bk", 0U);
        } else if (strcmp(a, "unshare") == 0) {
                rc = syscall(SYS_unshare, CLONE_NEWUSER);
        } else if (strcmp(a, "clone") == 0) {
                rc = syscall(SYS_clone, (unsigned long)(CLONE_NEWUSER | SIGCHLD), NULL, NULL, NULL,
                             0UL);
                if (rc == 0)
                        _exit(0);
                if (rc > 0)
                        waitpid((pid_t)rc, NULL, 0);
        } else if (strcmp(a, "core_pattern") == 0) {
                rc = open_write("/proc/sys/kernel/core_pattern");
        } else if (strcmp(a, "excl_core_pattern") == 0) {
                /* O_EXCL without O_CREAT does not stop writing an existing file */
                rc = syscall(SYS_openat, AT_FDCWD, "/proc/sys/kernel/core_pattern",
                             O_WRONLY | O_EXCL | O_CLOEXEC);
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "excl_create_core_pattern") == 0) {
                /* an exclusive create fails on any existing file: the kernel
                 * answers it without the sentry */
                rc = syscall(SYS_openat, AT_FDCWD, "/proc/sys/kernel/core_pattern",
                             O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "i386_core_pattern") == 0) {
                /* open (5) for writing, from the 32-bit ABI */
                rc = i386_call(5, (long)"/proc/sys/kernel/core_pattern", O_WRONLY, 0, 0);
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "i386_creat_sysctl") == 0) {
                /* creat (8) */
                rc = i386_call(8, (long)"/proc/sys/kernel/bk-new", 0600, 0, 0);
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "i386_create_new") == 0) {
                /* an ordinary create for writing from the 32-bit ABI: openat
                 * (295), decided and opened by the sentry, no event */
                rc = i386_call(295, AT_FDCWD, (long)"/dev/shm/bk-i386-new",
                               O_WRONLY | O_CREAT | O_TRUNC, 0600);
                if (rc >= 0) {
                        int fd = (int)rc;
                        if (write(fd, "x", 1) != 1)
                                rc = -1;
                        close(fd);
                        unlink("/dev/shm/bk-i386-new");
                }
        } else if (strcmp(a, "excl_create_new") == 0) {
                /* an ordinary exclusive create (tar, dpkg): allowed in the kernel */
                rc = syscall(SYS_openat, AT_FDCWD, "/dev/shm/bk-excl-new",
                             O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (rc >= 0) {
                        close((int)rc);
                        unlink("/dev/shm/bk-excl-new");
                }
        } else if (strcmp(a, "sysrq") == 0) {
                rc = open_write("/proc/sysrq-trigger");
        } else if (strcmp(a, "release_agent") == 0) {
                rc = open_write(release_path("release_agent"));
        } else if (strcmp(a, "notify_on_release") == 0) {
                rc = open_write(release_path("notify_on_release"));
        } else if (strcmp(a, "self_exe") == 0) {
                rc = open_write("/proc/self/exe");
        } else if (strcmp(a, "pid1_exe") == 0) {
                rc = open_write("/proc/1/exe");
        } else if (strcmp(a, "proc_mem") == 0) {
                rc = open_write("/proc/self/mem");
        } else if (strcmp(a, "uevent_helper") == 0) {
                rc = open_write("/sys/kernel/uevent_helper");
        } else if (strcmp(a, "binfmt_misc") == 0) {
                rc = open_write("/proc/sys/fs/binfmt_misc/register");
        } else if (strcmp(a, "vm_sysctl") == 0) {
                rc = open_write("/proc/sys/vm/drop_caches");
        } else if (strcmp(a, "dev_mem") == 0) {
                rc = open_write("/dev/mem");
        } else if (strcmp(a, "creat_sysctl") == 0) {
                rc = syscall(SYS_creat, "/proc/sys/kernel/bk-new", 0600);
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "dirfd_core_pattern") == 0) {
                /* relative to a directory fd: the sentry must resolve the fd */
                int dir = open("/proc/sys/kernel", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                rc = syscall(SYS_openat, dir, "core_pattern", O_WRONLY | O_CLOEXEC);
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "cwd_core_pattern") == 0) {
                /* relative to the cwd */
                if (chdir("/proc/sys/kernel") == 0)
                        rc = open_write("core_pattern");
        } else if (strcmp(a, "dotdot_core_pattern") == 0) {
                rc = open_write("/tmp/../proc/./sys//kernel/core_pattern");
        } else if (strcmp(a, "symlink_core_pattern") == 0) {
                /* a symlink (made in the kernel, not routed) to the target */
                unlink("/dev/shm/bk-link");
                if (symlink("/proc/sys/kernel/core_pattern", "/dev/shm/bk-link") == 0)
                        rc = open_write("/dev/shm/bk-link");
        } else if (strcmp(a, "proc_root_core_pattern") == 0) {
                /* through pid 1's root magic link */
                rc = open_write("/proc/1/root/proc/sys/kernel/core_pattern");
        } else if (strcmp(a, "fspick") == 0) {
                rc = syscall(SYS_fspick, AT_FDCWD, "/nonexistent-bk", 0U);
        } else if (strcmp(a, "modprobe_openat2") == 0) {
                struct {
                        uint64_t flags, mode, resolve;
                } how = {O_WRONLY | O_CLOEXEC, 0, 0};
                rc = syscall(SYS_openat2, AT_FDCWD, "/proc/sys/kernel/modprobe", &how, sizeof(how));
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "open_by_handle_at") == 0) {
                struct {
                        unsigned int bytes;
                        int type;
                        unsigned char h[8];
                } fh = {8, 1, {0}};
                rc = syscall(SYS_open_by_handle_at, AT_FDCWD, &fh, O_RDONLY);
        } else if (strcmp(a, "init_module") == 0) {
                rc = syscall(SYS_init_module, NULL, 0UL, "");
        } else if (strcmp(a, "finit_module") == 0) {
                rc = syscall(SYS_finit_module, -1, "", 0);
        } else if (strcmp(a, "delete_module") == 0) {
                rc = syscall(SYS_delete_module, "nonexistent_module_bk", O_NONBLOCK);
        } else if (strcmp(a, "kexec_load") == 0) {
                /* flags with an unknown architecture: the kernel refuses them */
                rc = syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xdead0000UL);
        } else if (strcmp(a, "kexec_file_load") == 0) {
                rc = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0xdead0000UL);
        } else if (strcmp(a, "ptrace") == 0) {
                pid_t c = child_that_waits();
                rc = syscall(SYS_ptrace, PTRACE_ATTACH, c, NULL, NULL);
                int e = errno;
                reap(c);
                errno = e;
        } else if (strcmp(a, "process_vm_writev") == 0) {
                /* into our own memory: copies a buffer onto itself */
                char buf[8] = "bk";
                struct iovec local = {buf, sizeof(buf)}, remote = {buf, sizeof(buf)};
                rc = syscall(SYS_process_vm_writev, getpid(), &local, 1UL, &remote, 1UL, 0UL);
        } else if (strcmp(a, "bpf") == 0) {
                char attr[128] = {0}; /* BPF_MAP_CREATE of map type 0: EINVAL */
                rc = syscall(SYS_bpf, 0, attr, sizeof(attr));
        } else if (strcmp(a, "perf_event_open") == 0) {
                char attr[128] = {0}; /* size 0 with type 0xffff: invalid */
                attr[0] = (char)0xff;
                attr[1] = (char)0xff;
                rc = syscall(SYS_perf_event_open, attr, 0, -1, -1, 0UL);
        } else if (strcmp(a, "keyctl") == 0) {
                rc = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0);
        } else if (strcmp(a, "add_key") == 0) {
                rc = syscall(SYS_add_key, "nonexistent-type-bk", "bk", "x", 1UL, -3);
        } else if (strcmp(a, "request_key") == 0) {
                rc = syscall(SYS_request_key, "nonexistent-type-bk", "bk", NULL, 0);
        } else if (strcmp(a, "userfaultfd") == 0) {
                rc = syscall(SYS_userfaultfd, O_CLOEXEC);
                if (rc >= 0)
                        close((int)rc);
        } else if (strcmp(a, "io_uring_setup") == 0) {
                rc = syscall(SYS_io_uring_setup, 0U, NULL); /* 0 entries: EINVAL */
        } else if (strcmp(a, "mknod") == 0) {
                rc = syscall(SYS_mknod, "/tmp/bk-null", (unsigned long)(S_IFCHR | 0600),
                             (unsigned long)makedev(1, 3));
        } else if (strcmp(a, "mknodat") == 0) {
                rc = syscall(SYS_mknodat, AT_FDCWD, "/tmp/bk-null2",
                             (unsigned long)(S_IFCHR | 0600), (unsigned long)makedev(1, 3));
        } else if (strcmp(a, "reboot") == 0) {
                /* wrong magic: the kernel answers EINVAL before looking at cmd,
                 * and the cmd is only "disable Ctrl-Alt-Del" anyway */
                rc = syscall(SYS_reboot, 0x12345678, 0x9abcdef0, LINUX_REBOOT_CMD_CAD_OFF, NULL);
        } else if (strcmp(a, "swapon") == 0) {
                rc = syscall(SYS_swapon, "/nonexistent-bk-swap", 0);
        } else if (strcmp(a, "swapoff") == 0) {
                rc = syscall(SYS_swapoff, "/nonexistent-bk-swap");
        } else if (strcmp(a, "acct") == 0) {
                rc = syscall(SYS_acct, NULL); /* NULL: turn accounting off */
        } else if (strcmp(a, "syslog") == 0) {
                char buf[16];
                rc = syscall(SYS_syslog, 3 /* SYSLOG_ACTION_READ_ALL */, buf, (int)sizeof(buf));
        } else if (strcmp(a, "settimeofday") == 0) {
                /* tv_usec out of range: the kernel refuses it before setting */
                struct timeval tv;
                gettimeofday(&tv, NULL);
                tv.tv_usec = 2000000;
                rc = syscall(SYS_settimeofday, &tv, NULL);
        } else if (strcmp(a, "clock_settime") == 0) {
                /* CLOCK_MONOTONIC cannot be set, and tv_nsec is out of range */
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                ts.tv_nsec = 2000000000L;
                rc = syscall(SYS_clock_settime, CLOCK_MONOTONIC, &ts);
        } else if (strcmp(a, "adjtimex") == 0) {
                struct timex tx = {0}; /* modes 0: read only */
                rc = syscall(SYS_adjtimex, &tx);
        } else if (strcmp(a, "personality") == 0) {
                /* ADDR_NO_RANDOMIZE: switching ASLR off (not among Docker's values) */
                rc = syscall(SYS_personality, 0x0040000UL);
        } else if (strcmp(a, "chroot") == 0) {
                rc = syscall(SYS_chroot, "/");
        } else if (strcmp(a, "x32_getpid") == 0) {
                /* getpid of the x32 ABI: the x32 bit on the same number */
                rc = syscall(__X32_SYSCALL_BIT | SYS_getpid);
        } else if (strcmp(a, "seccomp_listener") == 0) {
                /* the bypass: our own listener would get the sentry's notifications */
                struct sock_filter f[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
                struct sock_fprog prog = {1, f};
                syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL);
                rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
                             &prog);
        } else if (strcmp(a, "seccomp_plain") == 0) {
                /* a plain filter of our own (no listener) stays possible */
                struct sock_filter f[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
                struct sock_fprog prog = {1, f};
                syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL);
                rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0U, &prog);
        } else {
                fprintf(stderr, "breakout: unknown attempt `%s`\n", a);
                return 2;
        }
        return report(a, rc, errno);
}
