/*
 * Builds the batches. Layout of table inet netd:
 *
 *   chain forward     { type filter hook forward priority 0;
 *                       oifname vmap @fwd_oif; iifname vmap @fwd_iif }
 *   chain input       { type filter hook input priority 0; iifname vmap @in_iif;
 *                       ip daddr @svc4 udp dport { 53, 67 } drop; ip daddr @svc4 tcp dport 53 drop;
 *                       ip6 daddr @svc6 udp dport { 53, 547 } drop; ip6 daddr @svc6 tcp dport 53 drop }
 *   chain postrouting { type nat hook postrouting priority 100; iifname vmap @nat_iif }
 *   map fwd_oif/fwd_iif/in_iif/nat_iif { ifname : verdict }   bridge -> jump <net>-...
 *   set svc4/svc6 { ipv4_addr / ipv6_addr }   every network's bridge addresses
 *   chain <net>-fwd-in, <net>-fwd-out, <net>-input, <net>-nat   (per network)
 *
 * DNS and DHCP answer on the network's own bridge only, as with libvirt
 * (CVE-2012-3411: a resolver reachable from the uplink is an open one): a
 * network's input chain accepts them from its bridge, and whatever else
 * reaches a bridge address on those ports (another interface, the uplink) is
 * dropped by the rules after the dispatch. dnsmasq itself binds the bridge's
 * addresses (bind-interfaces), which does not look at where a query came in.
 *
 * A packet meets at most two map lookups (hash, O(1)) whatever the number
 * of networks, then only its own network's handful of rules.
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "common/nd-cleanup.h"
#include "firewall/fw-internal.h"

#define FW_IFNAME_TYPE 41 /* nft's datatype id for ifname, shown by `nft list` */
#define FW_IPADDR_TYPE 7
#define FW_IP6ADDR_TYPE 8

struct base_chain {
	const char *name, *type;
	uint32_t hook;
	int32_t prio;
};

static const struct base_chain base_chains[] = {
	{ "forward", "filter", NF_INET_FORWARD, 0 },
	{ "input", "filter", NF_INET_LOCAL_IN, 0 },
	{ "postrouting", "nat", NF_INET_POST_ROUTING, 100 },
};

/* map name, keyed on input (true) or output interface, base chain, per-network chain kind */
struct dispatch {
	const char *map;
	bool in;
	const char *base;
	const char *kind;
};

static const struct dispatch dispatches[] = {
	{ "fwd_oif", false, "forward", "fwd-in" },   /* towards the guests */
	{ "fwd_iif", true, "forward", "fwd-out" },   /* from the guests */
	{ "in_iif", true, "input", "input" },        /* guests to the host */
	{ "nat_iif", true, "postrouting", "nat" },   /* guests' traffic leaving */
};

int fw_chain_name(const char *net, const char *kind, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s-%s", net, kind);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int fw_network_has_rules(const struct netdef *def)
{
	if (def->ovn.present) /* OVN does its NAT and filtering itself */
		return 0;
	return def->forward.mode == NETDEF_FORWARD_NAT || def->forward.mode == NETDEF_FORWARD_ROUTE ||
	       def->forward.mode == NETDEF_FORWARD_NONE;
}

/* which per-network chains this mode uses */
static bool uses_kind(const struct netdef *def, const char *kind)
{
	if (!fw_network_has_rules(def))
		return false;
	if (strcmp(kind, "nat") == 0)
		return def->forward.mode == NETDEF_FORWARD_NAT;
	return true;
}


static int add_table(struct fw_batch *b, uint16_t type, uint16_t flags)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	void *at;

	if (!t || !(at = fw_batch_msg(b, type == NFT_MSG_DELTABLE ? "delete table inet netd" : "table inet netd"))) {
		nftnl_table_free(t);
		return -ENOMEM;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, FW_TABLE);
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
	nlh = nftnl_nlmsg_build_hdr(at, type, NFPROTO_INET, flags | NLM_F_ACK, b->seq_next++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	b->len += nlh->nlmsg_len;
	nftnl_table_free(t);
	return 0;
}

static int add_chain(struct fw_batch *b, uint16_t type, const char *name, const struct base_chain *base)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	char what[96];
	void *at;

	snprintf(what, sizeof(what), "%s chain %s", type == NFT_MSG_DELCHAIN ? "delete" : "add", name);
	if (!c || !(at = fw_batch_msg(b, what))) {
		nftnl_chain_free(c);
		return -ENOMEM;
	}
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, FW_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
	if (base && type == NFT_MSG_NEWCHAIN) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, base->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, base->prio);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, base->type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = nftnl_nlmsg_build_hdr(at, type, NFPROTO_INET,
				    (type == NFT_MSG_NEWCHAIN ? NLM_F_CREATE : 0) | NLM_F_ACK, b->seq_next++);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	b->len += nlh->nlmsg_len;
	nftnl_chain_free(c);
	return 0;
}

/* DELRULE with only table+chain: flush the chain */
static int flush_chain(struct fw_batch *b, const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	char what[96];
	void *at;

	snprintf(what, sizeof(what), "flush chain %s", chain);
	if (!r || !(at = fw_batch_msg(b, what))) {
		nftnl_rule_free(r);
		return -ENOMEM;
	}
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, FW_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nlh = nftnl_nlmsg_build_hdr(at, NFT_MSG_DELRULE, NFPROTO_INET, NLM_F_ACK, b->seq_next++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	b->len += nlh->nlmsg_len;
	nftnl_rule_free(r);
	return 0;
}

static int add_map(struct fw_batch *b, const char *name, uint32_t id)
{
	struct nftnl_udata_buf *ud;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	char what[96];
	void *at;

	snprintf(what, sizeof(what), "add map %s", name);
	if (!s || !(at = fw_batch_msg(b, what))) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, FW_IFNAME_TYPE);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, 16);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, NFT_DATA_VERDICT);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	/* tell nft the key is a host-order string, so `nft list` shows "virbr0" */
	ud = nftnl_udata_buf_alloc(64);
	if (ud && nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, 1 /* host endian */))
		nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud), nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	nlh = nftnl_nlmsg_build_hdr(at, NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK,
				    b->seq_next++);
	nftnl_set_nlmsg_build_payload(nlh, s);
	b->len += nlh->nlmsg_len;
	nftnl_set_free(s);
	return 0;
}

static int map_elem(struct fw_batch *b, uint16_t type, const char *map, const char *ifname,
		    const char *chain)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	char key[16] = { 0 }, what[96];
	struct nlmsghdr *nlh;
	void *at;

	snprintf(what, sizeof(what), "%s element %s : jump %s in map %s",
		 type == NFT_MSG_DELSETELEM ? "delete" : "add", ifname, chain, map);
	if (!s || !e || !(at = fw_batch_msg(b, what))) {
		nftnl_set_elem_free(e);
		nftnl_set_free(s);
		return -ENOMEM;
	}
	strncpy(key, ifname, sizeof(key) - 1);
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, map);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, sizeof(key));
	if (type == NFT_MSG_NEWSETELEM) {
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, (uint32_t)NFT_JUMP);
		nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, chain);
	}
	nftnl_set_elem_add(s, e);
	nlh = nftnl_nlmsg_build_hdr(at, type, NFPROTO_INET,
				    (type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0) | NLM_F_ACK, b->seq_next++);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	b->len += nlh->nlmsg_len;
	nftnl_set_free(s); /* frees the element too */
	return 0;
}

/* the sets of the networks' bridge addresses, by family */
struct svc_set {
	const char *name;
	int family;
	uint32_t type, len;
	uint16_t dhcp_port;
};

static const struct svc_set svc_sets[] = {
	{ "svc4", AF_INET, FW_IPADDR_TYPE, 4, 67 },
	{ "svc6", AF_INET6, FW_IP6ADDR_TYPE, 16, 547 },
};

static const struct svc_set *svc_set_of(int family)
{
	return &svc_sets[family == AF_INET ? 0 : 1];
}

static int add_addr_set(struct fw_batch *b, const struct svc_set *set, uint32_t id)
{
	struct nftnl_set *s = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	char what[96];
	void *at;

	snprintf(what, sizeof(what), "add set %s", set->name);
	if (!s || !(at = fw_batch_msg(b, what))) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, set->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, set->type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, set->len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, id);
	nlh = nftnl_nlmsg_build_hdr(at, NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE | NLM_F_ACK, b->seq_next++);
	nftnl_set_nlmsg_build_payload(nlh, s);
	b->len += nlh->nlmsg_len;
	nftnl_set_free(s);
	return 0;
}

static int addr_elem(struct fw_batch *b, uint16_t type, const struct netdef_addr *a)
{
	const struct svc_set *set = svc_set_of(a->family);
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();
	char what[96], text[64];
	struct nlmsghdr *nlh;
	void *at;

	snprintf(what, sizeof(what), "%s element %s in set %s", type == NFT_MSG_DELSETELEM ? "delete" : "add",
		 netdef_addr_format(a, text, sizeof(text)), set->name);
	if (!s || !e || !(at = fw_batch_msg(b, what))) {
		nftnl_set_elem_free(e);
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_set_set_str(s, NFTNL_SET_TABLE, FW_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, set->name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, a->bytes, set->len);
	nftnl_set_elem_add(s, e);
	nlh = nftnl_nlmsg_build_hdr(at, type, NFPROTO_INET, (type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0) | NLM_F_ACK,
				    b->seq_next++);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	b->len += nlh->nlmsg_len;
	nftnl_set_free(s);
	return 0;
}

/* after the dispatch: DNS/DHCP to a bridge address that its own network did not accept */
static int add_svc_drops(struct fw_batch *b)
{
	for (size_t i = 0; i < ND_ELEMENTSOF(svc_sets); i++) {
		const struct { uint8_t proto; uint16_t port; } what[] = {
			{ IPPROTO_UDP, 53 }, { IPPROTO_TCP, 53 }, { IPPROTO_UDP, svc_sets[i].dhcp_port },
		};

		for (size_t j = 0; j < ND_ELEMENTSOF(what); j++) {
			struct fw_rule fr;
			char note[96];
			int r;

			if (fw_rule_init(&fr, "input") < 0)
				return -ENOMEM;
			fw_match_nfproto(&fr, svc_sets[i].family);
			fw_match_addr_set(&fr, FW_DST, svc_sets[i].family, svc_sets[i].name);
			fw_match_l4proto(&fr, what[j].proto);
			fw_match_dport(&fr, what[j].port);
			fw_verdict(&fr, NF_DROP);
			snprintf(note, sizeof(note), "rule input: daddr @%s %s dport %u drop", svc_sets[i].name,
				 what[j].proto == IPPROTO_UDP ? "udp" : "tcp", what[j].port);
			if ((r = fw_batch_add_rule(b, &fr, note)) < 0)
				return r;
		}
	}
	return 0;
}

static int build_skeleton(struct fw_batch *b, bool dispatch)
{
	int r;

	if ((r = add_table(b, NFT_MSG_NEWTABLE, NLM_F_CREATE)) < 0)
		return r;
	for (size_t i = 0; i < sizeof(base_chains) / sizeof(base_chains[0]); i++)
		if ((r = add_chain(b, NFT_MSG_NEWCHAIN, base_chains[i].name, &base_chains[i])) < 0)
			return r;
	for (size_t i = 0; i < sizeof(dispatches) / sizeof(dispatches[0]); i++)
		if ((r = add_map(b, dispatches[i].map, (uint32_t)i + 1)) < 0)
			return r;
	for (size_t i = 0; i < ND_ELEMENTSOF(svc_sets); i++)
		if ((r = add_addr_set(b, &svc_sets[i], (uint32_t)(ND_ELEMENTSOF(dispatches) + i + 1))) < 0)
			return r;
	if (!dispatch)
		return 0;
	/* the dispatch rules are rewritten whole: constant cost, idempotent */
	for (size_t i = 0; i < sizeof(base_chains) / sizeof(base_chains[0]); i++)
		if ((r = flush_chain(b, base_chains[i].name)) < 0)
			return r;
	for (size_t i = 0; i < sizeof(dispatches) / sizeof(dispatches[0]); i++) {
		struct fw_rule fr;
		char what[96];

		if (fw_rule_init(&fr, dispatches[i].base) < 0)
			return -ENOMEM;
		fw_lookup_vmap(&fr, dispatches[i].in, dispatches[i].map);
		snprintf(what, sizeof(what), "rule %s: %s vmap @%s", dispatches[i].base,
			 dispatches[i].in ? "iifname" : "oifname", dispatches[i].map);
		if ((r = fw_batch_add_rule(b, &fr, what)) < 0)
			return r;
	}
	return add_svc_drops(b);
}

/* a network's chains, rules and map elements, appended to an open batch */
static int add_network(struct fw_batch *b, const struct netdef *def, const char *bridge, struct nd_err *err)
{
	char chain[128];
	int r;

	for (size_t i = 0; i < sizeof(dispatches) / sizeof(dispatches[0]); i++) {
		const char *kind = dispatches[i].kind;

		if (!uses_kind(def, kind))
			continue;
		if (fw_chain_name(def->name, kind, chain, sizeof(chain)) < 0)
			return nd_err_set(err, -ENAMETOOLONG, def->name, "chain name too long");
		if ((r = add_chain(b, NFT_MSG_NEWCHAIN, chain, NULL)) < 0 || (r = flush_chain(b, chain)) < 0 ||
		    (r = fw_build_network_rules(def, bridge, kind, chain, b)) < 0 ||
		    (r = map_elem(b, NFT_MSG_NEWSETELEM, dispatches[i].map, bridge, chain)) < 0)
			return nd_err_set(err, r, def->name, "cannot build the firewall batch: out of memory");
	}
	for (size_t i = 0; i < def->n_ips; i++)
		if ((r = addr_elem(b, NFT_MSG_NEWSETELEM, &def->ips[i].address)) < 0)
			return nd_err_set(err, r, def->name, "cannot build the firewall batch: out of memory");
	return 0;
}

int fw_build_networks_start(const struct netdef *const *defs, const char *const *bridges, size_t n, bool dispatch,
			    uint32_t seq, struct fw_batch *b, struct nd_err *err)
{
	int r;

	for (size_t i = 0; i < n; i++)
		if (!fw_network_has_rules(defs[i]))
			return nd_err_set(err, -EINVAL, defs[i]->name, "forward mode '%s' has no firewall rules",
					  netdef_forward_to_string(defs[i]->forward.mode));
	if ((r = fw_batch_start(b, seq)) < 0 || (r = build_skeleton(b, dispatch)) < 0) {
		fw_batch_free(b);
		return nd_err_set(err, r, n ? defs[0]->name : "nftables", "cannot build the firewall batch: out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		if ((r = add_network(b, defs[i], bridges[i], err)) < 0) {
			fw_batch_free(b);
			return r;
		}
	}
	if ((r = fw_batch_finish(b)) < 0) {
		fw_batch_free(b);
		return nd_err_set(err, r, n ? defs[0]->name : "nftables", "cannot build the firewall batch: out of memory");
	}
	return 0;
}

int fw_build_network_start(const struct netdef *def, const char *bridge, bool dispatch, uint32_t seq,
			   struct fw_batch *b, struct nd_err *err)
{
	return fw_build_networks_start(&def, &bridge, 1, dispatch, seq, b, err);
}

int fw_build_network_stop(const struct netdef *def, const char *bridge, bool with_addrs, uint32_t seq,
			  struct fw_batch *b, struct nd_err *err)
{
	char chain[128];
	int r;

	if ((r = fw_batch_start(b, seq)) < 0)
		goto oom;
	for (size_t i = 0; with_addrs && i < def->n_ips; i++)
		if ((r = addr_elem(b, NFT_MSG_DELSETELEM, &def->ips[i].address)) < 0)
			goto oom;
	for (size_t i = 0; i < sizeof(dispatches) / sizeof(dispatches[0]); i++) {
		if (!uses_kind(def, dispatches[i].kind))
			continue;
		fw_chain_name(def->name, dispatches[i].kind, chain, sizeof(chain));
		if ((r = map_elem(b, NFT_MSG_DELSETELEM, dispatches[i].map, bridge, chain)) < 0)
			goto oom;
	}
	for (size_t i = 0; i < sizeof(dispatches) / sizeof(dispatches[0]); i++) {
		if (!uses_kind(def, dispatches[i].kind))
			continue;
		fw_chain_name(def->name, dispatches[i].kind, chain, sizeof(chain));
		if ((r = flush_chain(b, chain)) < 0 || (r = add_chain(b, NFT_MSG_DELCHAIN, chain, NULL)) < 0)
			goto oom;
	}
	if ((r = fw_batch_finish(b)) < 0)
		goto oom;
	return 0;
oom:
	fw_batch_free(b);
	return nd_err_set(err, r, def->name, "cannot build the firewall batch: out of memory");
}

int fw_build_table_delete(uint32_t seq, struct fw_batch *b, struct nd_err *err)
{
	int r;

	if ((r = fw_batch_start(b, seq)) < 0 || (r = add_table(b, NFT_MSG_DELTABLE, 0)) < 0 || (r = fw_batch_finish(b)) < 0) {
		fw_batch_free(b);
		return nd_err_set(err, r, FW_TABLE, "cannot build the firewall batch: out of memory");
	}
	return 0;
}
