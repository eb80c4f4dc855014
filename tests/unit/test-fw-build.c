/* The firewall batch as bytes: message sequence, per-mode rules, and the
 * claim that network N+1 costs the same batch as network 1. No root needed. */
#include <stdio.h> /* before libnftnl headers */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/fw.h"
#include "tests/unit/suites.h"

static struct netdef *parse(const char *xml)
{
	struct netdef *def = NULL;
	struct nd_err err = { 0 };

	ck_assert_msg(netdef_parse_string(xml, strlen(xml), "t", &def, &err) == 0, "%s", err.msg);
	return def;
}

#define NAT_XML                                                                                      \
	"<network><name>n1</name><forward mode='nat'/><bridge name='br1'/>"                             \
	"<ip address='192.168.5.1' prefix='24'><dhcp><range start='192.168.5.2' end='192.168.5.9'/>" \
	"</dhcp></ip></network>"

struct tally {
	unsigned begin, end, tables, chains, sets, elems, rules, flushes, delchains;
	char text[65536];
};

/* the rules' text must contain needle; on failure the rules are printed */
static void has(const struct tally *t, const char *needle)
{
	if (!strstr(t->text, needle)) {
		printf("rules:\n%s", t->text);
		ck_abort_msg("rules lack '%s'", needle);
	}
}

static void walk(const struct fw_batch *b, struct tally *t)
{
	const struct nlmsghdr *nlh = b->buf;
	int len = (int)b->len;

	memset(t, 0, sizeof(*t));
	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		uint16_t type = nlh->nlmsg_type;

		if (type == NFNL_MSG_BATCH_BEGIN) {
			t->begin++;
			continue;
		}
		if (type == NFNL_MSG_BATCH_END) {
			t->end++;
			continue;
		}
		ck_assert_msg(nlh->nlmsg_flags & NLM_F_ACK, "message without ACK request");
		switch (type & 0xff) {
		case NFT_MSG_NEWTABLE: t->tables++; break;
		case NFT_MSG_NEWCHAIN: t->chains++; break;
		case NFT_MSG_DELCHAIN: t->delchains++; break;
		case NFT_MSG_NEWSET: t->sets++; break;
		case NFT_MSG_NEWSETELEM: case NFT_MSG_DELSETELEM: t->elems++; break;
		case NFT_MSG_DELRULE: t->flushes++; break;
		case NFT_MSG_NEWRULE: {
			struct nftnl_rule *r = nftnl_rule_alloc();
			char line[1024];

			ck_assert_int_eq(nftnl_rule_nlmsg_parse(nlh, r), 0);
			nftnl_rule_snprintf(line, sizeof(line), r, NFTNL_OUTPUT_DEFAULT, 0);
			strncat(t->text, line, sizeof(t->text) - strlen(t->text) - 2);
			strcat(t->text, "\n");
			t->rules++;
			nftnl_rule_free(r);
			break;
		}
		}
	}
	ck_assert_int_eq(len, 0);
}

START_TEST(test_nat_start_batch)
{
	struct netdef *def = parse(NAT_XML);
	struct nd_err err = { 0 };
	struct fw_batch b;
	struct tally t;

	ck_assert_int_eq(fw_build_network_start(def, "br1", true, 100, &b, &err), 0);
	walk(&b, &t);
	ck_assert_uint_eq(t.begin, 1);
	ck_assert_uint_eq(t.end, 1);
	ck_assert_uint_eq(t.tables, 1);
	ck_assert_uint_eq(t.chains, 3 + 4); /* forward, input, postrouting + 4 of the network */
	ck_assert_uint_eq(t.sets, 4 + 2); /* the maps, and svc4/svc6 of the bridges' addresses */
	ck_assert_uint_eq(t.elems, 4 + 1);
	ck_assert_uint_eq(b.seq_first, 100);
	ck_assert_uint_eq(b.n_notes, b.seq_next - b.seq_first);
	/* the rules name the subnet, the bridge and masquerade with the port range */
	has(&t, "[ cmp eq reg 1 0x0005a8c0 ]");
	has(&t, "[ masq proto_min reg 2 proto_max reg 3 flags 0x2 ]");
	has(&t, "[ lookup reg 1 set fwd_oif dreg 0 ]");
	has(&t, "[ reject type 2 code 1 ]"); /* icmpx port unreachable */
	fw_batch_free(&b);
	netdef_free(def);
}
END_TEST

START_TEST(test_cost_independent_of_network_count)
{
	/* the batch of a network does not depend on how many others exist: same size
	 * for the first and for any later one (nothing of the others is rewritten) */
	struct netdef *a = parse(NAT_XML);
	struct nd_err err = { 0 };
	struct fw_batch b1, b2;

	ck_assert_int_eq(fw_build_network_start(a, "br1", true, 1, &b1, &err), 0);
	ck_assert_int_eq(fw_build_network_start(a, "br1", true, 5000, &b2, &err), 0);
	ck_assert_uint_eq(b1.len, b2.len);
	ck_assert_uint_eq(b1.n_notes, b2.n_notes);
	fw_batch_free(&b1);
	fw_batch_free(&b2);
	netdef_free(a);
}
END_TEST

START_TEST(test_start_without_dispatch)
{
	/* with the dispatch rules known to be in place, a start deletes nothing:
	 * no flush of a base chain, no dispatch rule; the rest is the same */
	struct netdef *def = parse(NAT_XML);
	struct nd_err err = { 0 };
	struct fw_batch full, lean;
	struct tally a, b;

	ck_assert_int_eq(fw_build_network_start(def, "br1", true, 1, &full, &err), 0);
	ck_assert_int_eq(fw_build_network_start(def, "br1", false, 1, &lean, &err), 0);
	walk(&full, &a);
	walk(&lean, &b);
	ck_assert_uint_eq(a.flushes, 3 + 4); /* the base chains and the network's */
	ck_assert_uint_eq(b.flushes, 4);     /* the network's own, new chains only */
	ck_assert_uint_eq(a.rules - b.rules, 4 + 6); /* one dispatch rule per map, the service drops */
	ck_assert_ptr_null(strstr(b.text, "set fwd_oif"));
	ck_assert_uint_eq(b.tables, a.tables);
	ck_assert_uint_eq(b.chains, a.chains);
	ck_assert_uint_eq(b.sets, a.sets);
	ck_assert_uint_eq(b.elems, a.elems);
	fw_batch_free(&full);
	fw_batch_free(&lean);
	netdef_free(def);
}
END_TEST

START_TEST(test_several_networks_one_batch)
{
	/* re-adoption: one skeleton, then each network's own part */
	struct netdef *a = parse(NAT_XML);
	struct netdef *c = parse("<network><name>n2</name><forward mode='nat'/><bridge name='br2'/>"
				 "<ip address='192.168.6.1' prefix='24'/></network>");
	const struct netdef *defs[] = { a, c };
	const char *bridges[] = { "br1", "br2" };
	struct nd_err err = { 0 };
	struct fw_batch one, two;
	struct tally t1, t2;

	ck_assert_int_eq(fw_build_network_start(a, "br1", true, 1, &one, &err), 0);
	ck_assert_int_eq(fw_build_networks_start(defs, bridges, 2, true, 1, &two, &err), 0);
	walk(&one, &t1);
	walk(&two, &t2);
	ck_assert_uint_eq(t2.begin, 1);
	ck_assert_uint_eq(t2.end, 1);
	ck_assert_uint_eq(t2.tables, 1);
	ck_assert_uint_eq(t2.chains, t1.chains + 4);
	ck_assert_uint_eq(t2.elems, t1.elems * 2);
	has(&t2, "n2-nat");
	fw_batch_free(&one);
	fw_batch_free(&two);
	netdef_free(a);
	netdef_free(c);
}
END_TEST

START_TEST(test_modes)
{
	static const char *const xml[] = {
		"<network><name>r</name><forward mode='route'/><ip address='10.1.0.1' prefix='16'/></network>",
		"<network><name>i</name><ip address='10.2.0.1' prefix='16'/></network>",
	};
	struct nd_err err = { 0 };
	struct fw_batch b;
	struct tally t;

	for (int i = 0; i < 2; i++) {
		struct netdef *def = parse(xml[i]);

		ck_assert_int_eq(fw_build_network_start(def, "brx", true, 1, &b, &err), 0);
		walk(&b, &t);
		ck_assert_uint_eq(t.chains, 3 + 3); /* no nat chain */
		ck_assert_msg(!strstr(t.text, "masq"), "masquerade outside nat");
		if (i == 1) /* isolated: nothing accepted towards or from the outside */
			ck_assert_msg(!strstr(t.text, "cmp eq reg 1 0x0000020a"), "isolated subnet accepted");
		fw_batch_free(&b);
		netdef_free(def);
	}
	{
		struct netdef *open = parse("<network><name>o</name><forward mode='open'/></network>");

		ck_assert(!fw_network_has_rules(open));
		ck_assert_int_lt(fw_build_network_start(open, "bro", true, 1, &b, &err), 0);
		netdef_free(open);
	}
}
END_TEST

START_TEST(test_nat_ranges_and_dev)
{
	struct netdef *def = parse("<network><name>p</name><forward mode='nat' dev='eth7'><nat>"
				   "<address start='203.0.113.5' end='203.0.113.9'/><port start='2000' end='3000'/>"
				   "</nat></forward><ip address='10.3.0.1' prefix='24'/></network>");
	struct nd_err err = { 0 };
	struct fw_batch b;
	struct tally t;

	ck_assert_int_eq(fw_build_network_start(def, "brp", true, 1, &b, &err), 0);
	walk(&b, &t);
	has(&t, "[ nat snat ip addr_min reg 1 addr_max reg 2 proto_min reg 3 proto_max reg 4");
	has(&t, "0x37687465"); /* "eth7" as compared against oifname */
	fw_batch_free(&b);
	netdef_free(def);
}
END_TEST

START_TEST(test_stop_batch)
{
	struct netdef *def = parse(NAT_XML);
	struct nd_err err = { 0 };
	struct fw_batch b;
	struct tally t;

	ck_assert_int_eq(fw_build_network_stop(def, "br1", true, 7, &b, &err), 0);
	walk(&b, &t);
	ck_assert_uint_eq(t.elems, 4 + 1); /* the map elements and its address in svc4 */
	ck_assert_uint_eq(t.delchains, 4);
	ck_assert_uint_eq(t.tables + t.sets + t.rules, 0); /* touches nothing shared */
	fw_batch_free(&b);
	/* a network of a netd before the svc sets: its chains go, no address to delete */
	ck_assert_int_eq(fw_build_network_stop(def, "br1", false, 7, &b, &err), 0);
	walk(&b, &t);
	ck_assert_uint_eq(t.elems, 4);
	fw_batch_free(&b);
	netdef_free(def);
}
END_TEST

/* DNS/DHCP to a bridge address from anywhere but its bridge: dropped after the dispatch (no open resolver) */
START_TEST(test_service_ports_bridge_only)
{
	struct netdef *def = parse("<network><name>d</name><forward mode='nat'/>"
				   "<ip address='192.168.5.1' prefix='24'/><ip family='ipv6' address='fd00:5::1' prefix='64'/>"
				   "</network>");
	struct nd_err err = { 0 };
	struct fw_batch b;
	struct tally t;

	ck_assert_int_eq(fw_build_network_start(def, "br1", true, 1, &b, &err), 0);
	walk(&b, &t);
	ck_assert_uint_eq(t.sets, 4 + 2); /* the four maps, svc4 and svc6 */
	ck_assert_uint_eq(t.elems, 4 + 2); /* its map elements, an address in each set */
	/* in input, after the vmap: daddr @svc4 and @svc6, udp 53, tcp 53, udp 67 / 547, drop */
	has(&t, "[ lookup reg 1 set svc4 ]");
	has(&t, "[ lookup reg 1 set svc6 ]");
	has(&t, "[ cmp eq reg 1 0x00003500 ]\n  [ immediate reg 0 drop ]");
	has(&t, "[ cmp eq reg 1 0x00004300 ]\n  [ immediate reg 0 drop ]");
	has(&t, "[ cmp eq reg 1 0x00002302 ]\n  [ immediate reg 0 drop ]");
	fw_batch_free(&b);
	/* the per-network start without the dispatch rules adds no rule outside its chains */
	ck_assert_int_eq(fw_build_network_start(def, "br1", false, 1, &b, &err), 0);
	walk(&b, &t);
	ck_assert_msg(!strstr(t.text, "set svc4"), "%s", t.text);
	fw_batch_free(&b);
	netdef_free(def);
}
END_TEST

Suite *make_fw_build_suite(void)
{
	Suite *s = suite_create("firewall-build");
	TCase *tc = tcase_create("batch");

	tcase_add_test(tc, test_nat_start_batch);
	tcase_add_test(tc, test_service_ports_bridge_only);
	tcase_add_test(tc, test_cost_independent_of_network_count);
	tcase_add_test(tc, test_start_without_dispatch);
	tcase_add_test(tc, test_several_networks_one_batch);
	tcase_add_test(tc, test_modes);
	tcase_add_test(tc, test_nat_ranges_and_dev);
	tcase_add_test(tc, test_stop_batch);
	suite_add_tcase(s, tc);
	return s;
}
