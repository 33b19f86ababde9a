/* Namespaces: which ones the container creates, which it joins by path, and
 * the user-namespace id maps. The plan is pure; the joins are the edge. */
#ifndef SANDBOX_NAMESPACES_H
#define SANDBOX_NAMESPACES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

struct runtime_ns_plan {
        int clone_flags;   /* given to clone(): CLONE_NEWUSER and/or CLONE_NEWPID */
        int unshare_flags; /* unshare()d by the child after joins */
        bool need_fork;    /* pid or time namespace only applies to children: fork once more */
        bool new_user;
        bool new_mount;
        const char *join[OCI_NS_NTYPES]; /* path to setns() into, by type */
};

int runtime_ns_clone_flag(enum oci_ns_type t);
void runtime_ns_plan(const struct oci_config *cfg, struct runtime_ns_plan *p);

/* "0 100000 65536\n" lines, as /proc/PID/uid_map wants them. Pure. */
int runtime_format_id_map(const struct oci_id_mappings *m, char *buf, size_t len);
int runtime_write_id_maps(pid_t pid, const struct oci_config *cfg, struct sb_err *err);

/* Brings `lo` up in the caller's network namespace (as runc does in a
 * network namespace it creates; one that is joined is left as it is). */
int runtime_loopback_up(struct sb_err *err);

/* Opens every path in plan->join (before anything changes our view), fds[t]
 * = -1 where nothing is joined. */
int runtime_ns_open_joins(const struct runtime_ns_plan *p, int fds[OCI_NS_NTYPES],
                          struct sb_err *err);
int runtime_ns_setns(int fd, enum oci_ns_type t, const char *path, struct sb_err *err);
/* Time offsets for a new time namespace: written before any process enters it. */
int runtime_write_time_offsets(const struct oci_config *cfg, struct sb_err *err);

#endif
