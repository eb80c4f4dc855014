/*
 * dnsmasq supervision: one process per network, in the foreground, watched
 * through a pidfd (so a dnsmasq adopted after a daemon restart is watched the
 * same way). A start waits until dnsmasq says it serves, or takes its own
 * words as the error when it exits. A crash is restarted at once; repeated
 * crashes back off (250 ms doubling to 30 s). Live host changes rewrite the
 * hosts files and send SIGHUP. A stop only signals: the event loop reaps the
 * process (and kills it after 2 s), so no client waits for it.
 */
#include "netd/daemon/netd-dnsmasq.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
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
#include "netd/daemon/netd-dnsmasq-log.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-net.h"

#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 30000
#define STABLE_MS 10000 /* running this long resets the backoff */
#define STOP_GRACE_MS 2000
#define READY_WAIT_MS 3000

/* a dnsmasq told to stop: reaped by the event loop */
struct netd_reap {
	struct netd_reap *next;
	char net[NETDEF_NAME_MAX + 1];
	pid_t pid;
	int pidfd;
	bool child;
	bool killed;
	long long kill_at_ms;
	struct netd_ev ev;
};

int netd_dnsmasq_user_init(struct netd *d, struct nd_err *err)
{
	const char *name = d->opts.dnsmasq_user;
	struct passwd *pw = getpwnam(name ? name : "netd-dnsmasq");

	if (!pw && name)
		return nd_err_set(err, -ENOENT, "--dnsmasq-user", "no user '%s'", name);
	if (!pw) {
		if (!(pw = getpwnam("nobody")))
			return nd_err_set(err, -ENOENT, "dnsmasq user",
					  "neither user netd-dnsmasq nor nobody exists (make install creates netd-dnsmasq)");
		netd_log(NETD_LOG_WARN, NULL,
			 "user netd-dnsmasq does not exist: dnsmasq runs as nobody, which any process of that user "
			 "can signal (make install creates netd-dnsmasq)");
	}
	if (pw->pw_uid == 0 && !name)
		return nd_err_set(err, -EPERM, "dnsmasq user", "refusing to run dnsmasq as root");
	snprintf(d->dnsmasq_user, sizeof(d->dnsmasq_user), "%s", pw->pw_name);
	d->dnsmasq_uid = pw->pw_uid;
	d->dnsmasq_gid = pw->pw_gid;
	return 0;
}

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

struct conf_paths {
	char conf[4096], hosts[4096], addn[4096], leases[4096], servers[4096];
	struct dhcp_paths p;
};

static void conf_paths(struct netd *d, const struct netd_net *n, const struct netdef *def, struct conf_paths *c)
{
	netd_path(d, NETD_PATH_DNSMASQ_CONF, n->live->name, c->conf, sizeof(c->conf));
	netd_path(d, NETD_PATH_DNSMASQ_HOSTS, n->live->name, c->hosts, sizeof(c->hosts));
	netd_path(d, NETD_PATH_DNSMASQ_ADDN, n->live->name, c->addn, sizeof(c->addn));
	netd_path(d, NETD_PATH_LEASES, n->live->name, c->leases, sizeof(c->leases));
	netd_path(d, NETD_PATH_DNSMASQ_SERVERS, n->live->name, c->servers, sizeof(c->servers));
	c->p = (struct dhcp_paths){ c->conf, c->hosts, c->addn, c->leases,
				    def->dns.enable != NETDEF_NO ? c->servers : NULL };
}

static int write_files(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	_cleanup_free_ char *text = NULL;
	struct conf_paths c;
	int r;

	conf_paths(d, n, n->live, &c);
	if (c.p.serversfile && (r = netd_dnsmasq_write_servers(d, n, err)) < 0)
		return r;
	if ((r = write_hosts(d, n, err)) < 0 || (r = dhcp_conf_render(n->live, n->bridge, &c.p, &text, err)) < 0)
		return r;
	return nd_file_write_runtime(c.conf, text, strlen(text), 0644, err);
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

/* the last non-empty line of text (dnsmasq's own words), trimmed */
static void last_line(const char *text, char *buf, size_t len)
{
	const char *end = text + strlen(text), *start;

	while (end > text && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	start = end;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(buf, len, "%.*s", (int)(end - start), start);
}

/*
 * Until dnsmasq logs "started" (it has read its configuration and bound its
 * sockets) or exits. Its log is read from where it stood before the start.
 */
static int wait_ready(struct netd *d, struct netd_net *n, const char *log, off_t from, struct nd_err *err)
{
	char buf[4096] = "", line[512];
	_cleanup_close_ int logfd = open(log, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_close_ int ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	long long deadline = netd_now_ms() + READY_WAIT_MS;
	size_t got = 0;

	(void)d;
	if (ino >= 0)
		inotify_add_watch(ino, log, IN_MODIFY);
	for (;;) {
		struct pollfd p[2] = { { .fd = n->dnsmasq_pidfd, .events = POLLIN }, { .fd = ino, .events = POLLIN } };
		long long left = deadline - netd_now_ms();
		ssize_t k;
		int r;

		if (logfd >= 0 && got < sizeof(buf) - 1 &&
		    (k = pread(logfd, buf + got, sizeof(buf) - 1 - got, from + (off_t)got)) > 0) {
			got += (size_t)k;
			buf[got] = '\0';
		}
		if (strstr(buf, "started, version"))
			return 0;
		if (p[0].fd >= 0 && poll(p, 1, 0) > 0) {
			int status = 0, code = -1;

			if (n->dnsmasq_is_child && waitpid(n->dnsmasq_pid, &status, 0) == n->dnsmasq_pid)
				code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
			n->dnsmasq_is_child = false; /* reaped here */
			if (logfd >= 0 && got < sizeof(buf) - 1 &&
			    (k = pread(logfd, buf + got, sizeof(buf) - 1 - got, from + (off_t)got)) > 0)
				buf[got + (size_t)k] = '\0';
			last_line(buf, line, sizeof(line));
			return nd_err_set(err, -EIO, "dnsmasq", "dnsmasq exited at start (%s): %s",
					  code >= 0 && code < 128 ? dhcp_exit_reason(code) : "killed",
					  line[0] ? line : "no message");
		}
		if (left <= 0) {
			netd_log(NETD_LOG_WARN, netd_net_name(n), "dnsmasq %d said nothing within %d ms: taken as started",
				 (int)n->dnsmasq_pid, READY_WAIT_MS);
			return 0;
		}
		p[1].fd = ino;
		do
			r = poll(p, ino >= 0 ? 2 : 1, ino >= 0 ? (int)(left < 100 ? left : 100) : 2);
		while (r < 0 && errno == EINTR);
		if (ino >= 0 && (p[1].revents & POLLIN)) {
			char ev[4096];

			while (read(ino, ev, sizeof(ev)) > 0)
				;
		}
	}
}

int netd_dnsmasq_start(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	char conf[4096], log[4096], group[64] = "";
	struct group *gr = getgrgid(d->dnsmasq_gid);
	char **argv = NULL;
	struct stat st;
	off_t from = 0;
	pid_t pid;
	int r, log_fd;

	if ((r = write_files(d, n, err)) < 0)
		return r;
	netd_path(d, NETD_PATH_DNSMASQ_CONF, n->live->name, conf, sizeof(conf));
	netd_path(d, NETD_PATH_DNSMASQ_LOG, n->live->name, log, sizeof(log));
	if (gr)
		snprintf(group, sizeof(group), "%s", gr->gr_name);
	if ((r = dhcp_argv_build(d->opts.dnsmasq_bin, conf, d->dnsmasq_user[0] ? d->dnsmasq_user : NULL,
				 group[0] ? group : NULL, &argv, err)) < 0)
		return r;
	/* with the journal, dnsmasq's word on raw options comes from --test first */
	if (n->live->n_dnsmasq_options && d->dnsmasq_log_journal &&
	    (r = dhcp_proc_check(d->opts.dnsmasq_bin, conf, err)) < 0) {
		dhcp_argv_free(argv);
		return r;
	}
	if ((log_fd = netd_dnsmasq_log_open(d, n->live->name, err)) < 0) {
		dhcp_argv_free(argv);
		return log_fd;
	}
	if (!d->dnsmasq_log_journal && stat(log, &st) == 0)
		from = st.st_size;
	r = dhcp_proc_spawn(argv, log_fd, &pid, err);
	close(log_fd);
	dhcp_argv_free(argv);
	if (r < 0)
		return r;
	if ((r = watch(d, n, pid, true, err)) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	/*
	 * What netd generates passes dhcp_def_check and the checks before the
	 * start (ports, user, directories): dnsmasq takes it. Raw
	 * <dnsmasq:options> are the one thing it may refuse: then the start
	 * waits for dnsmasq's word (~5-15 ms) and fails with it. Otherwise an
	 * early exit is the supervisor's, logged with dnsmasq's last line.
	 */
	if (n->live->n_dnsmasq_options && !d->dnsmasq_log_journal && (r = wait_ready(d, n, log, from, err)) < 0) {
		unwatch(d, n);
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

static void reap_free(struct netd *d, struct netd_reap *r)
{
	for (struct netd_reap **pp = &d->reaping; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, r->pidfd, NULL);
	if (r->child)
		waitpid(r->pid, NULL, WNOHANG);
	close(r->pidfd);
	free(r);
}

void netd_dnsmasq_stop(struct netd *d, struct netd_net *n)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct netd_reap *r;

	n->restart_at_ms = 0;
	if (!n->dnsmasq_pid || n->dnsmasq_pidfd < 0)
		return;
	pidfd_send_signal(n->dnsmasq_pidfd, SIGTERM, NULL, 0);
	if (!(r = calloc(1, sizeof(*r)))) {
		/* no memory to remember it: wait for it here */
		if (!wait_gone(n->dnsmasq_pidfd, STOP_GRACE_MS))
			pidfd_send_signal(n->dnsmasq_pidfd, SIGKILL, NULL, 0);
		unwatch(d, n);
		return;
	}
	/* the pidfd moves from the network to the reaper */
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, n->dnsmasq_pidfd, NULL);
	snprintf(r->net, sizeof(r->net), "%s", netd_net_name(n));
	r->pid = n->dnsmasq_pid;
	r->pidfd = n->dnsmasq_pidfd;
	r->child = n->dnsmasq_is_child;
	r->kill_at_ms = netd_now_ms() + STOP_GRACE_MS;
	r->ev.kind = NETD_EV_REAP;
	r->ev.ptr = r;
	ev.data.ptr = &r->ev;
	epoll_ctl(d->epfd, EPOLL_CTL_ADD, r->pidfd, &ev);
	r->next = d->reaping;
	d->reaping = r;
	n->dnsmasq_pidfd = -1;
	n->dnsmasq_pid = 0;
	n->dnsmasq_is_child = false;
}

void netd_dnsmasq_reaped(struct netd *d, struct netd_reap *r)
{
	if (!wait_gone(r->pidfd, 0))
		return;
	reap_free(d, r);
}

void netd_dnsmasq_wait_stopped(struct netd *d, const char *net)
{
	for (struct netd_reap *r = d->reaping, *next; r; r = next) {
		next = r->next;
		if (strcmp(r->net, net) != 0)
			continue;
		if (!wait_gone(r->pidfd, (int)(r->kill_at_ms > netd_now_ms() ? r->kill_at_ms - netd_now_ms() : 0))) {
			pidfd_send_signal(r->pidfd, SIGKILL, NULL, 0);
			wait_gone(r->pidfd, 1000);
		}
		reap_free(d, r);
	}
}

void netd_dnsmasq_exited(struct netd *d, struct netd_net *n)
{
	long long now = netd_now_ms();
	int status = 0, code = -1;
	pid_t pid = n->dnsmasq_pid;

	if (n->dnsmasq_is_child && waitpid(pid, &status, WNOHANG) == pid)
		code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	unwatch(d, n);
	if (!netd_net_is_active(n))
		return;
	if (code >= 0 && code < 128) {
		char log[4096], tail[4096] = "", line[512];
		int fd;

		netd_path(d, NETD_PATH_DNSMASQ_LOG, netd_net_name(n), log, sizeof(log));
		if (d->dnsmasq_log_journal)
			snprintf(tail, sizeof(tail), "its log: journalctl -t dnsmasq@%s", netd_net_name(n));
		else if ((fd = open(log, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
			off_t end = lseek(fd, 0, SEEK_END);
			ssize_t k = pread(fd, tail, sizeof(tail) - 1, end > (off_t)sizeof(tail) - 1 ? end - (off_t)sizeof(tail) + 1 : 0);

			tail[k > 0 ? k : 0] = '\0';
			close(fd);
		}
		last_line(tail, line, sizeof(line));
		netd_log(NETD_LOG_WARN, netd_net_name(n), "dnsmasq %d ended: %s%s%s", (int)pid, dhcp_exit_reason(code),
			 line[0] ? ": " : "", line);
	}
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
	long long now = netd_now_ms(), next = netd_dnsmasq_log_trim(d);

	for (struct netd_reap *r = d->reaping; r; r = r->next) {
		if (r->killed)
			continue;
		if (r->kill_at_ms <= now) {
			netd_log(NETD_LOG_WARN, r->net, "dnsmasq %d ignored SIGTERM: killing it", (int)r->pid);
			pidfd_send_signal(r->pidfd, SIGKILL, NULL, 0);
			r->killed = true;
		} else if (next < 0 || r->kill_at_ms - now < next) {
			next = r->kill_at_ms - now;
		}
	}

	for (struct netd_net *n = d->nets; n; n = n->next) {
		struct nd_err err = { 0 };

		if (!n->restart_at_ms || !netd_net_is_active(n))
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
		n->dirty = true;
		netd_net_save(d, n, NULL);
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

int netd_dnsmasq_update(struct netd *d, struct netd_net *n, const struct netdef *old, struct nd_err *err)
{
	_cleanup_free_ char *before = NULL, *after = NULL;
	bool was = dhcp_needed(old), is = dhcp_needed(n->live);
	struct conf_paths a, b;
	int r;

	if (!is) {
		if (was)
			netd_dnsmasq_stop(d, n);
		return 0;
	}
	if (!was || !n->dnsmasq_pid)
		return netd_dnsmasq_start(d, n, err);
	conf_paths(d, n, old, &a);
	conf_paths(d, n, n->live, &b);
	if ((r = dhcp_conf_render(old, n->bridge, &a.p, &before, err)) < 0 ||
	    (r = dhcp_conf_render(n->live, n->bridge, &b.p, &after, err)) < 0)
		return r;
	if (strcmp(before, after) == 0)
		return netd_dnsmasq_reload(d, n, err);
	/* dnsmasq reads its configuration once: a changed one needs a new dnsmasq (libvirt restarts it too) */
	netd_dnsmasq_stop(d, n);
	netd_dnsmasq_wait_stopped(d, n->live->name);
	return netd_dnsmasq_start(d, n, err);
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
