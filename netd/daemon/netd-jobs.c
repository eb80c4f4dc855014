#include "netd/daemon/netd-jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tapdev/tapdev.h"

#define OUT_MAX 4096

struct netd_job {
	struct netd_job *next;
	pid_t pid;
	int pidfd, outfd;
	long long kill_at_ms;
	netd_job_done_fn done;
	void *ctx;
	size_t got;
	char out[OUT_MAX];
	struct netd_ev ev;
};

int netd_job_spawn(struct netd *d, char **argv, unsigned timeout_s, netd_job_done_fn done, void *ctx,
		   struct nd_err *err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	struct epoll_event ev = { .events = EPOLLIN };
	posix_spawn_file_actions_t fa;
	struct netd_job *j = calloc(1, sizeof(*j));
	int p[2] = { -1, -1 }, r;

	if (!j || pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		r = nd_err_set(err, j ? -errno : -ENOMEM, argv[0], "cannot prepare a child: %s", strerror(j ? errno : ENOMEM));
		free(j);
		tapdev_argv_free(argv);
		return r;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	r = posix_spawnp(&j->pid, argv[0], &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (r != 0) {
		close(p[0]);
		free(j);
		r = nd_err_set(err, -r, argv[0], "cannot execute: %s", strerror(r));
		tapdev_argv_free(argv);
		return r;
	}
	tapdev_argv_free(argv);
	j->outfd = p[0];
	j->pidfd = pidfd_open(j->pid, 0);
	j->kill_at_ms = netd_now_ms() + (long long)(timeout_s + 2) * 1000;
	j->done = done;
	j->ctx = ctx;
	j->ev.kind = NETD_EV_JOB;
	j->ev.ptr = j;
	ev.data.ptr = &j->ev;
	if (j->pidfd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, j->pidfd, &ev) < 0) {
		/* cannot watch it: wait for it here, the old way */
		int status = 0;

		waitpid(j->pid, &status, 0);
		j->got = (size_t)(read(j->outfd, j->out, OUT_MAX - 1) > 0 ? strlen(j->out) : 0);
		close(j->outfd);
		if (j->pidfd >= 0)
			close(j->pidfd);
		done(d, ctx, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), j->out);
		free(j);
		return 0;
	}
	/* only the pidfd is watched: one event source per job, so a job is never
	 * freed under a second event of the same batch; its output (ovs-vsctl
	 * prints a few lines, far below the pipe's 64 KiB) is read when it ends */
	j->next = d->jobs;
	d->jobs = j;
	return 0;
}

static void drain(struct netd_job *j)
{
	for (;;) {
		ssize_t n = read(j->outfd, j->out + j->got, OUT_MAX - 1 - j->got);

		if (n <= 0)
			return;
		j->got += (size_t)n;
		j->out[j->got] = '\0';
		if (j->got >= OUT_MAX - 1)
			j->got = 0; /* keep reading; the tail is what matters */
	}
}

void netd_job_event(struct netd *d, struct netd_job *j)
{
	siginfo_t si = { 0 };
	int status;

	drain(j);
	if (waitid(P_PIDFD, (id_t)j->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return; /* still running (the output was readable) */
	drain(j);
	status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
	for (struct netd_job **pp = &d->jobs; *pp; pp = &(*pp)->next) {
		if (*pp == j) {
			*pp = j->next;
			break;
		}
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, j->pidfd, NULL);
	close(j->pidfd);
	close(j->outfd);
	j->done(d, j->ctx, status, j->out);
	free(j);
}

int netd_jobs_tick(struct netd *d)
{
	long long now = netd_now_ms(), next = -1;

	for (struct netd_job *j = d->jobs; j; j = j->next) {
		if (j->kill_at_ms <= now) {
			pidfd_send_signal(j->pidfd, SIGKILL, NULL, 0);
			j->kill_at_ms = now + 60000; /* once */
		} else if (next < 0 || j->kill_at_ms - now < next) {
			next = j->kill_at_ms - now;
		}
	}
	return (int)next;
}
