/*
 * A device's shaping (tapdev-qos-build.c) put in place: what was there is
 * removed first, so applying again changes it (net-update of a portgroup);
 * a kernel without a piece is named in the error.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "tapdev/tapdev-internal.h"

static void module_missing(const char *module, const char *what, const char *ifname, int r, struct nd_err *err)
{
	struct stat st;
	char path[64];

	snprintf(path, sizeof(path), "/sys/module/%s", module);
	if ((r == -ENOENT || r == -EOPNOTSUPP) && stat(path, &st) < 0)
		nd_err_set(err, -EOPNOTSUPP, ifname, "<bandwidth>: kernel lacks %s (%s)", module, what);
}

/* one request; a kernel without the module it needs gets it named */
static int apply(struct tapdev_nl *nl, struct tapdev_req *req, const char *ifname, const char *module,
		 const char *what, struct nd_err *err)
{
	struct nd_err e = { 0 };
	int r = tapdev_nl_apply(nl, req, ifname, what, &e);

	if (r < 0) {
		module_missing(module, what, ifname, r, err);
		if (err && !err->code)
			*err = e;
	}
	return r;
}

int tapdev_qos_floor_plug(struct tapdev_nl *nl, const char *bridge, const uint8_t mac[6], unsigned minor,
			  const struct tapdev_rate *r, struct nd_err *err)
{
	int ifindex = (int)if_nametoindex(bridge), rr;
	struct tapdev_req req;

	if (!ifindex)
		return nd_err_set(err, -ENODEV, bridge, "no such interface");
	if ((rr = tapdev_build_htb_class(&req, ifindex, TAPDEV_QOS_CLASS(minor), TAPDEV_QOS_CLASS(1), r, false, err)) < 0 ||
	    (rr = apply(nl, &req, bridge, "sch_htb", "cannot add the guest's floor class", err)) < 0)
		return rr;
	/* fair queueing inside the class when the kernel has it, as for the others */
	if (tapdev_build_sfq_leaf(&req, ifindex, (uint32_t)minor << 16, TAPDEV_QOS_CLASS(minor), NULL) == 0)
		tapdev_nl_apply(nl, &req, bridge, "", NULL);
	if ((rr = tapdev_build_mac_filter(&req, ifindex, mac, TAPDEV_QOS_CLASS(minor), false, err)) < 0 ||
	    (rr = apply(nl, &req, bridge, "cls_u32", "cannot add the guest's MAC filter", err)) < 0) {
		tapdev_qos_floor_unplug(nl, bridge, minor);
		return rr;
	}
	return 0;
}

void tapdev_qos_floor_unplug(struct tapdev_nl *nl, const char *bridge, unsigned minor)
{
	int ifindex = (int)if_nametoindex(bridge);
	static const uint8_t none[6];
	struct tapdev_req req;

	if (!ifindex)
		return;
	if (tapdev_build_mac_filter(&req, ifindex, none, TAPDEV_QOS_CLASS(minor), true, NULL) == 0)
		tapdev_nl_apply(nl, &req, bridge, "", NULL);
	if (tapdev_build_tclass_delete(&req, ifindex, TAPDEV_QOS_CLASS(minor), NULL) == 0)
		tapdev_nl_apply(nl, &req, bridge, "", NULL);
}

int tapdev_qos_default_class(struct tapdev_nl *nl, const char *bridge, const struct tapdev_rate *r, struct nd_err *err)
{
	int ifindex = (int)if_nametoindex(bridge), rr;
	struct tapdev_req req;

	if (!ifindex)
		return nd_err_set(err, -ENODEV, bridge, "no such interface");
	if ((rr = tapdev_build_htb_class(&req, ifindex, TAPDEV_QOS_CLASS(2), TAPDEV_QOS_CLASS(1), r, true, err)) < 0)
		return rr;
	return tapdev_nl_apply(nl, &req, bridge, "cannot change the unclassified traffic's class", err);
}

int tapdev_qos_clear(struct tapdev_nl *nl, const char *ifname, struct nd_err *err)
{
	struct tapdev_req req;
	int ifindex = (int)if_nametoindex(ifname);

	if (!ifindex)
		return nd_err_set(err, -ENODEV, ifname, "no such interface");
	/* nothing there is fine: the kernel says ENOENT or EINVAL */
	tapdev_build_qdisc_delete(&req, ifindex, false, NULL);
	tapdev_nl_apply(nl, &req, ifname, "", NULL);
	tapdev_build_qdisc_delete(&req, ifindex, true, NULL);
	tapdev_nl_apply(nl, &req, ifname, "", NULL);
	return 0;
}

int tapdev_qos_set(struct tapdev_nl *nl, const char *ifname, const struct tapdev_qos *q, struct nd_err *err)
{
	struct tapdev_req req;
	int ifindex = (int)if_nametoindex(ifname), r;
	bool no_sfq = false;

	if ((r = tapdev_qos_clear(nl, ifname, err)) < 0)
		return r;
	/* hierarchical (a network's bridge, as libvirt): 1:1 the network's rate, 1:2 under it what no
	 * guest's floor claims, 1:3... the floors (tapdev_qos_floor_plug) */
	if (q->in.rate_Bps &&
	    ((r = tapdev_build_htb_root(&req, ifindex, q->hierarchical ? 2 : 1, err)) < 0 ||
	     (r = apply(nl, &req, ifname, "sch_htb", "cannot add the HTB qdisc (inbound)", err)) < 0 ||
	     (r = tapdev_build_htb_class(&req, ifindex, TAPDEV_QOS_CLASS(1), TAPDEV_QOS_CLASS(0), &q->in, false, err)) < 0 ||
	     (r = apply(nl, &req, ifname, "sch_htb", "cannot add the HTB class (inbound)", err)) < 0 ||
	     (q->hierarchical &&
	      ((r = tapdev_build_htb_class(&req, ifindex, TAPDEV_QOS_CLASS(2), TAPDEV_QOS_CLASS(1), &q->in, false, err)) < 0 ||
	       (r = apply(nl, &req, ifname, "sch_htb", "cannot add the HTB default class (inbound)", err)) < 0)) ||
	     (r = tapdev_build_sfq_leaf(&req, ifindex, 0x00020000u,
					TAPDEV_QOS_CLASS(q->hierarchical ? 2 : 1), err)) < 0))
		goto fail;
	/* SFQ only shares the rate fairly among flows: without it the class keeps HTB's own FIFO leaf */
	if (q->in.rate_Bps && (r = tapdev_nl_apply(nl, &req, ifname, "cannot add the SFQ qdisc (inbound)", NULL)) < 0) {
		if (r != -ENOENT && r != -EOPNOTSUPP) {
			apply(nl, &req, ifname, "sch_sfq", "cannot add the SFQ qdisc (inbound)", err);
			goto fail;
		}
		no_sfq = true;
	}
	if (q->out.rate_Bps &&
	    ((r = tapdev_build_ingress(&req, ifindex, err)) < 0 ||
	     (r = apply(nl, &req, ifname, "sch_ingress", "cannot add the ingress qdisc (outbound)", err)) < 0 ||
	     (r = tapdev_build_police_filter(&req, ifindex, &q->out, err)) < 0 ||
	     (r = apply(nl, &req, ifname, "act_police", "cannot add the policing filter (outbound)", err)) < 0))
		goto fail;
	return no_sfq ? TAPDEV_QOS_NO_SFQ : 0;
fail:
	tapdev_qos_clear(nl, ifname, NULL);
	return r;
}
