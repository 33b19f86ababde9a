/* Crash handler: a backtrace to the runtime log before the process dies.
 * Runs on an alternate stack (a stack overflow leaves none), uses only
 * async-signal-safe output (write(2) of preformatted text) and libunwind's
 * local unwinder, then re-raises with the default action so the exit status
 * and core dump are the real ones.
 *
 * libunwind is loaded here, not linked: the runtime binary is exec'd twice
 * for every container, and libunwind (with liblzma) was loaded both times
 * for a handler that only the sentry installs. Nor is it loaded when the
 * handler is installed: mapping and relocating it was about a fifth of the
 * sentry's CPU time for a short-lived container. The sentry loads it once it
 * has been idle for a while (sentry_crash_handler_preload); a crash before
 * that loads it in the handler. */
#include "sentry/sentry.h"

#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static int crash_fd = -1;
static char altstack[64 * 1024];

/* libunwind's local unwinder; its API names are macros for per-architecture
 * symbols (unw_init_local is _ULx86_64_init_local here). */
#define SYM_(x) #x
#define SYM(x)  SYM_(x)
static struct {
        __typeof__(&unw_tdep_getcontext) getcontext;
        __typeof__(&unw_init_local) init_local;
        __typeof__(&unw_step) step;
        __typeof__(&unw_get_reg) get_reg;
        __typeof__(&unw_get_proc_name) get_proc_name;
} unw;

static bool unw_load(void)
{
        void *h;

        if (unw.step != NULL)
                return true;
        h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
        if (h == NULL)
                h = dlopen("libunwind.so", RTLD_NOW | RTLD_LOCAL);
        if (h == NULL)
                return false;
        unw.getcontext = (__typeof__(unw.getcontext))dlsym(h, SYM(unw_tdep_getcontext));
        unw.init_local = (__typeof__(unw.init_local))dlsym(h, SYM(unw_init_local));
        unw.get_reg = (__typeof__(unw.get_reg))dlsym(h, SYM(unw_get_reg));
        unw.get_proc_name = (__typeof__(unw.get_proc_name))dlsym(h, SYM(unw_get_proc_name));
        unw.step = (__typeof__(unw.step))dlsym(h, SYM(unw_step));
        if (unw.getcontext == NULL || unw.init_local == NULL || unw.get_reg == NULL ||
            unw.get_proc_name == NULL || unw.step == NULL) {
                memset(&unw, 0, sizeof(unw));
                dlclose(h);
                return false;
        }
        return true;
}

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
        if (unw.step == NULL) {
                /* Not loaded yet. dlopen is not async-signal-safe: the sentry
                 * is single-threaded, and should the load hang, the alarm
                 * ends the process. */
                alarm(5);
                (void)unw_load();
        }
        if (unw.step == NULL)
                put("  (none: libunwind could not be loaded)\n");
        else if (unw.getcontext(&ctx) == 0 && unw.init_local(&cursor, &ctx) == 0) {
                while (depth < 64 && unw.step(&cursor) > 0) {
                        unw_word_t ip = 0, off = 0;
                        unw.get_reg(&cursor, UNW_REG_IP, &ip);
                        put("  #");
                        put_num((uint64_t)depth++, 10);
                        put(" ");
                        put_num((uint64_t)ip, 16);
                        if (unw.get_proc_name(&cursor, name, sizeof(name), &off) == 0) {
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

void sentry_crash_handler_preload(void)
{
        (void)unw_load();
}

bool sentry_crash_handler_loaded(void)
{
        return unw.step != NULL;
}
