/*
 * libvirt's <networkport> (virsh net-port-create, the QEMU driver's port
 * request): uuid, owner, mac, group (the portgroup), bandwidth, vlan.
 * <plug>, <virtualport> and <rxfilters> are read past: what the network
 * answers, not what a client decides. Any other element is refused by name.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "common/nd-cleanup.h"
#include "xml/netdef-parse-internal.h"

void netdef_networkport_clear(struct netdef_networkport *p)
{
	free(p->owner_name);
	free(p->group);
	netdef_vlan_clear(&p->vlan);
	memset(p, 0, sizeof(*p));
}

/* a UUID element's text, checked and kept in canonical form */
static int uuid_text(struct pctx *c, const xmlNode *n, char out[37])
{
	_cleanup_free_ char *t = NULL;
	uint8_t u[16];
	int r;

	if ((r = text_dup(c, n, &t)) < 0)
		return r;
	if (!t || netdef_uuid_parse(t, u) < 0)
		return pctx_error(c, n, -EINVAL, "<uuid> '%.40s' is not a UUID", t ? t : "");
	netdef_uuid_format(u, out);
	return 0;
}

static int parse_owner(struct pctx *c, const xmlNode *n, struct netdef_networkport *p)
{
	int r;

	if ((r = check_attrs(c, n, (const char *const[]){ NULL })) < 0)
		return r;
	for_each_element(ch, n) {
		if (node_is(ch, "uuid"))
			r = uuid_text(c, ch, p->owner_uuid);
		else if (node_is(ch, "name"))
			r = text_dup(c, ch, &p->owner_name);
		else
			r = unknown_element(c, n, ch);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_networkport(struct pctx *c, const xmlNode *root, struct netdef_networkport *p)
{
	_cleanup_free_ char *mac = NULL;
	uint8_t m[6];
	int r;

	if ((r = check_attrs(c, root, (const char *const[]){ NULL })) < 0)
		return r;
	for_each_element(ch, root) {
		if (node_is(ch, "uuid")) {
			r = uuid_text(c, ch, p->uuid);
		} else if (node_is(ch, "owner")) {
			r = parse_owner(c, ch, p);
		} else if (node_is(ch, "group")) {
			r = text_dup(c, ch, &p->group);
		} else if (node_is(ch, "mac")) {
			if ((r = check_attrs(c, ch, (const char *const[]){ "address", NULL })) < 0 ||
			    (r = attr_required(c, ch, "address", &mac)) < 0)
				return r;
			if (netdef_mac_parse(mac, m) < 0)
				return pctx_error(c, ch, -EINVAL, "<mac address='%.32s'> is not a MAC address", mac);
			snprintf(p->mac, sizeof(p->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
				 m[5]);
		} else if (node_is(ch, "bandwidth")) {
			r = parse_bandwidth(c, ch, &p->bandwidth);
		} else if (node_is(ch, "vlan")) {
			r = parse_vlan(c, ch, &p->vlan);
		} else if (node_is(ch, "rxfilters") || node_is(ch, "virtualport") || node_is(ch, "plug")) {
			/* trustGuestRxFilters, the virtualport, and the plug a restarted QEMU driver sends
			 * back (VIR_NETWORK_PORT_CREATE_RECLAIM): the network decides them, not the client */
			r = 0;
		} else {
			r = unknown_element(c, root, ch);
		}
		if (r < 0)
			return r;
	}
	if (!p->mac[0])
		return pctx_error(c, root, -EINVAL, "<networkport> needs <mac address='...'/>");
	return 0;
}

int netdef_networkport_parse_string(const char *xml, struct netdef_networkport *ret, struct nd_err *err)
{
	struct pctx c = { .source = "<networkport>", .err = err };
	xmlDocPtr doc;
	xmlNode *root;
	int r;

	memset(ret, 0, sizeof(*ret));
	doc = xmlReadMemory(xml, (int)strnlen(xml, 1 << 20), "<networkport>", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return nd_err_set(err, -EINVAL, "<networkport>", "malformed XML");
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || !root || !node_is(root, "networkport"))
		r = nd_err_set(err, -EINVAL, "<networkport>", "expected a <networkport> element");
	else
		r = parse_networkport(&c, root, ret);
	xmlFreeDoc(doc);
	if (r < 0)
		netdef_networkport_clear(ret);
	return r;
}
