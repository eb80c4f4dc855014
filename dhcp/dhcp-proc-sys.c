/* Starting dnsmasq: fork + execve with an argument array, never a shell. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhcp/dhcp.h"

extern char **environ;

/* every fd from lowest on but keep; close_range() is one syscall where a loop
 * over RLIMIT_NOFILE would be tens of thousands (milliseconds per start) */
static void close_from(int lowest, int keep)
{
	struct rlimit rl;

	if ((keep <= lowest || close_range((unsigned)lowest, (unsigned)keep - 1, 0) == 0) &&
	    close_range((unsigned)(keep >= lowest ? keep + 1 : lowest), ~0U, 0) == 0)
		return;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur > 65536)
		rl.rlim_cur = 65536;
	for (int fd = lowest; fd < (int)rl.rlim_cur; fd++)
		if (fd != keep)
			close(fd);
}

int dhcp_proc_spawn(char *const argv[], const char *log_path, pid_t *ret_pid, struct nd_err *err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	int status_pipe[2];
	sigset_t all;
	pid_t pid;
	ssize_t n;
	int child_errno = 0;

	if (log_fd < 0)
		return nd_err_set(err, -errno, log_path, "cannot open the dnsmasq log: %s", strerror(errno));
	/* close-on-exec pipe: EOF means execve succeeded, an int means it failed */
	if (pipe2(status_pipe, O_CLOEXEC) < 0) {
		int e = errno;

		close(log_fd);
		return nd_err_set(err, -e, "dnsmasq", "pipe: %s", strerror(e));
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(log_fd);
		close(status_pipe[0]);
		close(status_pipe[1]);
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
			child_errno = errno;
		else {
			close_from(3, status_pipe[1]);
			execve(argv[0], argv, envp);
			child_errno = errno;
		}
		n = write(status_pipe[1], &child_errno, sizeof(child_errno));
		(void)n;
		_exit(127);
	}
	close(log_fd);
	close(status_pipe[1]);
	do
		n = read(status_pipe[0], &child_errno, sizeof(child_errno));
	while (n < 0 && errno == EINTR);
	close(status_pipe[0]);
	if (n == sizeof(child_errno)) {
		waitpid(pid, NULL, 0);
		return nd_err_set(err, -child_errno, argv[0], "cannot execute dnsmasq: %s", strerror(child_errno));
	}
	*ret_pid = pid;
	return 0;
}
