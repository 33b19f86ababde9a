#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sentry/sentry.h"

static __attribute__((noinline)) void crash_here(void)
{
        abort();
}

/* The handler's report of a crash in a child; `preload`: libunwind loaded
 * ahead (else the handler loads it). The child exits 3 when the load is not
 * as expected. */
static void crash_child(bool preload)
{
        int p[2];
        char buf[8192] = "";
        size_t got = 0;
        int status;

        cr_assert_eq(pipe(p), 0);
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                close(p[0]);
                sentry_crash_handler_install(p[1]);
                if (sentry_crash_handler_loaded())
                        _exit(3); /* installing must not load it */
                if (preload) {
                        sentry_crash_handler_preload();
                        if (!sentry_crash_handler_loaded())
                                _exit(3);
                }
                crash_here();
                _exit(0);
        }
        close(p[1]);
        for (ssize_t n; (n = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0;)
                got += (size_t)n;
        close(p[0]);
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert_not(WIFEXITED(status) && WEXITSTATUS(status) == 3,
                      "libunwind loaded when it should not be, or not when it should");
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT,
                  "the signal must be re-raised with its default action");
        cr_assert_not_null(strstr(buf, "fatal signal 6 (ABRT)"), "%s", buf);
        cr_assert_not_null(strstr(buf, "backtrace:\n  #0 0x"), "%s", buf);
}

Test(sentry_crash, backtrace_then_reraise)
{
        crash_child(false); /* libunwind loaded by the handler */
}

Test(sentry_crash, backtrace_with_libunwind_loaded_ahead)
{
        crash_child(true);
}
