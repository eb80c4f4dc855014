/*
 * Starting dnsmasq: posix_spawn with an argument array, never a shell.
 * glibc spawns with CLONE_VFORK: no copy of the daemon's page tables and fd
 * table state for a child that execs at once (a fork() cost ~6 ms at 300
 * networks here, growing with the daemon), and an exec failure comes back as
 * the return value.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dhcp/dhcp.h"

static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };

int dhcp_proc_spawn(char *const argv[], int log_fd, pid_t *ret_pid, struct nd_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	pid_t pid;
	int r;

	sigemptyset(&none);
	sigfillset(&all);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0)
		return nd_err_set(err, -r, "dnsmasq", "spawn setup: %s", strerror(r));
	if ((r = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return nd_err_set(err, -r, "dnsmasq", "spawn setup: %s", strerror(r));
	}
	/* stdin from /dev/null, output to the log; nothing else of netd's (its
	 * sockets, pidfds) reaches the child; own session: survives netd exiting,
	 * as the networks do; no blocked or caught signals */
	if ((r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, log_fd, 1)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, log_fd, 2)) != 0 ||
	    (r = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0 ||
	    (r = posix_spawnattr_setsigmask(&at, &none)) != 0 || (r = posix_spawnattr_setsigdefault(&at, &all)) != 0 ||
	    (r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0)
		nd_err_set(err, -r, "dnsmasq", "spawn setup: %s", strerror(r));
	else if ((r = posix_spawn(&pid, argv[0], &fa, &at, argv, envp)) != 0)
		nd_err_set(err, -r, argv[0], "cannot execute dnsmasq: %s", strerror(r));
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return -r;
	*ret_pid = pid;
	return 0;
}

int dhcp_proc_check(const char *binary, const char *conf_path, struct nd_err *err)
{
	char conf_arg[4200], out[4096], *line, *end;
	char *argv[] = { (char *)binary, "--test", conf_arg, NULL };
	int pipefd[2], status = 0, r;
	size_t got = 0;
	ssize_t k;
	pid_t pid;

	snprintf(conf_arg, sizeof(conf_arg), "--conf-file=%s", conf_path);
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return nd_err_set(err, -errno, "dnsmasq", "pipe: %s", strerror(errno));
	r = dhcp_proc_spawn(argv, pipefd[1], &pid, err);
	close(pipefd[1]);
	if (r < 0) {
		close(pipefd[0]);
		return r;
	}
	while (got < sizeof(out) - 1 && ((k = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0 ||
					 (k < 0 && errno == EINTR)))
		got += k > 0 ? (size_t)k : 0;
	out[got] = '\0';
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* dnsmasq's last line says what it did not take */
	for (end = out + strlen(out); end > out && (end[-1] == '\n' || end[-1] == ' '); end--)
		;
	*end = '\0';
	line = strrchr(out, '\n');
	line = line ? line + 1 : out;
	return nd_err_set(err, -EINVAL, "dnsmasq", "dnsmasq refuses the configuration (%s): %s",
			  WIFEXITED(status) ? dhcp_exit_reason(WEXITSTATUS(status)) : "killed",
			  *line ? line : "no message");
}
