/*
 * virsh net-update, for every section libvirt 9.0 updates: the change is
 * made on the definition as a document (the section's element added first or
 * last, replaced or removed, as libvirt matches entries), and the whole
 * result parsed and validated again, so a bad update changes nothing.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "xml/netdef-parse-internal.h"
#include "xml/netdef.h"

static const char *const section_names[_NETDEF_SECTION_MAX] = {
	[NETDEF_SECTION_IP_DHCP_HOST] = "ip-dhcp-host", [NETDEF_SECTION_IP_DHCP_RANGE] = "ip-dhcp-range",
	[NETDEF_SECTION_FORWARD_INTERFACE] = "forward-interface", [NETDEF_SECTION_PORTGROUP] = "portgroup",
	[NETDEF_SECTION_DNS_HOST] = "dns-host", [NETDEF_SECTION_DNS_TXT] = "dns-txt",
	[NETDEF_SECTION_DNS_SRV] = "dns-srv",
};

/* the element each section's XML is, and the attributes it may carry */
static const struct {
	const char *elem;
	const char *const attrs[8];
} section_elems[_NETDEF_SECTION_MAX] = {
	[NETDEF_SECTION_IP_DHCP_HOST] = { "host", { "mac", "id", "name", "ip", NULL } },
	[NETDEF_SECTION_IP_DHCP_RANGE] = { "range", { "start", "end", NULL } },
	[NETDEF_SECTION_FORWARD_INTERFACE] = { "interface", { "dev", NULL } },
	[NETDEF_SECTION_PORTGROUP] = { "portgroup", { "name", "default", "trustGuestRxFilters", NULL } },
	[NETDEF_SECTION_DNS_HOST] = { "host", { "ip", NULL } },
	[NETDEF_SECTION_DNS_TXT] = { "txt", { "name", "value", NULL } },
	[NETDEF_SECTION_DNS_SRV] = { "srv", { "service", "protocol", "domain", "target", "port", "priority", "weight", NULL } },
};

int netdef_update_command_from_string(const char *s)
{
	static const char *const t[] = { "add-last", "add-first", "delete", "modify" };

	for (int i = 0; i < _NETDEF_UPDATE_CMD_MAX; i++)
		if (strcmp(s, t[i]) == 0)
			return i;
	return strcmp(s, "add") == 0 ? NETDEF_UPDATE_ADD : -1;
}

int netdef_update_section_from_string(const char *s)
{
	for (int i = 0; i < _NETDEF_SECTION_MAX; i++)
		if (strcmp(s, section_names[i]) == 0)
			return i;
	/* libvirt's other sections: it cannot change them either */
	if (strcmp(s, "bridge") == 0 || strcmp(s, "domain") == 0 || strcmp(s, "ip") == 0 ||
	    strcmp(s, "forward") == 0 || strcmp(s, "forward-pf") == 0)
		return -EOPNOTSUPP;
	return -EINVAL;
}

const char *netdef_update_section_to_string(int section)
{
	return (unsigned)section < _NETDEF_SECTION_MAX ? section_names[section] : "?";
}

int netdef_copy(const struct netdef *def, struct netdef **ret, struct nd_err *err)
{
	_cleanup_free_ char *xml = NULL;
	int r;

	if ((r = netdef_format(def, &xml, err)) < 0)
		return r;
	return netdef_parse_string(xml, strlen(xml), def->name, ret, err);
}

static char *prop(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, (const xmlChar *)name);
}

/* two values of one attribute mean the same: MACs in any case, addresses in any spelling */
static bool same_value(const char *attr, const char *a, const char *b)
{
	struct netdef_addr x, y;

	if (!a || !b)
		return a == b;
	if (strcmp(attr, "mac") == 0)
		return strcasecmp(a, b) == 0;
	if ((strcmp(attr, "ip") == 0 || strcmp(attr, "start") == 0 || strcmp(attr, "end") == 0) &&
	    netdef_addr_parse(a, 0, &x) == 0 && netdef_addr_parse(b, 0, &y) == 0)
		return netdef_addr_equal(&x, &y);
	return strcmp(a, b) == 0;
}

static bool attr_same(const xmlNode *a, const xmlNode *b, const char *attr)
{
	_cleanup_free_ char *x = prop(a, attr), *y = prop(b, attr);

	return x && y && same_value(attr, x, y);
}

/* <hostname> texts of a DNS host */
static bool has_hostname(const xmlNode *host, const char *name)
{
	for (xmlNode *h = host->children; h; h = h->next) {
		_cleanup_free_ char *t = NULL;

		if (h->type != XML_ELEMENT_NODE || !node_is(h, "hostname"))
			continue;
		t = (char *)xmlNodeGetContent(h);
		if (t && strcmp(t, name) == 0)
			return true;
	}
	return false;
}

/* every attribute (and hostname) the request gives is the existing entry's: what delete and modify look for */
static bool matches_given(const xmlNode *have, const xmlNode *want)
{
	for (xmlAttr *a = want->properties; a; a = a->next) {
		_cleanup_free_ char *w = prop(want, (const char *)a->name), *h = prop(have, (const char *)a->name);

		if (!same_value((const char *)a->name, w, h))
			return false;
	}
	for (xmlNode *c = want->children; c; c = c->next) {
		_cleanup_free_ char *t = NULL;

		if (c->type != XML_ELEMENT_NODE || !node_is(c, "hostname"))
			continue;
		t = (char *)xmlNodeGetContent(c);
		if (!t || !has_hostname(have, t))
			return false;
	}
	return true;
}

/* an entry an add would duplicate, by the section's identity */
static bool duplicates(int section, const xmlNode *have, const xmlNode *want)
{
	switch (section) {
	case NETDEF_SECTION_IP_DHCP_HOST:
		return attr_same(have, want, "mac") || attr_same(have, want, "id") || attr_same(have, want, "name") ||
		       attr_same(have, want, "ip");
	case NETDEF_SECTION_IP_DHCP_RANGE:
		return attr_same(have, want, "start") && attr_same(have, want, "end");
	case NETDEF_SECTION_FORWARD_INTERFACE:
		return attr_same(have, want, "dev");
	case NETDEF_SECTION_PORTGROUP:
	case NETDEF_SECTION_DNS_TXT:
		return attr_same(have, want, "name");
	case NETDEF_SECTION_DNS_HOST:
		return attr_same(have, want, "ip");
	default: /* dns-srv: the same record */
		return matches_given(have, want) && matches_given(want, have);
	}
}

/* the entry modify replaces: the host with its MAC, id, address or name (as libvirt), the portgroup of that name */
static bool modify_key(int section, const xmlNode *have, const xmlNode *want)
{
	if (section == NETDEF_SECTION_PORTGROUP)
		return attr_same(have, want, "name");
	return attr_same(have, want, "mac") || attr_same(have, want, "id") || attr_same(have, want, "ip") ||
	       attr_same(have, want, "name");
}

static xmlNode *child(xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && node_is(c, name))
			return c;
	return NULL;
}

static unsigned child_elements(const xmlNode *parent)
{
	unsigned n = 0;

	for (const xmlNode *c = parent->children; c; c = c->next)
		n += c->type == XML_ELEMENT_NODE;
	return n;
}

static xmlNode *nth_child(xmlNode *parent, const char *name, int idx)
{
	for (xmlNode *c = parent->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && node_is(c, name) && idx-- == 0)
			return c;
	return NULL;
}

/* the <ip> a host or range goes under: the parent index given, else the one whose subnet holds its address */
static int pick_ip(struct pctx *c, const struct netdef *def, xmlNode *root, xmlNode *req, int section, int index,
		   xmlNode **ret)
{
	_cleanup_free_ char *a = prop(req, section == NETDEF_SECTION_IP_DHCP_RANGE ? "start" : "ip");
	_cleanup_free_ char *mac = prop(req, "mac");
	struct netdef_addr addr = { 0 };
	int pick = -1;

	if (index >= 0) {
		if (!(*ret = nth_child(root, "ip", index)))
			return pctx_error(c, req, -ENOENT, "--parent-index %d: network '%s' has %zu <ip> elements", index,
					  def->name, def->n_ips);
		return 0;
	}
	if (a && netdef_addr_parse(a, 0, &addr) == 0)
		for (size_t i = 0; i < def->n_ips && pick < 0; i++)
			if (netdef_addr_in_subnet(&addr, &def->ips[i].address, def->ips[i].prefix))
				pick = (int)i;
	/* no address to place it by (a partial delete): the first <ip> with DHCP of its family */
	for (size_t i = 0; pick < 0 && !addr.family && i < def->n_ips; i++)
		if (def->ips[i].has_dhcp && (!mac || def->ips[i].family == AF_INET))
			pick = (int)i;
	if (pick < 0)
		return pctx_error(c, req, -EINVAL, "<%s>: no <ip> of network '%s' holds %s", (const char *)req->name,
				  def->name, a ? a : "it");
	*ret = nth_child(root, "ip", pick);
	return 0;
}

/* where the section's entries live in the document; created for an add */
static int section_parent(struct pctx *c, const struct netdef *def, xmlNode *root, xmlNode *req, int section,
			  int cmd, int index, xmlNode **ret)
{
	bool add = cmd == NETDEF_UPDATE_ADD || cmd == NETDEF_UPDATE_ADD_FIRST;
	const char *outer = NULL;
	xmlNode *p = root;
	int r;

	switch (section) {
	case NETDEF_SECTION_IP_DHCP_HOST:
	case NETDEF_SECTION_IP_DHCP_RANGE:
		if ((r = pick_ip(c, def, root, req, section, index, &p)) < 0)
			return r;
		outer = "dhcp";
		break;
	case NETDEF_SECTION_FORWARD_INTERFACE:
		outer = "forward";
		break;
	case NETDEF_SECTION_PORTGROUP:
		break;
	default:
		outer = "dns";
	}
	if (outer) {
		xmlNode *o = child(p, outer);

		if (!o && !add)
			return pctx_error(c, req, -ENOENT, "network '%s' has no <%s> entry like it", def->name,
					  (const char *)req->name);
		if (!o && !(o = xmlNewChild(p, NULL, (const xmlChar *)outer, NULL)))
			return pctx_oom(c, req);
		p = o;
	}
	*ret = p;
	return 0;
}

/* what an add or modify must give (libvirt refuses the rest, e.g. <host name='tea'/> without ip) */
static int check_complete(struct pctx *c, xmlNode *req, int section)
{
	_cleanup_free_ char *ip = prop(req, "ip"), *mac = prop(req, "mac"), *id = prop(req, "id"), *name = prop(req, "name");
	_cleanup_free_ char *proto = prop(req, "protocol"), *service = prop(req, "service");

	if (section == NETDEF_SECTION_IP_DHCP_HOST && (!ip || (!mac && !id && !name)))
		return pctx_error(c, req, -EINVAL, "<host>: a DHCP host needs 'ip', and 'mac' (IPv4), 'id' or 'name'");
	if (section == NETDEF_SECTION_DNS_SRV && (!proto || !service))
		return pctx_error(c, req, -EINVAL, "<srv>: needs 'service' and 'protocol'");
	return 0;
}

/* the request as an element of its section: known attributes only, values of the right form */
static int check_request(struct pctx *c, xmlNode *req, int section)
{
	_cleanup_free_ char *proto = prop(req, "protocol");
	int r;

	if (!node_is(req, section_elems[section].elem))
		return pctx_error(c, req, -EINVAL, "net-update %s: expected a <%s> element, not <%s>", section_names[section],
				  section_elems[section].elem, (const char *)req->name);
	if (section != NETDEF_SECTION_PORTGROUP && (r = check_attrs(c, req, section_elems[section].attrs)) < 0)
		return r;
	if (proto && strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
		return pctx_error(c, req, -EINVAL, "<srv protocol='%.32s'>: expected 'tcp' or 'udp'", proto);
	return 0;
}

static int apply(struct pctx *c, const struct netdef *def, xmlDocPtr doc, xmlNode *req, int cmd, int section, int index)
{
	xmlNode *root = xmlDocGetRootElement(doc), *parent = NULL, *found = NULL, *copy;
	const char *elem = section_elems[section].elem;
	unsigned n = 0;
	int r;

	/* libvirt changes hosts and portgroups in place; the rest only comes and goes */
	if (cmd == NETDEF_UPDATE_MODIFY && section != NETDEF_SECTION_IP_DHCP_HOST && section != NETDEF_SECTION_PORTGROUP)
		return pctx_error(c, req, -EOPNOTSUPP, "%s entries cannot be modified, only added or deleted (as with "
				  "libvirt)", section_names[section]);
	if ((r = check_request(c, req, section)) < 0 ||
	    ((cmd != NETDEF_UPDATE_DELETE) && (r = check_complete(c, req, section)) < 0) ||
	    (r = section_parent(c, def, root, req, section, cmd, index, &parent)) < 0)
		return r;
	for (xmlNode *e = parent->children; e; e = e->next) {
		bool hit;

		if (e->type != XML_ELEMENT_NODE || !node_is(e, elem))
			continue;
		hit = cmd == NETDEF_UPDATE_DELETE ? matches_given(e, req) :
		      cmd == NETDEF_UPDATE_MODIFY ? modify_key(section, e, req) : duplicates(section, e, req);
		if (hit && !n++)
			found = e;
	}
	if ((cmd == NETDEF_UPDATE_ADD || cmd == NETDEF_UPDATE_ADD_FIRST) && n)
		return pctx_error(c, req, -EEXIST, "%s: network '%s' already has an entry like it", section_names[section],
				  def->name);
	if (cmd == NETDEF_UPDATE_DELETE || cmd == NETDEF_UPDATE_MODIFY) {
		if (!n)
			return pctx_error(c, req, -ENOENT, "%s: network '%s' has no entry like it", section_names[section],
					  def->name);
		if (n > 1)
			return pctx_error(c, req, -ENOTUNIQ, "%s: %u entries of network '%s' match: name it exactly",
					  section_names[section], n, def->name);
	}
	if (cmd == NETDEF_UPDATE_DELETE) {
		_cleanup_free_ char *dev = prop(found, "dev"), *fdev = prop(parent, "dev");

		xmlUnlinkNode(found);
		xmlFreeNode(found);
		/* libvirt's <forward dev> is its first <interface>: they go together */
		if (section == NETDEF_SECTION_FORWARD_INTERFACE && dev && fdev && strcmp(dev, fdev) == 0)
			xmlUnsetProp(parent, (const xmlChar *)"dev");
		/* a <dns> left empty goes, as libvirt writes none */
		if (section >= NETDEF_SECTION_DNS_HOST && !child_elements(parent) && !parent->properties) {
			xmlUnlinkNode(parent);
			xmlFreeNode(parent);
		}
		return 0;
	}
	if (!(copy = xmlDocCopyNode(req, doc, 1)))
		return pctx_oom(c, req);
	if (cmd == NETDEF_UPDATE_MODIFY) {
		xmlReplaceNode(found, copy);
		xmlFreeNode(found);
	} else if (cmd == NETDEF_UPDATE_ADD_FIRST && (found = child(parent, elem))) {
		xmlAddPrevSibling(found, copy);
	} else {
		xmlAddChild(parent, copy);
	}
	return 0;
}

int netdef_update(const struct netdef *def, int cmd, int section, int parent_index, const char *xml,
		  struct netdef **ret, struct nd_err *err)
{
	struct pctx c = { .source = "<update>", .err = err };
	_cleanup_free_ char *text = NULL;
	xmlDocPtr doc = NULL, req = NULL;
	xmlChar *out = NULL;
	int r, len = 0;

	*ret = NULL;
	if ((unsigned)cmd >= _NETDEF_UPDATE_CMD_MAX || (unsigned)section >= _NETDEF_SECTION_MAX)
		return nd_err_set(err, -EINVAL, "<update>", "unknown update command or section");
	if (parent_index >= 0 && section != NETDEF_SECTION_IP_DHCP_HOST && section != NETDEF_SECTION_IP_DHCP_RANGE)
		return nd_err_set(err, -EINVAL, "<update>", "--parent-index is for ip-dhcp-host and ip-dhcp-range only");
	if ((r = netdef_format(def, &text, err)) < 0)
		return r;
	doc = xmlReadMemory(text, (int)strlen(text), def->name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	req = xmlReadMemory(xml, (int)strnlen(xml, 1 << 20), "<update>", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
	if (!doc)
		r = nd_err_set(err, -ENOMEM, def->name, "cannot read the definition back");
	else if (!req || req->intSubset || !xmlDocGetRootElement(req))
		r = nd_err_set(err, -EINVAL, "<update>", "malformed XML");
	else
		r = apply(&c, def, doc, xmlDocGetRootElement(req), cmd, section, parent_index);
	if (r == 0) {
		xmlDocDumpMemory(doc, &out, &len);
		/* the whole definition, parsed and validated again: a bad update changes nothing */
		r = out ? netdef_parse_string((const char *)out, (size_t)len, "<update>", ret, err)
			: nd_err_set(err, -ENOMEM, def->name, "out of memory");
		if (r == 0) { /* a UUID nobody gave stays the one this definition has */
			(*ret)->uuid_generated = def->uuid_generated;
			memcpy((*ret)->uuid, def->uuid, 16);
		}
	}
	xmlFree(out);
	xmlFreeDoc(req);
	xmlFreeDoc(doc);
	return r;
}

int netdef_bandwidth_parse_string(const char *xml, struct netdef_bandwidth *ret, struct nd_err *err)
{
	struct pctx c = { .source = "<bandwidth>", .err = err };
	xmlDocPtr doc;
	xmlNode *root;
	int r;

	memset(ret, 0, sizeof(*ret));
	doc = xmlReadMemory(xml, (int)strnlen(xml, 65536), "<bandwidth>", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return nd_err_set(err, -EINVAL, "<bandwidth>", "malformed XML");
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || !root || !node_is(root, "bandwidth"))
		r = nd_err_set(err, -EINVAL, "<bandwidth>", "expected a <bandwidth> element");
	else
		r = parse_bandwidth(&c, root, ret);
	xmlFreeDoc(doc);
	if (r < 0)
		memset(ret, 0, sizeof(*ret));
	return r;
}

void netdef_vlan_clear(struct netdef_vlan *v)
{
	free(v->tags);
	memset(v, 0, sizeof(*v));
}

int netdef_vlan_parse_string(const char *xml, struct netdef_vlan *ret, struct nd_err *err)
{
	struct pctx c = { .source = "<vlan>", .err = err };
	struct netdef tmp = { 0 };
	xmlDocPtr doc;
	xmlNode *root;
	int r;

	memset(ret, 0, sizeof(*ret));
	doc = xmlReadMemory(xml, (int)strnlen(xml, 65536), "<vlan>", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return nd_err_set(err, -EINVAL, "<vlan>", "malformed XML");
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || !root || !node_is(root, "vlan"))
		r = nd_err_set(err, -EINVAL, "<vlan>", "expected a <vlan> element");
	else
		r = parse_vlan(&c, root, &tmp.vlan);
	xmlFreeDoc(doc);
	/* the same rules as a network's <vlan> */
	tmp.name = "port";
	if (r == 0)
		r = netdef_validate(&tmp, "<vlan>", err);
	if (r < 0) {
		netdef_vlan_clear(&tmp.vlan);
		return r;
	}
	*ret = tmp.vlan;
	return 0;
}
