/* Reading other tables' base chains (NFT_MSG_GETCHAIN dumps): their hooks
 * and policies tell whether someone else drops what netd's rules accept.
 * A table dump comes first, so that only families with a table other than
 * netd's are asked for their chains: netd's own chains (four per network) are
 * never read, and a start costs the same with 1 or 1000 networks. */
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "common/nd-cleanup.h"
#include "firewall/fw-internal.h"

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

/* a rule without a match that ends in drop or reject: it drops whatever reaches it */
static int expr_kind(struct nftnl_expr *e, void *data)
{
	int *state = data; /* 0 plain so far, 1 drops, -1 has a match or something else */
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

	if (strcmp(name, "counter") == 0 || strcmp(name, "log") == 0 || strcmp(name, "limit") == 0)
		return 0;
	if (strcmp(name, "reject") == 0 ||
	    (strcmp(name, "immediate") == 0 && nftnl_expr_is_set(e, NFTNL_EXPR_IMM_VERDICT) &&
	     (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT) == NF_DROP))
		*state = *state == 0 ? 1 : *state;
	else
		*state = -1;
	return 0;
}

struct rule_scan {
	bool found;
	unsigned long long handle;
};

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct rule_scan *rs = data;
	struct nftnl_rule *r = nftnl_rule_alloc();
	int state = 0;

	if (r && nftnl_rule_nlmsg_parse(nlh, r) == 0) {
		nftnl_expr_foreach(r, expr_kind, &state);
		if (state == 1 && !rs->found) {
			rs->found = true;
			rs->handle = nftnl_rule_get_u64(r, NFTNL_RULE_HANDLE);
		}
	}
	nftnl_rule_free(r);
	return MNL_CB_OK;
}

int fw_rules_dump(struct fw_conn *c, uint32_t family, const char *table, const char *chain,
		  mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct mnl_socket *nl = fw_conn_socket(c);
	uint32_t portid = mnl_socket_get_portid(nl), seq = fw_conn_seq(c);
	struct nlmsghdr *nlh;
	ssize_t n;

	if (!r)
		return -ENOMEM;
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, (uint16_t)family, NLM_F_DUMP, seq);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0)
		if (mnl_cb_run(buf, (size_t)n, seq, portid, cb, data) <= MNL_CB_STOP)
			break;
	return 0;
}

static void scan_rules(struct fw_conn *c, uint32_t family, struct fw_base_chain *b)
{
	struct rule_scan rs = { 0 };

	fw_rules_dump(c, family, b->table, b->chain, on_rule, &rs);
	b->drop_rule = rs.found;
	b->drop_rule_handle = rs.handle;
}

static uint32_t family_of(const char *name)
{
	return strcmp(name, "ip") == 0 ? NFPROTO_IPV4 : strcmp(name, "ip6") == 0 ? NFPROTO_IPV6 :
	       strcmp(name, "inet") == 0 ? NFPROTO_INET : strcmp(name, "bridge") == 0 ? NFPROTO_BRIDGE :
	       strcmp(name, "arp") == 0 ? NFPROTO_ARP : NFPROTO_NETDEV;
}

/* bit (1 << family) for each family that has a table other than inet netd */
static int on_table(const struct nlmsghdr *nlh, void *data)
{
	struct nftnl_table *t = nftnl_table_alloc();
	unsigned *mask = data;

	if (t && nftnl_table_nlmsg_parse(nlh, t) == 0) {
		uint32_t f = nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY);

		if (f < 32 && !(f == NFPROTO_INET && strcmp(nftnl_table_get_str(t, NFTNL_TABLE_NAME), FW_TABLE) == 0))
			*mask |= 1u << f;
	}
	nftnl_table_free(t);
	return MNL_CB_OK;
}

/* one dump request and its answers; 0, or <0 with err set */
static int dump_run(struct fw_conn *c, uint16_t type, uint32_t family, mnl_cb_t cb, void *data,
		    struct nd_err *err)
{
	uint32_t seq = fw_conn_seq(c);
	struct mnl_socket *nl = fw_conn_socket(c);
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	uint32_t portid = mnl_socket_get_portid(nl);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, type, (uint16_t)family, NLM_F_DUMP, seq);
	ssize_t n;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return nd_err_set(err, -errno, "nftables", "cannot ask for a dump: %s", strerror(errno));
	while ((n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) > 0) {
		int r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);

		if (r <= MNL_CB_STOP) {
			if (r < 0 && errno != ENOENT)
				return nd_err_set(err, -errno, "nftables", "dump failed: %s", strerror(errno));
			return 0;
		}
	}
	return nd_err_set(err, n < 0 ? -errno : -EPROTO, "nftables", "dump: %s", n < 0 ? strerror(errno) : "closed");
}

int fw_list_base_chains(struct fw_conn *c, struct fw_base_chain **ret, size_t *ret_n, struct nd_err *err)
{
	static const uint32_t families[] = { NFPROTO_INET, NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_ARP,
					     NFPROTO_BRIDGE, NFPROTO_NETDEV };
	struct dump d = { 0 };
	unsigned mask = 0;
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	r = dump_run(c, NFT_MSG_GETTABLE, NFPROTO_UNSPEC, on_table, &mask, err);
	for (size_t i = 0; r == 0 && i < ND_ELEMENTSOF(families); i++)
		if (mask & (1u << families[i]))
			r = dump_run(c, NFT_MSG_GETCHAIN, families[i], on_chain, &d, err);
	/* the rules of the forward and input chains: does one drop everything? */
	for (size_t i = 0; r == 0 && i < d.n; i++)
		if (!d.v[i].policy_drop && (strcmp(d.v[i].hook, "forward") == 0 || strcmp(d.v[i].hook, "input") == 0))
			scan_rules(c, family_of(d.v[i].family), &d.v[i]);
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
