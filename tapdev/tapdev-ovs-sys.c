/* Running ovs-vsctl: execve with an argument array, output captured, bounded in time. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tapdev/tapdev.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tapdev_ovs_run(char *const *argv, unsigned timeout_s, int *ret_status, struct nd_err *err)
{
	char out[1024];

	return tapdev_ovs_run_out(argv, timeout_s, ret_status, out, sizeof(out), err);
}

int tapdev_ovs_run_out(char *const *argv, unsigned timeout_s, int *ret_status, char *out, size_t outlen,
		       struct nd_err *err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	size_t got = 0;
	long long deadline;
	int p[2], status = 0;
	pid_t pid;

	*ret_status = -1;
	out[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return nd_err_set(err, -errno, "ovs-vsctl", "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return nd_err_set(err, -errno, "ovs-vsctl", "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(127);
		if (strchr(argv[0], '/'))
			execve(argv[0], argv, envp);
		else
			execvpe(argv[0], argv, envp);
		dprintf(2, "cannot execute %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	/* ovs-vsctl has its own --timeout; this bound holds even if it hangs */
	deadline = now_ms() + (long long)(timeout_s + 2) * 1000;
	for (;;) {
		struct pollfd pf = { .fd = p[0], .events = POLLIN };
		long long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0) {
			kill(pid, SIGKILL);
			snprintf(out, outlen, "no answer within %u s", timeout_s + 2);
			break;
		}
		if (poll(&pf, 1, (int)left) <= 0)
			continue;
		n = read(p[0], out + got, outlen - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		out[got] = '\0';
		if (got >= outlen - 1)
			got = 0; /* keep the tail */
	}
	close(p[0]);
	waitpid(pid, &status, 0);
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return tapdev_ovs_result(argv[0], *ret_status, out, timeout_s, err);
}

int tapdev_ovs_result(const char *argv0, int status, char *out, unsigned timeout_s, struct nd_err *err)
{
	size_t got = strlen(out);

	if (status == 0)
		return 0;
	while (got && (out[got - 1] == '\n' || out[got - 1] == ' '))
		out[--got] = '\0';
	if (status == 2 && !out[0]) /* br-exists: no such bridge */
		return -ENOENT;
	if (status == 128 + SIGALRM || status == 128 + SIGKILL || strstr(out, "no answer"))
		/* ovs-vsctl's --timeout: the database took the change, no switch applied it */
		return nd_err_set(err, -ETIMEDOUT, argv0,
				  "no answer within %u s: is ovs-vswitchd running?", timeout_s);
	return nd_err_set(err, -EIO, argv0, "failed (exit %d): %s%s", status,
			  out[0] ? out : "no output",
			  strstr(out, "database connection failed") ? " (is ovsdb-server running?)" : "");
}

int tapdev_ovs_kernel_datapath(void)
{
	struct stat st;

	return stat("/sys/module/openvswitch", &st) == 0 ? 1 : 0;
}
