/*
 * The one rule for every value that reaches a dnsmasq file (dnsmasq.conf,
 * the hostsfile, addn-hosts). Such a file is line-based and its fields are
 * comma-separated, so a value that is not checked can add options (a
 * newline), fields (a comma), a comment ('#') or an unterminated quote, and
 * take dnsmasq down or around netd's own checks.
 *   token:  a field between commas or spaces: printable ASCII without
 *           space , # " ' \ (names, ids, MACs, file names, domains)
 *   quoted: written inside "..." with " and \ escaped (DHCP option values,
 *           TXT records): anything but control characters
 *   line:   a whole line of its own (<dnsmasq:options>): anything but
 *           control characters
 */
#include "dhcp/dhcp.h"

#include <errno.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>

#include "common/nd-buf.h"

bool dhcp_value_ok(const char *v, enum dhcp_value_kind kind)
{
	if (!v)
		return true;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return false;
		if (kind == DHCP_VALUE_TOKEN && (*p > 0x7e || strchr(" ,#\"'\\", *p)))
			return false;
	}
	return kind != DHCP_VALUE_TOKEN || v[0] != '\0';
}

static const char *const kind_rule[] = {
	[DHCP_VALUE_TOKEN] = "printable ASCII without spaces, commas, '#', quotes or backslashes",
	[DHCP_VALUE_QUOTED] = "no control characters",
	[DHCP_VALUE_LINE] = "no control characters (one line)",
};

static int check(const char *v, enum dhcp_value_kind kind, int line, const char *what, struct nd_err *err)
{
	char where[32];

	if (dhcp_value_ok(v, kind))
		return 0;
	snprintf(where, sizeof(where), "line %d", line);
	return nd_err_set(err, -EINVAL, line > 0 ? where : "", "%s '%.80s' cannot go into dnsmasq's files: %s",
			  what, v, kind_rule[kind]);
}

int dhcp_reverse_zone(const struct netdef_addr *a, unsigned prefix, char *buf, size_t len)
{
	bool v4 = a->family == AF_INET;
	unsigned step = v4 ? 8 : 4, max = v4 ? 32 : 128;
	size_t off = 0;

	if ((a->family != AF_INET && a->family != AF_INET6) || prefix == 0 || prefix > max || prefix % step)
		return -EINVAL;
	buf[0] = '\0';
	for (unsigned i = prefix / step; i-- > 0 && off < len;) {
		unsigned v = v4 ? a->bytes[i] : (unsigned)(a->bytes[i / 2] >> (i % 2 ? 0 : 4)) & 0xf;

		off += (size_t)snprintf(buf + off, len - off, v4 ? "%u." : "%x.", v);
	}
	if (off >= len || (size_t)snprintf(buf + off, len - off, "%s", v4 ? "in-addr.arpa" : "ip6.arpa") >= len - off)
		return -ENAMETOOLONG;
	return 0;
}

int dhcp_def_check(const struct netdef *def, struct nd_err *err)
{
	const struct netdef_dns *dns = &def->dns;
	int r = 0;

	if (def->domain.name)
		r = r ?: check(def->domain.name, DHCP_VALUE_TOKEN, 0, "<domain name>", err);
	for (size_t i = 0; i < def->n_ips && !r; i++) {
		const struct netdef_ip *ip = &def->ips[i];
		char zone[128], where[32];

		if (ip->local_ptr == NETDEF_YES && dhcp_reverse_zone(&ip->address, ip->prefix, zone, sizeof(zone)) < 0) {
			snprintf(where, sizeof(where), "line %d", ip->line);
			r = nd_err_set(err, -EOPNOTSUPP, where,
				       "<ip localPtr='yes'>: no reverse zone for an %s network with prefix /%u (it must end on "
				       "a%s boundary: /%s)", ip->family == AF_INET ? "IPv4" : "IPv6", ip->prefix,
				       ip->family == AF_INET ? "n octet" : " nibble",
				       ip->family == AF_INET ? "8, /16 or /24" : "4, /8 ... /124");
			break;
		}

		r = r ?: check(ip->bootp_file, DHCP_VALUE_TOKEN, ip->line, "<bootp file>", err);
		r = r ?: check(ip->bootp_server, DHCP_VALUE_TOKEN, ip->line, "<bootp server>", err);
		r = r ?: check(ip->tftp_root, DHCP_VALUE_TOKEN, ip->line, "<tftp root>", err);
		for (size_t j = 0; j < ip->n_hosts && !r; j++) {
			const struct netdef_dhcp_host *h = &ip->hosts[j];

			r = r ?: check(h->mac, DHCP_VALUE_TOKEN, h->line, "<host mac>", err);
			r = r ?: check(h->id, DHCP_VALUE_TOKEN, h->line, "<host id>", err);
			r = r ?: check(h->name, DHCP_VALUE_TOKEN, h->line, "<host name>", err);
		}
		for (size_t j = 0; j < ip->n_options && !r; j++)
			r = r ?: check(ip->options[j].value, DHCP_VALUE_QUOTED, ip->options[j].line, "<option value>", err);
	}
	for (size_t i = 0; i < dns->n_forwarders && !r; i++)
		r = r ?: check(dns->forwarders[i].domain, DHCP_VALUE_TOKEN, dns->line, "<forwarder domain>", err);
	for (size_t i = 0; i < dns->n_hosts && !r; i++)
		for (size_t j = 0; j < dns->hosts[i].n_hostnames && !r; j++)
			r = r ?: check(dns->hosts[i].hostnames[j], DHCP_VALUE_TOKEN, dns->hosts[i].line, "<hostname>", err);
	for (size_t i = 0; i < dns->n_srvs && !r; i++) {
		const struct netdef_dns_srv *s = &dns->srvs[i];

		r = r ?: check(s->service, DHCP_VALUE_TOKEN, s->line, "<srv service>", err);
		r = r ?: check(s->protocol, DHCP_VALUE_TOKEN, s->line, "<srv protocol>", err);
		r = r ?: check(s->domain, DHCP_VALUE_TOKEN, s->line, "<srv domain>", err);
		r = r ?: check(s->target, DHCP_VALUE_TOKEN, s->line, "<srv target>", err);
	}
	for (size_t i = 0; i < dns->n_txts && !r; i++) {
		r = r ?: check(dns->txts[i].name, DHCP_VALUE_TOKEN, dns->txts[i].line, "<txt name>", err);
		r = r ?: check(dns->txts[i].value, DHCP_VALUE_QUOTED, dns->txts[i].line, "<txt value>", err);
	}
	for (size_t i = 0; i < def->n_dnsmasq_options && !r; i++)
		r = r ?: check(def->dnsmasq_options[i], DHCP_VALUE_LINE, 0, "<dnsmasq:option value>", err);
	return r;
}

void dhcp_quote(struct nd_buf *b, const char *v)
{
	nd_buf_puts(b, "\"");
	for (const char *p = v ? v : ""; *p; p++) {
		if (*p == '"' || *p == '\\')
			nd_buf_puts(b, "\\");
		nd_buf_append(b, p, 1);
	}
	nd_buf_puts(b, "\"");
}
