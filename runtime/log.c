#include "runtime/log.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_fd = -1;
static enum sb_log_format log_fmt = SB_LOG_TEXT;
static bool log_debug;

static const char *level_name(enum sb_log_level lvl)
{
        switch (lvl) {
        case SB_LOG_DEBUG:
                return "debug";
        case SB_LOG_INFO:
                return "info";
        case SB_LOG_WARN:
                return "warning";
        case SB_LOG_ERROR:
                return "error";
        }
        return "error";
}

int sb_log_init(const char *path, enum sb_log_format fmt, bool debug)
{
        log_fmt = fmt;
        log_debug = debug;
        if (path == NULL || path[0] == '\0')
                return 0;
        log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        return log_fd < 0 ? -1 : 0;
}

int sb_log_fd(void)
{
        return log_fd;
}

void sb_log_close(void)
{
        if (log_fd >= 0)
                close(log_fd);
        log_fd = -1;
}

int sb_log_format_record(char *buf, size_t len, enum sb_log_format fmt, enum sb_log_level lvl,
                         const char *msg, const struct timespec *ts)
{
        char when[64];
        struct tm tm;

        gmtime_r(&ts->tv_sec, &tm);
        snprintf(when, sizeof(when), "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts->tv_nsec);
        if (fmt == SB_LOG_JSON) {
                json_t *o = json_pack("{s:s, s:s, s:s}", "level", level_name(lvl), "msg", msg,
                                      "time", when);
                char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
                int n = snprintf(buf, len, "%s\n", s ? s : "{\"level\":\"error\",\"msg\":\"?\"}");
                free(s);
                json_decref(o);
                return n;
        }
        return snprintf(buf, len, "time=\"%s\" level=%s msg=\"%s\"\n", when, level_name(lvl), msg);
}

void sb_log(enum sb_log_level lvl, const char *fmt, ...)
{
        char msg[4096];
        char rec[8192];
        struct timespec ts;
        va_list ap;
        int saved = errno;

        if (lvl == SB_LOG_DEBUG && !log_debug) {
                errno = saved;
                return;
        }
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        clock_gettime(CLOCK_REALTIME, &ts);
        if (log_fd >= 0) {
                int n = sb_log_format_record(rec, sizeof(rec), log_fmt, lvl, msg, &ts);
                if (n > 0) {
                        size_t w = (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1;
                        if (write(log_fd, rec, w) < 0) {
                                /* nothing better to do: stderr below still gets errors */
                        }
                }
        }
        /* Errors and warnings always reach stderr too, as runc does, so that a
         * person at a terminal sees them without reading the log file. */
        if (lvl >= SB_LOG_WARN || (log_debug && log_fd < 0))
                fprintf(stderr, "sandbox: %s%s\n", lvl == SB_LOG_WARN ? "warning: " : "", msg);
        errno = saved;
}
