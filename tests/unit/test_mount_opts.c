#include <criterion/criterion.h>
#include <string.h>
#include <sys/mount.h>

#include "runtime/mount_opts.h"
#include "runtime/rootfs.h"

static struct runtime_mount_flags parse(const char **opts, size_t n)
{
        struct oci_string_list l = {.items = (char **)opts, .count = n};
        struct runtime_mount_flags f;
        struct sb_err e = {0};
        cr_assert_eq(runtime_mount_opts_parse(&l, &f, &e), 0, "%s", e.msg);
        return f;
}

#define PARSE(...)                                                                                 \
        ({                                                                                         \
                const char *_o[] = {__VA_ARGS__};                                                  \
                parse(_o, sizeof(_o) / sizeof(_o[0]));                                             \
        })

Test(mount_opts, every_flag_option_maps_to_its_flag)
{
        static const struct {
                const char *name;
                unsigned long set, clr;
        } cases[] = {
            {"ro", MS_RDONLY, 0},
            {"rw", 0, MS_RDONLY},
            {"nosuid", MS_NOSUID, 0},
            {"suid", 0, MS_NOSUID},
            {"nodev", MS_NODEV, 0},
            {"dev", 0, MS_NODEV},
            {"noexec", MS_NOEXEC, 0},
            {"exec", 0, MS_NOEXEC},
            {"sync", MS_SYNCHRONOUS, 0},
            {"async", 0, MS_SYNCHRONOUS},
            {"dirsync", MS_DIRSYNC, 0},
            {"remount", MS_REMOUNT, 0},
            {"mand", MS_MANDLOCK, 0},
            {"nomand", 0, MS_MANDLOCK},
            {"noatime", MS_NOATIME, 0},
            {"atime", 0, MS_NOATIME},
            {"nodiratime", MS_NODIRATIME, 0},
            {"diratime", 0, MS_NODIRATIME},
            {"relatime", MS_RELATIME, 0},
            {"norelatime", 0, MS_RELATIME},
            {"strictatime", MS_STRICTATIME, 0},
            {"nostrictatime", 0, MS_STRICTATIME},
            {"lazytime", MS_LAZYTIME, 0},
            {"nolazytime", 0, MS_LAZYTIME},
            {"iversion", MS_I_VERSION, 0},
            {"noiversion", 0, MS_I_VERSION},
            {"silent", MS_SILENT, 0},
            {"loud", 0, MS_SILENT},
            {"nosymfollow", MS_NOSYMFOLLOW, 0},
            {"symfollow", 0, MS_NOSYMFOLLOW},
            {"defaults", 0, 0},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct runtime_mount_flags f = PARSE(cases[i].name);
                cr_expect_eq(f.flags, cases[i].set, "%s: flags %#lx", cases[i].name, f.flags);
                cr_expect_eq(f.clear_flags, cases[i].clr, "%s: clear %#lx", cases[i].name,
                             f.clear_flags);
                cr_expect_null(f.data, "%s went to data", cases[i].name);
                cr_expect_not(f.bind);
                runtime_mount_flags_free(&f);
        }
}

Test(mount_opts, last_of_ro_rw_wins)
{
        struct runtime_mount_flags f = PARSE("ro", "rw");
        cr_assert_eq(f.flags & MS_RDONLY, 0);
        cr_assert_eq(f.clear_flags, MS_RDONLY);
        runtime_mount_flags_free(&f);
        f = PARSE("rw", "ro");
        cr_assert_eq(f.flags, MS_RDONLY);
        cr_assert_eq(f.clear_flags, 0);
        runtime_mount_flags_free(&f);
}

Test(mount_opts, unknown_options_become_data_in_order)
{
        struct runtime_mount_flags f = PARSE("nosuid", "mode=755", "size=65536k", "noexec", "x");
        cr_assert_str_eq(f.data, "mode=755,size=65536k,x");
        cr_assert_eq(f.flags, MS_NOSUID | MS_NOEXEC);
        runtime_mount_flags_free(&f);
        cr_assert_null(f.data);
}

Test(mount_opts, bind_and_rbind)
{
        struct runtime_mount_flags f = PARSE("bind");
        cr_assert(f.bind);
        cr_assert_not(f.recursive_bind);
        cr_assert_eq(f.flags, MS_BIND);
        cr_assert_not(runtime_mount_flags_bind_needs_remount(&f));
        runtime_mount_flags_free(&f);

        f = PARSE("rbind");
        cr_assert(f.bind && f.recursive_bind);
        cr_assert_eq(f.flags, MS_BIND | MS_REC);
        cr_assert_not(runtime_mount_flags_bind_needs_remount(&f));
        runtime_mount_flags_free(&f);
}

Test(mount_opts, ro_on_bind_triggers_remount)
{
        struct runtime_mount_flags f = PARSE("rbind", "ro", "nosuid");
        cr_assert(runtime_mount_flags_bind_needs_remount(&f));
        uint64_t set, clr;
        runtime_mount_flags_to_attr(&f, &set, &clr);
        cr_assert_eq(set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
        cr_assert_eq(clr, 0);
        runtime_mount_flags_free(&f);

        /* an explicit clear also needs the second step */
        f = PARSE("bind", "rw", "exec");
        cr_assert(runtime_mount_flags_bind_needs_remount(&f));
        runtime_mount_flags_to_attr(&f, &set, &clr);
        cr_assert_eq(set, 0);
        cr_assert_eq(clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOEXEC);
        runtime_mount_flags_free(&f);

        /* not a bind: flags go to mount(2) directly */
        f = PARSE("ro");
        cr_assert_not(runtime_mount_flags_bind_needs_remount(&f));
        runtime_mount_flags_free(&f);
}

Test(mount_opts, atime_attr_is_an_enum)
{
        struct runtime_mount_flags f = PARSE("bind", "noatime");
        uint64_t set, clr;
        runtime_mount_flags_to_attr(&f, &set, &clr);
        cr_assert_eq(set, MOUNT_ATTR_NOATIME);
        cr_assert_eq(clr, MOUNT_ATTR__ATIME);
        runtime_mount_flags_free(&f);
}

Test(mount_opts, recursive_attrs)
{
        struct runtime_mount_flags f = PARSE("rbind", "rro");
        cr_assert_eq(f.attr_set, MOUNT_ATTR_RDONLY);
        cr_assert_eq(f.attr_clr, 0);
        cr_assert_eq(f.flags & MS_RDONLY, 0, "rro must not be the top-only ro");
        runtime_mount_flags_free(&f);

        f = PARSE("rnosuid", "rnodev", "rnoexec", "rnosymfollow", "rrw", "rdev");
        cr_assert_eq(f.attr_set, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSYMFOLLOW);
        cr_assert_eq(f.attr_clr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV);
        runtime_mount_flags_free(&f);

        /* atime modes: whole field cleared, one mode set (mount_setattr(2)) */
        f = PARSE("rnoatime");
        cr_assert_eq(f.attr_set, MOUNT_ATTR_NOATIME);
        cr_assert_eq(f.attr_clr, MOUNT_ATTR__ATIME);
        runtime_mount_flags_free(&f);
        f = PARSE("rnoatime", "rstrictatime");
        cr_assert_eq(f.attr_set, MOUNT_ATTR_STRICTATIME);
        cr_assert_eq(f.attr_clr, MOUNT_ATTR__ATIME);
        runtime_mount_flags_free(&f);
        f = PARSE("rnoatime", "ratime");
        cr_assert_eq(f.attr_set, 0);
        cr_assert_eq(f.attr_clr, MOUNT_ATTR__ATIME);
        runtime_mount_flags_free(&f);
}

Test(mount_opts, propagation)
{
        static const struct {
                const char *name;
                unsigned long v;
        } cases[] = {
            {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
            {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
            {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
            {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct runtime_mount_flags f = PARSE("rbind", cases[i].name);
                cr_expect_eq(f.propagation, cases[i].v, "%s", cases[i].name);
                cr_expect_eq(f.flags, MS_BIND | MS_REC, "%s leaked into flags", cases[i].name);
                runtime_mount_flags_free(&f);
                unsigned long p = 0;
                cr_expect_eq(runtime_mount_propagation_parse(cases[i].name, &p), 0);
                cr_expect_eq(p, cases[i].v);
        }
        unsigned long p;
        cr_assert_eq(runtime_mount_propagation_parse("ro", &p), -1);
        cr_assert_eq(runtime_mount_propagation_parse("bogus", &p), -1);
}

Test(mount_opts, idmap)
{
        struct runtime_mount_flags f = PARSE("bind", "idmap");
        cr_assert(f.idmap);
        cr_assert_not(f.ridmap);
        runtime_mount_flags_free(&f);
        f = PARSE("rbind", "ridmap");
        cr_assert(f.ridmap);
        runtime_mount_flags_free(&f);
}

Test(mount_opts, empty_option_is_an_error)
{
        const char *o[] = {"ro", ""};
        struct oci_string_list l = {.items = (char **)o, .count = 2};
        struct runtime_mount_flags f;
        struct sb_err e = {0};
        cr_assert_eq(runtime_mount_opts_parse(&l, &f, &e), -1);
        cr_assert(strstr(e.msg, "options[1]") != NULL, "%s", e.msg);
        cr_assert_null(f.data);
}

Test(mount_opts, no_options)
{
        struct runtime_mount_flags f;
        struct sb_err e = {0};
        cr_assert_eq(runtime_mount_opts_parse(NULL, &f, &e), 0);
        cr_assert_eq(f.flags, 0);
        cr_assert_null(f.data);
}

Test(mount_opts, names_table_is_complete_and_unique)
{
        size_t n = runtime_mount_opts_count();
        cr_assert_gt(n, 60);
        for (size_t i = 0; i < n; i++) {
                const char *a = runtime_mount_opts_name(i);
                cr_assert_not_null(a);
                for (size_t j = i + 1; j < n; j++)
                        cr_assert_str_neq(a, runtime_mount_opts_name(j));
                /* a known name never ends up as filesystem data */
                struct runtime_mount_flags f = PARSE(a);
                cr_expect_null(f.data, "%s", a);
                runtime_mount_flags_free(&f);
        }
        cr_assert_null(runtime_mount_opts_name(n));
}

Test(mount_opts, proc_destinations)
{
        cr_assert(runtime_rootfs_proc_dest_allowed("/proc", true));
        cr_assert_not(runtime_rootfs_proc_dest_allowed("/proc", false));
        cr_assert_not(runtime_rootfs_proc_dest_allowed("/proc/sys", true));
        cr_assert_not(runtime_rootfs_proc_dest_allowed("/proc/sys/kernel/core_pattern", false));
        cr_assert(runtime_rootfs_proc_dest_allowed("/proc/meminfo", false));
        cr_assert(runtime_rootfs_proc_dest_allowed("/procfoo", false));
        cr_assert(runtime_rootfs_proc_dest_allowed("/tmp", false));
}
