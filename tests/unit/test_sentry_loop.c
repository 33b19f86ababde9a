/* End to end: a child under a real user-notify filter, the real sentry
 * (sentry_spawn) answering it. Needs root (the sentry takes the target's
 * credentials, reads its memory and /proc/PID/root). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/terminal.h"
#include "sentry/sentry.h"

static char dir[] = "/tmp/sentry-loop-XXXXXX";
static char allowed_dir[256], denied_dir[256], events[256];

static const struct policy_path_rule open_paths[] = {
    {.pattern = denied_dir,
     .match = POLICY_MATCH_PREFIX,
     .access = POLICY_ACCESS_ALL,
     .decision = {POLICY_ACT_ERRNO, EACCES, true}},
};
static struct sentry_rule rules[5];
static struct sentry_table table = {.profile = "test", .rules = rules, .n_rules = 5};

static void setup(void)
{
        if (geteuid() != 0)
                cr_skip_test("needs root (the sentry adopts the target's credentials)");
        cr_assert_not_null(mkdtemp(dir));
        snprintf(allowed_dir, sizeof(allowed_dir), "%s/allowed", dir);
        snprintf(denied_dir, sizeof(denied_dir), "%s/denied!", dir); /* same length */
        snprintf(events, sizeof(events), "%s/events.jsonl", dir);
        cr_assert_eq(mkdir(allowed_dir, 0755), 0);
        cr_assert_eq(mkdir(denied_dir, 0755), 0);
        char l[512], t[512];
        snprintf(l, sizeof(l), "%s/lnk", allowed_dir);
        cr_assert_eq(symlink(denied_dir, l), 0);
        snprintf(l, sizeof(l), "%s/last", allowed_dir);
        snprintf(t, sizeof(t), "%s/via-last", denied_dir);
        cr_assert_eq(symlink(t, l), 0);
        /* a symlink to an allowed directory, for openat2's own refusals */
        snprintf(t, sizeof(t), "%s/sub", allowed_dir);
        cr_assert_eq(mkdir(t, 0755), 0);
        snprintf(l, sizeof(l), "%s/sl", allowed_dir);
        cr_assert_eq(symlink(t, l), 0);
        rules[0] = (struct sentry_rule){
            .nr = SYS_mkdirat, .name = "test-mkdir", .verdict = {POLICY_ACT_ERRNO, EPERM, true}};
        rules[1] = (struct sentry_rule){.nr = SYS_openat,
                                        .name = "test-open",
                                        .verdict = {POLICY_ACT_SENTRY, 0, false},
                                        .paths = open_paths,
                                        .n_paths = 1,
                                        .otherwise = {POLICY_ACT_ALLOW, 0, false}};
        rules[2] = (struct sentry_rule){
            .nr = SYS_getppid, .name = "test-getppid", .verdict = {POLICY_ACT_ALLOW, 0, false}};
        rules[3] = (struct sentry_rule){
            .nr = SYS_mkdir, .name = "test-mkdir", .verdict = {POLICY_ACT_ERRNO, EPERM, true}};
        rules[4] = rules[1];
        rules[4].nr = SYS_openat2;
}

/* The child: load the filter, hand the listener over, wait for "go", run
 * `body`, exit with its result. */
struct child {
        pid_t pid;
        int sock; /* parent's end: receives the listener, sends "go" */
};

static void load_filter_and_send(int sock)
{
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        struct sb_err err;

        if (ctx == NULL || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(mkdirat), 0) < 0 ||
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 0) < 0 ||
            /* Narrowed in the kernel: only creating opens reach the sentry. */
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat), 1,
                             SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT)) < 0 ||
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat2), 0) < 0 ||
            seccomp_load(ctx) < 0)
                _exit(90);
        int fd = seccomp_notify_fd(ctx);
        if (fd < 0 || runtime_send_fd(sock, fd, "notify:child", &err) < 0)
                _exit(91);
        /* The sentry must hold the only listener: the kill test depends on it. */
        close(fd);
        seccomp_release(ctx);
}

static int child_sock = -1; /* in the child: its end of the socket */

static struct child start_child(int (*body)(void))
{
        int sv[2];
        char go;
        struct child c;

        cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
        c.pid = fork();
        cr_assert_geq(c.pid, 0);
        if (c.pid == 0) {
                close(sv[0]);
                child_sock = sv[1];
                load_filter_and_send(sv[1]);
                if (read(sv[1], &go, 1) != 1)
                        _exit(92);
                int rc = body();
                /* Tell the parent the body is done, then wait for it to let go. */
                if (write(sv[1], &go, 1) != 1 || read(sv[1], &go, 1) != 1)
                        _exit(93);
                _exit(rc);
        }
        close(sv[1]);
        c.sock = sv[0];
        return c;
}

static int child_listener(struct child *c)
{
        struct sb_err err;
        char name[64];
        int fd = runtime_recv_fd(c->sock, name, sizeof(name), &err);

        cr_assert_geq(fd, 0, "%s", err.msg);
        return fd;
}

/* A sentry of container `id` deciding by `table`, its events in `events`. */
static struct sentry_config test_config(const char *id)
{
        return (struct sentry_config){.listen_fd = -1,
                                      .container_id = id,
                                      .bundle = "/bundle",
                                      .profile_name = "test",
                                      .events_log = events,
                                      .table = &table,
                                      .log_fd = -1};
}

static void spawn_sentry(int listener, pid_t target, pid_t *spid, int *control)
{
        struct sentry_config cfg = test_config("ctr-test");
        struct sb_err err;
        char name[64];

        cr_assert_eq(sentry_spawn(&cfg, spid, control, &err), 0, "%s", err.msg);
        snprintf(name, sizeof(name), "notify:%d", (int)target);
        cr_assert_eq(runtime_send_fd(*control, listener, name, &err), 0, "%s", err.msg);
        close(listener);
}

static int finish_child(struct child *c)
{
        char b = 'x';
        int status;

        cr_assert_eq(read(c->sock, &b, 1), 1);
        cr_assert_eq(write(c->sock, &b, 1), 1);
        cr_assert_eq(waitpid(c->pid, &status, 0), c->pid);
        close(c->sock);
        cr_assert(WIFEXITED(status), "child status %d", status);
        return WEXITSTATUS(status);
}

/* Runs `body` in a child answered by a real sentry until both are done;
 * the body must exit 0 (its exit code names the step that failed). */
static void run_under_sentry(int (*body)(void))
{
        struct child c = start_child(body);
        pid_t spid;
        int control, status;

        spawn_sentry(child_listener(&c), c.pid, &spid, &control);
        cr_assert_eq(write(c.sock, "g", 1), 1);
        int rc = finish_child(&c);
        cr_assert_eq(rc, 0, "the child failed at step %d", rc);
        close(control);
        cr_assert_eq(waitpid(spid, &status, 0), spid);
}

static json_t **read_events(size_t *n)
{
        FILE *f = fopen(events, "r");
        char line[16384];
        json_t **v = calloc(64, sizeof(*v));

        *n = 0;
        if (f == NULL)
                return v;
        while (*n < 64 && fgets(line, sizeof(line), f) != NULL) {
                json_error_t e;
                v[*n] = json_loads(line, 0, &e);
                cr_assert_not_null(v[*n], "bad JSON line: %s (%s)", line, e.text);
                (*n)++;
        }
        fclose(f);
        return v;
}

static const char *jstr(json_t *o, const char *k)
{
        return json_string_value(json_object_get(o, k));
}

/* The scenario run by the child. Exit codes name the step that failed. */
static int scenario(void)
{
        char p[512];

        if (syscall(SYS_mkdirat, AT_FDCWD, "/tmp/never-made-by-sentry-test", 0755) != -1 ||
            errno != EPERM)
                return 10;
        snprintf(p, sizeof(p), "%s/file", allowed_dir);
        int fd = openat(AT_FDCWD, p, O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return 11;
        if (write(fd, "hello", 5) != 5)
                return 12;
        if (!(fcntl(fd, F_GETFD) & FD_CLOEXEC))
                return 13;
        close(fd);
        snprintf(p, sizeof(p), "%s/file", denied_dir);
        if (openat(AT_FDCWD, p, O_CREAT | O_WRONLY, 0644) != -1 || errno != EACCES)
                return 14;
        /* Symlinks are decided where they lead, before anything is created:
         * in the middle of the path and as its last component. */
        snprintf(p, sizeof(p), "%s/lnk/via-dir", allowed_dir);
        if (openat(AT_FDCWD, p, O_CREAT | O_WRONLY, 0644) != -1 || errno != EACCES)
                return 18;
        snprintf(p, sizeof(p), "%s/last", allowed_dir);
        if (openat(AT_FDCWD, p, O_CREAT | O_WRONLY, 0644) != -1 || errno != EACCES)
                return 19;
        /* Relative paths resolve against the target's cwd, not the sentry's. */
        if (chdir(allowed_dir) < 0)
                return 15;
        fd = openat(AT_FDCWD, "rel", O_CREAT | O_WRONLY, 0600);
        if (fd < 0)
                return 16;
        close(fd);
        if (syscall(SYS_getppid) <= 0)
                return 17;
        return 0;
}

Test(sentry_loop, deny_perform_and_record, .init = setup)
{
        struct child c;
        pid_t spid;
        int control, status;
        char p[512], buf[16] = "";
        size_t n;

        c = start_child(scenario);
        spawn_sentry(child_listener(&c), c.pid, &spid, &control);
        cr_assert_eq(write(c.sock, "g", 1), 1);
        cr_assert_eq(finish_child(&c), 0, "child failed at a step (see scenario)");
        close(control);
        /* Runtime end closed and the only listener hung up: the sentry exits. */
        cr_assert_eq(waitpid(spid, &status, 0), spid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

        snprintf(p, sizeof(p), "%s/file", allowed_dir);
        int fd = open(p, O_RDONLY);
        cr_assert_geq(fd, 0);
        cr_assert_eq(read(fd, buf, sizeof(buf) - 1), 5);
        cr_assert_str_eq(buf, "hello");
        close(fd);
        snprintf(p, sizeof(p), "%s/rel", allowed_dir);
        struct stat st;
        cr_assert_eq(stat(p, &st), 0, "relative open landed elsewhere");
        cr_assert_eq(st.st_mode & 0777, 0600 & ~022);
        snprintf(p, sizeof(p), "%s/file", denied_dir);
        cr_assert_neq(access(p, F_OK), 0);
        snprintf(p, sizeof(p), "%s/via-dir", denied_dir);
        cr_assert_neq(access(p, F_OK), 0, "created through a symlinked directory");
        snprintf(p, sizeof(p), "%s/via-last", denied_dir);
        cr_assert_neq(access(p, F_OK), 0, "created through a symlink");

        json_t **ev = read_events(&n);
        cr_assert_eq(n, 4, "expected the mkdir and three denied opens, got %zu lines", n);
        snprintf(p, sizeof(p), "%s/via-last", denied_dir);
        cr_assert_str_eq(jstr(json_object_get(ev[3], "output_fields"), "fd.name"), p,
                         "the event names where the symlink led");
        json_t *m = ev[0];
        cr_assert_str_eq(jstr(m, "syscall"), "mkdirat");
        cr_assert_str_eq(jstr(m, "rule"), "test-mkdir");
        cr_assert_str_eq(jstr(m, "decision"), "deny");
        cr_assert_eq(json_integer_value(json_object_get(m, "errno")), EPERM);
        cr_assert_str_eq(jstr(m, "priority"), "Warning");
        cr_assert_str_eq(jstr(m, "source"), "syscall");
        cr_assert_str_eq(jstr(m, "container_id"), "ctr-test");
        cr_assert_str_eq(jstr(m, "profile"), "test");
        cr_assert_eq(json_integer_value(json_object_get(m, "pid")), c.pid);
        json_t *args = json_object_get(m, "args");
        cr_assert_str_eq(jstr(args, "path"), "/tmp/never-made-by-sentry-test");
        cr_assert_str_eq(jstr(args, "dirfd"), "AT_FDCWD");
        cr_assert_str_eq(jstr(args, "mode"), "0755");
        json_t *f = json_object_get(m, "output_fields");
        cr_assert_str_eq(jstr(f, "evt.type"), "mkdirat");
        cr_assert_str_eq(jstr(f, "container.id"), "ctr-test");
        cr_assert_str_eq(jstr(f, "evt.res"), "EPERM");
        cr_assert_eq(json_integer_value(json_object_get(f, "proc.pid")), c.pid);
        cr_assert_not_null(jstr(f, "proc.exepath"));
        cr_assert_str_eq(jstr(ev[1], "decision"), "deny");
        cr_assert_str_eq(jstr(json_object_get(ev[1], "output_fields"), "evt.res"), "EACCES");
        cr_assert_str_eq(jstr(json_object_get(ev[1], "args"), "flags"), "O_WRONLY|O_CREAT");
        for (size_t i = 0; i < n; i++)
                json_decref(ev[i]);
        free(ev);
}

/* Kill the sentry between two routed calls: the second fails with ENOSYS
 * (the kernel answers for a listener that is gone) instead of passing. */
static int killed_body(void)
{
        char b;

        if (syscall(SYS_getppid) <= 0)
                return 20;
        if (write(child_sock, "1", 1) != 1 || read(child_sock, &b, 1) != 1)
                return 21;
        errno = 0;
        if (syscall(SYS_getppid) != -1 || errno != ENOSYS)
                return 22;
        if (syscall(SYS_mkdirat, AT_FDCWD, "/tmp/sentry-dead-test", 0755) != -1 || errno != ENOSYS)
                return 23;
        return 0;
}

Test(sentry_loop, killed_sentry_fails_closed, .init = setup)
{
        struct child c = start_child(killed_body);
        pid_t spid;
        int control, status;
        char b;

        spawn_sentry(child_listener(&c), c.pid, &spid, &control);
        cr_assert_eq(write(c.sock, "g", 1), 1);
        cr_assert_eq(read(c.sock, &b, 1), 1); /* first call answered */
        cr_assert_eq(kill(spid, SIGKILL), 0);
        cr_assert_eq(waitpid(spid, &status, 0), spid);
        cr_assert(WIFSIGNALED(status));
        cr_assert_eq(write(c.sock, "k", 1), 1);
        cr_assert_eq(finish_child(&c), 0, "a routed call did not fail with ENOSYS");
        close(control);
        cr_assert_neq(access("/tmp/sentry-dead-test", F_OK), 0);
}

#define THREADS 16
#define CALLS   200

static void *hammer(void *arg)
{
        long bad = 0;
        char p[512];

        snprintf(p, sizeof(p), "%s/t%ld", allowed_dir, (long)(intptr_t)arg);
        for (int i = 0; i < CALLS; i++) {
                if (syscall(SYS_getppid) <= 0)
                        bad++;
                if (syscall(SYS_mkdirat, AT_FDCWD, p, 0755) != -1 || errno != EPERM)
                        bad++;
                int fd = openat(AT_FDCWD, p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
                if (fd < 0)
                        bad++;
                else
                        close(fd);
        }
        return (void *)(intptr_t)bad;
}

static int threads_body(void)
{
        pthread_t t[THREADS];
        long bad = 0;

        for (long i = 0; i < THREADS; i++)
                if (pthread_create(&t[i], NULL, hammer, (void *)(intptr_t)i) != 0)
                        return 30;
        for (int i = 0; i < THREADS; i++) {
                void *r;
                pthread_join(t[i], &r);
                bad += (long)(intptr_t)r;
        }
        return bad == 0 ? 0 : 31;
}

Test(sentry_loop, many_threads_all_answered, .init = setup)
{
        struct child c = start_child(threads_body);
        pid_t spid;
        int control, status;
        size_t n;

        spawn_sentry(child_listener(&c), c.pid, &spid, &control);
        cr_assert_eq(write(c.sock, "g", 1), 1);
        cr_assert_eq(finish_child(&c), 0, "some routed call got a wrong answer");
        close(control);
        cr_assert_eq(waitpid(spid, &status, 0), spid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        /* 3200 identical denials: the default burst (10) written, the rest
         * counted in one summary written at the latest when the sentry exits. */
        json_t **ev = read_events(&n);
        uint64_t suppressed = 0;
        size_t plain = 0;
        for (size_t i = 0; i < n; i++) {
                json_t *s = json_object_get(ev[i], "suppressed");
                if (s != NULL)
                        suppressed += (uint64_t)json_integer_value(s);
                else
                        plain++;
                json_decref(ev[i]);
        }
        free(ev);
        cr_assert_eq(plain + suppressed, THREADS * CALLS, "%zu written + %lu suppressed", plain,
                     (unsigned long)suppressed);
        cr_assert_leq(plain, 10);
}

/* TOCTOU: one thread flips the path buffer between an allowed and a denied
 * path while another opens it. The sentry opens what it read and decided on
 * and never answers CONTINUE, so the denied file can never appear. */
static char flip[512];
static volatile int stop_flip;

static void *flipper(void *arg)
{
        char a[512], d[512];

        snprintf(a, sizeof(a), "%s/race", allowed_dir);
        snprintf(d, sizeof(d), "%s/race", denied_dir);
        /* Both strings have the same length: only the differing bytes
         * change, so every read sees one path or the other (or a mix, which
         * is denied or does not exist). */
        for (unsigned long i = 0; !stop_flip; i++) {
                memcpy(flip, (i & 1) ? d : a, strlen(a) + 1);
                for (volatile int spin = 0; spin < 2000; spin++)
                        ;
        }
        return arg;
}

static int toctou_body(void)
{
        pthread_t t;
        int ok = 0, denied = 0;

        (void)denied;

        snprintf(flip, sizeof(flip), "%s/race", allowed_dir);
        if (pthread_create(&t, NULL, flipper, NULL) != 0)
                return 40;
        for (int i = 0; i < 2000; i++) {
                int fd = openat(AT_FDCWD, flip, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
                if (fd >= 0) {
                        ok++;
                        close(fd);
                } else if (errno == EACCES) {
                        denied++;
                } else if (errno != ENOENT) {
                        return 42;
                }
        }
        stop_flip = 1;
        pthread_join(t, NULL);
        /* Every call got an answer: opened (allowed path) or EACCES (denied
         * path), or ENOENT for a torn read naming neither directory. */
        return ok > 0 ? 0 : 41;
}

Test(sentry_loop, toctou_path_swap_never_opens_denied, .init = setup)
{
        char p[512];

        run_under_sentry(toctou_body);
        snprintf(p, sizeof(p), "%s/race", denied_dir);
        cr_assert_neq(access(p, F_OK), 0, "the sentry was fooled into creating %s", p);
        snprintf(p, sizeof(p), "%s/race", allowed_dir);
        cr_assert_eq(access(p, F_OK), 0, "the allowed path was never opened");
}

/* openat2's own resolve restrictions hold in the open the sentry performs:
 * RESOLVE_NO_SYMLINKS through a symlink to an allowed place is the kernel's
 * ELOOP, nothing created; the same open without it follows the symlink. */
static int openat2_body(void)
{
        struct open_how how = {
            .flags = O_CREAT | O_WRONLY | O_CLOEXEC, .mode = 0644, .resolve = RESOLVE_NO_SYMLINKS};
        char p[512];

        snprintf(p, sizeof(p), "%s/sl/refused", allowed_dir);
        if (syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof(how)) != -1 || errno != ELOOP)
                return 60;
        how.resolve = 0;
        snprintf(p, sizeof(p), "%s/sl/followed", allowed_dir);
        int fd = (int)syscall(SYS_openat2, AT_FDCWD, p, &how, sizeof(how));
        if (fd < 0)
                return 61;
        close(fd);
        return 0;
}

Test(sentry_loop, openat2_resolve_restrictions_kept, .init = setup)
{
        char p[512];

        run_under_sentry(openat2_body);
        snprintf(p, sizeof(p), "%s/sub/refused", allowed_dir);
        cr_assert_neq(access(p, F_OK), 0, "RESOLVE_NO_SYMLINKS was not kept");
        snprintf(p, sizeof(p), "%s/sub/followed", allowed_dir);
        cr_assert_eq(access(p, F_OK), 0, "the open without it did not land through the symlink");
}

/* The watcher kills the init through a pidfd: once the init is gone and
 * reaped its number may name another process, which a loss must not kill.
 * Runs as pid 1 of a pid namespace of its own (with its /proc), where
 * ns_last_pid gives the init's number to a new process. Returns 0 when that
 * process outlived the loss. */
static int watcher_after_reuse(void)
{
        struct sentry_config cfg = test_config("ctr-reuse");
        struct sb_err err;
        char path[64], kids[64] = "";
        pid_t init, other, spid, w;
        int control, fd;

        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("proc", "/proc", "proc", 0, NULL) < 0)
                return 10;
        init = fork();
        if (init == 0) {
                pause();
                _exit(0);
        }
        cfg.init_pid = init;
        cfg.on_loss = SENTRY_LOSS_KILL;
        cfg.watch_loss = true;
        if (sentry_spawn(&cfg, &spid, &control, &err) < 0)
                return 11;
        /* The watcher exists (so the sentry holds its pidfd of the init). */
        snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)spid, (int)spid);
        for (int i = 0; i < 500 && kids[0] == '\0'; i++) {
                fd = open(path, O_RDONLY | O_CLOEXEC);
                ssize_t n = fd >= 0 ? read(fd, kids, sizeof(kids) - 1) : -1;
                kids[n > 0 ? n : 0] = '\0';
                if (fd >= 0)
                        close(fd);
                if (kids[0] == '\0')
                        usleep(10000);
        }
        if (kids[0] == '\0')
                return 12;
        kill(init, SIGKILL);
        waitpid(init, NULL, 0);
        fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || dprintf(fd, "%d", (int)init - 1) < 0)
                return 13;
        close(fd);
        other = fork();
        if (other == 0) {
                pause();
                _exit(0);
        }
        if (other != init) {
                kill(other, SIGKILL);
                return 14;
        }
        kill(spid, SIGKILL);
        waitpid(spid, NULL, 0);
        /* The watcher, ours now (pid 1 here), records the loss and exits. */
        while ((w = wait(NULL)) > 0 && w == other)
                ;
        int alive = waitpid(other, NULL, WNOHANG) == 0;
        kill(other, SIGKILL);
        close(control);
        return alive ? 0 : 15;
}

Test(sentry_loop, loss_spares_a_process_with_the_init_s_old_number, .init = setup)
{
        int status;
        pid_t c = fork();

        cr_assert_geq(c, 0);
        if (c == 0) {
                if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
                        _exit(100);
                pid_t g = fork();
                if (g == 0)
                        _exit(watcher_after_reuse());
                _exit(g > 0 && waitpid(g, &status, 0) == g && WIFEXITED(status)
                          ? WEXITSTATUS(status)
                          : 101);
        }
        cr_assert_eq(waitpid(c, &status, 0), c);
        cr_assert(WIFEXITED(status));
        cr_assert_eq(WEXITSTATUS(status), 0,
                     "step %d failed (15: the watcher killed the init's old number)",
                     WEXITSTATUS(status));
        size_t ne, lost = 0;
        json_t **ev = read_events(&ne);
        for (size_t i = 0; i < ne; i++) {
                const char *rule = jstr(ev[i], "rule"), *d = jstr(ev[i], "decision");
                if (rule && d && strcmp(rule, "sentry-lost") == 0 &&
                    strcmp(d, "kill-container") == 0)
                        lost++;
                json_decref(ev[i]);
        }
        free(ev);
        cr_assert_eq(lost, 1, "the loss was not recorded once");
}

/* kill-container: the calling process is killed before it gets an answer and
 * the runtime is told on the control socket. */
static int kill_body(void)
{
        syscall(SYS_getppid);
        return 50; /* never reached */
}

Test(sentry_loop, kill_container_verdict, .init = setup)
{
        rules[2].verdict = (struct policy_verdict){POLICY_ACT_KILL_CONTAINER, 0, true};
        struct child c = start_child(kill_body);
        pid_t spid;
        int control, status;
        char msg[256] = "", expect[128];

        spawn_sentry(child_listener(&c), c.pid, &spid, &control);
        cr_assert_eq(write(c.sock, "g", 1), 1);
        /* A child that is not killed ends at its next read (93), not never. */
        cr_assert_eq(shutdown(c.sock, SHUT_WR), 0);
        cr_assert_eq(waitpid(c.pid, &status, 0), c.pid);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
        ssize_t n = recv(control, msg, sizeof(msg) - 1, 0);
        cr_assert_gt(n, 0);
        msg[n] = '\0';
        snprintf(expect, sizeof(expect), "kill-container %d test-getppid", (int)c.pid);
        cr_assert_str_eq(msg, expect);
        close(control);
        close(c.sock);
        cr_assert_eq(waitpid(spid, &status, 0), spid);
        size_t ne;
        json_t **ev = read_events(&ne);
        cr_assert_eq(ne, 1);
        cr_assert_str_eq(jstr(ev[0], "decision"), "kill-container");
        cr_assert_str_eq(jstr(ev[0], "priority"), "Critical");
        json_decref(ev[0]);
        free(ev);
}
