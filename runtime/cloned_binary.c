#include "runtime/cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/cleanup.h"

bool runtime_is_cloned_binary(void)
{
        _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        int seals;

        if (fd < 0)
                return false;
        /* Only memfd/shmem inodes have seals; any other file fails with EINVAL. */
        seals = fcntl(fd, F_GET_SEALS);
        return seals >= 0 && (seals & RUNTIME_CLONE_SEALS) == RUNTIME_CLONE_SEALS;
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

int runtime_ensure_cloned_binary(char **argv, char **envp, struct sb_err *err)
{
        _cleanup_close_ int exe = -1;
        _cleanup_close_ int memfd = -1;

        if (runtime_is_cloned_binary())
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
        fexecve(memfd, argv, envp);
        return sb_err_set(err, errno, "clone binary: fexecve");
}
