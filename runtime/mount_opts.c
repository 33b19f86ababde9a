/* OCI mount options to kernel flags: one table, looked up by name. */
#include "runtime/mount_opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

enum opt_kind {
        OPT_FLAG,        /* MS_* set or cleared on this mount */
        OPT_PROPAGATION, /* MS_SHARED ... [|MS_REC] */
        OPT_ATTR_REC,    /* MOUNT_ATTR_* set or cleared recursively */
        OPT_BIND,        /* bind / rbind */
        OPT_IDMAP,       /* idmap / ridmap */
        OPT_IGNORED,     /* known, no effect here */
};

struct opt {
        const char *name;
        enum opt_kind kind;
        bool clear;
        unsigned long value;
};

/* The same names and meanings as runc (libcontainer/specconv). */
static const struct opt OPTS[] = {
    {"async", OPT_FLAG, true, MS_SYNCHRONOUS},
    {"atime", OPT_FLAG, true, MS_NOATIME},
    {"bind", OPT_BIND, false, MS_BIND},
    {"defaults", OPT_FLAG, false, 0},
    {"dev", OPT_FLAG, true, MS_NODEV},
    {"diratime", OPT_FLAG, true, MS_NODIRATIME},
    {"dirsync", OPT_FLAG, false, MS_DIRSYNC},
    {"exec", OPT_FLAG, true, MS_NOEXEC},
    {"iversion", OPT_FLAG, false, MS_I_VERSION},
    {"lazytime", OPT_FLAG, false, MS_LAZYTIME},
    {"loud", OPT_FLAG, true, MS_SILENT},
    {"mand", OPT_FLAG, false, MS_MANDLOCK},
    {"noatime", OPT_FLAG, false, MS_NOATIME},
    {"nodev", OPT_FLAG, false, MS_NODEV},
    {"nodiratime", OPT_FLAG, false, MS_NODIRATIME},
    {"noexec", OPT_FLAG, false, MS_NOEXEC},
    {"noiversion", OPT_FLAG, true, MS_I_VERSION},
    {"nolazytime", OPT_FLAG, true, MS_LAZYTIME},
    {"nomand", OPT_FLAG, true, MS_MANDLOCK},
    {"norelatime", OPT_FLAG, true, MS_RELATIME},
    {"nostrictatime", OPT_FLAG, true, MS_STRICTATIME},
    {"nosuid", OPT_FLAG, false, MS_NOSUID},
    {"nosymfollow", OPT_FLAG, false, MS_NOSYMFOLLOW},
    {"rbind", OPT_BIND, false, MS_BIND | MS_REC},
    {"relatime", OPT_FLAG, false, MS_RELATIME},
    {"remount", OPT_FLAG, false, MS_REMOUNT},
    {"ro", OPT_FLAG, false, MS_RDONLY},
    {"rw", OPT_FLAG, true, MS_RDONLY},
    {"silent", OPT_FLAG, false, MS_SILENT},
    {"strictatime", OPT_FLAG, false, MS_STRICTATIME},
    {"suid", OPT_FLAG, true, MS_NOSUID},
    {"symfollow", OPT_FLAG, true, MS_NOSYMFOLLOW},
    {"sync", OPT_FLAG, false, MS_SYNCHRONOUS},

    {"private", OPT_PROPAGATION, false, MS_PRIVATE},
    {"shared", OPT_PROPAGATION, false, MS_SHARED},
    {"slave", OPT_PROPAGATION, false, MS_SLAVE},
    {"unbindable", OPT_PROPAGATION, false, MS_UNBINDABLE},
    {"rprivate", OPT_PROPAGATION, false, MS_PRIVATE | MS_REC},
    {"rshared", OPT_PROPAGATION, false, MS_SHARED | MS_REC},
    {"rslave", OPT_PROPAGATION, false, MS_SLAVE | MS_REC},
    {"runbindable", OPT_PROPAGATION, false, MS_UNBINDABLE | MS_REC},

    {"rro", OPT_ATTR_REC, false, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_ATTR_REC, true, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_ATTR_REC, false, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_ATTR_REC, true, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_ATTR_REC, false, MOUNT_ATTR_NODEV},
    {"rdev", OPT_ATTR_REC, true, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_ATTR_REC, false, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_ATTR_REC, true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_ATTR_REC, false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_ATTR_REC, true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", OPT_ATTR_REC, false, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_ATTR_REC, true, MOUNT_ATTR_RELATIME},
    {"rnoatime", OPT_ATTR_REC, false, MOUNT_ATTR_NOATIME},
    {"ratime", OPT_ATTR_REC, true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", OPT_ATTR_REC, false, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_ATTR_REC, true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", OPT_ATTR_REC, false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_ATTR_REC, true, MOUNT_ATTR_NOSYMFOLLOW},

    {"idmap", OPT_IDMAP, false, 0},
    {"ridmap", OPT_IDMAP, false, MS_REC},
    {"tmpcopyup", OPT_IGNORED, false, 0},
};

#define N_OPTS (sizeof(OPTS) / sizeof(OPTS[0]))

size_t runtime_mount_opts_count(void)
{
        return N_OPTS;
}

const char *runtime_mount_opts_name(size_t i)
{
        return i < N_OPTS ? OPTS[i].name : NULL;
}

static const struct opt *lookup(const char *name)
{
        for (size_t i = 0; i < N_OPTS; i++)
                if (strcmp(OPTS[i].name, name) == 0)
                        return &OPTS[i];
        return NULL;
}

int runtime_mount_propagation_parse(const char *name, unsigned long *out)
{
        const struct opt *o = name != NULL ? lookup(name) : NULL;
        if (o == NULL || o->kind != OPT_PROPAGATION)
                return -1;
        *out = o->value;
        return 0;
}

static int append_data(char **data, size_t *len, const char *opt)
{
        size_t n = strlen(opt);
        char *p = realloc(*data, *len + n + 2);
        if (p == NULL)
                return -1;
        if (*len > 0)
                p[(*len)++] = ',';
        memcpy(p + *len, opt, n + 1);
        *len += n;
        *data = p;
        return 0;
}

/* Sets one flag of `bit`, clears it in the other word: the last option wins
 * ("ro" then "rw" is rw), as with mount(8). */
static void set_flag(unsigned long *set, unsigned long *clr, unsigned long bit, bool clear)
{
        if (clear) {
                *set &= ~bit;
                *clr |= bit;
        } else {
                *set |= bit;
                *clr &= ~bit;
        }
}

static void set_attr(uint64_t *set, uint64_t *clr, uint64_t bit, bool clear)
{
        if (bit == MOUNT_ATTR_RELATIME || (bit & MOUNT_ATTR__ATIME)) {
                /* The atime modes are an enum, not bits: mount_setattr(2) wants
                 * the whole MOUNT_ATTR__ATIME field in attr_clr (a partial one
                 * is EINVAL) and the new mode in attr_set. Clearing a mode
                 * means going back to the default, relatime; "rnorelatime"
                 * names no mode and changes nothing. */
                if (bit == MOUNT_ATTR_RELATIME && clear)
                        return;
                *set &= ~(uint64_t)MOUNT_ATTR__ATIME;
                if (!clear)
                        *set |= bit;
                *clr |= MOUNT_ATTR__ATIME;
                return;
        }
        if (clear) {
                *set &= ~bit;
                *clr |= bit;
        } else {
                *set |= bit;
                *clr &= ~bit;
        }
}

int runtime_mount_opts_parse(const struct oci_string_list *opts, struct runtime_mount_flags *out,
                             struct sb_err *err)
{
        size_t data_len = 0;

        memset(out, 0, sizeof(*out));
        for (size_t i = 0; opts != NULL && i < opts->count; i++) {
                const char *name = opts->items[i];
                if (name == NULL || name[0] == '\0') {
                        runtime_mount_flags_free(out);
                        return sb_err_set(err, 0, "options[%zu]: empty mount option", i);
                }
                const struct opt *o = lookup(name);
                if (o == NULL) {
                        if (append_data(&out->data, &data_len, name) < 0) {
                                runtime_mount_flags_free(out);
                                return sb_err_set(err, ENOMEM, "options[%zu]: `%s`", i, name);
                        }
                        continue;
                }
                switch (o->kind) {
                case OPT_FLAG:
                        set_flag(&out->flags, &out->clear_flags, o->value, o->clear);
                        break;
                case OPT_PROPAGATION:
                        out->propagation = o->value;
                        break;
                case OPT_ATTR_REC:
                        set_attr(&out->attr_set, &out->attr_clr, o->value, o->clear);
                        break;
                case OPT_BIND:
                        out->bind = true;
                        out->flags |= o->value;
                        if (o->value & MS_REC)
                                out->recursive_bind = true;
                        break;
                case OPT_IDMAP:
                        if (o->value & MS_REC)
                                out->ridmap = true;
                        else
                                out->idmap = true;
                        break;
                case OPT_IGNORED:
                        out->tmpcopyup = true;
                        break;
                }
        }
        return 0;
}

void runtime_mount_flags_free(struct runtime_mount_flags *f)
{
        free(f->data);
        memset(f, 0, sizeof(*f));
}

bool runtime_mount_flags_bind_needs_remount(const struct runtime_mount_flags *f)
{
        if (!f->bind)
                return false;
        return (f->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT)) != 0 ||
               f->clear_flags != 0;
}

void runtime_mount_flags_to_attr(const struct runtime_mount_flags *f, uint64_t *set, uint64_t *clr)
{
        static const struct {
                unsigned long ms;
                uint64_t attr;
        } map[] = {
            {MS_RDONLY, MOUNT_ATTR_RDONLY},         {MS_NOSUID, MOUNT_ATTR_NOSUID},
            {MS_NODEV, MOUNT_ATTR_NODEV},           {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
            {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME}, {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
        };
        *set = 0;
        *clr = 0;
        for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
                if (f->flags & map[i].ms)
                        *set |= map[i].attr;
                else if (f->clear_flags & map[i].ms)
                        *clr |= map[i].attr;
        }
        /* atime: one mode at a time; the strongest set flag decides. */
        if (f->flags & MS_NOATIME) {
                *set |= MOUNT_ATTR_NOATIME;
                *clr |= MOUNT_ATTR__ATIME;
        } else if (f->flags & MS_STRICTATIME) {
                *set |= MOUNT_ATTR_STRICTATIME;
                *clr |= MOUNT_ATTR__ATIME;
        } else if (f->flags & MS_RELATIME) {
                *clr |= MOUNT_ATTR__ATIME;
        } else if (f->clear_flags & (MS_NOATIME | MS_STRICTATIME)) {
                *clr |= MOUNT_ATTR__ATIME; /* "atime"/"nostrictatime": back to relatime */
        }
}
