/* Container state under --root/ID/: state.json (written atomically), the
 * start socket that exists while the container is "created", and a lock file
 * that serialises concurrent commands on the same container.
 *
 * The status is derived from the process, never trusted from the file: the
 * init's pid plus its start time (field 22 of /proc/PID/stat), so a reused pid
 * can never be mistaken for the container. */
#ifndef SANDBOX_STATE_H
#define SANDBOX_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "runtime/oci_config.h"

#define SB_ID_MAX 1024

enum runtime_status {
        RUNTIME_CREATING,
        RUNTIME_CREATED,
        RUNTIME_RUNNING,
        RUNTIME_STOPPED,
        RUNTIME_PAUSED,
};

struct runtime_state {
        char *id;
        char *bundle;
        char *rootfs;
        char *oci_version;
        pid_t pid;           /* init, as seen from the host; 0 before it exists */
        uint64_t start_time; /* /proc/PID/stat field 22 */
        char *created;       /* RFC 3339 */
        uint32_t owner;      /* uid of the creator */
        bool created_done;   /* false while `create` is still running */
        struct oci_kv_list annotations;
        char *cgroup_path; /* the container's cgroup relative to each hierarchy; "" if none */
        char *profile;     /* the policy profile's file; "" if none */
        char *events_log;  /* where its security events go ("-": stderr); "" if unknown */
        pid_t sentry_pid;
        uint64_t sentry_start_time;
};

const char *runtime_status_name(enum runtime_status s);

/* Container ids: [A-Za-z0-9][A-Za-z0-9_.+-]*, like runc; pure. */
bool runtime_id_valid(const char *id);

/* Pure JSON encoding/decoding of state.json. */
char *runtime_state_to_json(const struct runtime_state *st);
int runtime_state_from_json(const char *buf, size_t len, struct runtime_state *st,
                            struct sb_err *err);
void runtime_state_free(struct runtime_state *st);

/* OCI state document (`sandbox state`): ociVersion, id, status, pid, bundle, annotations. */
char *runtime_oci_state_json(const struct runtime_state *st, enum runtime_status status);

/* Paths. `buf` must hold PATH_MAX. */
void runtime_state_dir(const char *root, const char *id, char *buf);

/* The address of a socket NAME in the state directory ("start.sock",
 * "sentry.sock"). State directories can be deeper than the 108 bytes a
 * socket path may have (containerd's are), so the address goes through an
 * O_PATH fd of the directory: "/proc/self/fd/N/NAME". Returns that fd (close
 * it after bind/connect); `path` gets the real path. */
struct sockaddr_un;
int runtime_state_socket_addr(const char *root, const char *id, const char *name,
                              struct sockaddr_un *sa, char *path, size_t len, struct sb_err *err);

/* Filesystem edges. */
int runtime_state_dir_create(const char *root, const char *id, struct sb_err *err);
int runtime_state_write(const char *root, const struct runtime_state *st, struct sb_err *err);
int runtime_state_read(const char *root, const char *id, struct runtime_state *st,
                       struct sb_err *err);
int runtime_state_remove(const char *root, const char *id, struct sb_err *err);
/* Exclusive flock on ROOT/ID/lock; returns the fd (close to unlock). */
int runtime_state_lock(const char *root, const char *id, struct sb_err *err);

/* The fields of a /proc/PID/stat line, v[k] for field k of proc(5) (k < n;
 * field 3, the state, as its letter), 0 where the line has none. Returns
 * the number of the last field read (0: no ")" after the name). Pure. */
int runtime_proc_stat_fields(const char *line, unsigned long long *v, int n);

/* The process behind the state: alive and the same process (start time). */
uint64_t runtime_proc_start_time(pid_t pid); /* 0 if not readable */
bool runtime_proc_is(pid_t pid, uint64_t start_time);
enum runtime_status runtime_state_status(const char *root, const struct runtime_state *st);

#endif
