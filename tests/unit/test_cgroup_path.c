#include <criterion/criterion.h>
#include <stdlib.h>

#include "runtime/cgroup.h"

static char *resolve(const char *p, const char *id, bool systemd, const char *own)
{
        struct sb_err err = {0};
        char *out = NULL;
        int rc = runtime_cgroup_resolve_path(p, id, systemd, own, &out, &err);
        cr_assert_eq(rc, 0, "%s: %s", p ? p : "(null)", err.msg);
        return out;
}

static const char *resolve_err(const char *p, bool systemd)
{
        static struct sb_err err;
        char *out = NULL;
        memset(&err, 0, sizeof(err));
        cr_assert_lt(runtime_cgroup_resolve_path(p, "c1", systemd, "/own", &out, &err), 0,
                     "%s resolved to %s", p, out ? out : "");
        return err.msg;
}

Test(cgroup_path, empty_is_sandbox_id)
{
        char *p = resolve(NULL, "c1", false, "/");
        cr_assert_str_eq(p, "/sandbox/c1");
        free(p);
        p = resolve("", "c2", false, "/x");
        cr_assert_str_eq(p, "/sandbox/c2");
        free(p);
}

Test(cgroup_path, absolute_as_is_cleaned)
{
        char *p = resolve("/a//b/c/", "c1", false, "/own");
        cr_assert_str_eq(p, "/a/b/c");
        free(p);
}

Test(cgroup_path, relative_under_own_cgroup)
{
        char *p = resolve("foo/bar", "c1", false, "/user.slice/me");
        cr_assert_str_eq(p, "/user.slice/me/foo/bar");
        free(p);
        p = resolve("foo", "c1", false, "/");
        cr_assert_str_eq(p, "/foo");
        free(p);
}

Test(cgroup_path, dotdot_and_root_refused)
{
        cr_assert(strstr(resolve_err("/a/../../etc", false), "\"..\"") != NULL);
        cr_assert(strstr(resolve_err("../x", false), "\"..\"") != NULL);
        cr_assert(strstr(resolve_err("/", false), "root cgroup") != NULL);
}

Test(cgroup_path, systemd_slice_form)
{
        char *p = resolve("system.slice:docker:abc", "c1", true, "/");
        cr_assert_str_eq(p, "/system.slice/docker-abc.scope");
        free(p);
        p = resolve("a-b-c.slice:pfx:n", "c1", true, "/");
        cr_assert_str_eq(p, "/a.slice/a-b.slice/a-b-c.slice/pfx-n.scope");
        free(p);
        p = resolve(":pfx:n", "c1", true, "/");
        cr_assert_str_eq(p, "/system.slice/pfx-n.scope");
        free(p);
        p = resolve("-.slice::n", "c1", true, "/");
        cr_assert_str_eq(p, "/n.scope");
        free(p);
        p = resolve(NULL, "c9", true, "/");
        cr_assert_str_eq(p, "/system.slice/sandbox-c9.scope");
        free(p);
        p = resolve("machine.slice:x:sub.slice", "c1", true, "/");
        cr_assert_str_eq(p, "/machine.slice/sub.slice");
        free(p);
}

Test(cgroup_path, systemd_bad_forms)
{
        cr_assert(strstr(resolve_err("/abs/path", true), "slice:prefix:name") != NULL);
        cr_assert(strstr(resolve_err("a:b:c:d", true), "slice:prefix:name") != NULL);
        cr_assert(strstr(resolve_err("noslice:p:n", true), "invalid slice name") != NULL);
        cr_assert(strstr(resolve_err("a--b.slice:p:n", true), "invalid slice name") != NULL);
        cr_assert(strstr(resolve_err("system.slice:p:", true), "invalid unit name") != NULL);
}
