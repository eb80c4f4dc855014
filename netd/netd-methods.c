/* The protocol's methods, named after virsh's verbs (docs/protocol.md). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "dhcp/dhcp.h"
#include "netd/netd-control.h"
#include "netd/netd-rpc.h"
#include "netd/netd-log.h"
#include "netd/netd.h"

static struct netd_net *find_net(struct call *k, json_object **reply)
{
	const char *name = rpc_param_str(k, "name", true, reply);
	struct netd_net *n;

	if (!name)
		return NULL;
	n = netd_net_find(k->d, name);
	if (!n)
		*reply = netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' not found", name);
	return n;
}

static json_object *net_summary(const struct netd_net *n)
{
	const struct netdef *def = netd_net_def(n);
	json_object *o = json_object_new_object();
	char uuid[37];

	netdef_uuid_format(def->uuid, uuid);
	json_object_object_add(o, "name", json_object_new_string(def->name));
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "active", json_object_new_boolean(n->active));
	json_object_object_add(o, "persistent", json_object_new_boolean(n->def != NULL));
	json_object_object_add(o, "autostart", json_object_new_boolean(n->autostart));
	json_object_object_add(o, "forward", json_object_new_string(netdef_forward_to_string(def->forward.mode)));
	json_object_object_add(o, "bridge", json_object_new_string(n->active ? n->bridge :
					def->bridge.name ? def->bridge.name : ""));
	return o;
}

static json_object *m_list(struct call *k)
{
	json_object *a = json_object_new_array();

	for (struct netd_net *n = k->d->nets; n; n = n->next)
		json_object_array_add(a, net_summary(n));
	return rpc_ok(k, a);
}

static json_object *m_info(struct call *k)
{
	json_object *reply = NULL, *o;
	struct netd_net *n = find_net(k, &reply);

	if (!n)
		return reply;
	o = net_summary(n);
	json_object_object_add(o, "dnsmasq_pid", json_object_new_int(n->dnsmasq_pid));
	json_object_object_add(o, "dnsmasq_restarts", json_object_new_int((int)n->dnsmasq_restarts));
	return rpc_ok(k, o);
}

static int parse_xml_param(struct call *k, struct netdef **ret, struct nd_err *err, json_object **reply)
{
	const char *xml = rpc_param_str(k, "xml", true, reply);

	if (!xml)
		return -EINVAL;
	return netdef_parse_string(xml, strlen(xml), "<request>", ret, err);
}

static json_object *m_define(struct call *k)
{
	struct netdef *def = NULL;
	struct nd_err err = { 0 };
	json_object *reply = NULL;
	struct netd_net *n;

	if (parse_xml_param(k, &def, &err, &reply) < 0)
		return reply ? reply : rpc_failed(k, &err);
	if (netd_net_define(k->d, def, &n, &err) < 0)
		return rpc_failed(k, &err);
	netd_log(NETD_LOG_INFO, n->def->name, "defined");
	return rpc_ok(k, net_summary(n));
}

static json_object *m_create(struct call *k)
{
	struct netdef *def = NULL;
	struct nd_err err = { 0 };
	json_object *reply = NULL;
	struct netd_net *n;

	if (parse_xml_param(k, &def, &err, &reply) < 0)
		return reply ? reply : rpc_failed(k, &err);
	if (netd_net_find(k->d, def->name)) {
		nd_err_set(&err, -EEXIST, def->name, "network '%s' already exists", def->name);
		netdef_free(def);
		return rpc_failed(k, &err);
	}
	if (netd_net_complete_def(k->d, def, NULL, &err) < 0 || !(n = netd_net_add(k->d))) {
		netdef_free(def);
		if (!err.code)
			nd_err_set(&err, -ENOMEM, "create", "out of memory");
		return rpc_failed(k, &err);
	}
	n->live = def;
	if (netd_net_start(k->d, n, &err) < 0) {
		netd_net_remove(k->d, n);
		return rpc_failed(k, &err);
	}
	return rpc_ok(k, net_summary(n));
}

/* an operation on the network named in params: undefine, start, destroy */
static json_object *by_name(struct call *k, int (*op)(struct netd *, struct netd_net *, struct nd_err *),
			    bool summary)
{
	json_object *reply = NULL;
	struct netd_net *n = find_net(k, &reply);
	struct nd_err err = { 0 };

	if (!n)
		return reply;
	if (op(k->d, n, &err) < 0)
		return rpc_failed(k, &err);
	/* after undefine or destroy the network may be gone: no summary then */
	return rpc_ok(k, summary ? net_summary(n) : NULL);
}

static json_object *m_undefine(struct call *k)
{
	return by_name(k, netd_net_undefine, false);
}

static json_object *m_start(struct call *k)
{
	json_object *reply = NULL, *res;
	struct netd_net *n = find_net(k, &reply);
	struct nd_err err = { 0 };
	char repairs[256];
	int r;

	if (!n)
		return reply;
	if (!n->active)
		return by_name(k, netd_net_start, true);
	/* already active: repair what someone else removed, or say it is whole */
	if ((r = netd_net_repair(k->d, n, repairs, sizeof(repairs), &err)) < 0)
		return rpc_failed(k, &err);
	if (r == 0) {
		nd_err_set(&err, -EALREADY, netd_net_name(n), "network '%s' is already active", netd_net_name(n));
		return rpc_failed(k, &err);
	}
	netd_log(NETD_LOG_WARN, netd_net_name(n), "repaired: %s", repairs);
	res = net_summary(n);
	json_object_object_add(res, "repaired", json_object_new_string(repairs));
	return rpc_ok(k, res);
}

static json_object *m_destroy(struct call *k)
{
	return by_name(k, netd_net_stop, false);
}

static json_object *m_dumpxml(struct call *k)
{
	json_object *reply = NULL, *o;
	struct netd_net *n = find_net(k, &reply);
	_cleanup_free_ char *xml = NULL;
	struct nd_err err = { 0 };
	int inactive = rpc_param_bool(k, "inactive", false, &reply);
	const struct netdef *def;

	if (!n || inactive < 0)
		return reply;
	def = inactive && n->def ? n->def : netd_net_def(n);
	if (netdef_format(def, &xml, &err) < 0)
		return rpc_failed(k, &err);
	o = json_object_new_object();
	json_object_object_add(o, "xml", json_object_new_string(xml));
	return rpc_ok(k, o);
}

static json_object *m_autostart(struct call *k)
{
	json_object *reply = NULL;
	struct netd_net *n = find_net(k, &reply);
	int enable = rpc_param_bool(k, "enable", true, &reply);
	struct nd_err err = { 0 };

	if (!n || enable < 0)
		return reply;
	if (netd_net_set_autostart(k->d, n, enable, &err) < 0)
		return rpc_failed(k, &err);
	return rpc_ok(k, net_summary(n));
}

static unsigned lease_prefix(const struct netdef *def, const char *ip)
{
	struct netdef_addr a;

	if (netdef_addr_parse(ip, 0, &a) < 0)
		return 0;
	for (size_t i = 0; i < def->n_ips; i++)
		if (netdef_addr_in_subnet(&a, &def->ips[i].address, def->ips[i].prefix))
			return def->ips[i].prefix;
	return a.family == AF_INET ? 32 : 128;
}

static json_object *m_leases(struct call *k)
{
	json_object *reply = NULL, *a;
	struct netd_net *n = find_net(k, &reply);
	_cleanup_free_ struct dhcp_lease *leases = NULL;
	struct nd_err err = { 0 };
	char path[4096];
	size_t count = 0;

	if (!n)
		return reply;
	netd_path(k->d, NETD_PATH_LEASES, netd_net_name(n), path, sizeof(path));
	if (dhcp_leases_read(path, &leases, &count, &err) < 0)
		return rpc_failed(k, &err);
	a = json_object_new_array();
	for (size_t i = 0; i < count; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "expiry", json_object_new_int64(leases[i].expiry));
		json_object_object_add(o, "mac", json_object_new_string(leases[i].mac));
		json_object_object_add(o, "ip", json_object_new_string(leases[i].ip));
		json_object_object_add(o, "prefix", json_object_new_int((int)lease_prefix(netd_net_def(n), leases[i].ip)));
		json_object_object_add(o, "type", json_object_new_string(leases[i].ipv6 ? "ipv6" : "ipv4"));
		json_object_object_add(o, "hostname", json_object_new_string(leases[i].hostname));
		json_object_object_add(o, "clientid", json_object_new_string(leases[i].clientid));
		json_object_array_add(a, o);
	}
	return rpc_ok(k, a);
}

static json_object *m_update(struct call *k)
{
	json_object *reply = NULL;
	struct netd_net *n = find_net(k, &reply);
	const char *command = rpc_param_str(k, "command", true, &reply);
	const char *section = rpc_param_str(k, "section", true, &reply);
	const char *xml = rpc_param_str(k, "xml", true, &reply);
	struct netdef *targets[2];
	struct nd_err err = { 0 };
	int cmd, sec;

	if (!n || !command || !section || !xml)
		return reply;
	if ((cmd = netdef_update_command_from_string(command)) < 0)
		return netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS,
					"command '%.32s': expected add, delete or modify", command);
	if ((sec = netdef_update_section_from_string(section)) < 0)
		return netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS,
					"section '%.32s' is not supported (ip-dhcp-host, dns-host)", section);
	/* the live network and its persistent definition, both or whichever exists */
	targets[0] = n->live;
	targets[1] = n->def;
	for (int i = 0; i < 2; i++) {
		struct netdef *updated = NULL;

		if (!targets[i])
			continue;
		if (netdef_update(targets[i], cmd, sec, xml, &updated, &err) < 0)
			return rpc_failed(k, &err);
		if (i == 0) {
			netdef_free(n->live);
			n->live = updated;
			if (netd_dnsmasq_reload(k->d, n, &err) < 0)
				return rpc_failed(k, &err);
		} else {
			struct netd_net *same;

			if (netd_net_define(k->d, updated, &same, &err) < 0)
				return rpc_failed(k, &err);
		}
	}
	netd_log(NETD_LOG_INFO, netd_net_name(n), "updated: %s %s", command, section);
	return rpc_ok(k, net_summary(n));
}

struct method {
	const char *name;
	json_object *(*fn)(struct call *k);
	bool changes; /* needs root or the admin group */
};

static const struct method methods[] = {
	{ "net-list", m_list, false },	       { "net-info", m_info, false },
	{ "net-dumpxml", m_dumpxml, false },   { "net-dhcp-leases", m_leases, false },
	{ "net-define", m_define, true },      { "net-create", m_create, true },
	{ "net-undefine", m_undefine, true },  { "net-start", m_start, true },
	{ "net-destroy", m_destroy, true },    { "net-autostart", m_autostart, true },
	{ "net-update", m_update, true },      { "net-port-create", m_port_create, true },
	{ "net-port-list", m_port_list, false }, { "net-port-delete", m_port_delete, true },
};

json_object *netd_methods_call(struct netd *d, struct netd_client *c, const char *method,
			       json_object *params, json_object *id)
{
	struct call k = { .d = d, .c = c, .params = params, .id = id };

	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(methods[i].name, method) != 0)
			continue;
		if (methods[i].changes && !c->admin)
			return netd_reply_error(id, NETD_RPC_DENIED,
						"permission denied: '%s' changes the host; uid %d may only read",
						method, (int)c->cred.uid);
		return methods[i].fn(&k);
	}
	return netd_reply_error(id, NETD_RPC_METHOD_NOT_FOUND, "unknown method '%.64s'", method);
}

void netd_methods_client_gone(struct netd *d, struct netd_client *c)
{
	netd_ports_client_gone(d, c);
	for (size_t i = 0; i < c->n_reply_fds; i++)
		close(c->reply_fds[i]);
	c->n_reply_fds = 0;
}
