/* libFuzzer harness: the sentry's argument decoder, argument classes and
 * event formatter, fed with a random notification record (syscall, six
 * arguments, open_how) and random target memory (the strings the sentry
 * would have read), as a container controls all of them; the bytes left
 * over are parsed as a /proc/PID/status text (its Name line is the target's
 * to choose). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/syscalls.h"
#include "sentry/decode.h"
#include "sentry/events.h"
#include "sentry/target.h"

static size_t take(const uint8_t **d, size_t *n, void *out, size_t len)
{
        size_t k = *n < len ? *n : len;
        memset(out, 0, len);
        memcpy(out, *d, k);
        *d += k;
        *n -= k;
        return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        uint16_t nr;
        uint64_t args[SENTRY_MAX_ARGS];
        struct sentry_open_how how;
        char strs[SENTRY_MAX_ARGS][64], cls[256];
        const char *sp[SENTRY_MAX_ARGS];
        uint8_t present;

        take(&data, &size, &nr, sizeof(nr));
        take(&data, &size, args, sizeof(args));
        take(&data, &size, &how, sizeof(how));
        take(&data, &size, &present, sizeof(present));
        for (int i = 0; i < SENTRY_MAX_ARGS; i++) {
                take(&data, &size, strs[i], sizeof(strs[i]) - 1);
                strs[i][sizeof(strs[i]) - 1] = '\0';
                sp[i] = (present & (1u << i)) ? strs[i] : NULL;
        }
        const char *name = policy_syscall_name(nr % POLICY_SYSCALL_NR_MAX);
        const struct sentry_syscall_desc *d = sentry_syscall_desc(name);

        json_t *decoded = sentry_decode_args(d, args, sp, (present & 0x80) ? &how : NULL);
        sentry_arg_class(d, args, sp, cls, sizeof(cls));
        struct sentry_event ev = {
            .container_id = sp[0],
            .rule = sp[1],
            .syscall = name,
            .nr = nr,
            .args = decoded,
            .path = sp[2],
            .pid = (pid_t)args[0],
            .comm = sp[3],
            .exe = sp[4],
            .cmdline = sp[5],
            .uid = (long)args[1],
            .gid = (long)args[2],
            .decision = "deny",
            .errnum = (int)(args[3] & 0xfff),
            .priority = (enum sentry_priority)(args[4] % 8),
            .suppressed = args[5] & 1 ? args[5] : 0,
            .arg_class = cls,
        };
        char *line = sentry_event_format(&ev);
        free(line);
        json_decref(decoded);

        char *status = malloc(size + 1);
        if (status != NULL) {
                struct sentry_proc p;
                memcpy(status, data, size);
                status[size] = '\0';
                if (sentry_parse_status(status, &p) == 0 && p.n_groups > SENTRY_MAX_GROUPS)
                        abort();
                free(status);
        }
        return 0;
}
