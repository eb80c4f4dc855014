#include "xml/netdef.h"

#include <errno.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "xml/netdef-parse-internal.h"

#define NETDEF_XML_MAX (4u << 20) /* a definition larger than 4 MiB is refused */

/* Forward modes libvirt has and netd does not implement, refused by name. */
static const char *const refused_modes[] = { "private", "vepa", "passthrough", "hostdev", NULL };

static int parse_nat(struct pctx *c, const xmlNode *n, struct netdef_nat *nat)
{
	static const char *const attrs[] = { "ipv6", NULL };
	static const char *const range_attrs[] = { "start", "end", NULL };
	unsigned long long v;
	int r;

	nat->present = true;
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_tristate(c, n, "ipv6", false, &nat->ipv6)) < 0)
		return r;
	for_each_element(ch, n) {
		if (node_is(ch, "address")) {
			if ((r = check_attrs(c, ch, range_attrs)) < 0 ||
			    (r = attr_addr(c, ch, "start", AF_INET, true, &nat->addr_start)) < 0 ||
			    (r = attr_addr(c, ch, "end", AF_INET, false, &nat->addr_end)) < 0)
				return r;
			if (!nat->addr_end.family)
				nat->addr_end = nat->addr_start;
		} else if (node_is(ch, "port")) {
			if ((r = check_attrs(c, ch, range_attrs)) < 0)
				return r;
			if ((r = attr_uint(c, ch, "start", 65535, NULL, &v)) < 0)
				return r;
			nat->port_start = (unsigned)v;
			if ((r = attr_uint(c, ch, "end", 65535, NULL, &v)) < 0)
				return r;
			nat->port_end = (unsigned)v;
		} else {
			return unknown_element(c, n, ch);
		}
	}
	return 0;
}

static int parse_forward(struct pctx *c, const xmlNode *n, struct netdef_forward_def *fwd)
{
	static const char *const attrs[] = { "mode", "dev", NULL };
	_cleanup_free_ char *mode = NULL;
	int r;

	if (fwd->present)
		return pctx_error(c, n, -EINVAL, "<forward>: element appears more than once");
	fwd->present = true;
	fwd->line = (int)xmlGetLineNo(n);
	if ((r = attr_dup(c, n, "mode", &mode)) < 0)
		return r;
	if (mode) {
		for (const char *const *p = refused_modes; *p; p++)
			if (strcmp(mode, *p) == 0)
				return pctx_error(c, n, -ENOTSUP,
						  "<forward mode='%s'>: forward mode '%s' is not supported by netd "
						  "(supported: nat, route, open, bridge; no <forward> for isolated)",
						  mode, mode);
		int m = netdef_forward_from_string(mode);
		if (m < 0 || m == NETDEF_FORWARD_NONE)
			return pctx_error(c, n, -EINVAL, "<forward mode='%.64s'>: unknown forward mode",
					  mode);
		fwd->mode = (enum netdef_forward)m;
		fwd->mode_attr = true;
	} else {
		fwd->mode = NETDEF_FORWARD_NAT; /* libvirt's default for <forward/> */
	}
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_dup(c, n, "dev", &fwd->dev)) < 0)
		return r;
	for_each_element(ch, n) {
		if (node_is(ch, "interface")) {
			static const char *const if_attrs[] = { "dev", NULL };
			char **slot;

			if ((r = check_attrs(c, ch, if_attrs)) < 0)
				return r;
			if (!(slot = ARRAY_ADD(fwd->interfaces, fwd->n_interfaces)))
				return pctx_oom(c, ch);
			if ((r = attr_required(c, ch, "dev", slot)) < 0)
				return r;
		} else if (node_is(ch, "nat")) {
			if (fwd->nat.present)
				return pctx_error(c, ch, -EINVAL, "<nat>: element appears more than once");
			if ((r = parse_nat(c, ch, &fwd->nat)) < 0)
				return r;
		} else if (node_is(ch, "pf") || node_is(ch, "address") || node_is(ch, "driver")) {
			return pctx_error(c, ch, -ENOTSUP,
					  "<forward>: <%s> (SR-IOV/hostdev forwarding) is not supported by netd",
					  (const char *)ch->name);
		} else {
			return unknown_element(c, n, ch);
		}
	}
	return 0;
}

static int parse_bridge(struct pctx *c, const xmlNode *n, struct netdef_bridge *br)
{
	static const char *const attrs[] = { "name", "stp", "delay", "macTableManager", "zone", NULL };
	unsigned long long v;
	int r;

	if (br->present)
		return pctx_error(c, n, -EINVAL, "<bridge>: element appears more than once");
	br->present = true;
	br->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_dup(c, n, "name", &br->name)) < 0 ||
	    (r = attr_tristate(c, n, "stp", true, &br->stp)) < 0 ||
	    (r = attr_uint(c, n, "delay", 600, &br->has_delay, &v)) < 0 ||
	    (r = attr_dup(c, n, "macTableManager", &br->mac_table_manager)) < 0 ||
	    (r = attr_dup(c, n, "zone", &br->zone)) < 0)
		return r;
	if (br->has_delay)
		br->delay = (unsigned)v;
	if (br->mac_table_manager && strcmp(br->mac_table_manager, "kernel") != 0 &&
	    strcmp(br->mac_table_manager, "libvirt") != 0)
		return pctx_error(c, n, -EINVAL,
				  "<bridge macTableManager='%.64s'>: expected 'kernel' or 'libvirt'",
				  br->mac_table_manager);
	for_each_element(ch, n) return unknown_element(c, n, ch);
	return 0;
}

static int parse_domain(struct pctx *c, const xmlNode *n, struct netdef_domain *d)
{
	static const char *const attrs[] = { "name", "localOnly", "register", NULL };
	int r;

	if (d->name)
		return pctx_error(c, n, -EINVAL, "<domain>: element appears more than once");
	d->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_required(c, n, "name", &d->name)) < 0 ||
	    (r = attr_tristate(c, n, "localOnly", false, &d->local_only)) < 0 ||
	    (r = attr_tristate(c, n, "register", false, &d->reg)) < 0)
		return r;
	return 0;
}

/* Keep <metadata> children verbatim: each child serialized on its own. */
static int parse_metadata(struct pctx *c, xmlNode *n, struct netdef *def)
{
	xmlBufferPtr buf;
	int r = 0;

	if (def->metadata_xml)
		return pctx_error(c, n, -EINVAL, "<metadata>: element appears more than once");
	buf = xmlBufferCreate();
	if (!buf)
		return pctx_oom(c, n);
	for (xmlNode *ch = n->children; ch; ch = ch->next) {
		if (ch->type != XML_ELEMENT_NODE)
			continue;
		if (!ch->ns) {
			r = pctx_error(c, ch, -EINVAL,
				       "<metadata>: child <%s> needs its own XML namespace",
				       (const char *)ch->name);
			break;
		}
		if (xmlBufferLength(buf) > 0)
			xmlBufferCCat(buf, "\n");
		if (xmlNodeDump(buf, n->doc, ch, 0, 0) < 0) {
			r = pctx_oom(c, ch);
			break;
		}
	}
	if (r == 0 && !(def->metadata_xml = strdup((const char *)xmlBufferContent(buf))))
		r = pctx_oom(c, n);
	xmlBufferFree(buf);
	return r;
}

static int parse_dnsmasq_options(struct pctx *c, const xmlNode *n, struct netdef *def)
{
	int r;

	for_each_element(ch, n) {
		static const char *const attrs[] = { "value", NULL };
		char **slot;

		if (!ch->ns || strcmp((const char *)ch->ns->href, NETDEF_DNSMASQ_NS) != 0 ||
		    strcmp((const char *)ch->name, "option") != 0)
			return unknown_element(c, n, ch);
		if ((r = check_attrs(c, ch, attrs)) < 0)
			return r;
		if (!(slot = ARRAY_ADD(def->dnsmasq_options, def->n_dnsmasq_options)))
			return pctx_oom(c, ch);
		if ((r = attr_required(c, ch, "value", slot)) < 0)
			return r;
	}
	return 0;
}

static int parse_text_once(struct pctx *c, const xmlNode *n, char **slot)
{
	if (*slot)
		return pctx_error(c, n, -EINVAL, "<%s>: element appears more than once",
				  (const char *)n->name);
	for_each_element(ch, n) return unknown_element(c, n, ch);
	return text_dup(c, n, slot);
}

static int parse_uuid(struct pctx *c, const xmlNode *n, struct netdef *def, bool *seen)
{
	_cleanup_free_ char *text = NULL;
	int r;

	if (*seen)
		return pctx_error(c, n, -EINVAL, "<uuid>: element appears more than once");
	*seen = true;
	if ((r = parse_text_once(c, n, &text)) < 0)
		return r;
	if (netdef_uuid_parse(text, def->uuid) < 0 || netdef_uuid_is_null(def->uuid))
		return pctx_error(c, n, -EINVAL, "<uuid>%.64s</uuid>: not a valid UUID", text);
	return 0;
}

static int parse_mac(struct pctx *c, const xmlNode *n, char **slot)
{
	static const char *const attrs[] = { "address", NULL };
	uint8_t mac[6];
	int r;

	if (*slot)
		return pctx_error(c, n, -EINVAL, "<mac>: element appears more than once");
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_required(c, n, "address", slot)) < 0)
		return r;
	if (netdef_mac_parse(*slot, mac) < 0)
		return pctx_error(c, n, -EINVAL, "<mac address='%.64s'>: not a valid MAC address",
				  *slot);
	if (mac[0] & 1)
		return pctx_error(c, n, -EINVAL,
				  "<mac address='%s'>: a multicast MAC cannot be a bridge address", *slot);
	netdef_mac_format(mac, *slot); /* normalized to lower case, same length */
	return 0;
}

static int parse_mtu(struct pctx *c, const xmlNode *n, struct netdef *def)
{
	static const char *const attrs[] = { "size", NULL };
	unsigned long long v;
	bool present;
	int r;

	if (def->mtu)
		return pctx_error(c, n, -EINVAL, "<mtu>: element appears more than once");
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_uint(c, n, "size", 65535, &present, &v)) < 0)
		return r;
	if (!present || v < 68)
		return pctx_error(c, n, -EINVAL, "<mtu>: attribute 'size' must be 68..65535");
	def->mtu = (unsigned)v;
	return 0;
}

static int parse_port(struct pctx *c, const xmlNode *n, struct netdef *def)
{
	static const char *const attrs[] = { "isolated", NULL };
	int r;

	if ((r = check_attrs(c, n, attrs)) < 0)
		return r;
	return attr_tristate(c, n, "isolated", false, &def->port_isolated);
}

static int parse_network_child(struct pctx *c, xmlNode *root, xmlNode *ch, struct netdef *def,
			       bool *uuid_seen)
{
	if (ch->ns && strcmp((const char *)ch->ns->href, NETDEF_DNSMASQ_NS) == 0 &&
	    strcmp((const char *)ch->name, "options") == 0)
		return parse_dnsmasq_options(c, ch, def);
	if (ch->ns && strcmp((const char *)ch->ns->href, NETDEF_NETD_NS) == 0 &&
	    strcmp((const char *)ch->name, "ovn") == 0)
		return parse_ovn(c, ch, &def->ovn);
	if (ch->ns)
		return unknown_element(c, root, ch);
	if (node_is(ch, "name")) {
		def->name_line = (int)xmlGetLineNo(ch);
		return parse_text_once(c, ch, &def->name);
	}
	if (node_is(ch, "uuid"))
		return parse_uuid(c, ch, def, uuid_seen);
	if (node_is(ch, "title"))
		return parse_text_once(c, ch, &def->title);
	if (node_is(ch, "description"))
		return parse_text_once(c, ch, &def->description);
	if (node_is(ch, "metadata"))
		return parse_metadata(c, ch, def);
	if (node_is(ch, "forward"))
		return parse_forward(c, ch, &def->forward);
	if (node_is(ch, "bridge"))
		return parse_bridge(c, ch, &def->bridge);
	if (node_is(ch, "mtu"))
		return parse_mtu(c, ch, def);
	if (node_is(ch, "mac"))
		return parse_mac(c, ch, &def->mac);
	if (node_is(ch, "domain"))
		return parse_domain(c, ch, &def->domain);
	if (node_is(ch, "dns"))
		return parse_dns(c, ch, &def->dns);
	if (node_is(ch, "ip"))
		return parse_ip(c, ch, def);
	if (node_is(ch, "route"))
		return parse_route(c, ch, def);
	if (node_is(ch, "virtualport")) {
		if (def->virtualport.type != NETDEF_VPORT_NONE)
			return pctx_error(c, ch, -EINVAL, "<virtualport>: element appears more than once");
		return parse_virtualport(c, ch, &def->virtualport);
	}
	if (node_is(ch, "portgroup"))
		return parse_portgroup(c, ch, def);
	if (node_is(ch, "vlan"))
		return parse_vlan(c, ch, &def->vlan);
	if (node_is(ch, "bandwidth"))
		return parse_bandwidth(c, ch, &def->bandwidth);
	if (node_is(ch, "port"))
		return parse_port(c, ch, def);
	return unknown_element(c, root, ch);
}

static int parse_network(struct pctx *c, xmlNode *root, struct netdef *def)
{
	/* 'connections' is live status in libvirt's output: accepted, not kept */
	static const char *const attrs[] = { "ipv6", "trustGuestRxFilters", "connections", NULL };
	bool uuid_seen = false;
	int r;

	def->line = (int)xmlGetLineNo(root);

	if (!node_is(root, "network"))
		return pctx_error(c, root, -EINVAL, "root element is <%s>, expected <network>",
				  (const char *)root->name);
	if ((r = check_attrs(c, root, attrs)) < 0 ||
	    (r = attr_tristate(c, root, "ipv6", false, &def->ipv6)) < 0 ||
	    (r = attr_tristate(c, root, "trustGuestRxFilters", false, &def->trust_guest_rx_filters)) < 0)
		return r;
	for_each_element(ch, root) {
		if ((r = parse_network_child(c, root, ch, def, &uuid_seen)) < 0)
			return r;
	}
	if (!def->name)
		return pctx_error(c, root, -EINVAL, "<network>: missing required element <name>");
	if (!uuid_seen && (r = netdef_random_bytes(def->uuid, sizeof(def->uuid))) < 0)
		return pctx_error(c, root, r, "cannot generate a UUID");
	if (!uuid_seen) {
		def->uuid[6] = (def->uuid[6] & 0x0f) | 0x40; /* version 4 */
		def->uuid[8] = (def->uuid[8] & 0x3f) | 0x80;
		def->uuid_generated = true;
	}
	return 0;
}

static int xml_error(struct pctx *c, xmlParserCtxtPtr ctxt)
{
	const xmlError *e = xmlCtxtGetLastError(ctxt);
	char where[128], msg[256];
	size_t len;

	if (!e || !e->message)
		return nd_err_set(c->err, -EINVAL, c->source, "not well-formed XML");
	snprintf(msg, sizeof(msg), "%s", e->message);
	len = strlen(msg);
	while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
		msg[--len] = '\0';
	if (e->line > 0)
		snprintf(where, sizeof(where), "%s:%d", c->source, e->line);
	else
		snprintf(where, sizeof(where), "%s", c->source);
	return nd_err_set(c->err, -EINVAL, where, "malformed XML: %s", msg);
}

int netdef_parse_string(const char *xml, size_t len, const char *source, struct netdef **ret,
			struct nd_err *err)
{
	struct pctx c = { .source = source ? source : "<input>", .err = err };
	_cleanup_(netdef_freep) struct netdef *def = NULL;
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNode *root;
	int r;

	*ret = NULL;
	if (len > NETDEF_XML_MAX)
		return nd_err_set(err, -EFBIG, c.source, "definition is %zu bytes, more than %u",
				  len, NETDEF_XML_MAX);
	if (len == 0)
		return nd_err_set(err, -EINVAL, c.source, "empty input, expected <network>");
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return nd_err_set(err, -ENOMEM, c.source, "out of memory");
	/* no network access, no entity expansion, no DTD loading */
	doc = xmlCtxtReadMemory(ctxt, xml, (int)len, c.source, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		r = xml_error(&c, ctxt);
		xmlFreeParserCtxt(ctxt);
		return r;
	}
	xmlFreeParserCtxt(ctxt);
	root = xmlDocGetRootElement(doc);
	def = netdef_new();
	if (doc->intSubset || doc->extSubset)
		/* libvirt's XML has none; refusing them rules out entity tricks */
		r = nd_err_set(err, -EINVAL, c.source, "DOCTYPE declarations are not allowed");
	else if (!def)
		r = nd_err_set(err, -ENOMEM, c.source, "out of memory");
	else if (!root)
		r = nd_err_set(err, -EINVAL, c.source, "no root element, expected <network>");
	else
		r = parse_network(&c, root, def);
	xmlFreeDoc(doc);
	if (r < 0)
		return r;
	if ((r = netdef_validate(def, c.source, err)) < 0)
		return r;
	*ret = TAKE_PTR(def);
	return 0;
}

int netdef_parse_file(const char *path, struct netdef **ret, struct nd_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	*ret = NULL;
	r = nd_file_read(path, NETDEF_XML_MAX, &buf, &len, err);
	if (r == -ENOENT)
		return nd_err_set(err, r, path, "cannot open: %s", strerror(ENOENT));
	if (r < 0)
		return r;
	return netdef_parse_string(buf, len, path, ret, err);
}
