/* Semantic validation: each bad definition is refused with an error naming
 * the element/attribute, the value and the line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "tests/unit/suites.h"
#include "xml/netdef.h"

struct bad_case {
	const char *body;  /* inside <network><name>t</name> ... </network>, starting on line 2 */
	const char *needle; /* expected in "where: msg" */
};

static const struct bad_case bad_cases[] = {
	{ "<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.2.2' end='192.168.2.9'/></dhcp></ip>",
	  "t.xml:2: <range start='192.168.2.2' end='192.168.2.9'>: not inside the subnet 192.168.1.1/24" },
	{ "<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.1.9' end='192.168.1.2'/></dhcp></ip>",
	  "start is after end" },
	{ "<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.1.0' end='192.168.1.2'/></dhcp></ip>",
	  "includes the network address" },
	{ "<ip address='300.1.1.1' prefix='24'/>", "<ip address='300.1.1.1'>: not a valid IP address" },
	{ "<ip family='ipv4' address='fe80::1'/>", "<ip address='fe80::1'>: not a valid IPv4 address" },
	{ "<ip address='192.168.1.1' netmask='255.0.255.0'/>", "netmask is not contiguous" },
	{ "<ip address='192.168.1.1' prefix='33'/>", "<ip prefix='33'>: not a whole number in 0..32" },
	{ "<ip address='192.168.1.1' prefix='24'><dhcp>\n<host mac='52:54:00:00:00:01' ip='192.168.1.5'/>\n"
	  "<host mac='52:54:00:00:00:01' ip='192.168.1.6'/></dhcp></ip>",
	  "t.xml:4: <host mac='52:54:00:00:00:01'>: MAC already used by the host on line 3" },
	{ "<ip address='192.168.1.1' prefix='24'><dhcp><host mac='52:54:00:00:00:01' ip='192.168.1.5'/>"
	  "<host mac='52:54:00:00:00:02' ip='192.168.1.5'/></dhcp></ip>",
	  "<host ip='192.168.1.5'>: IP already used" },
	{ "<ip address='192.168.1.1' prefix='24'><dhcp><host mac='zz:54:00:00:00:01' ip='192.168.1.5'/></dhcp></ip>",
	  "<host mac='zz:54:00:00:00:01'>: not a valid MAC address" },
	{ "<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.1.2' end='192.168.1.9'/></dhcp></ip>"
	  "<ip address='192.168.2.1' prefix='24'><dhcp><range start='192.168.2.2' end='192.168.2.9'/></dhcp></ip>",
	  "only one IPv4 address may have DHCP ranges or hosts" },
	{ "<portgroup name='a'><vlan><tag id='4096'/></vlan></portgroup>", "<tag id='4096'>: not a whole number in 0..4095" },
	{ "<portgroup name='a'><vlan trunk='no'><tag id='1'/><tag id='2'/></vlan></portgroup>",
	  "<portgroup name='a'>: <vlan trunk='no'>: only one tag is allowed" },
	{ "<portgroup name='a' default='yes'/><portgroup name='b' default='yes'/>",
	  "<portgroup name='b' default='yes'>: another portgroup is already the default" },
	{ "<portgroup name='a'/><portgroup name='a'/>", "<portgroup name='a'>: name used twice" },
	{ "<bridge name='averyveryverylongbridge'/>", "<bridge name='averyveryverylongbridge'>: not a valid interface name" },
	{ "<bridge name='br/0'/>", "<bridge name='br/0'>: not a valid interface name" },
	{ "<bridge name='virbr%s'/>", "not a valid interface name" },
	{ "<bridge stp='maybe'/>", "<bridge stp='maybe'>: expected 'on' or 'off'" },
	{ "<bridge delay='-1'/>", "<bridge delay='-1'>: not a whole number" },
	{ "<bridge delay='99999999999999999999999'/>", "not a whole number in 0..600" },
	{ "<forward mode='vepa'/>", "t.xml:2: <forward mode='vepa'>: forward mode 'vepa' is not supported by netd" },
	{ "<forward mode='private'/>", "forward mode 'private' is not supported" },
	{ "<forward mode='hostdev'/>", "forward mode 'hostdev' is not supported" },
	{ "<forward mode='passthrough'/>", "forward mode 'passthrough' is not supported" },
	{ "<forward mode='warp'/>", "<forward mode='warp'>: unknown forward mode" },
	{ "<forward mode='open' dev='eth0'/>", "not allowed for an open network" },
	{ "<forward mode='route'><nat/></forward>", "<nat>: only allowed with forward mode 'nat'" },
	{ "<forward mode='nat'><nat><port start='2000' end='1000'/></nat></forward>",
	  "<nat><port start='2000' end='1000'>: needs 1 <= start <= end <= 65535" },
	{ "<forward mode='bridge'><interface dev='eth0'/></forward>", "macvtap" },
	{ "<virtualport type='802.1Qbh'/>", "virtualport type '802.1Qbh' is not supported by netd" },
	{ "<virtualport type='802.1Qbg'/>", "virtualport type '802.1Qbg' is not supported by netd" },
	{ "<frobnicate/>", "<network>: element <frobnicate> is not supported by netd" },
	{ "<bridge name='br0' colour='red'/>", "<bridge>: attribute 'colour' is not supported by netd" },
	{ "<mtu size='12'/>", "<mtu>: attribute 'size' must be 68..65535" },
	{ "<mac address='01:00:00:00:00:01'/>", "a multicast MAC cannot be a bridge address" },
	{ "<uuid>not-a-uuid</uuid>", "<uuid>not-a-uuid</uuid>: not a valid UUID" },
	{ "<name>again</name>", "<name>: element appears more than once" },
	{ "<dns enable='no'><forwarder addr='8.8.8.8'/></dns>", "<dns enable='no'>: cannot also have" },
	{ "<dns><srv service='x' protocol='sctp'/></dns>", "<srv protocol='sctp'>: expected 'tcp' or 'udp'" },
	{ "<dns><host ip='192.168.1.1'/></dns>", "<host>: needs at least one <hostname>" },
	{ "<dns><txt name='bad name' value='v'/></dns>", "<txt name='bad name'>: not a valid DNS name" },
	{ "<ip address='192.168.1.1' prefix='24'/><route address='10.0.0.0' prefix='8' gateway='10.9.9.9'/>",
	  "<route gateway='10.9.9.9'>: the gateway is not on any of the network's <ip> subnets" },
	{ "<ip address='192.168.1.1' prefix='24'><dhcp><range start='192.168.1.2' end='192.168.1.9'>"
	  "<lease expiry='1' unit='fortnights'/></range></dhcp></ip>",
	  "<lease unit='fortnights'>: expected seconds, minutes or hours" },
	{ "<dnsmasq:options xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>"
	  "<dnsmasq:option value='a&#10;dhcp-script=/bin/sh'/></dnsmasq:options>",
	  "control characters (newlines) are not allowed" },
	{ "<domain name='exa mple'/>", "<domain name='exa mple'>: not a valid domain name" },
	{ "<forward mode='nat' dev='eth0;rm'/>", "<forward dev='eth0;rm'>: not a valid interface name" },
	{ NULL, NULL },
};

START_TEST(test_bad_definitions)
{
	const struct bad_case *c = &bad_cases[_i];
	_cleanup_(netdef_freep) struct netdef *def = NULL;
	char xml[4096], text[1024];
	struct nd_err err = { 0 };
	int r;

	snprintf(xml, sizeof(xml), "<network><name>t</name>\n%s\n</network>\n", c->body);
	r = netdef_parse_string(xml, strlen(xml), "t.xml", &def, &err);
	ck_assert_msg(r < 0, "accepted: %s", c->body);
	ck_assert_ptr_null(def);
	nd_err_text(&err, text, sizeof(text));
	ck_assert_msg(strstr(text, c->needle), "error '%s' does not contain '%s'", text, c->needle);
}
END_TEST

START_TEST(test_bad_names)
{
	static const char *const names[] = { "../etc", "a/b", ".hidden", "-rf", "", "sp ace",
					     "x12345678901234567890123456789012345678901234567890123456789012345", NULL };

	for (int i = 0; names[i]; i++) {
		_cleanup_(netdef_freep) struct netdef *def = NULL;
		struct nd_err err = { 0 };
		char xml[512];

		snprintf(xml, sizeof(xml), "<network><name>%s</name></network>", names[i]);
		ck_assert_msg(netdef_parse_string(xml, strlen(xml), "n.xml", &def, &err) < 0, "accepted name '%s'",
			      names[i]);
		ck_assert_msg(strstr(err.msg, "<name>"), "error does not name <name>: %s", err.msg);
	}
}
END_TEST

START_TEST(test_defaults_and_model)
{
	static const char xml[] = "<network><name>lab</name><forward/><bridge name='virbr%d'/>"
				  "<ip address='10.1.0.1'><dhcp><range start='10.1.0.2' end='10.1.0.9'>"
				  "<lease expiry='2' unit='hours'/></range></dhcp></ip>"
				  "<ip family='ipv6' address='fd00::1'/>"
				  "<portgroup name='v100' default='yes'><vlan><tag id='100'/></vlan></portgroup>"
				  "</network>";
	_cleanup_(netdef_freep) struct netdef *def = NULL;
	_cleanup_free_ char *out = NULL;
	struct nd_err err = { 0 };

	ck_assert_int_eq(netdef_parse_string(xml, strlen(xml), "m.xml", &def, &err), 0);
	ck_assert_int_eq(def->forward.mode, NETDEF_FORWARD_NAT); /* <forward/> means nat */
	ck_assert(!netdef_uuid_is_null(def->uuid));
	ck_assert_uint_eq(def->ips[0].prefix, 8);  /* classful default, as libvirt */
	ck_assert_uint_eq(def->ips[1].prefix, 64);
	ck_assert_int_eq(netdef_lease_seconds(&def->ips[0].ranges[0].lease), 7200);
	ck_assert_ptr_eq(netdef_dhcp_ip(def, AF_INET), &def->ips[0]);
	ck_assert_ptr_null(netdef_dhcp_ip(def, AF_INET6));
	ck_assert_str_eq(netdef_portgroup_find(def, NULL)->name, "v100");
	ck_assert_int_eq(netdef_format(def, &out, &err), 0);
	ck_assert_msg(strstr(out, "<bridge name='virbr%d' stp='off' delay='0'/>"), "%s", out);
	ck_assert_msg(strstr(out, "<forward mode='nat'/>"), "%s", out);
}
END_TEST

START_TEST(test_addr_helpers)
{
	struct netdef_addr a, b, m;

	ck_assert_int_eq(netdef_addr_parse("192.168.122.1", 0, &a), 0);
	ck_assert_int_eq(netdef_addr_parse("192.168.0.0", 0, &b), 0);
	ck_assert(netdef_subnets_overlap(&a, 24, &b, 16));
	ck_assert(!netdef_subnets_overlap(&a, 24, &b, 24));
	ck_assert_int_eq(netdef_addr_parse("255.255.240.0", AF_INET, &m), 0);
	ck_assert_int_eq(netdef_netmask_to_prefix(&m), 20);
	ck_assert_int_eq(netdef_addr_parse("2001:db8::1", AF_INET, &a), -EINVAL);
	ck_assert_int_eq(netdef_addr_parse("2001:db8::1", 0, &a), 0);
	ck_assert_int_eq(netdef_addr_parse("2001:db8:0:1::5", 0, &b), 0);
	ck_assert(netdef_addr_in_subnet(&b, &a, 48));
	ck_assert(!netdef_addr_in_subnet(&b, &a, 64));
	ck_assert(netdef_ifname_is_valid("virbr%d", true));
	ck_assert(!netdef_ifname_is_valid("virbr%d", false));
	ck_assert(!netdef_ifname_is_valid("abcdefghijklmn%d", true));
	ck_assert(netdef_ifname_is_valid("abcdefghijklmno", false));
	ck_assert(!netdef_ifname_is_valid("abcdefghijklmnop", false));
}
END_TEST

/* a long VLAN list is cut at the buffer's end, never written past it (ASan run) */
START_TEST(test_vlan_describe_bounds)
{
	struct netdef_vlan_tag tags[40];
	struct netdef_vlan v = { .present = true, .trunk = NETDEF_YES, .tags = tags, .n_tags = 40 };
	char small[24], *big = malloc(128);

	for (unsigned i = 0; i < 40; i++)
		tags[i] = (struct netdef_vlan_tag){ .id = 4000 + i, .native_mode = NETDEF_NATIVE_UNTAGGED };
	netdef_vlan_describe(&v, big, 128);
	ck_assert_uint_eq(strlen(big), 127);
	netdef_vlan_describe(&v, small, sizeof(small));
	ck_assert_str_eq(small, "4000(native untagged),4");
	v.n_tags = 1;
	netdef_vlan_describe(&v, big, 128);
	ck_assert_str_eq(big, "4000(native untagged) trunk");
	netdef_vlan_describe(NULL, big, 128);
	ck_assert_str_eq(big, "");
	free(big);
}
END_TEST

Suite *make_netdef_validate_suite(void)
{
	Suite *s = suite_create("netdef-validate");
	TCase *tc = tcase_create("validate");
	int n = 0;

	while (bad_cases[n].body)
		n++;
	tcase_add_loop_test(tc, test_bad_definitions, 0, n);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_defaults_and_model);
	tcase_add_test(tc, test_addr_helpers);
	tcase_add_test(tc, test_vlan_describe_bounds);
	suite_add_tcase(s, tc);
	return s;
}
