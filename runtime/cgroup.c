/* cgroups: layout detection, cgroupsPath resolution, file helpers and the
 * mode dispatch of the public interface. The per-version work lives in
 * cgroup_v1.c and cgroup_v2.c; the pure mapping in cgroup_resources.c. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/cgroup_internal.h"
#include "runtime/cleanup.h"
#include "runtime/log.h"

/* ---- detection ---- */

int runtime_cgroup_detect(const char *root, enum runtime_cgroup_mode *mode, struct sb_err *err)
{
        struct statfs fs;
        char p[PATH_MAX];

        if (statfs(root, &fs) < 0)
                return sb_err_set(err, errno, "cgroup: statfs `%s`", root);
        if (fs.f_type == CGROUP2_SUPER_MAGIC) {
                *mode = RUNTIME_CGROUP_V2;
                return 0;
        }
        if (fs.f_type != TMPFS_MAGIC && fs.f_type != CGROUP_SUPER_MAGIC)
                return sb_err_set(err, 0, "cgroup: `%s` is not a cgroup filesystem", root);
        snprintf(p, sizeof(p), "%s/unified", root);
        if (statfs(p, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
                *mode = RUNTIME_CGROUP_HYBRID;
        else
                *mode = RUNTIME_CGROUP_V1;
        return 0;
}

/* ---- path resolution (pure) ---- */

/* Joins and normalises "/a//b/" → "/a/b"; refuses "." and ".." components. */
static int clean_join(const char *a, const char *b, char **out, struct sb_err *err)
{
        size_t len = strlen(a) + strlen(b) + 3;
        _cleanup_free_ char *in = malloc(len);
        char *res = malloc(len);
        char *save = NULL;
        size_t o = 0;

        if (in == NULL || res == NULL) {
                free(res);
                return sb_err_set(err, ENOMEM, "cgroup path");
        }
        snprintf(in, len, "%s/%s", a, b);
        for (char *t = strtok_r(in, "/", &save); t != NULL; t = strtok_r(NULL, "/", &save)) {
                if (strcmp(t, ".") == 0 || strcmp(t, "..") == 0) {
                        free(res);
                        return sb_err_set(
                            err, 0, "cgroupsPath: \"%s\" components are not allowed in `%s`", t, b);
                }
                res[o++] = '/';
                memcpy(res + o, t, strlen(t));
                o += strlen(t);
        }
        res[o] = '\0';
        if (o == 0) {
                free(res);
                return sb_err_set(err, 0, "cgroupsPath: `%s` is the root cgroup", b);
        }
        *out = res;
        return 0;
}

/* systemd's slice name → its path: "a-b.slice" → "/a.slice/a-b.slice". */
static int slice_path(const char *slice, char *buf, size_t len, struct sb_err *err)
{
        size_t n = strlen(slice), o = 0;

        if (strcmp(slice, "-.slice") == 0) {
                buf[0] = '\0';
                return 0;
        }
        if (n <= 6 || strcmp(slice + n - 6, ".slice") != 0 || strchr(slice, '/') != NULL)
                return sb_err_set(err, 0, "cgroupsPath: invalid slice name \"%s\"", slice);
        n -= 6;
        if (slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--") != NULL)
                return sb_err_set(err, 0, "cgroupsPath: invalid slice name \"%s\"", slice);
        buf[0] = '\0';
        for (size_t i = 0; i <= n; i++) {
                if (i == n || slice[i] == '-') {
                        int w = snprintf(buf + o, len - o, "/%.*s.slice", (int)i, slice);
                        if (w < 0 || (size_t)w >= len - o)
                                return sb_err_set(err, 0, "cgroupsPath: slice name too long");
                        o += (size_t)w;
                }
        }
        return 0;
}

int runtime_cgroup_resolve_path(const char *cgroups_path, const char *id, bool systemd_cgroup,
                                const char *own_cgroup, char **out, struct sb_err *err)
{
        char buf[PATH_MAX];

        if (systemd_cgroup) {
                /* "slice:prefix:name" mapped onto cgroupfs, as runc's systemd
                 * driver would lay it out, but without asking systemd. */
                char slice[256] = "", prefix[256] = "", name[256] = "", sp[PATH_MAX];
                const char *p = cgroups_path;
                if (p == NULL || p[0] == '\0') {
                        snprintf(slice, sizeof(slice), "system.slice");
                        snprintf(prefix, sizeof(prefix), "sandbox");
                        snprintf(name, sizeof(name), "%s", id);
                } else {
                        const char *c1 = strchr(p, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                        if (c2 == NULL || strchr(c2 + 1, ':') != NULL)
                                return sb_err_set(err, 0,
                                                  "cgroupsPath: \"%s\": expected "
                                                  "slice:prefix:name with --systemd-cgroup",
                                                  p);
                        snprintf(slice, sizeof(slice), "%.*s", (int)(c1 - p), p);
                        snprintf(prefix, sizeof(prefix), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
                        snprintf(name, sizeof(name), "%s", c2 + 1);
                        if (slice[0] == '\0')
                                snprintf(slice, sizeof(slice), "system.slice");
                }
                if (name[0] == '\0' || strchr(name, '/') != NULL || strchr(prefix, '/') != NULL)
                        return sb_err_set(err, 0, "cgroupsPath: \"%s\": invalid unit name",
                                          cgroups_path);
                if (slice_path(slice, sp, sizeof(sp), err) < 0)
                        return -1;
                size_t nl = strlen(name);
                if (nl > 6 && strcmp(name + nl - 6, ".slice") == 0)
                        snprintf(buf, sizeof(buf), "%s/%s", sp, name); /* a slice itself */
                else if (prefix[0] != '\0')
                        snprintf(buf, sizeof(buf), "%s/%s-%s.scope", sp, prefix, name);
                else
                        snprintf(buf, sizeof(buf), "%s/%s.scope", sp, name);
                sb_warn("cgroup: --systemd-cgroup: \"%s\" is mapped onto cgroupfs at %s; systemd "
                        "is not asked to manage it",
                        cgroups_path ? cgroups_path : "", buf);
                return clean_join("", buf, out, err);
        }
        if (cgroups_path == NULL || cgroups_path[0] == '\0') {
                snprintf(buf, sizeof(buf), "/sandbox/%s", id);
                return clean_join("", buf, out, err);
        }
        if (cgroups_path[0] == '/')
                return clean_join("", cgroups_path, out, err);
        return clean_join(own_cgroup ? own_cgroup : "", cgroups_path, out, err);
}

int runtime_cgroup_own_path(enum runtime_cgroup_mode mode, char **out, struct sb_err *err)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
        char line[PATH_MAX + 64];
        _cleanup_free_ char *first = NULL, *found = NULL;

        if (f == NULL)
                return sb_err_set(err, errno, "open `/proc/self/cgroup`");
        while (fgets(line, sizeof(line), f) != NULL) {
                line[strcspn(line, "\n")] = '\0';
                char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (c2 == NULL)
                        continue;
                *c2 = '\0';
                const char *ctl = c1 + 1, *path = c2 + 1;
                bool v2line = ctl[0] == '\0';
                if (mode == RUNTIME_CGROUP_V2 ? v2line : strcmp(ctl, "name=systemd") == 0) {
                        found = strdup(path);
                        break;
                }
                if (mode != RUNTIME_CGROUP_V2 && !v2line && first == NULL)
                        first = strdup(path);
        }
        if (found == NULL)
                found = SB_STEAL_PTR(first);
        if (found == NULL)
                return sb_err_set(err, 0, "/proc/self/cgroup: no entry for this cgroup layout");
        *out = SB_STEAL_PTR(found);
        return 0;
}

/* ---- file helpers ---- */

void runtime_cg_nap(void)
{
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
}

char *runtime_cg_read(const char *dir, const char *file)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", dir, file);
        _cleanup_close_ int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return NULL;
        size_t cap = 4096, len = 0;
        char *buf = malloc(cap);
        if (buf == NULL)
                return NULL;
        for (;;) {
                if (len + 1 >= cap) {
                        char *n = realloc(buf, cap * 2);
                        if (n == NULL) {
                                free(buf);
                                return NULL;
                        }
                        buf = n;
                        cap *= 2;
                }
                ssize_t r = read(fd, buf + len, cap - len - 1);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        int e = errno;
                        free(buf);
                        errno = e;
                        return NULL;
                }
                if (r == 0)
                        break;
                len += (size_t)r;
        }
        buf[len] = '\0';
        return buf;
}

int runtime_cg_write(const char *dir, const char *file, const char *value, struct sb_err *err)
{
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/%s", dir, file);
        _cleanup_close_ int fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
                int e = errno;
                sb_err_set(err, e, "cgroup: open `%s`", p);
                return -e;
        }
        size_t len = strlen(value);
        ssize_t w = write(fd, value, len);
        if (w < 0 || (size_t)w != len) {
                int e = w < 0 ? errno : EIO;
                sb_err_set(err, e, "cgroup: write \"%s\" to `%s`", value, p);
                return -e;
        }
        return 0;
}

int64_t runtime_cg_keyed(const char *dir, const char *file, const char *key)
{
        _cleanup_free_ char *s = runtime_cg_read(dir, file);
        size_t kl = strlen(key);
        if (s == NULL)
                return -1;
        for (char *l = s; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, key, kl) == 0 && l[kl] == ' ')
                        return strtoll(l + kl + 1, NULL, 10);
        return -1;
}

int64_t runtime_cg_int(const char *dir, const char *file, int64_t def)
{
        _cleanup_free_ char *s = runtime_cg_read(dir, file);
        if (s == NULL)
                return def;
        if (strncmp(s, "max", 3) == 0)
                return -1;
        return strtoll(s, NULL, 10);
}

int runtime_cg_apply_write(const char *dir, const struct runtime_cgroup_write *w,
                           struct sb_err *err)
{
        int r = runtime_cg_write(dir, w->file, w->value, err);
        if (r != -ENOENT)
                return r < 0 ? -1 : 0;
        if (w->fallback_file != NULL) {
                r = runtime_cg_write(dir, w->fallback_file, w->fallback_value, err);
                if (r != -ENOENT)
                        return r < 0 ? -1 : 0;
        }
        if (w->optional)
                return 0;
        if (w->unified)
                return sb_err_set(err, 0,
                                  ".linux.resources.unified[\"%s\"]: unknown key: no such file in "
                                  "the container's cgroup `%s` (is the %s controller enabled?)",
                                  w->file, dir, w->controller[0] ? w->controller : "cgroup");
        _cleanup_free_ char *avail = runtime_cg_read(dir, "cgroup.controllers");
        if (avail != NULL)
                avail[strcspn(avail, "\n")] = '\0';
        return sb_err_set(err, 0,
                          "cgroup: the %s controller is not available for `%s/%s`%s%s%s "
                          "(cannot set %s)",
                          w->controller[0] ? w->controller : "core", dir, w->file,
                          avail ? " (enabled: \"" : "", avail ? avail : "", avail ? "\")" : "",
                          w->file);
}

static int add_pid(pid_t **pids, size_t *n, size_t *cap, pid_t p)
{
        if (*n == *cap) {
                size_t c = *cap ? *cap * 2 : 64;
                pid_t *np = realloc(*pids, c * sizeof(pid_t));
                if (np == NULL)
                        return -1;
                *pids = np;
                *cap = c;
        }
        (*pids)[(*n)++] = p;
        return 0;
}

static int pids_walk(const char *dir, pid_t **pids, size_t *n, size_t *cap, int depth,
                     struct sb_err *err)
{
        _cleanup_free_ char *s = runtime_cg_read(dir, "cgroup.procs");
        if (s == NULL) {
                if (errno == ENOENT && depth == 0)
                        return 0;
                return sb_err_set(err, errno, "cgroup: read `%s/cgroup.procs`", dir);
        }
        char *save = NULL;
        for (char *t = strtok_r(s, "\n", &save); t; t = strtok_r(NULL, "\n", &save))
                if (add_pid(pids, n, cap, (pid_t)strtol(t, NULL, 10)) < 0)
                        return sb_err_set(err, ENOMEM, "cgroup pids");
        if (depth > 64)
                return 0;
        DIR *d = opendir(dir);
        if (d == NULL)
                return 0;
        struct dirent *e;
        int rc = 0;
        while (rc == 0 && (e = readdir(d)) != NULL) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                char sub[PATH_MAX];
                snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
                rc = pids_walk(sub, pids, n, cap, depth + 1, err);
        }
        closedir(d);
        return rc;
}

int runtime_cg_pids_tree(const char *dir, pid_t **pids, size_t *n, struct sb_err *err)
{
        size_t cap = 0;
        *pids = NULL;
        *n = 0;
        if (pids_walk(dir, pids, n, &cap, 0, err) < 0) {
                free(*pids);
                *pids = NULL;
                *n = 0;
                return -1;
        }
        return 0;
}

static int rmdir_children(const char *dir)
{
        DIR *d = opendir(dir);
        if (d == NULL)
                return errno == ENOENT ? 0 : -1;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
                if (e->d_type != DT_DIR || e->d_name[0] == '.')
                        continue;
                char sub[PATH_MAX];
                snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
                rmdir_children(sub);
                rmdir(sub);
        }
        closedir(d);
        return 0;
}

int runtime_cg_rmdir_tree(const char *dir, struct sb_err *err)
{
        /* A cgroup can be removed once its last task has exited; killed
         * tasks take a moment: retry for up to ~5 s. */
        for (int i = 0; i < 500; i++) {
                rmdir_children(dir);
                if (rmdir(dir) == 0 || errno == ENOENT)
                        return 0;
                if (errno != EBUSY)
                        break;
                runtime_cg_nap();
        }
        return sb_err_set(err, errno, "cgroup: rmdir `%s`", dir);
}

int runtime_cg_mkdir_p(const char *base, const char *path, struct runtime_cg_created *c,
                       struct sb_err *err)
{
        char p[PATH_MAX];
        size_t bl = strlen(base);
        if (bl + strlen(path) + 1 >= sizeof(p))
                return sb_err_set(err, ENAMETOOLONG, "cgroup: `%s%s`", base, path);
        snprintf(p, sizeof(p), "%s%s", base, path);
        for (char *s = p + bl + 1;; s++) {
                if (*s != '/' && *s != '\0')
                        continue;
                char saved = *s;
                *s = '\0';
                if (mkdir(p, 0755) == 0) {
                        char **n = realloc(c->dirs, (c->count + 1) * sizeof(char *));
                        char *d = strdup(p);
                        if (n == NULL || d == NULL) {
                                free(d);
                                if (n != NULL)
                                        c->dirs = n;
                                rmdir(p);
                                return sb_err_set(err, ENOMEM, "cgroup mkdir");
                        }
                        c->dirs = n;
                        c->dirs[c->count++] = d;
                } else if (errno != EEXIST) {
                        return sb_err_set(err, errno, "cgroup: mkdir `%s`", p);
                }
                *s = saved;
                if (saved == '\0')
                        break;
        }
        return 0;
}

void runtime_cg_rollback(struct runtime_cg_created *c)
{
        for (size_t i = c->count; i > 0; i--) {
                struct sb_err ignored;
                runtime_cg_rmdir_tree(c->dirs[i - 1], &ignored);
        }
}

void runtime_cg_created_free(struct runtime_cg_created *c)
{
        for (size_t i = 0; i < c->count; i++)
                free(c->dirs[i]);
        free(c->dirs);
        c->dirs = NULL;
        c->count = 0;
}

/* ---- the interface ---- */

static void dir_of(const struct runtime_cgroup *cg, const char *hier, char *buf)
{
        if (hier == NULL || hier[0] == '\0')
                snprintf(buf, PATH_MAX, "%s%s", cg->root, cg->path);
        else
                snprintf(buf, PATH_MAX, "%s/%s%s", cg->root, hier, cg->path);
}

static bool dir_exists(const char *p)
{
        struct stat st;
        return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int fill(struct runtime_cgroup *cg, enum runtime_cgroup_mode mode, const char *root,
                const char *path, struct sb_err *err)
{
        cg->mode = mode;
        cg->root = strdup(root);
        cg->path = strdup(path);
        if (cg->root == NULL || cg->path == NULL) {
                runtime_cgroup_free(cg);
                return sb_err_set(err, ENOMEM, "cgroup");
        }
        return 0;
}

int runtime_cgroup_open(const char *root, const char *path, struct runtime_cgroup *cg,
                        struct sb_err *err)
{
        enum runtime_cgroup_mode mode;
        memset(cg, 0, sizeof(*cg));
        if (path == NULL || path[0] != '/' || strstr(path, "/..") != NULL)
                return sb_err_set(err, 0, "cgroup: invalid cgroup path \"%s\"", path ? path : "");
        if (runtime_cgroup_detect(root, &mode, err) < 0)
                return -1;
        return fill(cg, mode, root, path, err);
}

int runtime_cgroup_create(const char *root, const char *path, const struct oci_resources *res,
                          struct runtime_cgroup *cg, struct sb_err *err)
{
        enum runtime_cgroup_mode mode;
        struct runtime_cg_created c = {0};
        char uni[PATH_MAX];
        int rc;

        memset(cg, 0, sizeof(*cg));
        if (path == NULL || path[0] != '/' || strcmp(path, "/") == 0)
                return sb_err_set(err, 0, "cgroup: invalid cgroup path \"%s\"", path ? path : "");
        if (runtime_cgroup_detect(root, &mode, err) < 0)
                return -1;
        if (mode == RUNTIME_CGROUP_V2) {
                rc = runtime_cg2_create(root, path, res, &c, err);
        } else {
                rc = runtime_cg1_create(root, path, res, &c, err);
                if (rc == 0 && mode == RUNTIME_CGROUP_HYBRID) {
                        /* the unified hierarchy too, as runc: tools that look
                         * at cgroup2 find the container there */
                        snprintf(uni, sizeof(uni), "%s/unified", root);
                        rc = runtime_cg_mkdir_p(uni, path, &c, err);
                }
        }
        if (rc == 0)
                rc = fill(cg, mode, root, path, err);
        if (rc < 0) {
                runtime_cg_rollback(&c);
                runtime_cg_created_free(&c);
                return sb_err_prefix(err, "cgroup %s", path);
        }
        runtime_cg_created_free(&c);
        return 0;
}

/* Every directory that holds the container: one on v2, one per hierarchy on v1. */
static char **all_dirs(const struct runtime_cgroup *cg)
{
        char **h = NULL, **out;
        size_t n = 0;
        if (cg->mode != RUNTIME_CGROUP_V2) {
                h = runtime_cg1_hierarchies(cg->root);
                if (h == NULL)
                        return NULL;
                while (h[n] != NULL)
                        n++;
        }
        out = calloc(n + 2, sizeof(char *));
        if (out == NULL) {
                runtime_cg1_hierarchies_free(h);
                return NULL;
        }
        for (size_t i = 0; i < n; i++) {
                out[i] = malloc(PATH_MAX);
                if (out[i] != NULL)
                        dir_of(cg, h[i], out[i]);
        }
        if (cg->mode != RUNTIME_CGROUP_V1) {
                out[n] = malloc(PATH_MAX);
                if (out[n] != NULL)
                        dir_of(cg, cg->mode == RUNTIME_CGROUP_HYBRID ? "unified" : NULL, out[n]);
        }
        runtime_cg1_hierarchies_free(h);
        return out;
}

static void strv_free(char **v)
{
        for (size_t i = 0; v != NULL && v[i] != NULL; i++)
                free(v[i]);
        free(v);
}

int runtime_cgroup_enter(const struct runtime_cgroup *cg, pid_t pid, struct sb_err *err)
{
        return runtime_cgroup_enter_subs(cg, NULL, pid, err);
}

void runtime_cgroup_subs_free(struct runtime_cgroup_subs *s)
{
        for (size_t i = 0; i < s->count; i++) {
                free(s->items[i].controller);
                free(s->items[i].path);
        }
        free(s->items);
        s->items = NULL;
        s->count = 0;
}

/* `add` below the container's cgroup, cleaned as path.Join does ("a/../b"
 * is "b"); NULL when it would leave it. */
static char *sub_clean(const char *add)
{
        size_t len = strlen(add);
        char *out = malloc(len + 1);
        size_t n = 0;

        if (out == NULL)
                return NULL;
        for (const char *p = add; *p != '\0';) {
                const char *e = strchrnul(p, '/');
                size_t l = (size_t)(e - p);
                if (l == 2 && p[0] == '.' && p[1] == '.') {
                        if (n == 0) {
                                free(out);
                                return NULL;
                        }
                        while (n > 0 && out[n - 1] != '/')
                                n--;
                        if (n > 0)
                                n--; /* the separator before it */
                } else if (l > 0 && !(l == 1 && p[0] == '.')) {
                        if (n > 0)
                                out[n++] = '/';
                        memcpy(out + n, p, l);
                        n += l;
                }
                p = *e == '/' ? e + 1 : e;
        }
        out[n] = '\0';
        return out;
}

static int subs_add(struct runtime_cgroup_subs *s, const char *ctrl, size_t ctrl_len,
                    const char *path, const char *arg, struct sb_err *err)
{
        for (size_t i = 0; i < s->count; i++)
                if (strlen(s->items[i].controller) == ctrl_len &&
                    strncmp(s->items[i].controller, ctrl, ctrl_len) == 0)
                        return sb_err_set(err, 0,
                                          "invalid --cgroup argument(s): controller %.*s "
                                          "specified multiple times",
                                          (int)ctrl_len, ctrl);
        struct runtime_cgroup_sub *nv = realloc(s->items, (s->count + 1) * sizeof(*nv));
        if (nv == NULL)
                return sb_err_set(err, ENOMEM, "--cgroup");
        s->items = nv;
        struct runtime_cgroup_sub *it = &s->items[s->count];
        it->controller = strndup(ctrl, ctrl_len);
        it->path = sub_clean(path);
        if (it->controller == NULL || it->path == NULL) {
                bool escapes = it->controller != NULL;
                free(it->controller);
                free(it->path);
                return escapes ? sb_err_set(err, 0,
                                            "invalid --cgroup argument: %s (`%s` is not below the "
                                            "container's cgroup)",
                                            arg, path)
                               : sb_err_set(err, ENOMEM, "--cgroup");
        }
        s->count++;
        return 0;
}

int runtime_cgroup_subs_parse(const char *const *args, size_t n, struct runtime_cgroup_subs *out,
                              struct sb_err *err)
{
        memset(out, 0, sizeof(*out));
        for (size_t i = 0; i < n; i++) {
                const char *a = args[i], *colon = strchr(a, ':');
                int r;
                if (colon == NULL) {
                        if (n != 1) {
                                runtime_cgroup_subs_free(out);
                                return sb_err_set(err, 0,
                                                  "invalid --cgroup argument: %s (missing "
                                                  "<controller>: prefix)",
                                                  a);
                        }
                        r = subs_add(out, "", 0, a, a, err);
                } else {
                        r = 0;
                        for (const char *c = a; r == 0 && c <= colon;) {
                                const char *e = memchr(c, ',', (size_t)(colon - c));
                                if (e == NULL)
                                        e = colon;
                                if (e == c)
                                        r = sb_err_set(err, 0,
                                                       "invalid --cgroup argument: %s (empty "
                                                       "<controller> prefix)",
                                                       a);
                                else
                                        r = subs_add(out, c, (size_t)(e - c), colon + 1, a, err);
                                c = e + 1;
                        }
                }
                if (r < 0) {
                        runtime_cgroup_subs_free(out);
                        return -1;
                }
        }
        return 0;
}

bool runtime_cg_has_token(const char *list, const char *tok)
{
        size_t l = strlen(tok);
        for (const char *t = list; t != NULL; t = strchr(t, ',') ? strchr(t, ',') + 1 : NULL)
                if (strncmp(t, tok, l) == 0 && (t[l] == ',' || t[l] == '\0'))
                        return true;
        return false;
}

int runtime_cgroup_sub_for(const struct runtime_cgroup_subs *s, const char *hier, const char **path,
                           struct sb_err *err)
{
        bool v1 = hier != NULL && strcmp(hier, "unified") != 0;

        *path = NULL;
        for (size_t i = 0; i < s->count; i++) {
                const struct runtime_cgroup_sub *it = &s->items[i];
                if (it->controller[0] != '\0' &&
                    !(v1 && runtime_cg_has_token(hier, it->controller)))
                        continue;
                if (*path != NULL && strcmp(*path, it->path) != 0)
                        return sb_err_set(err, 0,
                                          "invalid --cgroup argument(s): hierarchy %s is given "
                                          "two paths, `%s` and `%s`",
                                          hier, *path, it->path);
                *path = it->path;
        }
        return 0;
}

/* Moves pid into `dir`/`sub`; `dir` missing is a hierarchy mounted after
 * create and is skipped, as runtime_cgroup_enter does; the sub-cgroup
 * missing is an error. */
static int enter_sub(const char *dir, const char *sub, const char *num, struct sb_err *err)
{
        char d[PATH_MAX];

        if (!dir_exists(dir))
                return 0;
        if (sub == NULL || sub[0] == '\0')
                return runtime_cg_write(dir, "cgroup.procs", num, err);
        if (snprintf(d, sizeof(d), "%s/%s", dir, sub) >= (int)sizeof(d))
                return sb_err_set(err, ENAMETOOLONG, "--cgroup `%s`", sub);
        if (!dir_exists(d))
                return sb_err_set(err, ENOENT, "--cgroup: the sub-cgroup `%s` does not exist", d);
        return runtime_cg_write(d, "cgroup.procs", num, err);
}

int runtime_cgroup_enter_subs(const struct runtime_cgroup *cg, const struct runtime_cgroup_subs *s,
                              pid_t pid, struct sb_err *err)
{
        static const struct runtime_cgroup_subs none;
        char **h = NULL;
        char num[32], dir[PATH_MAX];
        const char *sub;
        int rc = 0;

        if (s == NULL)
                s = &none;
        snprintf(num, sizeof(num), "%d", (int)pid);
        if (cg->mode != RUNTIME_CGROUP_V2) {
                h = runtime_cg1_hierarchies(cg->root);
                if (h == NULL)
                        return sb_err_set(err, ENOMEM, "cgroup enter");
        }
        /* Every controller named must be one of the container's. */
        for (size_t i = 0; rc == 0 && i < s->count; i++) {
                bool found = s->items[i].controller[0] == '\0';
                for (size_t k = 0; !found && h != NULL && h[k] != NULL; k++)
                        found = runtime_cg_has_token(h[k], s->items[i].controller);
                if (!found)
                        rc = sb_err_set(err, 0,
                                        "--cgroup: controller `%s`: the container has no such "
                                        "cgroup v1 hierarchy%s",
                                        s->items[i].controller,
                                        cg->mode == RUNTIME_CGROUP_V2
                                            ? " (on cgroup v2, give a single path without a "
                                              "controller)"
                                            : "");
        }
        /* The v1 hierarchies (runtime_cg1_hierarchies lists no cgroup2
         * mount), then the cgroup2 one: all of it on v2, "unified" on
         * hybrid hosts. */
        for (size_t k = 0; rc == 0 && h != NULL && h[k] != NULL; k++) {
                dir_of(cg, h[k], dir);
                if (runtime_cgroup_sub_for(s, h[k], &sub, err) < 0 ||
                    enter_sub(dir, sub, num, err) < 0)
                        rc = -1;
        }
        if (rc == 0 && cg->mode != RUNTIME_CGROUP_V1) {
                const char *hier = cg->mode == RUNTIME_CGROUP_HYBRID ? "unified" : NULL;
                dir_of(cg, hier, dir);
                if (runtime_cgroup_sub_for(s, hier, &sub, err) < 0 ||
                    enter_sub(dir, sub, num, err) < 0)
                        rc = -1;
        }
        runtime_cg1_hierarchies_free(h);
        return rc < 0 ? sb_err_prefix(err, "cgroup: move pid %d", (int)pid) : 0;
}

int runtime_cgroup_update(const struct runtime_cgroup *cg, const struct oci_resources *res,
                          struct sb_err *err)
{
        char d[PATH_MAX];
        dir_of(cg, NULL, d);
        if (cg->mode == RUNTIME_CGROUP_V2) {
                if (!dir_exists(d))
                        return sb_err_set(err, errno, "cgroup: `%s`", d);
                return runtime_cg2_apply(cg->root, cg->path, res, err);
        }
        return runtime_cg1_apply(cg->root, cg->path, res, err);
}

int runtime_cgroup_set_devices(const struct runtime_cgroup *cg, const struct oci_resources *res,
                               struct sb_err *err)
{
        if (cg->mode != RUNTIME_CGROUP_V2)
                return 0; /* written by runtime_cgroup_create */
        if (runtime_cg2_devices(cg->root, cg->path, res, err) < 0)
                return sb_err_prefix(err, "cgroup %s", cg->path);
        return 0;
}

/* The v1 hierarchy that lists the container's processes. */
static void v1_procs_dir(const struct runtime_cgroup *cg, char *buf)
{
        static const char *const prefer[] = {"pids", "memory", "freezer", "cpu", "devices", NULL};
        for (size_t i = 0; prefer[i] != NULL; i++) {
                dir_of(cg, prefer[i], buf);
                if (dir_exists(buf))
                        return;
        }
        char **h = runtime_cg1_hierarchies(cg->root);
        dir_of(cg, h && h[0] ? h[0] : "unified", buf);
        runtime_cg1_hierarchies_free(h);
}

int runtime_cgroup_pids(const struct runtime_cgroup *cg, pid_t **pids, size_t *n,
                        struct sb_err *err)
{
        char d[PATH_MAX];
        if (cg->mode == RUNTIME_CGROUP_V2)
                dir_of(cg, NULL, d);
        else
                v1_procs_dir(cg, d);
        return runtime_cg_pids_tree(d, pids, n, err);
}

bool runtime_cgroup_text_in(const char *text, const char *path)
{
        size_t plen = strlen(path);

        while (plen > 1 && path[plen - 1] == '/')
                plen--;
        for (const char *l = text; l != NULL && *l != '\0';) {
                const char *nl = strchr(l, '\n');
                size_t len = nl != NULL ? (size_t)(nl - l) : strlen(l);
                /* "HIERARCHY-ID:CONTROLLERS:PATH" */
                const char *c1 = memchr(l, ':', len);
                const char *c2 =
                    c1 != NULL ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - l)) : NULL;

                if (c2 != NULL) {
                        const char *p = c2 + 1;
                        size_t n = len - (size_t)(p - l);
                        if (plen == 1 && path[0] == '/')
                                return n > 0 && p[0] == '/';
                        if (n >= plen && memcmp(p, path, plen) == 0 &&
                            (n == plen || p[plen] == '/'))
                                return true;
                }
                l = nl != NULL ? nl + 1 : NULL;
        }
        return false;
}

void runtime_cg_signal(const char *path, const pid_t *pids, size_t n, int sig)
{
        for (size_t i = 0; i < n; i++) {
                char proc[32];
                int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);

                if (fd < 0)
                        continue; /* gone */
                /* Opened first, checked second: the pidfd names the process
                 * that the check then finds in the cgroup. */
                snprintf(proc, sizeof(proc), "/proc/%d", (int)pids[i]);
                _cleanup_free_ char *text = runtime_cg_read(proc, "cgroup");
                if (text != NULL && runtime_cgroup_text_in(text, path))
                        (void)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
                close(fd);
        }
}

void runtime_cgroup_signal(const struct runtime_cgroup *cg, const pid_t *pids, size_t n, int sig)
{
        runtime_cg_signal(cg->path, pids, n, sig);
}

/* Freezing: v1 freezer when mounted (v1 and hybrid), else cgroup.freeze. */
static bool use_v1_freezer(const struct runtime_cgroup *cg, char *d)
{
        if (cg->mode == RUNTIME_CGROUP_V2) {
                dir_of(cg, NULL, d);
                return false;
        }
        dir_of(cg, "freezer", d);
        if (dir_exists(d))
                return true;
        dir_of(cg, "unified", d);
        return false;
}

int runtime_cgroup_freeze(const struct runtime_cgroup *cg, bool frozen, struct sb_err *err)
{
        char d[PATH_MAX];
        if (use_v1_freezer(cg, d))
                return runtime_cg1_freeze(d, frozen, err);
        return runtime_cg2_freeze(d, frozen, err);
}

bool runtime_cgroup_is_frozen(const struct runtime_cgroup *cg)
{
        char d[PATH_MAX];
        if (use_v1_freezer(cg, d)) {
                _cleanup_free_ char *s = runtime_cg_read(d, "freezer.state");
                return s != NULL &&
                       (strncmp(s, "FROZEN", 6) == 0 || strncmp(s, "FREEZING", 8) == 0);
        }
        return runtime_cg_int(d, "cgroup.freeze", 0) == 1;
}

int runtime_cgroup_destroy(const struct runtime_cgroup *cg, struct sb_err *err)
{
        char d[PATH_MAX];
        int rc = 0;

        if (cg == NULL || cg->path == NULL || cg->root == NULL)
                return 0;
        if (cg->mode == RUNTIME_CGROUP_V2) {
                dir_of(cg, NULL, d);
                runtime_cg2_kill(d, cg->path);
        } else {
                /* v1 has no cgroup.kill: signal every pid until none is left;
                 * a frozen cgroup's tasks only die once thawed. */
                bool frozen = runtime_cgroup_is_frozen(cg);
                for (int i = 0; i < 500; i++) {
                        pid_t *pids = NULL;
                        size_t n = 0;
                        struct sb_err ignored;
                        if (runtime_cgroup_pids(cg, &pids, &n, &ignored) < 0 || n == 0) {
                                free(pids);
                                break;
                        }
                        runtime_cgroup_signal(cg, pids, n, SIGKILL);
                        free(pids);
                        if (frozen) {
                                runtime_cgroup_freeze(cg, false, &ignored);
                                frozen = false;
                        }
                        runtime_cg_nap();
                }
        }
        char **dirs = all_dirs(cg);
        if (dirs == NULL)
                return sb_err_set(err, ENOMEM, "cgroup destroy");
        for (size_t i = 0; dirs[i] != NULL; i++)
                if (runtime_cg_rmdir_tree(dirs[i], rc == 0 ? err : &(struct sb_err){0}) < 0)
                        rc = -1;
        strv_free(dirs);
        return rc;
}

json_t *runtime_cgroup_stats(const struct runtime_cgroup *cg, struct sb_err *err)
{
        char d[PATH_MAX];
        json_t *j;
        if (cg->mode == RUNTIME_CGROUP_V2) {
                dir_of(cg, NULL, d);
                if (!dir_exists(d)) {
                        sb_err_set(err, ENOENT, "cgroup: `%s`", d);
                        return NULL;
                }
                j = runtime_cg2_stats(d);
        } else {
                v1_procs_dir(cg, d);
                if (!dir_exists(d)) {
                        sb_err_set(err, ENOENT, "cgroup: `%s`", d);
                        return NULL;
                }
                j = runtime_cg1_stats(cg->root, cg->path);
        }
        if (j == NULL)
                sb_err_set(err, ENOMEM, "cgroup stats");
        return j;
}

int64_t runtime_cgroup_oom_kills(const struct runtime_cgroup *cg)
{
        char d[PATH_MAX];
        int64_t v;
        if (cg->mode == RUNTIME_CGROUP_V2) {
                dir_of(cg, NULL, d);
                v = runtime_cg_keyed(d, "memory.events", "oom_kill");
        } else {
                dir_of(cg, "memory", d);
                v = runtime_cg_keyed(d, "memory.oom_control", "oom_kill");
        }
        return v < 0 ? 0 : v;
}

void runtime_cgroup_free(struct runtime_cgroup *cg)
{
        if (cg == NULL)
                return;
        free(cg->root);
        free(cg->path);
        cg->root = NULL;
        cg->path = NULL;
}
