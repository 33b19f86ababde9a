/* Taking the target's file access identity for one operation. */
#include "sentry/creds.h"

#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

/* The capabilities that bypass file permission checks. */
static const cap_value_t dac_caps[] = {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER,
                                       CAP_FSETID,       CAP_MKNOD,           CAP_CHOWN};
#define N_DAC_CAPS (sizeof(dac_caps) / sizeof(dac_caps[0]))

int sentry_creds_enter(const struct sentry_proc *p, struct sentry_saved_creds *saved,
                       struct sb_err *err)
{
        cap_t caps;

        saved->caps = NULL;
        saved->has_umask = false;
        saved->n_groups = getgroups(SENTRY_MAX_GROUPS, saved->groups);
        if (saved->n_groups < 0)
                return sb_err_set(err, errno, "getgroups");
        saved->caps = cap_get_proc();
        if (saved->caps == NULL)
                return sb_err_set(err, errno, "cap_get_proc");

        saved->umask = umask((mode_t)p->umask);
        saved->has_umask = true;
        /* Groups first, then fsgid, then fsuid: each later step may drop the
         * right to make the earlier ones. */
        if (setgroups(p->n_groups, p->groups) < 0) {
                sb_err_set(err, errno, "setgroups for pid %d", (int)p->pid);
                goto fail;
        }
        setfsgid((gid_t)p->fsgid);
        if ((long)setfsgid((gid_t)-1) != p->fsgid) {
                sb_err_set(err, EPERM, "setfsgid %ld for pid %d", p->fsgid, (int)p->pid);
                goto fail;
        }
        setfsuid((uid_t)p->fsuid);
        if ((long)setfsuid((uid_t)-1) != p->fsuid) {
                sb_err_set(err, EPERM, "setfsuid %ld for pid %d", p->fsuid, (int)p->pid);
                goto fail;
        }

        /* setfsuid() to a non-zero id already cleared the file capabilities;
         * for fsuid 0 keep only those the target has itself. */
        caps = cap_get_proc();
        if (caps == NULL) {
                sb_err_set(err, errno, "cap_get_proc");
                goto fail;
        }
        for (size_t i = 0; i < N_DAC_CAPS; i++) {
                bool has = p->same_userns && (p->cap_eff & (1ull << dac_caps[i]));
                if (!has)
                        cap_set_flag(caps, CAP_EFFECTIVE, 1, &dac_caps[i], CAP_CLEAR);
        }
        int r = cap_set_proc(caps);
        cap_free(caps);
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
        setfsuid(geteuid());
        setfsgid(getegid());
        if (setgroups((size_t)(saved->n_groups > 0 ? saved->n_groups : 0), saved->groups) < 0)
                abort();
        if (saved->has_umask)
                umask(saved->umask);
        saved->has_umask = false;
        if (saved->caps != NULL) {
                if (cap_set_proc(saved->caps) < 0)
                        abort();
                cap_free(saved->caps);
                saved->caps = NULL;
        }
}
