#include "xml/netdef.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "xml/netdef-parse-internal.h"

static int parse_family(struct pctx *c, const xmlNode *n, int *ret, bool *ret_attr)
{
	_cleanup_free_ char *v = NULL;
	int r;

	*ret = 0;
	*ret_attr = false;
	if ((r = attr_dup(c, n, "family", &v)) < 0 || !v)
		return r;
	*ret_attr = true;
	if (strcmp(v, "ipv4") == 0)
		*ret = AF_INET;
	else if (strcmp(v, "ipv6") == 0)
		*ret = AF_INET6;
	else
		return pctx_error(c, n, -EINVAL, "<%s family='%.64s'>: expected 'ipv4' or 'ipv6'",
				  (const char *)n->name, v);
	return 0;
}

/* libvirt's classful default prefix for an IPv4 address without one */
static unsigned default_prefix(const struct netdef_addr *a)
{
	if (a->family == AF_INET6)
		return 64;
	if (a->bytes[0] < 128)
		return 8;
	if (a->bytes[0] < 192)
		return 16;
	return 24;
}

/* address + netmask|prefix, shared by <ip> and <route> */
static int parse_addr_prefix(struct pctx *c, const xmlNode *n, int *family, bool family_attr,
			     struct netdef_addr *addr, unsigned *prefix, bool *netmask_attr,
			     bool *prefix_absent)
{
	struct netdef_addr mask;
	unsigned long long v;
	bool has_prefix;
	int r;

	if ((r = attr_addr(c, n, "address", family_attr ? *family : 0, true, addr)) < 0)
		return r;
	*family = addr->family;
	if ((r = attr_addr(c, n, "netmask", AF_INET, false, &mask)) < 0)
		return r;
	if ((r = attr_uint(c, n, "prefix", *family == AF_INET ? 32 : 128, &has_prefix, &v)) < 0)
		return r;
	if (mask.family && has_prefix)
		return pctx_error(c, n, -EINVAL, "<%s>: give either netmask or prefix, not both",
				  (const char *)n->name);
	if (mask.family) {
		int p;

		if (*family != AF_INET)
			return pctx_error(c, n, -EINVAL, "<%s>: netmask is only for IPv4, use prefix",
					  (const char *)n->name);
		if ((p = netdef_netmask_to_prefix(&mask)) < 0)
			return pctx_error(c, n, -EINVAL, "<%s>: netmask is not contiguous",
					  (const char *)n->name);
		*prefix = (unsigned)p;
		*netmask_attr = true;
	} else if (has_prefix) {
		*prefix = (unsigned)v;
	} else {
		*prefix = default_prefix(addr);
		*prefix_absent = true;
	}
	return 0;
}

static int parse_lease(struct pctx *c, const xmlNode *parent, struct netdef_lease *lease)
{
	static const char *const attrs[] = { "expiry", "unit", NULL };
	_cleanup_free_ char *unit = NULL;
	unsigned long long v;
	bool present;
	int r;

	for_each_element(ch, parent) {
		if (!node_is(ch, "lease"))
			return unknown_element(c, parent, ch);
		if (lease->set)
			return pctx_error(c, ch, -EINVAL, "<lease>: element appears more than once");
		if ((r = check_attrs(c, ch, attrs)) < 0 ||
		    (r = attr_uint(c, ch, "expiry", 4294967295ull, &present, &v)) < 0 ||
		    (r = attr_dup(c, ch, "unit", &unit)) < 0)
			return r;
		if (!present)
			return pctx_error(c, ch, -EINVAL, "<lease>: missing required attribute 'expiry'");
		lease->set = true;
		lease->expiry = (unsigned long)v;
		lease->unit = NETDEF_LEASE_MINUTES; /* libvirt's default unit */
		if (unit) {
			int u = netdef_lease_unit_from_string(unit);

			if (u < 0)
				return pctx_error(c, ch, -EINVAL,
						  "<lease unit='%.64s'>: expected seconds, minutes or hours",
						  unit);
			lease->unit = (enum netdef_lease_unit)u;
		}
	}
	return 0;
}

int parse_dhcp_host(struct pctx *c, const xmlNode *n, struct netdef_ip *ip)
{
	static const char *const attrs[] = { "mac", "id", "name", "ip", NULL };
	struct netdef_dhcp_host *h;
	uint8_t mac[6];
	int r;

	if (!(h = ARRAY_ADD(ip->hosts, ip->n_hosts)))
		return pctx_oom(c, n);
	h->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_dup(c, n, "mac", &h->mac)) < 0 ||
	    (r = attr_dup(c, n, "id", &h->id)) < 0 || (r = attr_dup(c, n, "name", &h->name)) < 0 ||
	    (r = attr_addr(c, n, "ip", ip->family, false, &h->ip)) < 0)
		return r;
	if (h->mac) {
		if (netdef_mac_parse(h->mac, mac) < 0)
			return pctx_error(c, n, -EINVAL, "<host mac='%.64s'>: not a valid MAC address",
					  h->mac);
		netdef_mac_format(mac, h->mac);
	}
	return parse_lease(c, n, &h->lease);
}

static int parse_dhcp_option(struct pctx *c, const xmlNode *n, struct netdef_ip *ip)
{
	static const char *const attrs[] = { "number", "value", NULL };
	struct netdef_dhcp_option *o;
	unsigned long long v;
	bool present;
	int r;

	if (!(o = ARRAY_ADD(ip->options, ip->n_options)))
		return pctx_oom(c, n);
	o->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 ||
	    (r = attr_uint(c, n, "number", 255, &present, &v)) < 0 ||
	    (r = attr_dup(c, n, "value", &o->value)) < 0)
		return r;
	if (!present)
		return pctx_error(c, n, -EINVAL, "<option>: missing required attribute 'number'");
	o->number = (unsigned)v;
	return 0;
}

static int parse_dhcp(struct pctx *c, const xmlNode *n, struct netdef_ip *ip)
{
	static const char *const range_attrs[] = { "start", "end", NULL };
	static const char *const bootp_attrs[] = { "file", "server", NULL };
	int r;

	if (ip->has_dhcp)
		return pctx_error(c, n, -EINVAL, "<dhcp>: element appears more than once in <ip>");
	ip->has_dhcp = true;
	if ((r = check_attrs(c, n, (const char *const[]){ NULL })) < 0)
		return r;
	for_each_element(ch, n) {
		if (node_is(ch, "range")) {
			struct netdef_range *rg = ARRAY_ADD(ip->ranges, ip->n_ranges);

			if (!rg)
				return pctx_oom(c, ch);
			rg->line = (int)xmlGetLineNo(ch);
			if ((r = check_attrs(c, ch, range_attrs)) < 0 ||
			    (r = attr_addr(c, ch, "start", ip->family, true, &rg->start)) < 0 ||
			    (r = attr_addr(c, ch, "end", ip->family, true, &rg->end)) < 0 ||
			    (r = parse_lease(c, ch, &rg->lease)) < 0)
				return r;
		} else if (node_is(ch, "host")) {
			if ((r = parse_dhcp_host(c, ch, ip)) < 0)
				return r;
		} else if (node_is(ch, "bootp")) {
			if (ip->bootp_file)
				return pctx_error(c, ch, -EINVAL, "<bootp>: element appears more than once");
			if ((r = check_attrs(c, ch, bootp_attrs)) < 0 ||
			    (r = attr_required(c, ch, "file", &ip->bootp_file)) < 0 ||
			    (r = attr_dup(c, ch, "server", &ip->bootp_server)) < 0)
				return r;
		} else if (node_is(ch, "option")) {
			if ((r = parse_dhcp_option(c, ch, ip)) < 0)
				return r;
		} else {
			return unknown_element(c, n, ch);
		}
	}
	return 0;
}

int parse_ip(struct pctx *c, const xmlNode *n, struct netdef *def)
{
	static const char *const attrs[] = { "address", "netmask", "prefix", "family", "localPtr", NULL };
	struct netdef_ip *ip;
	int r;

	if (!(ip = ARRAY_ADD(def->ips, def->n_ips)))
		return pctx_oom(c, n);
	ip->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 ||
	    (r = parse_family(c, n, &ip->family, &ip->family_attr)) < 0 ||
	    (r = parse_addr_prefix(c, n, &ip->family, ip->family_attr, &ip->address, &ip->prefix,
				   &ip->netmask_attr, &ip->prefix_absent)) < 0 ||
	    (r = attr_tristate(c, n, "localPtr", false, &ip->local_ptr)) < 0)
		return r;
	for_each_element(ch, n) {
		if (node_is(ch, "dhcp")) {
			if ((r = parse_dhcp(c, ch, ip)) < 0)
				return r;
		} else if (node_is(ch, "tftp")) {
			static const char *const tftp_attrs[] = { "root", NULL };

			if (ip->tftp_root)
				return pctx_error(c, ch, -EINVAL, "<tftp>: element appears more than once");
			if ((r = check_attrs(c, ch, tftp_attrs)) < 0 ||
			    (r = attr_required(c, ch, "root", &ip->tftp_root)) < 0)
				return r;
		} else {
			return unknown_element(c, n, ch);
		}
	}
	return 0;
}

int parse_route(struct pctx *c, const xmlNode *n, struct netdef *def)
{
	static const char *const attrs[] = { "address", "netmask", "prefix", "family", "gateway",
					     "metric", NULL };
	struct netdef_route *rt;
	unsigned long long v;
	int r;

	if (!(rt = ARRAY_ADD(def->routes, def->n_routes)))
		return pctx_oom(c, n);
	rt->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 ||
	    (r = parse_family(c, n, &rt->family, &rt->family_attr)) < 0 ||
	    (r = parse_addr_prefix(c, n, &rt->family, rt->family_attr, &rt->address, &rt->prefix,
				   &rt->netmask_attr, &rt->prefix_absent)) < 0 ||
	    (r = attr_addr(c, n, "gateway", rt->family, true, &rt->gateway)) < 0 ||
	    (r = attr_uint(c, n, "metric", 4294967295ull, &rt->has_metric, &v)) < 0)
		return r;
	rt->metric = (unsigned)v;
	if (rt->has_metric && v == 0)
		return pctx_error(c, n, -EINVAL, "<route metric='0'>: metric must be 1 or more");
	for_each_element(ch, n) return unknown_element(c, n, ch);
	return 0;
}
