/* Fault injection (see fault.h). */
#include "runtime/fault.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sb_fault(const char *point, struct sb_err *err)
{
        static long target = -1, reached;

        if (target < 0) {
                const char *v = getenv("SANDBOX_FAULT");
                target = v != NULL ? strtol(v, NULL, 10) : 0;
                if (target < 0)
                        target = 0;
        }
        if (target == 0 || ++reached != target)
                return 0;
        const char *mode = getenv("SANDBOX_FAULT_MODE");
        if (mode != NULL && strcmp(mode, "kill") == 0) {
                fprintf(stderr, "sandbox: injected kill at %s (%ld)\n", point, reached);
                fflush(stderr);
                raise(SIGKILL);
        }
        return sb_err_set(err, 0, "injected fault at %s (%ld)", point, reached);
}
