/* Terminals: the console socket protocol (runc's --console-socket) and the
 * pty helpers used inside the container and by `sandbox run` in the
 * foreground.
 *
 * Console socket protocol, as in runc (libcontainer/utils/cmsg.go): one
 * message on a unix socket whose payload is the file's name (for the pty
 * master, "/dev/ptmx"; at most 4096 bytes, no NUL) and whose ancillary data
 * is exactly one SCM_RIGHTS descriptor. */
#ifndef SANDBOX_TERMINAL_H
#define SANDBOX_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/error.h"

#define RUNTIME_FD_NAME_MAX 4096

/* Sends `fd` over the unix socket `sock` with `name` as the payload. */
int runtime_send_fd(int sock, int fd, const char *name, struct sb_err *err);

/* Receives one descriptor (O_CLOEXEC) sent by runtime_send_fd (or runc's
 * SendFile). The name is stored NUL-terminated in name_buf (truncated to
 * name_len - 1); name_buf may be NULL. Returns the fd, or -1 when the message
 * carries no descriptor or the peer closed the socket. */
int runtime_recv_fd(int sock, char *name_buf, size_t name_len, struct sb_err *err);

/* Connects to the unix stream socket at `path`; returns the fd (O_CLOEXEC). */
int runtime_console_socket_connect(const char *path, struct sb_err *err);

/* Opens a new pty from /dev/ptmx (inside the container, after /dev/pts is
 * mounted), unlocks it, optionally sets its size, and returns the master in
 * *master (O_CLOEXEC) and the slave's path ("/dev/pts/N") in slave_path. */
int runtime_pty_open(uint32_t rows, uint32_t cols, bool set_size, int *master, char *slave_path,
                     size_t len, struct sb_err *err);

/* Makes `slave_path` the controlling terminal and the stdio of the calling
 * process: setsid(), open, TIOCSCTTY, dup2 onto 0, 1 and 2. */
int runtime_pty_make_controlling(const char *slave_path, struct sb_err *err);

/* Foreground `sandbox run` with process.terminal: copies our stdin to the
 * master and the master to our stdout until the master hangs up. While it
 * runs, a terminal on our stdin is in raw mode (restored afterwards) and its
 * size changes (SIGWINCH) are forwarded to the pty. */
int runtime_pty_proxy(int master, struct sb_err *err);

#endif
