#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/identity.h"

#define BIT(c) (UINT64_C(1) << (c))

/* What the child reports about itself after runtime_apply_identity(). */
struct observed {
        int rc;
        char err[512];
        uint64_t cap_eff, cap_prm, cap_inh, cap_bnd, cap_amb;
        unsigned uid[4], gid[4];
        unsigned groups[16];
        int n_groups;
        unsigned umask;
        int nnp;
};

static void read_status(struct observed *o)
{
        FILE *f = fopen("/proc/self/status", "re");
        char line[1024];

        if (f == NULL)
                return;
        while (fgets(line, sizeof(line), f) != NULL) {
                sscanf(line, "CapEff: %" SCNx64, &o->cap_eff);
                sscanf(line, "CapPrm: %" SCNx64, &o->cap_prm);
                sscanf(line, "CapInh: %" SCNx64, &o->cap_inh);
                sscanf(line, "CapBnd: %" SCNx64, &o->cap_bnd);
                sscanf(line, "CapAmb: %" SCNx64, &o->cap_amb);
                sscanf(line, "Uid: %u %u %u %u", &o->uid[0], &o->uid[1], &o->uid[2], &o->uid[3]);
                sscanf(line, "Gid: %u %u %u %u", &o->gid[0], &o->gid[1], &o->gid[2], &o->gid[3]);
                sscanf(line, "Umask: %o", &o->umask);
                sscanf(line, "NoNewPrivs: %d", &o->nnp);
                if (strncmp(line, "Groups:", 7) == 0) {
                        char *p = line + 7, *end;

                        o->n_groups = 0;
                        for (;;) {
                                unsigned long g = strtoul(p, &end, 10);

                                if (end == p || o->n_groups >= 16)
                                        break;
                                o->groups[o->n_groups++] = (unsigned)g;
                                p = end;
                        }
                }
        }
        fclose(f);
}

/* Applies `p` in a forked child and returns what the child then sees. */
static struct observed apply_in_child(const struct oci_process *p, bool nnp)
{
        struct observed o = {0};
        int fds[2];
        pid_t pid;
        int status;

        cr_assert_eq(pipe(fds), 0);
        pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
                struct sb_err err = {0};

                close(fds[0]);
                o.rc = runtime_apply_identity(p, &err);
                if (o.rc == 0 && nnp)
                        o.rc = runtime_set_no_new_privs(&err);
                snprintf(o.err, sizeof(o.err), "%s", err.msg);
                read_status(&o);
                _exit(write(fds[1], &o, sizeof(o)) == sizeof(o) ? 0 : 1);
        }
        close(fds[1]);
        cr_assert_eq(read(fds[0], &o, sizeof(o)), (ssize_t)sizeof(o));
        close(fds[0]);
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        return o;
}

static void need_root(void)
{
        if (geteuid() != 0)
                cr_skip_test("needs root (setresuid, capabilities)");
}

static struct oci_process process_with_caps(uint64_t bnd, uint64_t eff, uint64_t prm, uint64_t inh,
                                            uint64_t amb)
{
        struct oci_process p = {.present = true};

        p.capabilities.present = true;
        for (int i = 0; i < OCI_CAP_NSETS; i++)
                p.capabilities.has[i] = true;
        p.capabilities.sets[OCI_CAP_BOUNDING] = bnd;
        p.capabilities.sets[OCI_CAP_EFFECTIVE] = eff;
        p.capabilities.sets[OCI_CAP_PERMITTED] = prm;
        p.capabilities.sets[OCI_CAP_INHERITABLE] = inh;
        p.capabilities.sets[OCI_CAP_AMBIENT] = amb;
        return p;
}

Test(identity, caps_to_text)
{
        char buf[128];

        cr_assert_eq(
            runtime_caps_to_text(BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE), buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "CAP_CHOWN,CAP_NET_BIND_SERVICE");
        cr_assert_eq(runtime_caps_to_text(0, buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "");
        cr_assert_eq(runtime_caps_to_text(BIT(CAP_SYS_ADMIN), buf, 8), -1);
        cr_assert_eq(errno, ERANGE);
        cr_assert_eq(strlen(buf) < 8, true);
}

Test(identity, supported_caps_cover_the_known_ones)
{
        uint64_t s = runtime_caps_supported();

        cr_assert(s & BIT(CAP_CHOWN));
        cr_assert(s & BIT(CAP_SYS_ADMIN));
        cr_assert_eq(s & BIT(63), 0);
}

Test(identity, user_groups_and_caps)
{
        need_root();
        const uint64_t want = BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE);
        struct oci_process p = process_with_caps(want, want, want, 0, 0);
        uint32_t groups[] = {10, 20};

        p.user.uid = 1000;
        p.user.gid = 1000;
        p.user.additional_gids = groups;
        p.user.n_additional_gids = 2;
        struct observed o = apply_in_child(&p, false);

        cr_assert_eq(o.rc, 0, "%s", o.err);
        cr_assert_eq(o.cap_eff, want, "CapEff %#" PRIx64, o.cap_eff);
        cr_assert_eq(o.cap_prm, want, "CapPrm %#" PRIx64, o.cap_prm);
        cr_assert_eq(o.cap_inh, 0);
        cr_assert_eq(o.cap_bnd, want, "CapBnd %#" PRIx64, o.cap_bnd);
        cr_assert_eq(o.cap_amb, 0);
        for (int i = 0; i < 4; i++) {
                cr_assert_eq(o.uid[i], 1000);
                cr_assert_eq(o.gid[i], 1000);
        }
        cr_assert_eq(o.n_groups, 2);
        cr_assert_eq(o.groups[0], 10);
        cr_assert_eq(o.groups[1], 20);
        cr_assert_eq(o.umask, 0022, "default umask is 0022, got %o", o.umask);
        cr_assert_eq(o.nnp, 0);
}

Test(identity, ambient_for_non_root)
{
        need_root();
        const uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);
        struct oci_process p = process_with_caps(nbs | BIT(CAP_KILL), nbs, nbs, nbs, nbs);

        p.user.uid = 1000;
        p.user.gid = 1000;
        p.user.has_umask = true;
        p.user.umask = 077;
        struct observed o = apply_in_child(&p, true);

        cr_assert_eq(o.rc, 0, "%s", o.err);
        cr_assert_eq(o.cap_amb, nbs, "CapAmb %#" PRIx64, o.cap_amb);
        cr_assert_eq(o.cap_inh, nbs);
        cr_assert_eq(o.cap_bnd, nbs | BIT(CAP_KILL));
        cr_assert_eq(o.n_groups, 0, "the runtime's groups must not leak in");
        cr_assert_eq(o.umask, 077);
        cr_assert_eq(o.nnp, 1);
}

Test(identity, absent_capabilities_mean_none)
{
        need_root();
        struct oci_process p = {.present = true}; /* uid 0, no capabilities */
        struct observed o = apply_in_child(&p, false);

        cr_assert_eq(o.rc, 0, "%s", o.err);
        cr_assert_eq(o.uid[0], 0);
        cr_assert_eq(o.cap_eff, 0);
        cr_assert_eq(o.cap_prm, 0);
        cr_assert_eq(o.cap_bnd, 0);
        cr_assert_eq(o.cap_amb, 0);
}

Test(identity, effective_outside_permitted_fails_with_context)
{
        need_root();
        struct oci_process p =
            process_with_caps(BIT(CAP_CHOWN), BIT(CAP_CHOWN) | BIT(CAP_KILL), BIT(CAP_CHOWN), 0, 0);
        p.user.uid = 1000;
        p.user.gid = 1000;
        struct observed o = apply_in_child(&p, false);

        cr_assert_eq(o.rc, -1);
        cr_assert(strstr(o.err, "process.capabilities: cap_set_proc (effective "
                                "[CAP_CHOWN,CAP_KILL]") == o.err,
                  "%s", o.err);
}

Test(identity, ambient_without_inheritable_is_skipped_like_runc)
{
        need_root();
        const uint64_t nbs = BIT(CAP_NET_BIND_SERVICE);
        /* `runc spec` writes this shape: ambient set, no inheritable set. */
        struct oci_process p = process_with_caps(nbs, nbs, nbs, 0, nbs);
        p.user.uid = 1000;
        struct observed o = apply_in_child(&p, false);

        cr_assert_eq(o.rc, 0, "%s", o.err);
        cr_assert_eq(o.cap_amb, 0, "CapAmb %#" PRIx64, o.cap_amb);
        cr_assert_eq(o.cap_prm, nbs, "CapPrm %#" PRIx64, o.cap_prm);
}

Test(identity, no_new_privs_without_root)
{
        pid_t pid = fork();
        int status;

        cr_assert_geq(pid, 0);
        if (pid == 0) {
                struct sb_err err = {0};

                if (runtime_set_no_new_privs(&err) < 0)
                        _exit(1);
                _exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 2);
        }
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFEXITED(status));
        cr_assert_eq(WEXITSTATUS(status), 0);
}
