#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "runtime/features.h"
#include "runtime/mount_opts.h"
#include "runtime/spec_default.h"

/* True if the JSON array holds the string s. */
static bool has_string(json_t *a, const char *s)
{
        size_t i;
        json_t *v;
        json_array_foreach(a, i, v)
        {
                if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
                        return true;
        }
        return false;
}

/* The namespace types of config.linux.namespaces, joined by ",". */
static void ns_types(json_t *spec, char *buf, size_t len)
{
        json_t *ns = json_object_get(json_object_get(spec, "linux"), "namespaces");
        size_t i;
        json_t *v;
        buf[0] = '\0';
        json_array_foreach(ns, i, v)
        {
                if (i > 0)
                        strncat(buf, ",", len - strlen(buf) - 1);
                strncat(buf, json_string_value(json_object_get(v, "type")), len - strlen(buf) - 1);
        }
}

static json_t *mount_at(json_t *spec, const char *dest)
{
        size_t i;
        json_t *m;
        json_array_foreach(json_object_get(spec, "mounts"), i, m)
        {
                if (strcmp(json_string_value(json_object_get(m, "destination")), dest) == 0)
                        return m;
        }
        return NULL;
}

Test(spec_default, process_matches_runc)
{
        json_t *spec = runtime_spec_default();
        cr_assert_not_null(spec);
        cr_assert_str_eq(json_string_value(json_object_get(spec, "ociVersion")), "1.3.0");
        json_t *proc = json_object_get(spec, "process");
        json_t *args = json_object_get(proc, "args");
        cr_assert_eq(json_array_size(args), 1);
        cr_assert_str_eq(json_string_value(json_array_get(args, 0)), "sh");
        cr_assert(json_is_true(json_object_get(proc, "terminal")));
        cr_assert(json_is_true(json_object_get(proc, "noNewPrivileges")));
        cr_assert_str_eq(json_string_value(json_object_get(proc, "cwd")), "/");
        json_t *rl = json_array_get(json_object_get(proc, "rlimits"), 0);
        cr_assert_str_eq(json_string_value(json_object_get(rl, "type")), "RLIMIT_NOFILE");
        cr_assert_eq(json_integer_value(json_object_get(rl, "hard")), 1024);
        cr_assert_eq(json_integer_value(json_object_get(rl, "soft")), 1024);
        json_t *root = json_object_get(spec, "root");
        cr_assert_str_eq(json_string_value(json_object_get(root, "path")), "rootfs");
        cr_assert(json_is_true(json_object_get(root, "readonly")));
        json_decref(spec);
}

Test(spec_default, capabilities_are_the_small_default_set)
{
        json_t *spec = runtime_spec_default();
        json_t *caps = json_object_get(json_object_get(spec, "process"), "capabilities");
        const char *sets[] = {"bounding", "effective", "permitted", "ambient"};
        for (size_t i = 0; i < 4; i++) {
                json_t *set = json_object_get(caps, sets[i]);
                cr_assert_eq(json_array_size(set), 3, "%s", sets[i]);
                cr_assert(has_string(set, "CAP_AUDIT_WRITE"));
                cr_assert(has_string(set, "CAP_KILL"));
                cr_assert(has_string(set, "CAP_NET_BIND_SERVICE"));
                cr_assert_not(has_string(set, "CAP_SYS_ADMIN"));
        }
        cr_assert_null(json_object_get(caps, "inheritable"));
        json_decref(spec);
}

Test(spec_default, namespaces_mounts_and_paths)
{
        json_t *spec = runtime_spec_default();
        char buf[128];
        ns_types(spec, buf, sizeof(buf));
        cr_assert_str_eq(buf, "pid,network,ipc,uts,mount");

        cr_assert_eq(json_array_size(json_object_get(spec, "mounts")), 7);
        json_t *proc = json_array_get(json_object_get(spec, "mounts"), 0);
        cr_assert_str_eq(json_string_value(json_object_get(proc, "destination")), "/proc");
        cr_assert_str_eq(json_string_value(json_object_get(proc, "type")), "proc");
        cr_assert_str_eq(json_string_value(json_object_get(proc, "source")), "proc");
        cr_assert_null(json_object_get(proc, "options"), "runc omits empty options");
        json_t *pts = mount_at(spec, "/dev/pts");
        cr_assert_not_null(pts);
        cr_assert(has_string(json_object_get(pts, "options"), "gid=5"));
        json_t *sys = mount_at(spec, "/sys");
        cr_assert_str_eq(json_string_value(json_object_get(sys, "type")), "sysfs");
        cr_assert(has_string(json_object_get(sys, "options"), "ro"));

        json_t *lnx = json_object_get(spec, "linux");
        cr_assert_eq(json_array_size(json_object_get(lnx, "maskedPaths")), 10);
        cr_assert(has_string(json_object_get(lnx, "maskedPaths"), "/proc/kcore"));
        cr_assert_eq(json_array_size(json_object_get(lnx, "readonlyPaths")), 5);
        cr_assert(has_string(json_object_get(lnx, "readonlyPaths"), "/proc/sysrq-trigger"));
        json_t *dev =
            json_array_get(json_object_get(json_object_get(lnx, "resources"), "devices"), 0);
        cr_assert(json_is_false(json_object_get(dev, "allow")));
        cr_assert_str_eq(json_string_value(json_object_get(dev, "access")), "rwm");
        cr_assert_null(json_object_get(lnx, "uidMappings"));
        json_decref(spec);
}

Test(spec_default, rootless_transform_matches_runc)
{
        json_t *spec = runtime_spec_default();
        cr_assert_eq(runtime_spec_to_rootless(spec, 1000, 1001), 0);
        char buf[128];
        ns_types(spec, buf, sizeof(buf));
        cr_assert_str_eq(buf, "pid,ipc,uts,mount,user");

        json_t *lnx = json_object_get(spec, "linux");
        json_t *um = json_array_get(json_object_get(lnx, "uidMappings"), 0);
        json_t *gm = json_array_get(json_object_get(lnx, "gidMappings"), 0);
        cr_assert_eq(json_array_size(json_object_get(lnx, "uidMappings")), 1);
        cr_assert_eq(json_integer_value(json_object_get(um, "containerID")), 0);
        cr_assert_eq(json_integer_value(json_object_get(um, "hostID")), 1000);
        cr_assert_eq(json_integer_value(json_object_get(um, "size")), 1);
        cr_assert_eq(json_integer_value(json_object_get(gm, "hostID")), 1001);
        cr_assert_null(json_object_get(lnx, "resources"));

        cr_assert_eq(json_array_size(json_object_get(spec, "mounts")), 7);
        json_t *sys = mount_at(spec, "/sys");
        cr_assert_str_eq(json_string_value(json_object_get(sys, "type")), "none");
        cr_assert_str_eq(json_string_value(json_object_get(sys, "source")), "/sys");
        cr_assert(has_string(json_object_get(sys, "options"), "rbind"));
        json_t *pts = mount_at(spec, "/dev/pts");
        cr_assert_not(has_string(json_object_get(pts, "options"), "gid=5"));
        cr_assert(has_string(json_object_get(pts, "options"), "newinstance"));
        json_decref(spec);
}

Test(spec_default, rootless_rejects_malformed)
{
        json_t *bad = json_pack("{s:s}", "ociVersion", "1.3.0");
        cr_assert_eq(runtime_spec_to_rootless(bad, 0, 0), -1);
        json_decref(bad);
}

Test(features, versions_hooks_and_namespaces)
{
        json_t *f = runtime_features();
        cr_assert_not_null(f);
        cr_assert_str_eq(json_string_value(json_object_get(f, "ociVersionMin")), "1.0.0");
        cr_assert_str_eq(json_string_value(json_object_get(f, "ociVersionMax")), "1.3.0");
        json_t *hooks = json_object_get(f, "hooks");
        const char *hook_names[] = {"prestart",       "createRuntime", "createContainer",
                                    "startContainer", "poststart",     "poststop"};
        cr_assert_eq(json_array_size(hooks), 6);
        for (size_t i = 0; i < 6; i++)
                cr_assert(has_string(hooks, hook_names[i]), "hook %s", hook_names[i]);
        json_t *lnx = json_object_get(f, "linux");
        json_t *ns = json_object_get(lnx, "namespaces");
        const char *ns_names[] = {"cgroup", "ipc",  "mount", "network",
                                  "pid",    "time", "user",  "uts"};
        cr_assert_eq(json_array_size(ns), 8);
        for (size_t i = 0; i < 8; i++)
                cr_assert(has_string(ns, ns_names[i]), "namespace %s", ns_names[i]);
        json_decref(f);
}

Test(features, capabilities_from_libcap)
{
        json_t *f = runtime_features();
        json_t *caps = json_object_get(json_object_get(f, "linux"), "capabilities");
        cr_assert(has_string(caps, "CAP_SYS_ADMIN"));
        cr_assert(has_string(caps, "CAP_CHOWN"));
        cr_assert_str_eq(json_string_value(json_array_get(caps, 0)), "CAP_CHOWN",
                         "number order: capability 0 first");
        cr_assert_geq(json_array_size(caps), 38);
        size_t i;
        json_t *v;
        json_array_foreach(caps, i, v)
        {
                const char *s = json_string_value(v);
                cr_assert_eq(strncmp(s, "CAP_", 4), 0, "%s", s);
                cr_assert_eq(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_"), strlen(s), "%s", s);
        }
        json_decref(f);
}

Test(features, seccomp_and_mounts)
{
        json_t *f = runtime_features();
        json_t *sc = json_object_get(json_object_get(f, "linux"), "seccomp");
        cr_assert(json_is_true(json_object_get(sc, "enabled")));
        cr_assert_eq(json_array_size(json_object_get(sc, "actions")), 9);
        cr_assert(has_string(json_object_get(sc, "actions"), "SCMP_ACT_NOTIFY"));
        cr_assert_eq(json_array_size(json_object_get(sc, "operators")), 7);
        cr_assert(has_string(json_object_get(sc, "archs"), "SCMP_ARCH_X86_64"));
        cr_assert(has_string(json_object_get(sc, "archs"), "SCMP_ARCH_AARCH64"));
        cr_assert_eq(json_array_size(json_object_get(sc, "knownFlags")), 4);
        cr_assert(has_string(json_object_get(sc, "supportedFlags"), "SECCOMP_FILTER_FLAG_TSYNC"));

        json_t *cg = json_object_get(json_object_get(f, "linux"), "cgroup");
        cr_assert(json_is_true(json_object_get(cg, "v2")));
        cr_assert(json_is_false(json_object_get(cg, "systemd")));
        json_t *idmap = json_object_get(
            json_object_get(json_object_get(f, "linux"), "mountExtensions"), "idmap");
        /* idmapped mounts are refused by the mount code, so not advertised */
        cr_assert(json_is_false(json_object_get(idmap, "enabled")));

        json_t *mo = json_object_get(f, "mountOptions");
        size_t n = 0;
        n = runtime_mount_opts_count();
        cr_assert_eq(json_array_size(mo), n);
        cr_assert(has_string(mo, "rbind"));
        cr_assert(has_string(mo, "rro"));
        cr_assert(has_string(mo, "nosuid"));
        cr_assert_not(has_string(mo, "mode=755"));
        cr_assert_str_eq(json_string_value(json_object_get(json_object_get(f, "annotations"),
                                                           "dev.sandbox.version")),
                         SANDBOX_VERSION);
        json_decref(f);
}
