#include <criterion/criterion.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy/profile.h"
#include "sentry/decode.h"
#include "sentry/target.h"

/* By number, the same description as by name; numbers without one (or out
 * of range) get the generic one, asked twice or not. */
Test(sentry_decode, description_by_number)
{
        const struct sentry_syscall_desc *generic = sentry_syscall_desc(NULL);

        for (int k = 0; k < 2; k++) {
                cr_assert_eq(sentry_syscall_desc_nr(SYS_openat), sentry_syscall_desc("openat"));
                cr_assert_eq(sentry_syscall_desc_nr(SYS_openat)->cls, SENTRY_CLASS_OPEN);
                cr_assert_eq(sentry_syscall_desc_nr(SYS_mount), sentry_syscall_desc("mount"));
                cr_assert_eq(sentry_syscall_desc_nr(SYS_getpid), generic);
                cr_assert_eq(sentry_syscall_desc_nr(-1), generic);
                cr_assert_eq(sentry_syscall_desc_nr(1 << 20), generic);
        }
        cr_assert_str_eq(generic->name, "?");
}

/* The ABI of a call and its name there (x86_64's audit arch with the x32
 * bit is x32). */
Test(sentry_decode, call_abi)
{
        char *name = NULL;

        cr_assert_str_eq(sentry_call_abi(SCMP_ARCH_X86_64, 39, &name), "x86_64");
        cr_assert_str_eq(name, "getpid");
        free(name);
        cr_assert_str_eq(sentry_call_abi(SCMP_ARCH_X86, 11, &name), "x86");
        cr_assert_str_eq(name, "execve");
        free(name);
        cr_assert_str_eq(sentry_call_abi(SCMP_ARCH_X86_64, 0x40000000 | 39, &name), "x32");
        cr_assert_str_eq(name, "getpid");
        free(name);
        cr_assert_str_eq(sentry_call_abi(SCMP_ARCH_AARCH64, 172, NULL), "aarch64");
        cr_assert_null(sentry_call_abi(0x1234, 1, &name));
        cr_assert_null(name);
        /* the same static name each time (events compare it) */
        cr_assert_eq(sentry_call_abi(SCMP_ARCH_X86, 1, NULL),
                     sentry_call_abi(SCMP_ARCH_X86, 2, NULL));
}

Test(sentry_decode, open_flags)
{
        char b[256];

        sentry_decode_open_flags(O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, b, sizeof(b));
        cr_assert_str_eq(b, "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC");
        sentry_decode_open_flags(O_RDONLY, b, sizeof(b));
        cr_assert_str_eq(b, "O_RDONLY");
        sentry_decode_open_flags(O_RDWR | O_TMPFILE, b, sizeof(b));
        cr_assert_str_eq(b, "O_RDWR|O_TMPFILE");
        sentry_decode_open_flags(O_WRONLY | 0x40000000, b, sizeof(b));
        cr_assert_str_eq(b, "O_WRONLY|0x40000000");
        sentry_decode_open_flags(O_WRONLY | O_CREAT, b, 6); /* truncated, terminated */
        cr_assert_str_eq(b, "O_WRO");
}

Test(sentry_decode, clone_mount_umount_at_mode)
{
        char b[256];

        sentry_decode_clone_flags(CLONE_NEWUSER | CLONE_NEWNS, b, sizeof(b));
        cr_assert_str_eq(b, "CLONE_NEWNS|CLONE_NEWUSER");
        sentry_decode_clone_flags(CLONE_VM | SIGCHLD, b, sizeof(b));
        cr_assert_str_eq(b, "CLONE_VM|signal=17");
        sentry_decode_clone_flags(0, b, sizeof(b));
        cr_assert_str_eq(b, "0");
        sentry_decode_mount_flags(MS_BIND | MS_REC, b, sizeof(b));
        cr_assert_str_eq(b, "MS_BIND|MS_REC");
        sentry_decode_mount_flags(0xC0ED0000u | MS_RDONLY, b, sizeof(b));
        cr_assert_str_eq(b, "MS_RDONLY");
        sentry_decode_umount_flags(MNT_DETACH, b, sizeof(b));
        cr_assert_str_eq(b, "MNT_DETACH");
        sentry_decode_at_flags(AT_REMOVEDIR, b, sizeof(b));
        cr_assert_str_eq(b, "AT_REMOVEDIR");
        sentry_decode_mode(S_IFCHR | 0600, b, sizeof(b));
        cr_assert_str_eq(b, "S_IFCHR|0600");
        sentry_decode_mode(0755, b, sizeof(b));
        cr_assert_str_eq(b, "0755");
}

Test(sentry_decode, names)
{
        cr_assert_str_eq(sentry_decode_ptrace_request(PTRACE_TRACEME), "PTRACE_TRACEME");
        cr_assert_str_eq(sentry_decode_ptrace_request(PTRACE_ATTACH), "PTRACE_ATTACH");
        cr_assert_null(sentry_decode_ptrace_request(0x7777));
        cr_assert_str_eq(sentry_decode_socket_family(AF_NETLINK), "AF_NETLINK");
        cr_assert_str_eq(sentry_decode_socket_family(AF_INET6), "AF_INET6");
        cr_assert_null(sentry_decode_socket_family(999));
}

Test(sentry_decode, open_access)
{
        cr_assert_eq(sentry_open_access(O_RDONLY), POLICY_ACCESS_READ);
        cr_assert_eq(sentry_open_access(O_WRONLY | O_CREAT),
                     POLICY_ACCESS_WRITE | POLICY_ACCESS_CREATE);
        cr_assert_eq(sentry_open_access(O_RDONLY | O_TRUNC),
                     POLICY_ACCESS_READ | POLICY_ACCESS_WRITE);
        cr_assert_eq(sentry_open_access(O_PATH | O_WRONLY), POLICY_ACCESS_READ);
}

Test(sentry_decode, args_json)
{
        const struct sentry_syscall_desc *d = sentry_syscall_desc("openat");
        uint64_t args[6] = {(uint64_t)AT_FDCWD, 0x1000, O_WRONLY | O_CREAT, 0644};
        const char *strs[6] = {NULL, "/etc/shadow"};
        json_t *o = sentry_decode_args(d, args, strs, NULL);

        cr_assert_eq(d->cls, SENTRY_CLASS_OPEN);
        cr_assert_eq(sentry_desc_path_arg(d), 1);
        cr_assert_eq(sentry_desc_dirfd_arg(d), 0);
        cr_assert_str_eq(json_string_value(json_object_get(o, "dirfd")), "AT_FDCWD");
        cr_assert_str_eq(json_string_value(json_object_get(o, "path")), "/etc/shadow");
        cr_assert_str_eq(json_string_value(json_object_get(o, "flags")), "O_WRONLY|O_CREAT");
        cr_assert_str_eq(json_string_value(json_object_get(o, "mode")), "0644");
        json_decref(o);

        d = sentry_syscall_desc("unshare");
        uint64_t ua[6] = {CLONE_NEWUSER};
        o = sentry_decode_args(d, ua, NULL, NULL);
        cr_assert_str_eq(json_string_value(json_object_get(o, "flags")), "CLONE_NEWUSER");
        json_decref(o);

        d = sentry_syscall_desc("mount");
        cr_assert_eq(sentry_desc_path_arg(d), 1); /* the target decides, not the source */
        cr_assert_eq(sentry_syscall_desc("no_such_call")->cls, SENTRY_CLASS_SCALAR);
}

Test(sentry_decode, path_normalize)
{
        char o[256];

        cr_assert_eq(sentry_path_normalize(NULL, "/a//b/./c/", o, sizeof(o)), 0);
        cr_assert_str_eq(o, "/a/b/c");
        cr_assert_eq(sentry_path_normalize("/work/dir", "../x", o, sizeof(o)), 0);
        cr_assert_str_eq(o, "/work/x");
        cr_assert_eq(sentry_path_normalize("/", "../../../proc/sys", o, sizeof(o)), 0);
        cr_assert_str_eq(o, "/proc/sys");
        cr_assert_eq(sentry_path_normalize("/a", "/b/..", o, sizeof(o)), 0);
        cr_assert_str_eq(o, "/");
        cr_assert_eq(sentry_path_normalize(NULL, "/abcdef", o, 4), -1);
        cr_assert_eq(sentry_path_under("/var/lib/c/rootfs", "/var/lib/c/rootfs/etc", o, sizeof(o)),
                     0);
        cr_assert_str_eq(o, "/etc");
        cr_assert_eq(sentry_path_under("/", "/etc", o, sizeof(o)), 0);
        cr_assert_str_eq(o, "/etc");
        cr_assert_eq(sentry_path_under("/var/lib/c/rootfs", "/var/lib/c/rootfs2/x", o, sizeof(o)),
                     -1);
}

Test(sentry_decode, parse_status)
{
        const char *text = "Name:\tsh\nUmask:\t0027\nPid:\t42\nNSpid:\t42\t1\n"
                           "Uid:\t1000\t1001\t1002\t1003\nGid:\t100\t101\t102\t103\n"
                           "Groups:\t4 24 27 \nCapEff:\t0000000000000002\n";
        struct sentry_proc p;

        cr_assert_eq(sentry_parse_status(text, &p), 0);
        cr_assert_eq(p.uid, 1001);
        cr_assert_eq(p.fsuid, 1003);
        cr_assert_eq(p.gid, 101);
        cr_assert_eq(p.fsgid, 103);
        cr_assert_eq(p.n_groups, 3);
        cr_assert_eq(p.groups[2], 27);
        cr_assert_eq(p.ns_pid, 1);
        cr_assert_eq(p.umask, 027);
        cr_assert_eq(p.cap_eff, 2);
        cr_assert_eq(sentry_parse_status("Name:\tx\n", &p), -1);
}

Test(sentry_decode, parse_status_edges)
{
        struct sentry_proc p;
        char text[4096];
        int n;

        /* the last line without its newline, nested pid namespaces, a key
         * that only starts like one, no Groups numbers */
        cr_assert_eq(sentry_parse_status("Uid:\t0\t5\t0\t7\nGid:\t1 2 3 4\nGroups:\t\n"
                                         "NSpid:\t900\t40\t3\nUidX:\t9 9 9 9\nCapEff:\tff",
                                         &p),
                     0);
        cr_assert_eq(p.uid, 5);
        cr_assert_eq(p.fsuid, 7);
        cr_assert_eq(p.fsgid, 4);
        cr_assert_eq(p.n_groups, 0);
        cr_assert_eq(p.ns_pid, 3);
        cr_assert_eq(p.cap_eff, 0xff);
        cr_assert_eq(p.umask, 022, "no Umask line: the kernel's default");
        /* a Uid line with fewer than four ids, or one that is not a number */
        cr_assert_eq(sentry_parse_status("Uid:\t0 0 0\nGid:\t0 0 0 0\n", &p), -1);
        cr_assert_eq(sentry_parse_status("Uid:\t0 0 0 x\nGid:\t0 0 0 0\n", &p), -1);
        /* exactly as many groups as kept, then one more: refused, not cut */
        n = snprintf(text, sizeof(text), "Uid:\t0 0 0 0\nGid:\t0 0 0 0\nGroups:");
        for (int i = 0; i < SENTRY_MAX_GROUPS; i++)
                n += snprintf(text + n, sizeof(text) - (size_t)n, " %d", 1000 + i);
        snprintf(text + n, sizeof(text) - (size_t)n, "\n");
        cr_assert_eq(sentry_parse_status(text, &p), 0);
        cr_assert_eq(p.n_groups, SENTRY_MAX_GROUPS);
        cr_assert_eq(p.groups[SENTRY_MAX_GROUPS - 1], 1000 + SENTRY_MAX_GROUPS - 1);
        snprintf(text + n, sizeof(text) - (size_t)n, " 7\n");
        cr_assert_eq(sentry_parse_status(text, &p), -1);
}

Test(sentry_target, magic_links_in_paths)
{
        static const char *const yes[] = {
            "/proc/1/root/tmp/x",    "/proc/self/root", "/proc/42/cwd/a",
            "/proc/thread-self/exe", "/proc/7/fd/3",    "/proc/7/task/8/root/etc/passwd",
            "/proc/7/map_files/1-2",
        };
        static const char *const no[] = {
            "/proc/sys/kernel/core_pattern",
            "/proc/self/fdinfo/3",
            "/proc/7/fd",
            "/proc/7/rootfs",
            "/tmp/proc/1/root/x",
            "/proc",
            "/proc/7/task/8/status",
            "/proc/sysrq-trigger",
        };
        for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
                cr_assert(sentry_path_via_magic_link(yes[i]), "%s", yes[i]);
        for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
                cr_assert_not(sentry_path_via_magic_link(no[i]), "%s", no[i]);
}

/* A child that sleeps until killed, with its umask set to `mask`, in a user
 * namespace of its own when `own_userns`. */
enum sleeper_kind { SAME_USERNS, OWN_USERNS, NO_DAC_CAPS };

static pid_t sleeper_in(mode_t mask, enum sleeper_kind kind)
{
        int ready[2];
        char c;

        cr_assert_eq(pipe(ready), 0);
        pid_t pid = fork();
        if (pid == 0) {
                /* a failed assertion ends the test before its kill */
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                umask(mask);
                if (kind == OWN_USERNS && unshare(CLONE_NEWUSER) < 0)
                        _exit(1);
                cap_t caps = cap_get_proc();
                if (kind == NO_DAC_CAPS &&
                    (caps == NULL || cap_clear_flag(caps, CAP_EFFECTIVE) < 0 ||
                     cap_set_proc(caps) < 0))
                        _exit(1);
                cap_free(caps);
                prctl(PR_SET_PDEATHSIG, SIGKILL); /* cleared by the new credentials */
                (void)!write(ready[1], "r", 1);
                pause();
                _exit(0);
        }
        cr_assert_gt(pid, 0);
        close(ready[1]);
        cr_assert_eq(read(ready[0], &c, 1), 1); /* its umask is set */
        close(ready[0]);
        return pid;
}

static pid_t sleeper(mode_t mask)
{
        return sleeper_in(mask, SAME_USERNS);
}

Test(sentry_target, status_cache_follows_the_task_and_drops_the_dead)
{
        struct sentry_status_cache c;
        sentry_status_cache_init(&c, false, false);
        struct sentry_proc p;
        struct sb_err err;
        pid_t a = sleeper(027), b = sleeper(077);

        cr_assert_eq(sentry_target_proc(&c, a, &p, &err), 0);
        cr_assert_eq(p.umask, 027);
        cr_assert_eq(c.pid, a);
        int kept = c.fd;
        cr_assert_geq(kept, 0);
        /* the same task again: the same file, read again */
        cr_assert_eq(sentry_target_proc(&c, a, &p, &err), 0);
        cr_assert_eq(c.fd, kept);
        cr_assert_eq(p.umask, 027);
        /* another task: its own status, not the kept one */
        cr_assert_eq(sentry_target_proc(&c, b, &p, &err), 0);
        cr_assert_eq(p.umask, 077);
        cr_assert_eq(c.pid, b);
        /* a task that is gone is never answered from its kept file */
        kill(b, SIGKILL);
        waitpid(b, NULL, 0);
        cr_assert_eq(sentry_target_proc(&c, b, &p, &err), -1);
        cr_assert_eq(c.fd, -1);
        kill(a, SIGKILL);
        waitpid(a, NULL, 0);
        sentry_status_cache_drop(&c);
        cr_assert_eq(c.fd, -1);
}

static void *parked(void *arg)
{
        pid_t t = gettid();

        (void)!write(*(int *)arg, &t, sizeof(t));
        pause();
        return NULL;
}

/* A process with a second thread (which shares its fs_struct, so its umask). */
static pid_t with_thread(pid_t *thread)
{
        int p[2];

        cr_assert_eq(pipe(p), 0);
        pid_t pid = fork();
        if (pid == 0) {
                pthread_t th;
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                if (pthread_create(&th, NULL, parked, &p[1]) != 0)
                        _exit(1);
                pause();
                _exit(0);
        }
        cr_assert_gt(pid, 0);
        cr_assert_eq(read(p[0], thread, sizeof(*thread)), (ssize_t)sizeof(*thread));
        close(p[0]);
        close(p[1]);
        return pid;
}

Test(sentry_target, a_umask_call_keeps_nothing_for_its_threads_until_it_is_done)
{
        struct sentry_status_cache c;
        struct sentry_proc p;
        struct sb_err err;
        pid_t thread, caller = with_thread(&thread), other = sleeper(022);

        sentry_status_cache_init(&c, true, false);
        cr_assert_eq(sentry_target_proc(&c, caller, &p, &err), 0, "%s", err.msg);
        if (!c.kept) {
                cr_log_warn("no PIDFD_GET_INFO here: nothing is ever kept");
        } else {
                /* answered CONTINUE; the caller has not run on yet */
                sentry_status_cache_forget(&c, caller, SENTRY_CHANGE_FS);
                cr_assert_eq(sentry_target_proc(&c, thread, &p, &err), 0, "%s", err.msg);
                cr_assert_not(c.kept, "a thread that shares the caller's umask");
                cr_assert_eq(sentry_target_proc(&c, other, &p, &err), 0, "%s", err.msg);
                cr_assert(c.kept, "a task of its own");
                /* another caller meanwhile: both are followed */
                sentry_status_cache_forget(&c, other, SENTRY_CHANGE_FS);
                cr_assert_eq(c.n_fs_after, 2);
                cr_assert_eq(sentry_target_proc(&c, thread, &p, &err), 0, "%s", err.msg);
                cr_assert_not(c.kept, "still pending for the caller it shares with");
                sentry_status_cache_heard(&c, other);
                cr_assert_eq(c.n_fs_after, 1);
                /* heard from again: its call is done */
                sentry_status_cache_heard(&c, caller);
                cr_assert_eq(c.n_fs_after, 0);
                cr_assert_eq(sentry_target_proc(&c, thread, &p, &err), 0, "%s", err.msg);
                cr_assert(c.kept);
                /* a setgroups call changes the caller's groups only */
                sentry_status_cache_forget(&c, caller, SENTRY_CHANGE_CALLER);
                cr_assert_eq(sentry_target_proc(&c, thread, &p, &err), 0, "%s", err.msg);
                cr_assert(c.kept);
                /* a caller that is gone has made its call or never will */
                sentry_status_cache_forget(&c, caller, SENTRY_CHANGE_FS);
        }
        kill(caller, SIGKILL);
        waitpid(caller, NULL, 0);
        cr_assert_eq(sentry_target_proc(&c, other, &p, &err), 0, "%s", err.msg);
        cr_assert_eq(c.n_fs_after, 0);
        /* more callers pending at once than can be followed: nothing is
         * kept from then on (pid numbers only: nothing is read here) */
        size_t room = sizeof(c.fs_after) / sizeof(c.fs_after[0]);
        for (size_t i = 0; i < room; i++)
                sentry_status_cache_forget(&c, (pid_t)(1000000 + i), SENTRY_CHANGE_FS);
        cr_assert(c.may_keep, "as many as it follows");
        sentry_status_cache_forget(&c, 2000000, SENTRY_CHANGE_FS);
        cr_assert_not(c.may_keep);
        sentry_status_cache_drop(&c);
        kill(other, SIGKILL);
        waitpid(other, NULL, 0);
}

/* The root kept open with a kept identity: the same fd for the task's next
 * calls, until a call that may change it is seen; never for another task,
 * nor once a pivot_root may have run. */
Test(sentry_target, root_kept_with_the_identity_until_a_change_is_seen)
{
        struct sentry_status_cache c;
        struct sentry_proc p;
        struct sb_err err;
        bool owned;
        pid_t a = sleeper(022), b = sleeper(022);

        sentry_status_cache_init(&c, true, true);
        cr_assert_eq(sentry_target_proc(&c, a, &p, &err), 0, "%s", err.msg);
        if (!c.kept) {
                cr_log_warn("no PIDFD_GET_INFO here: nothing is ever kept");
        } else {
                int root = sentry_target_root_cached(&c, a, &owned, &err);
                cr_assert_geq(root, 0, "%s", err.msg);
                cr_assert_not(owned, "kept for the task's next calls");
                cr_assert_eq(sentry_target_proc(&c, a, &p, &err), 0, "%s", err.msg);
                cr_assert_eq(sentry_target_root_cached(&c, a, &owned, &err), root);
                cr_assert_not(owned);
                /* a call that changes a root: opened again */
                sentry_status_cache_forget(&c, a, SENTRY_CHANGE_CALLER);
                cr_assert_eq(c.rootfd, -1);
                cr_assert_eq(sentry_target_proc(&c, a, &p, &err), 0, "%s", err.msg);
                root = sentry_target_root_cached(&c, a, &owned, &err);
                cr_assert_geq(root, 0, "%s", err.msg);
                cr_assert_not(owned);
                /* another task: its own root, the kept one closed */
                cr_assert_eq(sentry_target_proc(&c, b, &p, &err), 0, "%s", err.msg);
                cr_assert_eq(c.pid, b);
                int other = sentry_target_root_cached(&c, b, &owned, &err);
                cr_assert_geq(other, 0, "%s", err.msg);
                cr_assert_not(owned);
                /* a pivot_root let run: no root kept from now on */
                sentry_status_cache_forget(&c, a, SENTRY_CHANGE_MOUNT_NS);
                cr_assert_eq(sentry_target_proc(&c, b, &p, &err), 0, "%s", err.msg);
                cr_assert(c.kept, "the rest of the identity still is");
                other = sentry_target_root_cached(&c, b, &owned, &err);
                cr_assert_geq(other, 0, "%s", err.msg);
                cr_assert(owned);
                close(other);
        }
        sentry_status_cache_drop(&c);
        cr_assert_eq(c.rootfd, -1);
        kill(a, SIGKILL);
        kill(b, SIGKILL);
        waitpid(a, NULL, 0);
        waitpid(b, NULL, 0);
}

Test(sentry_target, user_namespace_and_root_through_the_kept_directory)
{
        struct sentry_status_cache c;
        sentry_status_cache_init(&c, false, false);
        struct sentry_proc p;
        struct sb_err err;
        struct stat want, got;
        pid_t same = sleeper(022), own = sleeper_in(022, OWN_USERNS),
              none = sleeper_in(022, NO_DAC_CAPS);

        cr_assert_eq(sentry_target_proc(&c, same, &p, &err), 0);
        cr_assert(p.same_userns);
        cr_assert_geq(c.dirfd, 0);
        /* the root through the kept directory is the task's root */
        bool owned;
        int root = sentry_target_root_cached(&c, same, &owned, &err);
        cr_assert_geq(root, 0, "%s", err.msg);
        cr_assert(owned, "no root kept without may_keep_root");
        cr_assert_eq(fstat(root, &got), 0);
        cr_assert_eq(stat("/", &want), 0);
        cr_assert(got.st_ino == want.st_ino && got.st_dev == want.st_dev);
        close(root);

        cr_assert_eq(sentry_target_proc(&c, own, &p, &err), 0);
        cr_assert_not(p.same_userns, "a task in a user namespace of its own");
        cr_assert_eq(c.pid, own);

        /* without a DAC-overriding capability the namespace is not asked
         * (sentry/creds.c gives such a task none of them either way) */
        cr_assert_eq(sentry_target_proc(&c, none, &p, &err), 0);
        cr_assert_eq(p.cap_eff, 0);
        cr_assert_not(p.same_userns);
        kill(none, SIGKILL);
        waitpid(none, NULL, 0);

        /* gone: the kept directory no longer leads to a root */
        kill(own, SIGKILL);
        waitpid(own, NULL, 0);
        cr_assert_lt(sentry_target_root_cached(&c, own, &owned, &err), 0);
        kill(same, SIGKILL);
        waitpid(same, NULL, 0);
        sentry_status_cache_drop(&c);
        cr_assert_eq(c.dirfd, -1);
}

/* A child that changes its umask to 077 and, as root, its fsuid to 4321
 * when told (a byte on `go`), and says so on `done`. */
static pid_t changer(int go[2], int done[2])
{
        cr_assert_eq(pipe(go), 0);
        cr_assert_eq(pipe(done), 0);
        pid_t pid = fork();
        if (pid == 0) {
                char c;
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                umask(022);
                (void)!write(done[1], "r", 1);
                if (read(go[0], &c, 1) == 1) {
                        umask(077);
                        if (geteuid() == 0)
                                setfsuid(4321);
                        /* a change of credentials clears the death signal */
                        prctl(PR_SET_PDEATHSIG, SIGKILL);
                        (void)!write(done[1], "c", 1);
                }
                pause();
                _exit(0);
        }
        char c;
        cr_assert_eq(read(done[0], &c, 1), 1);
        return pid;
}

Test(sentry_target, kept_identity_until_forgotten_the_rest_read_each_time)
{
        struct sentry_status_cache c;
        struct sentry_proc p;
        struct sb_err err;
        int go[2], done[2];
        char b;
        pid_t pid = changer(go, done);

        sentry_status_cache_init(&c, true, false);
        cr_assert_eq(sentry_target_proc(&c, pid, &p, &err), 0, "%s", err.msg);
        cr_assert_eq(p.umask, 022);
        cr_assert_eq(p.fsuid, (long)geteuid());
        cr_assert_eq(write(go[1], "g", 1), 1);
        cr_assert_eq(read(done[0], &b, 1), 1);

        cr_assert_eq(sentry_target_proc(&c, pid, &p, &err), 0, "%s", err.msg);
        if (c.kept) {
                /* kept: the umask it had (no umask call was seen) ... */
                cr_assert_eq(p.umask, 022);
                cr_assert_geq(c.pidfd, 0);
        } else {
                cr_log_warn("no PIDFD_GET_INFO here: the status text at every call");
                cr_assert_eq(p.umask, 077);
        }
        /* ... and the ids as they are now */
        if (geteuid() == 0)
                cr_assert_eq(p.fsuid, 4321);
        cr_assert_eq(p.uid, (long)geteuid());

        /* a umask call was seen: read again */
        sentry_status_cache_forget(&c, pid, SENTRY_CHANGE_FS);
        cr_assert_eq(sentry_target_proc(&c, pid, &p, &err), 0, "%s", err.msg);
        cr_assert_eq(p.umask, 077);
        sentry_status_cache_drop(&c);

        /* a profile that lets calls change them unseen: nothing kept */
        sentry_status_cache_init(&c, false, false);
        cr_assert_eq(sentry_target_proc(&c, pid, &p, &err), 0, "%s", err.msg);
        cr_assert_not(c.kept);
        cr_assert_eq(c.pidfd, -1);
        sentry_status_cache_drop(&c);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(go[0]);
        close(go[1]);
        close(done[0]);
        close(done[1]);
}
