#include <criterion/criterion.h>
#include <string.h>

#include "runtime/sysctl.h"

static struct oci_namespace NS[3];

static struct oci_config cfg_with(const char *key, const enum oci_ns_type *ns, size_t n_ns,
                                  struct oci_kv *kv)
{
        struct oci_config c;
        memset(&c, 0, sizeof(c));
        kv->key = (char *)key;
        kv->value = "1";
        c.linux_.sysctl.items = kv;
        c.linux_.sysctl.count = 1;
        for (size_t i = 0; i < n_ns; i++)
                NS[i] = (struct oci_namespace){.type = ns[i]};
        c.linux_.namespaces = NS;
        c.linux_.n_namespaces = n_ns;
        return c;
}

static int check(const char *key, const enum oci_ns_type *ns, size_t n_ns, struct sb_diags *d)
{
        struct oci_kv kv;
        struct oci_config c = cfg_with(key, ns, n_ns, &kv);
        return runtime_sysctl_check(&c, d);
}

Test(sysctl, key_path)
{
        char p[256];
        cr_assert_eq(runtime_sysctl_key_path("net.ipv4.ip_forward", p, sizeof(p)), 0);
        cr_assert_str_eq(p, "net/ipv4/ip_forward");
        cr_assert_eq(runtime_sysctl_key_path("net/ipv4/conf/eth0.100/forwarding", p, sizeof(p)), 0);
        cr_assert_str_eq(p, "net/ipv4/conf/eth0.100/forwarding");
        const char *bad[] = {"",          "..",        "net..ipv4", "/etc/passwd", "net/../../x",
                             "net.ipv4.", ".net.ipv4", "net//ipv4", "net/./x"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                cr_expect_eq(runtime_sysctl_key_path(bad[i], p, sizeof(p)), -1, "%s", bad[i]);
}

Test(sysctl, namespaced_keys_need_their_namespace)
{
        const enum oci_ns_type ipc[] = {OCI_NS_IPC}, net[] = {OCI_NS_NETWORK}, uts[] = {OCI_NS_UTS};
        struct sb_diags d = {0};
        cr_expect_eq(check("kernel.shmmax", ipc, 1, &d), 0);
        cr_expect_eq(check("fs.mqueue.msg_max", ipc, 1, &d), 0);
        cr_expect_eq(check("net.ipv4.ip_forward", net, 1, &d), 0);
        cr_expect_eq(check("kernel.domainname", uts, 1, &d), 0);
        cr_assert_eq(d.count, 0);

        cr_expect_eq(check("kernel.shmmax", net, 1, &d), -1);
        cr_expect_eq(check("net.ipv4.ip_forward", ipc, 1, &d), -1);
        cr_expect_eq(check("kernel.hostname", uts, 1, &d), -1);
        cr_expect_eq(check("kernel.domainname", ipc, 1, &d), -1);
        cr_expect_eq(check("vm.swappiness", ipc, 1, &d), -1);
        cr_expect_eq(check("kernel.core_pattern", uts, 1, &d), -1);
        cr_expect_eq(check("net/../kernel/core_pattern", net, 1, &d), -1);
        cr_assert_eq(d.count, 7);
        cr_assert(strstr(d.items[0], "kernel.shmmax") != NULL, "%s", d.items[0]);
        sb_diags_free(&d);
}
