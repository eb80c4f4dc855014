/*
 * dnsmasq supervision: one process per network, in the foreground, watched
 * through a pidfd (so a dnsmasq adopted after a daemon restart is watched the
 * same way). A crash is restarted at once; repeated crashes back off
 * (250 ms doubling to 30 s). Live host changes rewrite the hosts files and
 * send SIGHUP.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "dhcp/dhcp.h"
#include "netd/netd-log.h"
#include "netd/netd.h"

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 30000
#define STABLE_MS 10000 /* running this long resets the backoff */

static int write_text(struct netd *d, enum netd_path kind, const char *name, const char *text,
		      struct nd_err *err)
{
	char path[4096];

	netd_path(d, kind, name, path, sizeof(path));
	return nd_file_write_runtime(path, text, strlen(text), 0644, err);
}

static int write_hosts(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	_cleanup_free_ char *hosts = NULL, *addn = NULL;
	int r;

	if ((r = dhcp_hosts_render(n->live, &hosts, err)) < 0 ||
	    (r = dhcp_addnhosts_render(n->live, &addn, err)) < 0 ||
	    (r = write_text(d, NETD_PATH_DNSMASQ_HOSTS, n->live->name, hosts, err)) < 0 ||
	    (r = write_text(d, NETD_PATH_DNSMASQ_ADDN, n->live->name, addn, err)) < 0)
		return r;
	return 0;
}

int netd_dnsmasq_write_servers(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	return write_text(d, NETD_PATH_DNSMASQ_SERVERS, n->live->name, d->resolv_servers ? d->resolv_servers : "",
			  err);
}

static int write_files(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	char conf[4096], hosts[4096], addn[4096], leases[4096], servers[4096];
	struct dhcp_paths paths = { conf, hosts, addn, leases, NULL };
	_cleanup_free_ char *text = NULL;
	int r;

	if (n->live->dns.enable != NETDEF_NO) {
		netd_path(d, NETD_PATH_DNSMASQ_SERVERS, n->live->name, servers, sizeof(servers));
		if ((r = netd_dnsmasq_write_servers(d, n, err)) < 0)
			return r;
		paths.serversfile = servers;
	}
	netd_path(d, NETD_PATH_DNSMASQ_CONF, n->live->name, conf, sizeof(conf));
	netd_path(d, NETD_PATH_DNSMASQ_HOSTS, n->live->name, hosts, sizeof(hosts));
	netd_path(d, NETD_PATH_DNSMASQ_ADDN, n->live->name, addn, sizeof(addn));
	netd_path(d, NETD_PATH_LEASES, n->live->name, leases, sizeof(leases));
	if ((r = write_hosts(d, n, err)) < 0 ||
	    (r = dhcp_conf_render(n->live, n->bridge, &paths, &text, err)) < 0)
		return r;
	return nd_file_write_runtime(conf, text, strlen(text), 0644, err);
}

static int watch(struct netd *d, struct netd_net *n, pid_t pid, bool child, struct nd_err *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = pidfd_open(pid, 0);

	if (fd < 0)
		return nd_err_set(err, -errno, "dnsmasq", "pidfd_open(%d): %s", (int)pid, strerror(errno));
	n->dnsmasq_ev.kind = NETD_EV_DNSMASQ;
	n->dnsmasq_ev.ptr = n;
	ev.data.ptr = &n->dnsmasq_ev;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = errno;

		close(fd);
		return nd_err_set(err, -e, "dnsmasq", "epoll: %s", strerror(e));
	}
	n->dnsmasq_pid = pid;
	n->dnsmasq_pidfd = fd;
	n->dnsmasq_is_child = child;
	return 0;
}

static void unwatch(struct netd *d, struct netd_net *n)
{
	if (n->dnsmasq_pidfd >= 0) {
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, n->dnsmasq_pidfd, NULL);
		close(n->dnsmasq_pidfd);
	}
	n->dnsmasq_pidfd = -1;
	n->dnsmasq_pid = 0;
}

int netd_dnsmasq_start(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	char conf[4096], log[4096];
	char **argv = NULL;
	pid_t pid;
	int r;

	if ((r = write_files(d, n, err)) < 0)
		return r;
	netd_path(d, NETD_PATH_DNSMASQ_CONF, n->live->name, conf, sizeof(conf));
	netd_path(d, NETD_PATH_DNSMASQ_LOG, n->live->name, log, sizeof(log));
	if ((r = dhcp_argv_build(d->opts.dnsmasq_bin, conf, d->opts.dnsmasq_user, &argv, err)) < 0)
		return r;
	r = dhcp_proc_spawn(argv, log, &pid, err);
	dhcp_argv_free(argv);
	if (r < 0)
		return r;
	if ((r = watch(d, n, pid, true, err)) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	n->dnsmasq_started_ms = netd_now_ms();
	n->restart_at_ms = 0;
	return 0;
}

/* wait up to ms for the pidfd to become readable (the process ended) */
static bool wait_gone(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, ms) > 0;
}

void netd_dnsmasq_signal(struct netd_net *n)
{
	n->restart_at_ms = 0;
	if (n->dnsmasq_pid && n->dnsmasq_pidfd >= 0)
		pidfd_send_signal(n->dnsmasq_pidfd, SIGTERM, NULL, 0);
}

void netd_dnsmasq_stop(struct netd *d, struct netd_net *n)
{
	netd_dnsmasq_signal(n);
	if (!n->dnsmasq_pid || n->dnsmasq_pidfd < 0)
		return;
	if (!wait_gone(n->dnsmasq_pidfd, 2000)) {
		netd_log(NETD_LOG_WARN, netd_net_name(n), "dnsmasq %d ignored SIGTERM: killing it",
			 (int)n->dnsmasq_pid);
		pidfd_send_signal(n->dnsmasq_pidfd, SIGKILL, NULL, 0);
		wait_gone(n->dnsmasq_pidfd, 2000);
	}
	if (n->dnsmasq_is_child)
		waitpid(n->dnsmasq_pid, NULL, 0);
	unwatch(d, n);
}

void netd_dnsmasq_exited(struct netd *d, struct netd_net *n)
{
	long long now = netd_now_ms();
	int status = 0, code = -1;
	pid_t pid = n->dnsmasq_pid;

	if (n->dnsmasq_is_child && waitpid(pid, &status, WNOHANG) == pid)
		code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	unwatch(d, n);
	if (!n->active)
		return;
	if (code >= 0 && code < 128)
		netd_log(NETD_LOG_WARN, netd_net_name(n), "dnsmasq %d ended: %s", (int)pid, dhcp_exit_reason(code));
	else if (code >= 128)
		netd_log(NETD_LOG_WARN, netd_net_name(n), "dnsmasq %d killed by signal %d", (int)pid, code - 128);
	else
		netd_log(NETD_LOG_WARN, netd_net_name(n), "dnsmasq %d ended", (int)pid);
	if (now - n->dnsmasq_started_ms >= STABLE_MS)
		n->backoff_ms = 0;
	n->restart_at_ms = now + n->backoff_ms;
	n->backoff_ms = n->backoff_ms ? n->backoff_ms * 2 : BACKOFF_FIRST_MS;
	if (n->backoff_ms > BACKOFF_MAX_MS)
		n->backoff_ms = BACKOFF_MAX_MS;
}

int netd_dnsmasq_tick(struct netd *d)
{
	long long now = netd_now_ms(), next = -1;

	for (struct netd_net *n = d->nets; n; n = n->next) {
		struct nd_err err = { 0 };

		if (!n->restart_at_ms || !n->active)
			continue;
		if (n->restart_at_ms > now) {
			if (next < 0 || n->restart_at_ms - now < next)
				next = n->restart_at_ms - now;
			continue;
		}
		n->dnsmasq_restarts++;
		if (netd_dnsmasq_start(d, n, &err) < 0) {
			netd_log_err(netd_net_name(n), "restarting dnsmasq", &err);
			n->restart_at_ms = now + n->backoff_ms;
			n->backoff_ms = n->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : n->backoff_ms * 2;
			continue;
		}
		netd_log(NETD_LOG_INFO, netd_net_name(n), "dnsmasq restarted (pid %d, restart %u)",
			 (int)n->dnsmasq_pid, n->dnsmasq_restarts);
		netd_status_save(d, n, NULL);
	}
	return (int)next;
}

/* is pid a dnsmasq started with this network's configuration? */
static bool runs_our_conf(struct netd *d, const char *net, pid_t pid)
{
	char path[64], conf[4096], want[4200];
	_cleanup_free_ char *cmdline = NULL;
	bool ours = false;
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	netd_path(d, NETD_PATH_DNSMASQ_CONF, net, conf, sizeof(conf));
	snprintf(want, sizeof(want), "--conf-file=%s", conf);
	if (nd_file_read(path, 65536, &cmdline, &len, NULL) < 0)
		return false;
	for (size_t i = 0; i < len; i += strlen(cmdline + i) + 1)
		ours |= strcmp(cmdline + i, want) == 0;
	return ours;
}

pid_t netd_dnsmasq_find(struct netd *d, const char *net)
{
	DIR *dir = opendir("/proc");
	struct dirent *e;
	pid_t found = 0;

	while (dir && !found && (e = readdir(dir))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);

		if (*end == '\0' && pid > 1 && runs_our_conf(d, net, (pid_t)pid))
			found = (pid_t)pid;
	}
	if (dir)
		closedir(dir);
	return found;
}

bool netd_dnsmasq_adopt(struct netd *d, struct netd_net *n, pid_t pid)
{
	/* only a dnsmasq started with this network's configuration is ours */
	if (pid <= 0 || !runs_our_conf(d, n->live->name, pid) || watch(d, n, pid, false, NULL) < 0)
		return false;
	n->dnsmasq_started_ms = netd_now_ms();
	return true;
}

int netd_dnsmasq_reload(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	int r = write_hosts(d, n, err);

	if (r < 0)
		return r;
	if (n->dnsmasq_pidfd >= 0 && pidfd_send_signal(n->dnsmasq_pidfd, SIGHUP, NULL, 0) < 0)
		return nd_err_set(err, -errno, "dnsmasq", "cannot send SIGHUP: %s", strerror(errno));
	return 0;
}
