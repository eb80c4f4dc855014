/*
 * dnsmasq configuration from the model, after libvirt's networkxml2conf
 * (see ../shared/corpus/libvirt-extra/networkxml2confdata) with netd's choices:
 * - interface=<bridge> + except-interface=lo: dnsmasq binds only the bridge's
 *   addresses, so it coexists with other DNS servers; bind-interfaces when
 *   the network is IPv4 only: a bind-dynamic dnsmasq re-reads every address
 *   of the host on every address change anywhere, so with N networks each
 *   start woke N dnsmasqs to scan N bridges (load average 400 at 900
 *   networks in make bench). netd sets the addresses before dnsmasq starts
 *   and the bridge has no IPv6, so nothing is left for bind-dynamic to wait
 *   for. With IPv6, bind-dynamic stays: the bridge's link-local address is
 *   tentative (DAD) when dnsmasq starts. bind-interfaces answers whatever
 *   reaches a bound address, from any interface: netd's input rules drop DNS
 *   and DHCP to a bridge address from anywhere but its bridge (firewall/
 *   fw-build.c); an open network has no rules, and keeps bind-dynamic;
 * - no-ping: dnsmasq would ping every address for ~3 s before offering it; netd
 *   reserves static hosts through the hostsfile and keeps the lease file, which
 *   is what keeps an address from being handed out twice;
 * - dhcp-authoritative: a restarted network answers its old clients at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-buf.h"
#include "dhcp/dhcp.h"

bool dhcp_needed(const struct netdef *def)
{
	if (def->forward.mode == NETDEF_FORWARD_BRIDGE || def->n_ips == 0 || def->ovn.present) /* OVN serves its own */
		return false;
	if (def->dns.enable != NETDEF_NO)
		return true;
	for (size_t i = 0; i < def->n_ips; i++)
		if (def->ips[i].has_dhcp || def->ips[i].family == AF_INET6)
			return true;
	return false;
}

static const char *addr_s(const struct netdef_addr *a, char *buf)
{
	return netdef_addr_format(a, buf, INET6_ADDRSTRLEN);
}

static void lease_suffix(struct nd_buf *b, const struct netdef_lease *l)
{
	long long s = netdef_lease_seconds(l);

	if (s == 0)
		nd_buf_puts(b, ",infinite");
	else if (s > 0)
		nd_buf_printf(b, ",%lld", s);
}

static unsigned long long range_size(const struct netdef_range *r)
{
	unsigned long long a = 0, b = 0;
	size_t off = r->start.family == AF_INET ? 0 : 8, n = r->start.family == AF_INET ? 4 : 16;

	for (size_t i = off; i < n; i++) {
		a = a << 8 | r->start.bytes[i];
		b = b << 8 | r->end.bytes[i];
	}
	return b - a + 1;
}

/* reverse lookups of the network's own addresses are answered here, never forwarded (localPtr='yes') */
static void render_local_ptrs(struct nd_buf *b, const struct netdef *def)
{
	for (size_t i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];
		char zone[128];

		if (ip->local_ptr == NETDEF_YES && dhcp_reverse_zone(&ip->address, ip->prefix, zone, sizeof(zone)) == 0)
			nd_buf_printf(b, "local=/%s/\n", zone);
	}
}

/* returns whether it wrote no-resolv */
static bool render_dns(struct nd_buf *b, const struct netdef *def, const struct dhcp_paths *paths)
{
	const struct netdef_dns *dns = &def->dns;
	bool plain_server = false;
	char t[INET6_ADDRSTRLEN];

	if (dns->enable == NETDEF_NO) {
		nd_buf_puts(b, "port=0\n");
		return false;
	}
	if (dns->forward_plain_names == NETDEF_NO)
		nd_buf_puts(b, "domain-needed\nlocal=//\n");
	for (size_t i = 0; i < dns->n_forwarders; i++) {
		const struct netdef_dns_forwarder *f = &dns->forwarders[i];

		nd_buf_puts(b, "server=");
		if (f->domain)
			nd_buf_printf(b, "/%s/", f->domain);
		if (f->addr.family)
			nd_buf_puts(b, addr_s(&f->addr, t));
		else
			nd_buf_puts(b, "#"); /* domain resolved by the host's own resolvers */
		nd_buf_puts(b, "\n");
		plain_server |= !f->domain && f->addr.family;
	}
	/* an isolated network forwards nothing upstream (libvirt: no-resolv) */
	if (plain_server || def->forward.mode == NETDEF_FORWARD_NONE) {
		nd_buf_puts(b, "no-resolv\n");
	} else if (paths->serversfile) {
		nd_buf_puts(b, "no-resolv\nservers-file=");
		nd_buf_puts(b, paths->serversfile);
		nd_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < dns->n_srvs; i++) {
		const struct netdef_dns_srv *s = &dns->srvs[i];

		nd_buf_printf(b, "srv-host=_%s._%s", s->service, s->protocol);
		if (s->domain)
			nd_buf_printf(b, ".%s", s->domain);
		/* as libvirt writes it: fields up to the last one given; an absent port is
		 * dnsmasq's default (1), an absent priority 0 */
		if (s->target) {
			nd_buf_printf(b, ",%s", s->target);
			if (s->has_port || s->has_priority || s->has_weight)
				nd_buf_printf(b, ",%u", s->has_port ? s->port : 1);
			if (s->has_priority || s->has_weight)
				nd_buf_printf(b, ",%u", s->priority);
			if (s->has_weight)
				nd_buf_printf(b, ",%u", s->weight);
		}
		nd_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < dns->n_txts; i++) {
		nd_buf_printf(b, "txt-record=%s,", dns->txts[i].name);
		dhcp_quote(b, dns->txts[i].value);
		nd_buf_puts(b, "\n");
	}
	return plain_server || def->forward.mode == NETDEF_FORWARD_NONE || paths->serversfile;
}

static void render_ip(struct nd_buf *b, const struct netdef_ip *ip, unsigned long long *lease_max)
{
	char s[INET6_ADDRSTRLEN], e[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < ip->n_ranges; i++) {
		const struct netdef_range *r = &ip->ranges[i];

		nd_buf_printf(b, "dhcp-range=%s,%s", addr_s(&r->start, s), addr_s(&r->end, e));
		if (ip->family == AF_INET) {
			struct netdef_addr mask;

			netdef_prefix_to_netmask(ip->prefix, &mask);
			nd_buf_printf(b, ",%s", addr_s(&mask, s));
		} else {
			nd_buf_printf(b, ",%u", ip->prefix);
		}
		lease_suffix(b, &r->lease);
		nd_buf_puts(b, "\n");
		*lease_max += range_size(r);
	}
	if (ip->family == AF_INET6 && ip->n_ranges == 0 && ip->n_hosts > 0) {
		/* static DHCPv6 hosts only: a range covering the subnet, addresses from the hosts */
		nd_buf_printf(b, "dhcp-range=%s,static,%u\n", addr_s(&ip->address, s), ip->prefix);
	}
	/* the subnet is the interface's: libvirt names it by the network's own address */
	if (ip->family == AF_INET && ip->n_ranges == 0 && ip->n_hosts > 0)
		nd_buf_printf(b, "dhcp-range=%s,static\n", addr_s(&ip->address, s));
	/* DHCPv4 only, as libvirt (no-ping is netd's: see the top) */
	if (ip->family == AF_INET && (ip->n_ranges || ip->n_hosts))
		nd_buf_puts(b, "dhcp-no-override\ndhcp-authoritative\nno-ping\n");
	if (ip->tftp_root)
		nd_buf_printf(b, "enable-tftp\ntftp-root=%s\n", ip->tftp_root);
	if (ip->bootp_file) {
		nd_buf_printf(b, "dhcp-boot=%s", ip->bootp_file);
		if (ip->bootp_server)
			nd_buf_printf(b, ",,%s", ip->bootp_server);
		nd_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < ip->n_options; i++) {
		nd_buf_printf(b, "dhcp-option=%u,", ip->options[i].number);
		dhcp_quote(b, ip->options[i].value);
		nd_buf_puts(b, "\n");
	}
}

int dhcp_conf_render(const struct netdef *def, const char *bridge, const struct dhcp_paths *paths,
		     char **ret, struct nd_err *err)
{
	unsigned long long lease_max = 0;
	struct nd_buf b = { 0 };
	bool v6 = false, dhcp = false, dhcp6 = false, no_resolv;
	char t[INET6_ADDRSTRLEN];
	int r;

	if ((r = dhcp_def_check(def, err)) < 0)
		return r;

	nd_buf_printf(&b, "## generated by netd for network '%s': changes are overwritten\n", def->name);
	nd_buf_puts(&b, "strict-order\n");
	if (def->domain.name) {
		nd_buf_printf(&b, "domain=%s\nexpand-hosts\n", def->domain.name);
		if (def->domain.local_only == NETDEF_YES)
			nd_buf_printf(&b, "local=/%s/\n", def->domain.name);
	}
	render_local_ptrs(&b, def);
	no_resolv = render_dns(&b, def, paths);
	for (size_t i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];

		v6 |= ip->family == AF_INET6;
		dhcp |= ip->has_dhcp;
		dhcp6 |= ip->family == AF_INET6 && (ip->n_ranges || ip->n_hosts);
	}
	/* ipv6='yes' keeps a link-local address on the bridge: tentative at first; an open
	 * network has no firewall rules to keep DNS on its bridge: dnsmasq checks where
	 * each query came in (bind-dynamic does, bind-interfaces does not) */
	nd_buf_printf(&b, "except-interface=lo\n%s\ninterface=%s\n",
		      v6 || def->ipv6 == NETDEF_YES || def->forward.mode == NETDEF_FORWARD_OPEN ? "bind-dynamic"
												: "bind-interfaces",
		      bridge);
	/* isolated, as libvirt: no default route by DHCP (an empty router option), none
	 * by router advertisements (lifetime 0), no upstream DNS */
	if (def->forward.mode == NETDEF_FORWARD_NONE)
		nd_buf_printf(&b, "dhcp-option=3\n%sra-param=*,0,0\n", no_resolv ? "" : "no-resolv\n");
	for (size_t i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];

		render_ip(&b, ip, &lease_max);
		if (ip->family == AF_INET6 && !ip->n_ranges && !ip->n_hosts)
			nd_buf_printf(&b, "dhcp-range=%s,ra-only\n", addr_s(&ip->address, t));
	}
	if (lease_max)
		nd_buf_printf(&b, "dhcp-lease-max=%llu\n", lease_max > 1000000 ? 1000000 : lease_max);
	nd_buf_printf(&b, "dhcp-leasefile=%s\n", paths->leasefile);
	if (dhcp)
		nd_buf_printf(&b, "dhcp-hostsfile=%s\n", paths->hostsfile);
	if (def->dns.enable != NETDEF_NO)
		nd_buf_printf(&b, "addn-hosts=%s\n", paths->addnhosts);
	/* libvirt's order; the guests' own MTU follows the network's (DHCP option 26) */
	if (def->mtu && netdef_dhcp_ip(def, AF_INET))
		nd_buf_printf(&b, "dhcp-option=option:mtu,%u\n", def->mtu);
	/* router advertisements with DHCPv6; an ra-only range sends them by itself */
	if (dhcp6)
		nd_buf_puts(&b, "enable-ra\n");
	for (size_t i = 0; i < def->n_dnsmasq_options; i++)
		nd_buf_printf(&b, "%s\n", def->dnsmasq_options[i]);
	if (nd_buf_error(&b) < 0) {
		nd_buf_free(&b);
		return nd_err_set(err, -ENOMEM, def->name, "out of memory rendering dnsmasq.conf");
	}
	*ret = nd_buf_steal(&b);
	return 0;
}

int dhcp_hosts_render(const struct netdef *def, char **ret, struct nd_err *err)
{
	struct nd_buf b = { 0 };
	char t[INET6_ADDRSTRLEN];
	int r;

	if ((r = dhcp_def_check(def, err)) < 0)
		return r;

	nd_buf_puts(&b, "");
	for (size_t i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];

		for (size_t j = 0; j < ip->n_hosts; j++) {
			const struct netdef_dhcp_host *h = &ip->hosts[j];
			bool first = true;

			if (h->mac) {
				nd_buf_puts(&b, h->mac);
				first = false;
			} else if (h->id) {
				nd_buf_printf(&b, "id:%s", h->id);
				first = false;
			}
			if (h->ip.family) {
				nd_buf_puts(&b, first ? "" : ",");
				nd_buf_printf(&b, ip->family == AF_INET6 ? "[%s]" : "%s", addr_s(&h->ip, t));
				first = false;
			}
			if (h->name)
				nd_buf_printf(&b, "%s%s", first ? "" : ",", h->name);
			lease_suffix(&b, &h->lease);
			nd_buf_puts(&b, "\n");
		}
	}
	if (nd_buf_error(&b) < 0) {
		nd_buf_free(&b);
		return nd_err_set(err, -ENOMEM, def->name, "out of memory rendering the hostsfile");
	}
	*ret = nd_buf_steal(&b);
	return 0;
}

int dhcp_addnhosts_render(const struct netdef *def, char **ret, struct nd_err *err)
{
	struct nd_buf b = { 0 };
	char t[INET6_ADDRSTRLEN];

	nd_buf_puts(&b, "");
	for (size_t i = 0; i < def->dns.n_hosts; i++) {
		const struct netdef_dns_host *h = &def->dns.hosts[i];

		nd_buf_puts(&b, addr_s(&h->ip, t));
		for (size_t j = 0; j < h->n_hostnames; j++)
			nd_buf_printf(&b, " %s", h->hostnames[j]);
		nd_buf_puts(&b, "\n");
	}
	if (nd_buf_error(&b) < 0) {
		nd_buf_free(&b);
		return nd_err_set(err, -ENOMEM, def->name, "out of memory rendering addn-hosts");
	}
	*ret = nd_buf_steal(&b);
	return 0;
}

void dhcp_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

int dhcp_argv_build(const char *binary, const char *conf_path, const char *user, const char *group, char ***ret,
		    struct nd_err *err)
{
	char **argv = calloc(10, sizeof(char *));
	int n = 0;

	if (!argv)
		return nd_err_set(err, -ENOMEM, "dnsmasq", "out of memory");
	/* every value is its own argv element: nothing here goes through a shell */
	if (!(argv[n++] = strdup(binary)) || asprintf(&argv[n++], "--conf-file=%s", conf_path) < 0 ||
	    !(argv[n++] = strdup("--keep-in-foreground")) || !(argv[n++] = strdup("--pid-file")) ||
	    !(argv[n++] = strdup("--log-facility=-")) ||
	    (user && asprintf(&argv[n++], "--user=%s", user) < 0) ||
	    (group && asprintf(&argv[n++], "--group=%s", group) < 0)) {
		argv[n - 1] = NULL;
		dhcp_argv_free(argv);
		return nd_err_set(err, -ENOMEM, "dnsmasq", "out of memory");
	}
	argv[n] = NULL;
	*ret = argv;
	return 0;
}

const char *dhcp_exit_reason(int status)
{
	switch (status) {
	case 0: return "exited normally";
	case 1: return "configuration problem (exit 1)";
	case 2: return "network problem, e.g. address in use or permission denied (exit 2)";
	case 3: return "filesystem problem, e.g. missing file (exit 3)";
	case 4: return "out of memory (exit 4)";
	default: return "other problem (exit 5 or unknown)";
	}
}

int dhcp_servers_render(const char *resolv_conf, char **ret, struct nd_err *err)
{
	struct nd_buf b = { 0 };
	const char *line = resolv_conf;

	nd_buf_puts(&b, "");
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char word[16], addr[INET6_ADDRSTRLEN + 20], probe[sizeof(struct in6_addr)], *pct;

		if (len < 200 && sscanf(line, "%15s %63s", word, addr) == 2 && strcmp(word, "nameserver") == 0) {
			/* a link-local IPv6 server may name its interface: fe80::1%eth0 */
			if ((pct = strchr(addr, '%')))
				*pct = '\0';
			if (inet_pton(AF_INET, addr, probe) == 1 || inet_pton(AF_INET6, addr, probe) == 1) {
				if (pct)
					*pct = '%';
				nd_buf_printf(&b, "server=%s\n", addr);
			}
		}
		line = end ? end + 1 : NULL;
	}
	if (nd_buf_error(&b))
		return nd_err_set(err, -ENOMEM, "resolv.conf", "out of memory");
	*ret = nd_buf_steal(&b);
	return 0;
}
