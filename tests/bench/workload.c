/* Workloads timed inside a container (static, so it runs in a busybox rootfs).
 *   workload getpid N      N getpid() + N read() of 1 byte from /dev/zero
 *   workload walk DIR N    N walks of DIR (openat/getdents64/fstatat)
 *   workload files DIR N   create (O_TRUNC), write and remove N small files in DIR
 *   workload files-excl DIR N   the same with exclusive creates (O_EXCL)
 * Prints "<nanoseconds>" of the timed part on stdout. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long walk(int dfd)
{
        long n = 0;
        DIR *d = fdopendir(dfd);
        struct dirent *e;
        if (d == NULL)
                return 0;
        while ((e = readdir(d)) != NULL) {
                struct stat sb;
                if (e->d_name[0] == '.' &&
                    (e->d_name[1] == 0 || (e->d_name[1] == '.' && !e->d_name[2])))
                        continue;
                n++;
                if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISDIR(sb.st_mode)) {
                        int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (sub >= 0)
                                n += walk(sub);
                }
        }
        closedir(d);
        return n;
}

int main(int argc, char **argv)
{
        if (argc < 3)
                return 2;
        long long t0 = now(), sink = 0;
        if (strcmp(argv[1], "getpid") == 0) {
                long n = atol(argv[2]);
                int z = open("/dev/zero", O_RDONLY);
                char c;
                for (long i = 0; i < n; i++) {
                        sink += syscall(SYS_getpid);
                        sink += read(z, &c, 1);
                }
        } else if (strcmp(argv[1], "walk") == 0 && argc > 3) {
                long n = atol(argv[3]);
                for (long i = 0; i < n; i++)
                        sink += walk(open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        } else if ((strcmp(argv[1], "files") == 0 || strcmp(argv[1], "files-excl") == 0) &&
                   argc > 3) {
                /* files: O_TRUNC, as compilers, pip and npm write; files-excl:
                 * O_EXCL, as tar and dpkg extract */
                int how = argv[1][5] ? O_EXCL : O_TRUNC;
                long n = atol(argv[3]);
                char path[4096];
                for (long i = 0; i < n; i++) {
                        snprintf(path, sizeof(path), "%s/f%ld", argv[2], i);
                        int fd = open(path, O_WRONLY | O_CREAT | how | O_CLOEXEC, 0644);
                        if (fd < 0)
                                return 1;
                        sink += write(fd, "0123456789abcdef0123456789abcdef", 32);
                        close(fd);
                }
                for (long i = 0; i < n; i++) {
                        snprintf(path, sizeof(path), "%s/f%ld", argv[2], i);
                        unlink(path);
                }
        } else {
                return 2;
        }
        printf("%lld\n", now() - t0);
        return sink == -1;
}
