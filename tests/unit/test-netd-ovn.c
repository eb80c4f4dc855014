/* OVN networks: <netd:ovn> parsed and refused where it cannot mean anything,
 * and the ovn-nbctl command lines netd builds from a definition (no OVN). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/daemon/netd-ovn.h"
#include "tests/unit/suites.h"
#include "tests/unit/test-util.h"

#define NS "xmlns:netd='http://netd.dev/schemas/network/1.0'"
#define OVN_NAT                                                                           \
	"<netd:ovn nb='tcp:172.31.0.10:6641'>"                                            \
	"<netd:uplink network='physnet' address='10.99.0.10/24' gateway='10.99.0.2'/>" \
	"<netd:gateway chassis='hostA' priority='20'/></netd:ovn>"
#define UUID "5d8a0e4e-8a1c-4d43-9d0b-0c5f0b3a7e01"

static const struct netd_ovn_tool tool = { .nbctl = "ovn-nbctl", .nb = "tcp:172.31.0.10:6641", .timeout_s = 5 };

/* a definition from the middle of a <network> (name and uuid added), or NULL with the error in *err */
static struct netdef *ovn_def(const char *body, struct nd_err *err)
{
	char xml[4096];
	struct netdef *def = NULL;

	snprintf(xml, sizeof(xml), "<network " NS "><name>tenant</name><uuid>" UUID "</uuid>%s</network>", body);
	memset(err, 0, sizeof(*err));
	if (netdef_parse_string(xml, strlen(xml), "t.xml", &def, err) < 0)
		return NULL;
	return def;
}

static const char *const nat_body = "<forward mode='nat'/><domain name='tenant.lab'/>"
				    "<dns><host ip='192.168.50.5'><hostname>db</hostname></host></dns>"
				    "<ip address='192.168.50.1' prefix='24'><dhcp>"
				    "<range start='192.168.50.10' end='192.168.50.99'/>"
				    "<host mac='52:54:00:50:00:07' name='seven' ip='192.168.50.7'/></dhcp></ip>" OVN_NAT;

START_TEST(test_ovn_valid_and_round_trip)
{
	struct nd_err err;
	struct netdef *def = ovn_def(nat_body, &err), *again = NULL;
	char *xml = NULL;

	ck_assert_msg(def, "%s", err.msg);
	ck_assert(def->ovn.present);
	ck_assert_str_eq(def->ovn.nb, "tcp:172.31.0.10:6641");
	ck_assert_str_eq(def->ovn.uplink_network, "physnet");
	ck_assert_uint_eq(def->ovn.uplink_prefix, 24);
	ck_assert_uint_eq(def->ovn.n_gateways, 1);
	ck_assert_uint_eq(def->ovn.gateways[0].priority, 20);
	ck_assert_uint_eq(netd_ovn_guest_mtu(def), 1442);
	ck_assert_int_eq(netdef_format(def, &xml, &err), 0);
	ck_assert_msg(strstr(xml, "<netd:uplink network='physnet' address='10.99.0.10/24' gateway='10.99.0.2'/>"), "%s", xml);
	ck_assert_msg(!strstr(xml, "<bridge"), "an OVN network has no bridge of its own: %s", xml);
	ck_assert_int_eq(netdef_parse_string(xml, strlen(xml), "again", &again, &err), 0);
	free(xml);
	netdef_free(again);
	netdef_free(def);
}
END_TEST

/* each refusal names the element (and says why) */
static const struct {
	const char *body, *says;
} refused[] = {
	{ "<forward mode='nat'/><ip address='192.168.50.1' prefix='24'/><portgroup name='web'><vlan><tag id='5'/></vlan>"
	  "</portgroup>" OVN_NAT, "<portgroup name='web'> <vlan>" },
	{ "<forward mode='bridge'/>" OVN_NAT, "<forward mode='bridge'>" },
	{ "<forward mode='nat'/><ip address='192.168.50.1' prefix='24'/><netd:ovn nb='tcp:172.31.0.10:6641'/>",
	  "needs <netd:uplink" },
	{ "<ip address='192.168.50.1' prefix='24'/>" OVN_NAT, "isolated OVN network" },
	{ "<forward mode='nat'/><bridge name='br9'/><ip address='192.168.50.1' prefix='24'/>" OVN_NAT, "<bridge>" },
	{ "<forward mode='nat'/><ip family='ipv6' address='fd00::1' prefix='64'/>" OVN_NAT, "IPv6" },
	{ "<forward mode='nat'/><mtu size='1500'/><ip address='192.168.50.1' prefix='24'/>" OVN_NAT,
	  "<mtu size='1500'>: larger than the underlay allows (1442" },
	{ "<forward mode='nat'/><ip address='192.168.50.1' prefix='24'/><bandwidth><inbound average='10'/></bandwidth>"
	  OVN_NAT, "<bandwidth>" },
	{ "<forward mode='nat'/><dns><txt name='t' value='v'/></dns><ip address='192.168.50.1' prefix='24'/>" OVN_NAT,
	  "<txt>" },
	{ "<forward mode='nat'/><dns><forwarder domain='corp' addr='10.0.0.53'/></dns><ip address='192.168.50.1' "
	  "prefix='24'/>" OVN_NAT, "<dns><forwarder>: on an OVN network a forwarder is an IPv4 addr= only" },
	{ "<forward mode='nat'/><ip address='192.168.50.1' prefix='24'/><netd:ovn nb='pssl:1.2.3.4:6641'/>",
	  "<netd:ovn nb='pssl:1.2.3.4:6641'>" },
	{ "<ip address='192.168.50.1' prefix='24'/><netd:ovn nb='tcp:1.2.3.4:6641 --db=x'/>", "expected tcp:IPV4:PORT" },
	{ "<ip address='192.168.50.1' prefix='24'/><netd:ovn nb='tcp:1.2.3.4:6641' bogus='1'/>", "bogus" },
	{ "<forward mode='nat'/><ip address='192.168.50.1' prefix='24'/><netd:ovn nb='tcp:1.2.3.4:6641'>"
	  "<netd:uplink network='-x' address='10.99.0.10/24' gateway='10.99.0.2'/><netd:gateway chassis='a'/></netd:ovn>",
	  "<netd:uplink network='-x'>" },
	{ "<forward mode='nat'/><ip address='192.168.50.1' prefix='24'/><netd:ovn nb='tcp:1.2.3.4:6641'>"
	  "<netd:uplink network='p' address='10.99.0.10' gateway='10.99.0.2'/><netd:gateway chassis='a'/></netd:ovn>",
	  "ADDRESS/PREFIX" },
	{ "<netd:ovn nb='tcp:1.2.3.4:6641'/>", "needs an <ip" },
};

START_TEST(test_ovn_refused_by_name)
{
	struct nd_err err;
	struct netdef *def = ovn_def(refused[_i].body, &err);

	ck_assert_msg(!def, "accepted: %s", refused[_i].body);
	ck_assert_msg(strstr(err.msg, refused[_i].says), "'%s' does not say '%s'", err.msg, refused[_i].says);
}
END_TEST

START_TEST(test_ovn_exclude_ips)
{
	struct nd_err err;
	struct netdef *def = ovn_def(nat_body, &err);
	char buf[512];

	ck_assert_msg(def, "%s", err.msg);
	/* gateway and what lies outside the range; the reservation (.7) is outside it already */
	ck_assert_int_eq(netd_ovn_exclude_ips(netd_ovn_ip(def), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "192.168.50.1..192.168.50.9 192.168.50.100..192.168.50.254");
	netdef_free(def);
	def = ovn_def("<ip address='10.1.0.1' prefix='28'><dhcp><range start='10.1.0.3' end='10.1.0.9'/>"
		      "<host mac='52:54:00:00:00:01' ip='10.1.0.5'/></dhcp></ip><netd:ovn nb='tcp:1.2.3.4:6641'/>", &err);
	ck_assert_msg(def, "%s", err.msg);
	/* a reservation inside the range is kept out of OVN's IPAM */
	ck_assert_int_eq(netd_ovn_exclude_ips(netd_ovn_ip(def), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "10.1.0.1..10.1.0.2 10.1.0.5 10.1.0.10..10.1.0.14");
	netdef_free(def);
}
END_TEST

START_TEST(test_ovn_network_argv)
{
	struct nd_err err;
	struct netdef *def = ovn_def(nat_body, &err);
	char **argv;
	const char *s;

	ck_assert_msg(def, "%s", err.msg);
	ck_assert_int_eq(netd_ovn_argv_network(&tool, def, true, NULL, NULL, &argv, &err), 0);
	s = argv_joined(argv);
	ck_assert_msg(!strncmp(s, "ovn-nbctl --db=tcp:172.31.0.10:6641 --timeout=5 -- --may-exist ls-add netd-" UUID
			       " -- set Logical_Switch netd-" UUID " external_ids:netd-network=tenant", 128), "%s", s);
	/* creating: the router port without --may-exist (one creator wins) */
	ck_assert_msg(strstr(s, "-- lrp-add netd-" UUID "-lr netd-" UUID "-lrp 0a:5d:8a:0e:4e:01 192.168.50.1/24"), "%s", s);
	ck_assert_msg(strstr(s, "other_config:exclude_ips=\"192.168.50.1..192.168.50.9 192.168.50.100..192.168.50.254\""),
		      "%s", s);
	ck_assert_msg(strstr(s, "lsp-set-options netd-" UUID "-ext-ln network_name=physnet"), "%s", s);
	ck_assert_msg(strstr(s, "lrp-set-gateway-chassis netd-" UUID "-lrp-ext hostA 20"), "%s", s);
	ck_assert_msg(strstr(s, "--may-exist lr-route-add netd-" UUID "-lr 0.0.0.0/0 10.99.0.2"), "%s", s);
	ck_assert_msg(strstr(s, "--may-exist lr-nat-add netd-" UUID "-lr snat 10.99.0.10 192.168.50.0/24"), "%s", s);
	ck_assert_msg(strstr(s, "--id=@dhcp create DHCP_Options cidr=192.168.50.0/24"), "%s", s);
	ck_assert_msg(strstr(s, "options:mtu=1442"), "%s", s);
	ck_assert_msg(strstr(s, "options:domain_name=\"\\\"tenant.lab\\\"\""), "%s", s);
	ck_assert_msg(strstr(s, "records={\"db\"=\"192.168.50.5\",\"db.tenant.lab\"=\"192.168.50.5\",\"seven\"="
			      "\"192.168.50.7\",\"seven.tenant.lab\"=\"192.168.50.7\"}"), "%s", s);
	ck_assert_msg(strstr(s, "dns_records=@dns"), "%s", s);
	tapdev_argv_free(argv);
	/* the rows exist: they are set, not made again; the router port is may-exist */
	ck_assert_int_eq(netd_ovn_argv_network(&tool, def, false, "11111111-2222-3333-4444-555555555555",
					       "66666666-2222-3333-4444-555555555555", &argv, &err), 0);
	s = argv_joined(argv);
	ck_assert_msg(strstr(s, "--may-exist lrp-add netd-" UUID "-lr netd-" UUID "-lrp"), "%s", s);
	ck_assert_msg(strstr(s, "-- set DHCP_Options 11111111-2222-3333-4444-555555555555"), "%s", s);
	ck_assert_msg(!strstr(s, "create"), "%s", s);
	tapdev_argv_free(argv);
	netdef_free(def);
	/* forwarders: the guests' DNS servers (OVN still answers the network's own names on the way) */
	def = ovn_def("<forward mode='nat'/><dns><forwarder addr='10.99.0.2'/><forwarder addr='10.99.0.3'/>"
		      "<host ip='192.168.50.5'><hostname>db</hostname></host></dns>"
		      "<ip address='192.168.50.1' prefix='24'><dhcp><range start='192.168.50.10' end='192.168.50.20'/>"
		      "</dhcp></ip>" OVN_NAT, &err);
	ck_assert_msg(def, "%s", err.msg);
	ck_assert_int_eq(netd_ovn_argv_network(&tool, def, true, NULL, NULL, &argv, &err), 0);
	ck_assert_msg(strstr(argv_joined(argv), "options:dns_server=\"{10.99.0.2, 10.99.0.3}\""), "%s", argv_joined(argv));
	tapdev_argv_free(argv);
	netdef_free(def);
	/* route: no SNAT; isolated: no way out at all */
	def = ovn_def("<forward mode='route'/><ip address='192.168.50.1' prefix='24'/>" OVN_NAT, &err);
	ck_assert_msg(def, "%s", err.msg);
	ck_assert_int_eq(netd_ovn_argv_network(&tool, def, true, NULL, NULL, &argv, &err), 0);
	ck_assert_msg(!strstr(argv_joined(argv), "lr-nat-add") && strstr(argv_joined(argv), "lr-route-add"), "%s",
		      argv_joined(argv));
	tapdev_argv_free(argv);
	netdef_free(def);
	def = ovn_def("<ip address='192.168.51.1' prefix='24'/><netd:ovn nb='tcp:172.31.0.10:6641'/>", &err);
	ck_assert_msg(def, "%s", err.msg);
	ck_assert_int_eq(netd_ovn_argv_network(&tool, def, true, NULL, NULL, &argv, &err), 0);
	ck_assert_msg(!strstr(argv_joined(argv), "-ext") && !strstr(argv_joined(argv), "DHCP_Options"), "%s",
		      argv_joined(argv));
	tapdev_argv_free(argv);
	netdef_free(def);
}
END_TEST

START_TEST(test_ovn_port_argv)
{
	struct nd_err err;
	struct netdef *def = ovn_def(nat_body, &err);
	struct netd_ovn_port p = { .lsp = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", .mac = "52:54:00:50:00:0a",
				   .ifname = "vnet0", .chassis = "hostB", .dhcp_uuid = "11111111-2222-3333-4444-555555555555" };
	char **argv;
	const char *s;

	ck_assert_msg(def, "%s", err.msg);
	ck_assert_int_eq(netd_ovn_argv_port_add(&tool, def, &p, &argv, &err), 0);
	s = argv_joined(argv);
	ck_assert_msg(strstr(s, "--may-exist lsp-add netd-" UUID " aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"), "%s", s);
	ck_assert_msg(strstr(s, "lsp-set-addresses aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee 52:54:00:50:00:0a dynamic"), "%s", s);
	ck_assert_msg(strstr(s, "lsp-set-port-security aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee 52:54:00:50:00:0a"), "%s", s);
	ck_assert_msg(strstr(s, "options:requested-chassis=hostB"), "%s", s);
	tapdev_argv_free(argv);
	/* a <dhcp><host> reservation: that address, and port security holds it to it */
	p.mac = "52:54:00:50:00:07";
	ck_assert_int_eq(netd_ovn_argv_port_add(&tool, def, &p, &argv, &err), 0);
	s = argv_joined(argv);
	ck_assert_msg(strstr(s, "lsp-set-addresses aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee 52:54:00:50:00:07 192.168.50.7"), "%s",
		      s);
	ck_assert_msg(strstr(s, "lsp-set-port-security aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee 52:54:00:50:00:07 192.168.50.7"),
		      "%s", s);
	tapdev_argv_free(argv);
	netdef_free(def);
}
END_TEST

Suite *make_netd_ovn_suite(void)
{
	Suite *s = suite_create("netd-ovn");
	TCase *tc = tcase_create("ovn");

	tcase_add_test(tc, test_ovn_valid_and_round_trip);
	tcase_add_loop_test(tc, test_ovn_refused_by_name, 0, (int)(sizeof(refused) / sizeof(refused[0])));
	tcase_add_test(tc, test_ovn_exclude_ips);
	tcase_add_test(tc, test_ovn_network_argv);
	tcase_add_test(tc, test_ovn_port_argv);
	suite_add_tcase(s, tc);
	return s;
}
