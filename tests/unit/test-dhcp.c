/* dnsmasq configuration, hosts files, argv and the lease file reader. */
#include <errno.h>
#include <linux/inet_diag.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/dhcp.h"
#include "tests/unit/suites.h"

static const struct dhcp_paths paths = { "/r/n.conf", "/r/n.hostsfile", "/r/n.addnhosts", "/s/n.leases", NULL };

static struct netdef *parse(const char *xml)
{
	struct netdef *def = NULL;
	struct nd_err err = { 0 };

	ck_assert_msg(netdef_parse_string(xml, strlen(xml), "t", &def, &err) == 0, "%s", err.msg);
	return def;
}

START_TEST(test_conf_nat)
{
	struct netdef *def = parse(
		"<network><name>default</name><forward mode='nat'/><domain name='example.com' localOnly='yes'/>"
		"<dns forwardPlainNames='no'><forwarder addr='192.0.2.53'/><forwarder domain='corp.example'"
		" addr='192.0.2.54'/><txt name='t' value='say \"hi\"'/><srv service='ldap' protocol='tcp'"
		" target='dc.example.com' port='389' priority='1' weight='5'/></dns>"
		"<ip address='192.168.122.1' netmask='255.255.255.0'><tftp root='/srv/tftp'/><dhcp>"
		"<range start='192.168.122.2' end='192.168.122.254'><lease expiry='2' unit='hours'/></range>"
		"<host mac='00:16:3E:77:E2:ED' name='a' ip='192.168.122.10'/><bootp file='pxe.img' server='10.0.0.9'/>"
		"<option number='42' value='192.168.122.20'/></dhcp></ip>"
		"<ip family='ipv6' address='2001:db8::1' prefix='64'><dhcp><range start='2001:db8::100'"
		" end='2001:db8::1ff'/></dhcp></ip></network>");
	char *conf = NULL;
	struct nd_err err = { 0 };
	static const char *const want[] = {
		"strict-order\n", "domain=example.com\nexpand-hosts\nlocal=/example.com/\n",
		"domain-needed\nlocal=//\n", "server=192.0.2.53\n", "server=/corp.example/192.0.2.54\n",
		"no-resolv\n", "srv-host=_ldap._tcp,dc.example.com,389,1,5\n", "txt-record=t,\"say \\\"hi\\\"\"\n",
		"except-interface=lo\nbind-dynamic\ninterface=virbrX\n",
		"dhcp-range=192.168.122.2,192.168.122.254,255.255.255.0,7200\n", "no-ping\n",
		"enable-tftp\ntftp-root=/srv/tftp\n", "dhcp-boot=pxe.img,,10.0.0.9\n",
		"dhcp-option=42,\"192.168.122.20\"\n", "dhcp-range=2001:db8::100,2001:db8::1ff,64\n",
		"dhcp-lease-max=509\n", "dhcp-leasefile=/s/n.leases\n", "dhcp-hostsfile=/r/n.hostsfile\n",
		"addn-hosts=/r/n.addnhosts\n", "enable-ra\n", NULL,
	};

	ck_assert_int_eq(dhcp_conf_render(def, "virbrX", &paths, &conf, &err), 0);
	for (int i = 0; want[i]; i++)
		ck_assert_msg(strstr(conf, want[i]), "missing '%s' in:\n%s", want[i], conf);
	ck_assert(dhcp_needed(def));
	free(conf);
	ck_assert_int_eq(dhcp_hosts_render(def, &conf, &err), 0);
	ck_assert_str_eq(conf, "00:16:3e:77:e2:ed,192.168.122.10,a\n");
	free(conf);
	netdef_free(def);
}
END_TEST

/* <mtu size> reaches the guests as DHCP option 26, as libvirt writes it (nat-network-mtu.conf) */
START_TEST(test_conf_mtu)
{
	struct netdef *def = parse("<network><name>m</name><forward mode='nat'/><mtu size='7000'/>"
				   "<ip address='10.3.0.1' prefix='24'><dhcp><range start='10.3.0.2' end='10.3.0.9'/>"
				   "</dhcp></ip></network>");
	struct netdef *nodhcp = parse("<network><name>m</name><mtu size='7000'/><ip address='10.3.0.1' prefix='24'/>"
				      "</network>");
	char *conf = NULL;

	ck_assert_int_eq(dhcp_conf_render(def, "br", &paths, &conf, NULL), 0);
	ck_assert_msg(strstr(conf, "addn-hosts=/r/n.addnhosts\ndhcp-option=option:mtu,7000\n"), "%s", conf);
	free(conf);
	ck_assert_int_eq(dhcp_conf_render(nodhcp, "br", &paths, &conf, NULL), 0);
	ck_assert_ptr_null(strstr(conf, "option:mtu"));
	free(conf);
	netdef_free(def);
	netdef_free(nodhcp);
}
END_TEST

/* upstream servers: from a servers file netd writes, unless the XML names plain forwarders */
START_TEST(test_conf_servers_file)
{
	static const struct dhcp_paths with_file = { "/r/n.conf", "/r/n.hostsfile", "/r/n.addnhosts", "/s/n.leases",
						      "/r/n.servers" };
	struct netdef *def = parse("<network><name>n</name><forward mode='nat'/><ip address='10.1.0.1' prefix='24'/>"
				   "</network>");
	struct netdef *fwd = parse("<network><name>f</name><forward mode='nat'/><dns><forwarder addr='192.0.2.53'/></dns>"
				   "<ip address='10.2.0.1' prefix='24'/></network>");
	struct nd_err err = { 0 };
	char *conf = NULL;

	ck_assert_int_eq(dhcp_conf_render(def, "br", &with_file, &conf, &err), 0);
	ck_assert_msg(strstr(conf, "no-resolv\nservers-file=/r/n.servers\n"), "%s", conf);
	/* IPv4 only: bound once, no watching of every address of the host */
	ck_assert_msg(strstr(conf, "except-interface=lo\nbind-interfaces\ninterface=br\n"), "%s", conf);
	free(conf);
	def->ipv6 = NETDEF_YES; /* a link-local address on the bridge, tentative at first */
	ck_assert_int_eq(dhcp_conf_render(def, "br", &with_file, &conf, &err), 0);
	ck_assert_msg(strstr(conf, "\nbind-dynamic\n"), "%s", conf);
	free(conf);
	ck_assert_int_eq(dhcp_conf_render(def, "br", &paths, &conf, &err), 0);
	ck_assert_ptr_null(strstr(conf, "resolv"));
	free(conf);
	ck_assert_int_eq(dhcp_conf_render(fwd, "br", &with_file, &conf, &err), 0);
	ck_assert_ptr_nonnull(strstr(conf, "server=192.0.2.53\nno-resolv\n"));
	ck_assert_ptr_null(strstr(conf, "servers-file"));
	free(conf);
	netdef_free(def);
	netdef_free(fwd);
}
END_TEST

/* libvirt's isolated network: no route out by DHCP or RA, no upstream DNS */
START_TEST(test_conf_isolated)
{
	static const struct dhcp_paths with_file = { "/r/n.conf", "/r/n.hostsfile", "/r/n.addnhosts", "/s/n.leases",
						      "/r/n.servers" };
	struct netdef *def = parse("<network><name>i</name><ip address='10.1.0.1' prefix='24'><dhcp>"
				   "<range start='10.1.0.2' end='10.1.0.9'/></dhcp></ip></network>");
	char *conf = NULL;

	ck_assert_int_eq(dhcp_conf_render(def, "br", &with_file, &conf, NULL), 0);
	ck_assert_msg(strstr(conf, "interface=br\ndhcp-option=3\nra-param=*,0,0\n"), "%s", conf);
	ck_assert_msg(strstr(conf, "\nno-resolv\n"), "%s", conf);
	ck_assert_msg(!strstr(conf, "servers-file"), "%s", conf);
	free(conf);
	netdef_free(def);
}
END_TEST

/* localPtr='yes': reverse lookups of the network's subnet stay here; a prefix with no zone is refused */
START_TEST(test_conf_local_ptr)
{
	struct netdef *def = parse("<network><name>p</name><forward mode='nat'/>"
				   "<ip address='192.168.122.1' prefix='24' localPtr='yes'/>"
				   "<ip address='192.168.123.1' prefix='24' localPtr='no'/>"
				   "<ip family='ipv6' address='2001:db8:ac10:fe01::1' prefix='64' localPtr='yes'/></network>");
	struct netdef *odd = parse("<network><name>o</name><ip address='10.0.0.1' prefix='20' localPtr='yes'/></network>");
	struct nd_err err = { 0 };
	char *conf = NULL, zone[128];

	ck_assert_int_eq(dhcp_conf_render(def, "br", &paths, &conf, &err), 0);
	ck_assert_msg(strstr(conf, "local=/122.168.192.in-addr.arpa/\nlocal=/1.0.e.f.0.1.c.a.8.b.d.0.1.0.0.2.ip6.arpa/\n"),
		      "%s", conf);
	ck_assert_msg(!strstr(conf, "123.168.192"), "%s", conf);
	free(conf);
	ck_assert_int_eq(dhcp_conf_render(odd, "br", &paths, &conf, &err), -EOPNOTSUPP);
	ck_assert_msg(strstr(err.msg, "prefix /20"), "%s", err.msg);
	ck_assert_int_eq(dhcp_reverse_zone(&odd->ips[0].address, 8, zone, sizeof(zone)), 0);
	ck_assert_str_eq(zone, "10.in-addr.arpa");
	netdef_free(def);
	netdef_free(odd);
}
END_TEST

/* SRV records as libvirt writes them: fields up to the last given, port 1 and priority 0 filled in */
START_TEST(test_conf_srv_fields)
{
	struct netdef *def = parse("<network><name>s</name><forward mode='nat'/><dns>"
				   "<srv service='name' protocol='tcp'/>"
				   "<srv service='a' protocol='tcp' domain='t3.com' target='t3.example.com' port='3333' priority='33'/>"
				   "<srv service='b' protocol='udp' target='t5.example.com' priority='55' weight='555'/>"
				   "<srv service='c' protocol='tcp' domain='t6.com' target='t6.example.com' port='6666' weight='666'/>"
				   "<srv service='d' protocol='tcp' domain='none' target='.' port='1024' priority='10' weight='10'/>"
				   "</dns><ip address='192.168.122.1' prefix='24'/></network>");
	char *conf = NULL;

	ck_assert_int_eq(dhcp_conf_render(def, "br", &paths, &conf, NULL), 0);
	ck_assert_msg(strstr(conf, "srv-host=_name._tcp\n"
				   "srv-host=_a._tcp.t3.com,t3.example.com,3333,33\n"
				   "srv-host=_b._udp,t5.example.com,1,55,555\n"
				   "srv-host=_c._tcp.t6.com,t6.example.com,6666,0,666\n"
				   "srv-host=_d._tcp.none,.,1024,10,10\n"), "%s", conf);
	free(conf);
	netdef_free(def);
}
END_TEST

START_TEST(test_servers_from_resolv_conf)
{
	struct nd_err err = { 0 };
	char *out = NULL;

	ck_assert_int_eq(dhcp_servers_render("# generated\nsearch example.com\nnameserver 192.0.2.1\n"
					     "nameserver  2001:db8::53\nnameserver fe80::1%eth0\noptions edns0\n"
					     "nameserver not-an-address\nnameserver\n;nameserver 192.0.2.9\n"
					     "nameserver 192.0.2.2",
					     &out, &err), 0);
	ck_assert_str_eq(out, "server=192.0.2.1\nserver=2001:db8::53\nserver=fe80::1%eth0\nserver=192.0.2.2\n");
	free(out);
	ck_assert_int_eq(dhcp_servers_render("", &out, &err), 0);
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

START_TEST(test_conf_dns_off_and_hosts)
{
	struct netdef *def = parse(
		"<network><name>x</name><dns enable='no'/><ip address='10.0.0.1' prefix='24'><dhcp>"
		"<host mac='52:54:00:00:00:01' ip='10.0.0.5'><lease expiry='0'/></host></dhcp></ip>"
		"<ip family='ipv6' address='fd00::1' prefix='64'><dhcp><host id='0:1:2' name='v6'"
		" ip='fd00::5'/></dhcp></ip></network>");
	char *text = NULL;
	struct nd_err err = { 0 };

	ck_assert_int_eq(dhcp_conf_render(def, "b", &paths, &text, &err), 0);
	ck_assert_msg(strstr(text, "port=0\n"), "%s", text);
	ck_assert_msg(strstr(text, "dhcp-range=10.0.0.1,static\n"), "%s", text); /* libvirt names the subnet by the address */
	ck_assert_msg(strstr(text, "dhcp-range=fd00::1,static,64\n"), "%s", text);
	free(text);
	ck_assert_int_eq(dhcp_hosts_render(def, &text, &err), 0);
	ck_assert_str_eq(text, "52:54:00:00:00:01,10.0.0.5,infinite\nid:0:1:2,[fd00::5],v6\n");
	free(text);
	netdef_free(def);
	def = parse("<network><name>y</name><forward mode='bridge'/><bridge name='br0'/></network>");
	ck_assert(!dhcp_needed(def));
	netdef_free(def);
}
END_TEST

START_TEST(test_addnhosts)
{
	struct netdef *def = parse("<network><name>d</name><dns><host ip='10.0.0.7'><hostname>a</hostname>"
				   "<hostname>b</hostname></host></dns><ip address='10.0.0.1' prefix='24'/></network>");
	char *text = NULL;

	ck_assert_int_eq(dhcp_addnhosts_render(def, &text, NULL), 0);
	ck_assert_str_eq(text, "10.0.0.7 a b\n");
	free(text);
	netdef_free(def);
}
END_TEST

START_TEST(test_argv)
{
	char **argv = NULL;

	ck_assert_int_eq(dhcp_argv_build("/usr/sbin/dnsmasq", "/r/x.conf", "nobody", "nogroup", &argv, NULL), 0);
	ck_assert_str_eq(argv[0], "/usr/sbin/dnsmasq");
	ck_assert_str_eq(argv[1], "--conf-file=/r/x.conf");
	ck_assert_str_eq(argv[2], "--keep-in-foreground");
	ck_assert_str_eq(argv[5], "--user=nobody");
	ck_assert_str_eq(argv[6], "--group=nogroup");
	ck_assert_ptr_null(argv[7]);
	dhcp_argv_free(argv);
	ck_assert_str_eq(dhcp_exit_reason(2), "network problem, e.g. address in use or permission denied (exit 2)");
}
END_TEST

START_TEST(test_leases)
{
	static const char text[] =
		"1763770000 52:54:00:aa:bb:cc 192.168.122.50 guest 01:52:54:00:aa:bb:cc\n"
		"0 52:54:00:aa:bb:cd 192.168.122.51 * *\n"
		"duid 00:01:00:01:2c:aa:bb:cc:52:54:00:00:00:01\n"
		"1763770001 1234 2001:db8::150 v6guest 00:03:00:01:52:54:00:00:00:02\n";
	struct dhcp_lease *l = NULL;
	struct nd_err err = { 0 };
	size_t n = 0;

	ck_assert_int_eq(dhcp_leases_parse(text, sizeof(text) - 1, &l, &n, NULL, NULL, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(l[0].expiry, 1763770000);
	ck_assert_str_eq(l[0].mac, "52:54:00:aa:bb:cc");
	ck_assert_str_eq(l[0].hostname, "guest");
	ck_assert_str_eq(l[1].hostname, "");
	ck_assert(l[2].ipv6);
	ck_assert_str_eq(l[2].ip, "2001:db8::150");
	free(l);
	/* malformed lines are skipped and counted, the others still read */
	{
		static const char bad[] = "123 only-two\n"
					  "x y z w v\n"
					  "1 a b c d e\n"
					  "1763770000 52:54:00:aa:bb:01 192.168.122.60 ok *\n";
		size_t skipped = 0, first = 0;

		ck_assert_int_eq(dhcp_leases_parse(bad, sizeof(bad) - 1, &l, &n, &skipped, &first, &err), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_uint_eq(skipped, 3);
		ck_assert_uint_eq(first, 1);
		ck_assert_str_eq(l[0].hostname, "ok");
		free(l);
	}
	ck_assert_int_eq(dhcp_leases_parse("", 0, &l, &n, NULL, NULL, &err), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* a guest chooses its client-id: 255 bytes (764 characters in hex) and a
 * 255-character hostname are read like any other lease */
START_TEST(test_leases_long_fields)
{
	char line[2048], cid[800] = "", host[256];
	struct dhcp_lease *l = NULL;
	size_t n = 0, skipped = 0;
	struct nd_err err = { 0 };

	for (int i = 0; i < 255; i++)
		snprintf(cid + strlen(cid), sizeof(cid) - strlen(cid), "%s%02x", i ? ":" : "", i);
	memset(host, 'h', 255);
	host[255] = '\0';
	snprintf(line, sizeof(line), "1763770000 52:54:00:aa:bb:02 192.168.122.61 %s %s\n"
		 "1763770000 52:54:00:aa:bb:03 192.168.122.62 short *\n", host, cid);
	ck_assert_int_eq(dhcp_leases_parse(line, strlen(line), &l, &n, &skipped, NULL, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_str_eq(l[0].clientid, cid);
	ck_assert_str_eq(l[0].hostname, host);
	ck_assert_str_eq(l[1].hostname, "short");
	free(l);
}
END_TEST

/* every value that reaches dnsmasq's files passes the one rule (dhcp-values.c) */
START_TEST(test_values_rule)
{
	static const char quote[] =
		"<network><name>q</name><ip address='192.168.9.1' prefix='24'><dhcp>"
		"<range start='192.168.9.10' end='192.168.9.20'/>"
		"<option number='119' value='a\"b\\c'/></dhcp></ip></network>";
	static const char *const refused[] = {
		/* a comma in an id adds a field to the hostsfile line */
		"<network><name>q</name><ip address='192.168.9.1' prefix='24'><dhcp>"
		"<range start='192.168.9.10' end='192.168.9.20'/>"
		"<host id='0:1,52:54:00:00:00:01' ip='192.168.9.30'/></dhcp></ip></network>",
		/* '#' in the boot file makes the rest of the line a comment */
		"<network><name>q</name><ip address='192.168.9.1' prefix='24'><dhcp>"
		"<range start='192.168.9.10' end='192.168.9.20'/>"
		"<bootp file='pxe#x' server='192.168.9.2'/></dhcp></ip></network>",
		/* a newline in an option value would be a line of its own */
		"<network><name>q</name><ip address='192.168.9.1' prefix='24'><dhcp>"
		"<range start='192.168.9.10' end='192.168.9.20'/>"
		"<option number='119' value='a&#10;dhcp-script=/tmp/x'/></dhcp></ip></network>",
	};
	struct netdef *def = parse(quote);
	struct nd_err err = { 0 };
	char *conf = NULL, *hosts = NULL;

	ck_assert_int_eq(dhcp_conf_render(def, "b0", &paths, &conf, &err), 0);
	ck_assert_msg(strstr(conf, "dhcp-option=119,\"a\\\"b\\\\c\"\n"), "%s", conf);
	free(conf);
	netdef_free(def);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct netdef *d = NULL;

		memset(&err, 0, sizeof(err));
		if (netdef_parse_string(refused[i], strlen(refused[i]), "t", &d, &err) < 0)
			continue; /* the parser refusing it is as good */
		memset(&err, 0, sizeof(err));
		ck_assert_int_lt(dhcp_def_check(d, &err), 0);
		ck_assert_msg(strstr(err.msg, "cannot go into dnsmasq's files"), "%s", err.msg);
		ck_assert_int_lt(dhcp_conf_render(d, "b0", &paths, &conf, NULL), 0);
		ck_assert_int_lt(dhcp_hosts_render(d, &hosts, NULL), 0);
		netdef_free(d);
	}
	ck_assert(!dhcp_value_ok("a,b", DHCP_VALUE_TOKEN));
	ck_assert(!dhcp_value_ok("", DHCP_VALUE_TOKEN));
	ck_assert(dhcp_value_ok("pxelinux.0", DHCP_VALUE_TOKEN));
	ck_assert(dhcp_value_ok("a \"quoted\", value", DHCP_VALUE_QUOTED));
	ck_assert(!dhcp_value_ok("x\ny", DHCP_VALUE_LINE));
}
END_TEST

START_TEST(test_port_holders)
{
	struct dhcp_port_holder h;

	ck_assert_int_lt(dhcp_port_line_parse("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", false, &h), 0);
	ck_assert_int_eq(dhcp_port_line_parse("   3: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 812345 2 0000000000000000 0", false, &h), 0);
	ck_assert_uint_eq(h.port, 53);
	ck_assert_uint_eq(h.inode, 812345);
	ck_assert(h.wildcard && h.listening && !h.ipv6);
	ck_assert(dhcp_port_conflicts(&h, false));
	/* 127.0.0.53:53 (systemd-resolved) does not conflict */
	ck_assert_int_eq(dhcp_port_line_parse("   4: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 812346 2 0000000000000000 0", false, &h), 0);
	ck_assert(!h.wildcard && !dhcp_port_conflicts(&h, false));
	/* TCP 53 only when listening (state 0A) */
	ck_assert_int_eq(dhcp_port_line_parse("   0: 00000000:0035 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1 0000000000000000 100 0 0 10 0", true, &h), 0);
	ck_assert(dhcp_port_conflicts(&h, false));
	ck_assert_int_eq(dhcp_port_line_parse("   0: 00000000:0035 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 998 1 0000000000000000 100 0 0 10 0", true, &h), 0);
	ck_assert(!dhcp_port_conflicts(&h, false));
	/* UDP 547 on :: matters only with DHCPv6 */
	ck_assert_int_eq(dhcp_port_line_parse("  5: 00000000000000000000000000000000:0223 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 777 2 0000000000000000 0", false, &h), 0);
	ck_assert(h.ipv6 && h.wildcard);
	ck_assert(!dhcp_port_conflicts(&h, false));
	ck_assert(dhcp_port_conflicts(&h, true));
	/* bound to a device (another network's dnsmasq on its bridge): not in the way */
	h.bound_ifindex = 7;
	ck_assert(!dhcp_port_conflicts(&h, true));
}
END_TEST

/* the kernel's inet_diag_bc_audit and inet_diag_bc_run, for the ops the filter uses */
struct diag_entry {
	int family;
	unsigned sport;
	uint32_t addr[4];
	uint32_t ifindex;
};

static bool filter_audit(const unsigned char *bc, int len)
{
	const int total = len;
	const unsigned char *p = bc;

	while (len > 0) {
		const struct inet_diag_bc_op *op = (const struct inet_diag_bc_op *)p;
		int min = (int)sizeof(*op);

		if (op->code == INET_DIAG_BC_S_COND)
			min += (int)sizeof(struct inet_diag_hostcond) +
			       (((const struct inet_diag_hostcond *)(op + 1))->family == AF_INET ? 4 : 16);
		else if (op->code == INET_DIAG_BC_DEV_COND)
			min += 4;
		else if (op->code != INET_DIAG_BC_JMP)
			return false;
		if (op->no < min || op->no > len + 4 || (op->no & 3))
			return false;
		if (op->no < len) { /* the target must be on the chain of "yes" jumps from the start */
			int cc = len - op->no, l = total;
			const unsigned char *q = bc;

			while (l > cc) {
				l -= ((const struct inet_diag_bc_op *)q)->yes;
				q += ((const struct inet_diag_bc_op *)q)->yes;
			}
			if (l != cc)
				return false;
		}
		if (op->yes < min || op->yes > len + 4 || (op->yes & 3))
			return false;
		p += op->yes;
		len -= op->yes;
	}
	return len == 0;
}

static bool filter_run(const unsigned char *bc, int len, const struct diag_entry *e)
{
	while (len > 0) {
		const struct inet_diag_bc_op *op = (const struct inet_diag_bc_op *)bc;
		bool yes = true;

		if (op->code == INET_DIAG_BC_JMP) {
			yes = false;
		} else if (op->code == INET_DIAG_BC_DEV_COND) {
			uint32_t ifindex;

			memcpy(&ifindex, op + 1, 4);
			yes = ifindex == e->ifindex;
		} else {
			const struct inet_diag_hostcond *hc = (const struct inet_diag_hostcond *)(op + 1);
			int bits = hc->prefix_len;

			if ((hc->port != -1 && (unsigned)hc->port != e->sport) || hc->family != e->family)
				yes = false;
			for (int i = 0; yes && i < bits / 32; i++)
				yes = e->addr[i] == hc->addr[i];
		}
		bc += yes ? op->yes : op->no;
		len -= yes ? op->yes : op->no;
	}
	return len == 0;
}

START_TEST(test_port_filter)
{
	static const unsigned ports[] = { 53, 67, 547 };
	unsigned char bc[256];
	const struct {
		struct diag_entry e;
		bool kept;
	} cases[] = {
		{ { AF_INET, 53, { 0 }, 0 }, true },	     /* 0.0.0.0:53 */
		{ { AF_INET, 67, { 0 }, 0 }, true },	     /* 0.0.0.0:67 */
		{ { AF_INET, 547, { 0 }, 0 }, true },
		{ { AF_INET, 53, { 0x0100000a }, 0 }, false }, /* 10.0.0.1:53: another network's dnsmasq */
		{ { AF_INET, 67, { 0 }, 12 }, false },	     /* 0.0.0.0:67 bound to its bridge */
		{ { AF_INET, 5353, { 0 }, 0 }, false },
		{ { AF_INET6, 53, { 0 }, 0 }, false },	     /* another family */
	};
	size_t len = dhcp_port_filter_build(AF_INET, ports, 3, bc, sizeof(bc));

	ck_assert_uint_gt(len, 0);
	ck_assert(filter_audit(bc, (int)len));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(filter_run(bc, (int)len, &cases[i].e) == cases[i].kept, "case %zu", i);
	/* IPv6: all 128 bits must be zero */
	len = dhcp_port_filter_build(AF_INET6, ports, 3, bc, sizeof(bc));
	ck_assert(filter_audit(bc, (int)len));
	ck_assert(filter_run(bc, (int)len, &(struct diag_entry){ AF_INET6, 547, { 0 }, 0 }));
	ck_assert(!filter_run(bc, (int)len, &(struct diag_entry){ AF_INET6, 547, { 0, 0, 0, 1 }, 0 }));
	ck_assert(!filter_run(bc, (int)len, &(struct diag_entry){ AF_INET6, 547, { 0 }, 3 }));
	ck_assert_uint_eq(dhcp_port_filter_build(AF_INET, ports, 3, bc, 8), 0); /* too small a buffer */
}
END_TEST

Suite *make_dhcp_suite(void)
{
	Suite *s = suite_create("dhcp");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, test_conf_nat);
	tcase_add_test(tc, test_conf_servers_file);
	tcase_add_test(tc, test_servers_from_resolv_conf);
	tcase_add_test(tc, test_conf_dns_off_and_hosts);
	tcase_add_test(tc, test_addnhosts);
	tcase_add_test(tc, test_argv);
	tcase_add_test(tc, test_leases);
	tcase_add_test(tc, test_leases_long_fields);
	tcase_add_test(tc, test_values_rule);
	tcase_add_test(tc, test_conf_mtu);
	tcase_add_test(tc, test_conf_isolated);
	tcase_add_test(tc, test_conf_local_ptr);
	tcase_add_test(tc, test_conf_srv_fields);
	tcase_add_test(tc, test_port_holders);
	tcase_add_test(tc, test_port_filter);
	suite_add_tcase(s, tc);
	return s;
}
