/* process.user and process.capabilities, applied with libcap.
 * Every step runs while the previous ones still leave us the privilege the
 * next one needs; the comments say why the order is safe. */
#include "runtime/identity.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/log.h"

_Static_assert(sizeof(gid_t) == sizeof(uint32_t), "gid_t is 32 bits on Linux");

static const char *const capset_names[OCI_CAP_NSETS] = {
    [OCI_CAP_BOUNDING] = "bounding",       [OCI_CAP_EFFECTIVE] = "effective",
    [OCI_CAP_INHERITABLE] = "inheritable", [OCI_CAP_PERMITTED] = "permitted",
    [OCI_CAP_AMBIENT] = "ambient",
};

uint64_t runtime_caps_supported(void)
{
        unsigned n = cap_max_bits();

        if (n >= 64)
                return UINT64_MAX;
        return (UINT64_C(1) << n) - 1;
}

int runtime_caps_to_text(uint64_t mask, char *buf, size_t len)
{
        size_t used = 0;

        if (len == 0) {
                errno = ERANGE;
                return -1;
        }
        buf[0] = '\0';
        for (unsigned cap = 0; cap < 64; cap++) {
                char *name;
                size_t n;

                if (!(mask & (UINT64_C(1) << cap)))
                        continue;
                name = cap_to_name((cap_value_t)cap); /* "cap_chown", or "41" */
                if (name == NULL) {
                        errno = ENOMEM;
                        return -1;
                }
                n = strlen(name) + (used > 0 ? 1 : 0);
                if (used + n >= len) {
                        cap_free(name);
                        errno = ERANGE;
                        return -1;
                }
                if (used > 0)
                        buf[used++] = ',';
                for (const char *c = name; *c != '\0'; c++)
                        buf[used++] = (char)toupper((unsigned char)*c);
                buf[used] = '\0';
                cap_free(name);
        }
        return 0;
}

/* The sets to apply: runc treats an absent process.capabilities (or an
 * absent set inside it) as empty, so the process gets no capability at all.
 * Capabilities this kernel does not know are ignored with a warning, as runc
 * does, instead of failing cap_set_proc with a vague EINVAL. */
static void wanted_sets(const struct oci_capabilities *c, uint64_t sets[OCI_CAP_NSETS])
{
        uint64_t known = runtime_caps_supported(), held = 0;

        /* What the runtime itself may still hold: a capability outside its
         * own bounding set (a host or an outer container that withholds it)
         * can never be given. Docker's --privileged asks for every
         * capability it knows; such a container then runs without those,
         * with a warning, rather than not at all (never with more). */
        for (unsigned cap = 0; cap < 64; cap++)
                if ((known & (UINT64_C(1) << cap)) && cap_get_bound((cap_value_t)cap) > 0)
                        held |= UINT64_C(1) << cap;
        for (int i = 0; i < OCI_CAP_NSETS; i++) {
                uint64_t unknown, withheld;
                char names[512];

                sets[i] = (c->present && c->has[i]) ? c->sets[i] : 0;
                unknown = sets[i] & ~known;
                if (unknown != 0) {
                        runtime_caps_to_text(unknown, names, sizeof(names));
                        sb_warn("process.capabilities.%s: %s unknown to this kernel, ignored",
                                capset_names[i], names);
                        sets[i] &= known;
                }
                withheld = sets[i] & ~held;
                if (withheld != 0 && i != OCI_CAP_BOUNDING) {
                        runtime_caps_to_text(withheld, names, sizeof(names));
                        sb_warn("process.capabilities.%s: %s not in the runtime's own bounding "
                                "set (withheld by the host), ignored",
                                capset_names[i], names);
                        sets[i] &= held;
                }
        }
}

static int drop_bounding(uint64_t bounding, struct sb_err *err)
{
        unsigned last = cap_max_bits();

        for (unsigned cap = 0; cap < last && cap < 64; cap++) {
                if (bounding & (UINT64_C(1) << cap))
                        continue;
                if (cap_get_bound((cap_value_t)cap) <= 0)
                        continue; /* already gone */
                if (cap_drop_bound((cap_value_t)cap) < 0) {
                        char name[64];

                        runtime_caps_to_text(UINT64_C(1) << cap, name, sizeof(name));
                        return sb_err_set(err, errno,
                                          "process.capabilities.bounding: drop %s from the "
                                          "bounding set (PR_CAPBSET_DROP)",
                                          name);
                }
        }
        return 0;
}

/* "deny" in /proc/self/setgroups: an unprivileged user namespace whose
 * gid_map was written without setgroups permission. */
static bool setgroups_denied(void)
{
        _cleanup_close_ int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
        char buf[16] = {0};

        if (fd < 0)
                return false; /* no /proc or an old kernel: just try */
        if (read(fd, buf, sizeof(buf) - 1) <= 0)
                return false;
        return strncmp(buf, "deny", 4) == 0;
}

static int set_groups(const struct oci_user *u, struct sb_err *err)
{
        if (setgroups_denied()) {
                /* Nothing was asked that we cannot do: keep the (already
                 * harmless, unmapped) groups, as runc does. */
                if (u->n_additional_gids == 0)
                        return 0;
                return sb_err_set(err, EPERM,
                                  "process.user.additionalGids: setgroups is denied in this user "
                                  "namespace (/proc/self/setgroups is \"deny\")");
        }
        /* An empty list is applied too: it clears the groups the runtime
         * itself runs with (often root's), which must not leak in. */
        if (setgroups(u->n_additional_gids, (const gid_t *)u->additional_gids) < 0)
                return sb_err_set(err, errno, "process.user.additionalGids: setgroups (%zu groups)",
                                  u->n_additional_gids);
        return 0;
}

static int set_caps(const uint64_t sets[OCI_CAP_NSETS], struct sb_err *err)
{
        static const struct {
                int set;
                cap_flag_t flag;
        } map[] = {
            {OCI_CAP_EFFECTIVE, CAP_EFFECTIVE},
            {OCI_CAP_PERMITTED, CAP_PERMITTED},
            {OCI_CAP_INHERITABLE, CAP_INHERITABLE},
        };
        cap_t caps = cap_init(); /* all clear */
        int r = 0;

        if (caps == NULL)
                return sb_err_set(err, errno, "process.capabilities: cap_init");
        for (size_t m = 0; m < sizeof(map) / sizeof(map[0]) && r == 0; m++) {
                for (unsigned cap = 0; cap < 64; cap++) {
                        cap_value_t v = (cap_value_t)cap;

                        if (!(sets[map[m].set] & (UINT64_C(1) << cap)))
                                continue;
                        if (cap_set_flag(caps, map[m].flag, 1, &v, CAP_SET) < 0) {
                                r = sb_err_set(err, errno, "process.capabilities.%s: cap_set_flag",
                                               capset_names[map[m].set]);
                                break;
                        }
                }
        }
        if (r == 0 && cap_set_proc(caps) < 0) {
                char text[3][1024];

                runtime_caps_to_text(sets[OCI_CAP_EFFECTIVE], text[0], sizeof(text[0]));
                runtime_caps_to_text(sets[OCI_CAP_PERMITTED], text[1], sizeof(text[1]));
                runtime_caps_to_text(sets[OCI_CAP_INHERITABLE], text[2], sizeof(text[2]));
                r = sb_err_set(err, errno,
                               "process.capabilities: cap_set_proc (effective [%s], permitted "
                               "[%s], inheritable [%s]; effective must be within permitted)",
                               text[0], text[1], text[2]);
        }
        cap_free(caps);
        return r;
}

static int set_ambient(const uint64_t sets[OCI_CAP_NSETS], struct sb_err *err)
{
        /* Only a capability that is both permitted and inheritable can be
         * ambient. `runc spec` writes ambient capabilities without an
         * inheritable set and runc silently skips them, so configs written
         * for runc expect that: skip (and log) instead of failing. */
        uint64_t raisable = sets[OCI_CAP_PERMITTED] & sets[OCI_CAP_INHERITABLE];
        uint64_t ambient = sets[OCI_CAP_AMBIENT];

        /* Start from nothing: ambient capabilities survive execve, so any
         * inherited from the runtime must not stay. */
        if (cap_reset_ambient() < 0 && errno != EINVAL)
                return sb_err_set(err, errno, "process.capabilities.ambient: cap_reset_ambient");
        if (ambient & ~raisable) {
                char names[1024];
                runtime_caps_to_text(ambient & ~raisable, names, sizeof(names));
                sb_debug("process.capabilities.ambient: %s not both permitted and inheritable; "
                         "not raised",
                         names);
        }
        for (unsigned cap = 0; cap < 64; cap++) {
                if (!(ambient & raisable & (UINT64_C(1) << cap)))
                        continue;
                if (cap_set_ambient((cap_value_t)cap, CAP_SET) < 0) {
                        char name[64];

                        runtime_caps_to_text(UINT64_C(1) << cap, name, sizeof(name));
                        return sb_err_set(err, errno, "process.capabilities.ambient: raise %s",
                                          name);
                }
        }
        return 0;
}

int runtime_apply_identity(const struct oci_process *p, struct sb_err *err)
{
        const struct oci_user *u = &p->user;
        uint64_t sets[OCI_CAP_NSETS];

        wanted_sets(&p->capabilities, sets);

        /* 1. Keep the permitted set across the uid change below: without it,
         * setresuid() from 0 to non-zero clears every capability and steps
         * 6-7 could no longer give the process the ones it is configured
         * with. */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                return sb_err_set(err, errno, "prctl(PR_SET_KEEPCAPS, 1)");

        /* 2. Shrink the bounding set while we still hold CAP_SETPCAP (it is
         * needed for PR_CAPBSET_DROP and we give it up in step 6). Nothing
         * outside the bounding set can be regained by any later execve. */
        if (drop_bounding(sets[OCI_CAP_BOUNDING], err) < 0)
                return -1;

        /* 3-5. Groups, then gid, then uid: setgroups() and setresgid() need
         * CAP_SETGID, which a non-root uid no longer has in effect once
         * setresuid() runs; the uid goes last so that every earlier step still
         * runs as root. */
        if (set_groups(u, err) < 0)
                return -1;
        if (setresgid(u->gid, u->gid, u->gid) < 0)
                return sb_err_set(err, errno, "process.user.gid: setresgid(%u)", u->gid);
        if (setresuid(u->uid, u->uid, u->uid) < 0)
                return sb_err_set(err, errno, "process.user.uid: setresuid(%u)", u->uid);

        /* 6. The uid change is done: later uid changes by the container
         * process must drop capabilities as usual. */
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                return sb_err_set(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");

        /* 7. Exactly the configured effective/permitted/inheritable sets. The
         * permitted set kept in step 1 is a superset of anything configured,
         * so this only ever lowers privileges. */
        if (set_caps(sets, err) < 0)
                return -1;

        /* 8. Ambient last: the kernel only accepts an ambient capability that
         * is already permitted and inheritable, which step 7 established. */
        if (set_ambient(sets, err) < 0)
                return -1;

        /* 9. Files the process creates get the configured mode mask. */
        umask(u->has_umask ? (mode_t)u->umask : RUNTIME_DEFAULT_UMASK);
        return 0;
}

int runtime_set_no_new_privs(struct sb_err *err)
{
        /* Irreversible for this process and everything it execs: from here on
         * execve never grants privileges (setuid bits, file capabilities),
         * which is what allows an unprivileged seccomp filter load. */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return sb_err_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS, 1)");
        return 0;
}
