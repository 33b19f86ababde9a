#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "runtime/error.h"
#include "runtime/log.h"

Test(error, set_appends_strerror)
{
        struct sb_err e = {0};
        cr_assert_eq(sb_err_set(&e, ENOENT, "open `%s`", "/x"), -1);
        cr_assert_eq(e.errnum, ENOENT);
        cr_assert_str_eq(e.msg, "open `/x`: No such file or directory");
}

Test(error, prefix_adds_context)
{
        struct sb_err e = {0};
        sb_err_set(&e, 0, "inner");
        sb_err_prefix(&e, "step %d", 3);
        cr_assert_str_eq(e.msg, "step 3: inner");
        cr_assert_eq(e.errnum, 0);
}

Test(error, diags_keep_all_and_cap)
{
        struct sb_diags d = {0};
        for (int i = 0; i < SB_DIAGS_MAX + 5; i++)
                sb_diags_add(&d, "problem %d", i);
        cr_assert_eq(d.count, SB_DIAGS_MAX);
        cr_assert_eq(d.dropped, 5);
        cr_assert_str_eq(d.items[7], "problem 7");
        sb_diags_free(&d);
        cr_assert_eq(d.count, 0);
}

Test(log, json_record_matches_runc_shape)
{
        char buf[512];
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 5};
        sb_log_format_record(buf, sizeof(buf), SB_LOG_JSON, SB_LOG_ERROR, "bad \"x\"", &ts);
        cr_assert_str_eq(buf, "{\"level\":\"error\",\"msg\":\"bad \\\"x\\\"\","
                              "\"time\":\"1970-01-01T00:00:00.000000005Z\"}\n");
}

Test(log, text_record)
{
        char buf[512];
        struct timespec ts = {.tv_sec = 86400, .tv_nsec = 0};
        sb_log_format_record(buf, sizeof(buf), SB_LOG_TEXT, SB_LOG_WARN, "hm", &ts);
        cr_assert_str_eq(buf, "time=\"1970-01-02T00:00:00.000000000Z\" level=warning msg=\"hm\"\n");
}
