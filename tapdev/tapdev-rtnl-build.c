/*
 * Every rtnetlink change netd makes, built as bytes into the caller's buffer
 * (struct tapdev_req). Pure: no socket, no allocation; the one applier
 * (tapdev_nl_apply in tapdev-link-sys.c) sends a request and reads its ACK.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "tapdev/tapdev.h"

static struct nlmsghdr *start(void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(buf, 0, sizeof(struct nlmsghdr));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return nlh;
}

static int too_big(struct nd_err *err, const char *where)
{
	return nd_err_set(err, -EMSGSIZE, where, "netlink request larger than %d bytes", TAPDEV_REQ_SIZE);
}

int tapdev_build_bridge_add(struct tapdev_req *req, const struct tapdev_bridge_cfg *cfg, struct nd_err *err)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *info, *data;
	bool ok;

	if (!cfg->name || !cfg->name[0] || strlen(cfg->name) >= IFNAMSIZ)
		return nd_err_set(err, -EINVAL, "bridge", "bad bridge name");
	nlh = start(req->buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ok = mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, IFLA_IFNAME, cfg->name) &&
	     (!cfg->has_mac || mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, IFLA_ADDRESS, 6, cfg->mac)) &&
	     (!cfg->mtu || mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, IFLA_MTU, cfg->mtu)) &&
	     (info = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, IFLA_LINKINFO)) &&
	     mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, IFLA_INFO_KIND, "bridge") &&
	     (data = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, IFLA_INFO_DATA)) &&
	     mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, IFLA_BR_STP_STATE, cfg->stp ? 1 : 0) &&
	     /* the kernel counts the forward delay in clock ticks of 1/100 s */
	     mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, IFLA_BR_FORWARD_DELAY, cfg->delay_s * 100) &&
	     (!cfg->vlan_filtering || mnl_attr_put_u8_check(nlh, TAPDEV_REQ_SIZE, IFLA_BR_VLAN_FILTERING, 1));
	if (!ok)
		return too_big(err, cfg->name);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return 0;
}

/* the link a change or delete is for: by index when known, else by name (the kernel looks it up) */
static int put_target(struct nlmsghdr *nlh, struct ifinfomsg *ifi, int ifindex, const char *name,
		      struct nd_err *err)
{
	if (ifindex > 0) {
		ifi->ifi_index = ifindex;
		return 0;
	}
	if (!name || !name[0] || strlen(name) >= IFNAMSIZ)
		return nd_err_set(err, -EINVAL, name ? name : "link", "bad interface name");
	return mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, IFLA_IFNAME, name) ? 0 : too_big(err, name);
}

int tapdev_build_link_change(struct tapdev_req *req, const struct tapdev_link_change *c, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req->buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	const char *where = c->name ? c->name : "link";
	int r;

	ifi->ifi_family = AF_UNSPEC;
	if ((r = put_target(nlh, ifi, c->ifindex, c->name, err)) < 0)
		return r;
	if (c->updown != TAPDEV_LINK_KEEP) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = c->updown == TAPDEV_LINK_UP ? IFF_UP : 0;
	}
	if ((c->mac && !mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, IFLA_ADDRESS, 6, c->mac)) ||
	    (c->mtu && !mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, IFLA_MTU, c->mtu)) ||
	    (c->set_master && !mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, IFLA_MASTER, (uint32_t)c->master)) ||
	    (c->alias && !mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, IFLA_IFALIAS, c->alias)))
		return too_big(err, where);
	return 0;
}

int tapdev_build_link_delete(struct tapdev_req *req, const char *name, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req->buf, RTM_DELLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	return put_target(nlh, ifi, 0, name, err);
}

int tapdev_build_port_isolated(struct tapdev_req *req, int ifindex, bool isolated, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req->buf, RTM_SETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *prot;

	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = ifindex;
	if (!(prot = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, IFLA_PROTINFO)) ||
	    !mnl_attr_put_u8_check(nlh, TAPDEV_REQ_SIZE, IFLA_BRPORT_ISOLATED, isolated ? 1 : 0))
		return too_big(err, "port");
	mnl_attr_nest_end(nlh, prot);
	return 0;
}

int tapdev_build_port_vlans(struct tapdev_req *req, int ifindex, const struct netdef_vlan *v, bool del, bool self,
			    struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req->buf, del ? RTM_DELLINK : RTM_SETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	bool access = v->n_tags == 1 && v->trunk != NETDEF_YES && v->tags[0].native_mode == NETDEF_NATIVE_NONE;
	struct nlattr *spec;

	ifi->ifi_family = AF_BRIDGE;
	ifi->ifi_index = ifindex;
	if (!(spec = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, IFLA_AF_SPEC)) ||
	    (self && !mnl_attr_put_u16_check(nlh, TAPDEV_REQ_SIZE, IFLA_BRIDGE_FLAGS, BRIDGE_FLAGS_SELF)))
		return too_big(err, "port");
	for (size_t i = 0; i < v->n_tags; i++) {
		struct bridge_vlan_info info = { .vid = (uint16_t)v->tags[i].id };

		if (access || v->tags[i].native_mode == NETDEF_NATIVE_UNTAGGED)
			info.flags = BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED;
		else if (v->tags[i].native_mode == NETDEF_NATIVE_TAGGED)
			info.flags = BRIDGE_VLAN_INFO_PVID;
		if (!mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, IFLA_BRIDGE_VLAN_INFO, sizeof(info), &info))
			return too_big(err, "port");
	}
	mnl_attr_nest_end(nlh, spec);
	return 0;
}

static size_t addr_len(const struct netdef_addr *a)
{
	return a->family == AF_INET ? 4 : 16;
}

int tapdev_build_addr_add(struct tapdev_req *req, int ifindex, const struct netdef_addr *a, unsigned prefix,
			  struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req->buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	size_t len = addr_len(a);
	bool ok;

	if ((a->family != AF_INET && a->family != AF_INET6) || prefix > len * 8)
		return nd_err_set(err, -EINVAL, "address", "bad address or prefix /%u", prefix);
	ifa->ifa_family = (unsigned char)a->family;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)ifindex;
	if (a->family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD; /* usable at once: dnsmasq binds it next */
	ok = mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, IFA_LOCAL, len, a->bytes) &&
	     mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, IFA_ADDRESS, len, a->bytes);
	if (ok && a->family == AF_INET && prefix < 31) {
		uint8_t bcast[4];
		uint32_t host = (1u << (32 - prefix)) - 1;

		for (int i = 0; i < 4; i++)
			bcast[i] = a->bytes[i] | (uint8_t)(host >> (24 - 8 * i));
		ok = mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, IFA_BROADCAST, 4, bcast);
	}
	return ok ? 0 : too_big(err, "address");
}

int tapdev_build_route_add(struct tapdev_req *req, int ifindex, const struct netdef_route *rt, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req->buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	size_t len = addr_len(&rt->address);
	bool ok;

	if ((rt->family != AF_INET && rt->family != AF_INET6) || rt->prefix > len * 8 ||
	    rt->gateway.family != rt->family)
		return nd_err_set(err, -EINVAL, "route", "bad route");
	rtm->rtm_family = (unsigned char)rt->family;
	rtm->rtm_dst_len = (unsigned char)rt->prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	ok = (rt->prefix == 0 || mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, RTA_DST, len, rt->address.bytes)) &&
	     mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, RTA_GATEWAY, len, rt->gateway.bytes) &&
	     mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, RTA_OIF, (uint32_t)ifindex) &&
	     (!rt->has_metric || mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, RTA_PRIORITY, rt->metric));
	return ok ? 0 : too_big(err, "route");
}
