/*
 * netdctl doctor: what works on this host and what is in the way, as a table
 * of OK / WARN / FAIL with a one-line hint (or --json). Probes that need the
 * kernel (bridge, vlan_filtering, nftables NAT) run in a forked child inside
 * a throwaway network namespace: the host's own namespace is never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "firewall/fw.h"
#include "netd/client/netd-doctor.h"
#include "netd/lib/netd-listeners.h"
#include "tapdev/tapdev.h"

enum verdict { OK, WARN, FAIL };
static const char *const verdicts[] = { "OK", "WARN", "FAIL" };

struct report {
	json_object *rows;
	int worst;
};

static void row(struct report *r, const char *check, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void row(struct report *r, const char *check, enum verdict v, const char *fmt, ...)
{
	json_object *o = json_object_new_object();
	char detail[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "check", json_object_new_string(check));
	json_object_object_add(o, "status", json_object_new_string(verdicts[v]));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	json_object_array_add(r->rows, o);
	if ((int)v > r->worst)
		r->worst = (int)v;
}

enum probe { PROBE_BRIDGE, PROBE_VLAN_FILTERING, PROBE_NFT_NAT };

/* 0 when the probe worked in a private network namespace, -errno otherwise */
static int probe(enum probe what)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct tapdev_bridge_cfg cfg = { .name = "ndprobe0", .vlan_filtering = what == PROBE_VLAN_FILTERING };
		struct tapdev_nl *nl = NULL;
		struct fw_conn *fw = NULL;
		struct netdef *def = NULL;
		struct fw_batch b;
		static const char xml[] = "<network><name>probe</name><forward mode='nat'/>"
					  "<ip address='10.255.0.1' prefix='24'/></network>";
		int r;

		if (unshare(CLONE_NEWNET) < 0)
			_exit(100);
		if (what == PROBE_NFT_NAT)
			r = netdef_parse_string(xml, sizeof(xml) - 1, "probe", &def, NULL) == 0 &&
					    fw_build_network_start(def, "ndprobe0", true, 1, &b, NULL) == 0 &&
					    fw_conn_open(&fw, NULL) == 0 ?
				    fw_batch_apply(fw, &b, NULL) : -EINVAL;
		else
			r = tapdev_nl_open(&nl, NULL) == 0 ? tapdev_bridge_add(nl, &cfg, NULL) : -EIO;
		_exit(r < 0 ? (-r > 99 ? 99 : -r) : 0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -EIO;
	if (WEXITSTATUS(status) == 100)
		return -EPERM;
	return -WEXITSTATUS(status);
}

static void first_line_of(char *const argv[], char *buf, size_t len)
{
	int p[2], status;
	pid_t pid;
	ssize_t n;

	buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	n = pid > 0 ? read(p[0], buf, len - 1) : -1;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (pid > 0 && (!WIFEXITED(status) || WEXITSTATUS(status) == 127))
		buf[0] = '\0';
}

static void check_kernel(struct report *r)
{
	char reason[256];
	struct stat st;
	int fd, e;

	e = probe(PROBE_BRIDGE);
	if (e == 0)
		row(r, "kernel: bridge", OK, "bridges can be created");
	else
		row(r, "kernel: bridge", FAIL, "cannot create a bridge: %s%s", strerror(-e),
		    e == -EPERM ? " (run doctor as root)" : "");
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		row(r, "kernel: tun/tap", OK, "/dev/net/tun opens");
	} else {
		row(r, "kernel: tun/tap", FAIL, "/dev/net/tun: %s (modprobe tun)", strerror(errno));
	}
	e = probe(PROBE_NFT_NAT);
	if (e == 0)
		row(r, "kernel: nf_tables NAT", OK, "NAT rules load");
	else
		row(r, "kernel: nf_tables NAT", FAIL, "a NAT ruleset is refused: %s (nf_tables, nft_nat, nft_masq)", strerror(-e));
	fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		row(r, "kernel: vhost-net", OK, "/dev/vhost-net opens: guests get in-kernel virtio-net");
	} else {
		row(r, "kernel: vhost-net", WARN, "missing (/dev/vhost-net: %s): QEMU moves packets itself, slower (modprobe vhost_net)",
		    strerror(errno));
	}
	if (strcmp(tapdev_detect_accel(reason, sizeof(reason)), "kvm") == 0)
		row(r, "kernel: KVM for guests", OK, "/dev/kvm opens and the CPU has vmx/svm");
	else
		row(r, "kernel: KVM for guests", WARN, "not usable for guests: %s; netd-launch falls back to TCG (slow)",
		    reason + strlen("using TCG (no KVM): "));
	e = probe(PROBE_VLAN_FILTERING);
	if (e == 0)
		row(r, "kernel: bridge vlan_filtering", OK, "portgroup VLANs work on Linux bridges");
	else
		row(r, "kernel: bridge vlan_filtering", WARN, "missing (%s): portgroup VLANs need an Open vSwitch network",
		    strerror(-e));
	if (stat("/sys/module/openvswitch", &st) == 0)
		row(r, "kernel: openvswitch module", OK, "OVS bridges can use the kernel datapath");
	else
		row(r, "kernel: openvswitch module", WARN, "missing: OVS bridges netd creates use the userspace datapath (slower)");
}

static void check_binaries(struct report *r)
{
	static const struct {
		const char *name, *check;
		enum verdict missing;
		const char *hint;
	} bins[] = {
		{ "/usr/sbin/dnsmasq", "binary: dnsmasq", FAIL, "no DHCP/DNS for networks (apt-get install dnsmasq-base)" },
		{ "qemu-system-x86_64", "binary: qemu", WARN, "netd-launch cannot start guests (apt-get install qemu-system-x86)" },
		{ "ovs-vsctl", "binary: ovs-vsctl", WARN, "no Open vSwitch networks (apt-get install openvswitch-switch)" },
	};

	for (size_t i = 0; i < sizeof(bins) / sizeof(bins[0]); i++) {
		char *argv[] = { (char *)bins[i].name, "--version", NULL }, out[256];

		first_line_of(argv, out, sizeof(out));
		if (out[0])
			row(r, bins[i].check, OK, "%s", out);
		else
			row(r, bins[i].check, bins[i].missing, "missing: %s", bins[i].hint);
	}
}

static int read_int(const char *path)
{
	FILE *f = fopen(path, "re");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void check_host(struct report *r)
{
	struct fw_base_chain *chains = NULL;
	struct fw_conn *fw = NULL;
	size_t n = 0, drops = 0;
	char buf[1024];
	int v;

	v = read_int("/proc/sys/net/ipv4/ip_forward");
	row(r, "IPv4 forwarding", v == 1 ? OK : WARN, v == 1 ? "on" : "off: netd turns it on when a nat or route network starts");
	v = read_int("/proc/sys/net/ipv6/conf/all/forwarding");
	row(r, "IPv6 forwarding", v == 1 ? OK : WARN, v == 1 ? "on" : "off: netd turns it on for IPv6 nat/route networks");
	if (fw_conn_open(&fw, NULL) == 0 && fw_list_base_chains(fw, &chains, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++) {
			char check[160];

			if ((!chains[i].policy_drop && !chains[i].drop_rule) ||
			    (strcmp(chains[i].hook, "forward") && strcmp(chains[i].hook, "input")))
				continue;
			snprintf(check, sizeof(check), "foreign %s drop %s", chains[i].hook, chains[i].policy_drop ? "policy" : "rule");
			if (!chains[i].policy_drop) {
				row(r, check, WARN, "table %s %s, chain %s has a rule (handle %llu) that drops or rejects everything "
				    "reaching it: guests' %s too, unless an earlier rule accepts them", chains[i].family,
				    chains[i].table, chains[i].chain, chains[i].drop_rule_handle,
				    strcmp(chains[i].hook, "forward") == 0 ? "forwarded traffic" : "DHCP/DNS to the bridge");
				drops++;
				continue;
			}
			if (strcmp(chains[i].hook, "forward") == 0)
				row(r, check, WARN, "table %s %s, chain %s drops by default: it also drops guests' forwarded traffic "
				    "unless it accepts them%s", chains[i].family, chains[i].table, chains[i].chain,
				    strcmp(chains[i].chain, "FORWARD") == 0 ? " (Docker sets this; netd adds rules to DOCKER-USER)" : "");
			else
				row(r, check, WARN, "table %s %s, chain %s drops by default: guests' DHCP/DNS to the bridge too, unless "
				    "e.g. nft insert rule %s %s %s iifname \"virbr*\" udp dport { 53, 67 } accept",
				    chains[i].family, chains[i].table, chains[i].chain, chains[i].family, chains[i].table,
				    chains[i].chain);
			drops++;
		}
		free(chains);
		if (!drops)
			row(r, "foreign drop policies", OK, "no other table's forward/input chain drops by default");
	} else {
		row(r, "foreign drop policies", WARN, "cannot read the ruleset (run doctor as root)");
	}
	fw_conn_close(fw);
	{
		int rules, lr;
		bool drop;

		lr = netd_doctor_legacy_forward(&rules, &drop);
		if (lr == 0)
			row(r, "legacy iptables", OK, "no iptables-legacy filter table loaded");
		else if (lr < 0)
			row(r, "legacy iptables", WARN, "the iptables-legacy filter table is loaded but unreadable: %s", strerror(-lr));
		else if (drop || rules > 0)
			row(r, "legacy iptables", WARN,
			    "iptables-legacy table filter is loaded with %d rule%s%s: its FORWARD chain also applies to guests' "
			    "traffic (see iptables-legacy -S; mixing legacy and nft iptables breaks networks)",
			    rules, rules == 1 ? "" : "s", drop ? " and FORWARD policy DROP" : "");
		else
			row(r, "legacy iptables", OK, "iptables-legacy filter table loaded, empty, FORWARD accepts");
	}
	if (netd_wildcard_listeners(buf, sizeof(buf)) > 0)
		row(r, "DNS/DHCP ports", WARN, "wildcard listeners: %s: networks' dnsmasq cannot bind these", buf);
	else
		row(r, "DNS/DHCP ports", OK, "no wildcard listener on 53, 67 or 547");
}

static void check_networks(struct report *r, json_object *(*call)(const char *, json_object *, json_object **))
{
	json_object *reply = NULL, *list = call ? call("net-list", NULL, &reply) : NULL;
	struct tapdev_nl *nl = NULL;
	struct fw_conn *fw = NULL;
	int table = fw_conn_open(&fw, NULL) < 0 ? -EIO : fw_table_exists(fw, NULL);

	fw_conn_close(fw);

	if (!list) {
		row(r, "netd", WARN, "the daemon does not answer: network checks skipped");
		return;
	}
	tapdev_nl_open(&nl, NULL);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		json_object *o = json_object_array_get_idx(list, i), *v, *info_reply = NULL, *info, *p;
		const char *name = "", *bridge = "", *fwd = "";
		char check[128];
		int pid = 0;

		if (!json_object_object_get_ex(o, "active", &v) || !json_object_get_boolean(v))
			continue;
		if (json_object_object_get_ex(o, "name", &v))
			name = json_object_get_string(v);
		if (json_object_object_get_ex(o, "bridge", &v))
			bridge = json_object_get_string(v);
		if (json_object_object_get_ex(o, "forward", &v))
			fwd = json_object_get_string(v);
		p = json_object_new_object();
		json_object_object_add(p, "name", json_object_new_string(name));
		info = call("net-info", p, &info_reply);
		if (info && json_object_object_get_ex(info, "dnsmasq_pid", &v))
			pid = json_object_get_int(v);
		snprintf(check, sizeof(check), "network %s", name);
		if (nl && !tapdev_link_exists(nl, bridge))
			row(r, check, FAIL, "bridge %s is missing: netdctl net-start %s repairs it", bridge, name);
		else if ((!strcmp(fwd, "nat") || !strcmp(fwd, "route") || !strcmp(fwd, "none")) && table != 1)
			row(r, check, FAIL, "its nftables rules are missing: netdctl net-start %s repairs it", name);
		else if (strcmp(fwd, "bridge") && strcmp(fwd, "open") && pid <= 0)
			row(r, check, WARN, "dnsmasq is not running (netd restarts it)");
		else
			row(r, check, OK, "bridge %s, rules%s in place", bridge, pid > 0 ? " and dnsmasq" : "");
		json_object_put(info_reply);
	}
	tapdev_nl_close(nl);
	json_object_put(reply);
}

int netd_doctor(bool as_json, json_object *(*call)(const char *, json_object *, json_object **))
{
	struct report r = { .rows = json_object_new_array(), .worst = OK };

	check_kernel(&r);
	check_binaries(&r);
	check_host(&r);
	check_networks(&r, call);
	if (as_json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "checks", json_object_get(r.rows));
		json_object_object_add(o, "status", json_object_new_string(verdicts[r.worst]));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else {
		printf(" %-32s %-6s %s\n", "Check", "Status", "Detail");
		printf("------------------------------------------------------------------------------------------\n");
		for (size_t i = 0; i < json_object_array_length(r.rows); i++) {
			json_object *o = json_object_array_get_idx(r.rows, i), *c, *s, *d;

			json_object_object_get_ex(o, "check", &c);
			json_object_object_get_ex(o, "status", &s);
			json_object_object_get_ex(o, "detail", &d);
			printf(" %-32s %-6s %s\n", json_object_get_string(c), json_object_get_string(s), json_object_get_string(d));
		}
	}
	json_object_put(r.rows);
	return r.worst == FAIL ? 1 : 0;
}
