/* Sends a batch on NETLINK_NETFILTER and reads one answer per message. */
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <string.h>
#include <sys/time.h>

#include "firewall/fw-internal.h"

static const char *note_for(const struct fw_batch *b, uint32_t seq)
{
	for (size_t i = 0; i < b->n_notes; i++)
		if (b->notes[i].seq == seq)
			return b->notes[i].what;
	return "unknown message";
}

int fw_batch_apply(struct fw_conn *c, const struct fw_batch *b, struct nd_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	size_t expected = b->n_notes >= 2 ? b->n_notes - 2 : 0, got = 0;
	struct mnl_socket *nl = fw_conn_socket(c);
	int first = 0;

	if (mnl_socket_sendto(nl, b->buf, b->len) < 0) {
		int e = errno;

		return nd_err_set(err, -e, "nftables", "cannot send the batch: %s", strerror(e));
	}
	while (got < expected) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			int e = errno == EAGAIN ? ETIMEDOUT : errno;

			return nd_err_set(err, -e, "nftables", "no answer for %zu of %zu messages: %s",
					  expected - got, expected, strerror(e));
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			const struct nlmsgerr *e;
			char where[128];

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			got++;
			e = mnl_nlmsg_get_payload(nlh);
			if (e->error == 0 || first)
				continue;
			first = e->error;
			snprintf(where, sizeof(where), "nft seq %u", nlh->nlmsg_seq);
			nd_err_set(err, e->error, where, "kernel refused '%s': %s",
				   note_for(b, nlh->nlmsg_seq), strerror(-e->error));
		}
	}
	return first;
}

int fw_table_exists(struct fw_conn *c, struct nd_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_table *t = nftnl_table_alloc();
	struct mnl_socket *nl = fw_conn_socket(c);
	struct nlmsghdr *nlh;
	int result = -EIO;
	ssize_t n;

	if (!t)
		return nd_err_set(err, -ENOMEM, "nftables", "out of memory");
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, NLM_F_ACK, fw_conn_seq(c));
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, FW_TABLE);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ||
	    (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) < 0) {
		result = nd_err_set(err, -errno, "nftables", "cannot query table: %s", strerror(errno));
	} else {
		nlh = (struct nlmsghdr *)buf;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			result = e->error == -ENOENT ? 0 : e->error == 0 ? 1 :
				 nd_err_set(err, e->error, "nftables", "cannot query table: %s",
					    strerror(-e->error));
		} else {
			result = 1;
		}
	}
	return result;
}

static int gen_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_gen *g = nftnl_gen_alloc();

	if (!g)
		return MNL_CB_ERROR;
	if (nftnl_gen_nlmsg_parse(nlh, g) == 0 && nftnl_gen_is_set(g, NFTNL_GEN_ID))
		*(uint32_t *)data = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
	nftnl_gen_free(g);
	return MNL_CB_OK;
}

int fw_ruleset_genid(struct fw_conn *c, uint32_t *ret, struct nd_err *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = fw_conn_socket(c);
	struct nlmsghdr *nlh;
	uint32_t id = 0, portid, seq = fw_conn_seq(c);
	bool got = false;
	ssize_t n;
	int r = 0;

	portid = mnl_socket_get_portid(nl);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, seq);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 || (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) < 0) {
		r = nd_err_set(err, -errno, "nftables", "cannot read the ruleset generation: %s", strerror(errno));
	} else {
		id = UINT32_MAX;
		r = mnl_cb_run(buf, (size_t)n, seq, portid, gen_cb, &id);
		got = r >= 0 && id != UINT32_MAX;
		r = got ? 0 : nd_err_set(err, r < 0 ? -errno : -EPROTO, "nftables", "no ruleset generation in the answer");
	}
	if (got)
		*ret = id;
	return r;
}
