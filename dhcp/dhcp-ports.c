/*
 * Who holds the DNS/DHCP ports: lines of /proc/net/{udp,tcp,udp6,tcp6}
 * (pure parsing). A socket bound to the wildcard address on 53 (UDP, or TCP
 * listening), 67 or 547 keeps the network's dnsmasq from binding the
 * bridge's address.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

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

size_t dhcp_port_filter_build(int family, const unsigned *ports, size_t n_ports, void *buf, size_t len)
{
	size_t alen = family == AF_INET ? 4 : 16;
	size_t cond = sizeof(struct inet_diag_bc_op) + sizeof(struct inet_diag_hostcond) + alen;
	size_t dev = sizeof(struct inet_diag_bc_op) + sizeof(uint32_t), jmp = sizeof(struct inet_diag_bc_op);
	size_t block = cond + dev + jmp, total = block * n_ports;
	unsigned char *b = buf;

	if (n_ports == 0 || total > len || total > 255)
		return 0;
	memset(buf, 0, total);
	for (size_t i = 0; i < n_ports; i++) {
		size_t at = i * block, next = i + 1 < n_ports ? (i + 1) * block : total + 4; /* past the end: reject */
		struct inet_diag_bc_op *op = (struct inet_diag_bc_op *)(b + at);
		struct inet_diag_hostcond *hc = (struct inet_diag_hostcond *)(op + 1);
		uint32_t ifindex = 0;

		*op = (struct inet_diag_bc_op){ INET_DIAG_BC_S_COND, (unsigned char)cond, (unsigned short)(next - at) };
		hc->family = (uint8_t)family;
		hc->prefix_len = (uint8_t)(alen * 8); /* the whole address: only the all-zero one matches */
		hc->port = (int)ports[i];
		op = (struct inet_diag_bc_op *)(b + at + cond);
		*op = (struct inet_diag_bc_op){ INET_DIAG_BC_DEV_COND, (unsigned char)dev,
						(unsigned short)(next - (at + cond)) };
		memcpy(op + 1, &ifindex, sizeof(ifindex));
		op = (struct inet_diag_bc_op *)(b + at + cond + dev);
		*op = (struct inet_diag_bc_op){ INET_DIAG_BC_JMP, (unsigned char)jmp,
						(unsigned short)(total - (at + cond + dev)) }; /* to the end: accept */
	}
	return total;
}
