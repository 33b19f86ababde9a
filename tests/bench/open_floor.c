/* The floor for routed opens: the least that any supervisor which performs
 * a routed open for the process (never CONTINUE on a path, issue 6) costs.
 *
 *   open_floor PROGRAM ARGS...
 *
 * Forks; the child installs a user-notify filter on write-opens (write
 * access, O_CREAT or O_TRUNC, as the default profile routes them) with
 * libseccomp and execs PROGRAM. The parent answers each notification with
 * the minimum: read the path (process_vm_readv), check the request is still
 * valid, open it itself (same root, cwd and credentials as the child, so no
 * identity or root handling) and install the fd with ADDFD|SEND. It blocks
 * in NOTIF_RECV directly and sets SYNC_WAKE_UP where the kernel has it.
 *
 * The bench runs it under runc, in the same container as the workload, so
 * `sandbox / floor` is what the sentry costs beyond the mechanism itself.
 * Built statically (libseccomp.a) to run in the bench's rootfs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/seccomp_compat.h"

static void send_fd(int sock, int fd)
{
        char c = 0, buf[CMSG_SPACE(sizeof(int))];
        struct iovec io = {.iov_base = &c, .iov_len = 1};
        struct msghdr m = {
            .msg_iov = &io, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
        struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

        cm->cmsg_level = SOL_SOCKET;
        cm->cmsg_type = SCM_RIGHTS;
        cm->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(cm), &fd, sizeof(fd));
        if (sendmsg(sock, &m, 0) < 0)
                _exit(111);
}

static int recv_fd(int sock)
{
        char c, buf[CMSG_SPACE(sizeof(int))];
        struct iovec io = {.iov_base = &c, .iov_len = 1};
        struct msghdr m = {
            .msg_iov = &io, .msg_iovlen = 1, .msg_control = buf, .msg_controllen = sizeof(buf)};
        int fd;

        if (recvmsg(sock, &m, 0) <= 0 || CMSG_FIRSTHDR(&m) == NULL)
                return -1;
        memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(fd));
        return fd;
}

/* Write-opens notify: the same narrowing in the kernel as the profile's. */
static int route_write_opens(scmp_filter_ctx ctx, int nr, unsigned flags_arg)
{
        static const struct {
                uint64_t mask, value;
        } any[] = {
            {O_ACCMODE, O_WRONLY}, {O_ACCMODE, O_RDWR}, {O_CREAT, O_CREAT}, {O_TRUNC, O_TRUNC}};

        for (size_t i = 0; i < sizeof(any) / sizeof(any[0]); i++)
                if (seccomp_rule_add(
                        ctx, SCMP_ACT_NOTIFY, nr, 1,
                        SCMP_CMP(flags_arg, SCMP_CMP_MASKED_EQ, any[i].mask, any[i].value)) < 0)
                        return -1;
        return 0;
}

static void answer(int nfd, uint64_t id, int error)
{
        struct seccomp_notif_resp resp = {.id = id, .error = error};

        (void)ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

/* The path argument as a string, read page by page. */
static int read_path(pid_t pid, uint64_t addr, char *buf, size_t len)
{
        size_t got = 0;

        while (got < len) {
                uint64_t a = addr + got;
                size_t chunk = 4096 - (size_t)(a % 4096);
                if (chunk > len - got)
                        chunk = len - got;
                struct iovec local = {.iov_base = buf + got, .iov_len = chunk};
                struct iovec remote = {.iov_base = (void *)(uintptr_t)a, .iov_len = chunk};
                ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
                if (n <= 0)
                        return -EFAULT;
                if (memchr(buf + got, '\0', (size_t)n) != NULL)
                        return 0;
                got += (size_t)n;
        }
        return -ENAMETOOLONG;
}

static void serve(int nfd)
{
        struct seccomp_notif *req;
        struct seccomp_notif_resp *resp;
        char path[4096];

        (void)ioctl(nfd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
        if (seccomp_notify_alloc(&req, &resp) < 0)
                exit(111);
        for (;;) {
                memset(req, 0, sizeof(*req));
                if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) {
                        struct pollfd p = {.fd = nfd, .events = POLLIN};
                        /* ENOENT: a call interrupted, or nobody is left */
                        if (errno == EINTR ||
                            (errno == ENOENT && poll(&p, 1, 0) >= 0 && !(p.revents & POLLHUP)))
                                continue;
                        break;
                }
                const __u64 *a = req->data.args;
                int is_open = req->data.nr == SCMP_SYS(open);
                int rc = read_path((pid_t)req->pid, is_open ? a[0] : a[1], path, sizeof(path));
                if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
                        continue;
                if (rc < 0) {
                        answer(nfd, req->id, rc);
                        continue;
                }
                int flags = (int)(is_open ? a[1] : a[2]);
                mode_t mode = (mode_t)(is_open ? a[2] : a[3]);
                int fd = open(path, flags | O_CLOEXEC, mode);
                if (fd < 0) {
                        answer(nfd, req->id, -errno);
                        continue;
                }
                struct seccomp_notif_addfd addfd = {.id = req->id,
                                                    .flags = SECCOMP_ADDFD_FLAG_SEND,
                                                    .srcfd = (uint32_t)fd,
                                                    .newfd_flags = flags & O_CLOEXEC};
                (void)ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
                close(fd);
        }
        seccomp_notify_free(req, resp);
}

int main(int argc, char **argv)
{
        int sv[2], status;

        if (argc < 2 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return 2;
        pid_t child = fork();
        if (child < 0)
                return 111;
        if (child == 0) {
                scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
                if (ctx == NULL || route_write_opens(ctx, SCMP_SYS(openat), 2) < 0 ||
                    route_write_opens(ctx, SCMP_SYS(open), 1) < 0 || seccomp_load(ctx) < 0)
                        _exit(111);
                send_fd(sv[0], seccomp_notify_fd(ctx));
                execv(argv[1], argv + 1);
                _exit(127);
        }
        /* openat's dirfd is only meaningful in the child: the workload uses
         * absolute paths, and the floor opens every path from its own root
         * and cwd, which are the child's. */
        int nfd = recv_fd(sv[1]);
        if (nfd < 0)
                return 111;
        close(sv[0]);
        close(sv[1]);
        serve(nfd);
        if (waitpid(child, &status, 0) < 0)
                return 111;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
