#include "xml/netdef.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const char *const forward_table[_NETDEF_FORWARD_MAX] = {
	[NETDEF_FORWARD_NONE] = "none",
	[NETDEF_FORWARD_NAT] = "nat",
	[NETDEF_FORWARD_ROUTE] = "route",
	[NETDEF_FORWARD_OPEN] = "open",
	[NETDEF_FORWARD_BRIDGE] = "bridge",
};

static const char *const lease_unit_table[_NETDEF_LEASE_UNIT_MAX] = {
	[NETDEF_LEASE_SECONDS] = "seconds",
	[NETDEF_LEASE_MINUTES] = "minutes",
	[NETDEF_LEASE_HOURS] = "hours",
};

static int table_lookup(const char *const *table, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (table[i] && strcmp(table[i], s) == 0)
			return i;
	return -1;
}

const char *netdef_forward_to_string(enum netdef_forward f)
{
	return (unsigned)f < _NETDEF_FORWARD_MAX ? forward_table[f] : NULL;
}

int netdef_forward_from_string(const char *s)
{
	return table_lookup(forward_table, _NETDEF_FORWARD_MAX, s);
}

const char *netdef_lease_unit_to_string(enum netdef_lease_unit u)
{
	return (unsigned)u < _NETDEF_LEASE_UNIT_MAX ? lease_unit_table[u] : NULL;
}

int netdef_lease_unit_from_string(const char *s)
{
	return table_lookup(lease_unit_table, _NETDEF_LEASE_UNIT_MAX, s);
}

long long netdef_lease_seconds(const struct netdef_lease *l)
{
	static const long long mult[_NETDEF_LEASE_UNIT_MAX] = { 1, 60, 3600 };

	if (!l->set)
		return -1;
	return (long long)l->expiry * mult[l->unit];
}

struct netdef *netdef_new(void)
{
	return calloc(1, sizeof(struct netdef));
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void virtualport_clear(struct netdef_virtualport *vp)
{
	free(vp->interfaceid);
	free(vp->profileid);
}

static void ip_free(struct netdef_ip *ip)
{
	free(ip->tftp_root);
	free(ip->ranges);
	for (size_t i = 0; i < ip->n_hosts; i++) {
		free(ip->hosts[i].mac);
		free(ip->hosts[i].id);
		free(ip->hosts[i].name);
	}
	free(ip->hosts);
	for (size_t i = 0; i < ip->n_options; i++)
		free(ip->options[i].value);
	free(ip->options);
	free(ip->bootp_file);
	free(ip->bootp_server);
}

static void dns_free(struct netdef_dns *dns)
{
	for (size_t i = 0; i < dns->n_forwarders; i++)
		free(dns->forwarders[i].domain);
	free(dns->forwarders);
	for (size_t i = 0; i < dns->n_hosts; i++)
		strv_free(dns->hosts[i].hostnames, dns->hosts[i].n_hostnames);
	free(dns->hosts);
	for (size_t i = 0; i < dns->n_srvs; i++) {
		free(dns->srvs[i].service);
		free(dns->srvs[i].protocol);
		free(dns->srvs[i].domain);
		free(dns->srvs[i].target);
	}
	free(dns->srvs);
	for (size_t i = 0; i < dns->n_txts; i++) {
		free(dns->txts[i].name);
		free(dns->txts[i].value);
	}
	free(dns->txts);
}

struct netdef *netdef_ref(struct netdef *def)
{
	def->extra_refs++;
	return def;
}

struct netdef *netdef_free(struct netdef *def)
{
	if (!def)
		return NULL;
	if (def->extra_refs > 0) {
		def->extra_refs--;
		return NULL;
	}
	free(def->name);
	free(def->title);
	free(def->description);
	free(def->metadata_xml);
	free(def->forward.dev);
	strv_free(def->forward.interfaces, def->forward.n_interfaces);
	free(def->bridge.name);
	free(def->bridge.mac_table_manager);
	free(def->bridge.zone);
	free(def->mac);
	free(def->domain.name);
	dns_free(&def->dns);
	for (size_t i = 0; i < def->n_ips; i++)
		ip_free(&def->ips[i]);
	free(def->ips);
	free(def->routes);
	virtualport_clear(&def->virtualport);
	for (size_t i = 0; i < def->n_portgroups; i++) {
		free(def->portgroups[i].name);
		free(def->portgroups[i].vlan.tags);
		virtualport_clear(&def->portgroups[i].virtualport);
	}
	free(def->portgroups);
	free(def->vlan.tags);
	strv_free(def->dnsmasq_options, def->n_dnsmasq_options);
	free(def->ovn.nb);
	free(def->ovn.integration_bridge);
	free(def->ovn.uplink_network);
	for (size_t i = 0; i < def->ovn.n_gateways; i++)
		free(def->ovn.gateways[i].chassis);
	free(def->ovn.gateways);
	free(def);
	return NULL;
}

const struct netdef_ip *netdef_dhcp_ip(const struct netdef *def, int family)
{
	for (size_t i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];

		if (ip->family == family && ip->has_dhcp && (ip->n_ranges || ip->n_hosts))
			return ip;
	}
	return NULL;
}

const struct netdef_portgroup *netdef_portgroup_find(const struct netdef *def, const char *name)
{
	for (size_t i = 0; i < def->n_portgroups; i++) {
		const struct netdef_portgroup *pg = &def->portgroups[i];

		if (name ? strcmp(pg->name, name) == 0 : pg->is_default)
			return pg;
	}
	return NULL;
}

enum netdef_vport netdef_effective_vport(const struct netdef *def, const struct netdef_portgroup *pg)
{
	if (pg && pg->virtualport.type == NETDEF_VPORT_OPENVSWITCH)
		return NETDEF_VPORT_OPENVSWITCH;
	return def->virtualport.type == NETDEF_VPORT_OPENVSWITCH ? NETDEF_VPORT_OPENVSWITCH
								   : NETDEF_VPORT_NONE;
}

/* what a port's VLAN settings come to, for listings: "100,200(native untagged) trunk" */
void netdef_vlan_describe(const struct netdef_vlan *v, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (!v)
		return;
	for (size_t i = 0; i < v->n_tags && off < len; i++) {
		int k = snprintf(buf + off, len - off, "%s%u%s", i ? "," : "", v->tags[i].id,
				 v->tags[i].native_mode == NETDEF_NATIVE_UNTAGGED ? "(native untagged)" :
				 v->tags[i].native_mode == NETDEF_NATIVE_TAGGED ? "(native tagged)" : "");

		/* snprintf says what it would have written: never step past the end */
		off = k < 0 || (size_t)k >= len - off ? len : off + (size_t)k;
	}
	if ((v->n_tags > 1 || v->trunk == NETDEF_YES) && off < len)
		snprintf(buf + off, len - off, " trunk");
}
