/* netdctl net-domif-xml: the <interface> a libvirt domain gets for a network, portgroup or netd port. */
#include <stdlib.h>
#include <string.h>

#include "netd/client/netdctl-domif.h"
#include "tests/unit/suites.h"

static struct netdef *parse(const char *xml)
{
	struct netdef *def = NULL;
	struct nd_err err = { 0 };

	ck_assert_msg(netdef_parse_string(xml, strlen(xml), "test", &def, &err) == 0, "%s", err.msg);
	return def;
}

static const char linux_xml[] =
	"<network><name>lab</name><bridge name='ndlab'/><forward mode='nat'/><port isolated='yes'/>"
	"<ip address='192.168.50.1' prefix='24'/>"
	"<portgroup name='web' default='yes'><bandwidth><inbound average='500' peak='800'/></bandwidth></portgroup>"
	"<portgroup name='db'><vlan><tag id='20'/></vlan></portgroup>"
	"<portgroup name='gold'><bandwidth><inbound average='1000' floor='300'/></bandwidth></portgroup></network>";

START_TEST(test_linux_bridge)
{
	struct netdef *def = parse(linux_xml);
	struct nd_err err = { 0 };
	char *out = NULL;

	/* the default portgroup's bandwidth, the isolation, the bridge */
	ck_assert_int_eq(netdctl_domif_render(def, "ndlab", NULL, NULL, "52:54:00:00:00:05", false, &out, &err), 0);
	ck_assert_str_eq(out, "<interface type='bridge'>\n"
			      "  <mac address='52:54:00:00:00:05'/>\n"
			      "  <source bridge='ndlab'/>\n"
			      "  <bandwidth>\n"
			      "    <inbound average='500' peak='800'/>\n"
			      "  </bandwidth>\n"
			      "  <port isolated='yes'/>\n"
			      "  <model type='virtio'/>\n"
			      "</interface>\n");
	free(out);
	/* a VLAN on a Linux bridge, a floor: only a netd port does them, and the error says how */
	ck_assert_int_lt(netdctl_domif_render(def, "ndlab", "db", NULL, NULL, false, &out, &err), 0);
	ck_assert_msg(strstr(err.msg, "portgroup 'db' carries a VLAN") &&
			      strstr(err.msg, "net-port-create lab --persistent --portgroup db --name TAP"),
		      "%s", err.msg);
	err = (struct nd_err){ 0 };
	ck_assert_int_lt(netdctl_domif_render(def, "ndlab", "gold", NULL, NULL, false, &out, &err), 0);
	ck_assert_msg(strstr(err.msg, "portgroup 'gold' has a floor"), "%s", err.msg);
	err = (struct nd_err){ 0 };
	ck_assert_int_lt(netdctl_domif_render(def, "ndlab", "nope", NULL, NULL, false, &out, &err), 0);
	ck_assert_str_eq(err.msg, "network 'lab' has no portgroup 'nope'");
	/* on a netd port: ethernet, unmanaged, its MAC and queues */
	{
		struct netdctl_domif_port port = { "vnet-db1", "52:54:00:aa:bb:cc", 4 };

		ck_assert_int_eq(netdctl_domif_render(def, "ndlab", NULL, &port, NULL, false, &out, &err), 0);
		ck_assert_str_eq(out, "<interface type='ethernet'>\n"
				      "  <mac address='52:54:00:aa:bb:cc'/>\n"
				      "  <target dev='vnet-db1' managed='no'/>\n"
				      "  <model type='virtio'/>\n"
				      "  <driver name='vhost' queues='4'/>\n"
				      "</interface>\n");
		free(out);
	}
	netdef_free(def);
}
END_TEST

START_TEST(test_ovs)
{
	struct netdef *def = parse("<network><name>o</name><forward mode='bridge'/><bridge name='ovslab'/>"
				   "<virtualport type='openvswitch'/>"
				   "<portgroup name='trunk'><vlan trunk='yes'><tag id='10' nativeMode='untagged'/>"
				   "<tag id='20'/></vlan></portgroup></network>");
	struct nd_err err = { 0 };
	char *out = NULL;

	ck_assert_int_eq(netdctl_domif_render(def, "ovslab", "trunk", NULL, NULL, true, &out, &err), 0);
	ck_assert_str_eq(out, "<interface type='bridge'>\n"
			      "  <source bridge='ovslab'/>\n"
			      "  <virtualport type='openvswitch'/>\n"
			      "  <vlan trunk='yes'>\n"
			      "    <tag id='10' nativeMode='untagged'/>\n"
			      "    <tag id='20'/>\n"
			      "  </vlan>\n"
			      "  <model type='virtio'/>\n"
			      "  <driver>\n"
			      "    <host csum='off'/>\n"
			      "  </driver>\n"
			      "</interface>\n");
	free(out);
	netdef_free(def);
}
END_TEST

Suite *make_netdctl_domif_suite(void)
{
	Suite *s = suite_create("netdctl-domif");
	TCase *tc = tcase_create("domif");

	tcase_add_test(tc, test_linux_bridge);
	tcase_add_test(tc, test_ovs);
	suite_add_tcase(s, tc);
	return s;
}
