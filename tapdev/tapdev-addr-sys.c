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

/* one route of the dump, raw: no libnl object per route */
static int check_route(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct rtmsg *rtm = nlmsg_data(nlh);
	struct overlap_ctx *c = arg;
	struct nlattr *tb[RTA_MAX + 1];
	struct netdef_addr a = { 0 };
	char text[INET6_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	size_t alen = c->addr->family == AF_INET ? 4 : 16;
	uint32_t table = rtm->rtm_table;
	int oif = 0;

	if (c->found || nlh->nlmsg_type != RTM_NEWROUTE || nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return NL_OK;
	if (tb[RTA_TABLE])
		table = nla_get_u32(tb[RTA_TABLE]);
	/* the default route overlaps everything: not a conflict */
	if (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST || rtm->rtm_family != c->addr->family ||
	    rtm->rtm_dst_len == 0 || !tb[RTA_DST] || nla_len(tb[RTA_DST]) < (int)alen)
		return NL_OK;
	if (tb[RTA_OIF])
		oif = (int)nla_get_u32(tb[RTA_OIF]);
	if (c->exclude_ifindex && oif == c->exclude_ifindex)
		return NL_OK;
	a.family = c->addr->family;
	memcpy(a.bytes, nla_data(tb[RTA_DST]), alen);
	if (!netdef_subnets_overlap(&a, rtm->rtm_dst_len, c->addr, c->prefix))
		return NL_OK;
	if (oif)
		if_indextoname((unsigned)oif, dev);
	snprintf(c->desc, c->len, "%s/%d%s%s", netdef_addr_format(&a, text, sizeof(text)), rtm->rtm_dst_len,
		 dev[0] ? " dev " : "", dev);
	c->found = true;
	return NL_OK;
}

/*
 * A dump of the main table only, asked of the kernel with strict checking
 * (it then filters by table itself; the local table holds two routes per
 * address and is of no interest), read raw on a socket of its own. The
 * libnl route cache built an object per route of every table: ~10 ms a start
 * with 1000 networks' routes.
 */
int tapdev_route_overlap(struct tapdev_nl *nl, const struct netdef_addr *addr, unsigned prefix,
			 const char *exclude_ifname, char *ret_desc, size_t len, struct nd_err *err)
{
	struct overlap_ctx c = { .addr = addr, .prefix = prefix, .desc = ret_desc, .len = len };
	struct rtmsg rtm = { .rtm_family = (unsigned char)addr->family, .rtm_table = RT_TABLE_MAIN };
	struct tapdev_link_info info;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *m = NULL;
	int one = 1, r;

	if (exclude_ifname && tapdev_link_get(nl, exclude_ifname, &info, NULL) == 0)
		c.exclude_ifindex = info.ifindex;
	if (!sk || (r = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		r = sk ? tapdev_nlerr_to_errno(r) : -ENOMEM;
		goto out;
	}
	/* older kernels ignore the filter; check_route looks at the table anyway */
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	if (!(m = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP)) || nlmsg_append(m, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(m, RTA_TABLE, RT_TABLE_MAIN) < 0) {
		r = -ENOMEM;
		goto out;
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, check_route, &c);
	if ((r = nl_send_auto(sk, m)) >= 0)
		r = nl_recvmsgs_default(sk);
	if (r < 0)
		r = tapdev_nlerr_to_errno(r);
out:
	nlmsg_free(m);
	nl_socket_free(sk);
	if (r < 0)
		return nd_err_set(err, r, "routes", "cannot read the routing table: %s", strerror(-r));
	return c.found ? 1 : 0;
}
