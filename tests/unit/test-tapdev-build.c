/* The bridge request as bytes, and interface names from templates. */
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
	struct nlmsghdr *nlh;
	size_t len;
	void *buf;

	ck_assert_int_eq(tapdev_bridge_build_add(&cfg, &buf, &len, NULL), 0);
	nlh = buf;
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
	free(buf);
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
	suite_add_tcase(s, tc);
	return s;
}
