/*
 * Before dnsmasq starts: is a DNS/DHCP port taken by a wildcard listener in
 * this namespace? The error names the port, the address and the process, e.g.
 * "port 53 on 0.0.0.0 is held by pid 812 (named)". Other networks' dnsmasqs
 * (which bind only their bridges' addresses, and share 67 by design) never
 * count.
 */
#include <ctype.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dhcp/dhcp.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-net.h"
#include "netd/lib/netd-listeners.h"

static bool is_netd_dnsmasq(struct netd *d, pid_t pid)
{
	for (struct netd_net *n = d->nets; n; n = n->next)
		if (n->dnsmasq_pid == pid)
			return true;
	return false;
}

/*
 * One pass: 1 when a foreign process holds a port (err set), 0 when nothing
 * is in the way, -EAGAIN when a wildcard socket has no owner to be seen. A
 * dnsmasq that netd has just started binds 0.0.0.0:67 first and to its
 * bridge a moment later, and may close and reopen sockets meanwhile: such a
 * socket is looked at again before it counts.
 */
static int check_pass(struct netd *d, const struct netdef *def, struct nd_err *err)
{
	bool v6 = netdef_dhcp_ip(def, AF_INET6) != NULL;
	struct dhcp_port_holder *h = calloc(8192, sizeof(*h));
	int n = h ? netd_listeners_list(h, 8192) : 0, r = 0;

	for (int i = 0; i < n && r == 0; i++) {
		char comm[64] = "?";
		pid_t pid;

		if (!dhcp_port_conflicts(&h[i], v6) || (def->dns.enable == NETDEF_NO && h[i].port == 53))
			continue;
		pid = netd_socket_owner(h[i].inode, comm, sizeof(comm));
		if (pid && is_netd_dnsmasq(d, pid))
			continue;
		if (pid) {
			nd_err_set(err, -EADDRINUSE, def->name, "port %u%s on %s is held by pid %d (%s)", h[i].port,
				   h[i].tcp ? "/tcp" : "", h[i].ipv6 ? "::" : "0.0.0.0", (int)pid, comm);
			r = 1;
		} else {
			nd_err_set(err, -EADDRINUSE, def->name,
				   "port %u%s on %s is held by a socket of another namespace or user", h[i].port,
				   h[i].tcp ? "/tcp" : "", h[i].ipv6 ? "::" : "0.0.0.0");
			r = -EAGAIN;
		}
	}
	free(h);
	return r;
}

int netd_ports_check_free(struct netd *d, const struct netdef *def, struct nd_err *err)
{
	const struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };

	for (int pass = 0; pass < 20; pass++) { /* 200 ms at most, only while an owner is unseen */
		struct nd_err e = { 0 };
		int r = check_pass(d, def, &e);

		if (r == 0)
			return 0;
		if (r == 1 || pass == 19)
			return nd_err_set(err, e.code, e.where, "%s", e.msg);
		nanosleep(&pause, NULL);
	}
	return 0;
}

