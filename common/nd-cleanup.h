#pragma once
/* Scope-bound cleanup helpers (systemd style). fds start as -EBADF. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static inline void nd_freep(void *p)
{
	free(*(void **)p);
}

static inline void nd_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(nd_freep)
#define _cleanup_close_ _cleanup_(nd_closep)

#define TAKE_PTR(p)                            \
	({                                     \
		__typeof__(p) _tp_ = (p);      \
		(p) = NULL;                    \
		_tp_;                          \
	})
#define TAKE_FD(fd)                            \
	({                                     \
		int _tf_ = (fd);               \
		(fd) = -EBADF;                 \
		_tf_;                          \
	})

#define ND_ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
