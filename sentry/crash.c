/* Crash handler: a backtrace to the runtime log before the process dies.
 * Runs on an alternate stack (a stack overflow leaves none), uses only
 * async-signal-safe output (write(2) of preformatted text) and libunwind's
 * local unwinder, then re-raises with the default action so the exit status
 * and core dump are the real ones. */
#include "sentry/sentry.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static int crash_fd = -1;
static char altstack[64 * 1024];

static void put(const char *s)
{
        int fd = crash_fd >= 0 ? crash_fd : STDERR_FILENO;
        size_t len = strlen(s);

        while (len > 0) {
                ssize_t n = write(fd, s, len);
                if (n <= 0)
                        return;
                s += n;
                len -= (size_t)n;
        }
}

/* No printf in a signal handler. */
static void put_num(uint64_t v, unsigned base)
{
        char buf[24];
        int i = (int)sizeof(buf) - 1;

        buf[i] = '\0';
        do {
                buf[--i] = "0123456789abcdef"[v % base];
                v /= base;
        } while (v != 0 && i > 0);
        if (base == 16)
                put("0x");
        put(&buf[i]);
}

static void crash_handler(int sig, siginfo_t *info, void *uctx)
{
        unw_context_t ctx;
        unw_cursor_t cursor;
        char name[256];
        int depth = 0;

        put("sandbox: fatal signal ");
        put_num((uint64_t)sig, 10);
        put(" (");
        put(sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
        put(") in pid ");
        put_num((uint64_t)getpid(), 10);
        put(" at address ");
        put_num((uint64_t)(uintptr_t)info->si_addr, 16);
        put("\nbacktrace:\n");
        if (unw_getcontext(&ctx) == 0 && unw_init_local(&cursor, &ctx) == 0) {
                while (depth < 64 && unw_step(&cursor) > 0) {
                        unw_word_t ip = 0, off = 0;
                        unw_get_reg(&cursor, UNW_REG_IP, &ip);
                        put("  #");
                        put_num((uint64_t)depth++, 10);
                        put(" ");
                        put_num((uint64_t)ip, 16);
                        if (unw_get_proc_name(&cursor, name, sizeof(name), &off) == 0) {
                                put(" ");
                                put(name);
                                put("+");
                                put_num((uint64_t)off, 16);
                        }
                        put("\n");
                }
        }
        (void)uctx;
        signal(sig, SIG_DFL);
        raise(sig);
}

void sentry_crash_handler_install(int log_fd)
{
        static const int sigs[] = {SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE};
        stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
        struct sigaction sa;

        crash_fd = log_fd;
        sigaltstack(&ss, NULL);
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = crash_handler;
        /* SA_RESETHAND: a fault inside the handler kills us instead of looping. */
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                sigaction(sigs[i], &sa, NULL);
}
