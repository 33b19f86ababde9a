/* The command-line surface: global options and the command table. Each
 * command lives in its own runtime/cmd_<name>.c, parses its own flags and
 * calls into the library. */
#ifndef SANDBOX_COMMANDS_H
#define SANDBOX_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SB_DEFAULT_ROOT "/run/sandbox"

struct sb_global {
        const char *root;
        const char *log_path;
        const char *log_format; /* "text" or "json" */
        bool debug;
        bool systemd_cgroup;
        const char *profile;       /* --profile NAME|PATH */
        const char *events_log;    /* --events-log PATH */
        bool events_syslog;        /* --events-syslog */
        uint64_t events_max_size;  /* --events-max-size BYTES; 0: the default */
        unsigned events_keep;      /* --events-keep N; 0: the default */
        const char *audit_enforce; /* --audit-enforce SEVERITY: refuse findings at or above */
        const char *rootless;      /* accepted for runc compatibility: true|false|auto */
        const char *criu;          /* accepted for runc compatibility, unused */
        const char *self_path;     /* argv[0] as invoked */
};

struct sb_command {
        const char *name;
        const char *usage;   /* "create [options] <container-id>" */
        const char *summary; /* one line for `sandbox --help` */
        const char *help;    /* the option list and description for `sandbox CMD --help` */
        int (*run)(struct sb_global *g, int argc, char **argv);
        bool enters_container; /* runs code inside a container: use the sealed binary copy */
};

extern const struct sb_command *const sb_commands[];
const struct sb_command *sb_command_find(const char *name);
void sb_command_print_help(const struct sb_command *c, FILE *out);

/* True if argv (after the command name) asks for help. */
bool sb_wants_help(int argc, char **argv);

#define SB_DECLARE_COMMAND(n) extern const struct sb_command sb_cmd_##n

SB_DECLARE_COMMAND(create);
SB_DECLARE_COMMAND(start);
SB_DECLARE_COMMAND(run);
SB_DECLARE_COMMAND(state);
SB_DECLARE_COMMAND(kill);
SB_DECLARE_COMMAND(delete);
SB_DECLARE_COMMAND(list);
SB_DECLARE_COMMAND(ps);
SB_DECLARE_COMMAND(exec);
SB_DECLARE_COMMAND(validate);
SB_DECLARE_COMMAND(spec);
SB_DECLARE_COMMAND(features);
SB_DECLARE_COMMAND(pause);
SB_DECLARE_COMMAND(resume);
SB_DECLARE_COMMAND(update);
SB_DECLARE_COMMAND(events);
SB_DECLARE_COMMAND(profile);
SB_DECLARE_COMMAND(audit);

#endif
