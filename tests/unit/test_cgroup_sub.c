/* exec --cgroup: runc's sub-cgroup arguments, and which hierarchy each
 * reaches. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <string.h>

#include "runtime/cgroup.h"

static int parse(struct runtime_cgroup_subs *s, struct sb_err *e, size_t n, ...)
{
        const char *args[8];
        va_list ap;
        va_start(ap, n);
        for (size_t i = 0; i < n; i++)
                args[i] = va_arg(ap, const char *);
        va_end(ap);
        memset(e, 0, sizeof(*e));
        return runtime_cgroup_subs_parse(args, n, s, e);
}

Test(cgroup_sub, one_path_for_every_hierarchy)
{
        struct runtime_cgroup_subs s;
        struct sb_err e;
        const char *p;

        cr_assert_eq(parse(&s, &e, 1, "/a//b/./c/../d/"), 0, "%s", e.msg);
        cr_assert_eq(s.count, 1);
        cr_assert_str_eq(s.items[0].controller, "");
        cr_assert_str_eq(s.items[0].path, "a/b/d");
        cr_assert_eq(runtime_cgroup_sub_for(&s, NULL, &p, &e), 0);
        cr_assert_str_eq(p, "a/b/d", "cgroup v2");
        cr_assert_eq(runtime_cgroup_sub_for(&s, "cpu,cpuacct", &p, &e), 0);
        cr_assert_str_eq(p, "a/b/d", "v1 hierarchy");
        cr_assert_eq(runtime_cgroup_sub_for(&s, "unified", &p, &e), 0);
        cr_assert_str_eq(p, "a/b/d", "hybrid's cgroup2");
        runtime_cgroup_subs_free(&s);
}

Test(cgroup_sub, per_controller_paths)
{
        struct runtime_cgroup_subs s;
        struct sb_err e;
        const char *p;

        cr_assert_eq(parse(&s, &e, 2, "memory:m", "cpu,pids:x/y"), 0, "%s", e.msg);
        cr_assert_eq(s.count, 3);
        cr_assert_eq(runtime_cgroup_sub_for(&s, "memory", &p, &e), 0);
        cr_assert_str_eq(p, "m");
        cr_assert_eq(runtime_cgroup_sub_for(&s, "cpu,cpuacct", &p, &e), 0);
        cr_assert_str_eq(p, "x/y", "a co-mounted hierarchy is found by any of its controllers");
        cr_assert_eq(runtime_cgroup_sub_for(&s, "pids", &p, &e), 0);
        cr_assert_str_eq(p, "x/y");
        cr_assert_eq(runtime_cgroup_sub_for(&s, "cpuset", &p, &e), 0);
        cr_assert_null(p, "a hierarchy not named stays at the container's cgroup");
        cr_assert_eq(runtime_cgroup_sub_for(&s, "cpuacct2", &p, &e), 0);
        cr_assert_null(p, "whole controller names only");
        cr_assert_eq(runtime_cgroup_sub_for(&s, "unified", &p, &e), 0);
        cr_assert_null(p, "per-controller paths are for v1 hierarchies");
        cr_assert_eq(runtime_cgroup_sub_for(&s, NULL, &p, &e), 0);
        cr_assert_null(p);
        runtime_cgroup_subs_free(&s);

        cr_assert_eq(parse(&s, &e, 2, "cpu:a", "cpuacct:b"), 0, "%s", e.msg);
        cr_assert_eq(runtime_cgroup_sub_for(&s, "cpu,cpuacct", &p, &e), -1,
                     "one hierarchy, two paths");
        cr_assert(strstr(e.msg, "two paths") != NULL, "%s", e.msg);
        runtime_cgroup_subs_free(&s);
}

Test(cgroup_sub, runc_s_refusals)
{
        struct runtime_cgroup_subs s;
        struct sb_err e;

        cr_assert_eq(parse(&s, &e, 2, "a", "memory:b"), -1);
        cr_assert(strstr(e.msg, "missing <controller>: prefix") != NULL, "%s", e.msg);
        cr_assert_eq(parse(&s, &e, 1, "memory,:b"), -1);
        cr_assert(strstr(e.msg, "empty <controller> prefix") != NULL, "%s", e.msg);
        cr_assert_eq(parse(&s, &e, 1, ":b"), -1);
        cr_assert(strstr(e.msg, "empty <controller> prefix") != NULL, "%s", e.msg);
        cr_assert_eq(parse(&s, &e, 2, "memory:a", "pids,memory:b"), -1);
        cr_assert(strstr(e.msg, "controller memory specified multiple times") != NULL, "%s", e.msg);
        cr_assert_eq(s.count, 0, "nothing kept on failure");
}

Test(cgroup_sub, paths_stay_below_the_container_s_cgroup)
{
        struct runtime_cgroup_subs s;
        struct sb_err e;

        cr_assert_eq(parse(&s, &e, 1, "../c2"), -1);
        cr_assert(strstr(e.msg, "not below the container's cgroup") != NULL, "%s", e.msg);
        cr_assert_eq(parse(&s, &e, 1, "memory:a/../../c2"), -1, "a sibling with any name");
        cr_assert_eq(parse(&s, &e, 1, "/.."), -1);
        cr_assert_eq(parse(&s, &e, 1, "a/../b"), 0, "%s", e.msg);
        cr_assert_str_eq(s.items[0].path, "b");
        runtime_cgroup_subs_free(&s);
        cr_assert_eq(parse(&s, &e, 1, "a/.."), 0, "%s", e.msg);
        cr_assert_str_eq(s.items[0].path, "", "the container's cgroup itself");
        runtime_cgroup_subs_free(&s);
}
