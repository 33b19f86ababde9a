/* The runtime's log: text or runc-compatible JSON lines
 * ({"level":"error","msg":"...","time":"..."}), which containerd's shim reads
 * to report why a command failed. */
#ifndef SANDBOX_LOG_H
#define SANDBOX_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum sb_log_level { SB_LOG_DEBUG, SB_LOG_INFO, SB_LOG_WARN, SB_LOG_ERROR };
enum sb_log_format { SB_LOG_TEXT, SB_LOG_JSON };

/* path NULL: stderr only. Returns -1 (with errno) if the log file can't be opened. */
int sb_log_init(const char *path, enum sb_log_format fmt, bool debug);
int sb_log_fd(void); /* the log file's fd, or -1 (children inherit it to report errors) */
void sb_log(enum sb_log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats one log record into buf (pure; used by sb_log and by tests). */
int sb_log_format_record(char *buf, size_t len, enum sb_log_format fmt, enum sb_log_level lvl,
                         const char *msg, const struct timespec *ts);
void sb_log_close(void);

#define sb_debug(...) sb_log(SB_LOG_DEBUG, __VA_ARGS__)
#define sb_info(...)  sb_log(SB_LOG_INFO, __VA_ARGS__)
#define sb_warn(...)  sb_log(SB_LOG_WARN, __VA_ARGS__)
#define sb_error(...) sb_log(SB_LOG_ERROR, __VA_ARGS__)

#endif
