#include "xml/netdef.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-buf.h"

/*
 * Writes libvirt-style XML: two-space indent, single-quoted attributes.
 * Defaults are written out explicitly (uuid; stp/delay of bridges netd
 * creates), so the output parses back to the same model (a fixed point).
 */

static void indent(struct nd_buf *b, int level)
{
	for (int i = 0; i < level; i++)
		nd_buf_puts(b, "  ");
}

static void attr_s(struct nd_buf *b, const char *name, const char *value)
{
	if (!value)
		return;
	nd_buf_printf(b, " %s='", name);
	nd_buf_xml_escape(b, value);
	nd_buf_puts(b, "'");
}

static void attr_u(struct nd_buf *b, const char *name, unsigned long long v)
{
	nd_buf_printf(b, " %s='%llu'", name, v);
}

static void attr_addr(struct nd_buf *b, const char *name, const struct netdef_addr *a)
{
	char s[INET6_ADDRSTRLEN];

	if (a->family)
		attr_s(b, name, netdef_addr_format(a, s, sizeof(s)));
}

static void attr_tri(struct nd_buf *b, const char *name, enum netdef_tristate t, bool on_off)
{
	if (t == NETDEF_YES)
		attr_s(b, name, on_off ? "on" : "yes");
	else if (t == NETDEF_NO)
		attr_s(b, name, on_off ? "off" : "no");
}

static void text_elem(struct nd_buf *b, int level, const char *name, const char *text)
{
	if (!text)
		return;
	indent(b, level);
	nd_buf_printf(b, "<%s>", name);
	nd_buf_xml_escape(b, text);
	nd_buf_printf(b, "</%s>\n", name);
}

static void format_lease(struct nd_buf *b, int level, const struct netdef_lease *l)
{
	indent(b, level);
	nd_buf_puts(b, "<lease");
	attr_u(b, "expiry", l->expiry);
	attr_s(b, "unit", netdef_lease_unit_to_string(l->unit));
	nd_buf_puts(b, "/>\n");
}

/* "/>\n" or ">\n" ... children ... "</name>\n" with the lease inside */
static void close_with_lease(struct nd_buf *b, int level, const char *name,
			     const struct netdef_lease *l)
{
	if (!l->set) {
		nd_buf_puts(b, "/>\n");
		return;
	}
	nd_buf_puts(b, ">\n");
	format_lease(b, level + 1, l);
	indent(b, level);
	nd_buf_printf(b, "</%s>\n", name);
}

static void format_forward(struct nd_buf *b, const struct netdef_forward_def *f)
{
	const struct netdef_nat *nat = &f->nat;
	bool nat_children = nat->addr_start.family || nat->port_start || nat->port_end;

	if (!f->present)
		return;
	nd_buf_puts(b, "  <forward");
	attr_s(b, "mode", netdef_forward_to_string(f->mode));
	attr_s(b, "dev", f->dev);
	if (!nat->present && f->n_interfaces == 0) {
		nd_buf_puts(b, "/>\n");
		return;
	}
	nd_buf_puts(b, ">\n");
	if (nat->present) {
		nd_buf_puts(b, "    <nat");
		attr_tri(b, "ipv6", nat->ipv6, false);
		nd_buf_puts(b, nat_children ? ">\n" : "/>\n");
		if (nat->addr_start.family) {
			nd_buf_puts(b, "      <address");
			attr_addr(b, "start", &nat->addr_start);
			attr_addr(b, "end", &nat->addr_end);
			nd_buf_puts(b, "/>\n");
		}
		if (nat->port_start || nat->port_end) {
			nd_buf_puts(b, "      <port");
			attr_u(b, "start", nat->port_start);
			attr_u(b, "end", nat->port_end);
			nd_buf_puts(b, "/>\n");
		}
		if (nat_children)
			nd_buf_puts(b, "    </nat>\n");
	}
	for (size_t i = 0; i < f->n_interfaces; i++) {
		nd_buf_puts(b, "    <interface");
		attr_s(b, "dev", f->interfaces[i]);
		nd_buf_puts(b, "/>\n");
	}
	nd_buf_puts(b, "  </forward>\n");
}

static void format_bridge(struct nd_buf *b, const struct netdef *def)
{
	const struct netdef_bridge *br = &def->bridge;
	bool ours = def->forward.mode != NETDEF_FORWARD_BRIDGE && !def->ovn.present;

	if (!br->present && !ours)
		return;
	nd_buf_puts(b, "  <bridge");
	attr_s(b, "name", br->name);
	if (ours) {
		/* netd's default is STP off: see README "Bridges and STP" */
		attr_tri(b, "stp", br->stp == NETDEF_ABSENT ? NETDEF_NO : br->stp, true);
		attr_u(b, "delay", br->has_delay ? br->delay : 0);
	} else {
		attr_tri(b, "stp", br->stp, true);
		if (br->has_delay)
			attr_u(b, "delay", br->delay);
	}
	attr_s(b, "macTableManager", br->mac_table_manager);
	attr_s(b, "zone", br->zone);
	nd_buf_puts(b, "/>\n");
}

static void format_dns(struct nd_buf *b, const struct netdef_dns *dns)
{
	bool children = dns->n_forwarders || dns->n_hosts || dns->n_srvs || dns->n_txts;

	if (!dns->present)
		return;
	nd_buf_puts(b, "  <dns");
	attr_tri(b, "enable", dns->enable, false);
	attr_tri(b, "forwardPlainNames", dns->forward_plain_names, false);
	nd_buf_puts(b, children ? ">\n" : "/>\n");
	for (size_t i = 0; i < dns->n_forwarders; i++) {
		nd_buf_puts(b, "    <forwarder");
		attr_s(b, "domain", dns->forwarders[i].domain);
		attr_addr(b, "addr", &dns->forwarders[i].addr);
		nd_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < dns->n_txts; i++) {
		nd_buf_puts(b, "    <txt");
		attr_s(b, "name", dns->txts[i].name);
		attr_s(b, "value", dns->txts[i].value);
		nd_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < dns->n_srvs; i++) {
		const struct netdef_dns_srv *s = &dns->srvs[i];

		nd_buf_puts(b, "    <srv");
		attr_s(b, "service", s->service);
		attr_s(b, "protocol", s->protocol);
		attr_s(b, "domain", s->domain);
		attr_s(b, "target", s->target);
		if (s->has_port)
			attr_u(b, "port", s->port);
		if (s->has_priority)
			attr_u(b, "priority", s->priority);
		if (s->has_weight)
			attr_u(b, "weight", s->weight);
		nd_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < dns->n_hosts; i++) {
		nd_buf_puts(b, "    <host");
		attr_addr(b, "ip", &dns->hosts[i].ip);
		nd_buf_puts(b, ">\n");
		for (size_t j = 0; j < dns->hosts[i].n_hostnames; j++)
			text_elem(b, 3, "hostname", dns->hosts[i].hostnames[j]);
		nd_buf_puts(b, "    </host>\n");
	}
	if (children)
		nd_buf_puts(b, "  </dns>\n");
}

static void attr_family_prefix(struct nd_buf *b, int family, bool family_attr,
			       const struct netdef_addr *addr, unsigned prefix, bool netmask_attr,
			       bool prefix_absent)
{
	if (family == AF_INET6 || family_attr)
		attr_s(b, "family", family == AF_INET6 ? "ipv6" : "ipv4");
	attr_addr(b, "address", addr);
	if (netmask_attr) {
		struct netdef_addr mask;

		netdef_prefix_to_netmask(prefix, &mask);
		attr_addr(b, "netmask", &mask);
	} else if (!prefix_absent) {
		attr_u(b, "prefix", prefix);
	}
}

static void format_dhcp(struct nd_buf *b, const struct netdef_ip *ip)
{
	bool children = ip->n_ranges || ip->n_hosts || ip->bootp_file || ip->n_options;

	nd_buf_puts(b, children ? "    <dhcp>\n" : "    <dhcp/>\n");
	for (size_t i = 0; i < ip->n_ranges; i++) {
		nd_buf_puts(b, "      <range");
		attr_addr(b, "start", &ip->ranges[i].start);
		attr_addr(b, "end", &ip->ranges[i].end);
		close_with_lease(b, 3, "range", &ip->ranges[i].lease);
	}
	for (size_t i = 0; i < ip->n_hosts; i++) {
		const struct netdef_dhcp_host *h = &ip->hosts[i];

		nd_buf_puts(b, "      <host");
		attr_s(b, "mac", h->mac);
		attr_s(b, "id", h->id);
		attr_s(b, "name", h->name);
		attr_addr(b, "ip", &h->ip);
		close_with_lease(b, 3, "host", &h->lease);
	}
	if (ip->bootp_file) {
		nd_buf_puts(b, "      <bootp");
		attr_s(b, "file", ip->bootp_file);
		attr_s(b, "server", ip->bootp_server);
		nd_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < ip->n_options; i++) {
		nd_buf_puts(b, "      <option");
		attr_u(b, "number", ip->options[i].number);
		attr_s(b, "value", ip->options[i].value);
		nd_buf_puts(b, "/>\n");
	}
	if (children)
		nd_buf_puts(b, "    </dhcp>\n");
}

static void format_ip(struct nd_buf *b, const struct netdef_ip *ip)
{
	nd_buf_puts(b, "  <ip");
	attr_family_prefix(b, ip->family, ip->family_attr, &ip->address, ip->prefix,
			   ip->netmask_attr, ip->prefix_absent);
	attr_tri(b, "localPtr", ip->local_ptr, false);
	if (!ip->tftp_root && !ip->has_dhcp) {
		nd_buf_puts(b, "/>\n");
		return;
	}
	nd_buf_puts(b, ">\n");
	if (ip->tftp_root) {
		nd_buf_puts(b, "    <tftp");
		attr_s(b, "root", ip->tftp_root);
		nd_buf_puts(b, "/>\n");
	}
	if (ip->has_dhcp)
		format_dhcp(b, ip);
	nd_buf_puts(b, "  </ip>\n");
}

static void format_route(struct nd_buf *b, const struct netdef_route *rt)
{
	nd_buf_puts(b, "  <route");
	attr_family_prefix(b, rt->family, rt->family_attr, &rt->address, rt->prefix,
			   rt->netmask_attr, rt->prefix_absent);
	attr_addr(b, "gateway", &rt->gateway);
	if (rt->has_metric)
		attr_u(b, "metric", rt->metric);
	nd_buf_puts(b, "/>\n");
}

static void format_virtualport(struct nd_buf *b, int level, const struct netdef_virtualport *vp)
{
	if (vp->type == NETDEF_VPORT_NONE)
		return;
	indent(b, level);
	nd_buf_puts(b, "<virtualport");
	if (vp->type == NETDEF_VPORT_OPENVSWITCH)
		attr_s(b, "type", "openvswitch");
	if (!vp->has_parameters) {
		nd_buf_puts(b, "/>\n");
		return;
	}
	nd_buf_puts(b, ">\n");
	indent(b, level + 1);
	nd_buf_puts(b, "<parameters");
	attr_s(b, "interfaceid", vp->interfaceid);
	attr_s(b, "profileid", vp->profileid);
	nd_buf_puts(b, "/>\n");
	indent(b, level);
	nd_buf_puts(b, "</virtualport>\n");
}

void netdef_format_vlan(struct nd_buf *b, int level, const struct netdef_vlan *v)
{
	if (!v->present)
		return;
	indent(b, level);
	nd_buf_puts(b, "<vlan");
	attr_tri(b, "trunk", v->trunk, false);
	nd_buf_puts(b, ">\n");
	for (size_t i = 0; i < v->n_tags; i++) {
		indent(b, level + 1);
		nd_buf_puts(b, "<tag");
		attr_u(b, "id", v->tags[i].id);
		if (v->tags[i].native_mode != NETDEF_NATIVE_NONE)
			attr_s(b, "nativeMode",
			       v->tags[i].native_mode == NETDEF_NATIVE_TAGGED ? "tagged" : "untagged");
		nd_buf_puts(b, "/>\n");
	}
	indent(b, level);
	nd_buf_puts(b, "</vlan>\n");
}

static void format_rate(struct nd_buf *b, int level, const char *name, const struct netdef_bw_rate *r)
{
	if (!r->present)
		return;
	indent(b, level);
	nd_buf_printf(b, "<%s", name);
	if (r->average)
		attr_u(b, "average", r->average);
	if (r->peak)
		attr_u(b, "peak", r->peak);
	if (r->burst)
		attr_u(b, "burst", r->burst);
	if (r->floor)
		attr_u(b, "floor", r->floor);
	nd_buf_puts(b, "/>\n");
}

void netdef_format_bandwidth(struct nd_buf *b, int level, const struct netdef_bandwidth *bw)
{
	if (!bw->inbound.present && !bw->outbound.present)
		return;
	indent(b, level);
	nd_buf_puts(b, "<bandwidth>\n");
	format_rate(b, level + 1, "inbound", &bw->inbound);
	format_rate(b, level + 1, "outbound", &bw->outbound);
	indent(b, level);
	nd_buf_puts(b, "</bandwidth>\n");
}

static void format_portgroup(struct nd_buf *b, const struct netdef_portgroup *pg)
{
	nd_buf_puts(b, "  <portgroup");
	attr_s(b, "name", pg->name);
	if (pg->is_default)
		attr_s(b, "default", "yes");
	attr_tri(b, "trustGuestRxFilters", pg->trust_guest_rx_filters, false);
	nd_buf_puts(b, ">\n"); /* open and closed even when empty, as libvirt writes it */
	netdef_format_vlan(b, 2, &pg->vlan);
	format_virtualport(b, 2, &pg->virtualport);
	netdef_format_bandwidth(b, 2, &pg->bandwidth);
	nd_buf_puts(b, "  </portgroup>\n");
}

static void format_ovn(struct nd_buf *b, const struct netdef_ovn *ovn)
{
	char addr[64];

	if (!ovn->present)
		return;
	nd_buf_puts(b, "  <netd:ovn");
	attr_s(b, "nb", ovn->nb);
	attr_s(b, "integration-bridge", ovn->integration_bridge);
	if (ovn->underlay_mtu)
		attr_u(b, "underlay-mtu", ovn->underlay_mtu);
	if (!ovn->has_uplink && !ovn->n_gateways) {
		nd_buf_puts(b, "/>\n");
		return;
	}
	nd_buf_puts(b, ">\n");
	if (ovn->has_uplink) {
		nd_buf_puts(b, "    <netd:uplink");
		attr_s(b, "network", ovn->uplink_network);
		netdef_addr_format(&ovn->uplink_address, addr, sizeof(addr));
		nd_buf_printf(b, " address='%s/%u'", addr, ovn->uplink_prefix);
		attr_addr(b, "gateway", &ovn->uplink_gateway);
		nd_buf_puts(b, "/>\n");
	}
	for (size_t i = 0; i < ovn->n_gateways; i++) {
		nd_buf_puts(b, "    <netd:gateway");
		attr_s(b, "chassis", ovn->gateways[i].chassis);
		attr_u(b, "priority", ovn->gateways[i].priority);
		nd_buf_puts(b, "/>\n");
	}
	nd_buf_puts(b, "  </netd:ovn>\n");
}

static void format_head(struct nd_buf *b, const struct netdef *def)
{
	char uuid[37];

	nd_buf_puts(b, "<network");
	if (def->n_dnsmasq_options)
		attr_s(b, "xmlns:dnsmasq", "http://libvirt.org/schemas/network/dnsmasq/1.0");
	if (def->ovn.present)
		attr_s(b, "xmlns:netd", NETDEF_NETD_NS);
	attr_tri(b, "ipv6", def->ipv6, false);
	attr_tri(b, "trustGuestRxFilters", def->trust_guest_rx_filters, false);
	nd_buf_puts(b, ">\n");
	text_elem(b, 1, "name", def->name);
	/* a UUID nobody gave is not shown as if it were one (net-validate would print a new one each run) */
	netdef_uuid_format(def->uuid, uuid);
	if (!def->uuid_generated)
		text_elem(b, 1, "uuid", uuid);
	text_elem(b, 1, "title", def->title);
	text_elem(b, 1, "description", def->description);
	if (def->metadata_xml) {
		nd_buf_puts(b, "  <metadata>\n");
		if (*def->metadata_xml) {
			nd_buf_puts(b, def->metadata_xml);
			nd_buf_puts(b, "\n");
		}
		nd_buf_puts(b, "  </metadata>\n");
	}
}

int netdef_format(const struct netdef *def, char **ret, struct nd_err *err)
{
	struct nd_buf b = { 0 };

	format_head(&b, def);
	format_forward(&b, &def->forward);
	format_bridge(&b, def);
	if (def->mtu)
		nd_buf_printf(&b, "  <mtu size='%u'/>\n", def->mtu);
	if (def->mac)
		nd_buf_printf(&b, "  <mac address='%s'/>\n", def->mac);
	if (def->domain.name) {
		nd_buf_puts(&b, "  <domain");
		attr_s(&b, "name", def->domain.name);
		attr_tri(&b, "localOnly", def->domain.local_only, false);
		attr_tri(&b, "register", def->domain.reg, false);
		nd_buf_puts(&b, "/>\n");
	}
	format_dns(&b, &def->dns);
	for (size_t i = 0; i < def->n_ips; i++)
		format_ip(&b, &def->ips[i]);
	for (size_t i = 0; i < def->n_routes; i++)
		format_route(&b, &def->routes[i]);
	format_virtualport(&b, 1, &def->virtualport);
	netdef_format_vlan(&b, 1, &def->vlan);
	for (size_t i = 0; i < def->n_portgroups; i++)
		format_portgroup(&b, &def->portgroups[i]);
	netdef_format_bandwidth(&b, 1, &def->bandwidth);
	if (def->port_isolated != NETDEF_ABSENT) {
		nd_buf_puts(&b, "  <port");
		attr_tri(&b, "isolated", def->port_isolated, false);
		nd_buf_puts(&b, "/>\n");
	}
	if (def->n_dnsmasq_options) {
		nd_buf_puts(&b, "  <dnsmasq:options>\n");
		for (size_t i = 0; i < def->n_dnsmasq_options; i++) {
			nd_buf_puts(&b, "    <dnsmasq:option");
			attr_s(&b, "value", def->dnsmasq_options[i]);
			nd_buf_puts(&b, "/>\n");
		}
		nd_buf_puts(&b, "  </dnsmasq:options>\n");
	}
	format_ovn(&b, &def->ovn);
	nd_buf_puts(&b, "</network>\n");
	if (nd_buf_error(&b) < 0) {
		nd_buf_free(&b);
		return nd_err_set(err, -ENOMEM, def->name, "out of memory formatting XML");
	}
	*ret = nd_buf_steal(&b);
	return 0;
}
