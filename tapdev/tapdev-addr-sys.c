/* Addresses and routes over rtnetlink (built in tapdev-rtnl-build.c), and the overlap check. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "tapdev/tapdev-internal.h"

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
	struct tapdev_req req;
	int idx, r;

	snprintf(where, sizeof(where), "%s %s/%u", ifname, netdef_addr_format(a, text, sizeof(text)), prefix);
	if ((idx = ifindex_of(nl, ifname, err)) < 0 || (r = tapdev_build_addr_add(&req, idx, a, prefix, err)) < 0)
		return idx < 0 ? idx : r;
	return tapdev_nl_apply(nl, &req, where, "cannot add the address", err);
}

int tapdev_route_add(struct tapdev_nl *nl, const char *ifname, const struct netdef_route *rt,
		     struct nd_err *err)
{
	char t1[INET6_ADDRSTRLEN], t2[INET6_ADDRSTRLEN], where[128];
	struct tapdev_req req;
	int idx, r;

	snprintf(where, sizeof(where), "route %s/%u via %s", netdef_addr_format(&rt->address, t1, sizeof(t1)),
		 rt->prefix, netdef_addr_format(&rt->gateway, t2, sizeof(t2)));
	if ((idx = ifindex_of(nl, ifname, err)) < 0 || (r = tapdev_build_route_add(&req, idx, rt, err)) < 0)
		return idx < 0 ? idx : r;
	return tapdev_nl_apply(nl, &req, where, "cannot add the route", err);
}

struct overlap_ctx {
	const struct netdef_addr *addr;
	unsigned prefix;
	int exclude_ifindex;
	char *desc;
	size_t len;
	bool found;
};

/* one route of the dump, parsed in place (libmnl: no allocation per route) */
static int route_attr(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(attr);

	if (type <= RTA_MAX)
		tb[type] = attr;
	return MNL_CB_OK;
}

static int check_route(const struct nlmsghdr *nlh, void *arg)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	struct overlap_ctx *c = arg;
	struct netdef_addr a = { 0 };
	char text[INET6_ADDRSTRLEN], dev[IF_NAMESIZE] = "";
	size_t alen = c->addr->family == AF_INET ? 4 : 16;
	uint32_t table = rtm->rtm_table;
	int oif = 0;

	if (c->found || nlh->nlmsg_type != RTM_NEWROUTE ||
	    mnl_attr_parse(nlh, sizeof(*rtm), route_attr, tb) != MNL_CB_OK)
		return MNL_CB_OK;
	if (tb[RTA_TABLE])
		table = mnl_attr_get_u32(tb[RTA_TABLE]);
	/* the default route overlaps everything: not a conflict */
	if (table != RT_TABLE_MAIN || rtm->rtm_type != RTN_UNICAST || rtm->rtm_family != c->addr->family ||
	    rtm->rtm_dst_len == 0 || !tb[RTA_DST] || mnl_attr_get_payload_len(tb[RTA_DST]) < alen)
		return MNL_CB_OK;
	if (tb[RTA_OIF])
		oif = (int)mnl_attr_get_u32(tb[RTA_OIF]);
	if (c->exclude_ifindex && oif == c->exclude_ifindex)
		return MNL_CB_OK;
	a.family = c->addr->family;
	memcpy(a.bytes, mnl_attr_get_payload(tb[RTA_DST]), alen);
	if (!netdef_subnets_overlap(&a, rtm->rtm_dst_len, c->addr, c->prefix))
		return MNL_CB_OK;
	if (oif)
		if_indextoname((unsigned)oif, dev);
	snprintf(c->desc, c->len, "%s/%d%s%s", netdef_addr_format(&a, text, sizeof(text)), rtm->rtm_dst_len,
		 dev[0] ? " dev " : "", dev);
	c->found = true;
	return MNL_CB_OK;
}

/*
 * A dump of the main table only, asked of the kernel with strict checking
 * (it then filters by table itself; the local table holds two routes per
 * address and is of no interest), parsed in place on a socket of its own.
 * The libnl route cache built an object per route of every table: ~10 ms a
 * start with 1000 networks' routes.
 */
int tapdev_route_overlap(struct tapdev_nl *nl, const struct netdef_addr *addr, unsigned prefix,
			 const char *exclude_ifname, char *ret_desc, size_t len, struct nd_err *err)
{
	struct overlap_ctx c = { .addr = addr, .prefix = prefix, .desc = ret_desc, .len = len };
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct tapdev_link_info info;
	struct mnl_socket *sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;
	uint32_t portid;
	int one = 1, r = 0;
	ssize_t n;

	if (exclude_ifname && tapdev_link_get(nl, exclude_ifname, &info, NULL) == 0)
		c.exclude_ifindex = info.ifindex;
	if (!sk || mnl_socket_bind(sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto out;
	}
	/* older kernels ignore the filter; check_route looks at the table anyway */
	setsockopt(mnl_socket_get_fd(sk), SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	portid = mnl_socket_get_portid(sk);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = 1;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (unsigned char)addr->family;
	rtm->rtm_table = RT_TABLE_MAIN;
	mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_MAIN);
	if (mnl_socket_sendto(sk, nlh, nlh->nlmsg_len) < 0) {
		r = -errno;
		goto out;
	}
	while ((n = mnl_socket_recvfrom(sk, buf, sizeof(buf))) > 0) {
		int cb = mnl_cb_run(buf, (size_t)n, 1, portid, check_route, &c);

		if (cb <= MNL_CB_STOP) {
			if (cb < 0)
				r = -errno;
			break;
		}
	}
	if (n < 0)
		r = -errno;
out:
	if (sk)
		mnl_socket_close(sk);
	if (r < 0)
		return nd_err_set(err, r, "routes", "cannot read the routing table: %s", strerror(-r));
	return c.found ? 1 : 0;
}
