/*
 * Docker's DOCKER-USER chain (table filter, ip and ip6; its documented place
 * for user rules): with Docker's FORWARD policy DROP, an accept in netd's own
 * table does not save the guests' traffic (every base chain on the hook must
 * accept). netd inserts "iifname BR accept" and "oifname BR accept" at the top
 * of DOCKER-USER, each carrying the comment "netd:NETWORK", and removes
 * exactly those on destroy. Nothing else in foreign tables is touched.
 */
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "firewall/fw-internal.h"

#define DOCKER_TABLE "filter"
#define DOCKER_CHAIN "DOCKER-USER"

int fw_docker_user_present(struct fw_conn *conn, int nfproto)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct mnl_socket *nl = fw_conn_socket(conn);
	struct nlmsghdr *nlh;
	int r = 0;

	if (!c) {
		nftnl_chain_free(c);
		return 0;
	}
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, (uint16_t)nfproto, NLM_F_ACK, fw_conn_seq(conn));
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, DOCKER_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, DOCKER_CHAIN);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0 && mnl_socket_recvfrom(nl, buf, sizeof(buf)) > 0) {
		nlh = (struct nlmsghdr *)buf;
		r = nlh->nlmsg_type != NLMSG_ERROR || ((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->error == 0;
	}
	return r;
}

static void set_comment(struct nftnl_rule *r, const char *net)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(128);
	char comment[96];

	snprintf(comment, sizeof(comment), "netd:%s", net);
	if (ud && nftnl_udata_put_strz(ud, NFTNL_UDATA_RULE_COMMENT, comment))
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
}

int fw_build_docker_user_insert(int nfproto, const char *bridge, const char *net, uint32_t seq,
				struct fw_batch *b, struct nd_err *err)
{
	void *at;

	if (fw_batch_start(b, seq) < 0)
		goto oom;
	for (int in = 0; in < 2; in++) {
		struct fw_rule fr;
		struct nlmsghdr *nlh;
		char what[96];

		if (fw_rule_init(&fr, DOCKER_CHAIN) < 0)
			goto oom;
		nftnl_rule_set_str(fr.r, NFTNL_RULE_TABLE, DOCKER_TABLE);
		nftnl_rule_set_u32(fr.r, NFTNL_RULE_FAMILY, (uint32_t)nfproto);
		fw_match_ifname(&fr, in, bridge);
		fw_verdict(&fr, NF_ACCEPT);
		set_comment(fr.r, net);
		snprintf(what, sizeof(what), "insert into %s filter DOCKER-USER: %s %s accept",
			 nfproto == NFPROTO_IPV4 ? "ip" : "ip6", in ? "iifname" : "oifname", bridge);
		if (fr.oom || !(at = fw_batch_msg(b, what))) {
			nftnl_rule_free(fr.r);
			goto oom;
		}
		/* no NLM_F_APPEND: the rule goes first in the chain, before Docker's RETURN */
		nlh = nftnl_nlmsg_build_hdr(at, NFT_MSG_NEWRULE, (uint16_t)nfproto, NLM_F_CREATE | NLM_F_ACK, b->seq_next++);
		nftnl_rule_nlmsg_build_payload(nlh, fr.r);
		b->len += nlh->nlmsg_len;
		nftnl_rule_free(fr.r);
	}
	if (fw_batch_finish(b) < 0)
		goto oom;
	return 0;
oom:
	fw_batch_free(b);
	return nd_err_set(err, -ENOMEM, net, "cannot build the DOCKER-USER batch: out of memory");
}

struct rule_dump {
	const char *want; /* "netd:NET", or "netd:" for any network */
	uint64_t handles[64];
	size_t n;
};

static int comment_cb(const struct nftnl_udata *attr, void *data)
{
	const struct nftnl_udata **tb = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT)
		tb[NFTNL_UDATA_RULE_COMMENT] = attr;
	return 0;
}

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	const struct nftnl_udata *tb[NFTNL_UDATA_RULE_MAX + 1] = { NULL };
	struct rule_dump *d = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	const void *ud;
	uint32_t len;

	if (r && nftnl_rule_nlmsg_parse(nlh, r) == 0 && (ud = nftnl_rule_get_data(r, NFTNL_RULE_USERDATA, &len)) &&
	    nftnl_udata_parse(ud, len, comment_cb, tb) >= 0 && tb[NFTNL_UDATA_RULE_COMMENT]) {
		const char *c = nftnl_udata_get(tb[NFTNL_UDATA_RULE_COMMENT]);
		size_t wl = strlen(d->want);

		if ((d->want[wl - 1] == ':' ? strncmp(c, d->want, wl) : strcmp(c, d->want)) == 0 &&
		    d->n < sizeof(d->handles) / sizeof(d->handles[0]))
			d->handles[d->n++] = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

/* handles of netd's rules for net in DOCKER-USER */
static int find_rules(struct fw_conn *c, int nfproto, struct rule_dump *d)
{
	return fw_rules_dump(c, (uint32_t)nfproto, DOCKER_TABLE, DOCKER_CHAIN, on_rule, d);
}

int fw_docker_user_count(struct fw_conn *c, int nfproto, const char *net)
{
	char want[96];
	struct rule_dump d = { .want = want };

	snprintf(want, sizeof(want), "netd:%s", net ? net : "");
	find_rules(c, nfproto, &d);
	return (int)d.n;
}

int fw_docker_user_remove(struct fw_conn *c, int nfproto, const char *net, uint32_t seq, struct nd_err *err)
{
	char want[96];
	struct rule_dump d = { .want = want };
	struct fw_batch b = { 0 };
	void *at;
	int r;

	snprintf(want, sizeof(want), "netd:%s", net);
	r = find_rules(c, nfproto, &d);
	if (r < 0 || d.n == 0)
		return r;
	if (fw_batch_start(&b, seq) < 0)
		goto oom;
	for (size_t i = 0; i < d.n; i++) {
		struct nftnl_rule *rule = nftnl_rule_alloc();
		struct nlmsghdr *nlh;

		if (!rule || !(at = fw_batch_msg(&b, "delete netd's rule from DOCKER-USER"))) {
			nftnl_rule_free(rule);
			goto oom;
		}
		nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, DOCKER_TABLE);
		nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, DOCKER_CHAIN);
		nftnl_rule_set_u64(rule, NFTNL_RULE_HANDLE, d.handles[i]);
		nlh = nftnl_nlmsg_build_hdr(at, NFT_MSG_DELRULE, (uint16_t)nfproto, NLM_F_ACK, b.seq_next++);
		nftnl_rule_nlmsg_build_payload(nlh, rule);
		b.len += nlh->nlmsg_len;
		nftnl_rule_free(rule);
	}
	if (fw_batch_finish(&b) < 0)
		goto oom;
	r = fw_batch_apply(c, &b, err);
	fw_batch_free(&b);
	return r;
oom:
	fw_batch_free(&b);
	return nd_err_set(err, -ENOMEM, net, "out of memory");
}
