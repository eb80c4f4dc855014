#pragma once
/*
 * Child processes the daemon waits for without blocking (ovs-vsctl): spawned
 * with an argument array, output captured, watched through a pidfd, killed
 * when their time is up. The callback runs in the event loop.
 */
#include "common/nd-err.h"
#include "netd/daemon/netd-daemon.h"

struct netd_job;
/* status: exit code, 128+signal; out: what it printed (at most 4 KiB, NUL-terminated) */
typedef void (*netd_job_done_fn)(struct netd *d, void *ctx, int status, char *out);

/* takes argv (freed with tapdev_argv_free) */
int netd_job_spawn(struct netd *d, char **argv, unsigned timeout_s, netd_job_done_fn done, void *ctx,
		   struct nd_err *err);
/* its pidfd is readable: it ended */
void netd_job_event(struct netd *d, struct netd_job *j);
/* kills jobs past their time; ms until the next deadline, or -1 */
int netd_jobs_tick(struct netd *d);
