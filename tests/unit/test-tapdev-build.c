/* The bridge request as bytes, and interface names from templates. */
#include <errno.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>

#include "tapdev/tapdev.h"
#include "tests/unit/suites.h"

START_TEST(test_bridge_request)
{
	struct tapdev_bridge_cfg cfg = { .name = "virbr7", .has_mac = true, .mac = { 0x52, 0x54, 0, 1, 2, 3 },
					 .mtu = 9000, .stp = false, .delay_s = 2 };
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1], *br[IFLA_BR_MAX + 1];
	struct tapdev_req req;
	struct nlmsghdr *nlh = (struct nlmsghdr *)req.buf;

	ck_assert_int_eq(tapdev_build_bridge_add(&req, &cfg, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWLINK);
	ck_assert(nlh->nlmsg_flags & NLM_F_EXCL); /* never "succeeds" on an existing bridge */
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL), 0);
	ck_assert_str_eq(nla_get_string(tb[IFLA_IFNAME]), "virbr7");
	ck_assert_uint_eq(nla_get_u32(tb[IFLA_MTU]), 9000);
	ck_assert(memcmp(nla_data(tb[IFLA_ADDRESS]), cfg.mac, 6) == 0);
	ck_assert_int_eq(nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL), 0);
	ck_assert_str_eq(nla_get_string(info[IFLA_INFO_KIND]), "bridge");
	ck_assert_int_eq(nla_parse_nested(br, IFLA_BR_MAX, info[IFLA_INFO_DATA], NULL), 0);
	ck_assert_uint_eq(nla_get_u32(br[IFLA_BR_STP_STATE]), 0);
	ck_assert_uint_eq(nla_get_u32(br[IFLA_BR_FORWARD_DELAY]), 200);
}
END_TEST

/* a change names only what changes; by index when known, else by name (no lookup first) */
START_TEST(test_link_change_request)
{
	static const uint8_t mac[6] = { 0xfe, 0x54, 0, 9, 9, 9 };
	struct nlattr *tb[IFLA_MAX + 1];
	struct tapdev_req req;
	struct nlmsghdr *nlh = (struct nlmsghdr *)req.buf;
	struct ifinfomsg *ifi;

	ck_assert_int_eq(tapdev_build_link_change(&req, &(struct tapdev_link_change){ .ifindex = 12, .name = "vnet3", .mac = mac,
							.mtu = 1400, .set_master = true, .master = 4, .alias = "netd:lab",
							.updown = TAPDEV_LINK_UP }, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWLINK);
	ck_assert(!(nlh->nlmsg_flags & NLM_F_CREATE));
	ifi = nlmsg_data(nlh);
	ck_assert_int_eq(ifi->ifi_index, 12);
	ck_assert_uint_eq(ifi->ifi_change, IFF_UP);
	ck_assert_uint_eq(ifi->ifi_flags, IFF_UP);
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL), 0);
	ck_assert_ptr_null(tb[IFLA_IFNAME]); /* by index: a name here would rename the link */
	ck_assert_uint_eq(nla_get_u32(tb[IFLA_MTU]), 1400);
	ck_assert_uint_eq(nla_get_u32(tb[IFLA_MASTER]), 4);
	ck_assert_str_eq(nla_get_string(tb[IFLA_IFALIAS]), "netd:lab");
	ck_assert(memcmp(nla_data(tb[IFLA_ADDRESS]), mac, 6) == 0);

	ck_assert_int_eq(tapdev_build_link_change(&req, &(struct tapdev_link_change){ .name = "vnet3", .set_master = true },
							 NULL), 0);
	ifi = nlmsg_data(nlh);
	ck_assert_int_eq(ifi->ifi_index, 0);
	ck_assert_uint_eq(ifi->ifi_change, 0); /* up/down untouched */
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL), 0);
	ck_assert_str_eq(nla_get_string(tb[IFLA_IFNAME]), "vnet3");
	ck_assert_uint_eq(nla_get_u32(tb[IFLA_MASTER]), 0);
	ck_assert_ptr_null(tb[IFLA_MTU]);
	ck_assert_ptr_null(tb[IFLA_ADDRESS]);

	ck_assert_int_eq(tapdev_build_link_change(&req, &(struct tapdev_link_change){ .name = "a-name-longer-than-15" }, NULL),
			 -EINVAL);
	ck_assert_int_eq(tapdev_build_link_delete(&req, "vnet3", NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_DELLINK);
}
END_TEST

START_TEST(test_addr_route_requests)
{
	struct netdef_addr a = { .family = AF_INET, .bytes = { 192, 168, 122, 1 } };
	struct netdef_route rt = { .family = AF_INET, .address = { .family = AF_INET, .bytes = { 10, 9 } },
				   .prefix = 16, .gateway = { .family = AF_INET, .bytes = { 192, 168, 122, 2 } },
				   .has_metric = true, .metric = 7 };
	struct nlattr *tb[RTA_MAX + 1];
	struct tapdev_req req;
	struct nlmsghdr *nlh = (struct nlmsghdr *)req.buf;
	struct ifaddrmsg *ifa;
	struct rtmsg *rtm;

	ck_assert_int_eq(tapdev_build_addr_add(&req, 5, &a, 24, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWADDR);
	ck_assert(nlh->nlmsg_flags & NLM_F_EXCL);
	ifa = nlmsg_data(nlh);
	ck_assert_uint_eq(ifa->ifa_index, 5);
	ck_assert_uint_eq(ifa->ifa_prefixlen, 24);
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(*ifa), tb, IFA_MAX, NULL), 0);
	ck_assert(memcmp(nla_data(tb[IFA_LOCAL]), a.bytes, 4) == 0);
	ck_assert(memcmp(nla_data(tb[IFA_BROADCAST]), (uint8_t[]){ 192, 168, 122, 255 }, 4) == 0);
	ck_assert_int_eq(tapdev_build_addr_add(&req, 5, &a, 33, NULL), -EINVAL);

	ck_assert_int_eq(tapdev_build_route_add(&req, 5, &rt, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWROUTE);
	rtm = nlmsg_data(nlh);
	ck_assert_uint_eq(rtm->rtm_dst_len, 16);
	ck_assert_uint_eq(rtm->rtm_table, RT_TABLE_MAIN);
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, NULL), 0);
	ck_assert(memcmp(nla_data(tb[RTA_GATEWAY]), rt.gateway.bytes, 4) == 0);
	ck_assert_uint_eq(nla_get_u32(tb[RTA_OIF]), 5);
	ck_assert_uint_eq(nla_get_u32(tb[RTA_PRIORITY]), 7);
}
END_TEST

static bool taken(const char *name, void *ud)
{
	(void)ud;
	return strcmp(name, "virbr0") == 0 || strcmp(name, "virbr1") == 0;
}

START_TEST(test_template_names)
{
	char name[16];

	ck_assert_int_eq(tapdev_name_from_template("virbr%d", taken, NULL, name, NULL), 0);
	ck_assert_str_eq(name, "virbr2");
	ck_assert_int_eq(tapdev_name_from_template("br-lab", taken, NULL, name, NULL), 0);
	ck_assert_str_eq(name, "br-lab");
	ck_assert_int_eq(tapdev_nlerr_to_errno(-6 /* NLE_EXIST */), -17 /* EEXIST */);
}
END_TEST

/* <bandwidth> in libvirt's units, and the tc requests as the kernel reads them */
START_TEST(test_qos_requests)
{
	struct netdef_bandwidth bw = { .inbound = { .present = true, .average = 1000, .peak = 2000, .burst = 64 },
				       .outbound = { .present = true, .average = 500 } };
	struct nlattr *tb[TCA_MAX + 1], *opt[TCA_HTB_MAX + 1], *u32[TCA_U32_MAX + 1], *act[3], *a[TCA_ACT_MAX + 1];
	struct nlattr *pol[TCA_POLICE_MAX + 1];
	struct tapdev_req req;
	struct nlmsghdr *nlh = (struct nlmsghdr *)req.buf;
	struct tapdev_qos q;
	struct tc_htb_opt *o;
	struct tc_police *p;
	struct tcmsg *tcm;

	memset(&q, 0xff, sizeof(q)); /* whatever was there: the result is flat unless the caller says so */
	tapdev_qos_from_bandwidth(&bw, &q);
	ck_assert(!q.hierarchical);
	ck_assert_uint_eq(q.in.rate_Bps, 1000000);   /* kilobytes: 1000 bytes, as tc's kbps */
	ck_assert_uint_eq(q.in.peak_Bps, 2000000);
	ck_assert_uint_eq(q.in.burst_bytes, 65536);  /* kibibytes, as tc's kb */
	ck_assert_uint_eq(q.out.burst_bytes, 512000); /* libvirt: the average's kilobytes when no burst */
	ck_assert_uint_eq(tapdev_qos_ticks(1000000, 1000000), 1000000000u / 64); /* a second in 64 ns ticks */

	ck_assert_int_eq(tapdev_build_htb_class(&req, 4, TAPDEV_QOS_CLASS(1), TAPDEV_QOS_CLASS(0), &q.in, false, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWTCLASS);
	tcm = nlmsg_data(nlh);
	ck_assert_uint_eq(tcm->tcm_handle, 0x10001);
	ck_assert_uint_eq(tcm->tcm_parent, 0x10000);
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(*tcm), tb, TCA_MAX, NULL), 0);
	ck_assert_str_eq(nla_get_string(tb[TCA_KIND]), "htb");
	ck_assert_int_eq(nla_parse_nested(opt, TCA_HTB_MAX, tb[TCA_OPTIONS], NULL), 0);
	o = nla_data(opt[TCA_HTB_PARMS]);
	ck_assert_uint_eq(o->rate.rate, 1000000);
	ck_assert_uint_eq(o->ceil.rate, 2000000);
	ck_assert_uint_eq(o->buffer, tapdev_qos_ticks(65536, 1000000));

	ck_assert_int_eq(tapdev_build_police_filter(&req, 4, &q.out, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWTFILTER);
	tcm = nlmsg_data(nlh);
	ck_assert_uint_eq(tcm->tcm_parent, 0xffff0000);
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(*tcm), tb, TCA_MAX, NULL), 0);
	ck_assert_str_eq(nla_get_string(tb[TCA_KIND]), "u32");
	ck_assert_int_eq(nla_parse_nested(u32, TCA_U32_MAX, tb[TCA_OPTIONS], NULL), 0);
	ck_assert_int_eq(nla_parse_nested(act, 2, u32[TCA_U32_ACT], NULL), 0);
	ck_assert_int_eq(nla_parse_nested(a, TCA_ACT_MAX, act[1], NULL), 0);
	ck_assert_str_eq(nla_get_string(a[TCA_ACT_KIND]), "police");
	ck_assert_int_eq(nla_parse_nested(pol, TCA_POLICE_MAX, a[TCA_ACT_OPTIONS], NULL), 0);
	p = nla_data(pol[TCA_POLICE_TBF]);
	ck_assert_int_eq(p->action, TC_ACT_SHOT);
	ck_assert_uint_eq(p->rate.rate, 500000);
	ck_assert_uint_eq(p->burst, tapdev_qos_ticks(512000, 500000));
	ck_assert_int_eq(nla_len(pol[TCA_POLICE_RATE]), 1024); /* the kernel refuses a police without its rate table */
}
END_TEST

Suite *make_tapdev_build_suite(void)
{
	Suite *s = suite_create("tapdev-build");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_bridge_request);
	tcase_add_test(tc, test_template_names);
	tcase_add_test(tc, test_link_change_request);
	tcase_add_test(tc, test_addr_route_requests);
	tcase_add_test(tc, test_qos_requests);
	suite_add_tcase(s, tc);
	return s;
}
