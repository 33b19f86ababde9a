/* Taking the target's file access identity for one operation. */
#include "sentry/creds.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

/* The capabilities that bypass file permission checks. */
static const cap_value_t dac_caps[] = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
                                       CAP_FSETID,       CAP_MKNOD,           CAP_CHOWN};
#define N_DAC_CAPS (sizeof(dac_caps) / sizeof(dac_caps[0]))

uint64_t sentry_creds_dac_mask(void)
{
        static uint64_t m; /* asked on every routed open: made once */

        if (m == 0)
                for (size_t i = 0; i < N_DAC_CAPS; i++)
                        m |= 1ull << dac_caps[i];
        return m;
}

/* The sentry's own identity, read once: it never changes while the sentry
 * runs, so each operation only switches to the target and back, without
 * reading it again (each read is a system call, and opens are hot). */
static struct {
        bool ready;
        gid_t groups[SENTRY_MAX_GROUPS];
        int n_groups;
        cap_t caps;
        cap_t work; /* caps with some cleared, reset per call: cap_dup would
                       make a capget (libcap's cap_init) on every open */
        mode_t umask;
        uid_t euid;
        gid_t egid;
        bool keeps_drop;  /* see `dropped` */
        unsigned dac_eff; /* dac_caps in the sentry's effective set, bit i: dac_caps[i] */
} base;

/* The capabilities of dac_caps (one bit each) cleared from the sentry's
 * effective set right now. A drop alone outlasts the operation: the next
 * target usually needs the same one, and each capset is a credential copy
 * in the kernel, twice per open. sentry_creds_reset() takes them back for
 * the sentry's own work that may need them. Only with CAP_SYS_PTRACE: the
 * /proc links the sentry follows for every request (root, ns/user) need a
 * ptrace check that passes either with it or with an effective set holding
 * the target's permitted one, which a drop kept from another target breaks. */
static unsigned dropped;

static int base_init(struct sb_err *err)
{
        if (base.ready)
                return 0;
        base.n_groups = getgroups(SENTRY_MAX_GROUPS, base.groups);
        if (base.n_groups < 0)
                return sb_err_set(err, errno, "getgroups");
        base.caps = cap_get_proc();
        if (base.caps == NULL)
                return sb_err_set(err, errno, "cap_get_proc");
        base.work = cap_dup(base.caps);
        if (base.work == NULL) {
                cap_free(base.caps);
                return sb_err_set(err, errno, "cap_dup");
        }
        cap_flag_value_t ptrace = CAP_CLEAR;
        cap_get_flag(base.caps, CAP_SYS_PTRACE, CAP_EFFECTIVE, &ptrace);
        base.keeps_drop = ptrace == CAP_SET;
        for (size_t i = 0; i < N_DAC_CAPS; i++) {
                cap_flag_value_t v = CAP_CLEAR;
                cap_get_flag(base.caps, dac_caps[i], CAP_EFFECTIVE, &v);
                if (v == CAP_SET)
                        base.dac_eff |= 1u << i;
        }
        base.umask = umask(0);
        umask(base.umask);
        base.euid = geteuid();
        base.egid = getegid();
        base.ready = true;
        return 0;
}

static bool same_groups(const struct sentry_proc *p)
{
        if (p->n_groups != (size_t)base.n_groups)
                return false;
        for (size_t i = 0; i < p->n_groups; i++)
                if (p->groups[i] != base.groups[i])
                        return false;
        return true;
}

/* Whether the target has `cap` for file access in the sentry's user
 * namespace. CAP_DAC_OVERRIDE passes every permission check that
 * CAP_DAC_READ_SEARCH passes (generic_permission: reads and searches, of
 * files and directories), so a target with the first counts as having the
 * second: the sentry then keeps the same effect without a capset. */
static bool target_has(const struct sentry_proc *p, cap_value_t cap)
{
        if (!p->same_userns)
                return false;
        if (p->cap_eff & (1ull << cap))
                return true;
        return cap == CAP_DAC_READ_SEARCH && (p->cap_eff & (1ull << CAP_DAC_OVERRIDE));
}

/* Only what differs from the sentry's own identity is switched: each switch
 * and its undoing are two system calls on the path of every emulated open. */
int sentry_creds_enter(const struct sentry_proc *p, struct sentry_saved_creds *saved,
                       struct sb_err *err)
{
        memset(saved, 0, sizeof(*saved));
        if (base_init(err) < 0)
                return -1;

        if ((mode_t)p->umask != base.umask) {
                umask((mode_t)p->umask);
                saved->has_umask = true;
        }
        /* Groups first, then fsgid, then fsuid: each later step may drop the
         * right to make the earlier ones. */
        if (!same_groups(p)) {
                if (setgroups(p->n_groups, p->groups) < 0) {
                        sb_err_set(err, errno, "setgroups for pid %d", (int)p->pid);
                        goto fail;
                }
                saved->groups_changed = true;
        }
        if ((gid_t)p->fsgid != base.egid) {
                saved->fsgid_changed = true;
                setfsgid((gid_t)p->fsgid);
                if ((long)setfsgid((gid_t)-1) != p->fsgid) {
                        sb_err_set(err, EPERM, "setfsgid %ld for pid %d", p->fsgid, (int)p->pid);
                        goto fail;
                }
        }
        if ((uid_t)p->fsuid != base.euid) {
                saved->fsuid_changed = true;
                saved->caps_changed = true; /* the kernel changes them */
                setfsuid((uid_t)p->fsuid);
                if ((long)setfsuid((uid_t)-1) != p->fsuid) {
                        sb_err_set(err, EPERM, "setfsuid %ld for pid %d", p->fsuid, (int)p->pid);
                        goto fail;
                }
        }

        /* setfsuid() to a non-zero id already cleared the file capabilities;
         * for fsuid 0 keep only those the target has itself. */
        unsigned want = 0;
        for (size_t i = 0; i < N_DAC_CAPS; i++)
                if ((base.dac_eff & (1u << i)) && !target_has(p, dac_caps[i]))
                        want |= 1u << i;
        /* The kernel changed the capabilities with fsuid and changes them
         * again on the way back: set them (if any are to go) and restore
         * them. Otherwise only a drop that differs from the one in place. */
        bool set = saved->fsuid_changed ? want != 0 : want != dropped;
        int r = 0;
        if (set) {
                /* the working copy: the sentry's own, less `want` */
                for (size_t i = 0; i < N_DAC_CAPS; i++) {
                        cap_flag_value_t v =
                            (base.dac_eff & ~want) & (1u << i) ? CAP_SET : CAP_CLEAR;
                        cap_set_flag(base.work, CAP_EFFECTIVE, 1, &dac_caps[i], v);
                }
                r = cap_set_proc(base.work);
                if (r == 0 && !saved->fsuid_changed)
                        dropped = want;
        }
        if (!base.keeps_drop && dropped != 0)
                saved->caps_changed = true; /* restored by sentry_creds_leave */
        if (r < 0) {
                sb_err_set(err, errno, "cap_set_proc for pid %d", (int)p->pid);
                goto fail;
        }
        return 0;
fail:
        sentry_creds_leave(saved);
        return -1;
}

void sentry_creds_leave(struct sentry_saved_creds *saved)
{
        if (!base.ready)
                return;
        if (saved->fsuid_changed)
                setfsuid(base.euid);
        if (saved->fsgid_changed)
                setfsgid(base.egid);
        if (saved->groups_changed &&
            setgroups((size_t)(base.n_groups > 0 ? base.n_groups : 0), base.groups) < 0)
                abort();
        if (saved->has_umask)
                umask(base.umask);
        if (saved->caps_changed) {
                if (cap_set_proc(base.caps) < 0)
                        abort();
                dropped = 0;
        }
        memset(saved, 0, sizeof(*saved));
}

void sentry_creds_reset(void)
{
        if (!base.ready || dropped == 0)
                return;
        if (cap_set_proc(base.caps) < 0)
                abort();
        dropped = 0;
}
