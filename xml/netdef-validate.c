#include "xml/netdef.h"

#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Semantic checks in the spirit of libvirt's network_conf.c: everything the
 * daemon later relies on (names usable as files/interfaces/arguments,
 * addresses inside their subnets, no duplicate hosts) is checked here, so a
 * definition that passes can be started without surprises from the model.
 */

struct vctx {
	const char *source;
	struct nd_err *err;
};

static int verr(struct vctx *v, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int verr(struct vctx *v, int line, const char *fmt, ...)
{
	char where[128];
	va_list ap;
	int r;

	if (line > 0)
		snprintf(where, sizeof(where), "%s:%d", v->source, line);
	else
		snprintf(where, sizeof(where), "%s", v->source);
	va_start(ap, fmt);
	r = nd_err_setv(v->err, -EINVAL, where, fmt, ap);
	va_end(ap);
	return r;
}

bool netdef_name_is_safe(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > NETDEF_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.+-", *p))
			return false;
	return true;
}

bool netdef_ifname_is_valid(const char *name, bool allow_template)
{
	size_t len = name ? strlen(name) : 0;
	const char *pct;

	if (len == 0 || name[0] == '-' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-%", *p))
			return false;
	pct = strchr(name, '%');
	if (pct) {
		/* exactly one "%d"; room for the index expanded */
		if (!allow_template || pct[1] != 'd' || strchr(pct + 1, '%'))
			return false;
		return len - 2 + 4 < NETDEF_IFNAMSIZ;
	}
	return len < NETDEF_IFNAMSIZ;
}

/* text that ends up in a dnsmasq config line or a child's argv */
static bool text_is_clean(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool hostname_is_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 253 || s[0] == '-' || s[0] == '.')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	return true;
}

static int check_text(struct vctx *v, int line, const char *elem, const char *attr, const char *s)
{
	if (!text_is_clean(s))
		return verr(v, line, "<%s %s=...>: control characters are not allowed", elem, attr);
	return 0;
}

static int validate_range(struct vctx *v, const struct netdef_ip *ip, const struct netdef_range *rg)
{
	char s[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN], a[INET6_ADDRSTRLEN];
	struct netdef_addr net;

	netdef_addr_format(&rg->start, s, sizeof(s));
	netdef_addr_format(&rg->end, e, sizeof(e));
	netdef_addr_format(&ip->address, a, sizeof(a));
	if (rg->start.family != ip->family || rg->end.family != ip->family)
		return verr(v, rg->line, "<range start='%s' end='%s'>: address family differs from <ip address='%s'>",
			    s, e, a);
	if (!netdef_addr_in_subnet(&rg->start, &ip->address, ip->prefix) ||
	    !netdef_addr_in_subnet(&rg->end, &ip->address, ip->prefix))
		return verr(v, rg->line, "<range start='%s' end='%s'>: not inside the subnet %s/%u", s, e,
			    a, ip->prefix);
	if (netdef_addr_cmp(&rg->start, &rg->end) > 0)
		return verr(v, rg->line, "<range start='%s' end='%s'>: start is after end", s, e);
	netdef_addr_mask(&ip->address, ip->prefix, &net);
	if (netdef_addr_equal(&rg->start, &net) && ip->prefix < (ip->family == AF_INET ? 31u : 127u))
		return verr(v, rg->line, "<range start='%s'>: the range includes the network address", s);
	if (ip->family == AF_INET && ip->prefix < 31) {
		struct netdef_addr bcast = net;
		uint32_t host = ip->prefix == 0 ? 0xffffffffu : (1u << (32 - ip->prefix)) - 1;

		for (int i = 0; i < 4; i++)
			bcast.bytes[i] |= (uint8_t)(host >> (24 - 8 * i));
		if (netdef_addr_equal(&rg->end, &bcast))
			return verr(v, rg->line, "<range end='%s'>: the range includes the broadcast address", e);
	}
	return 0;
}

static int validate_dhcp_host(struct vctx *v, const struct netdef_ip *ip, size_t idx)
{
	const struct netdef_dhcp_host *h = &ip->hosts[idx];
	char a[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN];
	int r;

	netdef_addr_format(&h->ip, a, sizeof(a));
	netdef_addr_format(&ip->address, n, sizeof(n));
	if (ip->family == AF_INET && !h->mac && !h->name)
		return verr(v, h->line, "<host>: an IPv4 DHCP host needs 'mac' or 'name'");
	if (ip->family == AF_INET6 && h->mac)
		return verr(v, h->line, "<host mac='%s'>: IPv6 DHCP hosts are matched by 'id' or 'name', not 'mac'",
			    h->mac);
	if (ip->family == AF_INET6 && !h->id && !h->name)
		return verr(v, h->line, "<host>: an IPv6 DHCP host needs 'id' or 'name'");
	if (!h->ip.family && !h->name)
		return verr(v, h->line, "<host>: needs 'ip' (or at least 'name')");
	if (h->ip.family && !netdef_addr_in_subnet(&h->ip, &ip->address, ip->prefix))
		return verr(v, h->line, "<host ip='%s'>: not inside the subnet %s/%u", a, n, ip->prefix);
	if (h->name && !hostname_is_valid(h->name))
		return verr(v, h->line, "<host name='%.64s'>: not a valid host name", h->name);
	if ((r = check_text(v, h->line, "host", "id", h->id)) < 0)
		return r;
	for (size_t j = 0; j < idx; j++) {
		const struct netdef_dhcp_host *o = &ip->hosts[j];

		if (h->mac && o->mac && strcmp(h->mac, o->mac) == 0)
			return verr(v, h->line, "<host mac='%s'>: MAC already used by the host on line %d",
				    h->mac, o->line);
		if (h->ip.family && netdef_addr_equal(&h->ip, &o->ip))
			return verr(v, h->line, "<host ip='%s'>: IP already used by the host on line %d", a,
				    o->line);
		if (h->id && o->id && strcmp(h->id, o->id) == 0)
			return verr(v, h->line, "<host id='%.64s'>: id already used by the host on line %d",
				    h->id, o->line);
	}
	return 0;
}

static int validate_ip(struct vctx *v, const struct netdef *def, size_t idx)
{
	const struct netdef_ip *ip = &def->ips[idx];
	char a[INET6_ADDRSTRLEN];
	int r;

	netdef_addr_format(&ip->address, a, sizeof(a));
	if (def->forward.mode == NETDEF_FORWARD_BRIDGE)
		return verr(v, ip->line, "<ip address='%s'>: not allowed with forward mode 'bridge' (the host bridge is not netd's)", a);
	if (ip->family == AF_INET && (ip->prefix == 0 || ip->prefix > 32))
		return verr(v, ip->line, "<ip address='%s'>: IPv4 prefix must be 1..32", a);
	if (ip->family == AF_INET6 && (ip->prefix == 0 || ip->prefix > 128))
		return verr(v, ip->line, "<ip address='%s'>: IPv6 prefix must be 1..128", a);
	if (ip->family == AF_INET6 && (ip->tftp_root || ip->bootp_file || ip->n_options))
		return verr(v, ip->line, "<ip address='%s'>: tftp, bootp and DHCP options are IPv4 only", a);
	if ((r = check_text(v, ip->line, "tftp", "root", ip->tftp_root)) < 0 ||
	    (r = check_text(v, ip->line, "bootp", "file", ip->bootp_file)) < 0 ||
	    (r = check_text(v, ip->line, "bootp", "server", ip->bootp_server)) < 0)
		return r;
	for (size_t j = 0; j < idx; j++) {
		if (netdef_addr_equal(&def->ips[j].address, &ip->address))
			return verr(v, ip->line, "<ip address='%s'>: address given twice (also line %d)",
				    a, def->ips[j].line);
		if (ip->has_dhcp && def->ips[j].has_dhcp && def->ips[j].family == ip->family &&
		    (ip->n_ranges || ip->n_hosts) && (def->ips[j].n_ranges || def->ips[j].n_hosts))
			return verr(v, ip->line,
				    "<ip address='%s'>: only one %s address may have DHCP ranges or hosts (line %d has already)",
				    a, ip->family == AF_INET ? "IPv4" : "IPv6", def->ips[j].line);
	}
	for (size_t i = 0; i < ip->n_ranges; i++)
		if ((r = validate_range(v, ip, &ip->ranges[i])) < 0)
			return r;
	for (size_t i = 0; i < ip->n_hosts; i++)
		if ((r = validate_dhcp_host(v, ip, i)) < 0)
			return r;
	for (size_t i = 0; i < ip->n_options; i++)
		if ((r = check_text(v, ip->options[i].line, "option", "value", ip->options[i].value)) < 0)
			return r;
	return 0;
}

static int validate_route(struct vctx *v, const struct netdef *def, const struct netdef_route *rt)
{
	char a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	netdef_addr_format(&rt->address, a, sizeof(a));
	netdef_addr_format(&rt->gateway, g, sizeof(g));
	if (rt->gateway.family != rt->family)
		return verr(v, rt->line, "<route address='%s' gateway='%s'>: address families differ", a, g);
	for (size_t i = 0; i < def->n_ips; i++)
		if (netdef_addr_in_subnet(&rt->gateway, &def->ips[i].address, def->ips[i].prefix))
			return 0;
	return verr(v, rt->line, "<route gateway='%s'>: the gateway is not on any of the network's <ip> subnets", g);
}

static int validate_forward(struct vctx *v, const struct netdef *def)
{
	const struct netdef_forward_def *f = &def->forward;
	const struct netdef_nat *nat = &f->nat;
	const char *mode = netdef_forward_to_string(f->mode);

	if (f->dev && !netdef_ifname_is_valid(f->dev, false))
		return verr(v, f->line, "<forward dev='%.64s'>: not a valid interface name", f->dev);
	for (size_t i = 0; i < f->n_interfaces; i++)
		if (!netdef_ifname_is_valid(f->interfaces[i], false))
			return verr(v, f->line, "<interface dev='%.64s'>: not a valid interface name", f->interfaces[i]);
	if (f->mode == NETDEF_FORWARD_OPEN && (f->dev || f->n_interfaces))
		return verr(v, f->line, "<forward mode='open'>: 'dev' and <interface> are not allowed for an open network");
	if ((f->mode == NETDEF_FORWARD_NAT || f->mode == NETDEF_FORWARD_ROUTE) && f->n_interfaces > 1)
		return verr(v, f->line, "<forward mode='%s'>: at most one <interface> (the outgoing device)", mode);
	if (f->dev && f->n_interfaces && strcmp(f->dev, f->interfaces[0]) != 0)
		return verr(v, f->line, "<forward dev='%s'>: differs from <interface dev='%s'>", f->dev, f->interfaces[0]);
	if (f->mode == NETDEF_FORWARD_BRIDGE) {
		/* a bridge name is needed to start, not to define (libvirt's openvswitch-net) */
		if (f->dev || f->n_interfaces)
			return verr(v, f->line, "<forward mode='bridge'>: <interface>/dev (macvtap direct "
				    "connection) is not supported by netd; use <bridge name='...'/>");
		if (def->dns.present || def->domain.name || def->mac)
			return verr(v, f->line, "<forward mode='bridge'>: <dns>, <domain> and <mac> are not allowed "
				    "(the host bridge is not netd's)");
		/* as libvirt: the host's bridge is not shaped; a portgroup's <bandwidth> applies to each port */
		if (def->bandwidth.inbound.present || def->bandwidth.outbound.present)
			return verr(v, f->line, "<bandwidth>: a network-wide <bandwidth> is not supported with forward "
				    "mode='bridge' (put it in a <portgroup>)");
	}
	if (nat->present && f->mode != NETDEF_FORWARD_NAT)
		return verr(v, f->line, "<nat>: only allowed with forward mode 'nat', not '%s'", mode);
	if (nat->addr_start.family && netdef_addr_cmp(&nat->addr_start, &nat->addr_end) > 0)
		return verr(v, f->line, "<nat><address>: start is after end");
	if ((nat->port_start || nat->port_end) &&
	    (!nat->port_start || !nat->port_end || nat->port_start > nat->port_end))
		return verr(v, f->line, "<nat><port start='%u' end='%u'>: needs 1 <= start <= end <= 65535",
			    nat->port_start, nat->port_end);
	return 0;
}

static int validate_dns(struct vctx *v, const struct netdef *def)
{
	const struct netdef_dns *dns = &def->dns;
	int r;

	if (dns->enable == NETDEF_NO &&
	    (dns->n_forwarders || dns->n_hosts || dns->n_srvs || dns->n_txts))
		return verr(v, dns->line, "<dns enable='no'>: cannot also have forwarders, hosts, srv or txt records");
	if (def->domain.name && !hostname_is_valid(def->domain.name))
		return verr(v, def->domain.line, "<domain name='%.64s'>: not a valid domain name", def->domain.name);
	for (size_t i = 0; i < dns->n_forwarders; i++)
		if (dns->forwarders[i].domain && !hostname_is_valid(dns->forwarders[i].domain))
			return verr(v, dns->forwarders[i].line, "<forwarder domain='%.64s'>: not a valid domain name",
				    dns->forwarders[i].domain);
	for (size_t i = 0; i < dns->n_hosts; i++)
		for (size_t j = 0; j < dns->hosts[i].n_hostnames; j++)
			if (!hostname_is_valid(dns->hosts[i].hostnames[j]))
				return verr(v, dns->hosts[i].line, "<hostname>%.64s</hostname>: not a valid host name",
					    dns->hosts[i].hostnames[j]);
	for (size_t i = 0; i < dns->n_srvs; i++) {
		const struct netdef_dns_srv *s = &dns->srvs[i];

		if (strcmp(s->protocol, "tcp") != 0 && strcmp(s->protocol, "udp") != 0)
			return verr(v, s->line, "<srv protocol='%.64s'>: expected 'tcp' or 'udp'", s->protocol);
		if (!*s->service || strlen(s->service) > 15 || !hostname_is_valid(s->service))
			return verr(v, s->line, "<srv service='%.64s'>: needs 1..15 letters, digits or '-'", s->service);
		/* target '.': "no such service here" (RFC 2782) */
		if ((s->domain && !hostname_is_valid(s->domain)) ||
		    (s->target && strcmp(s->target, ".") != 0 && !hostname_is_valid(s->target)))
			return verr(v, s->line, "<srv>: 'domain' and 'target' must be valid domain names ('.' for target)");
	}
	for (size_t i = 0; i < dns->n_txts; i++) {
		if (!hostname_is_valid(dns->txts[i].name))
			return verr(v, dns->txts[i].line, "<txt name='%.64s'>: not a valid DNS name", dns->txts[i].name);
		if ((r = check_text(v, dns->txts[i].line, "txt", "value", dns->txts[i].value)) < 0)
			return r;
	}
	return 0;
}

static int validate_vlan(struct vctx *v, const struct netdef_vlan *vlan, const char *owner)
{
	if (!vlan->present)
		return 0;
	/* like libvirt: several tags imply a trunk unless trunk='no' says otherwise */
	if (vlan->trunk == NETDEF_NO && vlan->n_tags > 1)
		return verr(v, vlan->line, "%s<vlan trunk='no'>: only one tag is allowed", owner);
	for (size_t i = 0; i < vlan->n_tags; i++) {
		if (vlan->tags[i].native_mode != NETDEF_NATIVE_NONE && vlan->trunk == NETDEF_NO)
			return verr(v, vlan->line, "%s<tag id='%u' nativeMode=...>: nativeMode needs a trunk",
				    owner, vlan->tags[i].id);
		for (size_t j = 0; j < i; j++) {
			if (vlan->tags[i].id == vlan->tags[j].id)
				return verr(v, vlan->line, "%s<tag id='%u'>: tag given twice", owner, vlan->tags[i].id);
			if (vlan->tags[i].native_mode && vlan->tags[j].native_mode)
				return verr(v, vlan->line, "%s<vlan>: only one tag may be the native VLAN", owner);
		}
	}
	return 0;
}

static int validate_portgroups(struct vctx *v, const struct netdef *def)
{
	bool have_default = false;
	char owner[128];
	int r;

	if ((r = validate_vlan(v, &def->vlan, "")) < 0)
		return r;
	for (size_t i = 0; i < def->n_portgroups; i++) {
		const struct netdef_portgroup *pg = &def->portgroups[i];

		if (!netdef_name_is_safe(pg->name))
			return verr(v, pg->line, "<portgroup name='%.64s'>: use letters, digits and _.+- only",
				    pg->name);
		for (size_t j = 0; j < i; j++)
			if (strcmp(pg->name, def->portgroups[j].name) == 0)
				return verr(v, pg->line, "<portgroup name='%s'>: name used twice", pg->name);
		if (pg->is_default && have_default)
			return verr(v, pg->line, "<portgroup name='%s' default='yes'>: another portgroup is already the default",
				    pg->name);
		have_default |= pg->is_default;
		snprintf(owner, sizeof(owner), "<portgroup name='%s'>: ", pg->name);
		if ((r = validate_vlan(v, &pg->vlan, owner)) < 0)
			return r;
	}
	return 0;
}

int netdef_validate(const struct netdef *def, const char *source, struct nd_err *err)
{
	struct vctx v = { .source = source ? source : "<input>", .err = err };
	int r;

	if (!netdef_name_is_safe(def->name))
		return verr(&v, def->name_line, "<name>%.64s</name>: network names use letters, digits and _.+- only, "
			    "at most %d, not starting with '.' or '-'", def->name ? def->name : "", NETDEF_NAME_MAX);
	if (def->title && !text_is_clean(def->title))
		return verr(&v, 0, "<title>: must be a single line without control characters");
	if (def->bridge.name && !netdef_ifname_is_valid(def->bridge.name, def->forward.mode != NETDEF_FORWARD_BRIDGE))
		return verr(&v, def->bridge.line, "<bridge name='%.64s'>: not a valid interface name (at most %d characters, "
			    "letters, digits, _.- and one %%d)", def->bridge.name, NETDEF_IFNAMSIZ - 1);
	if (def->bridge.zone && !netdef_name_is_safe(def->bridge.zone))
		return verr(&v, def->bridge.line, "<bridge zone='%.64s'>: not a valid zone name", def->bridge.zone);
	if ((r = validate_forward(&v, def)) < 0 || (r = validate_dns(&v, def)) < 0)
		return r;
	for (size_t i = 0; i < def->n_ips; i++)
		if ((r = validate_ip(&v, def, i)) < 0)
			return r;
	for (size_t i = 0; i < def->n_routes; i++)
		if ((r = validate_route(&v, def, &def->routes[i])) < 0)
			return r;
	if ((r = validate_portgroups(&v, def)) < 0 || (r = netdef_validate_ovn(def, v.source, err)) < 0)
		return r;
	for (size_t i = 0; i < def->n_dnsmasq_options; i++)
		if (!text_is_clean(def->dnsmasq_options[i]))
			return verr(&v, 0, "<dnsmasq:option value=...>: control characters (newlines) are not allowed");
	return 0;
}
