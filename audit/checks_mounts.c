/* Mounts: container engine sockets, the host's root and sensitive
 * directories, writable /proc, /sys and cgroupfs, and shared propagation.
 * The engine's own binds (resolv.conf, hostname, hosts) are info only. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"

bool audit_mount_has_option(const struct oci_mount *m, const char *opt)
{
        for (size_t i = 0; i < m->options.count; i++)
                if (strcmp(m->options.items[i], opt) == 0)
                        return true;
        return false;
}

bool audit_mount_is_bind(const struct oci_mount *m)
{
        return (m->type != NULL && strcmp(m->type, "bind") == 0) ||
               audit_mount_has_option(m, "bind") || audit_mount_has_option(m, "rbind");
}

static const char *base_name(const char *p)
{
        const char *s = strrchr(p, '/');
        return s != NULL ? s + 1 : p;
}

bool audit_mount_is_engine_managed(const struct oci_mount *m)
{
        static const char *const dests[] = {"/etc/resolv.conf", "/etc/hostname", "/etc/hosts",
                                            "/run/.containerenv", "/dev/termination-log"};

        if (m->destination == NULL || m->source == NULL || !audit_mount_is_bind(m))
                return false;
        for (size_t i = 0; i < sizeof(dests) / sizeof(dests[0]); i++) {
                if (strcmp(m->destination, dests[i]) != 0)
                        continue;
                /* Per-container files in the engine's state: same name, or the
                 * kubelet's "etc-hosts"; never a host's own /etc file. */
                if (strncmp(m->source, "/etc/", 5) == 0)
                        return false;
                return strcmp(base_name(m->source), base_name(dests[i])) == 0 ||
                       strcmp(base_name(m->source), "etc-hosts") == 0;
        }
        return false;
}

/* a is b or below b ("/etc/ssl" under "/etc"). */
static bool path_under(const char *a, const char *b)
{
        size_t n = strlen(b);
        return strncmp(a, b, n) == 0 && (a[n] == '\0' || a[n] == '/');
}

/* Normalises a source path: no trailing slashes, no "//" (not symlinks: the
 * file is audited, not the host). */
static void clean_path(const char *in, char *out, size_t len)
{
        size_t j = 0;
        for (size_t i = 0; in[i] != '\0' && j + 1 < len; i++) {
                if (in[i] == '/' && j > 0 && out[j - 1] == '/')
                        continue;
                out[j++] = in[i];
        }
        while (j > 1 && out[j - 1] == '/')
                j--;
        out[j] = '\0';
}

static const char *const engine_sockets[] = {
    "/run/docker.sock",
    "/var/run/docker.sock",
    "/run/containerd/containerd.sock",
    "/var/run/containerd/containerd.sock",
    "/run/crio/crio.sock",
    "/var/run/crio/crio.sock",
    "/run/podman/podman.sock",
    "/var/run/podman/podman.sock",
    "/run/dockershim.sock",
    "/var/run/dockershim.sock",
    "/run/cri-dockerd.sock",
    "/run/buildkit/buildkitd.sock",
};
static const char *const socket_names[] = {"docker.sock",   "containerd.sock", "crio.sock",
                                           "podman.sock",   "dockershim.sock", "cri-dockerd.sock",
                                           "buildkitd.sock"};

static bool is_engine_socket(const char *src, const char *dst)
{
        for (size_t i = 0; i < sizeof(socket_names) / sizeof(socket_names[0]); i++)
                if (strcmp(base_name(src), socket_names[i]) == 0 ||
                    (dst != NULL && strcmp(base_name(dst), socket_names[i]) == 0))
                        return true;
        /* A directory holding one: -v /var/run:/var/run. */
        for (size_t i = 0; i < sizeof(engine_sockets) / sizeof(engine_sockets[0]); i++)
                if (strcmp(src, "/") != 0 && path_under(engine_sockets[i], src))
                        return true;
        return false;
}

static const char *const sensitive_dirs[] = {
    "/etc",
    "/root",
    "/home",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/boot",
    "/lib/modules",
    "/usr/lib/modules",
    "/dev",
    "/proc",
    "/sys",
};

/* The sensitive directory src is, is in, or contains; NULL when none. */
static const char *sensitive_dir(const char *src)
{
        if (strcmp(src, "/") == 0)
                return NULL;
        for (size_t i = 0; i < sizeof(sensitive_dirs) / sizeof(sensitive_dirs[0]); i++)
                if (path_under(src, sensitive_dirs[i]) || path_under(sensitive_dirs[i], src))
                        return sensitive_dirs[i];
        return NULL;
}

static void check_bind(const struct oci_mount *m, size_t i, struct audit_report *r)
{
        char src[4096], field[64], value[8300];
        const char *dst = m->destination != NULL ? m->destination : "";
        bool ro = audit_mount_has_option(m, "ro");
        const char *dir;

        clean_path(m->source != NULL ? m->source : "", src, sizeof(src));
        snprintf(field, sizeof(field), ".mounts[%zu].source", i);
        snprintf(value, sizeof(value), "%s:%s%s", src, dst, ro ? ":ro" : "");
        if (audit_mount_is_engine_managed(m)) {
                audit_report_add(r, "SB-MNT-008", field, value, "engine-managed bind of %s onto %s",
                                 src, dst);
                return;
        }
        if (is_engine_socket(src, m->destination)) {
                audit_report_add(r, "SB-MNT-001", field, value,
                                 "container engine socket %s is mounted at %s", src, dst);
                return;
        }
        if (strcmp(src, "/") == 0) {
                audit_report_add(r, "SB-MNT-002", field, value,
                                 "the host's root filesystem is mounted at %s%s", dst,
                                 ro ? " (read-only)" : " (writable)");
                return;
        }
        if (path_under(src, "/sys/fs/cgroup") && !ro) {
                audit_report_add(r, "SB-MNT-005", field, value,
                                 "the host's cgroup filesystem %s is mounted writable at %s", src,
                                 dst);
                return;
        }
        if ((path_under(src, "/proc") || path_under(src, "/sys")) && !ro) {
                audit_report_add(r, "SB-MNT-004", field, value,
                                 "the host's %s is mounted writable at %s", src, dst);
                return;
        }
        /* ipc=host brings the host's /dev/shm: reported by SB-NS-003's host IPC. */
        dir = sensitive_dir(src);
        if (dir != NULL && !(strcmp(src, "/dev/shm") == 0 && strcmp(dst, "/dev/shm") == 0)) {
                audit_report_add(r, "SB-MNT-003", field, value,
                                 "host path %s (sensitive: %s) is mounted at %s%s", src, dir, dst,
                                 ro ? " read-only" : "");
                return;
        }
        audit_report_add(r, "SB-MNT-007", field, value, "host path %s is mounted at %s%s", src, dst,
                         ro ? " read-only" : "");
}

static bool shared_propagation(const char *p)
{
        return p != NULL && (strcmp(p, "shared") == 0 || strcmp(p, "rshared") == 0);
}

void audit_check_mounts(const struct oci_config *cfg, struct audit_report *r)
{
        char field[64];

        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const struct oci_mount *m = &cfg->mounts[i];
                const char *type = m->type != NULL ? m->type : "";
                const char *dst = m->destination != NULL ? m->destination : "";

                if (audit_mount_is_bind(m))
                        check_bind(m, i, r);
                else if (strcmp(type, "sysfs") == 0 && !audit_mount_has_option(m, "ro")) {
                        snprintf(field, sizeof(field), ".mounts[%zu].options", i);
                        audit_report_add(r, "SB-MNT-004", field, dst,
                                         "sysfs is mounted writable at %s", dst);
                } else if ((strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) &&
                           !audit_mount_has_option(m, "ro")) {
                        snprintf(field, sizeof(field), ".mounts[%zu].options", i);
                        audit_report_add(r, "SB-MNT-005", field, dst,
                                         "the cgroup filesystem is mounted writable at %s", dst);
                }
                for (size_t k = 0; k < m->options.count; k++)
                        if (shared_propagation(m->options.items[k])) {
                                snprintf(field, sizeof(field), ".mounts[%zu].options[%zu]", i, k);
                                audit_report_add(r, "SB-MNT-006", field, m->options.items[k],
                                                 "%s has %s propagation: mounts cross between "
                                                 "the container and the host",
                                                 dst, m->options.items[k]);
                        }
        }
        if (shared_propagation(cfg->linux_.rootfs_propagation))
                audit_report_add(
                    r, "SB-MNT-006", ".linux.rootfsPropagation", cfg->linux_.rootfs_propagation,
                    "the root filesystem has %s propagation", cfg->linux_.rootfs_propagation);
}
