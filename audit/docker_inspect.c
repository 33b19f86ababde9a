/* `docker inspect` output mapped onto the config model, so the same checks
 * run on a running (or created) container: HostConfig's modes, capabilities,
 * security options, binds, devices and limits become the OCI fields Docker
 * would have written. Findings then name docker inspect's own fields. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "audit/audit.h"

#define BIT(c) (1ull << (c))

struct ictx {
        const char *name;
        char prefix[32]; /* "[0]" or "" */
        struct sb_err *err;
};

static char *xstrdup(const char *s)
{
        char *d = strdup(s);
        if (d == NULL)
                abort();
        return d;
}

static int type_error(struct ictx *c, const char *field, const char *want)
{
        return sb_err_set(c->err, 0, "%s: %s.%s: expected %s", c->name, c->prefix, field, want);
}

/* obj.key as a string ("" when absent or null); -1 on a wrong type. */
static int get_str(struct ictx *c, json_t *obj, const char *path, const char *key, const char **out)
{
        json_t *v = json_object_get(obj, key);
        char field[128];

        *out = "";
        if (v == NULL || json_is_null(v))
                return 0;
        if (!json_is_string(v)) {
                snprintf(field, sizeof(field), "%s%s", path, key);
                return type_error(c, field, "a string");
        }
        *out = json_string_value(v);
        return 0;
}

/* obj.key as an array (NULL when absent or null). */
static int get_arr(struct ictx *c, json_t *obj, const char *path, const char *key, json_t **out)
{
        json_t *v = json_object_get(obj, key);
        char field[128];

        *out = NULL;
        if (v == NULL || json_is_null(v))
                return 0;
        if (!json_is_array(v)) {
                snprintf(field, sizeof(field), "%s%s", path, key);
                return type_error(c, field, "an array");
        }
        for (size_t i = 0; i < json_array_size(v); i++)
                if (!json_is_string(json_array_get(v, i)) &&
                    !json_is_object(json_array_get(v, i))) {
                        snprintf(field, sizeof(field), "%s%s[%zu]", path, key, i);
                        return type_error(c, field, "a string or an object");
                }
        *out = v;
        return 0;
}

static int64_t get_int(json_t *obj, const char *key)
{
        json_t *v = json_object_get(obj, key);
        return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static void strlist_add(struct oci_string_list *l, const char *s)
{
        char **n = realloc(l->items, (l->count + 1) * sizeof(*n));
        if (n == NULL)
                abort();
        l->items = n;
        l->items[l->count++] = xstrdup(s);
}

static bool has_opt(json_t *secopts, const char *a, const char *b)
{
        for (size_t i = 0; secopts != NULL && i < json_array_size(secopts); i++) {
                const char *s = json_string_value(json_array_get(secopts, i));
                if (s != NULL && (strcmp(s, a) == 0 || (b != NULL && strcmp(s, b) == 0)))
                        return true;
        }
        return false;
}

/* The value of "key=VALUE" or "key:VALUE" in SecurityOpt, NULL when absent. */
static const char *opt_value(json_t *secopts, const char *key)
{
        size_t n = strlen(key);
        for (size_t i = 0; secopts != NULL && i < json_array_size(secopts); i++) {
                const char *s = json_string_value(json_array_get(secopts, i));
                if (s != NULL && strncmp(s, key, n) == 0 && (s[n] == '=' || s[n] == ':'))
                        return s + n + 1;
        }
        return NULL;
}

static int cap_number(const char *name)
{
        char buf[64];
        cap_value_t v;

        snprintf(buf, sizeof(buf), "%s%s", strncasecmp(name, "CAP_", 4) == 0 ? "" : "cap_", name);
        for (char *p = buf; *p != '\0'; p++)
                *p = (char)tolower((unsigned char)*p);
        if (cap_from_name(buf, &v) != 0 || v < 0 || v >= 64)
                return -1;
        return v;
}

static unsigned long long all_caps(void)
{
        return BIT(CAP_LAST_CAP + 1) - 1;
}

static int map_caps(struct ictx *c, json_t *hc, bool privileged, struct oci_config *cfg)
{
        json_t *add, *drop;
        unsigned long long caps = audit_docker_default_caps();

        if (get_arr(c, hc, "HostConfig.", "CapAdd", &add) < 0 ||
            get_arr(c, hc, "HostConfig.", "CapDrop", &drop) < 0)
                return -1;
        for (size_t i = 0; drop != NULL && i < json_array_size(drop); i++) {
                const char *s = json_string_value(json_array_get(drop, i));
                int n = s != NULL ? cap_number(s) : -1;
                if (s != NULL && strcasecmp(s, "ALL") == 0)
                        caps = 0;
                else if (n >= 0)
                        caps &= ~BIT(n);
        }
        for (size_t i = 0; add != NULL && i < json_array_size(add); i++) {
                const char *s = json_string_value(json_array_get(add, i));
                int n = s != NULL ? cap_number(s) : -1;
                if (s != NULL && strcasecmp(s, "ALL") == 0)
                        caps = all_caps();
                else if (n >= 0)
                        caps |= BIT(n);
        }
        if (privileged)
                caps = all_caps();
        cfg->process.capabilities.present = true;
        for (int s = 0; s < OCI_CAP_NSETS; s++)
                if (s != OCI_CAP_INHERITABLE && s != OCI_CAP_AMBIENT) {
                        cfg->process.capabilities.has[s] = true;
                        cfg->process.capabilities.sets[s] = caps;
                }
        return 0;
}

static void add_ns(struct oci_config *cfg, enum oci_ns_type t, const char *mode)
{
        struct oci_linux *lx = &cfg->linux_;
        struct oci_namespace *n = realloc(lx->namespaces, (lx->n_namespaces + 1) * sizeof(*n));

        if (n == NULL)
                abort();
        lx->namespaces = n;
        n[lx->n_namespaces] = (struct oci_namespace){
            .type = t,
            .path = strncmp(mode, "container:", 10) == 0 ? xstrdup(mode) : NULL,
        };
        lx->n_namespaces++;
}

static int map_namespaces(struct ictx *c, json_t *hc, struct oci_config *cfg)
{
        static const struct {
                const char *key;
                enum oci_ns_type type;
        } modes[] = {{"PidMode", OCI_NS_PID},
                     {"NetworkMode", OCI_NS_NETWORK},
                     {"IpcMode", OCI_NS_IPC},
                     {"UTSMode", OCI_NS_UTS}};
        const char *m;

        add_ns(cfg, OCI_NS_MOUNT, "");
        for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
                if (get_str(c, hc, "HostConfig.", modes[i].key, &m) < 0)
                        return -1;
                if (strcmp(m, "host") != 0)
                        add_ns(cfg, modes[i].type, m);
        }
        /* "" is the daemon's default: no user namespace unless --userns-remap,
         * which docker inspect does not show. */
        if (get_str(c, hc, "HostConfig.", "UsernsMode", &m) < 0)
                return -1;
        if (m[0] != '\0' && strcmp(m, "host") != 0)
                add_ns(cfg, OCI_NS_USER, m);
        if (get_str(c, hc, "HostConfig.", "CgroupnsMode", &m) < 0)
                return -1;
        if (strcmp(m, "private") == 0)
                add_ns(cfg, OCI_NS_CGROUP, m);
        return 0;
}

static struct oci_mount *add_mount(struct oci_config *cfg, const char *type, const char *src,
                                   const char *dst)
{
        struct oci_mount *m = realloc(cfg->mounts, (cfg->n_mounts + 1) * sizeof(*m));

        if (m == NULL)
                abort();
        cfg->mounts = m;
        m = &cfg->mounts[cfg->n_mounts++];
        memset(m, 0, sizeof(*m));
        m->type = xstrdup(type);
        m->source = xstrdup(src);
        m->destination = xstrdup(dst);
        return m;
}

static int map_mounts(struct ictx *c, json_t *hc, bool privileged, struct oci_config *cfg)
{
        json_t *binds, *mounts;

        /* What Docker mounts itself: sysfs and cgroupfs read-only unless privileged. */
        struct oci_mount *m = add_mount(cfg, "sysfs", "sysfs", "/sys");
        if (!privileged)
                strlist_add(&m->options, "ro");
        m = add_mount(cfg, "cgroup", "cgroup", "/sys/fs/cgroup");
        if (!privileged)
                strlist_add(&m->options, "ro");

        if (get_arr(c, hc, "HostConfig.", "Binds", &binds) < 0 ||
            get_arr(c, hc, "HostConfig.", "Mounts", &mounts) < 0)
                return -1;
        for (size_t i = 0; binds != NULL && i < json_array_size(binds); i++) {
                const char *s = json_string_value(json_array_get(binds, i));
                char *copy, *dst, *opts, *tok, *save = NULL;
                if (s == NULL || s[0] != '/') /* a named volume, not a host path */
                        continue;
                copy = xstrdup(s);
                dst = strchr(copy, ':');
                if (dst == NULL) {
                        free(copy);
                        continue;
                }
                *dst++ = '\0';
                opts = strchr(dst, ':');
                if (opts != NULL)
                        *opts++ = '\0';
                m = add_mount(cfg, "bind", copy, dst);
                strlist_add(&m->options, "rbind");
                for (tok = opts ? strtok_r(opts, ",", &save) : NULL; tok != NULL;
                     tok = strtok_r(NULL, ",", &save))
                        strlist_add(&m->options, tok);
                free(copy);
        }
        for (size_t i = 0; mounts != NULL && i < json_array_size(mounts); i++) {
                json_t *o = json_array_get(mounts, i);
                const char *type, *src, *dst;
                char path[64];
                snprintf(path, sizeof(path), "HostConfig.Mounts[%zu].", i);
                if (!json_is_object(o))
                        return type_error(c, "HostConfig.Mounts", "an array of objects");
                if (get_str(c, o, path, "Type", &type) < 0 ||
                    get_str(c, o, path, "Source", &src) < 0 ||
                    get_str(c, o, path, "Target", &dst) < 0)
                        return -1;
                if (strcmp(type, "bind") != 0)
                        continue;
                m = add_mount(cfg, "bind", src, dst);
                strlist_add(&m->options, "rbind");
                if (json_is_true(json_object_get(o, "ReadOnly")))
                        strlist_add(&m->options, "ro");
                const char *prop = json_string_value(
                    json_object_get(json_object_get(o, "BindOptions"), "Propagation"));
                if (prop != NULL)
                        strlist_add(&m->options, prop);
        }
        return 0;
}

static bool looks_block(const char *path)
{
        static const char *const prefixes[] = {
            "/dev/sd",   "/dev/vd",  "/dev/xvd", "/dev/nvme",   "/dev/hd",
            "/dev/loop", "/dev/dm-", "/dev/md",  "/dev/mmcblk", "/dev/mapper/"};
        for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
                if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
                        return true;
        return false;
}

static void add_rule(struct oci_config *cfg, bool allow, char type, bool has_major, int64_t major,
                     bool has_minor, int64_t minor)
{
        struct oci_resources *res = &cfg->linux_.resources;
        struct oci_device_cgroup_rule *r = realloc(res->devices, (res->n_devices + 1) * sizeof(*r));
        if (r == NULL)
                abort();
        res->devices = r;
        res->devices[res->n_devices++] = (struct oci_device_cgroup_rule){
            .allow = allow,
            .type = type,
            .has_major = has_major,
            .major = major,
            .has_minor = has_minor,
            .minor = minor,
        };
        res->present = true;
}

static int map_devices(struct ictx *c, json_t *hc, bool privileged, struct oci_config *cfg)
{
        json_t *devs, *rules;

        if (get_arr(c, hc, "HostConfig.", "Devices", &devs) < 0 ||
            get_arr(c, hc, "HostConfig.", "DeviceCgroupRules", &rules) < 0)
                return -1;
        add_rule(cfg, privileged, 'a', false, 0, false, 0);
        for (size_t i = 0; rules != NULL && i < json_array_size(rules); i++) {
                const char *s = json_string_value(json_array_get(rules, i));
                char type;
                char maj[32], min[32];
                if (s == NULL || sscanf(s, "%c %31[^:]:%31s", &type, maj, min) != 3)
                        continue;
                add_rule(cfg, true, type, strcmp(maj, "*") != 0, strtoll(maj, NULL, 10),
                         strcmp(min, "*") != 0, strtoll(min, NULL, 10));
        }
        for (size_t i = 0; devs != NULL && i < json_array_size(devs); i++) {
                json_t *o = json_array_get(devs, i);
                const char *host;
                struct oci_linux *lx = &cfg->linux_;
                struct oci_device *d;
                char path[64];
                snprintf(path, sizeof(path), "HostConfig.Devices[%zu].", i);
                if (!json_is_object(o))
                        return type_error(c, "HostConfig.Devices", "an array of objects");
                if (get_str(c, o, path, "PathOnHost", &host) < 0)
                        return -1;
                d = realloc(lx->devices, (lx->n_devices + 1) * sizeof(*d));
                if (d == NULL)
                        abort();
                lx->devices = d;
                d = &lx->devices[lx->n_devices++];
                memset(d, 0, sizeof(*d));
                d->path = xstrdup(host);
                d->type = looks_block(host) ? 'b' : 'c';
        }
        return 0;
}

/* Docker's defaults, for documents from engines that do not show them. */
static const char *const default_masked[] = {
    "/proc/asound",        "/proc/acpi",       "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",          "/sys/firmware"};
static const char *const default_readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                               "/proc/sysrq-trigger"};

static int map_paths(struct ictx *c, json_t *hc, bool privileged, const char *key,
                     const char *const *defaults, size_t n, struct oci_string_list *out)
{
        json_t *arr;

        if (get_arr(c, hc, "HostConfig.", key, &arr) < 0)
                return -1;
        if (json_object_get(hc, key) == NULL && !privileged) {
                for (size_t i = 0; i < n; i++)
                        strlist_add(out, defaults[i]);
                return 0;
        }
        for (size_t i = 0; arr != NULL && i < json_array_size(arr); i++)
                if (json_is_string(json_array_get(arr, i)))
                        strlist_add(out, json_string_value(json_array_get(arr, i)));
        return 0;
}

static void map_user(const char *user, struct oci_config *cfg)
{
        char *end;
        unsigned long uid;

        if (user[0] == '\0' || strcmp(user, "root") == 0 || strncmp(user, "root:", 5) == 0) {
                cfg->process.user.uid = 0;
                return;
        }
        uid = strtoul(user, &end, 10);
        /* A name other than root resolves in the image: assume not root. */
        cfg->process.user.uid =
            (end != user && (*end == '\0' || *end == ':')) ? (uint32_t)uid : 65534;
}

static int map_container(struct ictx *c, json_t *o, struct audit_docker_container *out)
{
        struct oci_config *cfg = &out->cfg;
        json_t *hc, *conf, *secopts, *sysctls;
        const char *s, *name, *id;
        bool privileged;

        if (!json_is_object(o))
                return sb_err_set(c->err, 0, "%s: %s: expected an object", c->name,
                                  c->prefix[0] ? c->prefix : ".");
        hc = json_object_get(o, "HostConfig");
        conf = json_object_get(o, "Config");
        if (!json_is_object(hc))
                return type_error(c, "HostConfig", "an object");
        if (conf != NULL && !json_is_null(conf) && !json_is_object(conf))
                return type_error(c, "Config", "an object");
        if (get_str(c, o, "", "Name", &name) < 0 || get_str(c, o, "", "Id", &id) < 0)
                return -1;
        if (name[0] == '/')
                name++;
        out->name = name[0] != '\0' ? xstrdup(name) : strndup(id, 12);
        if (out->name == NULL)
                abort();

        privileged = json_is_true(json_object_get(hc, "Privileged"));
        if (get_arr(c, hc, "HostConfig.", "SecurityOpt", &secopts) < 0)
                return -1;
        cfg->process.present = true;
        cfg->linux_.present = true;
        if (json_is_object(conf)) {
                if (get_str(c, conf, "Config.", "User", &s) < 0)
                        return -1;
                map_user(s, cfg);
        }
        cfg->process.no_new_privileges =
            has_opt(secopts, "no-new-privileges", "no-new-privileges:true") ||
            has_opt(secopts, "no-new-privileges=true", NULL);
        if (!privileged && !has_opt(secopts, "seccomp=unconfined", "seccomp:unconfined")) {
                cfg->linux_.seccomp.present = true;
                cfg->linux_.seccomp.default_action = OCI_SCMP_ACT_ERRNO;
        }
        if ((s = opt_value(secopts, "apparmor")) != NULL)
                cfg->process.apparmor_profile = xstrdup(s);
        else if (get_str(c, o, "", "AppArmorProfile", &s) == 0 && s[0] != '\0')
                cfg->process.apparmor_profile = xstrdup(s);
        if ((s = opt_value(secopts, "label")) != NULL) {
                if (strcmp(s, "disable") == 0)
                        cfg->process.selinux_label = xstrdup("disable");
                else if (strncmp(s, "type:", 5) == 0 &&
                         asprintf(&cfg->process.selinux_label, "::%s:", s + 5) < 0)
                        abort();
        }
        if (map_caps(c, hc, privileged, cfg) < 0 || map_namespaces(c, hc, cfg) < 0 ||
            map_mounts(c, hc, privileged, cfg) < 0 || map_devices(c, hc, privileged, cfg) < 0 ||
            map_paths(c, hc, privileged, "MaskedPaths", default_masked,
                      sizeof(default_masked) / sizeof(default_masked[0]),
                      &cfg->linux_.masked_paths) < 0 ||
            map_paths(c, hc, privileged, "ReadonlyPaths", default_readonly,
                      sizeof(default_readonly) / sizeof(default_readonly[0]),
                      &cfg->linux_.readonly_paths) < 0)
                return -1;
        cfg->root.readonly = json_is_true(json_object_get(hc, "ReadonlyRootfs"));
        cfg->has_root = true;

        struct oci_resources *res = &cfg->linux_.resources;
        res->has_memory = true;
        if (get_int(hc, "Memory") > 0) {
                res->memory.limit.set = true;
                res->memory.limit.v = get_int(hc, "Memory");
        }
        if (json_is_true(json_object_get(hc, "OomKillDisable"))) {
                res->memory.disable_oom_killer.set = true;
                res->memory.disable_oom_killer.v = true;
        }
        if (get_int(hc, "PidsLimit") > 0) {
                res->has_pids = true;
                res->pids_limit = get_int(hc, "PidsLimit");
        }
        cfg->process.has_oom_score_adj = true;
        cfg->process.oom_score_adj = (int)get_int(hc, "OomScoreAdj");

        sysctls = json_object_get(hc, "Sysctls");
        if (sysctls != NULL && !json_is_null(sysctls)) {
                const char *key;
                json_t *v;
                if (!json_is_object(sysctls))
                        return type_error(c, "HostConfig.Sysctls", "an object");
                cfg->linux_.sysctl.items =
                    calloc(json_object_size(sysctls) + 1, sizeof(*cfg->linux_.sysctl.items));
                if (cfg->linux_.sysctl.items == NULL)
                        abort();
                json_object_foreach(sysctls, key, v)
                {
                        struct oci_kv *kv = &cfg->linux_.sysctl.items[cfg->linux_.sysctl.count++];
                        kv->key = xstrdup(key);
                        kv->value = xstrdup(json_is_string(v) ? json_string_value(v) : "");
                }
        }
        return 0;
}

int audit_docker_inspect_parse(const char *name, const char *buf, size_t len,
                               struct audit_docker_inspect *out, struct sb_err *err)
{
        json_error_t je;
        json_t *root;
        struct ictx c = {.name = name, .err = err};
        size_t n;

        memset(out, 0, sizeof(*out));
        root = json_loadb(buf, len, 0, &je);
        if (root == NULL)
                return sb_err_set(err, 0, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        out->array = json_is_array(root);
        n = out->array ? json_array_size(root) : 1;
        if (n > OCI_MAX_ARRAY) {
                json_decref(root);
                return sb_err_set(err, 0, "%s: .: too many containers (%zu)", name, n);
        }
        out->items = calloc(n + 1, sizeof(*out->items));
        if (out->items == NULL)
                abort();
        for (size_t i = 0; i < n; i++) {
                if (out->array)
                        snprintf(c.prefix, sizeof(c.prefix), "[%zu]", i);
                out->count++;
                if (map_container(&c, out->array ? json_array_get(root, i) : root, &out->items[i]) <
                    0) {
                        json_decref(root);
                        audit_docker_inspect_free(out);
                        return -1;
                }
        }
        json_decref(root);
        return 0;
}

void audit_docker_inspect_free(struct audit_docker_inspect *d)
{
        for (size_t i = 0; i < d->count; i++) {
                free(d->items[i].name);
                oci_config_free(&d->items[i].cfg);
        }
        free(d->items);
        memset(d, 0, sizeof(*d));
}

int audit_docker_container(const struct audit_docker_inspect *d, size_t i, const char *input_name,
                           struct audit_report *out)
{
        size_t from = out->count;
        char prefix[32] = "";

        if (i >= d->count)
                return -1;
        if (d->array)
                snprintf(prefix, sizeof(prefix), "[%zu]", i);
        audit_config(&d->items[i].cfg, input_name, out);
        for (size_t k = from; k < out->count; k++) {
                struct audit_finding *f = &out->items[k];
                char *field = NULL;
                if (asprintf(&field, "%s%s", prefix,
                             f->check->docker_field ? f->check->docker_field : ".HostConfig") < 0)
                        abort();
                free(f->field);
                f->field = field;
        }
        return 0;
}
