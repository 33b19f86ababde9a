/* OCI mount options ("ro", "rbind", "rprivate", "rnosuid", "size=64m" ...)
 * turned into what the kernel takes: mount(2) flags, a propagation change,
 * mount_setattr(2) attributes and the filesystem-specific data string.
 *
 * Pure: no syscalls. The option table in mount_opts.c is the single source of
 * truth for the option names the runtime knows (also listed by `features`). */
#ifndef SANDBOX_RUNTIME_MOUNT_OPTS_H
#define SANDBOX_RUNTIME_MOUNT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

struct runtime_mount_flags {
        unsigned long flags;       /* MS_* to set (MS_BIND|MS_REC for rbind) */
        unsigned long clear_flags; /* MS_* explicitly cleared ("rw", "suid", "exec" ...) */
        unsigned long
            propagation;     /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE [|MS_REC]; last wins */
        bool bind;           /* "bind" or "rbind" */
        bool recursive_bind; /* "rbind" */
        uint64_t attr_set;   /* MOUNT_ATTR_* set recursively ("rro", "rnosuid" ...) */
        uint64_t attr_clr;   /* MOUNT_ATTR_* cleared recursively ("rrw", "rsuid" ...) */
        char *data;          /* comma-joined fs-specific options, malloc'd; NULL if none */
        bool idmap;          /* "idmap": idmapped mount (top only) */
        bool ridmap;         /* "ridmap": idmapped mount, recursive */
        bool tmpcopyup;      /* "tmpcopyup" (runc extension, accepted and ignored) */
};

/* Parses opts (may be NULL or empty). On failure (out of memory, an empty
 * option) returns -1 with err set; *out is then empty. Unknown options become
 * filesystem data, in order. */
int runtime_mount_opts_parse(const struct oci_string_list *opts, struct runtime_mount_flags *out,
                             struct sb_err *err);
void runtime_mount_flags_free(struct runtime_mount_flags *f);

/* A bind mount ignores flags other than MS_BIND|MS_REC on the first call: the
 * kernel needs a second (remount) step to apply ro/nosuid/nodev/noexec/atime. */
bool runtime_mount_flags_bind_needs_remount(const struct runtime_mount_flags *f);

/* The MOUNT_ATTR_* equivalent of f's per-mount flags (ro, nosuid, nodev,
 * noexec, atime, nosymfollow), for mount_setattr(2) on the top mount only. */
void runtime_mount_flags_to_attr(const struct runtime_mount_flags *f, uint64_t *set, uint64_t *clr);

/* Parses a propagation name as used by linux.rootfsPropagation ("rslave",
 * "private", ...) into MS_* flags. Returns -1 if unknown. */
int runtime_mount_propagation_parse(const char *name, unsigned long *out);

/* The option names the runtime recognises (the `features` list). */
size_t runtime_mount_opts_count(void);
const char *runtime_mount_opts_name(size_t i);

#endif
