#include "runtime/cmd_common.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/log.h"

int sb_parse_create_flags(int argc, char **argv, struct runtime_create_opts *o,
                          struct sb_run_flags *rf)
{
        static const struct option opts[] = {
            {"bundle", required_argument, NULL, 'b'},
            {"pid-file", required_argument, NULL, 'p'},
            {"console-socket", required_argument, NULL, 'c'},
            {"preserve-fds", required_argument, NULL, 'f'},
            {"no-pivot", no_argument, NULL, 'P'},
            {"no-new-keyring", no_argument, NULL, 'K'},
            {"detach", no_argument, NULL, 'd'},
            {"keep", no_argument, NULL, 'k'},
            {"no-subreaper", no_argument, NULL, 'S'},
            {NULL, 0, NULL, 0},
        };
        int c;

        memset(o, 0, sizeof(*o));
        o->bundle = ".";
        o->console_fd_out = -1;
        optind = 0;
        opterr = 0;
        while ((c = getopt_long_only(argc, argv, "+b:d", opts, NULL)) != -1) {
                switch (c) {
                case 'b':
                        o->bundle = optarg;
                        break;
                case 'p':
                        o->pid_file = optarg;
                        break;
                case 'c':
                        o->console_socket = optarg;
                        break;
                case 'f': {
                        char *end;
                        long n = strtol(optarg, &end, 10);
                        if (*end != '\0' || n < 0 || n > 65536) {
                                sb_error("%s: --preserve-fds: invalid number \"%s\"", argv[0],
                                         optarg);
                                return -1;
                        }
                        o->preserve_fds = (int)n;
                        break;
                }
                case 'P':
                        o->no_pivot = true;
                        break;
                case 'K':
                        o->no_new_keyring = true;
                        break;
                case 'd':
                case 'k':
                case 'S':
                        if (rf == NULL)
                                goto bad;
                        if (c == 'd')
                                rf->detach = true;
                        else if (c == 'k')
                                rf->keep = true;
                        break;
                default:
                        goto bad;
                }
        }
        o->id = sb_parse_id(argc, argv, argv[0]);
        return o->id ? 0 : -1;
bad:
        sb_error("%s: unknown or incomplete option '%s' (see 'sandbox %s --help')", argv[0],
                 argv[optind - 1], argv[0]);
        return -1;
}

const char *sb_parse_id(int argc, char **argv, const char *cmd)
{
        if (optind >= argc) {
                sb_error("%s: a container id is required (see 'sandbox %s --help')", cmd, cmd);
                return NULL;
        }
        return argv[optind++];
}

int sb_read_input(const char *path, char **out, size_t *len, struct sb_err *err)
{
        _cleanup_fclose_ FILE *f = NULL;
        char *buf = NULL;
        size_t n = 0, cap = 0;

        f = strcmp(path, "-") == 0 ? fdopen(dup(0), "r") : fopen(path, "re");
        if (f == NULL)
                return sb_err_set(err, errno, "open `%s`", path);
        for (;;) {
                if (n + 4096 > cap) {
                        char *nb;
                        cap = cap ? cap * 2 : 65536;
                        if (cap > SB_READ_INPUT_MAX + 4096) {
                                free(buf);
                                return sb_err_set(err, 0, "%s: too large", path);
                        }
                        nb = realloc(buf, cap + 1);
                        if (nb == NULL) {
                                free(buf);
                                return sb_err_set(err, ENOMEM, "read `%s`", path);
                        }
                        buf = nb;
                }
                size_t r = fread(buf + n, 1, cap - n, f);
                n += r;
                if (r == 0) {
                        if (ferror(f)) {
                                free(buf);
                                return sb_err_set(err, EIO, "read `%s`", path);
                        }
                        break;
                }
        }
        buf[n] = '\0';
        *out = buf;
        *len = n;
        return 0;
}
