/* sandbox spec: writes a default config.json into the bundle, like `runc spec`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/commands.h"
#include "runtime/error.h"
#include "runtime/log.h"
#include "runtime/spec_default.h"

static int write_config(const char *bundle, json_t *spec, struct sb_err *err)
{
        _cleanup_close_ int bundle_fd = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0)
                return sb_err_set(err, errno, "open bundle `%s`", bundle);
        _cleanup_free_ char *text = json_dumps(spec, JSON_INDENT(2));
        if (text == NULL)
                return sb_err_set(err, ENOMEM, "encode config.json");
        /* O_EXCL: never replace a config someone wrote; the kernel applies the
         * umask to 0666, as runc's ioutil.WriteFile does. */
        _cleanup_close_ int fd = openat(bundle_fd, "config.json",
                                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0 && errno == EEXIST)
                return sb_err_set(err, 0, "File config.json exists. Remove it first");
        if (fd < 0)
                return sb_err_set(err, errno, "create `%s/config.json`", bundle);
        size_t len = strlen(text);
        size_t off = 0;
        while (off < len) {
                ssize_t n = write(fd, text + off, len - off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int saved = errno;
                        unlinkat(bundle_fd, "config.json", 0);
                        return sb_err_set(err, saved, "write `%s/config.json`", bundle);
                }
                off += (size_t)n;
        }
        if (write(fd, "\n", 1) != 1 || close(SB_STEAL_FD(fd)) < 0) {
                int saved = errno;
                unlinkat(bundle_fd, "config.json", 0);
                return sb_err_set(err, saved, "write `%s/config.json`", bundle);
        }
        return 0;
}

static int run(struct sb_global *g, int argc, char **argv)
{
        static const struct option opts[] = {
            {"bundle", required_argument, NULL, 'b'},
            {"rootless", no_argument, NULL, 'r'},
            {NULL, 0, NULL, 0},
        };
        const char *bundle = ".";
        bool rootless = false;
        struct sb_err err = {0};
        int c;

        optind = 0; /* argv[0] is the command name; 0 also resets getopt's state */
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+b:", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        bundle = optarg;
                        break;
                case 'r':
                        rootless = true;
                        break;
                default:
                        sb_error("spec: unknown or incomplete option '%s'", argv[optind - 1]);
                        return 2;
                }
        }
        if (optind < argc) {
                sb_error("spec: unexpected argument '%s' (see 'sandbox spec --help')",
                         argv[optind]);
                return 2;
        }

        json_t *spec = runtime_spec_default();
        if (spec == NULL ||
            (rootless && runtime_spec_to_rootless(spec, geteuid(), getegid()) < 0)) {
                json_decref(spec);
                sb_error("spec: building the default config: out of memory");
                return 1;
        }
        int r = write_config(bundle, spec, &err);
        json_decref(spec);
        if (r < 0) {
                sb_error("spec: %s", err.msg);
                return 1;
        }
        return 0;
}

const struct sb_command sb_cmd_spec = {
    .name = "spec",
    .usage = "spec [--bundle DIR] [--rootless]",
    .summary = "create a new specification file (config.json)",
    .help = "Options:\n"
            "  -b, --bundle DIR   write DIR/config.json (default: the current directory)\n"
            "  --rootless         a config for a container run by an unprivileged user\n"
            "\n"
            "Writes the default config.json: a shell (\"sh\") in a rootfs at \"rootfs\" with\n"
            "a terminal, a minimal capability set and its own pid, network, ipc, uts and\n"
            "mount namespaces. An existing config.json is never overwritten.\n",
    .run = run,
};
