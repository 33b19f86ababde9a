/* sandbox exec [options] <container-id> [command [args...]] */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/cmd_common.h"
#include "runtime/exec.h"
#include "runtime/log.h"

struct exec_flags {
        const char *process_file;
        bool tty, detach, no_new_privs;
        const char *console_socket, *pid_file, *cwd, *user, *additional_gids;
        char *env[256];
        size_t n_env;
        uint64_t caps;
        int preserve_fds;
        bool ignore_paused;
        const char *cgroups[64]; /* --cgroup, as given */
        size_t n_cgroups;
};

/* --process FILE: a JSON process object, parsed by the config parser inside a
 * minimal config so the same validation and error paths apply. */
static int load_process_file(const char *path, struct oci_config *wrap, struct sb_err *err)
{
        _cleanup_fclose_ FILE *f = strcmp(path, "-") == 0 ? NULL : fopen(path, "re");
        FILE *in = strcmp(path, "-") == 0 ? stdin : f;
        char *body = NULL;
        size_t cap = 0, len = 0;

        if (in == NULL)
                return sb_err_set(err, errno, "--process `%s`", path);
        for (;;) {
                if (len + 4096 > cap) {
                        if (cap > OCI_CONFIG_MAX_BYTES) {
                                free(body);
                                return sb_err_set(err, EFBIG, "--process `%s`", path);
                        }
                        cap = cap ? cap * 2 : 8192;
                        char *nb = realloc(body, cap);
                        if (nb == NULL) {
                                free(body);
                                return sb_err_set(err, ENOMEM, "--process");
                        }
                        body = nb;
                }
                size_t n = fread(body + len, 1, cap - len - 1, in);
                len += n;
                if (n == 0)
                        break;
        }
        body[len] = '\0';
        const char *pre = "{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"rootfs\"},\"process\":";
        size_t total = strlen(pre) + len + 2;
        _cleanup_free_ char *doc = malloc(total + 1);
        if (doc == NULL) {
                free(body);
                return sb_err_set(err, ENOMEM, "--process");
        }
        snprintf(doc, total + 1, "%s%s}", pre, body);
        free(body);
        struct sb_diags d = {0};
        int r = oci_config_parse(path, doc, strlen(doc), wrap, &d, err);
        sb_diags_free(&d);
        if (r < 0)
                return -1;
        if (!wrap->process.present || wrap->process.args.count == 0)
                return sb_err_set(err, 0, "%s: .args: the process needs at least one argument",
                                  path);
        return 0;
}

static int parse_user(const char *s, struct oci_user *u, struct sb_err *err)
{
        char *end;
        unsigned long uid = strtoul(s, &end, 10);
        if (end == s || (*end != '\0' && *end != ':') || uid > UINT32_MAX)
                return sb_err_set(err, 0, "--user: \"%s\" is not UID[:GID]", s);
        u->uid = (uint32_t)uid;
        if (*end == ':') {
                const char *g = end + 1;
                unsigned long gid = strtoul(g, &end, 10);
                if (end == g || *end != '\0' || gid > UINT32_MAX)
                        return sb_err_set(err, 0, "--user: \"%s\" is not UID[:GID]", s);
                u->gid = (uint32_t)gid;
        }
        return 0;
}

static int parse_gids(const char *s, struct oci_user *u, uint32_t *store, size_t max,
                      struct sb_err *err)
{
        size_t n = 0;
        const char *p = s;
        while (*p) {
                char *end;
                unsigned long g = strtoul(p, &end, 10);
                if (end == p || (*end != ',' && *end != '\0') || g > UINT32_MAX || n == max)
                        return sb_err_set(err, 0, "--additional-gids: invalid list \"%s\"", s);
                store[n++] = (uint32_t)g;
                p = *end ? end + 1 : end;
        }
        u->additional_gids = store;
        u->n_additional_gids = n;
        return 0;
}

static int parse_flags(int argc, char **argv, struct exec_flags *f)
{
        static const struct option opts[] = {
            {"process", required_argument, NULL, 'p'},
            {"tty", no_argument, NULL, 't'},
            {"console-socket", required_argument, NULL, 'c'},
            {"detach", no_argument, NULL, 'd'},
            {"pid-file", required_argument, NULL, 'P'},
            {"env", required_argument, NULL, 'e'},
            {"cwd", required_argument, NULL, 'w'},
            {"user", required_argument, NULL, 'u'},
            {"additional-gids", required_argument, NULL, 'g'},
            {"cap", required_argument, NULL, 'C'},
            {"no-new-privs", no_argument, NULL, 'n'},
            {"preserve-fds", required_argument, NULL, 'f'},
            {"process-label", required_argument, NULL, 'L'},
            {"apparmor", required_argument, NULL, 'A'},
            {"ignore-paused", no_argument, NULL, 'I'},
            {"cgroup", required_argument, NULL, 'G'},
            {NULL, 0, NULL, 0},
        };
        int c;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+p:tdc:e:u:g:", opts, NULL)) != -1) {
                switch (c) {
                case 'p':
                        f->process_file = optarg;
                        break;
                case 't':
                        f->tty = true;
                        break;
                case 'c':
                        f->console_socket = optarg;
                        break;
                case 'd':
                        f->detach = true;
                        break;
                case 'P':
                        f->pid_file = optarg;
                        break;
                case 'e':
                        if (f->n_env == sizeof(f->env) / sizeof(f->env[0]) ||
                            !strchr(optarg, '=')) {
                                sb_error("exec: --env: \"%s\" is not KEY=VALUE (or too many)",
                                         optarg);
                                return -1;
                        }
                        f->env[f->n_env++] = optarg;
                        break;
                case 'w':
                        f->cwd = optarg;
                        break;
                case 'u':
                        f->user = optarg;
                        break;
                case 'g':
                        f->additional_gids = optarg;
                        break;
                case 'C': {
                        cap_value_t v;
                        if (cap_from_name(optarg, &v) < 0) {
                                sb_error("exec: --cap: unknown capability \"%s\"", optarg);
                                return -1;
                        }
                        f->caps |= UINT64_C(1) << v;
                        break;
                }
                case 'n':
                        f->no_new_privs = true;
                        break;
                case 'f': {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end != '\0' || n < 0 || n > 65536) {
                                sb_error("exec: --preserve-fds: invalid number \"%s\"", optarg);
                                return -1;
                        }
                        f->preserve_fds = (int)n;
                        break;
                }
                case 'L':
                case 'A':
                        sb_warn("exec: %s is not supported (no SELinux/AppArmor support); ignored",
                                argv[optind - 1]);
                        break;
                case 'I':
                        f->ignore_paused = true;
                        break;
                case 'G':
                        if (f->n_cgroups == sizeof(f->cgroups) / sizeof(f->cgroups[0])) {
                                sb_error("exec: --cgroup: too many");
                                return -1;
                        }
                        f->cgroups[f->n_cgroups++] = optarg;
                        break;
                default:
                        sb_error(
                            "exec: unknown or incomplete option '%s' (see 'sandbox exec --help')",
                            argv[optind - 1]);
                        return -1;
                }
        }
        return 0;
}

/* Env: the container's, with each --env replacing the same key or added. */
static char **merge_env(const struct oci_string_list *base, char *const *add, size_t n_add,
                        size_t *count)
{
        char **env = calloc(base->count + n_add + 1, sizeof(char *));
        size_t n = 0;
        if (env == NULL)
                return NULL;
        for (size_t i = 0; i < base->count; i++)
                env[n++] = base->items[i];
        for (size_t i = 0; i < n_add; i++) {
                size_t klen = (size_t)(strchr(add[i], '=') - add[i]) + 1;
                size_t j;
                for (j = 0; j < n; j++)
                        if (strncmp(env[j], add[i], klen) == 0)
                                break;
                env[j] = add[i];
                if (j == n)
                        n++;
        }
        *count = n;
        return env;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        struct exec_flags f = {0};
        struct sb_err err = {0};
        struct runtime_state st = {0};
        struct oci_config cfg = {0}, wrap = {0};
        struct oci_process p;
        struct runtime_cgroup cg = {0};
        struct runtime_cgroup_subs subs = {0};
        struct runtime_confinement conf = {.sentry_conn = -1};
        uint32_t gids[64];
        _cleanup_free_ char **env = NULL;
        int code = 1, exit_code = 0;

        if (parse_flags(argc, argv, &f) < 0)
                return 2;
        const char *id = sb_parse_id(argc, argv, "exec");
        if (id == NULL)
                return 2;
        if (runtime_cgroup_subs_parse(f.cgroups, f.n_cgroups, &subs, &err) < 0) {
                sb_error("exec %s: %s", id, err.msg);
                return 2;
        }
        if (runtime_state_read(g->root, id, &st, &err) < 0 ||
            runtime_load_saved_config(g->root, id, &cfg, &err) < 0)
                goto fail;
        enum runtime_status s = runtime_state_status(g->root, &st);
        if (s == RUNTIME_PAUSED && !f.ignore_paused) {
                /* The process would stay frozen until `resume`, and exec with it. */
                sb_err_set(&err, 0,
                           "cannot exec in a paused container (use --ignore-paused to override)");
                goto fail;
        }
        if (s != RUNTIME_RUNNING && s != RUNTIME_CREATED && s != RUNTIME_PAUSED) {
                sb_err_set(&err, 0, "cannot exec in a %s container", runtime_status_name(s));
                goto fail;
        }
        if (f.process_file != NULL) {
                if (load_process_file(f.process_file, &wrap, &err) < 0)
                        goto fail;
                p = wrap.process;
        } else {
                if (optind >= argc) {
                        sb_error("exec: a command is required (or --process FILE)");
                        code = 2;
                        goto out;
                }
                p = cfg.process;
                p.args.items = argv + optind;
                p.args.count = (size_t)(argc - optind);
                p.terminal = f.tty;
                p.console_size.present = false;
        }
        env = merge_env(&p.env, f.env, f.n_env, &p.env.count);
        if (env == NULL) {
                sb_err_set(&err, ENOMEM, "env");
                goto fail;
        }
        p.env.items = env;
        if (f.cwd != NULL)
                p.cwd = (char *)f.cwd;
        if (f.user != NULL && parse_user(f.user, &p.user, &err) < 0)
                goto fail;
        if (f.additional_gids != NULL &&
            parse_gids(f.additional_gids, &p.user, gids, sizeof(gids) / sizeof(gids[0]), &err) < 0)
                goto fail;
        if (f.caps) {
                p.capabilities.present = true;
                for (int k = 0; k < OCI_CAP_NSETS; k++) {
                        p.capabilities.has[k] = true;
                        p.capabilities.sets[k] |= f.caps;
                }
        }
        if (f.no_new_privs)
                p.no_new_privileges = true;

        struct runtime_exec_opts o = {
            .process = &p,
            .console_socket = f.console_socket,
            .pid_file = f.pid_file,
            .detach = f.detach,
            .preserve_fds = f.preserve_fds,
        };
        if (st.cgroup_path != NULL && st.cgroup_path[0] != '\0') {
                if (runtime_cgroup_detect("/sys/fs/cgroup", &cg.mode, &err) < 0)
                        goto fail;
                cg.root = (char *)"/sys/fs/cgroup";
                cg.path = st.cgroup_path;
                o.cgroup = &cg;
                o.cgroup_subs = &subs;
        } else if (subs.count > 0) {
                sb_err_set(&err, 0, "--cgroup: the container has no cgroup");
                goto fail;
        }
        /* The container's own profile, and its sentry for what it routes:
         * an exec'd process is confined exactly like the init. */
        if (st.profile != NULL && st.profile[0] != '\0') {
                struct sb_diags d = {0};
                int r = runtime_confinement_prepare(st.profile, &cfg, false, &conf, &d, &err);
                sb_diags_free(&d);
                if (r < 0)
                        goto fail;
                if (conf.routes) {
                        if (!runtime_proc_is(st.sentry_pid, st.sentry_start_time)) {
                                /* Fail closed: no process joins a container
                                 * whose sentry is gone. */
                                sb_err_set(&err, 0, "the container's sentry is not running");
                                goto fail;
                        }
                        conf.sentry_conn = runtime_sentry_socket_connect(g->root, id, &err);
                        if (conf.sentry_conn < 0)
                                goto fail;
                }
        }
        if (runtime_confinement_prepare_oci(&cfg, &conf, &err) < 0)
                goto fail;
        o.conf = &conf;
        if (runtime_exec(g, &o, &st, &cfg, &exit_code, &err) < 0)
                goto fail;
        code = exit_code;
        goto out;
fail:
        sb_error("exec %s: %s", id, err.msg);
        code = exit_code ? exit_code : 1;
out:
        runtime_cgroup_subs_free(&subs);
        runtime_confinement_free(&conf);
        oci_config_free(&wrap);
        oci_config_free(&cfg);
        runtime_state_free(&st);
        return code;
}

const struct sb_command sb_cmd_exec = {
    .name = "exec",
    .usage = "exec [options] <container-id> <command> [args...]",
    .summary = "run a new process inside a running container",
    .help = "Options:\n"
            "  -p, --process FILE       a JSON process object (as in config.json) instead of "
            "args\n"
            "  -t, --tty                allocate a pseudo-terminal\n"
            "  --console-socket PATH    unix socket that receives the pty master\n"
            "  -d, --detach             do not wait for the process\n"
            "  --pid-file FILE          write the process's host pid to FILE\n"
            "  -e, --env KEY=VALUE      set an environment variable (repeatable)\n"
            "  --cwd DIR                working directory inside the container\n"
            "  -u, --user UID[:GID]     user and group ids\n"
            "  -g, --additional-gids L  comma-separated additional group ids\n"
            "  --cap CAP                add a capability (repeatable)\n"
            "  --no-new-privs           set no_new_privs\n"
            "  --preserve-fds N         pass N extra fds (3 .. 3+N-1)\n"
            "  --cgroup [CTRL[,CTRL]:]PATH  run in an existing sub-cgroup of the container's:\n"
            "                           PATH alone for every hierarchy (cgroup v2), or per\n"
            "                           v1 controller (repeatable)\n"
            "  --ignore-paused          exec in a paused container (the process waits,\n"
            "                           frozen, for `resume`, and so does exec)\n"
            "  --process-label L, --apparmor P   accepted; not supported\n\n"
            "The process joins every namespace of the container and gets its capabilities,\n"
            "rlimits, no_new_privileges and seccomp filter. Exits with the process's code.\n",
    .run = run,
    .enters_container = true,
};
