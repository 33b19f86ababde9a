#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "policy/config_refusals.h"
#include "policy/syscalls.h"

#define LIST(...)                                                                                  \
        {                                                                                          \
                .items = (char *[]){__VA_ARGS__},                                                  \
                .count = sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)                          \
        }

static struct oci_seccomp_arg openat_write = {
    .index = 2, .value = 1, .op = OCI_SCMP_CMP_MASKED_EQ, .value_two = 1};

/* The profile: mount and umount2 routed always, unshare routed always,
 * openat routed only for some flags, getpid allowed. */
static struct oci_seccomp_syscall profile_rules[] = {
    {.names = LIST("mount", "umount2"), .action = OCI_SCMP_ACT_NOTIFY},
    {.names = LIST("unshare"), .action = OCI_SCMP_ACT_NOTIFY},
    {.names = LIST("openat"), .action = OCI_SCMP_ACT_NOTIFY, .args = &openat_write, .n_args = 1},
    {.names = LIST("getpid"), .action = OCI_SCMP_ACT_ALLOW},
};
static const struct oci_seccomp profile = {.present = true,
                                           .default_action = OCI_SCMP_ACT_ALLOW,
                                           .syscalls = profile_rules,
                                           .n_syscalls = 4};

/* The config (an allow-list like Docker's): umount2 refused by a rule of
 * its own, openat and getpid allowed, the rest refused by the default. */
static struct oci_seccomp_syscall config_rules[] = {
    {.names = LIST("openat", "getpid"), .action = OCI_SCMP_ACT_ALLOW},
    {.names = LIST("umount2"),
     .action = OCI_SCMP_ACT_ERRNO,
     .has_errno_ret = true,
     .errno_ret = EACCES},
};

static int errnos[POLICY_SYSCALL_NR_MAX];

static int nr(const char *name)
{
        int n = policy_syscall_nr(name);
        cr_assert_geq(n, 0, "%s", name);
        return n;
}

Test(config_refusals, default_errno_of_routed_syscalls_only)
{
        struct oci_seccomp config = {.present = true,
                                     .default_action = OCI_SCMP_ACT_ERRNO,
                                     .syscalls = config_rules,
                                     .n_syscalls = 2};

        cr_assert_eq(policy_config_refusals(&profile, &config, errnos, POLICY_SYSCALL_NR_MAX), 2);
        cr_assert_eq(errnos[nr("mount")], EPERM, "runc's default errno is EPERM");
        cr_assert_eq(errnos[nr("unshare")], EPERM);
        cr_assert_eq(errnos[nr("umount2")], 0, "named by a config rule: left to the kernel");
        cr_assert_eq(errnos[nr("openat")], 0, "routed only for some arguments");
        cr_assert_eq(errnos[nr("getpid")], 0);
        cr_assert_eq(errnos[nr("read")], 0, "refused by the config but not routed");

        config.has_default_errno_ret = true;
        config.default_errno_ret = ENOSYS;
        cr_assert_eq(policy_config_refusals(&profile, &config, errnos, POLICY_SYSCALL_NR_MAX), 2);
        cr_assert_eq(errnos[nr("mount")], ENOSYS, "defaultErrnoRet is the answer");

        config.default_errno_ret = 0;
        cr_assert_eq(policy_config_refusals(&profile, &config, errnos, POLICY_SYSCALL_NR_MAX), 0,
                     "errno 0 would read as success: the kernel keeps it");
}

Test(config_refusals, nothing_when_the_config_does_not_refuse_by_errno)
{
        struct oci_seccomp config = {.present = true,
                                     .default_action = OCI_SCMP_ACT_ALLOW,
                                     .syscalls = config_rules,
                                     .n_syscalls = 2};

        errnos[nr("mount")] = 99;
        cr_assert_eq(policy_config_refusals(&profile, &config, errnos, POLICY_SYSCALL_NR_MAX), 0);
        cr_assert_eq(errnos[nr("mount")], 0, "the table is cleared");
        config.default_action = OCI_SCMP_ACT_KILL_PROCESS;
        cr_assert_eq(policy_config_refusals(&profile, &config, errnos, POLICY_SYSCALL_NR_MAX), 0,
                     "a kill stays the kernel's");
        config.default_action = OCI_SCMP_ACT_ERRNO;
        config.present = false;
        cr_assert_eq(policy_config_refusals(&profile, &config, errnos, POLICY_SYSCALL_NR_MAX), 0);
}

Test(config_refusals, allow_rule_appended_and_the_config_untouched)
{
        struct oci_seccomp config = {.present = true,
                                     .default_action = OCI_SCMP_ACT_ERRNO,
                                     .syscalls = config_rules,
                                     .n_syscalls = 2};
        struct policy_config_filter f;

        policy_config_refusals(&profile, &config, errnos, POLICY_SYSCALL_NR_MAX);
        cr_assert_eq(policy_config_with_allow(&config, errnos, POLICY_SYSCALL_NR_MAX, &f), 0);
        cr_assert_eq(f.s.n_syscalls, 3);
        cr_assert_eq(f.s.syscalls[0].names.items, config_rules[0].names.items);
        cr_assert_eq(f.s.syscalls[1].errno_ret, EACCES);
        const struct oci_seccomp_syscall *extra = &f.s.syscalls[2];
        cr_assert_eq(extra->action, OCI_SCMP_ACT_ALLOW);
        cr_assert_eq(extra->n_args, 0);
        cr_assert_eq(extra->names.count, 2);
        bool mount = false, unshare = false;
        for (size_t i = 0; i < extra->names.count; i++) {
                mount |= strcmp(extra->names.items[i], "mount") == 0;
                unshare |= strcmp(extra->names.items[i], "unshare") == 0;
        }
        cr_assert(mount && unshare);
        cr_assert_eq(config.n_syscalls, 2, "the config itself is not changed");
        cr_assert_eq(f.s.default_action, OCI_SCMP_ACT_ERRNO);
        policy_config_filter_free(&f);

        memset(errnos, 0, sizeof(errnos));
        cr_assert_eq(policy_config_with_allow(&config, errnos, POLICY_SYSCALL_NR_MAX, &f), 0);
        cr_assert_eq(f.s.syscalls, config.syscalls, "nothing to add: the config as it is");
        cr_assert_eq(f.s.n_syscalls, 2);
        policy_config_filter_free(&f);
}
