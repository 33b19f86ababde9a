#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

#include "audit/audit.h"
#include "policy/bounds.h"
#include "policy/profile.h"

static void profile(const char *bounds_json, struct policy_profile *p)
{
        char text[2048];
        struct sb_err e = {0};

        snprintf(text, sizeof(text),
                 "{\"name\": \"strict\", \"defaultAction\": \"allow\", \"bounds\": %s}",
                 bounds_json);
        cr_assert_eq(policy_profile_parse("b.json", text, strlen(text), p, NULL, &e), 0, "%s",
                     e.msg);
}

static void config(const char *caps, const char *namespaces, struct oci_config *cfg)
{
        char text[4096];
        struct sb_err e = {0};

        snprintf(text, sizeof(text),
                 "{\"ociVersion\": \"1.2.0\", \"root\": {\"path\": \"rootfs\"},"
                 " \"process\": {\"cwd\": \"/\", \"args\": [\"sh\"], \"user\": {\"uid\": 0, "
                 "\"gid\": 0}, \"capabilities\": {\"bounding\": %s, \"effective\": %s}},"
                 " \"linux\": {\"namespaces\": %s}}",
                 caps, caps, namespaces);
        cr_assert_eq(oci_config_parse("config.json", text, strlen(text), cfg, NULL, &e), 0, "%s",
                     e.msg);
}

static bool has(const struct sb_diags *d, const char *needle)
{
        for (size_t i = 0; i < d->count; i++)
                if (strstr(d->items[i], needle) != NULL)
                        return true;
        return false;
}

Test(policy_bounds, within_bounds)
{
        struct policy_profile p;
        struct oci_config cfg;
        struct sb_diags d = {0};

        profile("{\"maxCapabilities\": [\"CAP_CHOWN\", \"CAP_KILL\"], \"privateNamespaces\": "
                "[\"pid\", \"network\"], \"privileged\": false}",
                &p);
        config("[\"CAP_CHOWN\"]",
               "[{\"type\": \"pid\"}, {\"type\": \"network\"}, {\"type\": "
               "\"mount\"}]",
               &cfg);
        cr_assert_eq(policy_check_bounds(&p, &cfg, &d), 0);
        cr_assert_eq(d.count, 0);
        oci_config_free(&cfg);
        policy_profile_free(&p);
}

Test(policy_bounds, host_namespaces_and_added_caps_refused)
{
        struct policy_profile p;
        struct oci_config cfg;
        struct sb_diags d = {0};

        profile("{\"maxCapabilities\": [\"CAP_CHOWN\"], \"privateNamespaces\": [\"pid\", "
                "\"network\", \"ipc\"]}",
                &p);
        config("[\"CAP_CHOWN\", \"CAP_SYS_ADMIN\", \"CAP_NET_ADMIN\"]",
               "[{\"type\": \"network\"}, {\"type\": \"ipc\", \"path\": \"/proc/1/ns/ipc\"}]",
               &cfg);
        cr_assert_eq(policy_check_bounds(&p, &cfg, &d), -1);
        cr_assert(has(&d, "profile strict: .linux.namespaces: pid namespace must be private "
                          "(--pid=host is refused)"));
        cr_assert(has(&d, "profile strict: .linux.namespaces: ipc namespace must be private, not "
                          "joined from `/proc/1/ns/ipc`"));
        cr_assert(has(&d, "profile strict: .process.capabilities.bounding: CAP_NET_ADMIN, "
                          "CAP_SYS_ADMIN beyond the profile's maxCapabilities"));
        cr_assert(has(&d, ".process.capabilities.effective:"));
        cr_assert_eq(d.count, 4);
        sb_diags_free(&d);
        oci_config_free(&cfg);
        policy_profile_free(&p);
}

Test(policy_bounds, privileged_refused)
{
        struct policy_profile p, open;
        struct oci_config cfg;
        struct sb_diags d = {0};
        char caps[4096] = "[";

        for (int c = 0; c <= CAP_LAST_CAP; c++) {
                char *n = cap_to_name((cap_value_t)c);

                for (char *s = n; *s; s++)
                        if (*s >= 'a' && *s <= 'z')
                                *s = (char)(*s - 'a' + 'A');
                snprintf(caps + strlen(caps), sizeof(caps) - strlen(caps), "%s\"%s\"",
                         c ? ", " : "", n);
                cap_free(n);
        }
        strcat(caps, "]");
        profile("{\"privileged\": false}", &p);
        profile("{\"privileged\": true}", &open);
        config(caps, "[{\"type\": \"pid\"}]", &cfg);
        cr_assert(policy_config_is_privileged(&cfg));
        cr_assert_eq(policy_check_bounds(&open, &cfg, &d), 0);
        cr_assert_eq(policy_check_bounds(&p, &cfg, &d), -1);
        cr_assert(has(&d, "profile strict: .process.capabilities: the container is privileged "
                          "(--privileged"));
        sb_diags_free(&d);
        oci_config_free(&cfg);
        policy_profile_free(&p);
        policy_profile_free(&open);
}

Test(policy_bounds, audit_reports_each_excess_with_its_field)
{
        struct policy_profile p;
        struct oci_config cfg;
        struct audit_report r = {0};

        profile("{\"maxCapabilities\": [\"CAP_CHOWN\"], \"privateNamespaces\": [\"pid\"]}", &p);
        config("[\"CAP_CHOWN\", \"CAP_SYS_ADMIN\"]", "[{\"type\": \"mount\"}]", &cfg);
        audit_check_profile_bounds(&p, &cfg, "bundle/config.json", &r);
        /* pid shared, SYS_ADMIN in bounding and in effective. */
        cr_assert_eq(r.count, 3);
        for (size_t i = 0; i < r.count; i++) {
                cr_assert_str_eq(r.items[i].check->id, "SB-PROFILE-001");
                cr_assert_eq(r.items[i].severity, AUDIT_HIGH);
                cr_assert_str_eq(r.items[i].input, "bundle/config.json");
                cr_assert_str_eq(r.items[i].value, "strict");
        }
        cr_assert_str_eq(r.items[0].field, ".process.capabilities.bounding");
        cr_assert(strstr(r.items[0].message, "CAP_SYS_ADMIN") != NULL);
        cr_assert_str_eq(r.items[2].field, ".linux.namespaces");
        cr_assert(strstr(r.items[2].message, "--pid=host is refused") != NULL);
        audit_report_free(&r);

        /* Within bounds: nothing. */
        oci_config_free(&cfg);
        config("[\"CAP_CHOWN\"]", "[{\"type\": \"pid\"}]", &cfg);
        audit_check_profile_bounds(&p, &cfg, NULL, &r);
        cr_assert_eq(r.count, 0);
        audit_report_free(&r);
        oci_config_free(&cfg);
        policy_profile_free(&p);
}
