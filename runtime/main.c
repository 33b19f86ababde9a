/* sandbox: entry point. Parses the global options the way runc does
 * (`--root`, `--log`, `--log-format`, `--debug`, `--systemd-cgroup`, also in
 * their single-dash and `--opt=value` forms) and dispatches to one command. */
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/cloned_binary.h"
#include "runtime/commands.h"
#include "runtime/log.h"

#define OCI_SPEC_VERSION "1.3.0"

static void print_version(void)
{
        const struct scmp_version *v = seccomp_version();
        printf("sandbox version %s\n", SANDBOX_VERSION);
        printf("spec: %s\n", OCI_SPEC_VERSION);
        if (v != NULL)
                printf("libseccomp: %u.%u.%u\n", v->major, v->minor, v->micro);
}

static void print_help(FILE *out)
{
        fprintf(out, "sandbox: a security-focused OCI container runtime\n\n"
                     "Usage: sandbox [global options] <command> [command options] [arguments]\n\n"
                     "Commands:\n");
        for (size_t i = 0; sb_commands[i] != NULL; i++)
                fprintf(out, "  %-10s %s\n", sb_commands[i]->name, sb_commands[i]->summary);
        fprintf(
            out,
            "\nGlobal options:\n"
            "  --root DIR          state directory (default " SB_DEFAULT_ROOT ")\n"
            "  --log FILE          write the log to FILE (default: stderr only)\n"
            "  --log-format FMT    log format: text or json (default text)\n"
            "  --debug             enable debug logging\n"
            "  --systemd-cgroup    treat cgroupsPath as slice:prefix:name\n"
            "  --profile NAME|PATH policy profile for new containers\n"
            "  --events-log PATH   security events log (default /var/log/sandbox/events.jsonl;\n"
            "                      - for stderr)\n"
            "  --events-syslog     also send each security event to syslog (LOG_AUTHPRIV)\n"
            "  --events-max-size N rotate the events log at N bytes (K, M, G suffixes;\n"
            "                      default 16M)\n"
            "  --events-keep N     rotated events logs kept (default 5)\n"
            "  --audit-enforce SEV refuse to create a container with audit findings at or\n"
            "                      above SEV (critical, high, medium, low, info)\n"
            "  --rootless VALUE    accepted for runc compatibility (true|false|auto)\n"
            "  --criu PATH         accepted for runc compatibility (checkpointing is not "
            "supported)\n"
            "  -v, --version       print the version\n"
            "  -h, --help          show this help\n\n"
            "Run 'sandbox <command> --help' for a command's options.\n");
}

enum {
        OPT_ROOT = 256,
        OPT_LOG,
        OPT_LOG_FORMAT,
        OPT_DEBUG,
        OPT_SYSTEMD,
        OPT_PROFILE,
        OPT_EVENTS,
        OPT_ROOTLESS,
        OPT_CRIU,
        OPT_AUDIT_ENFORCE,
        OPT_EVENTS_SYSLOG,
        OPT_EVENTS_MAX,
        OPT_EVENTS_KEEP
};

int main(int argc, char **argv)
{
        static const struct option opts[] = {
            {"root", required_argument, NULL, OPT_ROOT},
            {"log", required_argument, NULL, OPT_LOG},
            {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
            {"debug", no_argument, NULL, OPT_DEBUG},
            {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
            {"profile", required_argument, NULL, OPT_PROFILE},
            {"events-log", required_argument, NULL, OPT_EVENTS},
            {"rootless", required_argument, NULL, OPT_ROOTLESS},
            {"criu", required_argument, NULL, OPT_CRIU},
            {"audit-enforce", required_argument, NULL, OPT_AUDIT_ENFORCE},
            {"events-syslog", no_argument, NULL, OPT_EVENTS_SYSLOG},
            {"events-max-size", required_argument, NULL, OPT_EVENTS_MAX},
            {"events-keep", required_argument, NULL, OPT_EVENTS_KEEP},
            {"version", no_argument, NULL, 'v'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        struct sb_global g = {
            .root = SB_DEFAULT_ROOT,
            .log_format = "text",
            .self_path = argv[0],
        };
        int c;

        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+vh", opts, NULL)) != -1) {
                switch (c) {
                case OPT_ROOT:
                        g.root = optarg;
                        break;
                case OPT_LOG:
                        g.log_path = optarg;
                        break;
                case OPT_LOG_FORMAT:
                        g.log_format = optarg;
                        break;
                case OPT_DEBUG:
                        g.debug = true;
                        break;
                case OPT_SYSTEMD:
                        g.systemd_cgroup = true;
                        break;
                case OPT_PROFILE:
                        g.profile = optarg;
                        break;
                case OPT_EVENTS:
                        g.events_log = optarg;
                        break;
                case OPT_ROOTLESS:
                        g.rootless = optarg;
                        break;
                case OPT_CRIU:
                        g.criu = optarg;
                        break;
                case OPT_AUDIT_ENFORCE:
                        g.audit_enforce = optarg;
                        break;
                case OPT_EVENTS_SYSLOG:
                        g.events_syslog = true;
                        break;
                case OPT_EVENTS_MAX: {
                        /* sizes as for --memory: 4096, 512k, 16M, 1g */
                        int64_t v;
                        if (runtime_cgroup_parse_size(optarg, &v) < 0 || v < 4096) {
                                fprintf(stderr,
                                        "sandbox: --events-max-size: '%s' is not a size of at "
                                        "least 4096 bytes (4096, 512K, 16M, 1G)\n",
                                        optarg);
                                return 2;
                        }
                        g.events_max_size = (uint64_t)v;
                        break;
                }
                case OPT_EVENTS_KEEP: {
                        char *end;
                        unsigned long k = strtoul(optarg, &end, 10);
                        if (end == optarg || *end != '\0' || k == 0 || k > 1000) {
                                fprintf(stderr,
                                        "sandbox: --events-keep: '%s' is not a number from 1 "
                                        "to 1000\n",
                                        optarg);
                                return 2;
                        }
                        g.events_keep = (unsigned)k;
                        break;
                }
                case 'v':
                        print_version();
                        return 0;
                case 'h':
                        print_help(stdout);
                        return 0;
                default:
                        fprintf(stderr, "sandbox: unknown or incomplete global option '%s'\n",
                                argv[optind - 1]);
                        return 2;
                }
        }
        enum sb_log_format fmt;
        if (strcmp(g.log_format, "text") == 0) {
                fmt = SB_LOG_TEXT;
        } else if (strcmp(g.log_format, "json") == 0) {
                fmt = SB_LOG_JSON;
        } else {
                fprintf(stderr, "sandbox: --log-format: unknown format \"%s\" (text or json)\n",
                        g.log_format);
                return 2;
        }
        if (sb_log_init(g.log_path, fmt, g.debug) < 0) {
                fprintf(stderr, "sandbox: open log file %s: %m\n", g.log_path);
                return 1;
        }
        if (optind >= argc) {
                print_help(stderr);
                return 2;
        }
        const struct sb_command *cmd = sb_command_find(argv[optind]);
        if (cmd == NULL) {
                sb_error("unknown command \"%s\" (see 'sandbox --help')", argv[optind]);
                return 2;
        }
        /* Commands that put a process into a container first move onto a view
         * or sealed copy of this binary that nothing can write, so nothing in
         * the container can ever reach the host's binary through
         * /proc/PID/exe (CVE-2019-5736). */
        if (cmd->enters_container) {
                struct sb_err err = {0};
                if (runtime_ensure_cloned_binary(argv, environ, &err) < 0) {
                        sb_error("%s: %s", cmd->name, err.msg);
                        return 1;
                }
        }
        int cargc = argc - optind;
        char **cargv = argv + optind;
        if (sb_wants_help(cargc, cargv)) {
                sb_command_print_help(cmd, stdout);
                return 0;
        }
        optind = 1; /* each command runs its own getopt over cargv */
        int rc = cmd->run(&g, cargc, cargv);
        sb_log_close();
        return rc;
}
