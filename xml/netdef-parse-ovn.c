/*
 * <netd:ovn> (namespace NETDEF_NETD_NS): where a network's OVN objects live
 * and how it leaves OVN.
 *
 *   <netd:ovn nb='tcp:172.31.0.10:6641' integration-bridge='br-int' underlay-mtu='1500'>
 *     <netd:uplink network='physnet' address='10.99.0.10/24' gateway='10.99.0.2'/>
 *     <netd:gateway chassis='hostA' priority='20'/>
 *   </netd:ovn>
 *
 * Shape only here; what may be combined with what is netdef-validate-ovn.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "xml/netdef-parse-internal.h"

static bool in_netd_ns(const xmlNode *n, const char *name)
{
	return n->ns && strcmp((const char *)n->ns->href, NETDEF_NETD_NS) == 0 && strcmp((const char *)n->name, name) == 0;
}

/* "ADDRESS/PREFIX" */
static int parse_cidr(struct pctx *c, const xmlNode *n, const char *s, struct netdef_addr *addr, unsigned *prefix)
{
	char buf[64];
	char *slash, *end;
	unsigned long p;

	if (strlen(s) >= sizeof(buf) || !(slash = strchr(strcpy(buf, s), '/')))
		return pctx_error(c, n, -EINVAL, "<netd:uplink address='%.64s'>: expected ADDRESS/PREFIX", s);
	*slash = '\0';
	p = strtoul(slash + 1, &end, 10);
	if (netdef_addr_parse(buf, AF_INET, addr) < 0 || addr->family != AF_INET || *end || end == slash + 1 ||
	    p < 1 || p > 30)
		return pctx_error(c, n, -EINVAL, "<netd:uplink address='%.64s'>: expected an IPv4 ADDRESS/PREFIX (prefix 1-30)",
				  s);
	*prefix = (unsigned)p;
	return 0;
}

static int parse_uplink(struct pctx *c, const xmlNode *n, struct netdef_ovn *ovn)
{
	static const char *const attrs[] = { "network", "address", "gateway", NULL };
	_cleanup_free_ char *address = NULL;
	int r;

	if (ovn->has_uplink)
		return pctx_error(c, n, -EINVAL, "<netd:uplink>: element appears more than once");
	ovn->has_uplink = true;
	ovn->uplink_line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_required(c, n, "network", &ovn->uplink_network)) < 0 ||
	    (r = attr_required(c, n, "address", &address)) < 0 ||
	    (r = parse_cidr(c, n, address, &ovn->uplink_address, &ovn->uplink_prefix)) < 0)
		return r;
	return attr_addr(c, n, "gateway", AF_INET, true, &ovn->uplink_gateway);
}

static int parse_gateway(struct pctx *c, const xmlNode *n, struct netdef_ovn *ovn)
{
	static const char *const attrs[] = { "chassis", "priority", NULL };
	struct netdef_ovn_gateway *g;
	unsigned long long prio;
	bool present;
	int r;

	if ((r = check_attrs(c, n, attrs)) < 0)
		return r;
	if (!(g = ARRAY_ADD(ovn->gateways, ovn->n_gateways)))
		return pctx_oom(c, n);
	if ((r = attr_required(c, n, "chassis", &g->chassis)) < 0 ||
	    (r = attr_uint(c, n, "priority", 32767, &present, &prio)) < 0)
		return r;
	g->priority = present ? (unsigned)prio : 1;
	if (present && prio < 1)
		return pctx_error(c, n, -EINVAL, "<netd:gateway priority='0'>: priorities are 1..32767");
	return 0;
}

int parse_ovn(struct pctx *c, const xmlNode *n, struct netdef_ovn *ovn)
{
	static const char *const attrs[] = { "nb", "integration-bridge", "underlay-mtu", NULL };
	unsigned long long mtu;
	bool present;
	int r;

	if (ovn->present)
		return pctx_error(c, n, -EINVAL, "<netd:ovn>: element appears more than once");
	ovn->present = true;
	ovn->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_required(c, n, "nb", &ovn->nb)) < 0 ||
	    (r = attr_dup(c, n, "integration-bridge", &ovn->integration_bridge)) < 0 ||
	    (r = attr_uint(c, n, "underlay-mtu", 65535, &present, &mtu)) < 0)
		return r;
	if (present && mtu < 576)
		return pctx_error(c, n, -EINVAL, "<netd:ovn underlay-mtu='%llu'>: must be 576..65535", mtu);
	ovn->underlay_mtu = present ? (unsigned)mtu : 0;
	for_each_element(ch, n) {
		if (in_netd_ns(ch, "uplink"))
			r = parse_uplink(c, ch, ovn);
		else if (in_netd_ns(ch, "gateway"))
			r = parse_gateway(c, ch, ovn);
		else
			r = unknown_element(c, n, ch);
		if (r < 0)
			return r;
	}
	return 0;
}
