/*
 * The rtnetlink socket: the one applier of built requests
 * (tapdev-rtnl-build.c), and link lookups.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <sys/socket.h>

#include "tapdev/tapdev-internal.h"

int tapdev_nl_open(struct tapdev_nl **ret, struct nd_err *err)
{
	struct tapdev_nl *nl = calloc(1, sizeof(*nl));
	int r;

	if (!nl || !(nl->sk = nl_socket_alloc())) {
		free(nl);
		return nd_err_set(err, -ENOMEM, "rtnetlink", "out of memory");
	}
	if ((r = nl_connect(nl->sk, NETLINK_ROUTE)) < 0) {
		nl_socket_free(nl->sk);
		free(nl);
		r = tapdev_nlerr_to_errno(r);
		return nd_err_set(err, r, "rtnetlink", "cannot open a route netlink socket: %s", strerror(-r));
	}
	*ret = nl;
	return 0;
}

struct tapdev_nl *tapdev_nl_close(struct tapdev_nl *nl)
{
	if (nl) {
		nl_socket_free(nl->sk);
		free(nl);
	}
	return NULL;
}

int tapdev_nl_apply(struct tapdev_nl *nl, struct tapdev_req *req, const char *where, const char *what, struct nd_err *err)
{
	struct nl_msg *msg = nlmsg_convert((struct nlmsghdr *)req->buf); /* a copy: libnl numbers it and waits for the ACK */
	int r;

	if (!msg)
		return nd_err_set(err, -ENOMEM, where, "out of memory");
	if ((r = nl_send_sync(nl->sk, msg)) < 0) { /* frees msg */
		r = tapdev_nlerr_to_errno(r);
		return nd_err_set(err, r, where, "%s: %s", what, strerror(-r));
	}
	return 0;
}

int tapdev_bridge_add(struct tapdev_nl *nl, const struct tapdev_bridge_cfg *cfg, struct nd_err *err)
{
	struct tapdev_req req;
	int r;

	if ((r = tapdev_build_bridge_add(&req, cfg, err)) < 0 ||
	    (r = tapdev_nl_apply(nl, &req, cfg->name, "cannot create the bridge", err)) < 0)
		return r;
	/* the kernel applies IFLA_IFALIAS on a change, not at creation */
	if (cfg->alias && (r = tapdev_link_set_alias(nl, cfg->name, cfg->alias, err)) < 0) {
		tapdev_link_delete(nl, cfg->name, NULL);
		return r;
	}
	return 0;
}

int tapdev_link_get(struct tapdev_nl *nl, const char *name, struct tapdev_link_info *ret,
		    struct nd_err *err)
{
	struct rtnl_link *link = NULL;
	struct nl_addr *mac;
	const char *kind;
	int r;

	r = rtnl_link_get_kernel(nl->sk, 0, name, &link);
	if (r < 0) {
		r = tapdev_nlerr_to_errno(r);
		if (r == -ENOENT || r == -ENODEV)
			return -ENODEV;
		return nd_err_set(err, r, name, "cannot look up the link: %s", strerror(-r));
	}
	memset(ret, 0, sizeof(*ret));
	ret->ifindex = rtnl_link_get_ifindex(link);
	kind = rtnl_link_get_type(link);
	ret->is_bridge = kind && strcmp(kind, "bridge") == 0;
	ret->up = rtnl_link_get_flags(link) & IFF_UP;
	ret->mtu = rtnl_link_get_mtu(link);
	ret->master = rtnl_link_get_master(link);
	if (rtnl_link_get_ifalias(link))
		snprintf(ret->alias, sizeof(ret->alias), "%s", rtnl_link_get_ifalias(link));
	mac = rtnl_link_get_addr(link);
	if (mac && nl_addr_get_len(mac) == 6)
		memcpy(ret->mac, nl_addr_get_binary_addr(mac), 6);
	rtnl_link_put(link);
	return 0;
}

bool tapdev_link_exists(struct tapdev_nl *nl, const char *name)
{
	struct tapdev_link_info info;

	return tapdev_link_get(nl, name, &info, NULL) != -ENODEV;
}

int tapdev_link_delete(struct tapdev_nl *nl, const char *name, struct nd_err *err)
{
	struct tapdev_req req;
	struct nd_err mine = { 0 };
	int r;

	if ((r = tapdev_build_link_delete(&req, name, err)) < 0)
		return r;
	if ((r = tapdev_nl_apply(nl, &req, name, "cannot delete the link", &mine)) == -ENODEV || r == -ENOENT)
		return -ENODEV;
	if (r < 0 && err)
		*err = mine;
	return r;
}

static int change(struct tapdev_nl *nl, const struct tapdev_link_change *c, const char *what, struct nd_err *err)
{
	struct tapdev_req req;
	int r;

	if ((r = tapdev_build_link_change(&req, c, err)) < 0)
		return r;
	return tapdev_nl_apply(nl, &req, c->name, what, err);
}

int tapdev_link_set_up(struct tapdev_nl *nl, const char *name, bool up, struct nd_err *err)
{
	return change(nl, &(struct tapdev_link_change){ .name = name, .updown = up ? TAPDEV_LINK_UP : TAPDEV_LINK_DOWN },
		      up ? "cannot bring the link up" : "cannot bring the link down", err);
}

int tapdev_link_set_alias(struct tapdev_nl *nl, const char *name, const char *alias, struct nd_err *err)
{
	return change(nl, &(struct tapdev_link_change){ .name = name, .alias = alias },
		      "cannot set the interface alias", err);
}

int tapdev_link_set_mac_mtu(struct tapdev_nl *nl, const char *name, const uint8_t *mac, unsigned mtu,
			    struct nd_err *err)
{
	return change(nl, &(struct tapdev_link_change){ .name = name, .mac = mac, .mtu = mtu }, "cannot set MAC/MTU",
		      err);
}

int tapdev_bridge_ports(struct tapdev_nl *nl, const char *bridge, char (**ret)[16], size_t *ret_n,
			struct nd_err *err)
{
	struct nl_cache *cache = NULL;
	struct tapdev_link_info br;
	char (*v)[16] = NULL;
	size_t n = 0;
	int r;

	*ret = NULL;
	*ret_n = 0;
	if ((r = tapdev_link_get(nl, bridge, &br, err)) < 0)
		return r;
	if ((r = rtnl_link_alloc_cache(nl->sk, AF_UNSPEC, &cache)) < 0) {
		r = tapdev_nlerr_to_errno(r);
		return nd_err_set(err, r, bridge, "cannot list links: %s", strerror(-r));
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_link *l = (struct rtnl_link *)o;
		char (*grown)[16];

		if (rtnl_link_get_master(l) != br.ifindex || !rtnl_link_get_name(l))
			continue;
		if (!(grown = realloc(v, (n + 1) * sizeof(*v)))) {
			free(v);
			nl_cache_free(cache);
			return nd_err_set(err, -ENOMEM, bridge, "out of memory");
		}
		v = grown;
		snprintf(v[n++], sizeof(v[0]), "%s", rtnl_link_get_name(l));
	}
	nl_cache_free(cache);
	*ret = v;
	*ret_n = n;
	return 0;
}

static bool name_in_use(const char *name, void *ud)
{
	return tapdev_link_exists(ud, name);
}

int tapdev_pick_bridge_name(struct tapdev_nl *nl, const char *tmpl, char ret[16], struct nd_err *err)
{
	return tapdev_name_from_template(tmpl, name_in_use, nl, ret, err);
}
