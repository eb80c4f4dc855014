/* Making a link a bridge port: MAC and MTU first, then the master, isolation, up. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "tapdev/tapdev-internal.h"

int tapdev_port_build_isolated(int ifindex, bool isolated, void **ret_buf, size_t *ret_len, struct nd_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_SETLINK, 0);
	struct nlattr *prot;
	struct nlmsghdr *nlh;

	if (!msg)
		return nd_err_set(err, -ENOMEM, "port", "out of memory");
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(prot = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED)) ||
	    nla_put_u8(msg, IFLA_BRPORT_ISOLATED, isolated ? 1 : 0) < 0) {
		nlmsg_free(msg);
		return nd_err_set(err, -EMSGSIZE, "port", "cannot build the isolation request");
	}
	nla_nest_end(msg, prot);
	nlh = nlmsg_hdr(msg);
	*ret_buf = malloc(nlh->nlmsg_len);
	if (*ret_buf) {
		memcpy(*ret_buf, nlh, nlh->nlmsg_len);
		*ret_len = nlh->nlmsg_len;
	}
	nlmsg_free(msg);
	return *ret_buf ? 0 : nd_err_set(err, -ENOMEM, "port", "out of memory");
}

int tapdev_port_build_vlans(int ifindex, const struct netdef_vlan *v, bool del, void **ret_buf, size_t *ret_len,
			    struct nd_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = ifindex };
	struct nl_msg *msg = nlmsg_alloc_simple(del ? RTM_DELLINK : RTM_SETLINK, 0);
	bool access = v->n_tags == 1 && v->trunk != NETDEF_YES && v->tags[0].native_mode == NETDEF_NATIVE_NONE;
	struct nlattr *spec;
	struct nlmsghdr *nlh;
	bool bad = false;

	if (!msg)
		return nd_err_set(err, -ENOMEM, "port", "out of memory");
	bad |= nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0;
	bad |= !(spec = nla_nest_start(msg, IFLA_AF_SPEC));
	for (size_t i = 0; !bad && i < v->n_tags; i++) {
		struct bridge_vlan_info info = { .vid = (uint16_t)v->tags[i].id };

		if (access || v->tags[i].native_mode == NETDEF_NATIVE_UNTAGGED)
			info.flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
		else if (v->tags[i].native_mode == NETDEF_NATIVE_TAGGED)
			info.flags = BRIDGE_VLAN_INFO_PVID;
		bad |= nla_put(msg, IFLA_BRIDGE_VLAN_INFO, sizeof(info), &info) < 0;
	}
	if (bad) {
		nlmsg_free(msg);
		return nd_err_set(err, -EMSGSIZE, "port", "cannot build the VLAN request");
	}
	nla_nest_end(msg, spec);
	nlh = nlmsg_hdr(msg);
	*ret_buf = malloc(nlh->nlmsg_len);
	if (*ret_buf) {
		memcpy(*ret_buf, nlh, nlh->nlmsg_len);
		*ret_len = nlh->nlmsg_len;
	}
	nlmsg_free(msg);
	return *ret_buf ? 0 : nd_err_set(err, -ENOMEM, "port", "out of memory");
}

static int send_built(struct tapdev_nl *nl, void *buf, const char *ifname, const char *what, struct nd_err *err)
{
	struct nl_msg *msg = nlmsg_convert(buf);
	int r;

	free(buf);
	if (!msg)
		return nd_err_set(err, -ENOMEM, ifname, "out of memory");
	if ((r = nl_send_sync(nl->sk, msg)) < 0) {
		r = tapdev_nlerr_to_errno(r);
		return nd_err_set(err, r, ifname, "%s: %s", what, strerror(-r));
	}
	return 0;
}

static int apply_vlans(struct tapdev_nl *nl, int ifindex, const char *ifname, const struct netdef_vlan *v,
		       struct nd_err *err)
{
	static struct netdef_vlan_tag one = { .id = 1 };
	struct netdef_vlan dflt = { .present = true, .trunk = NETDEF_YES, .tags = &one, .n_tags = 1 };
	bool keeps_1 = false;
	size_t len;
	void *buf;
	int r;

	for (size_t i = 0; i < v->n_tags; i++)
		keeps_1 |= v->tags[i].id == 1;
	if ((r = tapdev_port_build_vlans(ifindex, v, false, &buf, &len, err)) < 0 ||
	    (r = send_built(nl, buf, ifname, "cannot set the port's VLANs (kernel lacks bridge vlan_filtering?)", err)) < 0)
		return r;
	if (keeps_1)
		return 0;
	if ((r = tapdev_port_build_vlans(ifindex, &dflt, true, &buf, &len, err)) < 0)
		return r;
	return send_built(nl, buf, ifname, "cannot remove the default VLAN 1", err);
}

/* one RTM_NEWLINK for the link with this index, no lookup first */
static int change_index(struct tapdev_nl *nl, int ifindex, const char *ifname, struct rtnl_link *chg,
			const char *what, struct nd_err *err)
{
	struct rtnl_link *orig = rtnl_link_alloc();
	int r;

	if (!orig)
		return nd_err_set(err, -ENOMEM, ifname, "out of memory");
	rtnl_link_set_ifindex(orig, ifindex);
	r = rtnl_link_change(nl->sk, orig, chg, 0);
	rtnl_link_put(orig);
	if (r < 0) {
		r = tapdev_nlerr_to_errno(r);
		return nd_err_set(err, r, ifname, "%s: %s", what, strerror(-r));
	}
	return 0;
}

static int change(struct tapdev_nl *nl, const char *ifname, struct rtnl_link *chg, const char *what,
		  struct nd_err *err)
{
	int ifindex = (int)if_nametoindex(ifname);

	if (!ifindex)
		return nd_err_set(err, -ENODEV, ifname, "%s: no such interface", what);
	return change_index(nl, ifindex, ifname, chg, what, err);
}

/*
 * One request joins the port: the kernel's do_setlink applies the MAC and the
 * MTU first, then IFF_UP, then the master, so the bridge never sees the port
 * with another MAC. A port that still needs isolation or VLAN entries comes
 * up only after those, in a second request: it never forwards unfiltered.
 */
int tapdev_port_attach(struct tapdev_nl *nl, const struct tapdev_port_cfg *cfg, struct nd_err *err)
{
	bool up_at_once = !cfg->isolated && !(cfg->vlan && cfg->vlan->present);
	struct tapdev_link_info br;
	struct rtnl_link *chg;
	int ifindex, r;

	if ((r = tapdev_link_get(nl, cfg->bridge, &br, err)) < 0)
		return r == -ENODEV ? nd_err_set(err, r, cfg->bridge, "bridge does not exist") : r;
	if (!(ifindex = (int)if_nametoindex(cfg->ifname)))
		return nd_err_set(err, -ENODEV, cfg->ifname, "no such interface");
	if (!(chg = rtnl_link_alloc()))
		return nd_err_set(err, -ENOMEM, cfg->ifname, "out of memory");
	if (cfg->has_mac) {
		struct nl_addr *a = nl_addr_build(AF_LLC, cfg->mac, 6);

		rtnl_link_set_addr(chg, a);
		nl_addr_put(a);
	}
	rtnl_link_set_mtu(chg, cfg->mtu ? cfg->mtu : br.mtu);
	rtnl_link_set_master(chg, br.ifindex);
	if (cfg->alias)
		rtnl_link_set_ifalias(chg, cfg->alias);
	if (up_at_once)
		rtnl_link_set_flags(chg, IFF_UP);
	r = change_index(nl, ifindex, cfg->ifname, chg, "cannot set MAC/MTU and join the bridge", err);
	rtnl_link_put(chg);
	if (r < 0 || up_at_once)
		return r;
	if (cfg->isolated) {
		size_t len;
		void *buf;

		if ((r = tapdev_port_build_isolated(ifindex, true, &buf, &len, err)) < 0 ||
		    (r = send_built(nl, buf, cfg->ifname, "cannot isolate the port (kernel lacks bridge port isolation?)",
				    err)) < 0)
			return r;
	}
	if (cfg->vlan && cfg->vlan->present && (r = apply_vlans(nl, ifindex, cfg->ifname, cfg->vlan, err)) < 0)
		return r;
	if (!(chg = rtnl_link_alloc()))
		return nd_err_set(err, -ENOMEM, cfg->ifname, "out of memory");
	rtnl_link_set_flags(chg, IFF_UP);
	r = change_index(nl, ifindex, cfg->ifname, chg, "cannot bring the link up", err);
	rtnl_link_put(chg);
	return r;
}

int tapdev_port_detach(struct tapdev_nl *nl, const char *ifname, struct nd_err *err)
{
	struct rtnl_link *chg = rtnl_link_alloc();
	int r;

	if (!chg)
		return nd_err_set(err, -ENOMEM, ifname, "out of memory");
	rtnl_link_set_master(chg, 0);
	r = change(nl, ifname, chg, "cannot leave the bridge", err);
	rtnl_link_put(chg);
	return r;
}
