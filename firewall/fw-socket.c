/*
 * A connection to nf_tables: one NETLINK_NETFILTER socket and its sequence
 * numbers, opened by whoever applies rules (the daemon once for its life,
 * doctor for its checks) and passed to every request. Keep it open: closing
 * such a socket makes the kernel finish destroying what the last commits
 * released first (nf_tables' NETLINK_URELEASE handler flushes its destroy
 * work, which waits out an RCU grace period: 7-30 ms on a busy machine). One
 * socket per request paid that on every network start.
 */
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <stdlib.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "firewall/fw-internal.h"

int fw_conn_open(struct fw_conn **ret, struct nd_err *err)
{
	struct timeval tv = { .tv_sec = 5 };
	struct fw_conn *c = calloc(1, sizeof(*c));
	int one = 1;

	if (!c)
		return nd_err_set(err, -ENOMEM, "nftables", "out of memory");
	if (!(c->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC))) {
		int e = errno;

		free(c);
		return nd_err_set(err, -e, "nftables", "cannot open a netfilter netlink socket: %s", strerror(e));
	}
	if (mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		fw_conn_close(c);
		return nd_err_set(err, -e, "nftables", "cannot bind the netlink socket: %s", strerror(e));
	}
	/* small ACKs; bounded wait: a kernel that never answers is an error, not a hang */
	setsockopt(mnl_socket_get_fd(c->nl), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	c->seq = 1;
	*ret = c;
	return 0;
}

struct fw_conn *fw_conn_close(struct fw_conn *c)
{
	if (c) {
		if (c->nl)
			mnl_socket_close(c->nl);
		free(c);
	}
	return NULL;
}

/* the socket, with what an earlier request left unread (an abandoned dump, late ACKs) drained */
struct mnl_socket *fw_conn_socket(struct fw_conn *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	for (int i = 0; i < 100000; i++)
		if (recv(mnl_socket_get_fd(c->nl), buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			break;
	return c->nl;
}

uint32_t fw_conn_seq(struct fw_conn *c)
{
	if (++c->seq == 0)
		c->seq = 1;
	return c->seq;
}
