#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/seccomp_oci.h"

#define STRS(...) ((char *[]){__VA_ARGS__})
#define LIST(...)                                                                                  \
        ((struct oci_string_list){.items = STRS(__VA_ARGS__),                                      \
                                  .count = sizeof(STRS(__VA_ARGS__)) / sizeof(char *)})

/* The filter as libseccomp's pseudo filter code text. */
static char *pfc(scmp_filter_ctx ctx)
{
        int fd = memfd_create("pfc", MFD_CLOEXEC);
        struct stat st;
        char *text;

        cr_assert_geq(fd, 0);
        cr_assert_eq(seccomp_export_pfc(ctx, fd), 0);
        cr_assert_eq(fstat(fd, &st), 0);
        text = calloc(1, (size_t)st.st_size + 1);
        cr_assert_not_null(text);
        cr_assert_eq(pread(fd, text, (size_t)st.st_size, 0), st.st_size);
        close(fd);
        return text;
}

/* Compiles `s` and returns its pfc text (asserting success). */
static char *compile_pfc(const struct oci_seccomp *s)
{
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;
        char *text;

        cr_assert_eq(runtime_seccomp_compile(s, &ctx, &err), 0, "compile: %s", err.msg);
        cr_assert_not_null(ctx);
        text = pfc(ctx);
        runtime_seccomp_release(ctx);
        return text;
}

/* The pfc block of one syscall: from its "filter for syscall" line to the
 * next one (so that assertions about its action cannot match another's). */
static char *syscall_block(const char *text, const char *name)
{
        char head[128];
        const char *start, *next;

        snprintf(head, sizeof(head), "filter for syscall \"%s\"", name);
        start = strstr(text, head);
        if (start == NULL)
                return NULL;
        next = strstr(start + 1, "filter for syscall");
        if (next == NULL)
                next = strstr(start, "# default action");
        return strndup(start, next ? (size_t)(next - start) : strlen(start));
}

static void assert_rule(const char *text, const char *name, const char *action_line)
{
        char *block = syscall_block(text, name);

        cr_assert_not_null(block, "no rule for %s in:\n%s", name, text);
        cr_assert_not_null(strstr(block, action_line), "rule for %s lacks `%s`:\n%s", name,
                           action_line, block);
        free(block);
}

Test(seccomp_oci, errno_default_is_eperm)
{
        struct oci_seccomp s = {.present = true, .default_action = OCI_SCMP_ACT_ERRNO};
        struct oci_seccomp_syscall sc[] = {{.names = LIST("read"), .action = OCI_SCMP_ACT_ALLOW}};
        s.syscalls = sc;
        s.n_syscalls = 1;
        char *text = compile_pfc(&s);

        cr_assert_not_null(strstr(text, "# default action\n  action ERRNO(1);"), "%s", text);
        assert_rule(text, "read", "action ALLOW;");
        free(text);
}

Test(seccomp_oci, default_errno_ret)
{
        struct oci_seccomp s = {.present = true,
                                .default_action = OCI_SCMP_ACT_ERRNO,
                                .has_default_errno_ret = true,
                                .default_errno_ret = 38};
        char *text = compile_pfc(&s);

        cr_assert_not_null(strstr(text, "action ERRNO(38);"), "%s", text);
        free(text);
}

Test(seccomp_oci, every_action)
{
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("getegid"), .action = OCI_SCMP_ACT_KILL},
            {.names = LIST("ptrace"), .action = OCI_SCMP_ACT_KILL_PROCESS},
            {.names = LIST("geteuid"), .action = OCI_SCMP_ACT_KILL_THREAD},
            {.names = LIST("getgid"), .action = OCI_SCMP_ACT_TRAP},
            {.names = LIST("getuid"), .action = OCI_SCMP_ACT_ERRNO},
            {.names = LIST("getpid"),
             .action = OCI_SCMP_ACT_ERRNO,
             .has_errno_ret = true,
             .errno_ret = 5},
            {.names = LIST("getpgrp"), .action = OCI_SCMP_ACT_TRACE},
            {.names = LIST("getsid"),
             .action = OCI_SCMP_ACT_TRACE,
             .has_errno_ret = true,
             .errno_ret = 3},
            {.names = LIST("getppid"), .action = OCI_SCMP_ACT_LOG},
            {.names = LIST("mkdir"), .action = OCI_SCMP_ACT_NOTIFY},
        };
        struct oci_seccomp s = {.present = true,
                                .default_action = OCI_SCMP_ACT_ALLOW,
                                .syscalls = sc,
                                .n_syscalls = sizeof(sc) / sizeof(sc[0])};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;

        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), 0, "%s", err.msg);
        cr_assert(runtime_seccomp_has_notify(ctx));
        char *text = pfc(ctx);
        runtime_seccomp_release(ctx);

        assert_rule(text, "getegid", "action KILL;");
        assert_rule(text, "ptrace", "action KILL_PROCESS;");
        assert_rule(text, "geteuid", "action KILL;");
        assert_rule(text, "getgid", "action TRAP;");
        assert_rule(text, "getuid", "action ERRNO(1);");
        assert_rule(text, "getpid", "action ERRNO(5);");
        assert_rule(text, "getpgrp", "action TRACE(1);");
        assert_rule(text, "getsid", "action TRACE(3);");
        assert_rule(text, "getppid", "action LOG;");
        assert_rule(text, "mkdir", "action 0x7fc00000;"); /* SCMP_ACT_NOTIFY */
        free(text);
}

Test(seccomp_oci, unknown_syscall_is_skipped)
{
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("no_such_syscall_xyz", "getppid"), .action = OCI_SCMP_ACT_ERRNO}};
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = sc, .n_syscalls = 1};
        char *text = compile_pfc(&s);

        cr_assert_null(strstr(text, "no_such_syscall_xyz"));
        assert_rule(text, "getppid", "action ERRNO(1);");
        free(text);
}

Test(seccomp_oci, rule_equal_to_default_is_skipped)
{
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("getppid"), .action = OCI_SCMP_ACT_ERRNO}, /* = default */
            {.names = LIST("getpid"), .action = OCI_SCMP_ACT_ALLOW},
        };
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ERRNO, .syscalls = sc, .n_syscalls = 2};
        char *text = compile_pfc(&s);

        cr_assert_null(syscall_block(text, "getppid"), "%s", text);
        assert_rule(text, "getpid", "action ALLOW;");
        free(text);
}

Test(seccomp_oci, same_index_args_become_one_rule_each)
{
        struct oci_seccomp_arg args[] = {
            {.index = 0, .value = 1, .op = OCI_SCMP_CMP_EQ},
            {.index = 0, .value = 2, .op = OCI_SCMP_CMP_EQ},
        };
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("write"), .action = OCI_SCMP_ACT_ALLOW, .args = args, .n_args = 2}};
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ERRNO, .syscalls = sc, .n_syscalls = 1};
        char *text = compile_pfc(&s);
        char *block = syscall_block(text, "write");

        cr_assert_not_null(block, "%s", text);
        cr_assert_not_null(strstr(block, "if ($a0.lo32 == 1)"), "%s", block);
        cr_assert_not_null(strstr(block, "if ($a0.lo32 == 2)"), "%s", block);
        free(block);
        free(text);
}

Test(seccomp_oci, different_index_args_are_anded)
{
        struct oci_seccomp_arg args[] = {
            {.index = 0, .value = 1, .op = OCI_SCMP_CMP_EQ},
            {.index = 2, .value = 0xf0, .value_two = 0x10, .op = OCI_SCMP_CMP_MASKED_EQ},
        };
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("write"), .action = OCI_SCMP_ACT_ALLOW, .args = args, .n_args = 2}};
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ERRNO, .syscalls = sc, .n_syscalls = 1};
        char *text = compile_pfc(&s);
        char *block = syscall_block(text, "write");

        cr_assert_not_null(block, "%s", text);
        cr_assert_not_null(strstr(block, "$a0.lo32 == 1"), "%s", block);
        /* value is the mask, valueTwo the datum */
        cr_assert_not_null(strstr(block, "$a2.lo32 & 0x000000f0 == 16"), "%s", block);
        /* one rule, conditions nested: a single action line for both */
        const char *first = strstr(block, "action ALLOW;");
        cr_assert_not_null(first, "%s", block);
        cr_assert_null(strstr(first + 1, "action ALLOW;"), "%s", block);
        free(block);
        free(text);
}

Test(seccomp_oci, architectures)
{
        struct oci_seccomp s = {.present = true,
                                .default_action = OCI_SCMP_ACT_ALLOW,
                                .architectures =
                                    LIST("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32")};
        char *text = compile_pfc(&s);

        cr_assert_not_null(strstr(text, "filter for arch x86_64 "), "%s", text);
        cr_assert_not_null(strstr(text, "filter for arch x86 "), "%s", text);
        cr_assert_not_null(strstr(text, "filter for arch x32 "), "%s", text);
        free(text);
}

/* The filter's last line: the action for a call of an architecture it
 * leaves out. */
static const char *bad_arch_action(const char *pfc)
{
        const char *last = strstr(pfc, "# invalid architecture action\n");

        cr_assert_not_null(last, "%s", pfc);
        return last + strlen("# invalid architecture action\n");
}

Test(seccomp_oci, foreign_calls_go_to_the_listener_only_when_asked_and_routed)
{
        struct oci_seccomp_syscall routed[] = {
            {.names = LIST("mount"), .action = OCI_SCMP_ACT_NOTIFY}};
        struct oci_seccomp s = {.present = true,
                                .default_action = OCI_SCMP_ACT_ALLOW,
                                .architectures = LIST("SCMP_ARCH_X86_64", "SCMP_ARCH_X86")};
        char *text = compile_pfc(&s);

        /* libseccomp's own default: the thread is killed */
        cr_assert(strncmp(bad_arch_action(text), "action KILL;", 12) == 0, "%s", text);
        free(text);
        s.foreign_to_listener = true; /* but nothing is routed: no listener */
        text = compile_pfc(&s);
        cr_assert(strncmp(bad_arch_action(text), "action KILL;", 12) == 0, "%s", text);
        free(text);
        s.syscalls = routed;
        s.n_syscalls = 1;
        text = compile_pfc(&s);
        /* libseccomp 2.5 prints SCMP_ACT_NOTIFY as its value */
        cr_assert(strncmp(bad_arch_action(text), "action 0x7fc00000;", 18) == 0, "%s", text);
        free(text);
}

/* The probe against the same call made by a child (which a filter of its
 * own could kill without harm). */
Test(seccomp_oci, kernel_runs_x32_as_a_child_finds)
{
#if defined(__x86_64__)
        if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 0) {
                cr_assert(runtime_kernel_runs_x32(), "assumed under a filter");
                return;
        }
        pid_t pid = fork();
        if (pid == 0)
                _exit(syscall(__X32_SYSCALL_BIT | __NR_getpid) >= 0 ? 0 : 1);
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status));
        cr_assert_eq(runtime_kernel_runs_x32(), WEXITSTATUS(status) == 0);
#else
        cr_assert_not(runtime_kernel_runs_x32());
#endif
}

/* Under a filter that kills x32 calls (no x32 section: libseccomp's bad-arch
 * default), the probe must not make one: x32 is assumed, the child lives. */
Test(seccomp_oci, kernel_runs_x32_is_not_probed_under_a_filter)
{
        pid_t pid = fork();
        if (pid == 0) {
                scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
                if (ctx == NULL || seccomp_load(ctx) < 0)
                        _exit(3);
                _exit(runtime_kernel_runs_x32() ? 0 : 1);
        }
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status), "the probe was made under the filter (status %#x)", status);
        cr_assert_eq(WEXITSTATUS(status), 0);
}

Test(seccomp_oci, bad_arch_is_rejected)
{
        struct oci_seccomp s = {.present = true,
                                .default_action = OCI_SCMP_ACT_ALLOW,
                                .architectures = LIST("SCMP_ARCH_X86_64", "SCMP_ARCH_VAX")};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = (scmp_filter_ctx)&s;

        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), -1);
        cr_assert_null(ctx);
        cr_assert_str_eq(err.msg, "linux.seccomp.architectures[1]: unknown architecture "
                                  "`SCMP_ARCH_VAX`");
}

Test(seccomp_oci, errors_name_the_rule)
{
        struct oci_seccomp_arg bad_index[] = {{.index = 6, .op = OCI_SCMP_CMP_EQ}};
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("read"), .action = OCI_SCMP_ACT_ALLOW},
            {.names = LIST("write"), .action = OCI_SCMP_ACT_ALLOW, .args = bad_index, .n_args = 1},
        };
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ERRNO, .syscalls = sc, .n_syscalls = 2};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;

        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), -1);
        cr_assert_str_eq(err.msg,
                         "linux.seccomp.syscalls[1].args[0].index: 6 out of range (0 to 5)");

        sc[1] = (struct oci_seccomp_syscall){.names = LIST("getpid"),
                                             .action = OCI_SCMP_ACT_ERRNO,
                                             .has_errno_ret = true,
                                             .errno_ret = 70000};
        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), -1);
        cr_assert_str_eq(err.msg, "linux.seccomp.syscalls[1]: errnoRet 70000 out of range (0 to "
                                  "65535)");

        sc[1] = (struct oci_seccomp_syscall){.names = LIST("write"), .action = OCI_SCMP_ACT_NOTIFY};
        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), -1);
        cr_assert(strstr(err.msg, "linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY") == err.msg, "%s",
                  err.msg);

        s.default_action = OCI_SCMP_ACT_NOTIFY;
        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), -1);
        cr_assert(strstr(err.msg, "linux.seccomp.defaultAction") == err.msg, "%s", err.msg);
}

Test(seccomp_oci, flags)
{
        struct oci_seccomp s = {.present = true,
                                .default_action = OCI_SCMP_ACT_ALLOW,
                                .flags = LIST("SECCOMP_FILTER_FLAG_LOG",
                                              "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                              "SECCOMP_FILTER_FLAG_TSYNC")};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;
        uint32_t v = 7;

        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), 0, "%s", err.msg);
        cr_assert_eq(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_NNP, &v), 0);
        cr_assert_eq(v, 0, "the filter must not set no_new_privs itself");
        cr_assert_eq(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_LOG, &v), 0);
        cr_assert_eq(v, 1);
        cr_assert_eq(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_SSB, &v), 0);
        cr_assert_eq(v, 1);
        cr_assert_eq(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_TSYNC, &v), 0);
        cr_assert_eq(v, 1);
        runtime_seccomp_release(ctx);

        s.flags = LIST("SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_BOGUS");
        cr_assert_eq(runtime_seccomp_compile(&s, &ctx, &err), -1);
        cr_assert_str_eq(err.msg, "linux.seccomp.flags[1]: unknown flag "
                                  "`SECCOMP_FILTER_FLAG_BOGUS`");
}

/* Runs fn in a child that has no_new_privs set (so that loading a filter
 * needs no privilege); returns the child's exit status. */
static int in_child(int (*fn)(void *), void *arg)
{
        pid_t pid = fork();
        int status;

        cr_assert_geq(pid, 0);
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(100);
                _exit(fn(arg)); /* _exit: no atexit handlers under the filter */
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status), "child died: status %#x", status);
        return WEXITSTATUS(status);
}

static int load_deny_getppid(void *arg)
{
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("getppid"), .action = OCI_SCMP_ACT_ERRNO}};
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = sc, .n_syscalls = 1};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;
        int nfd;

        if (syscall(SYS_getppid) < 0)
                return 1;
        if (runtime_seccomp_compile(&s, &ctx, &err) < 0)
                return 2;
        if (runtime_seccomp_load(ctx, &nfd, &err) < 0)
                return 3;
        runtime_seccomp_release(ctx);
        if (nfd != -1)
                return 4;
        if (syscall(SYS_getppid) != -1 || errno != EPERM)
                return 5;
        if (syscall(SYS_getpid) <= 0) /* everything else still allowed */
                return 6;
        return 0;
}

Test(seccomp_oci, load_denies_in_child)
{
        cr_assert_eq(in_child(load_deny_getppid, NULL), 0);
}

struct op_case {
        enum oci_seccomp_op op;
        uint64_t value, value_two;
        unsigned denied; /* bit i: syscall(getppid, probes[i]) gets the errno */
};
static const uint64_t probes[] = {3, 5, 7, 0x100000005ULL};

/* getppid ignores its arguments, but seccomp sees them: a harmless probe. */
static int check_op(void *arg)
{
        const struct op_case *c = arg;
        struct oci_seccomp_arg a = {
            .index = 0, .value = c->value, .value_two = c->value_two, .op = c->op};
        struct oci_seccomp_syscall sc[] = {{.names = LIST("getppid"),
                                            .action = OCI_SCMP_ACT_ERRNO,
                                            .has_errno_ret = true,
                                            .errno_ret = 77,
                                            .args = &a,
                                            .n_args = 1}};
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = sc, .n_syscalls = 1};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;
        unsigned denied = 0;
        int nfd;

        if (runtime_seccomp_compile(&s, &ctx, &err) < 0 ||
            runtime_seccomp_load(ctx, &nfd, &err) < 0)
                return 200;
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
                errno = 0;
                if (syscall(SYS_getppid, probes[i]) == -1 && errno == 77)
                        denied |= 1u << i;
        }
        return (int)denied;
}

Test(seccomp_oci, each_operator_in_kernel)
{
        /* probes: 3, 5, 7, 0x100000005 */
        static const struct op_case cases[] = {
            {OCI_SCMP_CMP_NE, 5, 0, 0xd},        {OCI_SCMP_CMP_LT, 5, 0, 0x1},
            {OCI_SCMP_CMP_LE, 5, 0, 0x3},        {OCI_SCMP_CMP_EQ, 5, 0, 0x2},
            {OCI_SCMP_CMP_GE, 5, 0, 0xe},        {OCI_SCMP_CMP_GT, 5, 0, 0xc},
            {OCI_SCMP_CMP_MASKED_EQ, 2, 2, 0x5}, /* mask 2, datum 2: 3 and 7 */
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                cr_expect_eq(in_child(check_op, (void *)&cases[i]), (int)cases[i].denied,
                             "operator %d: denied mask %#x", (int)cases[i].op,
                             (unsigned)in_child(check_op, (void *)&cases[i]));
}

/* The seccomp agent's side of the listenerPath hand-over, end to end: the
 * child loads a NOTIFY filter, sends the fd to our socket, then calls the
 * notified syscall; we answer it with errno 42 through the received fd. */
struct agent_case {
        const char *path;
        bool wait_killable;
};

static int notify_child(void *arg)
{
        const struct agent_case *ac = arg;
        struct oci_seccomp_syscall sc[] = {
            {.names = LIST("getppid"), .action = OCI_SCMP_ACT_NOTIFY}};
        struct oci_seccomp s = {
            .present = true, .default_action = OCI_SCMP_ACT_ALLOW, .syscalls = sc, .n_syscalls = 1};
        struct sb_err err = {0};
        scmp_filter_ctx ctx = NULL;
        int nfd = -1;

        /* (a compound literal inside the `if` would die with its block) */
        struct oci_string_list wait_killable = LIST("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

        if (ac->wait_killable)
                s.flags = wait_killable;
        if (runtime_seccomp_compile(&s, &ctx, &err) < 0)
                return 10;
        if (runtime_seccomp_load(ctx, &nfd, &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 11;
        }
        if (nfd < 0)
                return 12;
        if (runtime_seccomp_send_listener(ac->path, nfd,
                                          "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":"
                                          "\"creating\",\"pid\":1234,\"bundle\":\"/b\"}",
                                          4321, "meta=1", &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 13;
        }
        close(nfd);
        if (syscall(SYS_getppid) != -1 || errno != 42)
                return 14;
        return 0;
}

static void agent_round_trip(bool wait_killable)
{
        char dir[] = "/tmp/sb-seccomp-XXXXXX";
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        struct agent_case ac = {.wait_killable = wait_killable};
        char buf[4096] = {0};
        union {
                char c[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.c,
                            .msg_controllen = sizeof(ctl.c)};
        int lfd, conn, nfd, status;
        pid_t pid;

        cr_assert_not_null(mkdtemp(dir));
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/agent.sock", dir);
        ac.path = addr.sun_path;
        lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        cr_assert_geq(lfd, 0);
        cr_assert_eq(bind(lfd, (struct sockaddr *)&addr, sizeof(addr)), 0);
        cr_assert_eq(listen(lfd, 1), 0);

        pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                        _exit(100);
                _exit(notify_child(&ac));
        }
        /* Wait for the connection or for the child to give up. */
        int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        cr_assert_geq(pidfd, 0);
        struct pollfd pfd[2] = {{.fd = lfd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
        cr_assert_gt(poll(pfd, 2, -1), 0);
        if (!(pfd[0].revents & POLLIN)) {
                waitpid(pid, &status, 0);
                cr_assert_fail("child exited (status %#x, revents %#x/%#x) before connecting",
                               status, pfd[0].revents, pfd[1].revents);
        }
        conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        cr_assert_geq(conn, 0);
        ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
        cr_assert_gt(n, 0);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
        cr_assert_not_null(cm);
        cr_assert_eq(cm->cmsg_type, SCM_RIGHTS);
        memcpy(&nfd, CMSG_DATA(cm), sizeof(int));

        json_error_t jerr;
        json_t *j = json_loads(buf, 0, &jerr);
        cr_assert_not_null(j, "%s: %s", buf, jerr.text);
        cr_assert_str_eq(json_string_value(json_object_get(j, "ociVersion")), "1.2.0");
        cr_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "fds"), 0)),
                         "seccompFd");
        cr_assert_eq(json_array_size(json_object_get(j, "fds")), 1);
        cr_assert_eq(json_integer_value(json_object_get(j, "pid")), 4321);
        cr_assert_str_eq(json_string_value(json_object_get(j, "metadata")), "meta=1");
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "state"), "id")),
                         "c1");
        json_decref(j);

        /* Answer the child's getppid() through the fd we were given. */
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        cr_assert_eq(seccomp_notify_alloc(&req, &resp), 0);
        cr_assert_eq(seccomp_notify_receive(nfd, req), 0);
        cr_assert_eq((pid_t)req->pid, pid);
        cr_assert_eq(req->data.nr, SYS_getppid);
        resp->id = req->id;
        resp->error = -42;
        resp->val = 0;
        resp->flags = 0;
        cr_assert_eq(seccomp_notify_respond(nfd, resp), 0);
        seccomp_notify_free(req, resp);

        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status));
        cr_assert_eq(WEXITSTATUS(status), 0);
        close(nfd);
        close(conn);
        close(lfd);
        close(pidfd);
        unlink(addr.sun_path);
        rmdir(dir);
}

Test(seccomp_oci, notify_listener_round_trip)
{
        agent_round_trip(false);
}

Test(seccomp_oci, notify_wait_killable_round_trip)
{
        agent_round_trip(true);
}

Test(seccomp_oci, send_listener_errors)
{
        struct sb_err err = {0};

        cr_assert_eq(runtime_seccomp_send_listener(NULL, 3, "{}", 1, NULL, &err), -1);
        cr_assert_str_eq(err.msg, "linux.seccomp.listenerPath: not set");
        cr_assert_eq(runtime_seccomp_send_listener("/nonexistent/sock", 0, "[1]", 1, NULL, &err),
                     -1);
        cr_assert_str_eq(err.msg, "seccomp listener: container state is not a JSON object");
        cr_assert_eq(runtime_seccomp_send_listener("/nonexistent/sock", 0, "{}", 1, NULL, &err),
                     -1);
        cr_assert_eq(err.errnum, ENOENT);
        cr_assert(strstr(err.msg, "connect `/nonexistent/sock`") != NULL, "%s", err.msg);
}

Test(seccomp_oci, arch_names)
{
        uint32_t a;

        cr_assert_eq(runtime_seccomp_arch("SCMP_ARCH_AARCH64", &a), 0);
        cr_assert_eq(a, SCMP_ARCH_AARCH64);
        cr_assert_eq(runtime_seccomp_arch("SCMP_ARCH_MIPSEL64N32", &a), 0);
        cr_assert_eq(a, SCMP_ARCH_MIPSEL64N32);
        cr_assert_eq(runtime_seccomp_arch("SCMP_ARCH_PPC64LE", &a), 0);
        cr_assert_eq(a, SCMP_ARCH_PPC64LE);
        cr_assert_eq(runtime_seccomp_arch("x86_64", &a), -1);
        cr_assert_eq(runtime_seccomp_arch("SCMP_ARCH_", &a), -1);
}
