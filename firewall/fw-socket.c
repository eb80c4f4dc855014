/*
 * One NETLINK_NETFILTER socket for the life of the process, shared by every
 * request and batch. Closing such a socket makes the kernel finish destroying
 * what the last commits released first (nf_tables' NETLINK_URELEASE handler
 * flushes its destroy work, which waits out an RCU grace period: 7-30 ms on
 * a busy machine). One socket per request paid that on every network start.
 */
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "firewall/fw-internal.h"

static struct mnl_socket *shared;
static uint32_t next_seq = 1;

/* what an earlier request left unread (an abandoned dump, late ACKs) */
static void drain(struct mnl_socket *nl)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	for (int i = 0; i < 100000; i++)
		if (recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT) <= 0)
			return;
}

struct mnl_socket *fw_socket(struct nd_err *err)
{
	struct timeval tv = { .tv_sec = 5 };
	int one = 1;

	if (shared) {
		drain(shared);
		return shared;
	}
	if (!(shared = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC))) {
		nd_err_set(err, -errno, "nftables", "cannot open a netfilter netlink socket: %s", strerror(errno));
		return NULL;
	}
	if (mnl_socket_bind(shared, 0, MNL_SOCKET_AUTOPID) < 0) {
		nd_err_set(err, -errno, "nftables", "cannot bind the netlink socket: %s", strerror(errno));
		mnl_socket_close(shared);
		shared = NULL;
		return NULL;
	}
	/* small ACKs; bounded wait: a kernel that never answers is an error, not a hang */
	setsockopt(mnl_socket_get_fd(shared), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(shared), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return shared;
}

uint32_t fw_socket_seq(void)
{
	if (++next_seq == 0)
		next_seq = 1;
	return next_seq;
}
