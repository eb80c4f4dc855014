/*
 * An OVN network's objects in the NB database, as ovn-nbctl command lines
 * (pure: nothing here runs). Names come from the network's UUID, so every
 * host's netd writes the same objects; each command is idempotent
 * (--may-exist, set), so a network defined and started on several hosts
 * converges to one switch, one router, one DHCP_Options and one DNS row.
 *
 *   netd-UUID            logical switch (external_ids netd-network, netd-uuid;
 *                        other_config subnet/exclude_ips for OVN's IPAM)
 *   netd-UUID-lr         logical router (nat, route)
 *   netd-UUID-lrp        its port on the switch: the <ip> gateway address
 *   netd-UUID-ext        the uplink switch, with localnet port netd-UUID-ext-ln
 *   netd-UUID-lrp-ext    the router's port there: <netd:uplink address>, on
 *                        the <netd:gateway> chassis; default route to
 *                        <netd:uplink gateway>; SNAT of the subnet (nat)
 *
 * Every value is from a validated definition (names are letters, digits and
 * _.+-; addresses are formatted here), so none can carry an option or break
 * out of ovn-nbctl's own quoting.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "netd/daemon/netd-ovn.h"

void netd_ovn_names(const struct netdef *def, struct netd_ovn_names *nm)
{
	char u[37];

	netdef_uuid_format(def->uuid, u);
	snprintf(nm->uuid, sizeof(nm->uuid), "%s", u);
	snprintf(nm->ls, sizeof(nm->ls), "netd-%s", u);
	snprintf(nm->lr, sizeof(nm->lr), "netd-%s-lr", u);
	snprintf(nm->lrp, sizeof(nm->lrp), "netd-%s-lrp", u);
	snprintf(nm->lrp_ls, sizeof(nm->lrp_ls), "netd-%s-lrp-ls", u);
	snprintf(nm->ext_ls, sizeof(nm->ext_ls), "netd-%s-ext", u);
	snprintf(nm->ext_ln, sizeof(nm->ext_ln), "netd-%s-ext-ln", u);
	snprintf(nm->lrp_ext, sizeof(nm->lrp_ext), "netd-%s-lrp-ext", u);
	snprintf(nm->lrp_ext_ls, sizeof(nm->lrp_ext_ls), "netd-%s-lrp-ext-ls", u);
	/* the router's MACs: locally administered, from the UUID (the same on every host) */
	snprintf(nm->mac_int, sizeof(nm->mac_int), "0a:%02x:%02x:%02x:%02x:01", def->uuid[0], def->uuid[1],
		 def->uuid[2], def->uuid[3]);
	snprintf(nm->mac_ext, sizeof(nm->mac_ext), "0a:%02x:%02x:%02x:%02x:02", def->uuid[0], def->uuid[1],
		 def->uuid[2], def->uuid[3]);
}

const struct netdef_ip *netd_ovn_ip(const struct netdef *def)
{
	for (size_t i = 0; i < def->n_ips; i++)
		if (def->ips[i].family == AF_INET)
			return &def->ips[i];
	return NULL;
}

static uint32_t v4(const struct netdef_addr *a)
{
	return (uint32_t)a->bytes[0] << 24 | (uint32_t)a->bytes[1] << 16 | (uint32_t)a->bytes[2] << 8 | a->bytes[3];
}

static const char *v4s(uint32_t x, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255);
	return buf;
}

static uint32_t mask_of(unsigned prefix)
{
	return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

unsigned netd_ovn_guest_mtu(const struct netdef *def)
{
	unsigned underlay = def->ovn.underlay_mtu ? def->ovn.underlay_mtu : NETDEF_OVN_UNDERLAY_MTU;

	return def->mtu ? def->mtu : underlay - NETDEF_OVN_GENEVE_OVERHEAD;
}

static bool in_a_range(const struct netdef_ip *ip, uint32_t x)
{
	for (size_t i = 0; i < ip->n_ranges; i++)
		if (x >= v4(&ip->ranges[i].start) && x <= v4(&ip->ranges[i].end))
			return true;
	return false;
}

static bool is_host_ip(const struct netdef_ip *ip, uint32_t x)
{
	for (size_t i = 0; i < ip->n_hosts; i++)
		if (ip->hosts[i].ip.family == AF_INET && v4(&ip->hosts[i].ip) == x)
			return true;
	return false;
}

/*
 * OVN's IPAM hands out every address of the subnet that exclude_ips does not
 * name: excluded are the gateway, <dhcp><host> addresses and whatever lies
 * outside the <range>s, as "A" or "A..B" items
 */
int netd_ovn_exclude_ips(const struct netdef_ip *ip, char *buf, size_t len)
{
	uint32_t mask = mask_of(ip->prefix), net = v4(&ip->address) & mask, last = net | ~mask, gw = v4(&ip->address);
	size_t off = 0;
	char a[16], b[16];

	buf[0] = '\0';
	for (uint32_t x = net + 1; x < last;) {
		uint32_t y;

		if (x != gw && in_a_range(ip, x) && !is_host_ip(ip, x)) {
			x++;
			continue;
		}
		for (y = x; y + 1 < last && (y + 1 == gw || !in_a_range(ip, y + 1) || is_host_ip(ip, y + 1)); y++)
			;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s%s%s", off ? " " : "", v4s(x, a),
					y > x ? ".." : "", y > x ? v4s(y, b) : "");
		if (off >= len)
			return -ENOSPC;
		x = y + 1;
	}
	return 0;
}

static void head(struct tapdev_argv *a, const struct netd_ovn_tool *t)
{
	tapdev_argv_add(a, t->nbctl ? t->nbctl : "ovn-nbctl");
	tapdev_argv_addf(a, "--db=%s", t->nb);
	tapdev_argv_addf(a, "--timeout=%u", t->timeout_s ? t->timeout_s : 5);
	if (t->private_key)
		tapdev_argv_addf(a, "--private-key=%s", t->private_key);
	if (t->certificate)
		tapdev_argv_addf(a, "--certificate=%s", t->certificate);
	if (t->ca_cert)
		tapdev_argv_addf(a, "--ca-cert=%s", t->ca_cert);
}

/* "--" and one command's words */
static void cmd(struct tapdev_argv *a, int n, ...)
{
	va_list ap;

	tapdev_argv_add(a, "--");
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		tapdev_argv_add(a, va_arg(ap, const char *));
	va_end(ap);
}

int netd_ovn_argv_find(const struct netd_ovn_tool *t, const char *table, const char *condition, char ***ret,
		       struct nd_err *err)
{
	struct tapdev_argv a = { 0 };

	head(&a, t);
	tapdev_argv_add(&a, "--bare");
	tapdev_argv_add(&a, "--columns=_uuid");
	tapdev_argv_add(&a, "find");
	tapdev_argv_add(&a, table);
	tapdev_argv_add(&a, condition);
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}

/* the DHCP options of the network's subnet, as ovn-nbctl's map syntax */
static int dhcp_options(const struct netdef *def, const struct netdef_ip *ip, const struct netd_ovn_names *nm,
			bool dns, char *buf, size_t len)
{
	char gw[16];
	long long lease = ip->n_ranges ? netdef_lease_seconds(&ip->ranges[0].lease) : -1;
	int n;

	v4s(v4(&ip->address), gw);
	n = snprintf(buf, len, "options:lease_time=%lld options:router=%s options:server_id=%s "
		     "options:server_mac=%s options:mtu=%u", lease > 0 ? lease : 3600, gw, gw, nm->mac_int,
		     netd_ovn_guest_mtu(def));
	if (def->dns.n_forwarders) { /* the guests ask them; OVN answers the network's own names on the way */
		n += snprintf(buf + n, (size_t)n < len ? len - (size_t)n : 0, " options:dns_server=\"{");
		for (size_t i = 0; i < def->dns.n_forwarders; i++) {
			char a[64];

			netdef_addr_format(&def->dns.forwarders[i].addr, a, sizeof(a));
			n += snprintf(buf + n, (size_t)n < len ? len - (size_t)n : 0, "%s%s", i ? ", " : "", a);
		}
		n += snprintf(buf + n, (size_t)n < len ? len - (size_t)n : 0, "}\"");
	} else if (dns) {
		n += snprintf(buf + n, (size_t)n < len ? len - (size_t)n : 0, " options:dns_server=\"{%s}\"", gw);
	}
	if (def->domain.name)
		n += snprintf(buf + n, (size_t)n < len ? len - (size_t)n : 0, " options:domain_name=\"\\\"%s\\\"\"",
			      def->domain.name);
	return (size_t)n < len ? 0 : -ENOSPC;
}

/* one set of key=value words (split on spaces; values here have none) */
static void words(struct tapdev_argv *a, char *s)
{
	for (char *save = NULL, *w = strtok_r(s, " ", &save); w; w = strtok_r(NULL, " ", &save))
		tapdev_argv_add(a, w);
}

bool netd_ovn_has_dns(const struct netdef *def)
{
	const struct netdef_ip *ip = netd_ovn_ip(def);

	if (def->dns.n_hosts)
		return true;
	for (size_t i = 0; ip && i < ip->n_hosts; i++)
		if (ip->hosts[i].name && ip->hosts[i].ip.family)
			return true;
	return false;
}

/* one name=address item of a DNS records map, and the same under <domain name> */
static void record(const struct netdef *def, const char *host, const struct netdef_addr *a, char *buf, size_t len,
		   size_t *off)
{
	char addr[64];

	netdef_addr_format(a, addr, sizeof(addr));
	*off += (size_t)snprintf(buf + *off, *off < len ? len - *off : 0, "%s\"%s\"=\"%s\"",
				 buf[*off - 1] == '{' ? "" : ",", host, addr);
	if (def->domain.name)
		*off += (size_t)snprintf(buf + *off, *off < len ? len - *off : 0, ",\"%s.%s\"=\"%s\"", host,
					 def->domain.name, addr);
}

/* DNS records: <dns><host> names and <dhcp><host name>, each also under <domain name> */
static int dns_records(const struct netdef *def, char *buf, size_t len)
{
	const struct netdef_ip *ip = netd_ovn_ip(def);
	size_t off = (size_t)snprintf(buf, len, "records={");

	for (size_t i = 0; i < def->dns.n_hosts; i++)
		for (size_t j = 0; j < def->dns.hosts[i].n_hostnames && off < len; j++)
			record(def, def->dns.hosts[i].hostnames[j], &def->dns.hosts[i].ip, buf, len, &off);
	for (size_t i = 0; ip && i < ip->n_hosts && off < len; i++)
		if (ip->hosts[i].name && ip->hosts[i].ip.family)
			record(def, ip->hosts[i].name, &ip->hosts[i].ip, buf, len, &off);
	off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "}");
	return off < len ? 0 : -ENOSPC;
}

int netd_ovn_argv_network(const struct netd_ovn_tool *t, const struct netdef *def, bool creating,
			  const char *dhcp_uuid, const char *dns_uuid, char ***ret, struct nd_err *err)
{
	const struct netdef_ip *ip = netd_ovn_ip(def);
	const struct netdef_ovn *o = &def->ovn;
	struct netd_ovn_names nm;
	struct tapdev_argv a = { 0 };
	char subnet[40], net[16], gwaddr[40], excl[2048], opts[1024], recs[8192], ext[24], gw[24];
	bool out = def->forward.present && def->forward.mode != NETDEF_FORWARD_NONE;
	bool dhcp = ip && ip->has_dhcp && (ip->n_ranges || ip->n_hosts);

	if (!ip)
		return nd_err_set(err, -EINVAL, def->name, "an OVN network needs an IPv4 <ip>");
	netd_ovn_names(def, &nm);
	snprintf(subnet, sizeof(subnet), "%s/%u", v4s(v4(&ip->address) & mask_of(ip->prefix), net), ip->prefix);
	snprintf(gwaddr, sizeof(gwaddr), "%s/%u", v4s(v4(&ip->address), gw), ip->prefix);
	if (netd_ovn_exclude_ips(ip, excl, sizeof(excl)) < 0 ||
	    dhcp_options(def, ip, &nm, netd_ovn_has_dns(def), opts, sizeof(opts)) < 0 ||
	    dns_records(def, recs, sizeof(recs)) < 0)
		return nd_err_set(err, -ENOSPC, def->name, "the network's OVN options do not fit");
	head(&a, t);
	/* the switch, named and tagged; OVN's IPAM on the DHCP ranges */
	cmd(&a, 3, "--may-exist", "ls-add", nm.ls);
	cmd(&a, 3, "set", "Logical_Switch", nm.ls);
	tapdev_argv_addf(&a, "external_ids:netd-network=%s", def->name);
	tapdev_argv_addf(&a, "external_ids:netd-uuid=%s", nm.uuid);
	if (dhcp) {
		tapdev_argv_addf(&a, "other_config:subnet=%s", subnet);
		tapdev_argv_addf(&a, "other_config:exclude_ips=\"%s\"", excl);
	}
	/* the router and its port on the switch: the gateway address */
	cmd(&a, 3, "--may-exist", "lr-add", nm.lr);
	cmd(&a, 3, "set", "Logical_Router", nm.lr);
	tapdev_argv_addf(&a, "external_ids:netd-network=%s", def->name);
	tapdev_argv_addf(&a, "external_ids:netd-uuid=%s", nm.uuid);
	/* creating: without --may-exist, the router port's unique name makes a second creator's whole
	 * transaction fail (DHCP and DNS rows included), so that it finds this one's rows when it tries again */
	if (creating)
		cmd(&a, 5, "lrp-add", nm.lr, nm.lrp, nm.mac_int, gwaddr);
	else
		cmd(&a, 6, "--may-exist", "lrp-add", nm.lr, nm.lrp, nm.mac_int, gwaddr);
	cmd(&a, 4, "--may-exist", "lsp-add", nm.ls, nm.lrp_ls);
	cmd(&a, 3, "lsp-set-type", nm.lrp_ls, "router");
	cmd(&a, 3, "lsp-set-addresses", nm.lrp_ls, "router");
	cmd(&a, 2, "lsp-set-options", nm.lrp_ls);
	tapdev_argv_addf(&a, "router-port=%s", nm.lrp);
	if (out) {
		char extaddr[48];

		netdef_addr_format(&o->uplink_address, ext, sizeof(ext));
		snprintf(extaddr, sizeof(extaddr), "%s/%u", ext, o->uplink_prefix);
		cmd(&a, 3, "--may-exist", "ls-add", nm.ext_ls);
		cmd(&a, 3, "set", "Logical_Switch", nm.ext_ls);
		tapdev_argv_addf(&a, "external_ids:netd-network=%s", def->name);
		tapdev_argv_addf(&a, "external_ids:netd-uuid=%s", nm.uuid);
		cmd(&a, 4, "--may-exist", "lsp-add", nm.ext_ls, nm.ext_ln);
		cmd(&a, 3, "lsp-set-type", nm.ext_ln, "localnet");
		cmd(&a, 3, "lsp-set-addresses", nm.ext_ln, "unknown");
		cmd(&a, 2, "lsp-set-options", nm.ext_ln);
		tapdev_argv_addf(&a, "network_name=%s", o->uplink_network);
		cmd(&a, 6, "--may-exist", "lrp-add", nm.lr, nm.lrp_ext, nm.mac_ext, extaddr);
		cmd(&a, 4, "--may-exist", "lsp-add", nm.ext_ls, nm.lrp_ext_ls);
		cmd(&a, 3, "lsp-set-type", nm.lrp_ext_ls, "router");
		cmd(&a, 3, "lsp-set-addresses", nm.lrp_ext_ls, "router");
		cmd(&a, 2, "lsp-set-options", nm.lrp_ext_ls);
		tapdev_argv_addf(&a, "router-port=%s", nm.lrp_ext);
		for (size_t i = 0; i < o->n_gateways; i++) {
			cmd(&a, 3, "lrp-set-gateway-chassis", nm.lrp_ext, o->gateways[i].chassis);
			tapdev_argv_addf(&a, "%u", o->gateways[i].priority);
		}
		netdef_addr_format(&o->uplink_gateway, gw, sizeof(gw));
		cmd(&a, 5, "--may-exist", "lr-route-add", nm.lr, "0.0.0.0/0", gw);
		if (def->forward.mode == NETDEF_FORWARD_NAT)
			cmd(&a, 6, "--may-exist", "lr-nat-add", nm.lr, "snat", ext, subnet);
	}
	/* DHCP and DNS: the row this network already has, else a new one */
	if (dhcp) {
		char opts_copy[sizeof(opts)];

		memcpy(opts_copy, opts, sizeof(opts));
		if (dhcp_uuid) {
			cmd(&a, 3, "set", "DHCP_Options", dhcp_uuid);
		} else {
			cmd(&a, 0);
			tapdev_argv_add(&a, "--id=@dhcp");
			tapdev_argv_add(&a, "create");
			tapdev_argv_add(&a, "DHCP_Options");
		}
		tapdev_argv_addf(&a, "cidr=%s", subnet);
		tapdev_argv_addf(&a, "external_ids:netd-uuid=%s", nm.uuid);
		tapdev_argv_addf(&a, "external_ids:netd-network=%s", def->name);
		words(&a, opts_copy);
	}
	if (dns_uuid) {
		cmd(&a, 3, "set", "DNS", dns_uuid);
	} else {
		cmd(&a, 0);
		tapdev_argv_add(&a, "--id=@dns");
		tapdev_argv_add(&a, "create");
		tapdev_argv_add(&a, "DNS");
	}
	tapdev_argv_addf(&a, "external_ids:netd-uuid=%s", nm.uuid);
	tapdev_argv_add(&a, recs);
	cmd(&a, 3, "set", "Logical_Switch", nm.ls);
	tapdev_argv_addf(&a, "dns_records=%s", dns_uuid ? dns_uuid : "@dns");
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}

/* the address a port gets: its <dhcp><host> reservation, else OVN's IPAM ("dynamic"), else none */
static void port_addresses(const struct netdef *def, const char *mac, char *buf, size_t len, char *ip_out,
			   size_t ip_len)
{
	const struct netdef_ip *ip = netd_ovn_ip(def);

	ip_out[0] = '\0';
	for (size_t i = 0; ip && i < ip->n_hosts; i++)
		if (ip->hosts[i].mac && ip->hosts[i].ip.family && !strcasecmp(ip->hosts[i].mac, mac)) {
			netdef_addr_format(&ip->hosts[i].ip, ip_out, ip_len);
			snprintf(buf, len, "%s %s", mac, ip_out);
			return;
		}
	if (ip && ip->has_dhcp && ip->n_ranges)
		snprintf(buf, len, "%s dynamic", mac);
	else
		snprintf(buf, len, "%s", mac);
}

int netd_ovn_argv_port_add(const struct netd_ovn_tool *t, const struct netdef *def, const struct netd_ovn_port *p,
			   char ***ret, struct nd_err *err)
{
	struct netd_ovn_names nm;
	struct tapdev_argv a = { 0 };
	char addrs[96], ip[64];

	netd_ovn_names(def, &nm);
	port_addresses(def, p->mac, addrs, sizeof(addrs), ip, sizeof(ip));
	head(&a, t);
	cmd(&a, 4, "--may-exist", "lsp-add", nm.ls, p->lsp);
	cmd(&a, 3, "lsp-set-addresses", p->lsp, addrs);
	/* port security: the port sends with its MAC (and its reserved address) only */
	cmd(&a, 2, "lsp-set-port-security", p->lsp);
	if (ip[0])
		tapdev_argv_addf(&a, "%s %s", p->mac, ip);
	else
		tapdev_argv_add(&a, p->mac);
	if (p->dhcp_uuid)
		cmd(&a, 3, "lsp-set-dhcpv4-options", p->lsp, p->dhcp_uuid);
	cmd(&a, 3, "set", "Logical_Switch_Port", p->lsp);
	tapdev_argv_addf(&a, "external_ids:netd-network=%s", def->name);
	tapdev_argv_addf(&a, "external_ids:netd-uuid=%s", nm.uuid);
	tapdev_argv_addf(&a, "external_ids:netd-chassis=%s", p->chassis);
	tapdev_argv_addf(&a, "external_ids:netd-port=%s", p->ifname);
	if (p->vm_name && p->vm_name[0])
		tapdev_argv_addf(&a, "external_ids:netd-owner=%s", p->vm_name);
	/* only this host's ovn-controller binds it */
	tapdev_argv_addf(&a, "options:requested-chassis=%s", p->chassis);
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}

int netd_ovn_argv_port_del(const struct netd_ovn_tool *t, const char *lsp, char ***ret, struct nd_err *err)
{
	struct tapdev_argv a = { 0 };

	head(&a, t);
	cmd(&a, 3, "--if-exists", "lsp-del", lsp);
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}

int netd_ovn_argv_destroy(const struct netd_ovn_tool *t, const char *table, const char *row, char ***ret,
			  struct nd_err *err)
{
	struct tapdev_argv a = { 0 };

	head(&a, t);
	cmd(&a, 4, "--if-exists", "destroy", table, row);
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}

int netd_ovn_argv_remove(const struct netd_ovn_tool *t, const struct netdef *def, char ***ret, struct nd_err *err)
{
	struct netd_ovn_names nm;
	struct tapdev_argv a = { 0 };

	netd_ovn_names(def, &nm);
	head(&a, t);
	cmd(&a, 3, "--if-exists", "lr-del", nm.lr);
	cmd(&a, 3, "--if-exists", "ls-del", nm.ext_ls);
	cmd(&a, 3, "--if-exists", "ls-del", nm.ls);
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}

int netd_ovn_argv_port_get(const struct netd_ovn_tool *t, const char *lsp, const char *column, char ***ret,
			   struct nd_err *err)
{
	struct tapdev_argv a = { 0 };

	head(&a, t);
	cmd(&a, 4, "get", "Logical_Switch_Port", lsp, column);
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}

int netd_ovn_argv_port_security(const struct netd_ovn_tool *t, const char *lsp, const char *mac, const char *ip,
				char ***ret, struct nd_err *err)
{
	struct tapdev_argv a = { 0 };
	struct netdef_addr check;
	uint8_t m[6];

	if (netdef_mac_parse(mac, m) < 0 || netdef_addr_parse(ip, AF_INET, &check) < 0)
		return nd_err_set(err, -EINVAL, lsp, "not a MAC and an IPv4 address: '%.20s' '%.40s'", mac, ip);
	head(&a, t);
	cmd(&a, 2, "lsp-set-port-security", lsp);
	tapdev_argv_addf(&a, "%s %s", mac, ip);
	return tapdev_argv_finish(&a, "ovn-nbctl", ret, err);
}
