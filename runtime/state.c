#include "runtime/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/cleanup.h"
#include "runtime/file_replace.h"

#define SB_CGROUP_ROOT_PATH "/sys/fs/cgroup"

const char *runtime_status_name(enum runtime_status s)
{
        switch (s) {
        case RUNTIME_CREATING:
                return "creating";
        case RUNTIME_CREATED:
                return "created";
        case RUNTIME_RUNNING:
                return "running";
        case RUNTIME_STOPPED:
                return "stopped";
        case RUNTIME_PAUSED:
                return "paused";
        }
        return "unknown";
}

bool runtime_id_valid(const char *id)
{
        size_t n = strlen(id);

        if (n == 0 || n > SB_ID_MAX)
                return false;
        for (size_t i = 0; i < n; i++) {
                char c = id[i];
                bool alnum =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
                if (alnum)
                        continue;
                if (i == 0 || (c != '_' && c != '.' && c != '+' && c != '-'))
                        return false;
        }
        return strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

static json_t *annotations_json(const struct oci_kv_list *a)
{
        json_t *o = json_object();
        for (size_t i = 0; i < a->count; i++)
                json_object_set_new(o, a->items[i].key, json_string(a->items[i].value));
        return o;
}

char *runtime_state_to_json(const struct runtime_state *st)
{
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:I, s:b, s:o, s:I, s:I}", "id", st->id, "bundle",
            st->bundle ? st->bundle : "", "rootfs", st->rootfs ? st->rootfs : "", "ociVersion",
            st->oci_version ? st->oci_version : "1.3.0", "pid", (json_int_t)st->pid, "start_time",
            (json_int_t)st->start_time, "created", st->created ? st->created : "", "owner",
            (json_int_t)st->owner, "created_done", st->created_done, "annotations",
            annotations_json(&st->annotations), "sentry_pid", (json_int_t)st->sentry_pid,
            "sentry_start_time", (json_int_t)st->sentry_start_time);
        if (o != NULL)
                json_object_set_new(o, "cgroup_path",
                                    json_string(st->cgroup_path ? st->cgroup_path : ""));
        json_object_set_new(o, "profile", json_string(st->profile ? st->profile : ""));
        json_object_set_new(o, "events_log", json_string(st->events_log ? st->events_log : ""));
        char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        return s;
}

int runtime_state_from_json(const char *buf, size_t len, struct runtime_state *st,
                            struct sb_err *err)
{
        json_error_t jerr;
        json_t *o = json_loadb(buf, len, 0, &jerr);
        const char *id = NULL, *bundle = NULL, *rootfs = NULL, *ver = NULL, *created = NULL;
        json_int_t pid = 0, start = 0, owner = 0, spid = 0, sstart = 0;
        int done = 0;
        json_t *ann = NULL;

        memset(st, 0, sizeof(*st));
        if (o == NULL)
                return sb_err_set(err, 0, "state.json:%d:%d: %s", jerr.line, jerr.column,
                                  jerr.text);
        if (json_unpack_ex(
                o, &jerr, 0, "{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:I, s:b, s?o, s?I, s?I}", "id",
                &id, "bundle", &bundle, "rootfs", &rootfs, "ociVersion", &ver, "pid", &pid,
                "start_time", &start, "created", &created, "owner", &owner, "created_done", &done,
                "annotations", &ann, "sentry_pid", &spid, "sentry_start_time", &sstart) < 0) {
                json_decref(o);
                return sb_err_set(err, 0, "state.json: %s", jerr.text);
        }
        if (pid < 0 || pid > INT_MAX || start < 0 || owner < 0 || spid < 0 || spid > INT_MAX ||
            sstart < 0 || !runtime_id_valid(id)) {
                json_decref(o);
                return sb_err_set(err, 0, "state.json: corrupt values");
        }
        st->id = strdup(id);
        st->bundle = strdup(bundle);
        st->rootfs = strdup(rootfs);
        st->oci_version = strdup(ver);
        st->created = strdup(created);
        st->pid = (pid_t)pid;
        st->start_time = (uint64_t)start;
        st->owner = (uint32_t)owner;
        st->created_done = done;
        st->sentry_pid = (pid_t)spid;
        st->sentry_start_time = (uint64_t)sstart;
        {
                const char *cg = json_string_value(json_object_get(o, "cgroup_path"));
                st->cgroup_path = strdup(cg ? cg : "");
                const char *pr = json_string_value(json_object_get(o, "profile"));
                st->profile = strdup(pr ? pr : "");
                const char *ev = json_string_value(json_object_get(o, "events_log"));
                st->events_log = strdup(ev ? ev : "");
        }
        if (json_is_object(ann)) {
                size_t n = json_object_size(ann), i = 0;
                const char *k;
                json_t *v;
                st->annotations.items = calloc(n ? n : 1, sizeof(struct oci_kv));
                json_object_foreach(ann, k, v)
                {
                        if (!json_is_string(v) || st->annotations.items == NULL)
                                continue;
                        st->annotations.items[i].key = strdup(k);
                        st->annotations.items[i].value = strdup(json_string_value(v));
                        i++;
                }
                st->annotations.count = i;
        }
        json_decref(o);
        if (!st->id || !st->bundle || !st->rootfs || !st->oci_version || !st->created ||
            !st->cgroup_path || !st->profile || !st->events_log) {
                runtime_state_free(st);
                return sb_err_set(err, ENOMEM, "state.json");
        }
        return 0;
}

void runtime_state_free(struct runtime_state *st)
{
        free(st->id);
        free(st->bundle);
        free(st->rootfs);
        free(st->oci_version);
        free(st->created);
        free(st->cgroup_path);
        free(st->profile);
        free(st->events_log);
        for (size_t i = 0; i < st->annotations.count; i++) {
                free(st->annotations.items[i].key);
                free(st->annotations.items[i].value);
        }
        free(st->annotations.items);
        memset(st, 0, sizeof(*st));
}

char *runtime_oci_state_json(const struct runtime_state *st, enum runtime_status status)
{
        json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ociVersion",
                              st->oci_version ? st->oci_version : "1.3.0", "id", st->id, "status",
                              runtime_status_name(status), "bundle", st->bundle, "rootfs",
                              st->rootfs ? st->rootfs : "", "created",
                              st->created ? st->created : "", "owner", "");
        if (o == NULL)
                return NULL;
        /* The pid is only meaningful while the process exists (the spec says
         * "when the runtime is running on Linux and status is created or running"). */
        if (status != RUNTIME_STOPPED && st->pid > 0)
                json_object_set_new(o, "pid", json_integer(st->pid));
        else
                json_object_set_new(o, "pid", json_integer(0));
        if (st->annotations.count > 0)
                json_object_set_new(o, "annotations", annotations_json(&st->annotations));
        if (st->sentry_pid > 0)
                json_object_set_new(
                    o, "sentry",
                    json_pack("{s:i, s:b}", "pid", (int)st->sentry_pid, "alive",
                              runtime_proc_is(st->sentry_pid, st->sentry_start_time)));
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(o);
        return s;
}

void runtime_state_dir(const char *root, const char *id, char *buf)
{
        snprintf(buf, PATH_MAX, "%s/%s", root, id);
}

static int mkdir_p(const char *path, mode_t mode)
{
        char tmp[PATH_MAX];
        size_t n = strlen(path);

        if (n == 0 || n >= sizeof(tmp))
                return -ENAMETOOLONG;
        memcpy(tmp, path, n + 1);
        for (char *p = tmp + 1; *p; p++) {
                if (*p != '/')
                        continue;
                *p = '\0';
                if (mkdir(tmp, mode) < 0 && errno != EEXIST)
                        return -errno;
                *p = '/';
        }
        if (mkdir(tmp, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int runtime_state_dir_create(const char *root, const char *id, struct sb_err *err)
{
        char dir[PATH_MAX];
        int r;

        if (!runtime_id_valid(id))
                return sb_err_set(err, 0, "invalid container id \"%s\"", id);
        r = mkdir_p(root, 0711);
        if (r < 0)
                return sb_err_set(err, -r, "mkdir `%s`", root);
        runtime_state_dir(root, id, dir);
        /* mkdir is the atomic "this id is mine" step: a second create fails here. */
        if (mkdir(dir, 0711) < 0) {
                if (errno == EEXIST)
                        return sb_err_set(err, 0, "container with id exists: %s", id);
                return sb_err_set(err, errno, "mkdir `%s`", dir);
        }
        return 0;
}

int runtime_state_write(const char *root, const struct runtime_state *st, struct sb_err *err)
{
        char dir[PATH_MAX], dst[PATH_MAX + 32];
        _cleanup_free_ char *s = runtime_state_to_json(st);

        if (s == NULL)
                return sb_err_set(err, ENOMEM, "encode state");
        runtime_state_dir(root, st->id, dir);
        snprintf(dst, sizeof(dst), "%s/state.json", dir);
        return sb_file_write_whole(dst, s, strlen(s), 0600, err);
}

int runtime_state_read(const char *root, const char *id, struct runtime_state *st,
                       struct sb_err *err)
{
        char dir[PATH_MAX], path[PATH_MAX + 16];
        char buf[65536];
        _cleanup_close_ int fd = -1;
        size_t len = 0;

        memset(st, 0, sizeof(*st));
        if (!runtime_id_valid(id))
                return sb_err_set(err, 0, "invalid container id \"%s\"", id);
        runtime_state_dir(root, id, dir);
        snprintf(path, sizeof(path), "%s/state.json", dir);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT) {
                        struct stat sb;
                        if (stat(dir, &sb) == 0)
                                return sb_err_set(err, ENOENT,
                                                  "container %s has no state (creating or crashed)",
                                                  id);
                        return sb_err_set(err, 0, "container does not exist: %s", id);
                }
                return sb_err_set(err, errno, "open `%s`", path);
        }
        for (;;) {
                ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return sb_err_set(err, errno, "read `%s`", path);
                if (r == 0)
                        break;
                len += (size_t)r;
                if (len >= sizeof(buf) - 1)
                        return sb_err_set(err, EFBIG, "read `%s`", path);
        }
        if (runtime_state_from_json(buf, len, st, err) < 0)
                return sb_err_prefix(err, "container %s", id);
        return 0;
}

static int rm_rf_at(int parent, const char *name)
{
        int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return unlinkat(parent, name, 0) < 0 && errno != ENOENT ? -errno : 0;
        DIR *d = fdopendir(fd);
        if (d == NULL) {
                close(fd);
                return -errno;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                        continue;
                rm_rf_at(dirfd(d), e->d_name);
        }
        closedir(d);
        return unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? -errno : 0;
}

int runtime_state_remove(const char *root, const char *id, struct sb_err *err)
{
        char dir[PATH_MAX];
        int r;

        if (!runtime_id_valid(id))
                return sb_err_set(err, 0, "invalid container id \"%s\"", id);
        runtime_state_dir(root, id, dir);
        r = rm_rf_at(AT_FDCWD, dir);
        if (r < 0)
                return sb_err_set(err, -r, "remove `%s`", dir);
        return 0;
}

int runtime_state_lock(const char *root, const char *id, struct sb_err *err)
{
        char dir[PATH_MAX], path[PATH_MAX + 8];
        int fd;

        runtime_state_dir(root, id, dir);
        snprintf(path, sizeof(path), "%s/lock", dir);
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0) {
                if (errno == ENOENT)
                        return sb_err_set(err, 0, "container does not exist: %s", id);
                return sb_err_set(err, errno, "open `%s`", path);
        }
        while (flock(fd, LOCK_EX) < 0) {
                if (errno != EINTR) {
                        int e = errno;
                        close(fd);
                        return sb_err_set(err, e, "flock `%s`", path);
                }
        }
        return fd;
}

int runtime_state_socket_addr(const char *root, const char *id, const char *name,
                              struct sockaddr_un *sa, char *path, size_t len, struct sb_err *err)
{
        char dir[PATH_MAX];
        int fd;

        runtime_state_dir(root, id, dir);
        snprintf(path, len, "%s/%s", dir, name);
        fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "open `%s`", dir);
        memset(sa, 0, sizeof(*sa));
        sa->sun_family = AF_UNIX;
        snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", fd, name);
        return fd;
}

int runtime_proc_stat_fields(const char *line, unsigned long long *v, int n)
{
        /* The name may hold spaces and parentheses: the fields go on after
         * the last ')', field 3 (the state, a letter) first. */
        const char *p = strrchr(line, ')');
        int field = 2;

        memset(v, 0, (size_t)n * sizeof(*v));
        if (p == NULL)
                return 0;
        p++;
        while (field + 1 < n) {
                while (*p == ' ')
                        p++;
                if (*p == '\0' || *p == '\n')
                        break;
                char *end;
                if (++field == 3) {
                        v[3] = (unsigned char)*p;
                        end = (char *)p + 1;
                } else {
                        v[field] = strtoull(p, &end, 10);
                }
                if (end == p)
                        break;
                p = end;
        }
        return field;
}

uint64_t runtime_proc_start_time(pid_t pid)
{
        char path[64], buf[2048];
        unsigned long long v[23];
        int fd;
        ssize_t n;

        if (pid <= 0)
                return 0;
        snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return 0;
        buf[n] = '\0';
        if (runtime_proc_stat_fields(buf, v, 23) < 22 || v[3] == 'Z' || v[3] == 'X')
                return 0;
        return v[22];
}

bool runtime_proc_is(pid_t pid, uint64_t start_time)
{
        uint64_t t = runtime_proc_start_time(pid);
        return t != 0 && t == start_time;
}

enum runtime_status runtime_state_status(const char *root, const struct runtime_state *st)
{
        char path[PATH_MAX + 16], dir[PATH_MAX];

        if (!st->created_done)
                return runtime_proc_is(st->pid, st->start_time) ? RUNTIME_CREATING
                                                                : RUNTIME_STOPPED;
        if (!runtime_proc_is(st->pid, st->start_time))
                return RUNTIME_STOPPED;
        runtime_state_dir(root, st->id, dir);
        snprintf(path, sizeof(path), "%s/start.sock", dir);
        if (access(path, F_OK) == 0)
                return RUNTIME_CREATED;
        if (st->cgroup_path != NULL && st->cgroup_path[0] != '\0') {
                struct runtime_cgroup cg = {.root = (char *)SB_CGROUP_ROOT_PATH,
                                            .path = st->cgroup_path};
                struct sb_err err;
                if (runtime_cgroup_detect(SB_CGROUP_ROOT_PATH, &cg.mode, &err) == 0 &&
                    runtime_cgroup_is_frozen(&cg))
                        return RUNTIME_PAUSED;
        }
        return RUNTIME_RUNNING;
}
