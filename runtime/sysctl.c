/* linux.sysctl validation (pure) and application (writes to /proc/sys). */
#include "runtime/sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/safe_path.h"

/* IPC-namespaced parameters (ipc/ipc_sysctl.c, ipc/mq_sysctl.c). */
static const char *const IPC_KEYS[] = {
    "kernel.msgmax", "kernel.msgmnb",          "kernel.msgmni",
    "kernel.sem",    "kernel.shmall",          "kernel.shmmax",
    "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.auto_msgmni",
};

int runtime_sysctl_key_path(const char *key, char *buf, size_t len)
{
        size_t n = strlen(key);
        if (n == 0 || n >= len)
                return -1;
        bool slashes = strchr(key, '/') != NULL;
        char sep = slashes ? '/' : '.';
        const char *s = key;
        /* Every component must be a plain name: no empty ones (leading or
         * doubled separators), no "." or "..", and never a '/' that we did not
         * put there ourselves. */
        for (;;) {
                const char *e = strchrnul(s, sep);
                size_t c = (size_t)(e - s);
                if (c == 0 || (c == 1 && s[0] == '.') || (c == 2 && s[0] == '.' && s[1] == '.'))
                        return -1;
                if (*e == '\0')
                        break;
                s = e + 1;
        }
        if (strstr(key, "..") != NULL)
                return -1;
        for (size_t i = 0; i <= n; i++)
                buf[i] = (!slashes && key[i] == '.') ? '/' : key[i];
        return 0;
}

static bool has_ns(const struct oci_config *cfg, enum oci_ns_type t)
{
        return oci_config_namespace(cfg, t) != NULL;
}

int runtime_sysctl_check(const struct oci_config *cfg, struct sb_diags *d)
{
        const struct oci_kv_list *l = &cfg->linux_.sysctl;
        int rc = 0;

        for (size_t i = 0; i < l->count; i++) {
                const char *key = l->items[i].key;
                char path[256], dotted[256];

                if (key == NULL || runtime_sysctl_key_path(key, path, sizeof(path)) < 0) {
                        sb_diags_add(d, "linux.sysctl: key `%s` is not a valid sysctl name",
                                     key != NULL ? key : "");
                        rc = -1;
                        continue;
                }
                /* Classify on the dotted form. */
                snprintf(dotted, sizeof(dotted), "%s", path);
                for (char *c = dotted; *c; c++)
                        if (*c == '/')
                                *c = '.';

                bool ipc = strncmp(dotted, "fs.mqueue.", 10) == 0;
                for (size_t k = 0; k < sizeof(IPC_KEYS) / sizeof(IPC_KEYS[0]); k++)
                        ipc = ipc || strcmp(dotted, IPC_KEYS[k]) == 0;
                if (ipc) {
                        if (!has_ns(cfg, OCI_NS_IPC)) {
                                sb_diags_add(d,
                                             "linux.sysctl: `%s` needs an ipc namespace "
                                             "(it would change the host's)",
                                             key);
                                rc = -1;
                        }
                        continue;
                }
                if (strncmp(dotted, "net.", 4) == 0) {
                        if (!has_ns(cfg, OCI_NS_NETWORK)) {
                                sb_diags_add(d,
                                             "linux.sysctl: `%s` needs a network namespace "
                                             "(it would change the host's)",
                                             key);
                                rc = -1;
                        }
                        continue;
                }
                if (strcmp(dotted, "kernel.domainname") == 0 && has_ns(cfg, OCI_NS_UTS))
                        continue;
                if (strcmp(dotted, "kernel.hostname") == 0 && has_ns(cfg, OCI_NS_UTS)) {
                        sb_diags_add(d, "linux.sysctl: `%s` conflicts with the `hostname` field",
                                     key);
                        rc = -1;
                        continue;
                }
                sb_diags_add(d, "linux.sysctl: `%s` is not in a separate kernel namespace", key);
                rc = -1;
        }
        return rc;
}

int runtime_sysctl_apply(const struct oci_config *cfg, struct sb_err *err)
{
        const struct oci_kv_list *l = &cfg->linux_.sysctl;
        struct sb_diags d = {0};
        struct statfs sfs;

        if (l->count == 0)
                return 0;
        if (runtime_sysctl_check(cfg, &d) < 0) {
                sb_err_set(err, 0, "%s", d.count > 0 ? d.items[0] : "linux.sysctl: invalid");
                sb_diags_free(&d);
                return -1;
        }
        sb_diags_free(&d);

        _cleanup_close_ int sys_fd = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (sys_fd < 0)
                return sb_err_set(err, errno, "open `/proc/sys`");
        /* An image without /proc mounted would have us write into its files. */
        if (fstatfs(sys_fd, &sfs) < 0)
                return sb_err_set(err, errno, "fstatfs `/proc/sys`");
        if (sfs.f_type != PROC_SUPER_MAGIC)
                return sb_err_set(err, 0, "`/proc/sys` is not procfs (is /proc mounted?)");

        for (size_t i = 0; i < l->count; i++) {
                char path[256];
                const char *value = l->items[i].value != NULL ? l->items[i].value : "";
                runtime_sysctl_key_path(l->items[i].key, path, sizeof(path));
                _cleanup_close_ int fd =
                    runtime_open_in_root(sys_fd, path, O_WRONLY | O_TRUNC, 0, err);
                if (fd < 0)
                        return sb_err_prefix(err, "linux.sysctl `%s`", l->items[i].key);
                size_t n = strlen(value);
                ssize_t w = write(fd, value, n);
                if (w < 0 || (size_t)w != n)
                        return sb_err_set(err, w < 0 ? errno : EIO,
                                          "linux.sysctl: write `%s` to /proc/sys/%s", value, path);
        }
        return 0;
}
