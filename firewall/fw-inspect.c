/* Reading other tables' base chains (a NFT_MSG_GETCHAIN dump): their hooks
 * and policies tell whether someone else drops what netd's rules accept. */
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "firewall/fw.h"

struct dump {
	struct fw_base_chain *v;
	size_t n, cap;
	bool oom;
};

static const char *family_name(uint32_t f)
{
	switch (f) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_IPV6: return "ip6";
	case NFPROTO_INET: return "inet";
	case NFPROTO_BRIDGE: return "bridge";
	case NFPROTO_ARP: return "arp";
	case NFPROTO_NETDEV: return "netdev";
	default: return "?";
	}
}

static const char *hook_name(uint32_t h)
{
	static const char *const names[] = { "prerouting", "input", "forward", "output", "postrouting" };

	return h < 5 ? names[h] : "?";
}

static int on_chain(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct fw_base_chain *b;

	if (!c || nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	if (!nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM) ||
	    strcmp(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), FW_TABLE) == 0) {
		nftnl_chain_free(c);
		return MNL_CB_OK;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct fw_base_chain *v = realloc(d->v, cap * sizeof(*v));

		if (!v) {
			d->oom = true;
			nftnl_chain_free(c);
			return MNL_CB_ERROR;
		}
		d->v = v;
		d->cap = cap;
	}
	b = &d->v[d->n++];
	memset(b, 0, sizeof(*b));
	snprintf(b->family, sizeof(b->family), "%s", family_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY)));
	snprintf(b->table, sizeof(b->table), "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	snprintf(b->chain, sizeof(b->chain), "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	snprintf(b->hook, sizeof(b->hook), "%s", hook_name(nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM)));
	b->policy_drop = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) && nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) == NF_DROP;
	nftnl_chain_free(c);
	return MNL_CB_OK;
}

int fw_list_base_chains(struct fw_base_chain **ret, size_t *ret_n, struct nd_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct timeval tv = { .tv_sec = 5 };
	struct dump d = { 0 };
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	uint32_t portid, seq = 1;
	ssize_t n;
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = nd_err_set(err, -errno, "nftables", "cannot open a netfilter socket: %s", strerror(errno));
		if (nl)
			mnl_socket_close(nl);
		return r;
	}
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	portid = mnl_socket_get_portid(nl);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		r = nd_err_set(err, -errno, "nftables", "cannot ask for chains: %s", strerror(errno));
		goto out;
	}
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int cb = mnl_cb_run(buf, (size_t)n, seq, portid, on_chain, &d);

		if (cb <= MNL_CB_STOP) {
			if (cb < 0 && errno != ENOENT)
				r = nd_err_set(err, -errno, "nftables", "chain dump failed: %s", strerror(errno));
			break;
		}
	}
	if (n < 0)
		r = nd_err_set(err, -errno, "nftables", "chain dump: %s", strerror(errno));
out:
	mnl_socket_close(nl);
	if (d.oom && r == 0)
		r = nd_err_set(err, -ENOMEM, "nftables", "out of memory");
	if (r < 0) {
		free(d.v);
		return r;
	}
	*ret = d.v;
	*ret_n = d.n;
	return 0;
}
