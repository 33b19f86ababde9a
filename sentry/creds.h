/* Opening files as the target would: the sentry takes the target's file
 * system identity for the duration of one operation (see sentry/README.md,
 * "Credentials"). The sentry is single-threaded, so per-thread fsuid/fsgid
 * and the process-wide supplementary groups and capabilities are its own. */
#ifndef SANDBOX_SENTRY_CREDS_H
#define SANDBOX_SENTRY_CREDS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime/error.h"
#include "sentry/target.h"

/* What sentry_creds_enter() changed, for sentry_creds_leave() to restore
 * (the sentry's own identity is read once, on first use). */
struct sentry_saved_creds {
        bool has_umask;
        bool groups_changed;
        bool fsgid_changed;
        bool fsuid_changed;
        bool caps_changed;
};

/* Becomes the target for file access: its umask (files the sentry creates
 * for it get the modes the target's own call would give), its supplementary groups, fsgid, fsuid,
 * and only those DAC-overriding capabilities the target has in the sentry's
 * user namespace (none at all for a target in another user namespace:
 * its capabilities there do not extend to the host's). */
int sentry_creds_enter(const struct sentry_proc *p, struct sentry_saved_creds *saved,
                       struct sb_err *err);
/* Back to the sentry's own identity, except for capabilities cleared from
 * its effective set without an fsuid change: those stay cleared until the
 * next sentry_creds_enter() (which sets exactly what its target needs) or
 * sentry_creds_reset(). Aborts when restoring fails: carrying on with the
 * identity of one target into the next request would be worse. */
void sentry_creds_leave(struct sentry_saved_creds *saved);
/* The sentry's own capabilities back, for its work that may need them
 * (writing and rotating the events log, /proc/PID/mem). Aborts on failure. */
void sentry_creds_reset(void);
/* The capabilities that bypass file permission checks, as a capability
 * bit mask: a target without any is given none of them. */
uint64_t sentry_creds_dac_mask(void);

#endif
