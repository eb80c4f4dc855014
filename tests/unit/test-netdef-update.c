/* net-update on the model: applied to a copy, validated whole. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/suites.h"
#include "xml/netdef.h"

static const char base[] = "<network><name>u</name><ip address='10.0.0.1' prefix='24'><dhcp>"
			   "<range start='10.0.0.100' end='10.0.0.200'/>"
			   "<host mac='52:54:00:00:00:01' ip='10.0.0.5'/></dhcp></ip>"
			   "<dns><host ip='10.0.0.9'><hostname>db</hostname></host></dns></network>";

/* a running network's live definition shares its persistent one: each holder
 * frees once, the last one for real (ASan says so when it is wrong) */
START_TEST(test_shared_definition)
{
	struct netdef *def = NULL, *live, *updated = NULL;
	struct nd_err err = { 0 };

	ck_assert_int_eq(netdef_parse_string(base, strlen(base), "b", &def, &err), 0);
	live = netdef_ref(def);
	ck_assert_ptr_eq(live, def);
	/* an update of the persistent one builds a new object; live keeps the old */
	ck_assert_int_eq(netdef_update(def, NETDEF_UPDATE_DELETE, NETDEF_SECTION_IP_DHCP_HOST, -1,
				       "<host mac='52:54:00:00:00:01'/>", &updated, &err), 0);
	ck_assert_ptr_null(netdef_free(def));
	ck_assert_str_eq(live->name, "u");
	ck_assert_uint_eq(live->ips[0].n_hosts, 1);
	ck_assert_uint_eq(updated->ips[0].n_hosts, 0);
	ck_assert_ptr_null(netdef_free(live));
	netdef_free(updated);
}
END_TEST

START_TEST(test_update_dhcp_hosts)
{
	struct netdef *def = NULL, *a = NULL, *b = NULL, *c = NULL, *bad = NULL;
	struct nd_err err = { 0 };

	ck_assert_int_eq(netdef_parse_string(base, strlen(base), "b", &def, &err), 0);
	ck_assert_int_eq(netdef_update(def, NETDEF_UPDATE_ADD, NETDEF_SECTION_IP_DHCP_HOST, -1,
				       "<host mac='52:54:00:00:00:02' name='two' ip='10.0.0.6'/>", &a, &err), 0);
	ck_assert_uint_eq(a->ips[0].n_hosts, 2);
	ck_assert_uint_eq(def->ips[0].n_hosts, 1); /* the original is untouched */
	ck_assert_int_eq(netdef_update(a, NETDEF_UPDATE_MODIFY, NETDEF_SECTION_IP_DHCP_HOST, -1,
				       "<host mac='52:54:00:00:00:02' ip='10.0.0.7'/>", &b, &err), 0);
	ck_assert_int_eq(b->ips[0].hosts[1].ip.bytes[3], 7);
	ck_assert_int_eq(netdef_update(b, NETDEF_UPDATE_DELETE, NETDEF_SECTION_IP_DHCP_HOST, -1,
				       "<host mac='52:54:00:00:00:01'/>", &c, &err), 0);
	ck_assert_uint_eq(c->ips[0].n_hosts, 1);
	ck_assert_int_lt(netdef_update(c, NETDEF_UPDATE_ADD, NETDEF_SECTION_IP_DHCP_HOST, -1,
				       "<host mac='52:54:00:00:00:03' ip='10.0.0.7'/>", &bad, &err), 0);
	ck_assert_msg(strstr(err.msg, "already has an entry like it"), "%s", err.msg); /* its ip is taken */
	ck_assert_ptr_null(bad);
	memset(&err, 0, sizeof(err));
	ck_assert_int_lt(netdef_update(c, NETDEF_UPDATE_DELETE, NETDEF_SECTION_IP_DHCP_HOST, -1,
				       "<host mac='52:54:00:00:00:99'/>", &bad, &err), 0);
	ck_assert_msg(strstr(err.msg, "has no entry like it"), "%s", err.msg);
	memset(&err, 0, sizeof(err));
	ck_assert_int_lt(netdef_update(c, NETDEF_UPDATE_ADD, NETDEF_SECTION_IP_DHCP_HOST, -1, "<range/>", &bad, &err), 0);
	netdef_free(def);
	netdef_free(a);
	netdef_free(b);
	netdef_free(c);
}
END_TEST

START_TEST(test_update_dns_hosts)
{
	struct netdef *def = NULL, *a = NULL, *b = NULL;
	struct nd_err err = { 0 };

	ck_assert_int_eq(netdef_parse_string(base, strlen(base), "b", &def, &err), 0);
	ck_assert_int_eq(netdef_update(def, NETDEF_UPDATE_ADD, NETDEF_SECTION_DNS_HOST, -1,
				       "<host ip='10.0.0.8'><hostname>web</hostname></host>", &a, &err), 0);
	ck_assert_uint_eq(a->dns.n_hosts, 2);
	ck_assert_int_eq(netdef_update(a, NETDEF_UPDATE_DELETE, NETDEF_SECTION_DNS_HOST, -1,
				       "<host ip='10.0.0.9'><hostname>db</hostname></host>", &b, &err), 0);
	ck_assert_uint_eq(b->dns.n_hosts, 1);
	ck_assert_str_eq(b->dns.hosts[0].hostnames[0], "web");
	ck_assert_int_eq(netdef_update_command_from_string("add-last"), NETDEF_UPDATE_ADD);
	ck_assert_int_eq(netdef_update_section_from_string("portgroup"), NETDEF_SECTION_PORTGROUP);
	ck_assert_int_eq(netdef_update_section_from_string("bridge"), -EOPNOTSUPP); /* libvirt cannot either */
	ck_assert_int_eq(netdef_update_section_from_string("pudding"), -EINVAL);
	netdef_free(def);
	netdef_free(a);
	netdef_free(b);
}
END_TEST

Suite *make_netdef_update_suite(void)
{
	Suite *s = suite_create("netdef-update");
	TCase *tc = tcase_create("update");

	tcase_add_test(tc, test_shared_definition);
	tcase_add_test(tc, test_update_dhcp_hosts);
	tcase_add_test(tc, test_update_dns_hosts);
	suite_add_tcase(s, tc);
	return s;
}
