/* The runtime <-> container-init hand-off: fixed-size messages on a
 * SOCK_SEQPACKET socketpair (message boundaries kept, no partial reads).
 * Every request type has one handler on the other side:
 *   parent -> init: SYNC_GO (maps written, continue), SYNC_HOOKS_DONE,
 *                   SYNC_CONFINE (the filters follow: runtime_confinement_send)
 *   init -> parent: SYNC_CHILD_PID (the real init after an extra fork),
 *                   SYNC_HOOKS (run prestart/createRuntime now),
 *                   SYNC_CONFINE (send the compiled filters),
 *                   SYNC_READY (set up, waiting for start), SYNC_ERROR (text) */
#ifndef SANDBOX_SYNC_H
#define SANDBOX_SYNC_H

#include <stdint.h>

#include "runtime/error.h"

enum runtime_sync_type {
        SYNC_GO = 1,
        SYNC_CHILD_PID,
        SYNC_HOOKS,
        SYNC_HOOKS_DONE,
        SYNC_READY,
        SYNC_ERROR,
        SYNC_CONFINE,
};

struct runtime_sync_msg {
        uint32_t type;
        int32_t value; /* pid for SYNC_CHILD_PID, errno for SYNC_ERROR */
        char text[3584];
};

int runtime_sync_send(int fd, enum runtime_sync_type type, int32_t value, const char *text);
/* Returns 0 on a message, -1 on error or when the peer is gone (errno EPIPE). */
int runtime_sync_recv(int fd, struct runtime_sync_msg *m);
const char *runtime_sync_type_name(uint32_t type);

#endif
