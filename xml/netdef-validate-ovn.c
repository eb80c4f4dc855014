/*
 * What an OVN network (<netd:ovn>) may say. OVN does the switching,
 * routing, NAT, DHCP and DNS of such a network; whatever in the definition
 * has no meaning there is refused by name rather than ignored.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "xml/netdef.h"

static int oerr(struct nd_err *err, const char *source, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int oerr(struct nd_err *err, const char *source, int line, const char *fmt, ...)
{
	char where[128];
	va_list ap;
	int r;

	if (line > 0)
		snprintf(where, sizeof(where), "%s:%d", source, line);
	else
		snprintf(where, sizeof(where), "%s", source);
	va_start(ap, fmt);
	r = nd_err_setv(err, -EINVAL, where, fmt, ap);
	va_end(ap);
	return r;
}

/* tcp:IPV4:PORT, ssl:IPV4:PORT or unix:/ABSOLUTE/PATH, comma-separated (a clustered NB) */
static bool nb_remote_ok(const char *nb)
{
	char buf[512];

	if (!nb || !*nb || strlen(nb) >= sizeof(buf))
		return false;
	strcpy(buf, nb);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strncmp(tok, "unix:/", 6) == 0) {
			for (const char *p = tok + 5; *p; p++)
				if ((unsigned char)*p <= ' ' || *p == '\'' || *p == '"')
					return false;
			continue;
		}
		size_t skip = strncmp(tok, "tcp:", 4) == 0 || strncmp(tok, "ssl:", 4) == 0 ? 4 : 0;

		if (!skip)
			return false;
		char *colon = strrchr(tok + skip, ':'), *end;
		struct netdef_addr a;
		unsigned long port;

		if (!colon)
			return false;
		*colon = '\0';
		port = strtoul(colon + 1, &end, 10);
		if (netdef_addr_parse(tok + skip, AF_INET, &a) < 0 || *end || end == colon + 1 || port < 1 || port > 65535)
			return false;
	}
	return true;
}

/* OVN names: chassis and provider networks are argv values and OVSDB strings */
static bool ovn_name_ok(const char *s)
{
	return netdef_name_is_safe(s);
}

static int refuse(struct nd_err *err, const char *src, int line, const char *what)
{
	return oerr(err, src, line, "%s: not available on an OVN network (<netd:ovn>): OVN switches, routes and "
		    "serves DHCP/DNS itself; leave it out", what);
}

int netdef_validate_ovn(const struct netdef *def, const char *src, struct nd_err *err)
{
	const struct netdef_ovn *o = &def->ovn;
	const struct netdef_ip *ip4 = NULL;
	unsigned max_mtu = (o->underlay_mtu ? o->underlay_mtu : NETDEF_OVN_UNDERLAY_MTU) - NETDEF_OVN_GENEVE_OVERHEAD;
	bool out = def->forward.present && def->forward.mode != NETDEF_FORWARD_NONE;

	if (!o->present)
		return 0;
	if (!nb_remote_ok(o->nb))
		return oerr(err, src, o->line, "<netd:ovn nb='%.128s'>: expected tcp:IPV4:PORT, ssl:IPV4:PORT or unix:/PATH "
			    "(comma-separated for a clustered NB)", o->nb ? o->nb : "");
	if (o->integration_bridge && !netdef_ifname_is_valid(o->integration_bridge, false))
		return oerr(err, src, o->line, "<netd:ovn integration-bridge='%.64s'>: not a valid bridge name",
			    o->integration_bridge);
	if (def->forward.present && def->forward.mode != NETDEF_FORWARD_NAT && def->forward.mode != NETDEF_FORWARD_ROUTE)
		return oerr(err, src, def->forward.line, "<forward mode='%s'>: an OVN network is nat, route or isolated "
			    "(no <forward>)", netdef_forward_to_string(def->forward.mode));
	if (def->forward.dev || def->forward.n_interfaces || def->forward.nat.addr_start.family ||
	    def->forward.nat.port_start || def->forward.nat.port_end)
		return oerr(err, src, def->forward.line, "<forward dev>/<interface>/<nat> ranges: an OVN network leaves "
			    "through its <netd:uplink> with the uplink's address");
	if (out && !o->has_uplink)
		return oerr(err, src, o->line, "<netd:ovn>: a %s network needs <netd:uplink network= address= gateway=/> "
			    "and at least one <netd:gateway chassis=/>", netdef_forward_to_string(def->forward.mode));
	if (!out && (o->has_uplink || o->n_gateways))
		return oerr(err, src, o->uplink_line ? o->uplink_line : o->line, "<netd:uplink>/<netd:gateway>: an isolated "
			    "OVN network (no <forward>) has no way out; give it <forward mode='nat'|'route'/> or drop them");
	if (out && !o->n_gateways)
		return oerr(err, src, o->line, "<netd:ovn>: a %s network needs at least one <netd:gateway chassis=/> "
			    "(the hosts that carry its traffic to the uplink)", netdef_forward_to_string(def->forward.mode));
	if (o->has_uplink && !ovn_name_ok(o->uplink_network))
		return oerr(err, src, o->uplink_line, "<netd:uplink network='%.64s'>: provider network names use letters, "
			    "digits and _.+-", o->uplink_network);
	for (size_t i = 0; i < o->n_gateways; i++) {
		if (!ovn_name_ok(o->gateways[i].chassis))
			return oerr(err, src, o->line, "<netd:gateway chassis='%.64s'>: chassis names use letters, digits and "
				    "_.+-", o->gateways[i].chassis);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(o->gateways[i].chassis, o->gateways[j].chassis))
				return oerr(err, src, o->line, "<netd:gateway chassis='%s'>: named twice",
					    o->gateways[i].chassis);
	}
	if (def->bridge.present)
		return oerr(err, src, def->bridge.line, "<bridge>: an OVN network has no bridge of its own; its ports go "
			    "on each host's integration bridge (<netd:ovn integration-bridge=>, default br-int)");
	if (def->mac)
		return refuse(err, src, 0, "<mac>");
	if (def->virtualport.type != NETDEF_VPORT_NONE)
		return refuse(err, src, 0, "<virtualport>");
	if (def->vlan.present)
		return refuse(err, src, 0, "<vlan> (VLANs on an overlay)");
	if (def->bandwidth.inbound.present || def->bandwidth.outbound.present)
		return refuse(err, src, 0, "<bandwidth> (OVN QoS is not mapped)");
	if (def->port_isolated != NETDEF_ABSENT)
		return refuse(err, src, 0, "<port isolated>");
	if (def->n_dnsmasq_options)
		return refuse(err, src, 0, "<dnsmasq:options> (there is no dnsmasq)");
	if (def->n_routes)
		return refuse(err, src, def->routes[0].line, "<route>");
	for (size_t i = 0; i < def->dns.n_forwarders; i++)
		if (def->dns.forwarders[i].domain || def->dns.forwarders[i].addr.family != AF_INET)
			return oerr(err, src, def->dns.forwarders[i].line, "<dns><forwarder>: on an OVN network a "
				    "forwarder is an IPv4 addr= only (the DNS server DHCP gives the guests; OVN answers "
				    "the network's own names on the way)");
	if (def->dns.n_srvs || def->dns.n_txts)
		return refuse(err, src, def->dns.line, "<dns> <srv> and <txt> (OVN's DNS answers A records of <host> "
			      "only)");
	if (def->dns.enable == NETDEF_NO)
		return refuse(err, src, def->dns.line, "<dns enable='no'>");
	for (size_t i = 0; i < def->n_portgroups; i++) {
		const struct netdef_portgroup *pg = &def->portgroups[i];

		if (pg->vlan.present)
			return oerr(err, src, pg->line, "<portgroup name='%s'> <vlan>: VLAN tags have no meaning on an OVN "
				    "overlay; make another OVN network instead", pg->name);
		if (pg->bandwidth.inbound.present || pg->bandwidth.outbound.present)
			return refuse(err, src, pg->line, "<portgroup> <bandwidth> (OVN QoS is not mapped)");
		if (pg->virtualport.type != NETDEF_VPORT_NONE)
			return refuse(err, src, pg->line, "<portgroup> <virtualport>");
	}
	for (size_t i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];

		if (ip->family == AF_INET6)
			return oerr(err, src, ip->line, "<ip family='ipv6'>: IPv6 on OVN networks is not mapped yet");
		if (ip4)
			return oerr(err, src, ip->line, "<ip>: an OVN network has one IPv4 subnet");
		ip4 = ip;
		if (ip->tftp_root || ip->bootp_file || ip->n_options)
			return refuse(err, src, ip->line, "<tftp>, <bootp> and <dhcp><option>");
		if (ip->prefix > 29)
			return oerr(err, src, ip->line, "<ip prefix='%u'>: an OVN network needs room for its router and "
				    "ports (prefix at most 29)", ip->prefix);
	}
	if (!ip4)
		return oerr(err, src, o->line, "<netd:ovn>: an OVN network needs an <ip address= prefix=> (its router's "
			    "address and subnet)");
	if (def->mtu && def->mtu > max_mtu)
		return oerr(err, src, 0, "<mtu size='%u'>: larger than the underlay allows (%u = underlay-mtu %u minus "
			    "Geneve's %u)", def->mtu, max_mtu, max_mtu + NETDEF_OVN_GENEVE_OVERHEAD,
			    NETDEF_OVN_GENEVE_OVERHEAD);
	return 0;
}
