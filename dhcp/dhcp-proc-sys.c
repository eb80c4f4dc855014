/* Starting dnsmasq: fork + execve with an argument array, never a shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dhcp/dhcp.h"

extern char **environ;

static void close_from(int lowest)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (int fd = lowest; fd < (int)rl.rlim_cur; fd++)
		close(fd);
}

int dhcp_proc_spawn(char *const argv[], const char *log_path, pid_t *ret_pid, struct nd_err *err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	sigset_t all;
	pid_t pid;

	if (log_fd < 0)
		return nd_err_set(err, -errno, log_path, "cannot open the dnsmasq log: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(log_fd);
		return nd_err_set(err, -e, "dnsmasq", "fork failed: %s", strerror(e));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		/* own session: survives netd exiting, as the networks do */
		setsid();
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
		if (null < 0 || dup2(null, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0)
			_exit(127);
		close_from(3);
		execve(argv[0], argv, envp);
		dprintf(2, "netd: cannot execute %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(log_fd);
	*ret_pid = pid;
	return 0;
}
