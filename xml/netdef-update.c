/*
 * virsh net-update for the sections users change live: ip-dhcp-host and
 * dns-host. The change is made on a copy, which is validated whole, so a bad
 * update changes nothing.
 */
#include <errno.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "xml/netdef-parse-internal.h"
#include "xml/netdef.h"

int netdef_update_command_from_string(const char *s)
{
	static const char *const t[] = { "add", "delete", "modify" };

	for (int i = 0; i < _NETDEF_UPDATE_CMD_MAX; i++)
		if (strcmp(s, t[i]) == 0)
			return i;
	return strcmp(s, "add-last") == 0 || strcmp(s, "add-first") == 0 ? NETDEF_UPDATE_ADD : -1;
}

int netdef_update_section_from_string(const char *s)
{
	if (strcmp(s, "ip-dhcp-host") == 0)
		return NETDEF_SECTION_IP_DHCP_HOST;
	if (strcmp(s, "dns-host") == 0)
		return NETDEF_SECTION_DNS_HOST;
	return -1;
}

int netdef_copy(const struct netdef *def, struct netdef **ret, struct nd_err *err)
{
	_cleanup_free_ char *xml = NULL;
	int r;

	if ((r = netdef_format(def, &xml, err)) < 0)
		return r;
	return netdef_parse_string(xml, strlen(xml), def->name, ret, err);
}

static void dhcp_host_clear(struct netdef_dhcp_host *h)
{
	free(h->mac);
	free(h->id);
	free(h->name);
}

static bool dhcp_host_matches(const struct netdef_dhcp_host *a, const struct netdef_dhcp_host *b)
{
	if (a->mac && b->mac)
		return strcmp(a->mac, b->mac) == 0;
	if (a->id && b->id)
		return strcmp(a->id, b->id) == 0;
	if (a->ip.family && b->ip.family)
		return netdef_addr_equal(&a->ip, &b->ip);
	return a->name && b->name && strcmp(a->name, b->name) == 0;
}

/* the <ip> a host belongs to: the one whose subnet holds its address, else the first with DHCP */
static struct netdef_ip *host_parent(struct netdef *def, const struct netdef_dhcp_host *h)
{
	for (size_t i = 0; i < def->n_ips; i++)
		if (h->ip.family && netdef_addr_in_subnet(&h->ip, &def->ips[i].address, def->ips[i].prefix))
			return &def->ips[i];
	for (size_t i = 0; i < def->n_ips; i++)
		if (def->ips[i].has_dhcp && (h->ip.family == 0 || h->ip.family == def->ips[i].family))
			return &def->ips[i];
	return NULL;
}

static int update_dhcp_host(struct pctx *c, xmlNode *root, struct netdef *def, int cmd)
{
	struct netdef_ip tmp = { .family = 0 };
	struct netdef_dhcp_host *h, *slot;
	struct netdef_ip *ip;
	size_t i;
	int r;

	if ((r = parse_dhcp_host(c, root, &tmp)) < 0)
		goto out;
	h = &tmp.hosts[0];
	if (!(ip = host_parent(def, h))) {
		r = pctx_error(c, root, -EINVAL, "<host>: no <ip> with <dhcp> in network '%s' takes this host",
			       def->name);
		goto out;
	}
	for (i = 0; i < ip->n_hosts && !dhcp_host_matches(&ip->hosts[i], h); i++)
		;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (!(slot = ARRAY_ADD(ip->hosts, ip->n_hosts))) {
			r = pctx_oom(c, root);
			goto out;
		}
		*slot = *h;
		ip->has_dhcp = true;
		tmp.n_hosts = 0;
	} else if (i == ip->n_hosts) {
		r = pctx_error(c, root, -ENOENT, "<host>: no matching DHCP host in network '%s'", def->name);
	} else if (cmd == NETDEF_UPDATE_DELETE) {
		dhcp_host_clear(&ip->hosts[i]);
		memmove(&ip->hosts[i], &ip->hosts[i + 1], (ip->n_hosts - i - 1) * sizeof(*h));
		ip->n_hosts--;
	} else {
		dhcp_host_clear(&ip->hosts[i]);
		ip->hosts[i] = *h;
		tmp.n_hosts = 0;
	}
out:
	for (i = 0; i < tmp.n_hosts; i++)
		dhcp_host_clear(&tmp.hosts[i]);
	free(tmp.hosts);
	return r;
}

static void dns_host_clear(struct netdef_dns_host *h)
{
	for (size_t i = 0; i < h->n_hostnames; i++)
		free(h->hostnames[i]);
	free(h->hostnames);
}

static int update_dns_host(struct pctx *c, xmlNode *root, struct netdef *def, int cmd)
{
	struct netdef_dns tmp = { 0 };
	struct netdef_dns_host *h, *slot;
	size_t i;
	int r;

	if ((r = parse_dns_host(c, root, &tmp)) < 0)
		goto out;
	h = &tmp.hosts[0];
	for (i = 0; i < def->dns.n_hosts && !netdef_addr_equal(&def->dns.hosts[i].ip, &h->ip); i++)
		;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (!(slot = ARRAY_ADD(def->dns.hosts, def->dns.n_hosts))) {
			r = pctx_oom(c, root);
			goto out;
		}
		*slot = *h;
		def->dns.present = true;
		tmp.n_hosts = 0;
	} else if (i == def->dns.n_hosts) {
		r = pctx_error(c, root, -ENOENT, "<host>: no DNS host with that ip in network '%s'", def->name);
	} else if (cmd == NETDEF_UPDATE_DELETE) {
		dns_host_clear(&def->dns.hosts[i]);
		memmove(&def->dns.hosts[i], &def->dns.hosts[i + 1], (def->dns.n_hosts - i - 1) * sizeof(*h));
		def->dns.n_hosts--;
	} else {
		dns_host_clear(&def->dns.hosts[i]);
		def->dns.hosts[i] = *h;
		tmp.n_hosts = 0;
	}
out:
	for (i = 0; i < tmp.n_hosts; i++)
		dns_host_clear(&tmp.hosts[i]);
	free(tmp.hosts);
	return r;
}

int netdef_update(const struct netdef *def, int cmd, int section, const char *xml, struct netdef **ret,
		  struct nd_err *err)
{
	struct pctx c = { .source = "<update>", .err = err };
	_cleanup_(netdef_freep) struct netdef *copy = NULL;
	xmlDocPtr doc;
	xmlNode *root;
	int r;

	*ret = NULL;
	if ((unsigned)cmd >= _NETDEF_UPDATE_CMD_MAX || (unsigned)section >= _NETDEF_SECTION_MAX)
		return nd_err_set(err, -EINVAL, "<update>", "unknown update command or section");
	if ((r = netdef_copy(def, &copy, err)) < 0)
		return r;
	doc = xmlReadMemory(xml, (int)strnlen(xml, 1 << 20), "<update>", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		return nd_err_set(err, -EINVAL, "<update>", "malformed XML");
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || !root || !node_is(root, "host"))
		r = nd_err_set(err, -EINVAL, "<update>", "expected a <host> element");
	else if (section == NETDEF_SECTION_IP_DHCP_HOST)
		r = update_dhcp_host(&c, root, copy, cmd);
	else
		r = update_dns_host(&c, root, copy, cmd);
	xmlFreeDoc(doc);
	if (r < 0 || (r = netdef_validate(copy, "<update>", err)) < 0)
		return r;
	*ret = TAKE_PTR(copy);
	return 0;
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
