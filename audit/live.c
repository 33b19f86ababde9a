/* The live view of a process: its namespaces compared with the host's, its
 * capabilities, seccomp mode, no_new_privs, uid map and mounts, all from
 * /proc. audit_live_read is the only part that touches the system; the
 * checks turn what it read into the config model and reuse the config checks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "runtime/cleanup.h"

/* /proc/PID/ns/<name> for each oci_ns_type. */
static const char *const proc_ns_names[OCI_NS_NTYPES] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",
    [OCI_NS_IPC] = "ipc",       [OCI_NS_UTS] = "uts",     [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

unsigned long long audit_initial_ns_inode(enum oci_ns_type t)
{
        /* include/linux/proc_ns.h: PROC_IPC_INIT_INO 0xEFFFFFFF, UTS ...FE, USER ...FD,
         * PID ...FC, CGROUP ...FB, TIME ...FA; since Linux 6.x also NET ...F9 and MNT ...F8
         * (older kernels number those dynamically: no match then, never a false one). */
        switch (t) {
        case OCI_NS_IPC:
                return 0xEFFFFFFFull;
        case OCI_NS_UTS:
                return 0xEFFFFFFEull;
        case OCI_NS_USER:
                return 0xEFFFFFFDull;
        case OCI_NS_PID:
                return 0xEFFFFFFCull;
        case OCI_NS_CGROUP:
                return 0xEFFFFFFBull;
        case OCI_NS_TIME:
                return 0xEFFFFFFAull;
        case OCI_NS_NETWORK:
                return 0xEFFFFFF9ull;
        case OCI_NS_MOUNT:
                return 0xEFFFFFF8ull;
        default:
                return 0;
        }
}

static char *read_text(const char *path)
{
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        char *buf = NULL;
        size_t len = 0;
        FILE *m;

        if (f == NULL)
                return NULL;
        m = open_memstream(&buf, &len);
        if (m == NULL)
                return NULL;
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && len < (64u << 20))
                fwrite(chunk, 1, n, m);
        fclose(m);
        return buf;
}

int audit_live_read(int pid, struct audit_live *out, struct sb_err *err)
{
        char path[128];
        struct stat st;
        _cleanup_free_ char *status = NULL, *uid_map = NULL;
        bool fallback = false;

        memset(out, 0, sizeof(*out));
        out->pid = pid;
        out->seccomp_mode = -1;
        out->no_new_privs = -1;
        snprintf(path, sizeof(path), "/proc/%d/status", pid);
        status = read_text(path);
        if (status == NULL)
                return sb_err_set(err, errno, "open `%s`", path);
        for (int t = 0; t < OCI_NS_NTYPES; t++) {
                snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid, proc_ns_names[t]);
                if (stat(path, &st) == 0)
                        out->ns[t] = st.st_ino;
                else if (errno != ENOENT && errno != EACCES && errno != EPERM)
                        return sb_err_set(err, errno, "stat `%s`", path);
                /* else unknown (0): no finding rather than a guess */
                /* The host's: pid 1's, or when that is hidden (some sandboxes
                 * deny even root), the kernel's fixed initial inode numbers. */
                snprintf(path, sizeof(path), "/proc/1/ns/%s", proc_ns_names[t]);
                if (stat(path, &st) == 0)
                        out->host_ns[t] = st.st_ino;
                else {
                        out->host_ns[t] = audit_initial_ns_inode((enum oci_ns_type)t);
                        fallback = true;
                }
        }
        out->host_ns_known = true;
        out->host_ns_source = fallback ? "kernel initial namespaces" : "/proc/1/ns";
        for (char *line = status; line != NULL && *line != '\0';) {
                char *nl = strchr(line, '\n');
                if (nl != NULL)
                        *nl = '\0';
                sscanf(line, "CapEff: %llx", &out->cap_eff);
                sscanf(line, "CapBnd: %llx", &out->cap_bnd);
                sscanf(line, "CapAmb: %llx", &out->cap_amb);
                sscanf(line, "Seccomp: %d", &out->seccomp_mode);
                sscanf(line, "NoNewPrivs: %d", &out->no_new_privs);
                sscanf(line, "Uid: %u", &out->uid);
                line = nl != NULL ? nl + 1 : NULL;
        }
        snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
        uid_map = read_text(path);
        if (uid_map != NULL) {
                unsigned long long a, b, c;
                out->uid_map_identity = sscanf(uid_map, "%llu %llu %llu", &a, &b, &c) == 3 &&
                                        a == 0 && b == 0 && c == 4294967295ull;
        }
        snprintf(path, sizeof(path), "/proc/%d/mountinfo", pid);
        out->mountinfo = read_text(path);
        if (out->mountinfo == NULL)
                return sb_err_set(err, errno, "open `%s`", path);
        snprintf(path, sizeof(path), "/proc/%d/attr/current", pid);
        out->lsm_label = read_text(path);
        if (out->lsm_label != NULL)
                out->lsm_label[strcspn(out->lsm_label, "\n")] = '\0';
        return 0;
}

void audit_live_free(struct audit_live *l)
{
        free(l->mountinfo);
        free(l->lsm_label);
        memset(l, 0, sizeof(*l));
}

static char *xstrdup(const char *s)
{
        char *d = strdup(s);
        if (d == NULL)
                abort();
        return d;
}

static void add_str(struct oci_string_list *l, const char *s)
{
        char **n = realloc(l->items, (l->count + 1) * sizeof(*n));
        if (n == NULL)
                abort();
        l->items = n;
        l->items[l->count++] = xstrdup(s);
}

static bool has_token(const char *csv, const char *tok)
{
        size_t n = strlen(tok);
        for (const char *p = csv; p != NULL && *p != '\0';) {
                if (strncmp(p, tok, n) == 0 && (p[n] == ',' || p[n] == '\0'))
                        return true;
                p = strchr(p, ',');
                if (p != NULL)
                        p++;
        }
        return false;
}

/* mountinfo lines -> mounts, masked and read-only paths, root readonly. */
static void mounts_from_mountinfo(char *text, struct oci_config *cfg)
{
        static const char *const system_paths[] = {
            "/proc/kcore", "/proc/keys",          "/proc/timer_list", "/sys/firmware",
            "/proc/sys",   "/proc/sysrq-trigger", "/proc/irq",        "/proc/bus"};
        static const char *const virtual_fs[] = {"proc",     "sysfs",      "tmpfs",   "devpts",
                                                 "mqueue",   "cgroup",     "cgroup2", "overlay",
                                                 "devtmpfs", "securityfs", "debugfs", "tracefs"};

        for (char *line = text; line != NULL && *line != '\0';) {
                char *nl = strchr(line, '\n');
                char root[4096], mnt[4096], opts[1024], optional[1024] = "", fstype[64];
                char *dash;
                if (nl != NULL)
                        *nl = '\0';
                dash = strstr(line, " - ");
                if (dash != NULL &&
                    sscanf(line, "%*d %*d %*s %4095s %4095s %1023s %1023[^\n]", root, mnt, opts,
                           optional) >= 3 &&
                    sscanf(dash + 3, "%63s", fstype) == 1) {
                        bool ro = has_token(opts, "ro"), is_virtual = false;
                        for (size_t i = 0; i < sizeof(virtual_fs) / sizeof(virtual_fs[0]); i++)
                                if (strcmp(fstype, virtual_fs[i]) == 0)
                                        is_virtual = true;
                        if (strcmp(mnt, "/") == 0)
                                cfg->root.readonly = ro;
                        for (size_t i = 0; i < sizeof(system_paths) / sizeof(system_paths[0]); i++)
                                if (strcmp(mnt, system_paths[i]) == 0)
                                        add_str(ro && i >= 4 ? &cfg->linux_.readonly_paths
                                                             : &cfg->linux_.masked_paths,
                                                mnt);
                        struct oci_mount *m = NULL;
                        const char *type = NULL;
                        if (strcmp(fstype, "sysfs") == 0 && strcmp(mnt, "/sys") == 0)
                                type = "sysfs";
                        else if ((strcmp(fstype, "cgroup") == 0 ||
                                  strcmp(fstype, "cgroup2") == 0) &&
                                 strncmp(mnt, "/sys/fs/cgroup", 14) == 0)
                                type = "cgroup";
                        else if (strcmp(mnt, "/") != 0 && (strcmp(root, "/") != 0 || !is_virtual) &&
                                 strncmp(root, "/var/lib/docker/volumes/", 24) != 0 &&
                                 strstr(optional, "master:") == NULL && !is_virtual)
                                type = "bind";
                        if (type != NULL) {
                                struct oci_mount *n =
                                    realloc(cfg->mounts, (cfg->n_mounts + 1) * sizeof(*n));
                                if (n == NULL)
                                        abort();
                                cfg->mounts = n;
                                m = &cfg->mounts[cfg->n_mounts++];
                                memset(m, 0, sizeof(*m));
                                m->type = xstrdup(type);
                                m->source = xstrdup(root);
                                m->destination = xstrdup(mnt);
                                if (strcmp(type, "bind") == 0)
                                        add_str(&m->options, "rbind");
                                if (ro)
                                        add_str(&m->options, "ro");
                                if (strstr(optional, "shared:") != NULL &&
                                    strcmp(type, "bind") == 0)
                                        add_str(&m->options, "shared");
                        }
                }
                line = nl != NULL ? nl + 1 : NULL;
        }
}

/* Maps a config field to the /proc file it came from. */
static void live_field(const struct audit_live *l, const char *field, char *buf, size_t len)
{
        static const struct {
                const char *prefix, *file;
        } map[] = {
            {".process.capabilities.bounding", "status:CapBnd"},
            {".process.capabilities.effective", "status:CapEff"},
            {".process.capabilities.permitted", "status:CapEff"},
            {".process.capabilities.ambient", "status:CapAmb"},
            {".process.noNewPrivileges", "status:NoNewPrivs"},
            {".process.user.uid", "uid_map"},
            {".linux.seccomp", "status:Seccomp"},
            {".process.apparmorProfile", "attr/current"},
            {".process.selinuxLabel", "attr/current"},
            {".process", "attr/current"},
        };
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
                if (strncmp(field, map[i].prefix, strlen(map[i].prefix)) == 0) {
                        snprintf(buf, len, "/proc/%d/%s", l->pid, map[i].file);
                        return;
                }
        snprintf(buf, len, "/proc/%d/mountinfo", l->pid);
}

int audit_live_check(const struct audit_live *l, const char *input_name, struct audit_report *out)
{
        static const struct {
                enum oci_ns_type type;
                const char *id;
        } ns_checks[] = {{OCI_NS_MOUNT, "SB-NS-008"},   {OCI_NS_PID, "SB-NS-001"},
                         {OCI_NS_NETWORK, "SB-NS-002"}, {OCI_NS_IPC, "SB-NS-003"},
                         {OCI_NS_UTS, "SB-NS-004"},     {OCI_NS_USER, "SB-NS-005"},
                         {OCI_NS_CGROUP, "SB-NS-006"},  {OCI_NS_TIME, "SB-NS-007"}};
        struct oci_config cfg;
        struct oci_namespace ns[OCI_NS_NTYPES];
        size_t from = out->count, n_ns = 0;
        char field[128], value[64];
        bool host_user = false;

        for (size_t i = 0; i < sizeof(ns_checks) / sizeof(ns_checks[0]); i++) {
                enum oci_ns_type t = ns_checks[i].type;
                bool shared = l->ns[t] != 0 && l->host_ns[t] != 0 && l->ns[t] == l->host_ns[t];
                if (t == OCI_NS_USER && l->uid_map_identity)
                        shared = true;
                if (!shared) {
                        ns[n_ns++] = (struct oci_namespace){.type = t};
                        continue;
                }
                if (t == OCI_NS_USER)
                        host_user = true;
                snprintf(field, sizeof(field), "/proc/%d/ns/%s", l->pid, proc_ns_names[t]);
                snprintf(value, sizeof(value), "%s:[%llu]", proc_ns_names[t], l->ns[t]);
                audit_report_add(out, ns_checks[i].id, field, value,
                                 "the process is in the host's %s namespace (same inode as %s)",
                                 oci_ns_type_name(t), l->host_ns_source);
        }

        memset(&cfg, 0, sizeof(cfg));
        cfg.process.present = true;
        cfg.process.user.uid = l->uid;
        cfg.process.no_new_privileges = l->no_new_privs == 1;
        cfg.process.capabilities.present = true;
        cfg.process.capabilities.has[OCI_CAP_BOUNDING] = true;
        cfg.process.capabilities.sets[OCI_CAP_BOUNDING] = l->cap_bnd;
        cfg.process.capabilities.has[OCI_CAP_EFFECTIVE] = true;
        cfg.process.capabilities.sets[OCI_CAP_EFFECTIVE] = l->cap_eff;
        cfg.process.capabilities.has[OCI_CAP_AMBIENT] = true;
        cfg.process.capabilities.sets[OCI_CAP_AMBIENT] = l->cap_amb;
        /* The live view cannot see the device cgroup; report what it can. */
        cfg.linux_.namespaces = ns;
        cfg.linux_.n_namespaces = n_ns;
        (void)host_user;
        if (l->seccomp_mode != 0) {
                cfg.linux_.seccomp.present = true;
                cfg.linux_.seccomp.default_action = OCI_SCMP_ACT_ERRNO;
        }
        if (l->lsm_label != NULL && l->lsm_label[0] != '\0') {
                /* AppArmor: "name (enforce)" or "unconfined"; SELinux: user:role:type:level. */
                if (strchr(l->lsm_label, ':') != NULL)
                        cfg.process.selinux_label = xstrdup(l->lsm_label);
                else
                        cfg.process.apparmor_profile =
                            strndup(l->lsm_label, strcspn(l->lsm_label, " "));
        }
        if (l->mountinfo != NULL) {
                char *copy = xstrdup(l->mountinfo);
                mounts_from_mountinfo(copy, &cfg);
                free(copy);
        }
        size_t mid = out->count;
        audit_check_privileges(&cfg, out);
        audit_check_mounts(&cfg, out);
        audit_check_filesystem(&cfg, out);
        for (size_t k = mid; k < out->count; k++) {
                live_field(l, out->items[k].field, field, sizeof(field));
                free(out->items[k].field);
                out->items[k].field = xstrdup(field);
        }
        audit_report_set_input(out, from, input_name);
        cfg.linux_.namespaces = NULL;
        cfg.linux_.n_namespaces = 0;
        oci_config_free(&cfg);
        return 0;
}
