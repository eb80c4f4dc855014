/* The bridge request as bytes, and interface names from templates. */
#include <errno.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
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

Suite *make_tapdev_build_suite(void)
{
	Suite *s = suite_create("tapdev-build");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, test_bridge_request);
	tcase_add_test(tc, test_template_names);
	tcase_add_test(tc, test_link_change_request);
	tcase_add_test(tc, test_addr_route_requests);
	suite_add_tcase(s, tc);
	return s;
}
