/* The sentry's event loop: the control socket and every listener in one
 * epoll set. Handling never blocks (opens are O_NONBLOCK, memory reads are
 * bounded), so no request waits behind a slow one for longer than one
 * handler's run. */
#include "sentry/state.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/seccomp_compat.h"
#include "runtime/terminal.h"

#define DEFAULT_WINDOW_MS 10000u
#define DEFAULT_BURST     10u
/* Idle this long, the sentry loads libunwind for its crash handler (not
 * before: most containers are gone sooner, see crash.c). */
#define PRELOAD_IDLE_MS 100

static uint64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void emit_summary(const struct sentry_event *ev, void *data)
{
        sentry_write_event(data, ev);
}

/* A listener from the runtime. SYNC_WAKE_UP (6.6+) has the kernel wake the
 * target on the CPU it sleeps on when we answer: the round trip then costs
 * a same-CPU switch instead of a cross-CPU wake-up. Older kernels say
 * EINVAL/ENOTTY and we work without it. */
static int add_listener(int epfd, int fd)
{
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

        (void)ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
                sb_warn("sentry: epoll_ctl add listener %d: %s", fd, strerror(errno));
                close(fd);
                return -1;
        }
        return 0;
}

/* One control message. Returns false when the runtime closed its end. */
static bool control_message(int epfd, int control_fd, size_t *n_listeners)
{
        char name[128], peek;
        struct sb_err err;
        ssize_t n;

        n = recv(control_fd, &peek, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
                return false;
        if (n < 0)
                return true;
        int fd = runtime_recv_fd(control_fd, name, sizeof(name), &err);
        if (fd < 0) {
                sb_warn("sentry: control: %s", err.msg);
                return true;
        }
        if (strncmp(name, SENTRY_NOTIFY_PREFIX, strlen(SENTRY_NOTIFY_PREFIX)) != 0) {
                sb_warn("sentry: control: unexpected descriptor `%s`", name);
                close(fd);
                return true;
        }
        if (add_listener(epfd, fd) == 0)
                (*n_listeners)++;
        return true;
}

int sentry_run(const struct sentry_config *cfg, int control_fd, int init_pidfd, struct sb_err *err)
{
        struct sentry_state s = {
            .cfg = cfg, .table = cfg->table, .control_fd = control_fd, .init_pidfd = init_pidfd};
        struct epoll_event evs[32];
        size_t n_listeners = 0;
        bool control_open = true, preloaded = false;
        int epfd = -1, rc = -1;

        if (sentry_events_open(
                &s.events, cfg->events_log ? cfg->events_log : SENTRY_EVENTS_DEFAULT_PATH,
                cfg->events_max_bytes ? cfg->events_max_bytes : SENTRY_EVENTS_DEFAULT_MAX,
                cfg->events_keep ? cfg->events_keep : SENTRY_EVENTS_DEFAULT_KEEP, err) < 0)
                return -1;
        sentry_ratelimit_init(
            &s.rl,
            (uint64_t)(cfg->rate_window_ms ? cfg->rate_window_ms : DEFAULT_WINDOW_MS) * 1000000u,
            cfg->rate_burst ? cfg->rate_burst : DEFAULT_BURST);
        if (gethostname(s.hostname, sizeof(s.hostname) - 1) < 0)
                strcpy(s.hostname, "localhost");
        s.native_arch = seccomp_arch_native();
        sentry_status_cache_init(&s.status, cfg->policy != NULL && cfg->policy->identity_kept,
                                 cfg->policy != NULL && cfg->policy->root_kept);
        if (seccomp_notify_alloc(&s.req, &s.resp) < 0) {
                sb_err_set(err, ENOMEM, "sentry: seccomp_notify_alloc");
                goto out;
        }
        epfd = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event cev = {.events = EPOLLIN, .data.fd = control_fd};
        if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, control_fd, &cev) < 0) {
                sb_err_set(err, errno, "sentry: epoll");
                goto out;
        }

        /* Connections from processes that join later (see sentry_config.listen_fd). */
        int conns[64];
        size_t n_conns = 0;
        if (cfg->listen_fd >= 0) {
                struct epoll_event lev = {.events = EPOLLIN, .data.fd = cfg->listen_fd};
                if (epoll_ctl(epfd, EPOLL_CTL_ADD, cfg->listen_fd, &lev) < 0) {
                        sb_err_set(err, errno, "sentry: epoll listen socket");
                        goto out;
                }
                /* Connections queued before we started (the init's) are taken
                 * now, so the exit condition below never misses them. */
                fcntl(cfg->listen_fd, F_SETFL, fcntl(cfg->listen_fd, F_GETFL) | O_NONBLOCK);
                for (;;) {
                        int c = accept4(cfg->listen_fd, NULL, NULL, SOCK_CLOEXEC);
                        struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                        if (c < 0)
                                break;
                        if (n_conns == sizeof(conns) / sizeof(conns[0]) ||
                            epoll_ctl(epfd, EPOLL_CTL_ADD, c, &ce) < 0) {
                                close(c);
                                continue;
                        }
                        conns[n_conns++] = c;
                }
        }

        while (control_open || n_listeners > 0 || n_conns > 0) {
                int64_t due = sentry_ratelimit_next_due(&s.rl, now_ns());
                int timeout = due < 0 ? -1 : (int)(due / 1000000) + 1;
                if (!preloaded && (timeout < 0 || timeout > PRELOAD_IDLE_MS))
                        timeout = PRELOAD_IDLE_MS;
                int n = epoll_wait(epfd, evs, sizeof(evs) / sizeof(evs[0]), timeout);
                if (n < 0 && errno != EINTR) {
                        sb_err_set(err, errno, "sentry: epoll_wait");
                        goto out;
                }
                if (n == 0 && !preloaded) {
                        sentry_crash_handler_preload();
                        preloaded = true;
                }
                for (int i = 0; i < n; i++) {
                        int fd = evs[i].data.fd;
                        if (fd == control_fd) {
                                if (control_message(epfd, control_fd, &n_listeners))
                                        continue;
                                epoll_ctl(epfd, EPOLL_CTL_DEL, control_fd, NULL);
                                control_open = false;
                                /* Keep the fd for kill-container messages
                                 * to a runtime that may still read them. */
                                continue;
                        }
                        if (fd == cfg->listen_fd) {
                                int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                                struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                                if (c < 0)
                                        continue;
                                if (n_conns == sizeof(conns) / sizeof(conns[0]) ||
                                    epoll_ctl(epfd, EPOLL_CTL_ADD, c, &ce) < 0) {
                                        close(c);
                                        continue;
                                }
                                conns[n_conns++] = c;
                                continue;
                        }
                        size_t k = 0;
                        while (k < n_conns && conns[k] != fd)
                                k++;
                        if (k < n_conns) {
                                if (control_message(epfd, fd, &n_listeners))
                                        continue;
                                epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
                                close(fd);
                                conns[k] = conns[--n_conns];
                                continue;
                        }
                        if (evs[i].events & EPOLLIN) {
                                sentry_handle_one(&s, fd);
                        } else if (evs[i].events & (EPOLLHUP | EPOLLERR)) {
                                /* No process with this filter is left. */
                                epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
                                close(fd);
                                n_listeners--;
                                /* the status file kept may be one of theirs */
                                sentry_status_cache_drop(&s.status);
                        }
                }
                sentry_ratelimit_expired(&s.rl, now_ns(), emit_summary, &s);
        }
        rc = 0;
out:
        /* Nothing is lost silently: pending counts are written on the way out. */
        sentry_ratelimit_expired(&s.rl, UINT64_MAX, emit_summary, &s);
        sentry_ratelimit_free(&s.rl);
        json_decref(s.learned);
        sentry_status_cache_drop(&s.status);
        sentry_events_close(&s.events);
        seccomp_notify_free(s.req, s.resp);
        if (epfd >= 0)
                close(epfd);
        return rc;
}
