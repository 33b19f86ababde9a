#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/terminal.h"

Test(terminal, send_recv_fd_same_file)
{
        int sv[2];
        struct sb_err err = {0};
        char name[64];
        struct stat a, b;
        int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);

        cr_assert_geq(fd, 0);
        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        cr_assert_eq(runtime_send_fd(sv[0], fd, "/dev/ptmx", &err), 0, "%s", err.msg);
        int got = runtime_recv_fd(sv[1], name, sizeof(name), &err);
        cr_assert_geq(got, 0, "%s", err.msg);
        cr_assert_neq(got, fd);
        cr_assert_str_eq(name, "/dev/ptmx");
        cr_assert_eq(fstat(fd, &a), 0);
        cr_assert_eq(fstat(got, &b), 0);
        cr_assert_eq(a.st_ino, b.st_ino);
        cr_assert_eq(a.st_dev, b.st_dev);
        cr_assert(fcntl(got, F_GETFD) & FD_CLOEXEC);
        close(got);
        close(fd);
        close(sv[0]);
        close(sv[1]);
}

Test(terminal, recv_name_truncated_to_buffer)
{
        int sv[2];
        struct sb_err err = {0};
        char name[5];

        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        cr_assert_eq(runtime_send_fd(sv[0], STDIN_FILENO, "seccompFd", &err), 0, "%s", err.msg);
        int got = runtime_recv_fd(sv[1], name, sizeof(name), &err);
        cr_assert_geq(got, 0, "%s", err.msg);
        cr_assert_str_eq(name, "secc");
        close(got);
        close(sv[0]);
        close(sv[1]);
}

Test(terminal, recv_without_fd_fails)
{
        int sv[2];
        struct sb_err err = {0};

        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        cr_assert_eq(write(sv[0], "x", 1), 1);
        cr_assert_eq(runtime_recv_fd(sv[1], NULL, 0, &err), -1);
        cr_assert_str_eq(err.msg, "receive fd: expected exactly one descriptor, got none");
        close(sv[0]);
        /* A closed peer is reported at once (cmd_run relies on this). */
        cr_assert_eq(runtime_recv_fd(sv[1], NULL, 0, &err), -1);
        cr_assert_str_eq(err.msg, "receive fd: peer closed the socket without a message");
        close(sv[1]);
}

Test(terminal, send_rejects_empty_name)
{
        int sv[2];
        struct sb_err err = {0};

        cr_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
        cr_assert_eq(runtime_send_fd(sv[0], 0, "", &err), -1);
        cr_assert_eq(err.errnum, EINVAL);
        close(sv[0]);
        close(sv[1]);
}

static int listen_at(const char *path)
{
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

        cr_assert_geq(fd, 0);
        cr_assert_lt(strlen(path), sizeof(addr.sun_path));
        strcpy(addr.sun_path, path);
        cr_assert_eq(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0, "%s", strerror(errno));
        cr_assert_eq(listen(fd, 1), 0);
        return fd;
}

/* The whole console-socket exchange: connect, the peer accepts, a fd crosses. */
Test(terminal, console_socket_connect_and_send)
{
        char dir[] = "/tmp/sb-term-XXXXXX";
        char path[PATH_MAX];
        struct sb_err err = {0};
        char name[64];

        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/console.sock", dir);
        int l = listen_at(path);
        int c = runtime_console_socket_connect(path, &err);
        cr_assert_geq(c, 0, "%s", err.msg);
        int a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
        cr_assert_geq(a, 0);
        cr_assert_eq(runtime_send_fd(c, STDERR_FILENO, "/dev/ptmx", &err), 0, "%s", err.msg);
        int got = runtime_recv_fd(a, name, sizeof(name), &err);
        cr_assert_geq(got, 0, "%s", err.msg);
        cr_assert_str_eq(name, "/dev/ptmx");
        close(got);
        close(a);
        close(c);
        close(l);
        unlink(path);
        rmdir(dir);
}

/* A path longer than sun_path is reached through its directory. */
Test(terminal, console_socket_long_path)
{
        char dir[PATH_MAX] = "/tmp/sb-term-XXXXXX";
        char longdir[PATH_MAX], path[PATH_MAX];
        struct sb_err err = {0};

        cr_assert_not_null(mkdtemp(dir));
        snprintf(longdir, sizeof(longdir), "%s/%0120d", dir, 0);
        cr_assert_eq(mkdir(longdir, 0700), 0);
        snprintf(path, sizeof(path), "%s/c.sock", longdir);
        cr_assert_gt(strlen(path), sizeof(((struct sockaddr_un *)0)->sun_path));

        /* bind through a short relative path from inside the directory */
        char cwd[PATH_MAX];
        cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
        cr_assert_eq(chdir(longdir), 0);
        int l = listen_at("c.sock");
        cr_assert_eq(chdir(cwd), 0);

        int c = runtime_console_socket_connect(path, &err);
        cr_assert_geq(c, 0, "%s", err.msg);
        close(c);
        close(l);
        unlink(path);
        rmdir(longdir);
        rmdir(dir);
}

Test(terminal, console_socket_missing)
{
        struct sb_err err = {0};

        cr_assert_eq(runtime_console_socket_connect("/nonexistent/sock", &err), -1);
        cr_assert_str_eq(err.msg,
                         "console socket `/nonexistent/sock`: connect: No such file or directory");
}

Test(terminal, pty_open_pair_works)
{
        struct sb_err err = {0};
        char slave[PATH_MAX], buf[16] = {0};
        int master = -1;

        cr_assert_eq(runtime_pty_open(0, 0, false, &master, slave, sizeof(slave), &err), 0, "%s",
                     err.msg);
        cr_assert_eq(strncmp(slave, "/dev/pts/", 9), 0, "%s", slave);
        cr_assert(fcntl(master, F_GETFD) & FD_CLOEXEC);
        int s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
        cr_assert_geq(s, 0, "%s", strerror(errno));
        cr_assert_eq(write(s, "hi\n", 3), 3);
        cr_assert_geq(read(master, buf, sizeof(buf) - 1), 3);
        cr_assert_str_eq(buf, "hi\r\n"); /* ONLCR: the slave's default output mode */
        close(s);
        close(master);
}

Test(terminal, pty_window_size)
{
        struct sb_err err = {0};
        char slave[PATH_MAX];
        struct winsize ws = {0};
        int master = -1;

        cr_assert_eq(runtime_pty_open(33, 120, true, &master, slave, sizeof(slave), &err), 0, "%s",
                     err.msg);
        int s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
        cr_assert_geq(s, 0);
        cr_assert_eq(ioctl(s, TIOCGWINSZ, &ws), 0);
        cr_assert_eq(ws.ws_row, 33);
        cr_assert_eq(ws.ws_col, 120);
        close(s);
        close(master);
}

/* In a child: the slave becomes the controlling terminal and stdio. */
Test(terminal, make_controlling)
{
        struct sb_err err = {0};
        char slave[PATH_MAX], buf[16] = {0};
        int master = -1;

        cr_assert_eq(runtime_pty_open(0, 0, false, &master, slave, sizeof(slave), &err), 0, "%s",
                     err.msg);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                struct sb_err e = {0};
                if (runtime_pty_make_controlling(slave, &e) < 0)
                        _exit(1);
                if (!isatty(0) || !isatty(1) || !isatty(2))
                        _exit(2);
                if (tcgetsid(0) != getpid())
                        _exit(3);
                int t = open("/dev/tty", O_RDWR | O_CLOEXEC); /* needs a controlling tty */
                if (t < 0)
                        _exit(4);
                if (write(1, "ok", 2) != 2)
                        _exit(5);
                _exit(0);
        }
        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status));
        cr_assert_eq(WEXITSTATUS(status), 0);
        cr_assert_eq(read(master, buf, sizeof(buf) - 1), 2);
        cr_assert_str_eq(buf, "ok");
        close(master);
}

/* The proxy copies stdin -> pty and pty -> stdout until the pty hangs up.
 * Our stdin is itself a terminal (a second pty) to exercise raw mode, its
 * restoration, and the window size forwarding. */
Test(terminal, proxy_copies_both_ways)
{
        struct sb_err err = {0};
        char slave[PATH_MAX], in_slave[PATH_MAX], buf[64] = {0};
        int master = -1, in_master = -1, out[2];
        struct termios before, after;
        struct winsize ws = {0};

        cr_assert_eq(runtime_pty_open(0, 0, false, &master, slave, sizeof(slave), &err), 0);
        cr_assert_eq(runtime_pty_open(30, 100, true, &in_master, in_slave, sizeof(in_slave), &err),
                     0);
        int s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
        int in = open(in_slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
        cr_assert_geq(s, 0);
        cr_assert_geq(in, 0);
        struct termios r;
        cr_assert_eq(tcgetattr(s, &r), 0);
        cfmakeraw(&r);
        cr_assert_eq(tcsetattr(s, TCSANOW, &r), 0);
        cr_assert_eq(tcgetattr(in, &before), 0);
        cr_assert(before.c_lflag & ICANON);

        /* The "container": echoes one line back with a prefix, then exits. */
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                char line[16];
                size_t got = 0;
                while (got < 5) {
                        ssize_t n = read(s, line + got, 5 - got);
                        if (n <= 0)
                                _exit(1);
                        got += (size_t)n;
                }
                if (write(s, "pong:", 5) != 5 || write(s, line, 5) != 5)
                        _exit(2);
                _exit(0);
        }
        close(s);

        cr_assert_eq(write(in_master, "ping\n", 5), 5);
        cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
        int saved_in = dup(0), saved_out = dup(1);
        dup2(in, 0);
        dup2(out[1], 1);
        int rc = runtime_pty_proxy(master, &err);
        dup2(saved_in, 0);
        dup2(saved_out, 1);
        close(saved_in);
        close(saved_out);
        close(out[1]);
        cr_assert_eq(rc, 0, "%s", err.msg);

        size_t total = 0;
        ssize_t n;
        while ((n = read(out[0], buf + total, sizeof(buf) - 1 - total)) > 0)
                total += (size_t)n;
        cr_assert_str_eq(buf, "pong:ping\n");

        int status;
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert_eq(WEXITSTATUS(status), 0);
        cr_assert_eq(tcgetattr(in, &after), 0);
        cr_assert_eq(after.c_lflag, before.c_lflag);
        cr_assert_eq(after.c_iflag, before.c_iflag);
        cr_assert_eq(after.c_oflag, before.c_oflag);
        cr_assert_eq(ioctl(master, TIOCGWINSZ, &ws), 0);
        cr_assert_eq(ws.ws_row, 30);
        cr_assert_eq(ws.ws_col, 100);
        close(in);
        close(in_master);
        close(out[0]);
        close(master);
}

/* A stdin that epoll cannot watch (/dev/null) still works. */
Test(terminal, proxy_with_dev_null_stdin)
{
        struct sb_err err = {0};
        char slave[PATH_MAX], buf[16] = {0};
        int master = -1, out[2];

        cr_assert_eq(runtime_pty_open(0, 0, false, &master, slave, sizeof(slave), &err), 0);
        int s = open(slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
        cr_assert_geq(s, 0);
        struct termios r;
        cr_assert_eq(tcgetattr(s, &r), 0);
        cfmakeraw(&r);
        cr_assert_eq(tcsetattr(s, TCSANOW, &r), 0);
        cr_assert_eq(write(s, "bye", 3), 3);
        close(s);

        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
        int saved_in = dup(0), saved_out = dup(1);
        dup2(null, 0);
        dup2(out[1], 1);
        int rc = runtime_pty_proxy(master, &err);
        dup2(saved_in, 0);
        dup2(saved_out, 1);
        close(saved_in);
        close(saved_out);
        close(out[1]);
        cr_assert_eq(rc, 0, "%s", err.msg);
        cr_assert_eq(read(out[0], buf, sizeof(buf) - 1), 3);
        cr_assert_str_eq(buf, "bye");
        close(null);
        close(out[0]);
        close(master);
}
