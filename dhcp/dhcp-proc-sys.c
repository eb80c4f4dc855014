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
#include <unistd.h>

#include "dhcp/dhcp.h"

int dhcp_proc_spawn(char *const argv[], const char *log_path, pid_t *ret_pid, struct nd_err *err)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	pid_t pid;
	int r;

	if (log_fd < 0)
		return nd_err_set(err, -errno, log_path, "cannot open the dnsmasq log: %s", strerror(errno));
	sigemptyset(&none);
	sigfillset(&all);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0) {
		close(log_fd);
		return nd_err_set(err, -r, "dnsmasq", "spawn setup: %s", strerror(r));
	}
	if ((r = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		close(log_fd);
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
	close(log_fd);
	if (r != 0)
		return -r;
	*ret_pid = pid;
	return 0;
}
