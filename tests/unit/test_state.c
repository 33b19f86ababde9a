#include <criterion/criterion.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/container.h"
#include "runtime/state.h"

Test(state, id_rules_match_runc)
{
        cr_assert(runtime_id_valid("abc"));
        cr_assert(runtime_id_valid("a1_b.c+d-e"));
        cr_assert(
            runtime_id_valid("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
        cr_assert_not(runtime_id_valid(""));
        cr_assert_not(runtime_id_valid("."));
        cr_assert_not(runtime_id_valid(".."));
        cr_assert_not(runtime_id_valid("-x"));
        cr_assert_not(runtime_id_valid("a/b"));
        cr_assert_not(runtime_id_valid("../etc"));
        cr_assert_not(runtime_id_valid("a b"));
}

Test(state, json_round_trip)
{
        struct oci_kv kv = {.key = "k", .value = "v"};
        struct runtime_state st = {
            .id = "c1",
            .bundle = "/b",
            .rootfs = "/b/rootfs",
            .oci_version = "1.3.0",
            .pid = 42,
            .start_time = 12345,
            .created = "2026-01-01T00:00:00Z",
            .created_done = true,
            .annotations = {.items = &kv, .count = 1},
            .cgroup_path = "/sandbox/c1",
        };
        char *s = runtime_state_to_json(&st);
        struct runtime_state back;
        struct sb_err err = {0};
        cr_assert_not_null(s);
        cr_assert_eq(runtime_state_from_json(s, strlen(s), &back, &err), 0, "%s", err.msg);
        cr_assert_str_eq(back.id, "c1");
        cr_assert_str_eq(back.bundle, "/b");
        cr_assert_eq(back.pid, 42);
        cr_assert_eq(back.start_time, 12345);
        cr_assert(back.created_done);
        cr_assert_eq(back.annotations.count, 1);
        cr_assert_str_eq(back.annotations.items[0].value, "v");
        cr_assert_str_eq(back.cgroup_path, "/sandbox/c1");
        runtime_state_free(&back);
        free(s);
}

Test(state, corrupt_files_are_errors_not_crashes)
{
        static const char *const bad[] = {
            "",
            "{",
            "[]",
            "{\"id\":\"x\"}",
            "{\"id\":\"../x\",\"bundle\":\"\",\"rootfs\":\"\",\"ociVersion\":\"1\",\"pid\":1,"
            "\"start_time\":1,\"created\":\"\",\"owner\":0,\"created_done\":true}",
            "{\"id\":\"x\",\"bundle\":\"\",\"rootfs\":\"\",\"ociVersion\":\"1\",\"pid\":-5,"
            "\"start_time\":1,\"created\":\"\",\"owner\":0,\"created_done\":true}",
            "{\"id\":\"x\",\"bundle\":1,\"rootfs\":\"\",\"ociVersion\":\"1\",\"pid\":1,"
            "\"start_time\":1,\"created\":\"\",\"owner\":0,\"created_done\":true}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct runtime_state st;
                struct sb_err err = {0};
                cr_assert_eq(runtime_state_from_json(bad[i], strlen(bad[i]), &st, &err), -1,
                             "input %zu", i);
                cr_assert_neq(err.msg[0], '\0');
        }
}

Test(state, oci_state_omits_pid_when_stopped)
{
        struct runtime_state st = {.id = "c", .bundle = "/b", .oci_version = "1.3.0", .pid = 7};
        char *run = runtime_oci_state_json(&st, RUNTIME_RUNNING);
        char *stop = runtime_oci_state_json(&st, RUNTIME_STOPPED);
        cr_assert(strstr(run, "\"pid\": 7") != NULL, "%s", run);
        cr_assert(strstr(run, "\"status\": \"running\"") != NULL);
        cr_assert(strstr(stop, "\"pid\": 0") != NULL, "%s", stop);
        free(run);
        free(stop);
}

Test(state, proc_identity_uses_start_time)
{
        uint64_t t = runtime_proc_start_time(getpid());
        cr_assert_gt(t, 0);
        cr_assert(runtime_proc_is(getpid(), t));
        cr_assert_not(runtime_proc_is(getpid(), t + 1), "a reused pid must not match");
        cr_assert_not(runtime_proc_is(0, 0));
}

Test(signal, names_and_numbers)
{
        cr_assert_eq(runtime_signal_parse("KILL"), SIGKILL);
        cr_assert_eq(runtime_signal_parse("SIGKILL"), SIGKILL);
        cr_assert_eq(runtime_signal_parse("sigterm"), SIGTERM);
        cr_assert_eq(runtime_signal_parse("9"), 9);
        cr_assert_eq(runtime_signal_parse("USR1"), SIGUSR1);
        cr_assert_eq(runtime_signal_parse("RTMIN"), SIGRTMIN);
        cr_assert_eq(runtime_signal_parse("RTMIN+3"), SIGRTMIN + 3);
        cr_assert_eq(runtime_signal_parse("SIGRTMAX-1"), SIGRTMAX - 1);
        cr_assert_eq(runtime_signal_parse("NOPE"), -1);
        cr_assert_eq(runtime_signal_parse("0"), -1);
        cr_assert_eq(runtime_signal_parse("99999"), -1);
        cr_assert_eq(runtime_signal_parse("RTMIN+"), -1);
        cr_assert_eq(runtime_signal_parse(""), -1);
}

Test(state, proc_stat_fields_after_a_name_with_spaces_and_parens)
{
        /* fields 1..24 of a real line, the name holding ") (" and spaces */
        const char *line = "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 "
                           "987654 1234 56\n";
        unsigned long long v[30];

        cr_assert_eq(runtime_proc_stat_fields(line, v, 30), 24);
        cr_assert_eq(v[3], 'S');
        cr_assert_eq(v[4], 1);
        cr_assert_eq(v[22], 987654);
        cr_assert_eq(v[24], 56);
        cr_assert_eq(v[25], 0, "past the line's end: 0");
        /* fewer slots than fields: stops at the last slot */
        cr_assert_eq(runtime_proc_stat_fields(line, v, 5), 4);
        cr_assert_eq(v[4], 1);
        cr_assert_eq(runtime_proc_stat_fields("no name here", v, 5), 0);
        /* this process: alive, so its start time (field 22) is set */
        cr_assert_gt(runtime_proc_start_time(getpid()), 0);
}
