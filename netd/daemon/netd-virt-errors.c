/*
 * libvirt's wording for the errors a script written against virsh may read:
 * a document that is not well-formed XML (libxml2's first fatal error with
 * the line it is on and a pointer under the column, as libvirt reports it)
 * and the net-update refusals (an entry that is already there, one that is
 * not). netd's own messages stay what netdctl prints; on libvirt's socket the
 * same refusal reads as libvirt's network driver would word it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

#include "netd/daemon/netd-virt.h"

/* -- well-formedness ------------------------------------------------------- */

struct first_error {
	char text[1024];
	bool seen;
};

/* libxml2's error callback: the first fatal error, with its line of input */
static void on_xml_error(void *ctx, const char *msg, ...)
{
	xmlParserCtxtPtr p = ctx;
	struct first_error *fe = p ? p->_private : NULL;
	const xmlChar *cur, *base, *line;
	size_t col, len, at;

	(void)msg;
	if (!fe || fe->seen || !p->input || p->lastError.level != XML_ERR_FATAL || !p->lastError.message)
		return;
	fe->seen = true;
	cur = p->input->cur;
	base = p->input->base;
	while (cur > base && (*cur == '\n' || *cur == '\r'))
		cur--;
	while (cur > base && *cur != '\n' && *cur != '\r')
		cur--;
	if (*cur == '\n' || *cur == '\r')
		cur++;
	line = cur;
	col = (size_t)(p->input->cur - line);
	for (len = 0; line[len] && line[len] != '\n' && line[len] != '\r'; len++)
		;
	at = (size_t)snprintf(fe->text, sizeof(fe->text), "%s:%d: %s%.*s\n",
			      p->lastError.file ? p->lastError.file : "(network_definition)", p->lastError.line,
			      p->lastError.message, (int)(len > 400 ? 400 : len), (const char *)line);
	for (size_t i = 0; i < col && i < len && at + 2 < sizeof(fe->text); i++)
		fe->text[at++] = line[i] == '\t' ? '\t' : '-';
	if (at + 1 < sizeof(fe->text)) {
		fe->text[at++] = '^';
		fe->text[at] = '\0';
	}
}

int netd_virt_check_wellformed(struct netd_virt_call *k, const char *xml, const char *what)
{
	struct first_error fe = { .seen = false };
	xmlParserCtxtPtr p = xmlNewParserCtxt();
	xmlDocPtr doc;

	if (!p)
		return netd_virt_error(k, VIRT_ERR_INTERNAL_ERROR, "out of memory");
	p->_private = &fe;
	p->sax->error = on_xml_error;
	doc = xmlCtxtReadMemory(p, xml, (int)strlen(xml), what, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(p);
	if (fe.seen)
		return netd_virt_error(k, VIRT_ERR_XML_DETAIL, "%s", fe.text);
	return 0;
}

/* -- net-update -------------------------------------------------------------- */

/* an attribute of the update's element, or NULL; *buf holds it */
static const char *attr_of(xmlNode *e, const char *name, char *buf, size_t size)
{
	xmlChar *v = e ? xmlGetProp(e, (const xmlChar *)name) : NULL;

	if (!v)
		return NULL;
	snprintf(buf, size, "%s", (const char *)v);
	xmlFree(v);
	return buf;
}

static int update_text(xmlNode *e, const char *section, uint32_t command, int err, const char *net, char *out,
		       size_t size)
{
	char a[256], b[256], c[256];
	bool add = command == 3 || command == 4, del = command == 2, mod = command == 1;
	const char *mac = attr_of(e, "mac", a, sizeof(a)), *name = attr_of(e, "name", b, sizeof(b)),
		   *ip = attr_of(e, "ip", c, sizeof(c));

	if (!strcmp(section, "ip-dhcp-host")) {
		if (add && err == EEXIST)
			return snprintf(out, size, "there is an existing dhcp host entry in network '%s' that matches "
				       "\"<host mac='%s' name='%s' ip='%s'/>\"", net, mac ? mac : "unknown",
				       name ? name : "(null)", ip ? ip : "unknown");
		if (del && err == ENOENT)
			return snprintf(out, size, "couldn't locate a matching dhcp host entry in network '%s'", net);
		if (mod && err == ENOENT)
			return snprintf(out, size, "couldn't locate an existing dhcp host entry with \"mac='%s'\" "
				       "\"name='%s'\" \"ip='%s'\" in network '%s'", mac ? mac : "unknown",
				       name ? name : "(null)", ip ? ip : "unknown", net);
	} else if (!strcmp(section, "ip-dhcp-range")) {
		if (add && err == EEXIST)
			return snprintf(out, size, "there is an existing dhcp range entry in network '%s' that matches "
				       "\"<range start='%s' end='%s'/>\"", net,
				       attr_of(e, "start", a, sizeof(a)) ? a : "unknown",
				       attr_of(e, "end", b, sizeof(b)) ? b : "unknown");
		if (del && err == ENOENT)
			return snprintf(out, size, "couldn't locate a matching dhcp range entry in network '%s'", net);
	} else if (!strcmp(section, "portgroup")) {
		if (add && err == EEXIST)
			return snprintf(out, size, "there is an existing portgroup entry in network '%s' that matches "
				       "\"<portgroup name='%s'>\"", net, name ? name : "(null)");
		if ((del || mod) && err == ENOENT)
			return snprintf(out, size, "couldn't find a portgroup entry in network '%s' matching "
				       "<portgroup name='%s'>", net, name ? name : "(null)");
	} else if (!strcmp(section, "forward-interface")) {
		const char *dev = attr_of(e, "dev", a, sizeof(a));

		if (add && err == EEXIST)
			return snprintf(out, size, "there is an existing interface entry in network '%s' that matches "
				       "\"<interface dev='%s'>\"", net, dev ? dev : "(null)");
		if (del && err == ENOENT)
			return snprintf(out, size, "couldn't find an interface entry in network '%s' matching "
				       "<interface dev='%s'>", net, dev ? dev : "(null)");
	} else if (!strcmp(section, "dns-host")) {
		if (add && err == EEXIST)
			return snprintf(out, size, "there is already at least one DNS HOST record with a matching field "
				       "in network %s", net);
		if (del && err == ENOENT)
			return snprintf(out, size, "couldn't locate a matching DNS HOST record in network %s", net);
		if (del && err == ENOTUNIQ)
			return snprintf(out, size, "multiple matching DNS HOST records were found in network %s", net);
	} else if (!strcmp(section, "dns-srv")) {
		if (add && err == EEXIST)
			return snprintf(out, size, "there is already at least one DNS SRV record matching all specified "
				       "fields in network %s", net);
		if (del && err == ENOENT)
			return snprintf(out, size, "couldn't locate a matching DNS SRV record in network %s", net);
		if (del && err == ENOTUNIQ)
			return snprintf(out, size, "multiple DNS SRV records matching all specified fields were found "
				       "in network %s", net);
	} else if (!strcmp(section, "dns-txt")) {
		if (add && err == EEXIST)
			return snprintf(out, size, "there is already a DNS TXT record with name '%s' in network %s",
					name ? name : "(null)", net);
		if (del && err == ENOENT)
			return snprintf(out, size, "couldn't locate a matching DNS TXT record in network %s", net);
	}
	return 0;
}

/* the sections libvirt never updates, in its words ("forward pf") */
static const char *fixed_section(const char *section)
{
	static const char *const fixed[][2] = {
		{ "bridge", "bridge" }, { "domain", "domain" }, { "ip", "ip" }, { "forward", "forward" },
		{ "forward-pf", "forward pf" },
	};

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(section, fixed[i][0]))
			return fixed[i][1];
	return NULL;
}

int netd_virt_update_error(struct netd_virt_call *k, json_object *reply, const char *net, const char *section,
			   uint32_t command, const char *xml)
{
	json_object *e, *v;
	int err = 0;
	char text[1024];
	xmlDocPtr doc;
	int n;

	if (json_object_object_get_ex(reply, "error", &e) && json_object_object_get_ex(e, "errno", &v))
		err = json_object_get_int(v);
	if (fixed_section(section) && err == EOPNOTSUPP)
		return netd_virt_error(k, VIRT_ERR_OPERATION_UNSUPPORTED, "can't update '%s' section of network '%s'",
				       fixed_section(section), net);
	doc = xmlReadMemory(xml, (int)strlen(xml), "update", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING);
	n = doc ? update_text(xmlDocGetRootElement(doc), section, command, err, net, text, sizeof(text)) : 0;
	xmlFreeDoc(doc);
	if (n > 0)
		return netd_virt_error(k, VIRT_ERR_OPERATION_INVALID, "%s", text);
	return netd_virt_error_from(k, reply);
}
