/*
 * Ports: TAP devices netd creates on a network's bridge and hands to the
 * client as file descriptors, so the guest's QEMU needs no network privilege.
 * A port lives as long as the connection that asked for it, unless it was
 * made persistent; records in run/ports/ let a restarted daemon list them.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "netd/netd-log.h"
#include "netd/netd-rpc.h"
#include "netd/netd.h"
#include "tapdev/tapdev.h"

#define PORT_TEMPLATE "vnet%d"

static json_object *port_json(const struct netd_port *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "port", json_object_new_string(p->name));
	json_object_object_add(o, "network", json_object_new_string(p->network));
	json_object_object_add(o, "mac", json_object_new_string(p->mac));
	json_object_object_add(o, "portgroup", json_object_new_string(p->portgroup));
	json_object_object_add(o, "queues", json_object_new_int((int)p->queues));
	json_object_object_add(o, "persistent", json_object_new_boolean(p->persistent));
	json_object_object_add(o, "owner_pid", json_object_new_int(p->owner_pid));
	return o;
}

static void record_save(struct netd *d, const struct netd_port *p)
{
	json_object *o = port_json(p);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	struct nd_err err = { 0 };
	char path[4096];

	netd_path(d, NETD_PATH_PORT, p->name, path, sizeof(path));
	if (nd_file_write_atomic(path, text, strlen(text), 0644, &err) < 0)
		netd_log_err(p->network, "saving the port record", &err);
	json_object_put(o);
}

static void port_remove(struct netd *d, struct netd_port *p, bool delete_link)
{
	char path[4096];

	if (delete_link) {
		struct tapdev_nl *nl = NULL;

		if (tapdev_nl_open(&nl, NULL) == 0) {
			tapdev_link_delete(nl, p->name, NULL);
			tapdev_nl_close(nl);
		}
	}
	netd_path(d, NETD_PATH_PORT, p->name, path, sizeof(path));
	unlink(path);
	for (struct netd_port **pp = &d->ports; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	netd_log(NETD_LOG_INFO, p->network, "port %s removed", p->name);
	free(p);
}

void netd_ports_client_gone(struct netd *d, struct netd_client *c)
{
	for (struct netd_port *p = d->ports, *next; p; p = next) {
		next = p->next;
		if (p->owner == c)
			port_remove(d, p, true);
	}
}

void netd_ports_network_stopped(struct netd *d, const char *network)
{
	for (struct netd_port *p = d->ports, *next; p; p = next) {
		next = p->next;
		if (strcmp(p->network, network) == 0)
			port_remove(d, p, true);
	}
}

static struct netd_port *port_find(struct netd *d, const char *network, const char *name)
{
	for (struct netd_port *p = d->ports; p; p = p->next)
		if (strcmp(p->name, name) == 0 && (!network || strcmp(p->network, network) == 0))
			return p;
	return NULL;
}

static int check_portgroup(const struct netdef *def, const char *pgname, const struct netdef_portgroup **ret,
			   struct nd_err *err)
{
	const struct netdef_portgroup *pg = netdef_portgroup_find(def, pgname);

	*ret = pg;
	if (pgname && !pg)
		return nd_err_set(err, -ENOENT, def->name, "network '%s' has no portgroup '%s'", def->name, pgname);
	if (netdef_effective_vport(def, pg) == NETDEF_VPORT_OPENVSWITCH)
		return nd_err_set(err, -EOPNOTSUPP, def->name,
				  "Open vSwitch ports (<virtualport type='openvswitch'>) are not supported yet");
	if ((pg && pg->vlan.present) || def->vlan.present)
		return nd_err_set(err, -EOPNOTSUPP, def->name,
				  "VLAN tags on a Linux bridge port need bridge vlan_filtering, not supported yet");
	return 0;
}

json_object *m_port_create(struct call *k)
{
	json_object *reply = NULL, *res;
	const char *network = rpc_param_str(k, "network", true, &reply);
	const char *mac_s = rpc_param_str(k, "mac", false, &reply);
	const char *pgname = rpc_param_str(k, "portgroup", false, &reply);
	long long queues = rpc_param_int(k, "queues", 1, 1, TAPDEV_MAX_QUEUES, &reply);
	int persistent = rpc_param_bool(k, "persistent", false, &reply);
	const struct netdef_portgroup *pg = NULL;
	struct tapdev_port_cfg cfg = { 0 };
	struct tapdev_nl *nl = NULL;
	struct nd_err err = { 0 };
	struct netd_net *n;
	struct netd_port *p;
	uint8_t mac[6];
	int fds[TAPDEV_MAX_QUEUES];
	int r;

	if (reply || !network || queues < 0 || persistent < 0)
		return reply;
	if (!(n = netd_net_find(k->d, network)) || !n->active) {
		nd_err_set(&err, n ? -ENETDOWN : -ENOENT, network, "network '%.64s' %s", network,
			   n ? "is not active" : "not found");
		return rpc_failed(k, &err);
	}
	if (mac_s) {
		if (netdef_mac_parse(mac_s, mac) < 0 || (mac[0] & 1))
			return netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS, "mac '%.32s' is not a unicast MAC", mac_s);
	} else if (tapdev_random_mac(mac) < 0) {
		nd_err_set(&err, -EIO, network, "cannot generate a MAC");
		return rpc_failed(k, &err);
	}
	if (check_portgroup(n->live, pgname, &pg, &err) < 0)
		return rpc_failed(k, &err);
	if (!(p = calloc(1, sizeof(*p))))
		return netd_reply_error(k->id, NETD_RPC_FAILED, "out of memory");
	netdef_mac_format(mac, p->mac);
	for (struct netd_port *o = k->d->ports; o; o = o->next) {
		if (strcmp(o->network, network) == 0 && strcmp(o->mac, p->mac) == 0) {
			free(p);
			nd_err_set(&err, -EEXIST, network, "MAC %s is already used by port %s", o->mac, o->name);
			return rpc_failed(k, &err);
		}
	}
	if ((r = tapdev_nl_open(&nl, &err)) < 0 ||
	    (r = tapdev_tap_create_from_template(nl, PORT_TEMPLATE, (unsigned)queues,
						 TAPDEV_VNET_HDR | (persistent ? TAPDEV_PERSIST : 0), p->name, fds,
						 &err)) < 0) {
		tapdev_nl_close(nl);
		free(p);
		return rpc_failed(k, &err);
	}
	cfg.ifname = p->name;
	cfg.bridge = n->bridge;
	cfg.has_mac = true;
	tapdev_host_mac(mac, cfg.mac);
	cfg.mtu = n->live->mtu;
	cfg.isolated = n->live->port_isolated == NETDEF_YES;
	r = tapdev_port_attach(nl, &cfg, &err);
	if (r < 0) {
		tapdev_link_delete(nl, p->name, NULL);
		tapdev_nl_close(nl);
		for (long long i = 0; i < queues; i++)
			close(fds[i]);
		free(p);
		return rpc_failed(k, &err);
	}
	tapdev_nl_close(nl);
	snprintf(p->network, sizeof(p->network), "%s", network);
	snprintf(p->portgroup, sizeof(p->portgroup), "%s", pg ? pg->name : "");
	p->queues = (unsigned)queues;
	p->persistent = persistent;
	p->owner = persistent ? NULL : k->c;
	p->owner_pid = k->c->cred.pid;
	p->next = k->d->ports;
	k->d->ports = p;
	record_save(k->d, p);
	/* the fds ride with the reply and are closed here after sending */
	memcpy(k->c->reply_fds, fds, sizeof(int) * (size_t)queues);
	k->c->n_reply_fds = (size_t)queues;
	netd_log(NETD_LOG_INFO, network, "port %s created for pid %d (mac %s, %lld queue%s%s)", p->name,
		 p->owner_pid, p->mac, queues, queues > 1 ? "s" : "", persistent ? ", persistent" : "");
	res = port_json(p);
	return rpc_ok(k, res);
}

json_object *m_port_list(struct call *k)
{
	json_object *reply = NULL, *a;
	const char *network = rpc_param_str(k, "network", true, &reply);

	if (!network)
		return reply;
	if (!netd_net_find(k->d, network))
		return netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' not found", network);
	a = json_object_new_array();
	for (struct netd_port *p = k->d->ports; p; p = p->next)
		if (strcmp(p->network, network) == 0)
			json_object_array_add(a, port_json(p));
	return rpc_ok(k, a);
}

json_object *m_port_delete(struct call *k)
{
	json_object *reply = NULL;
	const char *network = rpc_param_str(k, "network", true, &reply);
	const char *port = rpc_param_str(k, "port", true, &reply);
	struct netd_port *p;

	if (!network || !port)
		return reply;
	if (!(p = port_find(k->d, network, port)))
		return netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' has no port '%.16s'", network, port);
	port_remove(k->d, p, true);
	return rpc_ok(k, NULL);
}

static int json_suffix(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

/* after a restart: ports whose device still exists are listed again */
void netd_ports_load(struct netd *d)
{
	char dir[4096], path[4400];
	struct dirent **ents;
	struct tapdev_nl *nl = NULL;
	int count;

	snprintf(dir, sizeof(dir), "%s/ports", d->opts.run_dir);
	count = scandir(dir, &ents, json_suffix, alphasort);
	if (count <= 0 || tapdev_nl_open(&nl, NULL) < 0) {
		if (count > 0) {
			for (int i = 0; i < count; i++)
				free(ents[i]);
			free(ents);
		}
		return;
	}
	for (int i = 0; i < count; i++) {
		_cleanup_free_ char *text = NULL;
		json_object *o = NULL, *v;
		struct netd_port *p = calloc(1, sizeof(*p));
		struct netd_net *n;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
		if (!p || nd_file_read(path, 65536, &text, NULL, NULL) < 0 || !(o = json_tokener_parse(text)) ||
		    !json_object_is_type(o, json_type_object)) {
			netd_log(NETD_LOG_ERR, NULL, "%s: unreadable port record: skipped", path);
			free(p);
			json_object_put(o);
			continue;
		}
		if (json_object_object_get_ex(o, "port", &v))
			snprintf(p->name, sizeof(p->name), "%s", json_object_get_string(v));
		if (json_object_object_get_ex(o, "network", &v))
			snprintf(p->network, sizeof(p->network), "%s", json_object_get_string(v));
		if (json_object_object_get_ex(o, "mac", &v))
			snprintf(p->mac, sizeof(p->mac), "%s", json_object_get_string(v));
		if (json_object_object_get_ex(o, "portgroup", &v))
			snprintf(p->portgroup, sizeof(p->portgroup), "%s", json_object_get_string(v));
		if (json_object_object_get_ex(o, "queues", &v))
			p->queues = (unsigned)json_object_get_int(v);
		if (json_object_object_get_ex(o, "persistent", &v))
			p->persistent = json_object_get_boolean(v);
		if (json_object_object_get_ex(o, "owner_pid", &v))
			p->owner_pid = json_object_get_int(v);
		json_object_put(o);
		n = netd_net_find(d, p->network);
		if (!netdef_ifname_is_valid(p->name, false) || !n || !n->active || !tapdev_link_exists(nl, p->name)) {
			unlink(path);
			free(p);
			continue;
		}
		p->next = d->ports;
		d->ports = p;
	}
	free(ents);
	tapdev_nl_close(nl);
}
