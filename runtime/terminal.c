#include "runtime/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/cleanup.h"

/* Control buffer for one descriptor, aligned for struct cmsghdr. */
union fd_cmsg {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
};

int runtime_send_fd(int sock, int fd, const char *name, struct sb_err *err)
{
        size_t len = name != NULL ? strlen(name) : 0;
        union fd_cmsg control;
        struct iovec iov = {.iov_base = (void *)name, .iov_len = len};
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = control.buf,
            .msg_controllen = sizeof(control.buf),
        };
        struct cmsghdr *cmsg;
        ssize_t n;

        /* The name is the payload: a stream socket cannot carry ancillary
         * data without at least one byte of it. */
        if (len == 0 || len > RUNTIME_FD_NAME_MAX)
                return sb_err_set(err, EINVAL, "send fd: name must be 1 to %d bytes",
                                  RUNTIME_FD_NAME_MAX);
        memset(&control, 0, sizeof(control));
        cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
        do
                n = sendmsg(sock, &msg, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return sb_err_set(err, errno, "send fd `%s`: sendmsg", name);
        if ((size_t)n != len)
                return sb_err_set(err, EIO, "send fd `%s`: short sendmsg (%zd of %zu bytes)", name,
                                  n, len);
        return 0;
}

int runtime_recv_fd(int sock, char *name_buf, size_t name_len, struct sb_err *err)
{
        char payload[RUNTIME_FD_NAME_MAX];
        union fd_cmsg control;
        struct iovec iov = {.iov_base = payload, .iov_len = sizeof(payload)};
        struct msghdr msg = {
            .msg_iov = &iov,
            .msg_iovlen = 1,
            .msg_control = control.buf,
            .msg_controllen = sizeof(control.buf),
        };
        int fd = -1;
        size_t nfds = 0;
        ssize_t n;

        do
                n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return sb_err_set(err, errno, "receive fd: recvmsg");
        if (n == 0)
                return sb_err_set(err, 0, "receive fd: peer closed the socket without a message");

        /* Every descriptor that arrived is ours to close, even in a message
         * we reject. */
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < count; i++) {
                        int got;
                        memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                        if (nfds++ == 0)
                                fd = got;
                        else
                                close(got);
                }
        }
        if (nfds != 1 || (msg.msg_flags & MSG_CTRUNC)) {
                if (fd >= 0)
                        close(fd);
                return sb_err_set(err, 0, "receive fd: expected exactly one descriptor, got %s",
                                  nfds == 0 ? "none" : "more");
        }
        if (name_buf != NULL && name_len > 0) {
                size_t l = (size_t)n < name_len - 1 ? (size_t)n : name_len - 1;
                memcpy(name_buf, payload, l);
                name_buf[l] = '\0';
        }
        return fd;
}

int runtime_console_socket_connect(const char *path, struct sb_err *err)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        _cleanup_close_ int fd = -1;
        _cleanup_close_ int dirfd = -1;
        _cleanup_free_ char *dir_copy = NULL;
        _cleanup_free_ char *base_copy = NULL;
        int n;

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return sb_err_set(err, errno, "console socket `%s`: socket", path);
        n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
        if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
                /* Too long for sun_path: reach the socket through an O_PATH
                 * handle on its directory. */
                dir_copy = strdup(path);
                base_copy = strdup(path);
                if (dir_copy == NULL || base_copy == NULL)
                        return sb_err_set(err, ENOMEM, "console socket `%s`", path);
                dirfd = open(dirname(dir_copy), O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (dirfd < 0)
                        return sb_err_set(err, errno, "console socket `%s`: open directory", path);
                n = snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dirfd,
                             basename(base_copy));
                if (n < 0 || (size_t)n >= sizeof(addr.sun_path))
                        return sb_err_set(err, ENAMETOOLONG, "console socket `%s`", path);
        }
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return sb_err_set(err, errno, "console socket `%s`: connect", path);
        return SB_STEAL_FD(fd);
}

int runtime_pty_open(uint32_t rows, uint32_t cols, bool set_size, int *master, char *slave_path,
                     size_t len, struct sb_err *err)
{
        _cleanup_close_ int fd = -1;
        int r;

        fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "open `/dev/ptmx`");
        if (unlockpt(fd) < 0)
                return sb_err_set(err, errno, "unlockpt `/dev/ptmx`");
        r = ptsname_r(fd, slave_path, len);
        if (r != 0)
                return sb_err_set(err, r, "ptsname `/dev/ptmx`");
        if (set_size) {
                struct winsize ws = {
                    .ws_row = rows > USHRT_MAX ? USHRT_MAX : (unsigned short)rows,
                    .ws_col = cols > USHRT_MAX ? USHRT_MAX : (unsigned short)cols,
                };
                if (ioctl(fd, TIOCSWINSZ, &ws) < 0)
                        return sb_err_set(err, errno, "set the size of `%s` (TIOCSWINSZ)",
                                          slave_path);
        }
        *master = SB_STEAL_FD(fd);
        return 0;
}

int runtime_pty_make_controlling(const char *slave_path, struct sb_err *err)
{
        int fd;

        if (setsid() < 0)
                return sb_err_set(err, errno, "setsid");
        /* Without O_CLOEXEC: if 0-2 were closed, open() may return one of
         * them, and dup2(fd, fd) would not clear the flag. */
        fd = open(slave_path, O_RDWR | O_NOCTTY);
        if (fd < 0)
                return sb_err_set(err, errno, "open `%s`", slave_path);
        if (ioctl(fd, TIOCSCTTY, 0) < 0) {
                int e = errno;
                close(fd);
                return sb_err_set(err, e, "make `%s` the controlling terminal (TIOCSCTTY)",
                                  slave_path);
        }
        for (int i = 0; i <= STDERR_FILENO; i++) {
                if (dup2(fd, i) < 0) {
                        int e = errno;
                        if (fd > STDERR_FILENO)
                                close(fd);
                        return sb_err_set(err, e, "dup2 `%s` onto fd %d", slave_path, i);
                }
        }
        if (fd > STDERR_FILENO)
                close(fd);
        return 0;
}

/* ---- the foreground proxy ---- */

/* Blocking write of all bytes, also when the fd is non-blocking. */
static int write_all(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t w = write(fd, buf, len);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0 && errno == EAGAIN) {
                        struct pollfd p = {.fd = fd, .events = POLLOUT};
                        if (poll(&p, 1, -1) < 0 && errno != EINTR)
                                return -1;
                        continue;
                }
                if (w < 0)
                        return -1;
                buf += w;
                len -= (size_t)w;
        }
        return 0;
}

static void copy_window_size(int from, int to)
{
        struct winsize ws;
        if (ioctl(from, TIOCGWINSZ, &ws) == 0)
                ioctl(to, TIOCSWINSZ, &ws);
}

struct proxy {
        int master;
        int ep;
        int sigfd;
        bool in_polled; /* stdin is registered with epoll (not a file or /dev/null) */
        bool in_watched;
        bool in_eof;
        char in_buf[4096]; /* stdin bytes not yet written to the master */
        size_t in_len, in_off;
};

/* Input waits in in_buf while the master is full: we never block on the
 * master, so output keeps flowing even when the container does not read. */
static int proxy_update_events(struct proxy *p, struct sb_err *err)
{
        bool want_in = !p->in_eof && p->in_len == 0;
        struct epoll_event ev = {.events = EPOLLIN | (p->in_len > 0 ? EPOLLOUT : 0),
                                 .data.fd = p->master};

        if (epoll_ctl(p->ep, EPOLL_CTL_MOD, p->master, &ev) < 0)
                return sb_err_set(err, errno, "pty proxy: epoll_ctl master");
        if (p->in_polled && want_in != p->in_watched) {
                struct epoll_event iev = {.events = EPOLLIN, .data.fd = STDIN_FILENO};
                if (epoll_ctl(p->ep, want_in ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, STDIN_FILENO, &iev) <
                    0)
                        return sb_err_set(err, errno, "pty proxy: epoll_ctl stdin");
                p->in_watched = want_in;
        }
        return 0;
}

static void proxy_read_stdin(struct proxy *p)
{
        ssize_t n = read(STDIN_FILENO, p->in_buf, sizeof(p->in_buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return;
        if (n <= 0) {
                /* Like runc: our input ending does not end the container. */
                p->in_eof = true;
                return;
        }
        p->in_len = (size_t)n;
        p->in_off = 0;
}

static int proxy_flush_input(struct proxy *p, struct sb_err *err)
{
        while (p->in_off < p->in_len) {
                ssize_t w = write(p->master, p->in_buf + p->in_off, p->in_len - p->in_off);
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0 && errno == EAGAIN)
                        return 0;
                if (w < 0)
                        return sb_err_set(err, errno, "pty proxy: write to the terminal");
                p->in_off += (size_t)w;
        }
        p->in_len = p->in_off = 0;
        return 0;
}

/* Returns 1 when the master hung up (every slave closed), 0 otherwise. */
static int proxy_read_master(struct proxy *p, struct sb_err *err)
{
        char buf[8192];
        ssize_t n = read(p->master, buf, sizeof(buf));

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return 0;
        /* EIO is how a pty master reports that the last slave was closed. */
        if (n == 0 || (n < 0 && errno == EIO))
                return 1;
        if (n < 0)
                return sb_err_set(err, errno, "pty proxy: read from the terminal");
        if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
                return sb_err_set(err, errno, "pty proxy: write to stdout");
        return 0;
}

static int proxy_loop(struct proxy *p, struct sb_err *err)
{
        for (;;) {
                struct epoll_event evs[4];
                /* A stdin that epoll refuses (regular file, /dev/null) never
                 * blocks: read it directly whenever there is room. */
                bool poll_now = !p->in_polled && !p->in_eof && p->in_len == 0;
                if (poll_now)
                        proxy_read_stdin(p);
                if (p->in_len > 0 && proxy_flush_input(p, err) < 0)
                        return -1;
                if (proxy_update_events(p, err) < 0)
                        return -1;
                poll_now = !p->in_polled && !p->in_eof && p->in_len == 0;

                int n = epoll_wait(p->ep, evs, 4, poll_now ? 0 : -1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return sb_err_set(err, errno, "pty proxy: epoll_wait");
                for (int i = 0; i < n; i++) {
                        int fd = evs[i].data.fd;
                        if (fd == p->sigfd) {
                                struct signalfd_siginfo si;
                                if (read(p->sigfd, &si, sizeof(si)) > 0)
                                        copy_window_size(STDIN_FILENO, p->master);
                        } else if (fd == STDIN_FILENO) {
                                proxy_read_stdin(p);
                        } else if (fd == p->master) {
                                if (evs[i].events & EPOLLOUT && proxy_flush_input(p, err) < 0)
                                        return -1;
                                if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                                        int r = proxy_read_master(p, err);
                                        if (r != 0)
                                                return r < 0 ? -1 : 0;
                                }
                        }
                }
        }
}

int runtime_pty_proxy(int master, struct sb_err *err)
{
        struct proxy p = {.master = master, .sigfd = -1};
        _cleanup_close_ int ep = -1;
        _cleanup_close_ int sigfd = -1;
        struct termios saved, raw;
        bool tty = isatty(STDIN_FILENO), restore_tty = false;
        sigset_t winch, old_mask;
        int master_flags, r;

        ep = epoll_create1(EPOLL_CLOEXEC);
        if (ep < 0)
                return sb_err_set(err, errno, "pty proxy: epoll_create1");
        p.ep = ep;

        master_flags = fcntl(master, F_GETFL);
        if (master_flags < 0 || fcntl(master, F_SETFL, master_flags | O_NONBLOCK) < 0)
                return sb_err_set(err, errno, "pty proxy: fcntl on the terminal");
        struct epoll_event mev = {.events = EPOLLIN, .data.fd = master};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, master, &mev) < 0) {
                fcntl(master, F_SETFL, master_flags);
                return sb_err_set(err, errno, "pty proxy: epoll_ctl master");
        }

        struct epoll_event iev = {.events = EPOLLIN, .data.fd = STDIN_FILENO};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, STDIN_FILENO, &iev) == 0)
                p.in_polled = p.in_watched = true;
        else if (errno == EBADF)
                p.in_eof = true; /* no stdin at all */

        sigemptyset(&winch);
        sigaddset(&winch, SIGWINCH);
        pthread_sigmask(SIG_BLOCK, &winch, &old_mask);
        if (tty) {
                sigfd = signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK);
                struct epoll_event sev = {.events = EPOLLIN, .data.fd = sigfd};
                if (sigfd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, sigfd, &sev) == 0)
                        p.sigfd = sigfd;
                copy_window_size(STDIN_FILENO, master);
                /* Raw mode: keys (^C, ^Z, ...) go to the container's terminal
                 * to interpret, not to our own line discipline. */
                if (tcgetattr(STDIN_FILENO, &saved) == 0) {
                        raw = saved;
                        cfmakeraw(&raw);
                        restore_tty = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
                }
        }

        r = proxy_loop(&p, err);

        if (restore_tty)
                tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        if (p.sigfd >= 0) {
                /* Drop a SIGWINCH that arrived meanwhile instead of delivering it. */
                struct signalfd_siginfo si;
                while (read(p.sigfd, &si, sizeof(si)) > 0)
                        ;
        }
        pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
        fcntl(master, F_SETFL, master_flags);
        return r;
}
