/* The default config.json (see spec_default.h). Tables first, so the content
 * reads like the document it produces. */
#include "runtime/spec_default.h"

#include <string.h>

static const char *const default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "TERM=xterm",
    NULL,
};

/* The same small set as runc: enough for a shell, nothing that reaches the
 * host (no CAP_SYS_ADMIN, CAP_NET_RAW, CAP_SYS_PTRACE ...). */
static const char *const default_caps[] = {
    "CAP_AUDIT_WRITE",
    "CAP_KILL",
    "CAP_NET_BIND_SERVICE",
    NULL,
};

static const char *const default_cap_sets[] = {
    "bounding", "effective", "permitted", "ambient", NULL,
};

struct default_mount {
        const char *destination;
        const char *type;
        const char *source;
        const char *options[8]; /* NULL-terminated */
};

static const struct default_mount default_mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
    {"/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
};

static const char *const default_namespaces[] = {
    "pid", "network", "ipc", "uts", "mount", NULL,
};

static const char *const default_masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    NULL,
};

static const char *const default_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static json_t *string_array(const char *const *items)
{
        json_t *a = json_array();
        if (a == NULL)
                return NULL;
        for (size_t i = 0; items[i] != NULL; i++) {
                if (json_array_append_new(a, json_string(items[i])) < 0) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
}

static json_t *capabilities(void)
{
        json_t *caps = json_object();
        if (caps == NULL)
                return NULL;
        for (size_t i = 0; default_cap_sets[i] != NULL; i++) {
                if (json_object_set_new(caps, default_cap_sets[i], string_array(default_caps)) <
                    0) {
                        json_decref(caps);
                        return NULL;
                }
        }
        return caps;
}

static json_t *process(void)
{
        /* "o" steals its reference even when json_pack fails. */
        return json_pack("{s:b, s:{s:i, s:i}, s:[s], s:o, s:s, s:o, s:[{s:s, s:i, s:i}], s:b}",
                         "terminal", 1, "user", "uid", 0, "gid", 0, "args", "sh", "env",
                         string_array(default_env), "cwd", "/", "capabilities", capabilities(),
                         "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024,
                         "noNewPrivileges", 1);
}

static json_t *mounts(void)
{
        json_t *a = json_array();
        if (a == NULL)
                return NULL;
        for (size_t i = 0; i < sizeof(default_mounts) / sizeof(default_mounts[0]); i++) {
                const struct default_mount *m = &default_mounts[i];
                json_t *o = json_pack("{s:s, s:s, s:s}", "destination", m->destination, "type",
                                      m->type, "source", m->source);
                /* runc omits an empty options list */
                if (o != NULL && m->options[0] != NULL &&
                    json_object_set_new(o, "options", string_array(m->options)) < 0) {
                        json_decref(o);
                        o = NULL;
                }
                if (json_array_append_new(a, o) < 0) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
}

static json_t *namespaces(void)
{
        json_t *a = json_array();
        if (a == NULL)
                return NULL;
        for (size_t i = 0; default_namespaces[i] != NULL; i++) {
                if (json_array_append_new(a, json_pack("{s:s}", "type", default_namespaces[i])) <
                    0) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
}

static json_t *linux_section(void)
{
        /* Deny every device by default; the runtime adds the standard ones. */
        return json_pack("{s:{s:[{s:b, s:s}]}, s:o, s:o, s:o}", "resources", "devices", "allow", 0,
                         "access", "rwm", "namespaces", namespaces(), "maskedPaths",
                         string_array(default_masked_paths), "readonlyPaths",
                         string_array(default_readonly_paths));
}

json_t *runtime_spec_default(void)
{
        return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion",
                         RUNTIME_OCI_VERSION, "process", process(), "root", "path", "rootfs",
                         "readonly", 1, "hostname", "sandbox", "mounts", mounts(), "linux",
                         linux_section());
}

static int rootless_namespaces(json_t *lnx)
{
        json_t *old = json_object_get(lnx, "namespaces");
        json_t *ns = json_array();
        size_t i;
        json_t *v;

        if (ns == NULL)
                return -1;
        json_array_foreach(old, i, v)
        {
                const char *type = json_string_value(json_object_get(v, "type"));
                if (type != NULL && (strcmp(type, "network") == 0 || strcmp(type, "user") == 0))
                        continue;
                if (json_array_append(ns, v) < 0)
                        goto fail;
        }
        if (json_array_append_new(ns, json_pack("{s:s}", "type", "user")) < 0)
                goto fail;
        return json_object_set_new(lnx, "namespaces", ns);
fail:
        json_decref(ns);
        return -1;
}

static int rootless_mounts(json_t *spec)
{
        json_t *ms = json_object_get(spec, "mounts");
        size_t i;
        json_t *m;

        json_array_foreach(ms, i, m)
        {
                const char *dest = json_string_value(json_object_get(m, "destination"));
                if (dest != NULL && strcmp(dest, "/sys") == 0) {
                        json_t *bind =
                            json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s]}", "destination", "/sys",
                                      "type", "none", "source", "/sys", "options", "rbind",
                                      "nosuid", "noexec", "nodev", "ro");
                        if (json_array_set_new(ms, i, bind) < 0)
                                return -1;
                        continue;
                }
                json_t *opts = json_object_get(m, "options");
                for (size_t j = 0; j < json_array_size(opts);) {
                        const char *o = json_string_value(json_array_get(opts, j));
                        if (o != NULL &&
                            (strncmp(o, "uid=", 4) == 0 || strncmp(o, "gid=", 4) == 0)) {
                                json_array_remove(opts, j);
                                continue;
                        }
                        j++;
                }
        }
        return 0;
}

int runtime_spec_to_rootless(json_t *spec, uid_t host_uid, gid_t host_gid)
{
        json_t *lnx = json_object_get(spec, "linux");

        if (!json_is_object(lnx) || !json_is_array(json_object_get(lnx, "namespaces")) ||
            !json_is_array(json_object_get(spec, "mounts")))
                return -1;
        if (rootless_namespaces(lnx) < 0 || rootless_mounts(spec) < 0)
                return -1;
        if (json_object_set_new(lnx, "uidMappings",
                                json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                          (json_int_t)host_uid, "size", 1)) < 0 ||
            json_object_set_new(lnx, "gidMappings",
                                json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID",
                                          (json_int_t)host_gid, "size", 1)) < 0)
                return -1;
        json_object_del(lnx, "resources");
        return 0;
}
