/* Links over rtnetlink: create a bridge, delete, up/down, look up. */
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

static int nl_fail(struct nd_err *err, int nle, const char *where, const char *what)
{
	int e = tapdev_nlerr_to_errno(nle);

	return nd_err_set(err, e, where, "%s: %s", what, strerror(-e));
}

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
		return nl_fail(err, r, "rtnetlink", "cannot open a route netlink socket");
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

int tapdev_bridge_add(struct tapdev_nl *nl, const struct tapdev_bridge_cfg *cfg, struct nd_err *err)
{
	struct nl_msg *msg;
	size_t len;
	void *buf;
	int r;

	if ((r = tapdev_bridge_build_add(cfg, &buf, &len, err)) < 0)
		return r;
	msg = nlmsg_convert(buf);
	free(buf);
	if (!msg)
		return nd_err_set(err, -ENOMEM, cfg->name, "out of memory");
	r = nl_send_sync(nl->sk, msg); /* frees msg */
	if (r < 0)
		return nl_fail(err, r, cfg->name, "cannot create the bridge");
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
	struct rtnl_link *link = rtnl_link_alloc();
	int r;

	if (!link)
		return nd_err_set(err, -ENOMEM, name, "out of memory");
	rtnl_link_set_name(link, name);
	r = rtnl_link_delete(nl->sk, link);
	rtnl_link_put(link);
	if (r < 0) {
		r = tapdev_nlerr_to_errno(r);
		if (r == -ENODEV || r == -ENOENT)
			return -ENODEV;
		return nd_err_set(err, r, name, "cannot delete the link: %s", strerror(-r));
	}
	return 0;
}

int tapdev_link_set_up(struct tapdev_nl *nl, const char *name, bool up, struct nd_err *err)
{
	struct rtnl_link *orig = NULL, *change;
	int r;

	if ((r = rtnl_link_get_kernel(nl->sk, 0, name, &orig)) < 0)
		return nl_fail(err, r, name, "cannot look up the link");
	change = rtnl_link_alloc();
	if (!change) {
		rtnl_link_put(orig);
		return nd_err_set(err, -ENOMEM, name, "out of memory");
	}
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	r = rtnl_link_change(nl->sk, orig, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(orig);
	if (r < 0)
		return nl_fail(err, r, name, up ? "cannot bring the link up" : "cannot bring the link down");
	return 0;
}

/* applies chg to the link called name; takes chg */
static int change_by_name(struct tapdev_nl *nl, const char *name, struct rtnl_link *chg, const char *what,
			  struct nd_err *err)
{
	struct rtnl_link *orig = NULL;
	int r = rtnl_link_get_kernel(nl->sk, 0, name, &orig);

	if (r >= 0)
		r = rtnl_link_change(nl->sk, orig, chg, 0);
	rtnl_link_put(orig);
	rtnl_link_put(chg);
	return r < 0 ? nl_fail(err, r, name, what) : 0;
}

int tapdev_link_set_alias(struct tapdev_nl *nl, const char *name, const char *alias, struct nd_err *err)
{
	struct rtnl_link *chg = rtnl_link_alloc();

	if (!chg)
		return nd_err_set(err, -ENOMEM, name, "out of memory");
	rtnl_link_set_ifalias(chg, alias);
	return change_by_name(nl, name, chg, "cannot set the interface alias", err);
}

static bool name_in_use(const char *name, void *ud)
{
	return tapdev_link_exists(ud, name);
}

int tapdev_pick_bridge_name(struct tapdev_nl *nl, const char *tmpl, char ret[16], struct nd_err *err)
{
	return tapdev_name_from_template(tmpl, name_in_use, nl, ret, err);
}

int tapdev_link_set_mac_mtu(struct tapdev_nl *nl, const char *name, const uint8_t *mac, unsigned mtu,
			    struct nd_err *err)
{
	struct rtnl_link *chg = rtnl_link_alloc();

	if (!chg)
		return nd_err_set(err, -ENOMEM, name, "out of memory");
	if (mac) {
		struct nl_addr *a = nl_addr_build(AF_LLC, mac, 6);

		rtnl_link_set_addr(chg, a);
		nl_addr_put(a);
	}
	if (mtu)
		rtnl_link_set_mtu(chg, mtu);
	return change_by_name(nl, name, chg, "cannot set MAC/MTU", err);
}
