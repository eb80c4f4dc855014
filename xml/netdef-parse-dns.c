#include "xml/netdef.h"

#include <errno.h>
#include <string.h>

#include "xml/netdef-parse-internal.h"

static int parse_forwarder(struct pctx *c, const xmlNode *n, struct netdef_dns *dns)
{
	static const char *const attrs[] = { "addr", "domain", NULL };
	struct netdef_dns_forwarder *f;
	int r;

	if (!(f = ARRAY_ADD(dns->forwarders, dns->n_forwarders)))
		return pctx_oom(c, n);
	f->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_addr(c, n, "addr", 0, false, &f->addr)) < 0 ||
	    (r = attr_dup(c, n, "domain", &f->domain)) < 0)
		return r;
	if (!f->addr.family && !f->domain)
		return pctx_error(c, n, -EINVAL, "<forwarder>: needs 'addr', 'domain' or both");
	return 0;
}

int parse_dns_host(struct pctx *c, const xmlNode *n, struct netdef_dns *dns)
{
	static const char *const attrs[] = { "ip", NULL };
	struct netdef_dns_host *h;
	int r;

	if (!(h = ARRAY_ADD(dns->hosts, dns->n_hosts)))
		return pctx_oom(c, n);
	h->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_addr(c, n, "ip", 0, true, &h->ip)) < 0)
		return r;
	for_each_element(ch, n) {
		char **slot;

		if (!node_is(ch, "hostname"))
			return unknown_element(c, n, ch);
		if (!(slot = ARRAY_ADD(h->hostnames, h->n_hostnames)))
			return pctx_oom(c, ch);
		if ((r = text_dup(c, ch, slot)) < 0)
			return r;
		if (!**slot)
			return pctx_error(c, ch, -EINVAL, "<hostname>: empty host name");
	}
	if (h->n_hostnames == 0)
		return pctx_error(c, n, -EINVAL, "<host>: needs at least one <hostname>");
	return 0;
}

static int parse_srv(struct pctx *c, const xmlNode *n, struct netdef_dns *dns)
{
	static const char *const attrs[] = { "service", "protocol", "domain", "target", "port",
					     "priority", "weight", NULL };
	struct netdef_dns_srv *s;
	unsigned long long v;
	int r;

	if (!(s = ARRAY_ADD(dns->srvs, dns->n_srvs)))
		return pctx_oom(c, n);
	s->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_required(c, n, "service", &s->service)) < 0 ||
	    (r = attr_required(c, n, "protocol", &s->protocol)) < 0 ||
	    (r = attr_dup(c, n, "domain", &s->domain)) < 0 ||
	    (r = attr_dup(c, n, "target", &s->target)) < 0)
		return r;
	if ((r = attr_uint(c, n, "port", 65535, &s->has_port, &v)) < 0)
		return r;
	s->port = (unsigned)v;
	if ((r = attr_uint(c, n, "priority", 65535, &s->has_priority, &v)) < 0)
		return r;
	s->priority = (unsigned)v;
	if ((r = attr_uint(c, n, "weight", 65535, &s->has_weight, &v)) < 0)
		return r;
	s->weight = (unsigned)v;
	return 0;
}

static int parse_txt(struct pctx *c, const xmlNode *n, struct netdef_dns *dns)
{
	static const char *const attrs[] = { "name", "value", NULL };
	struct netdef_dns_txt *t;
	int r;

	if (!(t = ARRAY_ADD(dns->txts, dns->n_txts)))
		return pctx_oom(c, n);
	t->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_required(c, n, "name", &t->name)) < 0 ||
	    (r = attr_required(c, n, "value", &t->value)) < 0)
		return r;
	return 0;
}

int parse_dns(struct pctx *c, const xmlNode *n, struct netdef_dns *dns)
{
	static const char *const attrs[] = { "enable", "forwardPlainNames", NULL };
	int r;

	if (dns->present)
		return pctx_error(c, n, -EINVAL, "<dns>: element appears more than once");
	dns->present = true;
	dns->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 ||
	    (r = attr_tristate(c, n, "enable", false, &dns->enable)) < 0 ||
	    (r = attr_tristate(c, n, "forwardPlainNames", false, &dns->forward_plain_names)) < 0)
		return r;
	for_each_element(ch, n) {
		if (node_is(ch, "forwarder"))
			r = parse_forwarder(c, ch, dns);
		else if (node_is(ch, "host"))
			r = parse_dns_host(c, ch, dns);
		else if (node_is(ch, "srv"))
			r = parse_srv(c, ch, dns);
		else if (node_is(ch, "txt"))
			r = parse_txt(c, ch, dns);
		else
			r = unknown_element(c, n, ch);
		if (r < 0)
			return r;
	}
	return 0;
}
