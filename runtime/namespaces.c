#include "runtime/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/cleanup.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int runtime_ns_clone_flag(enum oci_ns_type t)
{
        static const int flags[OCI_NS_NTYPES] = {
            [OCI_NS_PID] = CLONE_NEWPID,       [OCI_NS_NETWORK] = CLONE_NEWNET,
            [OCI_NS_MOUNT] = CLONE_NEWNS,      [OCI_NS_IPC] = CLONE_NEWIPC,
            [OCI_NS_UTS] = CLONE_NEWUTS,       [OCI_NS_USER] = CLONE_NEWUSER,
            [OCI_NS_CGROUP] = CLONE_NEWCGROUP, [OCI_NS_TIME] = CLONE_NEWTIME,
        };
        return (unsigned)t < OCI_NS_NTYPES ? flags[t] : 0;
}

void runtime_ns_plan(const struct oci_config *cfg, struct runtime_ns_plan *p)
{
        memset(p, 0, sizeof(*p));
        for (size_t i = 0; i < cfg->linux_.n_namespaces; i++) {
                const struct oci_namespace *ns = &cfg->linux_.namespaces[i];
                if (ns->path != NULL && ns->path[0] != '\0') {
                        p->join[ns->type] = ns->path;
                        continue;
                }
                if (ns->type == OCI_NS_USER) {
                        p->new_user = true;
                        p->clone_flags |= CLONE_NEWUSER;
                } else {
                        p->unshare_flags |= runtime_ns_clone_flag(ns->type);
                }
                if (ns->type == OCI_NS_MOUNT)
                        p->new_mount = true;
        }
        /* A pid namespace joined by path or a time namespace (new or joined) only
         * applies to the caller's children, so the real init is a second fork.
         * Otherwise a new pid namespace is created directly by clone(), which
         * makes the cloned child its pid 1 at no extra cost. */
        p->need_fork = p->join[OCI_NS_PID] != NULL || (p->unshare_flags & CLONE_NEWTIME) != 0;
        if (!p->need_fork && (p->unshare_flags & CLONE_NEWPID)) {
                p->unshare_flags &= ~CLONE_NEWPID;
                p->clone_flags |= CLONE_NEWPID;
        }
}

int runtime_format_id_map(const struct oci_id_mappings *m, char *buf, size_t len)
{
        size_t off = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < m->count; i++) {
                int n = snprintf(buf + off, len - off, "%u %u %u\n", m->items[i].container_id,
                                 m->items[i].host_id, m->items[i].size);
                if (n < 0 || (size_t)n >= len - off)
                        return -ENOSPC;
                off += (size_t)n;
        }
        return (int)off;
}

static int write_file(const char *path, const char *data, size_t len, struct sb_err *err)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "open `%s`", path);
        if (write(fd, data, len) != (ssize_t)len)
                return sb_err_set(err, errno, "write `%s`", path);
        return 0;
}

int runtime_write_id_maps(pid_t pid, const struct oci_config *cfg, struct sb_err *err)
{
        char buf[OCI_MAX_MAPPINGS * 36 + 1];
        char path[64];
        int n;

        /* Written by the parent, which holds CAP_SETUID/CAP_SETGID in the parent
         * user namespace, so any mapping the config asks for is allowed and
         * setgroups can stay enabled for the container's additionalGids. */
        n = runtime_format_id_map(&cfg->linux_.uid_mappings, buf, sizeof(buf));
        if (n < 0)
                return sb_err_set(err, -n, "format uid_map");
        snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
        if (n > 0 && write_file(path, buf, (size_t)n, err) < 0)
                return -1;
        n = runtime_format_id_map(&cfg->linux_.gid_mappings, buf, sizeof(buf));
        if (n < 0)
                return sb_err_set(err, -n, "format gid_map");
        snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
        if (n > 0 && write_file(path, buf, (size_t)n, err) < 0)
                return -1;
        return 0;
}

int runtime_ns_open_joins(const struct runtime_ns_plan *p, int fds[OCI_NS_NTYPES],
                          struct sb_err *err)
{
        for (int t = 0; t < OCI_NS_NTYPES; t++)
                fds[t] = -1;
        for (int t = 0; t < OCI_NS_NTYPES; t++) {
                if (p->join[t] == NULL)
                        continue;
                fds[t] = open(p->join[t], O_RDONLY | O_CLOEXEC);
                if (fds[t] < 0) {
                        int e = errno;
                        for (int u = 0; u < t; u++)
                                if (fds[u] >= 0)
                                        close(fds[u]);
                        return sb_err_set(err, e, "open %s namespace `%s`",
                                          oci_ns_type_name((enum oci_ns_type)t), p->join[t]);
                }
        }
        return 0;
}

int runtime_ns_setns(int fd, enum oci_ns_type t, const char *path, struct sb_err *err)
{
        if (setns(fd, runtime_ns_clone_flag(t)) < 0)
                return sb_err_set(err, errno, "setns %s namespace `%s`", oci_ns_type_name(t), path);
        return 0;
}

int runtime_write_time_offsets(const struct oci_config *cfg, struct sb_err *err)
{
        char buf[128];
        int n = 0;
        const struct oci_time_offset *mono = &cfg->linux_.time_offsets_monotonic;
        const struct oci_time_offset *boot = &cfg->linux_.time_offsets_boottime;

        if (mono->present)
                n += snprintf(buf + n, sizeof(buf) - n, "monotonic %lld %u\n",
                              (long long)mono->secs, mono->nanosecs);
        if (boot->present)
                n += snprintf(buf + n, sizeof(buf) - n, "boottime %lld %u\n", (long long)boot->secs,
                              boot->nanosecs);
        if (n == 0)
                return 0;
        return write_file("/proc/self/timens_offsets", buf, (size_t)n, err);
}

int runtime_loopback_up(struct sb_err *err)
{
        struct ifreq ifr;
        _cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

        if (fd < 0)
                return sb_err_set(err, errno, "loopback: socket(AF_INET)");
        memset(&ifr, 0, sizeof(ifr));
        memcpy(ifr.ifr_name, "lo", 3);
        if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
                return sb_err_set(err, errno, "loopback: SIOCGIFFLAGS `lo`");
        if (ifr.ifr_flags & IFF_UP)
                return 0;
        ifr.ifr_flags |= IFF_UP;
        if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
                return sb_err_set(err, errno, "loopback: SIOCSIFFLAGS `lo` up");
        return 0;
}
