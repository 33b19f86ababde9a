/* docker inspect mapping, output formats, JSON path location, waivers and
 * the pure half of the live view. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"

static char *slurp(const char *path, size_t *len)
{
        FILE *f = fopen(path, "r");
        char *buf;
        long n;

        cr_assert_not_null(f, "%s", path);
        fseek(f, 0, SEEK_END);
        n = ftell(f);
        rewind(f);
        buf = malloc((size_t)n + 1);
        cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
        buf[n] = '\0';
        fclose(f);
        *len = (size_t)n;
        return buf;
}

static void inspect_ids(const char *name, enum audit_severity min, char *out, size_t len)
{
        char path[512];
        size_t n, used = 0;
        char *text;
        struct audit_docker_inspect d;
        struct audit_report r = {0};
        struct sb_err err = {0};

        snprintf(path, sizeof(path), TEST_DATA_DIR "/docker-inspect/%s.json", name);
        text = slurp(path, &n);
        cr_assert_eq(audit_docker_inspect_parse(name, text, n, &d, &err), 0, "%s", err.msg);
        cr_assert_eq(d.count, 1);
        cr_assert(d.array);
        audit_docker_container(&d, 0, name, &r);
        audit_report_sort(&r);
        out[0] = '\0';
        for (int s = AUDIT_CRITICAL; s >= (int)min; s--)
                for (size_t i = 0; i < r.count; i++)
                        if ((int)r.items[i].severity == s && !strstr(out, r.items[i].check->id))
                                used += (size_t)snprintf(out + used, len - used, "%s%s",
                                                         used ? " " : "", r.items[i].check->id);
        for (size_t i = 0; i < r.count; i++)
                cr_assert(strncmp(r.items[i].field, "[0].", 4) == 0, "%s", r.items[i].field);
        audit_report_free(&r);
        audit_docker_inspect_free(&d);
        free(text);
}

Test(audit_inspect, same_findings_as_the_bundles)
{
        char got[2048];

        inspect_ids("default", AUDIT_HIGH, got, sizeof(got));
        cr_assert_str_eq(got, "");
        inspect_ids("default", AUDIT_MEDIUM, got, sizeof(got));
        cr_assert_str_eq(got, "SB-PRIV-002 SB-PRIV-003");
        inspect_ids("hardened", AUDIT_MEDIUM, got, sizeof(got));
        cr_assert_str_eq(got, "");
        inspect_ids("pid-host", AUDIT_HIGH, got, sizeof(got));
        cr_assert_str_eq(got, "SB-NS-001");
        inspect_ids("privileged", AUDIT_CRITICAL, got, sizeof(got));
        cr_assert_str_eq(got, "SB-CAP-001 SB-CAP-010 SB-CAP-011 SB-PRIV-001");
        inspect_ids("privileged", AUDIT_HIGH, got, sizeof(got));
        cr_assert(strstr(got, "SB-SECCOMP-001") && strstr(got, "SB-FS-002") &&
                      strstr(got, "SB-DEV-001") && strstr(got, "SB-MNT-005"),
                  "%s", got);
}

Test(audit_inspect, single_object_binds_and_errors)
{
        const char *doc =
            "{\"Name\":\"/"
            "web\",\"Config\":{\"User\":\"\"},\"HostConfig\":{\"NetworkMode\":\"host\","
            "\"Binds\":[\"/var/run/docker.sock:/var/run/docker.sock\",\"vol:/data\"],"
            "\"CapAdd\":[\"SYS_PTRACE\"],\"SecurityOpt\":[\"seccomp=unconfined\"],"
            "\"Sysctls\":{\"kernel.msgmax\":\"1\"},\"IpcMode\":\"host\"}}";
        struct audit_docker_inspect d;
        struct audit_report r = {0};
        struct sb_err err = {0};

        cr_assert_eq(audit_docker_inspect_parse("x.json", doc, strlen(doc), &d, &err), 0, "%s",
                     err.msg);
        cr_assert(!d.array);
        cr_assert_str_eq(d.items[0].name, "web");
        audit_docker_container(&d, 0, "x.json#web", &r);
        cr_assert(audit_report_has(&r, "SB-NS-002"));
        cr_assert(audit_report_has(&r, "SB-MNT-001"));
        cr_assert(audit_report_has(&r, "SB-CAP-012"));
        cr_assert(audit_report_has(&r, "SB-SECCOMP-001"));
        cr_assert(audit_report_has(&r, "SB-SYSCTL-002")); /* ipc namespace is the host's */
        for (size_t i = 0; i < r.count; i++)
                if (strcmp(r.items[i].check->id, "SB-NS-002") == 0)
                        cr_assert_str_eq(r.items[i].field, ".HostConfig.NetworkMode");
        audit_report_free(&r);
        audit_docker_inspect_free(&d);

        const char *bad = "[{\"HostConfig\":{\"CapAdd\":\"SYS_ADMIN\"}}]";
        cr_assert_eq(audit_docker_inspect_parse("b.json", bad, strlen(bad), &d, &err), -1);
        cr_assert_str_eq(err.msg, "b.json: [0].HostConfig.CapAdd: expected an array");
        cr_assert_eq(audit_docker_inspect_parse("b.json", "[1,", 3, &d, &err), -1);
        cr_assert(strncmp(err.msg, "b.json:1:", 9) == 0, "%s", err.msg);
}

Test(audit_locate, lines_of_json_paths)
{
        const char *j = "{\n"
                        "  \"process\": {\n"
                        "    \"user\": {\"uid\": 0}\n"
                        "  },\n"
                        "  \"linux\": {\n"
                        "    \"namespaces\": [\n"
                        "      {\"type\": \"pid\"},\n"
                        "      {\"type\": \"network\", \"path\": \"/x\"}\n"
                        "    ],\n"
                        "    \"sysctl\": {\"net.ipv4.ip_forward\": \"1\"}\n"
                        "  }\n"
                        "}\n";
        size_t n = strlen(j);

        cr_assert_eq(audit_json_locate(j, n, ".process.user.uid"), 3);
        cr_assert_eq(audit_json_locate(j, n, ".linux.namespaces"), 6);
        cr_assert_eq(audit_json_locate(j, n, ".linux.namespaces[1].path"), 8);
        cr_assert_eq(audit_json_locate(j, n, ".linux.seccomp"), 5); /* deepest present: .linux */
        cr_assert_eq(audit_json_locate(j, n, ".linux.sysctl[\"net.ipv4.ip_forward\"]"), 10);
        cr_assert_eq(audit_json_locate(j, n, ".nothing"), 0);
        cr_assert_eq(audit_json_locate("{\"a\":[", 6, ".a[0]"), 2 - 1);
        cr_assert_eq(audit_json_locate(j, n, "bad path"), 0);
}

static struct audit_report sample(void)
{
        struct audit_report r = {0};
        audit_report_add(&r, "SB-NS-001", ".linux.namespaces", "", "pid is the host's");
        audit_report_add(&r, "SB-RES-001", ".linux.resources.memory.limit", "", "no memory limit");
        audit_report_set_input(&r, 0, "b/config.json");
        return r;
}

Test(audit_format, json_document)
{
        struct audit_report r = sample();
        char *s = audit_format_json(&r);
        json_error_t je;
        json_t *doc = json_loads(s, 0, &je), *f;

        cr_assert_not_null(doc, "%s", je.text);
        f = json_array_get(json_object_get(doc, "findings"), 0);
        cr_assert_str_eq(json_string_value(json_object_get(f, "id")), "SB-NS-001");
        cr_assert_str_eq(json_string_value(json_object_get(f, "severity")), "high");
        cr_assert_str_eq(json_string_value(json_object_get(f, "input")), "b/config.json");
        cr_assert_str_eq(json_string_value(json_object_get(f, "title")), "Host PID namespace");
        cr_assert_not_null(json_object_get(f, "remediation"));
        cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"), "high")),
                     1);
        cr_assert_eq(json_integer_value(json_object_get(json_object_get(doc, "summary"), "low")),
                     1);
        json_decref(doc);
        free(s);
        audit_report_free(&r);
}

Test(audit_format, sarif_document)
{
        struct audit_report r = sample();
        const char *text = "{\n  \"linux\": {\n    \"namespaces\": []\n  }\n}\n";
        struct audit_input_file file = {"b/config.json", text, strlen(text)};
        char *s = audit_format_sarif(&r, &file, 1);
        json_t *doc = json_loads(s, 0, NULL), *run, *res, *loc;

        cr_assert_not_null(doc);
        cr_assert_str_eq(json_string_value(json_object_get(doc, "version")), "2.1.0");
        run = json_array_get(json_object_get(doc, "runs"), 0);
        cr_assert_eq(json_array_size(json_object_get(
                         json_object_get(json_object_get(run, "tool"), "driver"), "rules")),
                     2);
        res = json_array_get(json_object_get(run, "results"), 0);
        cr_assert_str_eq(json_string_value(json_object_get(res, "ruleId")), "SB-NS-001");
        cr_assert_str_eq(json_string_value(json_object_get(res, "level")), "error");
        loc = json_object_get(json_array_get(json_object_get(res, "locations"), 0),
                              "physicalLocation");
        cr_assert_str_eq(
            json_string_value(json_object_get(json_object_get(loc, "artifactLocation"), "uri")),
            "b/config.json");
        cr_assert_eq(
            json_integer_value(json_object_get(json_object_get(loc, "region"), "startLine")), 3);
        json_decref(doc);
        free(s);
        audit_report_free(&r);
}

Test(audit_format, text_grouped_with_summary)
{
        struct audit_report r = sample();
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        audit_format_text(f, &r, false);
        fclose(f);
        cr_assert(strstr(buf, "HIGH (1)\n  SB-NS-001 Host PID namespace\n") != NULL, "%s", buf);
        cr_assert(strstr(buf, "LOW (1)") > strstr(buf, "HIGH (1)"));
        cr_assert(strstr(buf, "2 findings: 0 critical, 1 high, 0 medium, 1 low, 0 info\n"));
        cr_assert_null(strchr(buf, '\033'));
        free(buf);
        audit_report_free(&r);
}

Test(audit_waivers, waive_match_expire_and_errors)
{
        const char *w = "[{\"id\":\"SB-NS-001\",\"match\":\"b/\",\"reason\":\"debug pod\"},"
                        "{\"id\":\"SB-RES-001\",\"reason\":\"batch\",\"expires\":\"2020-01-01\"},"
                        "{\"id\":\"SB-NS-002\",\"match\":\"other\",\"reason\":\"x\","
                        "\"expires\":\"2999-12-31\"}]";
        struct audit_waivers wv;
        struct audit_report r = sample();
        struct sb_err err = {0};

        cr_assert_eq(audit_waivers_parse("w.json", w, strlen(w), &wv, &err), 0, "%s", err.msg);
        audit_waivers_apply(&wv, &r, "2025-06-01");
        cr_assert(!audit_report_has(&r, "SB-NS-001"));
        cr_assert(audit_report_has(&r, "SB-RES-001")); /* its waiver expired */
        cr_assert(audit_report_has(&r, "SB-AUDIT-001"));
        for (size_t i = 0; i < r.count; i++)
                if (strcmp(r.items[i].check->id, "SB-AUDIT-001") == 0) {
                        cr_assert_str_eq(r.items[i].input, "w.json");
                        cr_assert_str_eq(r.items[i].field, "[1].expires");
                }
        audit_waivers_free(&wv);
        audit_report_free(&r);

        const char *no_reason = "[{\"id\":\"SB-NS-001\"}]";
        cr_assert_eq(audit_waivers_parse("w.json", no_reason, strlen(no_reason), &wv, &err), -1);
        cr_assert_str_eq(err.msg, "w.json: [0].reason: required");
        const char *bad_id = "[{\"id\":\"SB-XX-1\",\"reason\":\"r\"}]";
        cr_assert_eq(audit_waivers_parse("w.json", bad_id, strlen(bad_id), &wv, &err), -1);
        cr_assert_str_eq(err.msg, "w.json: [0].id: unknown check \"SB-XX-1\"");
        const char *bad_date = "[{\"id\":\"SB-NS-001\",\"reason\":\"r\",\"expires\":\"soon\"}]";
        cr_assert_eq(audit_waivers_parse("w.json", bad_date, strlen(bad_date), &wv, &err), -1);
        cr_assert_str_eq(err.msg, "w.json: [0].expires: \"soon\" is not a YYYY-MM-DD date");
}

Test(audit_live, host_namespaces_caps_and_mounts)
{
        struct audit_live l;
        struct audit_report r = {0};
        char mi[] = "22 1 0:21 / / rw,relatime - overlay overlay rw\n"
                    "23 22 0:22 / /proc rw - proc proc rw\n"
                    "24 22 0:23 / /sys rw,nosuid - sysfs sysfs rw\n"
                    "25 22 8:1 /run/docker.sock /var/run/docker.sock rw - ext4 /dev/sda1 rw\n"
                    "26 23 0:5 /null /proc/kcore rw - devtmpfs udev rw\n";

        memset(&l, 0, sizeof(l));
        l.pid = 42;
        for (int t = 0; t < OCI_NS_NTYPES; t++) {
                l.host_ns[t] = audit_initial_ns_inode((enum oci_ns_type)t);
                l.ns[t] = 4026532000ull + (unsigned)t;
        }
        l.ns[OCI_NS_PID] = l.host_ns[OCI_NS_PID];
        l.host_ns_source = "kernel initial namespaces";
        l.cap_bnd = l.cap_eff = 1ull << 21; /* CAP_SYS_ADMIN */
        l.seccomp_mode = 0;
        l.no_new_privs = 1;
        l.uid = 0;
        l.uid_map_identity = true;
        l.mountinfo = mi;
        audit_live_check(&l, "pid:42", &r);
        cr_assert(audit_report_has(&r, "SB-NS-001"));
        cr_assert(!audit_report_has(&r, "SB-NS-002"));
        cr_assert(audit_report_has(&r, "SB-NS-005"));
        cr_assert(audit_report_has(&r, "SB-CAP-010"));
        cr_assert(audit_report_has(&r, "SB-SECCOMP-001"));
        cr_assert(!audit_report_has(&r, "SB-PRIV-002"));
        cr_assert(audit_report_has(&r, "SB-PRIV-003"));
        cr_assert(audit_report_has(&r, "SB-MNT-001"));
        cr_assert(audit_report_has(&r, "SB-MNT-004")); /* sysfs rw */
        cr_assert(audit_report_has(&r, "SB-FS-003"));  /* /proc/sys not read-only */
        for (size_t i = 0; i < r.count; i++) {
                cr_assert(strncmp(r.items[i].field, "/proc/42/", 9) == 0, "%s", r.items[i].field);
                cr_assert_str_eq(r.items[i].input, "pid:42");
        }
        audit_report_free(&r);
        cr_assert_eq(audit_initial_ns_inode(OCI_NS_PID), 0xEFFFFFFCull);
        cr_assert_eq(audit_initial_ns_inode(OCI_NS_USER), 0xEFFFFFFDull);
}

Test(audit_live, reads_own_process)
{
        struct audit_live l;
        struct sb_err err = {0};

        cr_assert_eq(audit_live_read(getpid(), &l, &err), 0, "%s", err.msg);
        cr_assert_neq(l.ns[OCI_NS_PID], 0);
        cr_assert(l.host_ns_known);
        cr_assert_not_null(l.mountinfo);
        cr_assert(l.seccomp_mode >= 0);
        audit_live_free(&l);
        cr_assert_eq(audit_live_read(999999999, &l, &err), -1);
        cr_assert(strstr(err.msg, "/proc/999999999/status") != NULL, "%s", err.msg);
}
