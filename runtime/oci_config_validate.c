/* The runtime-spec's MUST rules on a parsed config. Pure: every problem is
 * one line "config.json: <json path>: <problem>" in diags. The parser already
 * rejected wrong types, unknown enum values and out-of-range numbers; this is
 * about values that are well-formed but not allowed (relative paths, overlapping
 * ID ranges, settings that need a namespace the config does not create). */
#include "runtime/oci_config.h"

#include <ctype.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vctx {
        const char *name;
        struct sb_diags *diags;
        size_t nproblems;
};

static void __attribute__((format(printf, 2, 3))) bad(struct vctx *v, const char *fmt, ...)
{
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (v->diags != NULL)
                sb_diags_add(v->diags, "%s: %s", v->name, msg);
        v->nproblems++;
}

static bool is_abs(const char *p)
{
        return p != NULL && p[0] == '/';
}

/* "1.0.0" to "1.3.x", with optional pre-release or build suffix ("1.0.2-dev"). */
static bool version_supported(const char *s)
{
        const char *c = s;
        unsigned long minor;
        char *end;

        if (strncmp(c, "1.", 2) != 0)
                return false;
        c += 2;
        if (!isdigit((unsigned char)*c))
                return false;
        minor = strtoul(c, &end, 10);
        if (minor > 3 || (end - c > 1 && *c == '0') || *end != '.')
                return false;
        c = end + 1;
        if (!isdigit((unsigned char)*c))
                return false;
        while (isdigit((unsigned char)*c))
                c++;
        if (*c == '\0')
                return true;
        if (*c != '-' && *c != '+')
                return false;
        if (c[1] == '\0')
                return false;
        for (c++; *c; c++)
                if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-' && *c != '+')
                        return false;
        return true;
}

static void check_version(struct vctx *v, const struct oci_config *cfg)
{
        if (cfg->oci_version == NULL)
                bad(v, ".ociVersion: missing required field");
        else if (!version_supported(cfg->oci_version))
                bad(v, ".ociVersion: unsupported version \"%s\" (sandbox supports 1.0.0 to 1.3.x)",
                    cfg->oci_version);
}

static void check_abs(struct vctx *v, const char *path, const char *what)
{
        if (path != NULL && !is_abs(path))
                bad(v, "%s: must be absolute", what);
}

static void check_abs_list(struct vctx *v, const struct oci_string_list *l, const char *what)
{
        for (size_t i = 0; i < l->count; i++)
                if (l->items[i] != NULL && !is_abs(l->items[i]))
                        bad(v, "%s[%zu]: must be absolute", what, i);
}

/* Size > 0, no wrap past 2^32, no two ranges sharing an ID on either side. */
static void check_mappings(struct vctx *v, const struct oci_id_mappings *m, const char *what)
{
        for (size_t i = 0; i < m->count; i++) {
                const struct oci_id_mapping *a = &m->items[i];
                if (a->size == 0) {
                        bad(v, "%s[%zu].size: must be greater than 0", what, i);
                        continue;
                }
                if ((uint64_t)a->container_id + a->size > UINT64_C(1) << 32 ||
                    (uint64_t)a->host_id + a->size > UINT64_C(1) << 32) {
                        bad(v, "%s[%zu]: range overflows the 32-bit ID space", what, i);
                        continue;
                }
                for (size_t j = 0; j < i; j++) {
                        const struct oci_id_mapping *b = &m->items[j];
                        if (b->size == 0)
                                continue;
                        if ((uint64_t)a->container_id < (uint64_t)b->container_id + b->size &&
                            (uint64_t)b->container_id < (uint64_t)a->container_id + a->size)
                                bad(v, "%s[%zu]: container IDs overlap %s[%zu]", what, i, what, j);
                        if ((uint64_t)a->host_id < (uint64_t)b->host_id + b->size &&
                            (uint64_t)b->host_id < (uint64_t)a->host_id + a->size)
                                bad(v, "%s[%zu]: host IDs overlap %s[%zu]", what, i, what, j);
                }
        }
}

/* The schema's "^[0-9, -]*$" for execCPUAffinity. */
static void check_cpu_list(struct vctx *v, const char *s, const char *what)
{
        if (s != NULL && s[strspn(s, "0123456789, -")] != '\0')
                bad(v, "%s: invalid CPU list \"%s\"", what, s);
}

static void check_process(struct vctx *v, const struct oci_process *p)
{
        if (!p->present)
                return;
        if (p->args.count == 0)
                bad(v, ".process.args: must not be empty");
        if (p->cwd == NULL)
                bad(v, ".process.cwd: missing required field");
        else
                check_abs(v, p->cwd, ".process.cwd");
        for (size_t i = 0; i < p->n_rlimits; i++) {
                const struct oci_rlimit *r = &p->rlimits[i];
                if (r->soft > r->hard)
                        bad(v, ".process.rlimits[%zu]: soft limit %ju exceeds hard limit %ju", i,
                            (uintmax_t)r->soft, (uintmax_t)r->hard);
                for (size_t j = 0; j < i; j++) {
                        if (p->rlimits[j].resource == r->resource) {
                                bad(v, ".process.rlimits[%zu].type: duplicate rlimit type \"%s\"",
                                    i, r->type);
                                break;
                        }
                }
        }
        if (p->io_priority.present && (p->io_priority.priority < 0 || p->io_priority.priority > 7))
                bad(v, ".process.ioPriority.priority: %d out of range (0..7)",
                    p->io_priority.priority);
        check_cpu_list(v, p->exec_cpu_affinity.initial, ".process.execCPUAffinity.initial");
        check_cpu_list(v, p->exec_cpu_affinity.final, ".process.execCPUAffinity.final");
}

static void check_mounts(struct vctx *v, const struct oci_config *cfg)
{
        char what[64];

        for (size_t i = 0; i < cfg->n_mounts; i++) {
                const struct oci_mount *m = &cfg->mounts[i];
                /* Relative destinations are deprecated but allowed (relative to "/"). */
                if (m->destination != NULL && m->destination[0] == '\0')
                        bad(v, ".mounts[%zu].destination: must not be empty", i);
                snprintf(what, sizeof(what), ".mounts[%zu].uidMappings", i);
                check_mappings(v, &m->uid_mappings, what);
                snprintf(what, sizeof(what), ".mounts[%zu].gidMappings", i);
                check_mappings(v, &m->gid_mappings, what);
        }
}

static void check_hooks(struct vctx *v, const struct oci_config *cfg)
{
        for (int k = 0; k < OCI_HOOK_NKINDS; k++) {
                for (size_t i = 0; i < cfg->hooks[k].count; i++) {
                        const struct oci_hook *h = &cfg->hooks[k].items[i];
                        if (h->path != NULL && !is_abs(h->path))
                                bad(v, ".hooks.%s[%zu].path: must be absolute",
                                    oci_hook_kind_name(k), i);
                        if (h->has_timeout && h->timeout <= 0)
                                bad(v, ".hooks.%s[%zu].timeout: must be greater than 0",
                                    oci_hook_kind_name(k), i);
                }
        }
}

static void check_namespaces(struct vctx *v, const struct oci_config *cfg)
{
        const struct oci_linux *l = &cfg->linux_;
        bool has_user = oci_config_namespace(cfg, OCI_NS_USER) != NULL;

        for (size_t i = 0; i < l->n_namespaces; i++) {
                const struct oci_namespace *ns = &l->namespaces[i];
                if (ns->path != NULL && !is_abs(ns->path))
                        bad(v, ".linux.namespaces[%zu].path: must be absolute", i);
                for (size_t j = 0; j < i; j++) {
                        if (l->namespaces[j].type == ns->type) {
                                bad(v,
                                    ".linux.namespaces[%zu].type: duplicate namespace type "
                                    "\"%s\" (first at .linux.namespaces[%zu])",
                                    i, oci_ns_type_name(ns->type), j);
                                break;
                        }
                }
        }
        if (!has_user && l->uid_mappings.count > 0)
                bad(v, ".linux.uidMappings: requires a user namespace");
        if (!has_user && l->gid_mappings.count > 0)
                bad(v, ".linux.gidMappings: requires a user namespace");
        check_mappings(v, &l->uid_mappings, ".linux.uidMappings");
        check_mappings(v, &l->gid_mappings, ".linux.gidMappings");
        if ((l->time_offsets_boottime.present || l->time_offsets_monotonic.present) &&
            oci_config_namespace(cfg, OCI_NS_TIME) == NULL)
                bad(v, ".linux.timeOffsets: requires a time namespace");
        if (l->time_offsets_boottime.nanosecs >= 1000000000u)
                bad(v, ".linux.timeOffsets.boottime.nanosecs: must be less than 1000000000");
        if (l->time_offsets_monotonic.nanosecs >= 1000000000u)
                bad(v, ".linux.timeOffsets.monotonic.nanosecs: must be less than 1000000000");
        if (cfg->hostname != NULL && oci_config_namespace(cfg, OCI_NS_UTS) == NULL)
                bad(v, ".hostname: requires a UTS namespace");
        if (cfg->domainname != NULL && oci_config_namespace(cfg, OCI_NS_UTS) == NULL)
                bad(v, ".domainname: requires a UTS namespace");
}

static void check_devices(struct vctx *v, const struct oci_linux *l)
{
        for (size_t i = 0; i < l->n_devices; i++) {
                const struct oci_device *d = &l->devices[i];
                if (d->path != NULL && !is_abs(d->path))
                        bad(v, ".linux.devices[%zu].path: must be absolute", i);
                if (d->type == '\0')
                        continue;
                if (strchr("cbup", d->type) == NULL)
                        bad(v, ".linux.devices[%zu].type: must be one of c, b, u, p (got \"%c\")",
                            i, d->type);
                else if (d->type == 'p' && (d->has_major || d->has_minor))
                        bad(v, ".linux.devices[%zu]: a fifo (type \"p\") takes no major or minor",
                            i);
                else if (d->type != 'p' && (!d->has_major || !d->has_minor))
                        bad(v, ".linux.devices[%zu]: type \"%c\" requires major and minor", i,
                            d->type);
        }
        for (size_t i = 0; i < l->resources.n_devices; i++) {
                const struct oci_device_cgroup_rule *r = &l->resources.devices[i];
                if (strchr("acb", r->type) == NULL || r->type == '\0')
                        bad(v,
                            ".linux.resources.devices[%zu].type: must be one of a, c, b (got "
                            "\"%c\")",
                            i, r->type);
                if (r->access != NULL && r->access[strspn(r->access, "rwm")] != '\0')
                        bad(v,
                            ".linux.resources.devices[%zu].access: must be a combination of r, w, "
                            "m (got \"%s\")",
                            i, r->access);
        }
}

static const char *const seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

/* The spec's SCMP_ARCH_X86_64 is libseccomp's "x86_64". */
static bool arch_known(const char *name)
{
        char lower[64];
        size_t n;

        if (strncmp(name, "SCMP_ARCH_", 10) != 0)
                return false;
        name += 10;
        n = strlen(name);
        if (n == 0 || n >= sizeof(lower))
                return false;
        for (size_t i = 0; i <= n; i++)
                lower[i] = (char)tolower((unsigned char)name[i]);
        return seccomp_arch_resolve_name(lower) != 0;
}

static bool action_takes_errno(enum oci_seccomp_action a)
{
        return a == OCI_SCMP_ACT_ERRNO || a == OCI_SCMP_ACT_TRACE;
}

static void check_seccomp(struct vctx *v, const struct oci_seccomp *s)
{
        bool notify = false;

        if (!s->present)
                return;
        if (s->has_default_errno_ret && !action_takes_errno(s->default_action))
                bad(v, ".linux.seccomp.defaultErrnoRet: not valid with defaultAction %s",
                    oci_seccomp_action_name(s->default_action));
        notify = s->default_action == OCI_SCMP_ACT_NOTIFY;
        for (size_t i = 0; i < s->architectures.count; i++) {
                const char *a = s->architectures.items[i];
                if (a != NULL && !arch_known(a)) {
                        const struct scmp_version *ver = seccomp_version();
                        bad(v,
                            ".linux.seccomp.architectures[%zu]: unknown architecture \"%s\" (not "
                            "known to libseccomp %u.%u.%u)",
                            i, a, ver ? ver->major : 0, ver ? ver->minor : 0, ver ? ver->micro : 0);
                }
        }
        for (size_t i = 0; i < s->flags.count; i++) {
                const char *f = s->flags.items[i];
                bool known = false;
                for (size_t j = 0; f != NULL && j < sizeof(seccomp_flags) / sizeof(*seccomp_flags);
                     j++)
                        known |= strcmp(f, seccomp_flags[j]) == 0;
                if (f != NULL && !known)
                        bad(v, ".linux.seccomp.flags[%zu]: unknown seccomp flag \"%s\"", i, f);
        }
        for (size_t i = 0; i < s->n_syscalls; i++) {
                const struct oci_seccomp_syscall *sc = &s->syscalls[i];
                if (sc->names.count == 0)
                        bad(v, ".linux.seccomp.syscalls[%zu].names: must not be empty", i);
                for (size_t j = 0; j < sc->names.count; j++)
                        if (sc->names.items[j] != NULL && sc->names.items[j][0] == '\0')
                                bad(v, ".linux.seccomp.syscalls[%zu].names[%zu]: must not be empty",
                                    i, j);
                if (sc->has_errno_ret && !action_takes_errno(sc->action))
                        bad(v, ".linux.seccomp.syscalls[%zu].errnoRet: not valid with action %s", i,
                            oci_seccomp_action_name(sc->action));
                for (size_t j = 0; j < sc->n_args; j++)
                        if (sc->args[j].index >= 6)
                                bad(v,
                                    ".linux.seccomp.syscalls[%zu].args[%zu].index: %u out of "
                                    "range (0..5)",
                                    i, j, sc->args[j].index);
                notify |= sc->action == OCI_SCMP_ACT_NOTIFY;
        }
        /* Without a listener nobody would answer the notifications: the
         * container would hang in the first notified syscall. */
        if (notify && s->listener_path == NULL)
                bad(v, ".linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY");
        check_abs(v, s->listener_path, ".linux.seccomp.listenerPath");
}

static void check_linux(struct vctx *v, const struct oci_config *cfg)
{
        static const char *const propagations[] = {
            "private",  "shared",  "slave",  "unbindable",
            "rprivate", "rshared", "rslave", "runbindable",
        };
        const struct oci_linux *l = &cfg->linux_;

        check_namespaces(v, cfg);
        check_devices(v, l);
        check_seccomp(v, &l->seccomp);
        for (size_t i = 0; i < l->sysctl.count; i++)
                if (l->sysctl.items[i].key != NULL && l->sysctl.items[i].key[0] == '\0')
                        bad(v, ".linux.sysctl[\"\"]: key must not be empty");
        check_abs_list(v, &l->masked_paths, ".linux.maskedPaths");
        check_abs_list(v, &l->readonly_paths, ".linux.readonlyPaths");
        if (l->rootfs_propagation != NULL) {
                bool known = false;
                for (size_t i = 0; i < sizeof(propagations) / sizeof(*propagations); i++)
                        known |= strcmp(l->rootfs_propagation, propagations[i]) == 0;
                if (!known)
                        bad(v, ".linux.rootfsPropagation: unknown propagation \"%s\"",
                            l->rootfs_propagation);
        }
        /* cgroupsPath: absolute, relative and systemd's slice:prefix:name are all valid. */
}

int oci_config_validate(const char *name, const struct oci_config *cfg, struct sb_diags *diags)
{
        struct vctx v = {.name = name ? name : "config.json", .diags = diags};

        check_version(&v, cfg);
        if (cfg->root.path == NULL)
                bad(&v, ".root.path: missing required field");
        else if (cfg->root.path[0] == '\0')
                bad(&v, ".root.path: must not be empty");
        check_mounts(&v, cfg);
        check_process(&v, &cfg->process);
        check_hooks(&v, cfg);
        check_linux(&v, cfg);
        return v.nproblems == 0 ? 0 : -1;
}
