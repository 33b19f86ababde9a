#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/hooks.h"

static char tmpdir[64];

static void setup_dir(void)
{
        strcpy(tmpdir, "/tmp/sb-hooks-XXXXXX");
        cr_assert_not_null(mkdtemp(tmpdir));
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        return remove(path);
}

static void teardown_dir(void)
{
        nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(hooks, .init = setup_dir, .fini = teardown_dir);

/* Writes an executable /bin/sh script; returns its path (static buffer per slot). */
static const char *script(int slot, const char *name, const char *body)
{
        static char paths[8][256];
        char *p = paths[slot];
        FILE *f;

        snprintf(p, sizeof(paths[0]), "%s/%s", tmpdir, name);
        f = fopen(p, "w");
        cr_assert_not_null(f);
        fprintf(f, "#!/bin/sh\n%s\n", body);
        fclose(f);
        cr_assert_eq(chmod(p, 0755), 0);
        return p;
}

static const char *tmp_path(int slot, const char *name)
{
        static char paths[8][256];
        snprintf(paths[slot], sizeof(paths[0]), "%s/%s", tmpdir, name);
        return paths[slot];
}

/* Reads a whole file; the length goes to *len. */
static char *slurp(const char *path, size_t *len)
{
        static char buf[65536];
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return NULL;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        cr_assert_geq(n, 0);
        buf[n] = '\0';
        if (len != NULL)
                *len = (size_t)n;
        return buf;
}

static struct oci_hook make_hook(const char *path, char **args, size_t nargs, char **env,
                                 size_t nenv)
{
        struct oci_hook h = {
            .path = (char *)path,
            .args = {.items = args, .count = nargs},
            .env = {.items = env, .count = nenv},
        };
        return h;
}

Test(hook_state, exact_json)
{
        struct oci_kv kv[2] = {{"org.example.a", "1"}, {"b", "two \"q\""}};
        struct oci_kv_list ann = {.items = kv, .count = 2};
        char *s = runtime_hook_state_json("1.2.0", "c1", "creating", 4242, "/run/b", &ann);

        cr_assert_not_null(s);
        cr_assert_str_eq(s, "{\"ociVersion\":\"1.2.0\",\"id\":\"c1\",\"status\":\"creating\","
                            "\"pid\":4242,\"bundle\":\"/run/b\","
                            "\"annotations\":{\"org.example.a\":\"1\",\"b\":\"two \\\"q\\\"\"}}");
        free(s);
}

Test(hook_state, pid_omitted_and_empty_annotations)
{
        char *s = runtime_hook_state_json("1.0.2", "x", "stopped", 0, "/b", NULL);

        cr_assert_not_null(s);
        cr_assert_str_eq(s, "{\"ociVersion\":\"1.0.2\",\"id\":\"x\",\"status\":\"stopped\","
                            "\"bundle\":\"/b\",\"annotations\":{}}");
        free(s);
}

Test(hooks, stdin_carries_state)
{
        const char *out = tmp_path(0, "state.out");
        const char *p = script(0, "stdin.sh", "exec /bin/cat > \"$1\"");
        char *args[] = {(char *)p, (char *)out};
        struct oci_hook h = make_hook(p, args, 2, NULL, 0);
        struct sb_err err = {0};
        const char *state = "{\"ociVersion\":\"1.0.2\",\"id\":\"c\",\"status\":\"created\"}";

        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, state, &err), 0, "%s", err.msg);
        cr_assert_str_eq(slurp(out, NULL), state);
}

/* The hook's stdout goes to our stderr; its environment is exactly hook.env. */
Test(hooks, env_exact_and_stdout_to_our_stderr)
{
        const char *out = tmp_path(0, "env.out");
        char *args[] = {"env"};
        char *env[] = {"A=1", "B=two words"};
        struct oci_hook h = make_hook("/usr/bin/env", args, 1, env, 2);
        struct sb_err err = {0};
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int saved = dup(STDERR_FILENO);
        int r;

        cr_assert_geq(fd, 0);
        cr_assert_geq(saved, 0);
        dup2(fd, STDERR_FILENO);
        r = runtime_hook_run(&h, OCI_HOOK_CREATE_RUNTIME, 0, "{}", &err);
        dup2(saved, STDERR_FILENO);
        close(saved);
        close(fd);
        cr_assert_eq(r, 0, "%s", err.msg);
        cr_assert_str_eq(slurp(out, NULL), "A=1\nB=two words\n");
}

Test(hooks, no_env_means_empty_env)
{
        const char *out = tmp_path(0, "noenv.out");
        char *args[] = {"env"};
        struct oci_hook h = make_hook("/usr/bin/env", args, 1, NULL, 0);
        struct sb_err err = {0};
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int saved = dup(STDERR_FILENO);
        int r;

        cr_assert_geq(fd, 0);
        setenv("SB_TEST_LEAK", "1", 1);
        dup2(fd, STDERR_FILENO);
        r = runtime_hook_run(&h, OCI_HOOK_POSTSTART, 0, "{}", &err);
        dup2(saved, STDERR_FILENO);
        close(saved);
        close(fd);
        cr_assert_eq(r, 0, "%s", err.msg);
        cr_assert_str_eq(slurp(out, NULL), "");
}

/* argv[0] as given (seen in /proc/PID/cmdline), then the other args. */
Test(hooks, args_passed_verbatim)
{
        const char *out = tmp_path(0, "args.out");
        char cmd[512];
        size_t len;
        snprintf(cmd, sizeof(cmd), "/bin/cat /proc/$$/cmdline > %s", out);
        char *args[] = {"custom-argv0", "-c", cmd, "zero", "one", "two words"};
        struct oci_hook h = make_hook("/bin/sh", args, 6, NULL, 0);
        struct sb_err err = {0};
        char expect[1024];
        size_t elen = 0;

        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, "{}", &err), 0, "%s", err.msg);
        for (size_t i = 0; i < 6; i++) {
                size_t l = strlen(args[i]) + 1;
                memcpy(expect + elen, args[i], l);
                elen += l;
        }
        char *got = slurp(out, &len);
        cr_assert_eq(len, elen);
        cr_assert_eq(memcmp(got, expect, elen), 0);
}

Test(hooks, nonzero_exit_message)
{
        const char *p = script(0, "fail.sh", "exit 3");
        struct oci_hook h = make_hook(p, NULL, 0, NULL, 0);
        struct sb_err err = {0};
        char expect[512];

        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_CREATE_CONTAINER, 2, "{}", &err), -1);
        snprintf(expect, sizeof(expect), "hook createContainer[2] %s: exited with status 3", p);
        cr_assert_str_eq(err.msg, expect);
}

Test(hooks, killed_by_signal_message)
{
        const char *p = script(0, "term.sh", "kill -TERM $$");
        struct oci_hook h = make_hook(p, NULL, 0, NULL, 0);
        struct sb_err err = {0};
        char expect[512];

        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_START_CONTAINER, 0, "{}", &err), -1);
        snprintf(expect, sizeof(expect), "hook startContainer[0] %s: killed by signal SIGTERM", p);
        cr_assert_str_eq(err.msg, expect);
}

Test(hooks, exec_failure_reports_errno)
{
        struct oci_hook h = make_hook("/nonexistent/hook", NULL, 0, NULL, 0);
        struct sb_err err = {0};

        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, "{}", &err), -1);
        cr_assert_str_eq(err.msg,
                         "hook prestart[0] /nonexistent/hook: execve: No such file or directory");
        cr_assert_eq(err.errnum, ENOENT);
}

Test(hooks, relative_path_rejected)
{
        struct oci_hook h = make_hook("bin/hook", NULL, 0, NULL, 0);
        struct sb_err err = {0};

        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, "{}", &err), -1);
        cr_assert_str_eq(err.msg, "hook prestart[0] bin/hook: path must be absolute");
}

Test(hooks, timeout_kills)
{
        char *args[] = {"sleep", "30"};
        struct oci_hook h = make_hook("/bin/sleep", args, 2, NULL, 0);
        struct sb_err err = {0};

        h.has_timeout = true;
        h.timeout = 1;
        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, "{}", &err), -1);
        cr_assert_str_eq(err.msg, "hook prestart[0] /bin/sleep: timed out after 1 s");
}

static char *big_state(void)
{
        size_t n = 300000;
        char *s = malloc(n + 1);
        cr_assert_not_null(s);
        memset(s, 'x', n);
        s[n] = '\0';
        return s;
}

/* A hook that never reads a state larger than the pipe buffer is still
 * subject to its timeout. */
Test(hooks, timeout_while_state_unread)
{
        char *args[] = {"sleep", "30"};
        struct oci_hook h = make_hook("/bin/sleep", args, 2, NULL, 0);
        struct sb_err err = {0};
        char *state = big_state();

        h.has_timeout = true;
        h.timeout = 1;
        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, state, &err), -1);
        cr_assert_str_eq(err.msg, "hook prestart[0] /bin/sleep: timed out after 1 s");
        free(state);
}

/* Exiting without reading stdin is not a failure, and the SIGPIPE we provoke
 * must not kill us (the test process would crash). */
Test(hooks, hook_ignoring_stdin_succeeds)
{
        char *args[] = {"true"};
        struct oci_hook h = make_hook("/bin/true", args, 1, NULL, 0);
        struct sb_err err = {0};
        char *state = big_state();

        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, state, &err), 0, "%s", err.msg);
        free(state);
}

/* Descriptors we hold are not inherited by hooks. */
Test(hooks, no_fd_leak)
{
        int fd = open("/dev/null", O_RDONLY); /* deliberately without O_CLOEXEC */
        const char *p = script(0, "fds.sh", "[ ! -e /proc/$$/fd/57 ]");
        struct oci_hook h = make_hook(p, NULL, 0, NULL, 0);
        struct sb_err err = {0};

        cr_assert_geq(fd, 0);
        cr_assert_eq(dup2(fd, 57), 57);
        cr_assert_eq(runtime_hook_run(&h, OCI_HOOK_PRESTART, 0, "{}", &err), 0, "%s", err.msg);
        close(57);
        close(fd);
}

static void three_hooks(struct oci_config *cfg, struct oci_hook hooks[3], const char *log)
{
        char body[512];

        snprintf(body, sizeof(body), "echo one >> \"%s\"; exit 1", log);
        const char *p0 = script(0, "h0.sh", body);
        snprintf(body, sizeof(body), "echo two >> \"%s\"; exit 2", log);
        const char *p1 = script(1, "h1.sh", body);
        snprintf(body, sizeof(body), "echo three >> \"%s\"", log);
        const char *p2 = script(2, "h2.sh", body);
        hooks[0] = make_hook(p0, NULL, 0, NULL, 0);
        hooks[1] = make_hook(p1, NULL, 0, NULL, 0);
        hooks[2] = make_hook(p2, NULL, 0, NULL, 0);
        memset(cfg, 0, sizeof(*cfg));
        cfg->hooks[OCI_HOOK_POSTSTOP].items = hooks;
        cfg->hooks[OCI_HOOK_POSTSTOP].count = 3;
}

Test(hooks, continue_on_error_runs_all)
{
        struct oci_config cfg;
        struct oci_hook hooks[3];
        const char *log = tmp_path(0, "order.log");
        struct sb_err err = {0};

        three_hooks(&cfg, hooks, log);
        cr_assert_eq(runtime_hooks_run(&cfg, OCI_HOOK_POSTSTOP, "{}", true, &err), 0);
        cr_assert_str_eq(slurp(log, NULL), "one\ntwo\nthree\n");
}

Test(hooks, stop_at_first_failure)
{
        struct oci_config cfg;
        struct oci_hook hooks[3];
        const char *log = tmp_path(0, "order.log");
        struct sb_err err = {0};
        char expect[512];

        three_hooks(&cfg, hooks, log);
        cr_assert_eq(runtime_hooks_run(&cfg, OCI_HOOK_POSTSTOP, "{}", false, &err), -1);
        snprintf(expect, sizeof(expect), "hook poststop[0] %s: exited with status 1",
                 hooks[0].path);
        cr_assert_str_eq(err.msg, expect);
        cr_assert_str_eq(slurp(log, NULL), "one\n");
}

Test(hooks, empty_kind_is_noop)
{
        struct oci_config cfg = {0};
        struct sb_err err = {0};

        cr_assert_eq(runtime_hooks_run(&cfg, OCI_HOOK_PRESTART, "{}", false, &err), 0);
        cr_assert_eq(err.msg[0], '\0');
}
