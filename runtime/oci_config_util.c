/* Freeing the config model and the small name tables shared with the runtime. */
#include "runtime/oci_config.h"

#include <stdlib.h>
#include <string.h>

static const char *const ns_names[OCI_NS_NTYPES] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "network", [OCI_NS_MOUNT] = "mount",
    [OCI_NS_IPC] = "ipc",       [OCI_NS_UTS] = "uts",         [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

const char *oci_ns_type_name(enum oci_ns_type t)
{
        return (unsigned)t < OCI_NS_NTYPES ? ns_names[t] : "unknown";
}

int oci_ns_type_from_name(const char *name, enum oci_ns_type *out)
{
        for (int i = 0; i < OCI_NS_NTYPES; i++) {
                if (strcmp(ns_names[i], name) == 0) {
                        *out = (enum oci_ns_type)i;
                        return 0;
                }
        }
        return -1;
}

const char *oci_seccomp_action_name(enum oci_seccomp_action a)
{
        static const char *const names[] = {
            [OCI_SCMP_ACT_KILL] = "SCMP_ACT_KILL",
            [OCI_SCMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
            [OCI_SCMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
            [OCI_SCMP_ACT_TRAP] = "SCMP_ACT_TRAP",
            [OCI_SCMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
            [OCI_SCMP_ACT_TRACE] = "SCMP_ACT_TRACE",
            [OCI_SCMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
            [OCI_SCMP_ACT_LOG] = "SCMP_ACT_LOG",
            [OCI_SCMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
        };
        return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "unknown";
}

bool oci_seccomp_uses_notify(const struct oci_seccomp *s)
{
        if (!s->present)
                return false;
        if (s->default_action == OCI_SCMP_ACT_NOTIFY)
                return true;
        for (size_t i = 0; i < s->n_syscalls; i++)
                if (s->syscalls[i].action == OCI_SCMP_ACT_NOTIFY)
                        return true;
        return false;
}

const char *oci_hook_kind_name(enum oci_hook_kind k)
{
        static const char *const names[OCI_HOOK_NKINDS] = {
            [OCI_HOOK_PRESTART] = "prestart",
            [OCI_HOOK_CREATE_RUNTIME] = "createRuntime",
            [OCI_HOOK_CREATE_CONTAINER] = "createContainer",
            [OCI_HOOK_START_CONTAINER] = "startContainer",
            [OCI_HOOK_POSTSTART] = "poststart",
            [OCI_HOOK_POSTSTOP] = "poststop",
        };
        return (unsigned)k < OCI_HOOK_NKINDS ? names[k] : "unknown";
}

const struct oci_namespace *oci_config_namespace(const struct oci_config *cfg, enum oci_ns_type t)
{
        for (size_t i = 0; i < cfg->linux_.n_namespaces; i++)
                if (cfg->linux_.namespaces[i].type == t)
                        return &cfg->linux_.namespaces[i];
        return NULL;
}

/* ---- free ------------------------------------------------------------------- */

static void free_strlist(struct oci_string_list *l)
{
        for (size_t i = 0; i < l->count; i++)
                free(l->items[i]);
        free(l->items);
}

static void free_kvlist(struct oci_kv_list *l)
{
        for (size_t i = 0; i < l->count; i++) {
                free(l->items[i].key);
                free(l->items[i].value);
        }
        free(l->items);
}

static void free_process(struct oci_process *p)
{
        free(p->user.additional_gids);
        free(p->user.username);
        free_strlist(&p->args);
        free(p->command_line);
        free_strlist(&p->env);
        free(p->cwd);
        for (size_t i = 0; i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        free(p->scheduler.policy);
        free_strlist(&p->scheduler.flags);
        free(p->io_priority.class_name);
        free(p->exec_cpu_affinity.initial);
        free(p->exec_cpu_affinity.final);
}

static void free_resources(struct oci_resources *r)
{
        for (size_t i = 0; i < r->n_devices; i++)
                free(r->devices[i].access);
        free(r->devices);
        free(r->cpu.cpus);
        free(r->cpu.mems);
        free(r->block_io.weight_devices);
        free(r->block_io.throttle_read_bps.items);
        free(r->block_io.throttle_write_bps.items);
        free(r->block_io.throttle_read_iops.items);
        free(r->block_io.throttle_write_iops.items);
        for (size_t i = 0; i < r->n_hugepage_limits; i++)
                free(r->hugepage_limits[i].page_size);
        free(r->hugepage_limits);
        for (size_t i = 0; i < r->n_net_priorities; i++)
                free(r->net_priorities[i].name);
        free(r->net_priorities);
        free_kvlist(&r->rdma);
        free_kvlist(&r->unified);
}

static void free_seccomp(struct oci_seccomp *s)
{
        free_strlist(&s->architectures);
        free_strlist(&s->flags);
        free(s->listener_path);
        free(s->listener_metadata);
        for (size_t i = 0; i < s->n_syscalls; i++) {
                free_strlist(&s->syscalls[i].names);
                free(s->syscalls[i].args);
        }
        free(s->syscalls);
}

static void free_linux(struct oci_linux *l)
{
        for (size_t i = 0; i < l->n_namespaces; i++)
                free(l->namespaces[i].path);
        free(l->namespaces);
        free(l->uid_mappings.items);
        free(l->gid_mappings.items);
        for (size_t i = 0; i < l->n_devices; i++)
                free(l->devices[i].path);
        free(l->devices);
        free(l->cgroups_path);
        free_resources(&l->resources);
        free(l->rootfs_propagation);
        free_seccomp(&l->seccomp);
        free_kvlist(&l->sysctl);
        free_strlist(&l->masked_paths);
        free_strlist(&l->readonly_paths);
        free(l->mount_label);
        free(l->personality.domain);
        free_strlist(&l->personality.flags);
}

void oci_config_free(struct oci_config *cfg)
{
        if (cfg == NULL)
                return;
        free(cfg->oci_version);
        free(cfg->root.path);
        for (size_t i = 0; i < cfg->n_mounts; i++) {
                struct oci_mount *m = &cfg->mounts[i];
                free(m->destination);
                free(m->source);
                free(m->type);
                free_strlist(&m->options);
                free(m->uid_mappings.items);
                free(m->gid_mappings.items);
        }
        free(cfg->mounts);
        free_process(&cfg->process);
        free(cfg->hostname);
        free(cfg->domainname);
        for (int k = 0; k < OCI_HOOK_NKINDS; k++) {
                for (size_t i = 0; i < cfg->hooks[k].count; i++) {
                        free(cfg->hooks[k].items[i].path);
                        free_strlist(&cfg->hooks[k].items[i].args);
                        free_strlist(&cfg->hooks[k].items[i].env);
                }
                free(cfg->hooks[k].items);
        }
        free_kvlist(&cfg->annotations);
        free_linux(&cfg->linux_);
        memset(cfg, 0, sizeof(*cfg));
}
