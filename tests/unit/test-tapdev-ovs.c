/* ovs-vsctl command lines and the Linux bridge VLAN request (no root, no OVS). */
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>

#include "tapdev/tapdev.h"
#include "tests/unit/suites.h"
#include "tests/unit/test-util.h"

static const struct tapdev_ovs ovs = { .vsctl = "ovs-vsctl", .db = "/run/ovs/db.sock", .timeout_s = 5 };

static struct netdef_vlan vlan(struct netdef_vlan_tag *tags, size_t n, enum netdef_tristate trunk)
{
	return (struct netdef_vlan){ .present = true, .trunk = trunk, .tags = tags, .n_tags = n };
}

START_TEST(test_add_port_vlans)
{
	struct netdef_vlan_tag access[] = { { 100, NETDEF_NATIVE_NONE } };
	struct netdef_vlan_tag trunk[] = { { 100, NETDEF_NATIVE_NONE }, { 200, NETDEF_NATIVE_NONE } };
	struct netdef_vlan_tag native[] = { { 10, NETDEF_NATIVE_UNTAGGED }, { 20, NETDEF_NATIVE_NONE } };
	struct netdef_vlan v;
	struct tapdev_ovs_port p = { .bridge = "ovsbr0", .port = "vnet3", .iface_id = "6e5a0d1c-3a42-4f7c-9a6e-0b8c1d2e3f40",
				     .attached_mac = "52:54:00:01:02:03" };
	char **argv;

	v = vlan(access, 1, NETDEF_ABSENT);
	p.vlan = &v;
	ck_assert_int_eq(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	ck_assert_str_eq(argv_joined(argv),
			 "ovs-vsctl --timeout=5 --db=unix:/run/ovs/db.sock -- add-port ovsbr0 vnet3 -- set Interface vnet3 "
			 "external_ids:iface-id=6e5a0d1c-3a42-4f7c-9a6e-0b8c1d2e3f40 external_ids:attached-mac=52:54:00:01:02:03 "
			 "external_ids:iface-status=active -- set Port vnet3 tag=100 vlan_mode=access");
	tapdev_argv_free(argv);
	v = vlan(trunk, 2, NETDEF_YES);
	ck_assert_int_eq(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	ck_assert_msg(strstr(argv_joined(argv), "-- set Port vnet3 trunks=100,200 vlan_mode=trunk"), "%s", argv_joined(argv));
	tapdev_argv_free(argv);
	v = vlan(native, 2, NETDEF_YES);
	ck_assert_int_eq(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	ck_assert_msg(strstr(argv_joined(argv), "trunks=10,20 tag=10 vlan_mode=native-untagged"), "%s", argv_joined(argv));
	tapdev_argv_free(argv);
	native[0].native_mode = NETDEF_NATIVE_TAGGED;
	ck_assert_int_eq(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	ck_assert_msg(strstr(argv_joined(argv), "tag=10 vlan_mode=native-tagged"), "%s", argv_joined(argv));
	tapdev_argv_free(argv);
	p.vlan = NULL;
	ck_assert_int_eq(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	ck_assert(!strstr(argv_joined(argv), "set Port"));
	tapdev_argv_free(argv);
}
END_TEST

START_TEST(test_no_injection)
{
	struct tapdev_ovs_port p = { .bridge = "ovsbr0", .port = "vnet3" };
	struct tapdev_ovs bad_db = { .db = "rel/path --oops" };
	struct nd_err err = { 0 };
	char **argv = NULL;

	p.port = "--db=tcp:1.2.3.4:6640";
	ck_assert_int_lt(tapdev_ovs_argv_add_port(&ovs, &p, &argv, &err), 0);
	p.port = "vnet3";
	p.bridge = "br0 -- del-br x";
	ck_assert_int_lt(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	p.bridge = "ovsbr0";
	p.iface_id = "x,other_config:foo=1";
	ck_assert_int_lt(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	p.iface_id = NULL;
	p.attached_mac = "52:54:00:01:02:03 -- del-br";
	ck_assert_int_lt(tapdev_ovs_argv_add_port(&ovs, &p, &argv, NULL), 0);
	ck_assert_int_lt(tapdev_ovs_argv_del_br(&bad_db, "ovsbr0", &argv, NULL), 0);
	ck_assert_int_lt(tapdev_ovs_argv_add_br(&ovs, "ovsbr0", "system -- x", &argv, NULL), 0);
	ck_assert_ptr_null(argv);
}
END_TEST

START_TEST(test_bridge_commands)
{
	char **argv;
	char db[256];

	ck_assert_int_eq(tapdev_ovs_argv_add_br(&ovs, "ovsnat0", "netdev", &argv, NULL), 0);
	ck_assert_str_eq(argv_joined(argv), "ovs-vsctl --timeout=5 --db=unix:/run/ovs/db.sock -- add-br ovsnat0 -- set Bridge "
				       "ovsnat0 datapath_type=netdev external_ids:netd-owned=true");
	tapdev_argv_free(argv);
	ck_assert_int_eq(tapdev_ovs_argv_del_port(&ovs, NULL, "vnet0", &argv, NULL), 0);
	ck_assert_str_eq(argv_joined(argv), "ovs-vsctl --timeout=5 --db=unix:/run/ovs/db.sock -- --if-exists del-port vnet0");
	tapdev_argv_free(argv);
	ck_assert_int_eq(tapdev_ovs_argv_br_exists(&ovs, "ovsnat0", &argv, NULL), 0);
	ck_assert_str_eq(argv_joined(argv), "ovs-vsctl --timeout=5 --db=unix:/run/ovs/db.sock -- br-exists ovsnat0");
	tapdev_argv_free(argv);
	setenv("OVS_RUNDIR", "/tmp/ovsx", 1);
	ck_assert_str_eq(tapdev_ovs_default_db(db, sizeof(db)), "/tmp/ovsx/db.sock");
	unsetenv("OVS_RUNDIR");
	ck_assert_str_eq(tapdev_ovs_default_db(db, sizeof(db)), "/var/run/openvswitch/db.sock");
}
END_TEST

START_TEST(test_linux_bridge_vlan_request)
{
	struct netdef_vlan_tag tags[] = { { 100, NETDEF_NATIVE_UNTAGGED }, { 200, NETDEF_NATIVE_NONE } };
	struct netdef_vlan v = vlan(tags, 2, NETDEF_YES);
	struct nlattr *tb[IFLA_MAX + 1], *a;
	struct bridge_vlan_info *info[4];
	struct tapdev_req req;
	struct nlmsghdr *nlh = (struct nlmsghdr *)req.buf;
	struct ifinfomsg *ifi;
	size_t n = 0;
	int rem;

	ck_assert_int_eq(tapdev_build_port_vlans(&req, 9, &v, false, false, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_SETLINK);
	ifi = nlmsg_data(nlh);
	ck_assert_int_eq(ifi->ifi_family, AF_BRIDGE);
	ck_assert_int_eq(ifi->ifi_index, 9);
	ck_assert_int_eq(nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL), 0);
	ck_assert_ptr_nonnull(tb[IFLA_AF_SPEC]);
	nla_for_each_nested(a, tb[IFLA_AF_SPEC], rem)
		if (nla_type(a) == IFLA_BRIDGE_VLAN_INFO && n < 4)
			info[n++] = nla_data(a);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(info[0]->vid, 100);
	ck_assert_uint_eq(info[0]->flags, BRIDGE_VLAN_INFO_PVID | BRIDGE_VLAN_INFO_UNTAGGED);
	ck_assert_uint_eq(info[1]->vid, 200);
	ck_assert_uint_eq(info[1]->flags, 0); /* tagged member of the trunk */
	ck_assert_int_eq(tapdev_build_port_vlans(&req, 9, &v, true, false, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_DELLINK);
}
END_TEST

START_TEST(test_bridge_vlan_filtering_flag)
{
	struct tapdev_bridge_cfg cfg = { .name = "br9", .vlan_filtering = true };
	struct nlattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1], *br[IFLA_BR_MAX + 1];
	struct tapdev_req req;

	ck_assert_int_eq(tapdev_build_bridge_add(&req, &cfg, NULL), 0);
	ck_assert_int_eq(nlmsg_parse((struct nlmsghdr *)req.buf, sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL), 0);
	ck_assert_int_eq(nla_parse_nested(info, IFLA_INFO_MAX, tb[IFLA_LINKINFO], NULL), 0);
	ck_assert_int_eq(nla_parse_nested(br, IFLA_BR_MAX, info[IFLA_INFO_DATA], NULL), 0);
	ck_assert_ptr_nonnull(br[IFLA_BR_VLAN_FILTERING]);
	ck_assert_uint_eq(nla_get_u8(br[IFLA_BR_VLAN_FILTERING]), 1);
}
END_TEST

Suite *make_tapdev_ovs_suite(void)
{
	Suite *s = suite_create("tapdev-ovs");
	TCase *tc = tcase_create("ovs");

	tcase_add_test(tc, test_add_port_vlans);
	tcase_add_test(tc, test_no_injection);
	tcase_add_test(tc, test_bridge_commands);
	tcase_add_test(tc, test_linux_bridge_vlan_request);
	tcase_add_test(tc, test_bridge_vlan_filtering_flag);
	suite_add_tcase(s, tc);
	return s;
}
