/*
 * Upstream nameservers for every network's dnsmasq, from one place.
 *
 * A dnsmasq that reads /etc/resolv.conf itself watches it with an inotify
 * instance of its own, and the kernel allows 128 per user
 * (fs.inotify.max_user_instances): the 129th network's dnsmasq exits with
 * "failed to create inotify: Too many open files" (libvirt's do, in
 * `make bench`). netd reads the file instead, gives each dnsmasq the
 * nameservers as a servers-file (with no-resolv: no inotify needed) and
 * watches the file once. On a change it rewrites the servers files and sends
 * SIGHUP, on which dnsmasq reads them again.
 *
 * The watch is on the file's directory (the file is usually replaced, not
 * written in place) and, when the file is a symlink (systemd-resolved's
 * stub-resolv.conf), on its target's directory too.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "dhcp/dhcp.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-net.h"

#define WATCH_MASK (IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM)

/* the current server= lines; "" when the file is missing or names none */
static char *read_servers(const char *path)
{
	_cleanup_free_ char *text = NULL;
	char *out = NULL;
	size_t len;

	if (nd_file_read(path, 1 << 20, &text, &len, NULL) < 0)
		text = NULL;
	if (dhcp_servers_render(text ? text : "", &out, NULL) < 0)
		return NULL;
	return out;
}

static void add_dir_watch(int fd, const char *file)
{
	_cleanup_free_ char *copy = strdup(file);

	if (copy)
		inotify_add_watch(fd, dirname(copy), WATCH_MASK | IN_ONLYDIR);
}

void netd_resolv_init(struct netd *d)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &d->resolv_ev };
	char target[PATH_MAX];

	d->resolv_fd = -1;
	d->resolv_servers = read_servers(d->opts.resolv_conf);
	if ((d->resolv_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) < 0) {
		netd_log(NETD_LOG_WARN, NULL, "cannot watch %s (%s): dnsmasq keeps the nameservers of its start",
			 d->opts.resolv_conf, strerror(errno));
		return;
	}
	add_dir_watch(d->resolv_fd, d->opts.resolv_conf);
	if (realpath(d->opts.resolv_conf, target) && strcmp(target, d->opts.resolv_conf) != 0)
		add_dir_watch(d->resolv_fd, target);
	d->resolv_ev.kind = NETD_EV_RESOLV;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->resolv_fd, &ev) < 0) {
		close(d->resolv_fd);
		d->resolv_fd = -1;
	}
}

void netd_resolv_changed(struct netd *d)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char *now;
	unsigned sent = 0;

	/* drain: whatever changed in the watched directories, one re-read */
	while (read(d->resolv_fd, buf, sizeof(buf)) > 0)
		;
	if (!(now = read_servers(d->opts.resolv_conf)))
		return;
	if (d->resolv_servers && strcmp(now, d->resolv_servers) == 0) {
		free(now);
		return;
	}
	free(d->resolv_servers);
	d->resolv_servers = now;
	for (struct netd_net *n = d->nets; n; n = n->next) {
		struct nd_err err = { 0 };

		if (!netd_net_is_active(n) || !n->live || n->live->dns.enable == NETDEF_NO || n->dnsmasq_pidfd < 0)
			continue;
		if (netd_dnsmasq_write_servers(d, n, &err) < 0 || netd_dnsmasq_reload(d, n, &err) < 0)
			netd_log_err(netd_net_name(n), "passing on the new nameservers", &err);
		else
			sent++;
	}
	netd_log(NETD_LOG_INFO, NULL, "%s changed: new nameservers for %u dnsmasq", d->opts.resolv_conf, sent);
}
