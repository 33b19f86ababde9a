/* oci_config_validate: the runtime-spec's MUST rules, one exact message each. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/oci_config.h"

/* A minimal valid config; LINUX is spliced into its "linux" object and
 * PROCESS into "process" so that each test states only what it changes. */
#define CONFIG(PROCESS, LINUX)                                                                     \
        "{\"ociVersion\": \"1.0.2-dev\", \"root\": {\"path\": \"rootfs\"},"                        \
        " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"" PROCESS "},"                           \
        " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}]" LINUX "}}"

/* Parses json (which must parse) and validates it; diags must be exactly the
 * NULL-terminated list of messages (none: valid). */
static void expect(const char *json, ...)
{
        struct oci_config cfg;
        struct sb_diags d = {0};
        struct sb_err e = {0};
        va_list ap;
        size_t n = 0;
        int rc;

        cr_assert_eq(oci_config_parse("config.json", json, strlen(json), &cfg, NULL, &e), 0,
                     "parse: %s", e.msg);
        rc = oci_config_validate("config.json", &cfg, &d);
        va_start(ap, json);
        for (const char *m; (m = va_arg(ap, const char *)) != NULL; n++) {
                cr_assert_lt(n, d.count, "missing problem: %s", m);
                cr_assert_str_eq(d.items[n], m);
        }
        va_end(ap);
        cr_assert_eq(d.count, n, "unexpected problem: %s", d.count > n ? d.items[n] : "");
        cr_assert_eq(rc, n == 0 ? 0 : -1);
        sb_diags_free(&d);
        oci_config_free(&cfg);
}

Test(oci_validate, minimal_is_valid)
{
        expect(CONFIG("", ""), NULL);
}

Test(oci_validate, versions)
{
        static const char *const ok[] = {"1.0.0", "1.0.2-dev",  "1.1.0",        "1.2.1",
                                         "1.3.0", "1.3.0-rc.1", "1.0.0+build.5"};
        static const char *const bad[] = {"2.0.0",  "1.4.0",  "0.5.0-dev", "1.0",
                                          "1.01.0", "1.0.0-", "v1.0.0",    ""};
        char json[512], msg[256];

        for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
                snprintf(json, sizeof(json),
                         "{\"ociVersion\": \"%s\", \"root\": {\"path\": \"/r\"}}", ok[i]);
                expect(json, NULL);
        }
        for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
                snprintf(json, sizeof(json),
                         "{\"ociVersion\": \"%s\", \"root\": {\"path\": \"/r\"}}", bad[i]);
                snprintf(msg, sizeof(msg),
                         "config.json: .ociVersion: unsupported version \"%s\" (sandbox supports "
                         "1.0.0 to 1.3.x)",
                         bad[i]);
                expect(json, msg, NULL);
        }
        expect("{}", "config.json: .ociVersion: missing required field",
               "config.json: .root.path: missing required field", NULL);
}

Test(oci_validate, process_rules)
{
        expect("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"process\": {}}",
               "config.json: .process.args: must not be empty",
               "config.json: .process.cwd: missing required field", NULL);
}

Test(oci_validate, relative_paths)
{
        expect("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
               " \"process\": {\"args\": [\"sh\"], \"cwd\": \"home\"}}",
               "config.json: .process.cwd: must be absolute", NULL);
        expect(CONFIG("", ", \"maskedPaths\": [\"/proc/kcore\", \"proc/keys\"],"
                          " \"readonlyPaths\": [\"sys\"]"),
               "config.json: .linux.maskedPaths[1]: must be absolute",
               "config.json: .linux.readonlyPaths[0]: must be absolute", NULL);
        expect(CONFIG("", ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
                          " \"listenerPath\": \"agent.sock\"}"),
               "config.json: .linux.seccomp.listenerPath: must be absolute", NULL);
        /* Relative mount destinations are deprecated but allowed (relative to "/"). */
        expect("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"},"
               " \"mounts\": [{\"destination\": \"data\"}, {\"destination\": \"\"}]}",
               "config.json: .mounts[1].destination: must not be empty", NULL);
}

Test(oci_validate, namespaces)
{
        expect(
            "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"linux\": {\"namespaces\":"
            " [{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"run/netns/x\"},"
            " {\"type\": \"pid\"}]}}",
            "config.json: .linux.namespaces[1].path: must be absolute",
            "config.json: .linux.namespaces[2].type: duplicate namespace type \"pid\" (first "
            "at .linux.namespaces[0])",
            NULL);
        expect(CONFIG("", ", \"timeOffsets\": {\"monotonic\": {\"secs\": 1}}"),
               "config.json: .linux.timeOffsets: requires a time namespace", NULL);
        expect("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"hostname\": \"h\"}",
               "config.json: .hostname: requires a UTS namespace", NULL);
}

Test(oci_validate, id_mappings)
{
        expect(CONFIG("", ", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, "
                          "\"size\": 1}]"),
               "config.json: .linux.uidMappings: requires a user namespace", NULL);
        expect("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"linux\": {"
               "\"namespaces\": [{\"type\": \"user\"}],"
               " \"uidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 1000},"
               " {\"containerID\": 500, \"hostID\": 200000, \"size\": 10},"
               " {\"containerID\": 2000, \"hostID\": 100999, \"size\": 2},"
               " {\"containerID\": 3000, \"hostID\": 5, \"size\": 0},"
               " {\"containerID\": 4294967295, \"hostID\": 7, \"size\": 2}],"
               " \"gidMappings\": [{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]}}",
               "config.json: .linux.uidMappings[1]: container IDs overlap .linux.uidMappings[0]",
               "config.json: .linux.uidMappings[2]: host IDs overlap .linux.uidMappings[0]",
               "config.json: .linux.uidMappings[3].size: must be greater than 0",
               "config.json: .linux.uidMappings[4]: range overflows the 32-bit ID space", NULL);
        expect("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"mounts\": ["
               "{\"destination\": \"/d\", \"uidMappings\": [{\"containerID\": 0, \"hostID\": 0,"
               " \"size\": 10}, {\"containerID\": 9, \"hostID\": 100, \"size\": 1}]}]}",
               "config.json: .mounts[0].uidMappings[1]: container IDs overlap "
               ".mounts[0].uidMappings[0]",
               NULL);
}

Test(oci_validate, devices)
{
        expect(CONFIG("", ", \"devices\": ["
                          "{\"path\": \"dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3},"
                          " {\"path\": \"/dev/x\", \"type\": \"x\"},"
                          " {\"path\": \"/dev/fifo\", \"type\": \"p\", \"major\": 0},"
                          " {\"path\": \"/dev/sda\", \"type\": \"b\", \"major\": 8},"
                          " {\"path\": \"/dev/u\", \"type\": \"u\", \"major\": 1, \"minor\": 1},"
                          " {\"path\": \"/dev/p\", \"type\": \"p\"}],"
                          " \"resources\": {\"devices\": [{\"allow\": true, \"type\": \"z\","
                          " \"access\": \"rwx\"}, {\"allow\": false, \"access\": \"rm\"}]}"),
               "config.json: .linux.devices[0].path: must be absolute",
               "config.json: .linux.devices[1].type: must be one of c, b, u, p (got \"x\")",
               "config.json: .linux.devices[2]: a fifo (type \"p\") takes no major or minor",
               "config.json: .linux.devices[3]: type \"b\" requires major and minor",
               "config.json: .linux.resources.devices[0].type: must be one of a, c, b (got "
               "\"z\")",
               "config.json: .linux.resources.devices[0].access: must be a combination of r, w, "
               "m (got \"rwx\")",
               NULL);
}

Test(oci_validate, hooks)
{
        expect("{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, \"hooks\": {"
               "\"prestart\": [{\"path\": \"/ok\"}, {\"path\": \"hook\"}],"
               " \"poststop\": [{\"path\": \"/x\", \"timeout\": 0}],"
               " \"createRuntime\": [{\"path\": \"/y\", \"timeout\": -3}]}}",
               "config.json: .hooks.prestart[1].path: must be absolute",
               "config.json: .hooks.createRuntime[0].timeout: must be greater than 0",
               "config.json: .hooks.poststop[0].timeout: must be greater than 0", NULL);
}

Test(oci_validate, seccomp)
{
        expect(CONFIG("", ", \"seccomp\": {\"defaultAction\": \"SCMP_ACT_ALLOW\","
                          " \"defaultErrnoRet\": 1,"
                          " \"architectures\": [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_PDP11\","
                          " \"x86_64\"],"
                          " \"flags\": [\"SECCOMP_FILTER_FLAG_TSYNC\", \"SECCOMP_FILTER_FLAG_X\"],"
                          " \"syscalls\": [{\"names\": [], \"action\": \"SCMP_ACT_ALLOW\"},"
                          " {\"names\": [\"read\", \"\"], \"action\": \"SCMP_ACT_KILL\","
                          " \"errnoRet\": 5},"
                          " {\"names\": [\"mkdir\"], \"action\": \"SCMP_ACT_NOTIFY\","
                          " \"args\": [{\"index\": 6, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]}]}"),
               "config.json: .linux.seccomp.defaultErrnoRet: not valid with defaultAction "
               "SCMP_ACT_ALLOW",
               "config.json: .linux.seccomp.architectures[1]: unknown architecture "
               "\"SCMP_ARCH_PDP11\" (not known to libseccomp 2.5.4)",
               "config.json: .linux.seccomp.architectures[2]: unknown architecture \"x86_64\" "
               "(not known to libseccomp 2.5.4)",
               "config.json: .linux.seccomp.flags[1]: unknown seccomp flag "
               "\"SECCOMP_FILTER_FLAG_X\"",
               "config.json: .linux.seccomp.syscalls[0].names: must not be empty",
               "config.json: .linux.seccomp.syscalls[1].names[1]: must not be empty",
               "config.json: .linux.seccomp.syscalls[1].errnoRet: not valid with action "
               "SCMP_ACT_KILL",
               "config.json: .linux.seccomp.syscalls[2].args[0].index: 6 out of range (0..5)",
               "config.json: .linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY", NULL);
}

Test(oci_validate, process_limits)
{
        expect(CONFIG(", \"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 2048, \"hard\": "
                      "1024}, {\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": 1}],"
                      " \"ioPriority\": {\"class\": \"IOPRIO_CLASS_RT\", \"priority\": 8},"
                      " \"execCPUAffinity\": {\"initial\": \"0-3\", \"final\": \"all\"}",
                      ""),
               "config.json: .process.rlimits[0]: soft limit 2048 exceeds hard limit 1024",
               "config.json: .process.rlimits[1].type: duplicate rlimit type \"RLIMIT_NOFILE\"",
               "config.json: .process.ioPriority.priority: 8 out of range (0..7)",
               "config.json: .process.execCPUAffinity.final: invalid CPU list \"all\"", NULL);
}

Test(oci_validate, linux_misc)
{
        expect(CONFIG("", ", \"rootfsPropagation\": \"rshared\", \"cgroupsPath\": \"rel/path\""),
               NULL);
        expect(CONFIG("", ", \"cgroupsPath\": \"machine.slice:sandbox:abc\""), NULL);
        expect(CONFIG("", ", \"rootfsPropagation\": \"sideways\", \"sysctl\": {\"\": \"1\"}"),
               "config.json: .linux.sysctl[\"\"]: key must not be empty",
               "config.json: .linux.rootfsPropagation: unknown propagation \"sideways\"", NULL);
}
