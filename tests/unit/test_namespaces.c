#include <criterion/criterion.h>
#include <sched.h>
#include <string.h>

#include "runtime/namespaces.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static struct oci_config with_ns(struct oci_namespace *ns, size_t n)
{
        struct oci_config c;
        memset(&c, 0, sizeof(c));
        c.linux_.present = true;
        c.linux_.namespaces = ns;
        c.linux_.n_namespaces = n;
        return c;
}

Test(namespaces, new_pid_namespace_comes_from_clone)
{
        struct oci_namespace ns[] = {
            {OCI_NS_PID, NULL}, {OCI_NS_MOUNT, NULL}, {OCI_NS_NETWORK, NULL}};
        struct oci_config c = with_ns(ns, 3);
        struct runtime_ns_plan p;
        runtime_ns_plan(&c, &p);
        cr_assert_eq(p.clone_flags, CLONE_NEWPID);
        cr_assert_eq(p.unshare_flags, CLONE_NEWNS | CLONE_NEWNET);
        cr_assert_not(p.need_fork);
        cr_assert(p.new_mount);
}

Test(namespaces, user_namespace_and_joins)
{
        struct oci_namespace ns[] = {
            {OCI_NS_USER, NULL}, {OCI_NS_NETWORK, "/proc/5/ns/net"}, {OCI_NS_UTS, NULL}};
        struct oci_config c = with_ns(ns, 3);
        struct runtime_ns_plan p;
        runtime_ns_plan(&c, &p);
        cr_assert_eq(p.clone_flags, CLONE_NEWUSER);
        cr_assert_eq(p.unshare_flags, CLONE_NEWUTS);
        cr_assert_str_eq(p.join[OCI_NS_NETWORK], "/proc/5/ns/net");
        cr_assert(p.new_user);
}

Test(namespaces, pid_join_or_time_namespace_needs_a_second_fork)
{
        struct oci_namespace a[] = {{OCI_NS_PID, "/proc/9/ns/pid"}};
        struct oci_namespace b[] = {{OCI_NS_PID, NULL}, {OCI_NS_TIME, NULL}};
        struct oci_config ca = with_ns(a, 1), cb = with_ns(b, 2);
        struct runtime_ns_plan p;
        runtime_ns_plan(&ca, &p);
        cr_assert(p.need_fork);
        runtime_ns_plan(&cb, &p);
        cr_assert(p.need_fork);
        /* the new pid namespace must then be unshared, so the second child is its pid 1 */
        cr_assert_eq(p.clone_flags, 0);
        cr_assert_eq(p.unshare_flags, CLONE_NEWPID | CLONE_NEWTIME);
}

Test(namespaces, id_map_format)
{
        struct oci_id_mapping m[] = {{0, 100000, 65536}, {65536, 5, 1}};
        struct oci_id_mappings ms = {m, 2};
        char buf[64];
        cr_assert_eq(runtime_format_id_map(&ms, buf, sizeof(buf)), 25);
        cr_assert_str_eq(buf, "0 100000 65536\n65536 5 1\n");
        cr_assert_lt(runtime_format_id_map(&ms, buf, 10), 0, "too small a buffer is an error");
}
