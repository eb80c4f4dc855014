/*
 * The rules of a network's own chains, by forward mode (libvirt's behaviour):
 *   nat:      out: from the subnet [to dev] accept, else reject;
 *             in:  to the subnet, established/related accept, else reject
 *                  (IPv6 subnets without <nat ipv6='yes'> are routed: accept);
 *             nat: masquerade the subnet to anywhere but itself, tcp/udp ports
 *                  into 1024-65535 (or <nat><port>), multicast/broadcast left alone,
 *                  <nat><address> as SNAT range, [only out of dev];
 *   route:    out: from the subnet accept; in: to the subnet accept; else reject;
 *   isolated: nothing forwarded either way; the host only for DHCP/DNS(/TFTP).
 *   every mode with rules: DHCP, DNS (and TFTP when configured) to the host accepted,
 *   and guest-to-guest traffic on the bridge accepted (it meets the forward hook
 *   when br_netfilter is loaded).
 */
#include <netinet/in.h>
#include <sys/socket.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdio.h>
#include <string.h>

#include "firewall/fw-internal.h"

struct rb {
	const struct netdef *def;
	const char *bridge, *chain;
	struct fw_batch *b;
	int r;
};

static bool rule_new(struct rb *x, struct fw_rule *fr)
{
	if (x->r < 0)
		return false;
	if (fw_rule_init(fr, x->chain) < 0) {
		x->r = -ENOMEM;
		return false;
	}
	return true;
}

static void rule_add(struct rb *x, struct fw_rule *fr, const char *fmt, const char *arg)
{
	char what[96];

	snprintf(what, sizeof(what), fmt, x->chain, arg ? arg : "");
	if (x->r >= 0)
		x->r = fw_batch_add_rule(x->b, fr, what);
}

static const char *out_dev(const struct netdef *def)
{
	if (def->forward.dev)
		return def->forward.dev;
	return def->forward.n_interfaces ? def->forward.interfaces[0] : NULL;
}

static bool ip_is_natted(const struct netdef *def, const struct netdef_ip *ip)
{
	return def->forward.mode == NETDEF_FORWARD_NAT &&
	       (ip->family == AF_INET || def->forward.nat.ipv6 == NETDEF_YES);
}

static void final_reject(struct rb *x)
{
	struct fw_rule fr;

	if (!rule_new(x, &fr))
		return;
	fw_counter(&fr);
	fw_reject(&fr);
	rule_add(x, &fr, "rule %s: reject%s", NULL);
}

/* from the guests towards anywhere but the host */
static void build_fwd_out(struct rb *x)
{
	const char *dev = out_dev(x->def);

	for (size_t i = 0; x->def->forward.mode != NETDEF_FORWARD_NONE && i < x->def->n_ips; i++) {
		const struct netdef_ip *ip = &x->def->ips[i];
		struct fw_rule fr;

		if (!rule_new(x, &fr))
			return;
		fw_match_nfproto(&fr, ip->family);
		fw_match_addr(&fr, FW_SRC, &ip->address, ip->prefix, false);
		if (dev)
			fw_match_ifname(&fr, false, dev);
		fw_verdict(&fr, NF_ACCEPT);
		rule_add(x, &fr, "rule %s: accept from the subnet%s", NULL);
	}
	final_reject(x);
}

/* from anywhere towards the guests */
static void build_fwd_in(struct rb *x)
{
	const char *dev = out_dev(x->def);
	struct fw_rule fr;

	/* guest to guest on the same bridge: with br_netfilter, bridged traffic
	 * passes the forward hook too (iif and oif both the bridge) */
	if (rule_new(x, &fr)) {
		fw_match_ifname(&fr, true, x->bridge);
		fw_verdict(&fr, NF_ACCEPT);
		rule_add(x, &fr, "rule %s: accept guest to guest%s", NULL);
	}

	for (size_t i = 0; x->def->forward.mode != NETDEF_FORWARD_NONE && i < x->def->n_ips; i++) {
		const struct netdef_ip *ip = &x->def->ips[i];

		if (!rule_new(x, &fr))
			return;
		fw_match_nfproto(&fr, ip->family);
		fw_match_addr(&fr, FW_DST, &ip->address, ip->prefix, false);
		if (dev)
			fw_match_ifname(&fr, true, dev);
		if (ip_is_natted(x->def, ip))
			fw_match_ct_established(&fr);
		fw_verdict(&fr, NF_ACCEPT);
		rule_add(x, &fr, "rule %s: accept to the subnet%s", NULL);
	}
	final_reject(x);
}

static void accept_port(struct rb *x, uint8_t proto, uint16_t port, const char *what)
{
	struct fw_rule fr;

	if (!rule_new(x, &fr))
		return;
	fw_match_l4proto(&fr, proto);
	fw_match_dport(&fr, port);
	fw_verdict(&fr, NF_ACCEPT);
	rule_add(x, &fr, "rule %s: accept %s", what);
}

/* guests to the host itself */
static void build_input(struct rb *x)
{
	bool tftp = false, v6 = false;

	for (size_t i = 0; i < x->def->n_ips; i++) {
		tftp |= x->def->ips[i].tftp_root != NULL;
		v6 |= x->def->ips[i].family == AF_INET6;
	}
	accept_port(x, IPPROTO_UDP, 67, "dhcp");
	if (v6)
		accept_port(x, IPPROTO_UDP, 547, "dhcpv6");
	if (x->def->dns.enable != NETDEF_NO) {
		accept_port(x, IPPROTO_UDP, 53, "dns/udp");
		accept_port(x, IPPROTO_TCP, 53, "dns/tcp");
	}
	if (tftp)
		accept_port(x, IPPROTO_UDP, 69, "tftp");
	/* nothing else here: the host's own policy decides the rest, an isolated network's too
	 * (libvirt: host and guests reach each other; only the way out is closed) */
}

static void nat_skip(struct rb *x, const struct netdef_ip *ip, const char *dst, unsigned prefix)
{
	struct netdef_addr a;
	struct fw_rule fr;

	netdef_addr_parse(dst, AF_INET, &a);
	if (!rule_new(x, &fr))
		return;
	fw_match_nfproto(&fr, ip->family);
	fw_match_addr(&fr, FW_SRC, &ip->address, ip->prefix, false);
	fw_match_addr(&fr, FW_DST, &a, prefix, false);
	fw_verdict(&fr, NFT_RETURN);
	rule_add(x, &fr, "rule %s: no nat to %s", dst);
}

static void nat_rule(struct rb *x, const struct netdef_ip *ip, uint8_t proto)
{
	const struct netdef_nat *nat = &x->def->forward.nat;
	uint16_t pmin = nat->port_start ? (uint16_t)nat->port_start : 1024;
	uint16_t pmax = nat->port_start ? (uint16_t)nat->port_end : 65535;
	const char *dev = out_dev(x->def);
	struct fw_rule fr;

	if (!rule_new(x, &fr))
		return;
	fw_match_nfproto(&fr, ip->family);
	fw_match_addr(&fr, FW_SRC, &ip->address, ip->prefix, false);
	fw_match_addr(&fr, FW_DST, &ip->address, ip->prefix, true);
	if (dev)
		fw_match_ifname(&fr, false, dev);
	if (proto)
		fw_match_l4proto(&fr, proto);
	fw_counter(&fr);
	if (nat->addr_start.family && ip->family == AF_INET)
		fw_snat(&fr, &nat->addr_start, &nat->addr_end, proto ? pmin : 0, proto ? pmax : 0);
	else
		fw_masquerade(&fr, proto ? pmin : 0, proto ? pmax : 0);
	rule_add(x, &fr, "rule %s: masquerade %s", proto == IPPROTO_TCP ? "tcp" : proto ? "udp" : "other");
}

static void build_nat(struct rb *x)
{
	for (size_t i = 0; i < x->def->n_ips; i++) {
		const struct netdef_ip *ip = &x->def->ips[i];

		if (!ip_is_natted(x->def, ip))
			continue;
		if (ip->family == AF_INET) {
			nat_skip(x, ip, "224.0.0.0", 24);
			nat_skip(x, ip, "255.255.255.255", 32);
		}
		nat_rule(x, ip, IPPROTO_TCP);
		nat_rule(x, ip, IPPROTO_UDP);
		nat_rule(x, ip, 0);
	}
}

int fw_build_network_rules(const struct netdef *def, const char *bridge, const char *kind,
			   const char *chain, struct fw_batch *b)
{
	struct rb x = { .def = def, .bridge = bridge, .chain = chain, .b = b, .r = 0 };

	if (strcmp(kind, "fwd-out") == 0)
		build_fwd_out(&x);
	else if (strcmp(kind, "fwd-in") == 0)
		build_fwd_in(&x);
	else if (strcmp(kind, "input") == 0)
		build_input(&x);
	else if (strcmp(kind, "nat") == 0)
		build_nat(&x);
	else
		return -EINVAL;
	return x.r;
}
