/*
 * Who holds the DNS/DHCP ports: lines of /proc/net/{udp,tcp,udp6,tcp6}
 * (pure parsing). A socket bound to the wildcard address on 53 (UDP, or TCP
 * listening), 67 or 547 keeps the network's dnsmasq from binding the
 * bridge's address.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/dhcp.h"

int dhcp_port_line_parse(const char *line, bool tcp, struct dhcp_port_holder *ret)
{
	char local[64];
	unsigned port, state;
	unsigned long inode;
	int n;

	/* "  0: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 12345 ..." */
	n = sscanf(line, " %*u: %63[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x %*x:%*x %*x:%*x %*x %*u %*u %lu", local, &port,
		   &state, &inode);
	if (n != 4)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	ret->port = port;
	ret->inode = inode;
	ret->tcp = tcp;
	ret->listening = !tcp || state == 0x0A; /* TCP_LISTEN */
	ret->wildcard = strspn(local, "0") == strlen(local);
	ret->ipv6 = strlen(local) == 32;
	return 0;
}

bool dhcp_port_conflicts(const struct dhcp_port_holder *h, bool dhcpv6)
{
	/* a socket bound to a device (each dnsmasq's DHCP socket is, to its own
	 * bridge) does not hold the port on a new bridge */
	if (!h->wildcard || !h->listening || h->bound_ifindex)
		return false;
	if (h->port == 53)
		return true;
	return !h->tcp && (h->port == 67 || (dhcpv6 && h->port == 547));
}
