#include "runtime/cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/cleanup.h"
#include "runtime/log.h"
#include "runtime/state.h"

#ifndef OVERLAYFS_SUPER_MAGIC
#define OVERLAYFS_SUPER_MAGIC 0x794c7630
#endif

bool runtime_is_read_only_overlay(int fd)
{
        struct statfs sf;

        return fstatfs(fd, &sf) == 0 && sf.f_type == OVERLAYFS_SUPER_MAGIC &&
               (sf.f_flags & ST_RDONLY) != 0;
}

bool runtime_is_cloned_binary(void)
{
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        int seals;

        if (fd < 0)
                return false;
        if (runtime_is_read_only_overlay(fd))
                return true;
        /* Only memfd/shmem inodes have seals; any other file fails with EINVAL. */
        seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & RUNTIME_CLONE_SEALS) == RUNTIME_CLONE_SEALS;
}

/* `dir` as one overlayfs lowerdir: `\` and `:` escaped. */
static bool escape_lowerdir(const char *dir, char *out, size_t size)
{
        size_t o = 0;

        for (const char *c = dir; *c != '\0'; c++) {
                if (*c == '\\' || *c == ':') {
                        if (o + 1 >= size)
                                return false;
                        out[o++] = '\\';
                }
                if (o + 1 >= size)
                        return false;
                out[o++] = *c;
        }
        out[o] = '\0';
        return true;
}

int runtime_overlay_view(const char *path, const char *spare_dir, struct sb_err *err)
{
        /* On the heap: the stack this deep would be carried by every
         * process forked from here on (the sentry is). */
        enum { LOWER_MAX = 2 * PATH_MAX + 2 };
        _cleanup_free_ char *dir = malloc(PATH_MAX + LOWER_MAX);
        char *lower = dir + PATH_MAX;
        const char *slash = strrchr(path, '/');

        if (dir == NULL)
                return sb_err_set(err, ENOMEM, "overlay view of `%s`", path);
        if (path[0] != '/' || slash == NULL || slash[1] == '\0' ||
            (size_t)(slash - path) >= PATH_MAX)
                return sb_err_set(err, EINVAL, "overlay view: `%s` is not an absolute file path",
                                  path);
        /* The file's directory on top, so that nothing in the spare layer can
         * stand in for it; overlayfs needs two lower layers to mount without
         * an upper one. */
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, len);
        dir[len] = '\0';
        size_t n;
        if (!escape_lowerdir(dir, lower, LOWER_MAX) || (n = strlen(lower)) + 2 > LOWER_MAX ||
            !escape_lowerdir(spare_dir, lower + n + 1, LOWER_MAX - n - 1))
                return sb_err_set(err, ENAMETOOLONG, "overlay view of `%s`", path);
        lower[n] = ':';

        _cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs < 0)
                return sb_err_set(err, errno, "overlay view: fsopen overlay");
        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0)
                return sb_err_set(err, errno, "overlay view: fsconfig lowerdir=%s", lower);
        if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return sb_err_set(err, errno, "overlay view: fsconfig create (lowerdir=%s)", lower);
        _cleanup_close_ int mnt =
            fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
        if (mnt < 0)
                return sb_err_set(err, errno, "overlay view: fsmount (lowerdir=%s)", lower);
        int fd = openat(mnt, slash + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return sb_err_set(err, errno, "overlay view: open `%s`", slash + 1);
        return fd;
}

int runtime_seal_copy(int src_fd, struct sb_err *err)
{
        _cleanup_close_ int memfd = -1;
        struct stat st;
        off_t off = 0;

        if (fstat(src_fd, &st) < 0)
                return sb_err_set(err, errno, "clone binary: fstat");
        if (!S_ISREG(st.st_mode))
                return sb_err_set(err, EINVAL, "clone binary: source is not a regular file");
        memfd = memfd_create("sandbox", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (memfd < 0)
                return sb_err_set(err, errno, "clone binary: memfd_create");
        /* Copy until EOF rather than trusting st_size alone; the explicit
         * offset leaves src_fd's file position alone. */
        for (;;) {
                ssize_t n = sendfile(memfd, src_fd, &off, 1 << 20);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return sb_err_set(err, errno, "clone binary: sendfile");
                if (n == 0)
                        break;
        }
        if (off != st.st_size)
                return sb_err_set(err, EIO, "clone binary: copied %jd of %jd bytes", (intmax_t)off,
                                  (intmax_t)st.st_size);
        /* F_SEAL_SEAL last in the same call: once applied, nobody (us
         * included) can remove the write seal or add writable mappings. */
        if (fcntl(memfd, F_ADD_SEALS, RUNTIME_CLONE_SEALS) < 0)
                return sb_err_set(err, errno, "clone binary: F_ADD_SEALS");
        return SB_STEAL_FD(memfd);
}

/* Same size and modification time: the file the overlay shows is the one
 * this process runs (not a newer binary installed over it since). */
static bool same_file(int a, int b)
{
        struct stat sa, sb;

        return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && S_ISREG(sb.st_mode) &&
               sa.st_size == sb.st_size && sa.st_mtim.tv_sec == sb.st_mtim.tv_sec &&
               sa.st_mtim.tv_nsec == sb.st_mtim.tv_nsec;
}

/* The zero-copy way, when it can be had: a read-only overlay view of this
 * binary, the same file as the one running (or -1). */
static int open_overlay_view(void)
{
        char path[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
        struct sb_err err;

        if (n <= 0)
                return -1;
        path[n] = '\0';
        _cleanup_close_ int self = open("/proc/self/exe", O_PATH | O_CLOEXEC);
        /* "/dev": a layer every system has, never the binary's directory nor
         * above it (overlayfs refuses overlapping layers). */
        _cleanup_close_ int view = self < 0 ? -1 : runtime_overlay_view(path, "/dev", &err);
        if (view < 0 || !runtime_is_read_only_overlay(view) || !same_file(self, view))
                return -1;
        return SB_STEAL_FD(view);
}

/* One mapping of this binary, as /proc/self/maps lists it. */
struct exe_map {
        unsigned long start, end;
        off_t offset;
        int prot;
};

/* One line of /proc/self/maps, file-backed: 1, else 0. */
static int maps_line(const char *line, struct exe_map *m, dev_t *dev, unsigned long *ino,
                     bool *private)
{
        unsigned long start, end, off;
        unsigned maj, min;
        char perms[5];

        if (sscanf(line, "%lx-%lx %4s %lx %x:%x %lu", &start, &end, perms, &off, &maj, &min, ino) !=
                7 ||
            *ino == 0)
                return 0;
        *dev = makedev(maj, min);
        *private = perms[3] == 'p';
        *m = (struct exe_map){
            .start = start,
            .end = end,
            .offset = (off_t)off,
            .prot = (perms[0] == 'r' ? PROT_READ : 0) | (perms[1] == 'w' ? PROT_WRITE : 0) |
                    (perms[2] == 'x' ? PROT_EXEC : 0),
        };
        return 1;
}

/* Every private mapping of this binary, from /proc/self/maps: of the file
 * that the code running here is mapped from (its device and inode as the
 * maps say them, which on btrfs or overlayfs are not what stat says);
 * -1 when there are more than `max`. */
static int exe_mappings(struct exe_map *m, int max)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/maps", "re");
        char line[PATH_MAX + 128];
        unsigned long here = (unsigned long)(uintptr_t)&exe_mappings, ino, our_ino = 0;
        dev_t dev, our_dev = 0;
        struct exe_map one;
        bool private;
        int n = 0;

        if (f == NULL)
                return 0;
        while (our_ino == 0 && fgets(line, sizeof(line), f) != NULL)
                if (maps_line(line, &one, &dev, &ino, &private) && one.start <= here &&
                    here < one.end) {
                        our_dev = dev;
                        our_ino = ino;
                }
        rewind(f);
        while (our_ino != 0 && fgets(line, sizeof(line), f) != NULL) {
                if (!maps_line(line, &one, &dev, &ino, &private) || dev != our_dev ||
                    ino != our_ino || !private)
                        continue;
                if (n == max)
                        return -1;
                m[n++] = one;
        }
        return n;
}

#ifdef __SANITIZE_ADDRESS__
/* ASan's memcpy reports reading across the redzones it puts between
 * globals, which are part of the image: word by word, not instrumented
 * (volatile, so that the loop does not become a memcpy). */
__attribute__((no_sanitize_address)) static void image_copy(void *to, const void *from, size_t len)
{
        volatile uint64_t *t = to;
        const volatile uint64_t *f = from;

        for (size_t i = 0; i < len / sizeof(*t); i++)
                t[i] = f[i];
}
#else
static void image_copy(void *to, const void *from, size_t len)
{
        memcpy(to, from, len);
}
#endif

/* /proc/self/pagemap: a page of a private file mapping that is in swap, or
 * present but not the file's page, is our own copy (written since mapped). */
#define PAGEMAP_PRESENT (1ull << 63)
#define PAGEMAP_SWAP    (1ull << 62)
#define PAGEMAP_FILE    (1ull << 61)

/* Replaces one mapping by the same range of `fd` with the content it has
 * now: the pages written since (relocations, data) are copied, the others
 * are left to come from `fd` (equal content, and shared, not copied). The
 * new mapping is prepared elsewhere and moved over the old range in one
 * step (mremap), so that no code ever runs on a half-made one. */
static int remap_one(int fd, int pagemap, const struct exe_map *m)
{
        size_t page = (size_t)sysconf(_SC_PAGESIZE), len = m->end - m->start;
        char *old = (char *)m->start;
        char *n = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, m->offset);
        uint64_t pm[64];

        if (n == MAP_FAILED)
                return -1;
        for (size_t done = 0; done < len && (m->prot & PROT_READ) != 0;) {
                size_t k = (len - done) / page < 64 ? (len - done) / page : 64;
                off_t at = (off_t)((m->start + done) / page * sizeof(uint64_t));
                if (pread(pagemap, pm, k * sizeof(uint64_t), at) != (ssize_t)(k * sizeof(uint64_t)))
                        goto fail;
                for (size_t i = 0; i < k; i++)
                        if ((pm[i] & PAGEMAP_SWAP) != 0 ||
                            (pm[i] & (PAGEMAP_PRESENT | PAGEMAP_FILE)) == PAGEMAP_PRESENT)
                                image_copy(n + done + i * page, old + done + i * page, page);
                done += k * page;
        }
        if (mprotect(n, len, m->prot) < 0 ||
            mremap(n, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, old) == MAP_FAILED)
                goto fail;
        return 0;
fail:
        munmap(n, len);
        return -1;
}

/* The mm's layout as it is (/proc/self/stat fields 26-28 and 45-51), for
 * PR_SET_MM_MAP to set again unchanged; the caller reads the break last. */
static int mm_map_now(struct prctl_mm_map *mm)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/stat", "re");
        char buf[1024];
        unsigned long long v[52];

        memset(mm, 0, sizeof(*mm));
        if (f == NULL || fgets(buf, sizeof(buf), f) == NULL ||
            runtime_proc_stat_fields(buf, v, 52) < 51)
                return -1;
        mm->start_code = v[26];
        mm->end_code = v[27];
        mm->start_stack = v[28];
        mm->start_data = v[45];
        mm->end_data = v[46];
        mm->start_brk = v[47];
        mm->arg_start = v[48];
        mm->arg_end = v[49];
        mm->env_start = v[50];
        mm->env_end = v[51];
        return 0;
}

int runtime_remap_exe(int fd, struct sb_err *err)
{
        struct exe_map maps[16];
        struct stat st, to;

        if (stat("/proc/self/exe", &st) < 0)
                return sb_err_set(err, errno, "remap: stat `/proc/self/exe`");
        if (fstat(fd, &to) < 0 || !S_ISREG(to.st_mode) || to.st_size != st.st_size)
                return sb_err_set(err, EINVAL, "remap: not a copy of `/proc/self/exe`");
        int n = exe_mappings(maps, (int)(sizeof(maps) / sizeof(maps[0])));
        if (n <= 0)
                return sb_err_set(err, n < 0 ? E2BIG : ENOENT,
                                  "remap: %s mappings of `/proc/self/exe`",
                                  n < 0 ? "too many" : "no");
        _cleanup_close_ int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
        if (pagemap < 0)
                return sb_err_set(err, errno, "remap: open `/proc/self/pagemap`");
        for (int i = 0; i < n; i++)
                if (remap_one(fd, pagemap, &maps[i]) < 0)
                        return sb_err_set(err, errno, "remap: %lx-%lx", maps[i].start, maps[i].end);
        /* PR_SET_MM_MAP rather than PR_SET_MM_EXE_FILE: it asks for
         * CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE in our own user namespace,
         * not CAP_SYS_RESOURCE (which root may lack: it does here), and is
         * given the other fields of the mm as they are. The kernel
         * refuses (EBUSY) while any mapping of the old file is left. */
        struct prctl_mm_map mm;
        if (mm_map_now(&mm) < 0)
                return sb_err_set(err, EINVAL, "remap: cannot read `/proc/self/stat`");
        mm.exe_fd = (uint32_t)fd;
        mm.brk = (uint64_t)syscall(SYS_brk, 0);
        if (prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&mm, sizeof(mm), 0) < 0)
                return sb_err_set(err, errno, "remap: prctl PR_SET_MM_MAP exe_fd");
        return 0;
}

/* Runs on from `fd` (a view or copy of this binary): remapped in place where
 * the kernel lets us (0), else executed again. Returns fexecve's errno when
 * neither worked. */
static int run_from(int fd, char **argv, char **envp)
{
        struct sb_err err;

        if (runtime_remap_exe(fd, &err) == 0)
                return 0;
        sb_debug("clone binary: %s; executing the copy instead", err.msg);
        fexecve(fd, argv, envp);
        return errno;
}

int runtime_ensure_cloned_binary(char **argv, char **envp, struct sb_err *err)
{
        _cleanup_close_ int exe = -1;
        _cleanup_close_ int memfd = -1;

        if (runtime_is_cloned_binary())
                return 0;
        _cleanup_close_ int view = open_overlay_view();
        if (view >= 0 && run_from(view, argv, envp) == 0)
                return 0;
        exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        if (exe < 0)
                return sb_err_set(err, errno, "clone binary: open `/proc/self/exe`");
        memfd = runtime_seal_copy(exe, err);
        if (memfd < 0)
                return -1;
        close(SB_STEAL_FD(exe));
        /* MFD_CLOEXEC is fine for an ELF binary: the kernel holds the file
         * once it is mapped; the new image does not need the descriptor. */
        int e = run_from(memfd, argv, envp);
        return e == 0 ? 0 : sb_err_set(err, e, "clone binary: fexecve");
}
