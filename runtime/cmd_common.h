/* Flag parsing shared by create and run (runc's flag names and forms). */
#ifndef SANDBOX_CMD_COMMON_H
#define SANDBOX_CMD_COMMON_H

#include <stdbool.h>

#include "runtime/container.h"

struct sb_run_flags {
        bool detach;
        bool keep;
};

#define SB_CREATE_FLAGS_HELP                                                                       \
        "Options:\n"                                                                               \
        "  -b, --bundle DIR        bundle directory (default: the current directory)\n"            \
        "  --pid-file FILE         write the container init's host pid to FILE\n"                  \
        "  --console-socket PATH   unix socket that receives the pty master (process.terminal)\n"  \
        "  --preserve-fds N        pass N extra fds (3 .. 3+N-1) to the container\n"               \
        "  --no-pivot              use MS_MOVE + chroot instead of pivot_root\n"                   \
        "  --no-new-keyring        do not create a new session keyring\n"

/* Parses create's flags (and run's -d/--detach/--keep when rf != NULL) and the
 * container id. Prints the problem and returns -1 on bad usage. */
int sb_parse_create_flags(int argc, char **argv, struct runtime_create_opts *o,
                          struct sb_run_flags *rf);

/* The one positional argument most commands take: the container id. */
const char *sb_parse_id(int argc, char **argv, const char *cmd);

/* Reads a whole input file ("-" is stdin) of at most SB_READ_INPUT_MAX
 * bytes, NUL-terminated (malloc'd in *out, length in *len). */
#define SB_READ_INPUT_MAX (64u * 1024u * 1024u)
int sb_read_input(const char *path, char **out, size_t *len, struct sb_err *err);

#endif
