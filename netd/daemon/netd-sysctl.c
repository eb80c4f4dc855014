/* The sysctls a network needs, in the network namespace netd runs in. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-net.h"

static int sysctl_write(const char *path, const char *value, bool optional, struct nd_err *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		if (optional && errno == ENOENT)
			return 0;
		return nd_err_set(err, -errno, path, "cannot open: %s", strerror(errno));
	}
	n = write(fd, value, strlen(value));
	close(fd);
	if (n < 0)
		return nd_err_set(err, -errno, path, "cannot write '%s': %s", value, strerror(errno));
	return 0;
}

int netd_sysctl_prepare(const struct netdef *def, const char *bridge, struct nd_err *err)
{
	bool v4 = false, v6 = false, forwards = def->forward.mode == NETDEF_FORWARD_NAT ||
						def->forward.mode == NETDEF_FORWARD_ROUTE;
	char path[256];
	int r;

	for (size_t i = 0; i < def->n_ips; i++) {
		v4 |= def->ips[i].family == AF_INET;
		v6 |= def->ips[i].family == AF_INET6;
	}
	if (forwards && v4 && (r = sysctl_write("/proc/sys/net/ipv4/ip_forward", "1", false, err)) < 0)
		return r;
	/* no IPv6 on the bridge unless the network has some (no link-local chatter) */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", bridge);
	if ((r = sysctl_write(path, v6 || def->ipv6 == NETDEF_YES ? "0" : "1", !v6, err)) < 0)
		return r;
	if (!v6)
		return 0;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", bridge);
	if ((r = sysctl_write(path, "0", false, err)) < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/autoconf", bridge);
	if ((r = sysctl_write(path, "0", false, err)) < 0)
		return r;
	if (forwards && (r = sysctl_write("/proc/sys/net/ipv6/conf/all/forwarding", "1", false, err)) < 0)
		return r;
	return 0;
}

/*
 * An Open vSwitch port in the userspace datapath is still a live kernel
 * interface: the host would answer ARP/NDP for its own addresses on it and
 * route the guests' traffic in through it, past the bridge's firewall
 * dispatch and NAT. Such a port must stay silent at layer 3.
 */
int netd_sysctl_port_quiet(const char *ifname, struct nd_err *err)
{
	char path[256];
	int r;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/arp_ignore", ifname);
	if ((r = sysctl_write(path, "8", false, err)) < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	return sysctl_write(path, "1", true, err);
}

/*
 * A TAP port of a Linux bridge needs no IPv6 of its own: the guests' IPv6 is
 * bridged at layer 2 all the same. Left on, each port that comes up gets a
 * link-local address and ff00::/8 and fe80::/64 routes of its own, which the
 * kernel files under one shared routing node, so that the Nth port costs O(N)
 * (fib6_add_rt2node: 18% of netd's port time at 1000 ports here). Set before
 * the port comes up.
 */
int netd_sysctl_port_no_ipv6(const char *ifname, struct nd_err *err)
{
	char path[256];

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", ifname);
	return sysctl_write(path, "1", true, err);
}
