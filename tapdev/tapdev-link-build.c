/* Pure request building: a bridge's RTM_NEWLINK as bytes, names from templates. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>

#include "tapdev/tapdev.h"

int tapdev_bridge_build_add(const struct tapdev_bridge_cfg *cfg, void **ret_buf, size_t *ret_len,
			    struct nd_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;
	struct nl_msg *msg;
	struct nlmsghdr *nlh;

	if (!cfg->name || strlen(cfg->name) >= IFNAMSIZ)
		return nd_err_set(err, -EINVAL, "bridge", "bad bridge name");
	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	if (!msg)
		return nd_err_set(err, -ENOMEM, cfg->name, "out of memory");
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, cfg->name) < 0 ||
	    (cfg->has_mac && nla_put(msg, IFLA_ADDRESS, 6, cfg->mac) < 0) ||
	    (cfg->mtu && nla_put_u32(msg, IFLA_MTU, cfg->mtu) < 0) ||
	    !(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
	    !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
	    nla_put_u32(msg, IFLA_BR_STP_STATE, cfg->stp ? 1 : 0) < 0 ||
	    /* the kernel counts the forward delay in clock ticks of 1/100 s */
	    nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, cfg->delay_s * 100) < 0 ||
	    (cfg->vlan_filtering && nla_put_u8(msg, IFLA_BR_VLAN_FILTERING, 1) < 0)) {
		nlmsg_free(msg);
		return nd_err_set(err, -EMSGSIZE, cfg->name, "cannot build the bridge request");
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	nlh = nlmsg_hdr(msg);
	*ret_buf = malloc(nlh->nlmsg_len);
	if (!*ret_buf) {
		nlmsg_free(msg);
		return nd_err_set(err, -ENOMEM, cfg->name, "out of memory");
	}
	memcpy(*ret_buf, nlh, nlh->nlmsg_len);
	*ret_len = nlh->nlmsg_len;
	nlmsg_free(msg);
	return 0;
}

int tapdev_name_from_template(const char *tmpl, bool (*in_use)(const char *name, void *ud), void *ud,
			      char ret[16], struct nd_err *err)
{
	const char *pct = strstr(tmpl, "%d");

	if (!pct) {
		if (strlen(tmpl) >= IFNAMSIZ)
			return nd_err_set(err, -ENAMETOOLONG, tmpl, "interface name too long");
		snprintf(ret, IFNAMSIZ, "%s", tmpl);
		return 0;
	}
	for (int i = 0; i < 100000; i++) {
		char name[64];
		int n = snprintf(name, sizeof(name), "%.*s%d%s", (int)(pct - tmpl), tmpl, i, pct + 2);

		if (n >= IFNAMSIZ)
			break;
		if (!in_use(name, ud)) {
			memcpy(ret, name, (size_t)n + 1);
			return 0;
		}
	}
	return nd_err_set(err, -ENOSPC, tmpl, "no free interface name for template '%s'", tmpl);
}
