/* Making a link a bridge port: MAC and MTU first, then the master, isolation, up. */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <linux/netlink.h>

#include "tapdev/tapdev-internal.h"

static int apply_vlans(struct tapdev_nl *nl, int ifindex, const char *ifname, const struct netdef_vlan *v, bool self,
		       struct nd_err *err)
{
	static struct netdef_vlan_tag one = { .id = 1 };
	struct netdef_vlan dflt = { .present = true, .trunk = NETDEF_YES, .tags = &one, .n_tags = 1 };
	bool keeps_1 = false;
	struct tapdev_req req;
	int r;

	for (size_t i = 0; i < v->n_tags; i++)
		keeps_1 |= v->tags[i].id == 1;
	if ((r = tapdev_build_port_vlans(&req, ifindex, v, false, self, err)) < 0 ||
	    (r = tapdev_nl_apply(nl, &req, ifname, "cannot set the port's VLANs (kernel lacks bridge vlan_filtering?)",
				 err)) < 0)
		return r;
	if (keeps_1)
		return 0;
	if ((r = tapdev_build_port_vlans(&req, ifindex, &dflt, true, self, err)) < 0)
		return r;
	return tapdev_nl_apply(nl, &req, ifname, "cannot remove the default VLAN 1", err);
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
	struct tapdev_link_change join = { .name = cfg->ifname, .mac = cfg->has_mac ? cfg->mac : NULL,
					   .mtu = cfg->mtu, .set_master = true, .alias = cfg->alias,
					   .updown = up_at_once ? TAPDEV_LINK_UP : TAPDEV_LINK_KEEP };
	struct tapdev_link_change up = { .name = cfg->ifname, .updown = TAPDEV_LINK_UP };
	struct tapdev_link_info br;
	struct tapdev_req req;
	int ifindex, r;

	if ((r = tapdev_link_get(nl, cfg->bridge, &br, err)) < 0)
		return r == -ENODEV ? nd_err_set(err, r, cfg->bridge, "bridge does not exist") : r;
	if (!(ifindex = (int)if_nametoindex(cfg->ifname)))
		return nd_err_set(err, -ENODEV, cfg->ifname, "no such interface");
	join.ifindex = up.ifindex = ifindex;
	join.master = br.ifindex;
	if (!join.mtu)
		join.mtu = br.mtu;
	if ((r = tapdev_build_link_change(&req, &join, err)) < 0 ||
	    (r = tapdev_nl_apply(nl, &req, cfg->ifname, "cannot set MAC/MTU and join the bridge", err)) < 0 ||
	    up_at_once)
		return r;
	if (cfg->isolated &&
	    ((r = tapdev_build_port_isolated(&req, ifindex, true, err)) < 0 ||
	     (r = tapdev_nl_apply(nl, &req, cfg->ifname, "cannot isolate the port (kernel lacks bridge port isolation?)",
				  err)) < 0))
		return r;
	if (cfg->vlan && cfg->vlan->present && (r = apply_vlans(nl, ifindex, cfg->ifname, cfg->vlan, false, err)) < 0)
		return r;
	if ((r = tapdev_build_link_change(&req, &up, err)) < 0)
		return r;
	return tapdev_nl_apply(nl, &req, cfg->ifname, "cannot bring the link up", err);
}

int tapdev_bridge_self_vlans(struct tapdev_nl *nl, const char *bridge, const struct netdef_vlan *v, struct nd_err *err)
{
	int ifindex = (int)if_nametoindex(bridge);

	if (!ifindex)
		return nd_err_set(err, -ENODEV, bridge, "no such interface");
	return apply_vlans(nl, ifindex, bridge, v, true, err);
}

int tapdev_port_detach(struct tapdev_nl *nl, const char *ifname, struct nd_err *err)
{
	struct tapdev_req req;
	int r;

	if ((r = tapdev_build_link_change(&req, &(struct tapdev_link_change){ .name = ifname, .set_master = true },
					  err)) < 0)
		return r;
	return tapdev_nl_apply(nl, &req, ifname, "cannot leave the bridge", err);
}
