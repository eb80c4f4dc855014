/* Addresses and routes over rtnetlink. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "tapdev/tapdev-internal.h"

static struct nl_addr *to_nl_addr(const struct netdef_addr *a, unsigned prefix)
{
	struct nl_addr *n = nl_addr_build(a->family, a->bytes, a->family == AF_INET ? 4 : 16);

	if (n)
		nl_addr_set_prefixlen(n, (int)prefix);
	return n;
}

static int ifindex_of(struct tapdev_nl *nl, const char *ifname, struct nd_err *err)
{
	struct tapdev_link_info info;
	int r = tapdev_link_get(nl, ifname, &info, err);

	if (r == -ENODEV)
		return nd_err_set(err, r, ifname, "no such interface");
	return r < 0 ? r : info.ifindex;
}

int tapdev_addr_add(struct tapdev_nl *nl, const char *ifname, const struct netdef_addr *a,
		    unsigned prefix, struct nd_err *err)
{
	char text[INET6_ADDRSTRLEN], where[96];
	struct rtnl_addr *addr;
	struct nl_addr *local = NULL, *bcast = NULL;
	int idx, r;

	snprintf(where, sizeof(where), "%s %s/%u", ifname, netdef_addr_format(a, text, sizeof(text)), prefix);
	if ((idx = ifindex_of(nl, ifname, err)) < 0)
		return idx;
	addr = rtnl_addr_alloc();
	local = to_nl_addr(a, prefix);
	if (!addr || !local) {
		r = nd_err_set(err, -ENOMEM, where, "out of memory");
		goto out;
	}
	rtnl_addr_set_ifindex(addr, idx);
	rtnl_addr_set_family(addr, a->family);
	rtnl_addr_set_local(addr, local);
	rtnl_addr_set_prefixlen(addr, (int)prefix);
	if (a->family == AF_INET && prefix < 31) {
		struct netdef_addr b = *a;
		uint32_t host = (1u << (32 - prefix)) - 1;

		for (int i = 0; i < 4; i++)
			b.bytes[i] |= (uint8_t)(host >> (24 - 8 * i));
		if ((bcast = to_nl_addr(&b, 32)))
			rtnl_addr_set_broadcast(addr, bcast);
	}
	if (a->family == AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD); /* usable at once: dnsmasq binds it next */
	r = rtnl_addr_add(nl->sk, addr, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0) {
		r = tapdev_nlerr_to_errno(r);
		r = nd_err_set(err, r, where, "cannot add the address: %s", strerror(-r));
	}
out:
	nl_addr_put(local);
	nl_addr_put(bcast);
	rtnl_addr_put(addr);
	return r;
}

int tapdev_route_add(struct tapdev_nl *nl, const char *ifname, const struct netdef_route *rt,
		     struct nd_err *err)
{
	char t1[INET6_ADDRSTRLEN], t2[INET6_ADDRSTRLEN], where[128];
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = to_nl_addr(&rt->address, rt->prefix), *gw = to_nl_addr(&rt->gateway, 0);
	int idx, r;

	snprintf(where, sizeof(where), "route %s/%u via %s", netdef_addr_format(&rt->address, t1, sizeof(t1)),
		 rt->prefix, netdef_addr_format(&rt->gateway, t2, sizeof(t2)));
	if (!route || !nh || !dst || !gw) {
		r = nd_err_set(err, -ENOMEM, where, "out of memory");
		goto out;
	}
	if ((idx = ifindex_of(nl, ifname, err)) < 0) {
		r = idx;
		goto out;
	}
	rtnl_route_set_family(route, (uint8_t)rt->family);
	rtnl_route_set_dst(route, dst);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	if (rt->has_metric)
		rtnl_route_set_priority(route, rt->metric);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_nh_set_ifindex(nh, idx);
	rtnl_route_add_nexthop(route, nh);
	nh = NULL; /* owned by the route now */
	r = rtnl_route_add(nl->sk, route, NLM_F_CREATE | NLM_F_EXCL);
	if (r < 0) {
		r = tapdev_nlerr_to_errno(r);
		r = nd_err_set(err, r, where, "cannot add the route: %s", strerror(-r));
	}
out:
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	nl_addr_put(gw);
	rtnl_route_put(route);
	return r;
}

struct overlap_ctx {
	const struct netdef_addr *addr;
	unsigned prefix;
	int exclude_ifindex;
	char *desc;
	size_t len;
	bool found;
};

static void check_route(struct nl_object *obj, void *arg)
{
	struct rtnl_route *route = (struct rtnl_route *)obj;
	struct overlap_ctx *c = arg;
	struct nl_addr *dst = rtnl_route_get_dst(route);
	struct rtnl_nexthop *nh;
	struct netdef_addr a = { 0 };
	char text[INET6_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	int plen;

	if (c->found || !dst || rtnl_route_get_table(route) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(route) != RTN_UNICAST)
		return;
	plen = nl_addr_get_prefixlen(dst);
	if (plen == 0 || (int)nl_addr_get_family(dst) != c->addr->family)
		return; /* the default route overlaps everything: not a conflict */
	nh = rtnl_route_nexthop_n(route, 0);
	if (nh && c->exclude_ifindex && rtnl_route_nh_get_ifindex(nh) == c->exclude_ifindex)
		return;
	a.family = c->addr->family;
	memcpy(a.bytes, nl_addr_get_binary_addr(dst), a.family == AF_INET ? 4 : 16);
	if (!netdef_subnets_overlap(&a, (unsigned)plen, c->addr, c->prefix))
		return;
	if (nh)
		if_indextoname((unsigned)rtnl_route_nh_get_ifindex(nh), dev);
	snprintf(c->desc, c->len, "%s/%d%s%s", netdef_addr_format(&a, text, sizeof(text)), plen,
		 dev[0] ? " dev " : "", dev);
	c->found = true;
}

int tapdev_route_overlap(struct tapdev_nl *nl, const struct netdef_addr *addr, unsigned prefix,
			 const char *exclude_ifname, char *ret_desc, size_t len, struct nd_err *err)
{
	struct overlap_ctx c = { .addr = addr, .prefix = prefix, .desc = ret_desc, .len = len };
	struct tapdev_link_info info;
	struct nl_cache *cache = NULL;
	int r;

	if (exclude_ifname && tapdev_link_get(nl, exclude_ifname, &info, NULL) == 0)
		c.exclude_ifindex = info.ifindex;
	r = rtnl_route_alloc_cache(nl->sk, addr->family, 0, &cache);
	if (r < 0) {
		r = tapdev_nlerr_to_errno(r);
		return nd_err_set(err, r, "routes", "cannot read the routing table: %s", strerror(-r));
	}
	nl_cache_foreach(cache, check_route, &c);
	nl_cache_free(cache);
	return c.found ? 1 : 0;
}
