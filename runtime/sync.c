#include "runtime/sync.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int runtime_sync_send(int fd, enum runtime_sync_type type, int32_t value, const char *text)
{
        struct runtime_sync_msg m = {.type = type, .value = value};
        ssize_t n;

        if (text != NULL)
                strncpy(m.text, text, sizeof(m.text) - 1);
        do {
                n = send(fd, &m, sizeof(m), MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        return n == (ssize_t)sizeof(m) ? 0 : -1;
}

int runtime_sync_recv(int fd, struct runtime_sync_msg *m)
{
        ssize_t n;

        do {
                n = recv(fd, m, sizeof(*m), 0);
        } while (n < 0 && errno == EINTR);
        if (n == 0) {
                errno = EPIPE;
                return -1;
        }
        if (n != (ssize_t)sizeof(*m)) {
                if (n >= 0)
                        errno = EPROTO;
                return -1;
        }
        m->text[sizeof(m->text) - 1] = '\0';
        return 0;
}

const char *runtime_sync_type_name(uint32_t type)
{
        static const char *const names[] = {
            [SYNC_GO] = "go",           [SYNC_CHILD_PID] = "child-pid",
            [SYNC_HOOKS] = "hooks",     [SYNC_HOOKS_DONE] = "hooks-done",
            [SYNC_READY] = "ready",     [SYNC_ERROR] = "error",
            [SYNC_CONFINE] = "confine",
        };
        if (type < sizeof(names) / sizeof(names[0]) && names[type] != NULL)
                return names[type];
        return "unknown";
}
