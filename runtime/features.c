/* The features document (see features.h). Every list is either a table here
 * or asked of the library that implements it, so the document can't claim
 * what the runtime doesn't do. */
#include "runtime/features.h"

#include <ctype.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "runtime/mount_opts.h"

#ifndef SANDBOX_VERSION
#define SANDBOX_VERSION "unknown"
#endif

static const char *const hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL,
};

static const char *const namespaces[] = {
    "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

static const char *const seccomp_actions[] = {
    "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
    "SCMP_ACT_TRAP",        NULL,
};

static const char *const seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

/* Every architecture the OCI schema names, by libseccomp's name for it; only
 * those the linked libseccomp resolves are advertised. The OCI name is
 * "SCMP_ARCH_" + the upper-cased libseccomp name. */
static const char *const seccomp_arch_names[] = {
    "aarch64",  "arm",         "loongarch64", "m68k",     "mips", "mips64", "mips64n32", "mipsel",
    "mipsel64", "mipsel64n32", "parisc",      "parisc64", "ppc",  "ppc64",  "ppc64le",   "riscv64",
    "s390",     "s390x",       "sh",          "sheb",     "x32",  "x86",    "x86_64",    NULL,
};

static const char *const seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
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

/* Appends prefix + upper-cased name. */
static int append_upper(json_t *a, const char *prefix, const char *name)
{
        char buf[64];
        int n = snprintf(buf, sizeof(buf), "%s%s", prefix, name);
        if (n < 0 || (size_t)n >= sizeof(buf))
                return -1;
        for (char *p = buf; *p != '\0'; p++)
                *p = (char)toupper((unsigned char)*p);
        return json_array_append_new(a, json_string(buf));
}

/* libcap's strings carry a header and must go back through cap_free(). */
static void cap_freep(char **p)
{
        cap_free(*p);
}
#define _cleanup_cap_free_ __attribute__((cleanup(cap_freep)))

/* Every capability libcap can name, in number order, as "CAP_*". */
static json_t *capabilities(void)
{
        json_t *a = json_array();
        if (a == NULL)
                return NULL;
        for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
                _cleanup_cap_free_ char *raw = cap_to_name(c);
                if (raw == NULL) {
                        json_decref(a);
                        return NULL;
                }
                /* cap_to_name() returns the bare number for a capability the
                 * running kernel has but libcap can't name: not usable in a
                 * config, so not advertised. */
                if (strncmp(raw, "cap_", 4) != 0)
                        continue;
                if (append_upper(a, "", raw) < 0) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
}

static json_t *seccomp_archs(void)
{
        json_t *a = json_array();
        if (a == NULL)
                return NULL;
        for (size_t i = 0; seccomp_arch_names[i] != NULL; i++) {
                if (seccomp_arch_resolve_name(seccomp_arch_names[i]) == 0)
                        continue;
                if (append_upper(a, "SCMP_ARCH_", seccomp_arch_names[i]) < 0) {
                        json_decref(a);
                        return NULL;
                }
        }
        return a;
}

static json_t *annotations(void)
{
        char libseccomp[32] = "unknown";
        const struct scmp_version *v = seccomp_version();
        if (v != NULL)
                snprintf(libseccomp, sizeof(libseccomp), "%u.%u.%u", v->major, v->minor, v->micro);
        return json_pack("{s:s, s:s}", "dev.sandbox.version", SANDBOX_VERSION,
                         "io.github.seccomp.libseccomp.version", libseccomp);
}

static json_t *linux_features(void)
{
        return json_pack(
            "{s:o, s:o, s:{s:b, s:b, s:b, s:b, s:b},"
            " s:{s:b, s:o, s:o, s:o, s:o, s:o},"
            " s:{s:b}, s:{s:b}, s:{s:b}, s:{s:{s:b}}}",
            "namespaces", string_array(namespaces), "capabilities", capabilities(), "cgroup", "v1",
            1, "v2", 1, "systemd", 0, "systemdUser", 0, "rdma", 0, "seccomp", "enabled", 1,
            "actions", string_array(seccomp_actions), "operators", string_array(seccomp_operators),
            "archs", seccomp_archs(), "knownFlags", string_array(seccomp_flags), "supportedFlags",
            string_array(seccomp_flags), "apparmor", "enabled", 0, "selinux", "enabled", 0,
            "intelRdt", "enabled", 0, "mountExtensions", "idmap", "enabled", 0);
}

/* The mount code's own table: what we advertise is exactly what it accepts. */
static json_t *mount_options(void)
{
        json_t *a = json_array();
        for (size_t i = 0; i < runtime_mount_opts_count(); i++)
                json_array_append_new(a, json_string(runtime_mount_opts_name(i)));
        return a;
}

json_t *runtime_features(void)
{
        return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "ociVersionMin", RUNTIME_OCI_VERSION_MIN,
                         "ociVersionMax", RUNTIME_OCI_VERSION_MAX, "hooks", string_array(hooks),
                         "mountOptions", mount_options(), "linux", linux_features(), "annotations",
                         annotations());
}
