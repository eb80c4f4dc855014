/*
 * Traffic shaping as libvirt sets it, built as rtnetlink requests (pure):
 *
 *   inbound (towards the guest: the device's transmit side)
 *     qdisc root 1: htb default 1
 *     class 1:1 htb rate AVERAGE ceil PEAK|AVERAGE burst BURST
 *     qdisc 2: sfq (parent 1:1) perturb 10
 *   outbound (from the guest: the device's receive side)
 *     qdisc ffff: ingress
 *     filter parent ffff: u32 match all, police rate AVERAGE burst BURST mtu 64k drop
 *
 * The kernel keeps time in psched ticks of 64 ns (PSCHED_SHIFT 6): a burst
 * is the time its bytes take at the rate. The police action still wants a
 * rate table (256 cells of transmit times); HTB does not.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>

#include "tapdev/tapdev.h"

#define PSCHED_NS_PER_TICK 64ull
#define HTB_HANDLE 0x00010000u  /* 1: */
#define HTB_CLASS 0x00010001u   /* 1:1 */
#define SFQ_HANDLE 0x00020000u  /* 2: */
#define INGRESS_HANDLE 0xffff0000u

static void from_rate(const struct netdef_bw_rate *r, bool policed, struct tapdev_rate *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!r->present || !r->average)
		return;
	ret->rate_Bps = r->average * 1000;
	ret->peak_Bps = r->peak * 1000;
	/* libvirt: tc's own default for HTB (a tick's bytes and an MTU), the average's kilobytes for police */
	ret->burst_bytes = r->burst ? r->burst * 1024 : policed ? r->average * 1024 : ret->rate_Bps / 1000 + 1600;
}

void tapdev_qos_from_bandwidth(const struct netdef_bandwidth *bw, struct tapdev_qos *ret)
{
	memset(ret, 0, sizeof(*ret)); /* flat unless the caller says otherwise */
	from_rate(&bw->inbound, false, &ret->in);
	from_rate(&bw->outbound, true, &ret->out);
}

bool tapdev_qos_any(const struct tapdev_qos *q)
{
	return q->in.rate_Bps || q->out.rate_Bps;
}

uint32_t tapdev_qos_ticks(unsigned long long bytes, unsigned long long rate_Bps)
{
	unsigned long long t;

	if (!rate_Bps)
		return 0;
	t = bytes * 1000000000ull / rate_Bps / PSCHED_NS_PER_TICK;
	return t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
}

static struct nlmsghdr *start(struct tapdev_req *req, uint16_t type, uint16_t flags, int ifindex, uint32_t handle,
			      uint32_t parent, struct tcmsg **ret)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	memset(req->buf, 0, sizeof(struct nlmsghdr));
	nlh = mnl_nlmsg_put_header(req->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_handle = handle;
	tcm->tcm_parent = parent;
	if (ret)
		*ret = tcm;
	return nlh;
}

static int too_big(struct nd_err *err)
{
	return nd_err_set(err, -EMSGSIZE, "tc", "netlink request larger than %d bytes", TAPDEV_REQ_SIZE);
}

static void ratespec(struct tc_ratespec *r, unsigned long long rate_Bps)
{
	memset(r, 0, sizeof(*r));
	r->rate = rate_Bps > UINT32_MAX ? UINT32_MAX : (uint32_t)rate_Bps; /* the 64-bit attribute carries more */
	r->linklayer = TC_LINKLAYER_ETHERNET;
	r->cell_align = -1;
}

int tapdev_build_qdisc_delete(struct tapdev_req *req, int ifindex, bool ingress, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req, RTM_DELQDISC, 0, ifindex, ingress ? INGRESS_HANDLE : 0,
				     ingress ? TC_H_INGRESS : TC_H_ROOT, NULL);

	(void)nlh;
	(void)err;
	return 0;
}

int tapdev_build_htb_root(struct tapdev_req *req, int ifindex, unsigned defcls, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, HTB_HANDLE, TC_H_ROOT, NULL);
	struct tc_htb_glob glob = { .version = 3, .rate2quantum = 10, .defcls = defcls };
	struct nlattr *opt;

	if (!mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_KIND, "htb") ||
	    !(opt = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, TCA_OPTIONS)) ||
	    !mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, TCA_HTB_INIT, sizeof(glob), &glob))
		return too_big(err);
	mnl_attr_nest_end(nlh, opt);
	return 0;
}

int tapdev_build_htb_class(struct tapdev_req *req, int ifindex, uint32_t classid, uint32_t parent,
			   const struct tapdev_rate *r, bool replace, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req, RTM_NEWTCLASS, replace ? NLM_F_REPLACE : NLM_F_CREATE | NLM_F_EXCL, ifindex,
				     classid, parent, NULL);
	unsigned long long ceil = r->peak_Bps > r->rate_Bps ? r->peak_Bps : r->rate_Bps;
	struct tc_htb_opt o = { 0 };
	struct nlattr *opt;
	bool ok;

	if (!r->rate_Bps)
		return nd_err_set(err, -EINVAL, "tc", "a shaped rate of 0");
	ratespec(&o.rate, r->rate_Bps);
	ratespec(&o.ceil, ceil);
	o.buffer = tapdev_qos_ticks(r->burst_bytes, r->rate_Bps);
	o.cbuffer = tapdev_qos_ticks(r->burst_bytes, ceil);
	/* a tenth of a second's bytes per round, within what HTB takes without complaint */
	o.quantum = (uint32_t)(r->rate_Bps / 10 < 1600 ? 1600 : r->rate_Bps / 10 > 200000 ? 200000 : r->rate_Bps / 10);
	ok = mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_KIND, "htb") &&
	     (opt = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, TCA_OPTIONS)) &&
	     mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, TCA_HTB_PARMS, sizeof(o), &o) &&
	     (r->rate_Bps <= UINT32_MAX || mnl_attr_put_u64_check(nlh, TAPDEV_REQ_SIZE, TCA_HTB_RATE64, r->rate_Bps)) &&
	     (ceil <= UINT32_MAX || mnl_attr_put_u64_check(nlh, TAPDEV_REQ_SIZE, TCA_HTB_CEIL64, ceil));
	if (!ok)
		return too_big(err);
	mnl_attr_nest_end(nlh, opt);
	return 0;
}

int tapdev_build_sfq_leaf(struct tapdev_req *req, int ifindex, uint32_t handle, uint32_t parent, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, handle, parent, NULL);
	struct tc_sfq_qopt q = { .perturb_period = 10 };

	if (!mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_KIND, "sfq") ||
	    !mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, TCA_OPTIONS, sizeof(q), &q))
		return too_big(err);
	return 0;
}

int tapdev_build_tclass_delete(struct tapdev_req *req, int ifindex, uint32_t classid, struct nd_err *err)
{
	(void)err;
	start(req, RTM_DELTCLASS, 0, ifindex, classid, HTB_HANDLE, NULL);
	return 0;
}

/*
 * On the bridge: what goes to the guest with this MAC is its floor's class
 * (u32 "match ether dst MAC", priority 2, handle 800::minor as libvirt).
 * The keys look back from the network header: -14 is the destination MAC.
 */
int tapdev_build_mac_filter(struct tapdev_req *req, int ifindex, const uint8_t mac[6], uint32_t classid, bool del,
			    struct nd_err *err)
{
	struct tcmsg *tcm;
	struct nlmsghdr *nlh = start(req, del ? RTM_DELTFILTER : RTM_NEWTFILTER, del ? 0 : NLM_F_CREATE | NLM_F_EXCL,
				     ifindex, 0x80000000u | (classid & 0xfff), HTB_HANDLE, &tcm);
	_Alignas(struct tc_u32_sel) unsigned char sel[sizeof(struct tc_u32_sel) + 2 * sizeof(struct tc_u32_key)] = { 0 };
	struct tc_u32_sel *s = (struct tc_u32_sel *)sel;
	struct nlattr *opt;
	uint32_t hi, lo;

	tcm->tcm_info = TC_H_MAKE(2u << 16, htons(ETH_P_ALL));
	if (del)
		return mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_KIND, "u32") ? 0 : too_big(err);
	memcpy(&hi, mac, 4);
	lo = 0;
	memcpy(&lo, mac + 4, 2);
	s->flags = TC_U32_TERMINAL;
	s->nkeys = 2;
	s->keys[0] = (struct tc_u32_key){ .mask = 0xffffffffu, .val = hi, .off = -14 };
	s->keys[1] = (struct tc_u32_key){ .mask = htonl(0xffff0000u), .val = lo, .off = -10 };
	if (!mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_KIND, "u32") ||
	    !(opt = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, TCA_OPTIONS)) ||
	    !mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, TCA_U32_CLASSID, classid) ||
	    !mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, TCA_U32_SEL, sizeof(sel), sel))
		return too_big(err);
	mnl_attr_nest_end(nlh, opt);
	return 0;
}

int tapdev_build_ingress(struct tapdev_req *req, int ifindex, struct nd_err *err)
{
	struct nlmsghdr *nlh = start(req, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, ifindex, INGRESS_HANDLE,
				     TC_H_INGRESS, NULL);

	if (!mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_KIND, "ingress"))
		return too_big(err);
	return 0;
}

int tapdev_build_police_filter(struct tapdev_req *req, int ifindex, const struct tapdev_rate *r, struct nd_err *err)
{
	struct tcmsg *tcm;
	struct nlmsghdr *nlh = start(req, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, ifindex, 0, INGRESS_HANDLE, &tcm);
	_Alignas(struct tc_u32_sel) unsigned char sel[sizeof(struct tc_u32_sel) + sizeof(struct tc_u32_key)] = { 0 };
	struct tc_u32_sel *s = (struct tc_u32_sel *)sel; /* one key, mask 0: every packet */
	struct tc_police p = { .action = TC_ACT_SHOT, .mtu = 65536 };
	uint32_t rtab[256];
	struct nlattr *opt, *acts, *act, *aopt;
	int cell_log = 0;
	bool ok;

	if (!r->rate_Bps)
		return nd_err_set(err, -EINVAL, "tc", "a policed rate of 0");
	s->flags = TC_U32_TERMINAL;
	s->nkeys = 1;
	/* protocol all, priority 1 */
	tcm->tcm_info = TC_H_MAKE(1u << 16, htons(ETH_P_ALL));
	ratespec(&p.rate, r->rate_Bps);
	while ((p.mtu >> cell_log) > 255)
		cell_log++;
	p.rate.cell_log = (unsigned char)cell_log;
	p.burst = tapdev_qos_ticks(r->burst_bytes, r->rate_Bps);
	for (unsigned i = 0; i < 256; i++)
		rtab[i] = tapdev_qos_ticks((unsigned long long)(i + 1) << cell_log, r->rate_Bps);
	ok = mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_KIND, "u32") &&
	     (opt = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, TCA_OPTIONS)) &&
	     mnl_attr_put_u32_check(nlh, TAPDEV_REQ_SIZE, TCA_U32_CLASSID, 1) && /* flowid :1 */
	     mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, TCA_U32_SEL, sizeof(sel), &sel) &&
	     (acts = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, TCA_U32_ACT)) &&
	     (act = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, 1)) &&
	     mnl_attr_put_strz_check(nlh, TAPDEV_REQ_SIZE, TCA_ACT_KIND, "police") &&
	     (aopt = mnl_attr_nest_start_check(nlh, TAPDEV_REQ_SIZE, TCA_ACT_OPTIONS)) &&
	     mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, TCA_POLICE_TBF, sizeof(p), &p) &&
	     mnl_attr_put_check(nlh, TAPDEV_REQ_SIZE, TCA_POLICE_RATE, sizeof(rtab), rtab) &&
	     (r->rate_Bps <= UINT32_MAX || mnl_attr_put_u64_check(nlh, TAPDEV_REQ_SIZE, TCA_POLICE_RATE64, r->rate_Bps));
	if (!ok)
		return too_big(err);
	mnl_attr_nest_end(nlh, aopt);
	mnl_attr_nest_end(nlh, act);
	mnl_attr_nest_end(nlh, acts);
	mnl_attr_nest_end(nlh, opt);
	return 0;
}
