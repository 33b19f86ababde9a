/* Signalling a cgroup's processes found by number: only a process still in
 * the cgroup once its pidfd is open is signalled. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup.h"

Test(cgroup_signal, text_in_unified_and_v1_lines)
{
        const char *v2 = "0::/sandbox/c1\n";
        const char *hybrid = "12:pids:/sandbox/c1\n"
                             "4:memory:/user.slice\n"
                             "1:name=systemd:/init.scope\n"
                             "0::/init.scope\n";

        cr_assert(runtime_cgroup_text_in(v2, "/sandbox/c1"));
        cr_assert(runtime_cgroup_text_in(hybrid, "/sandbox/c1"));
        cr_assert(runtime_cgroup_text_in(hybrid, "/init.scope"));
        cr_assert_not(runtime_cgroup_text_in(hybrid, "/sandbox/c2"));
        /* no final newline */
        cr_assert(runtime_cgroup_text_in("0::/sandbox/c1", "/sandbox/c1"));
        cr_assert_not(runtime_cgroup_text_in("", "/sandbox/c1"));
}

Test(cgroup_signal, text_in_below_but_not_beside)
{
        cr_assert(runtime_cgroup_text_in("0::/sandbox/c1/sub\n", "/sandbox/c1"));
        cr_assert(runtime_cgroup_text_in("0::/sandbox/c1/sub\n", "/sandbox/c1/"));
        /* a sibling whose name starts the same is not below it */
        cr_assert_not(runtime_cgroup_text_in("0::/sandbox/c10\n", "/sandbox/c1"));
        cr_assert_not(runtime_cgroup_text_in("0::/sandbox\n", "/sandbox/c1"));
        /* the controllers field is not the path */
        cr_assert_not(runtime_cgroup_text_in("3:/sandbox/c1:/other\n", "/sandbox/c1"));
        cr_assert(runtime_cgroup_text_in("0::/anything\n", "/"));
}

/* This process's own cgroup path in some hierarchy, from /proc/self/cgroup. */
static char *own_cgroup(void)
{
        FILE *f = fopen("/proc/self/cgroup", "re");
        char line[4096];
        char *path = NULL;

        cr_assert_not_null(f);
        while (path == NULL && fgets(line, sizeof(line), f) != NULL) {
                char *p = strchr(line, ':');
                p = p != NULL ? strchr(p + 1, ':') : NULL;
                if (p != NULL) {
                        p[strcspn(p, "\n")] = '\0';
                        path = strdup(p + 1);
                }
        }
        fclose(f);
        cr_assert_not_null(path);
        return path;
}

static pid_t sleeper(void)
{
        pid_t p = fork();

        cr_assert_geq(p, 0);
        if (p == 0) {
                pause();
                _exit(0);
        }
        return p;
}

Test(cgroup_signal, signals_members_only)
{
        char *own = own_cgroup();
        char elsewhere[4200];
        struct runtime_cgroup in = {.path = own}, out = {.path = elsewhere};
        pid_t a = sleeper(), gone = sleeper();
        int status;

        /* `gone` is reaped before the call: its number names nobody. */
        kill(gone, SIGKILL);
        cr_assert_eq(waitpid(gone, &status, 0), gone);
        snprintf(elsewhere, sizeof(elsewhere), "%s/not-here", strcmp(own, "/") == 0 ? "" : own);
        pid_t pids[] = {a, gone};

        runtime_cgroup_signal(&out, pids, 2, SIGKILL);
        usleep(100000);
        cr_assert_eq(waitpid(a, &status, WNOHANG), 0, "signalled outside its cgroup");
        runtime_cgroup_signal(&in, pids, 2, SIGKILL);
        cr_assert_eq(waitpid(a, &status, 0), a);
        cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        free(own);
}
