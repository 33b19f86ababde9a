/* Cleanup by scope (GCC/clang cleanup attribute): every early return is leak-free. */
#ifndef SANDBOX_CLEANUP_H
#define SANDBOX_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void sb_freep(void *p)
{
        free(*(void **)p);
}
static inline void sb_closep(int *fd)
{
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}
static inline void sb_fclosep(FILE **f)
{
        if (*f != NULL)
                fclose(*f);
}

#define _cleanup_free_   __attribute__((cleanup(sb_freep)))
#define _cleanup_close_  __attribute__((cleanup(sb_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(sb_fclosep)))

/* Hands ownership out of a cleanup variable. */
#define SB_STEAL_PTR(p)                                                                            \
        ({                                                                                         \
                __typeof__(p) _tmp = (p);                                                          \
                (p) = NULL;                                                                        \
                _tmp;                                                                              \
        })
#define SB_STEAL_FD(fd)                                                                            \
        ({                                                                                         \
                int _tmp = (fd);                                                                   \
                (fd) = -1;                                                                         \
                _tmp;                                                                              \
        })

#endif
