/* The protocol's methods, named after virsh's verbs (docs/protocol.md). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/nd-cleanup.h"
#include "dhcp/dhcp.h"
#include "tapdev/tapdev.h"
#include "netd/daemon/netd-control.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-net.h"
#include "netd/daemon/netd-ovn.h"
#include "netd/daemon/netd-port.h"
#include "netd/daemon/netd-rpc.h"

/* the network named (or by UUID) in params; the call holds a reference until it ends */
static struct netd_net *find_net(struct call *k, json_object **reply)
{
	const char *name = rpc_param_str(k, "name", true, reply);
	struct netd_net *n;

	if (!name)
		return NULL;
	n = netd_net_lookup(k->d, name);
	if (!n) {
		if (!*reply)
			*reply = netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' not found", name);
		return NULL;
	}
	netd_net_unref(k->net);
	k->net = netd_net_ref(n);
	return n;
}

/* <dnsmasq:options> runs anything as root (dhcp-script=...): uid 0 only, unless the daemon allows its group */
static int check_raw_options(struct call *k, const struct netdef *def, struct nd_err *err)
{
	int r;

	/* every value that would reach dnsmasq's files, by the one rule (dhcp-values.c) */
	if ((r = dhcp_def_check(def, err)) < 0)
		return r;
	if (!def->n_dnsmasq_options || k->root || k->d->opts.admin_group_dnsmasq_options)
		return 0;
	return nd_err_set(err, -EPERM, def->name,
			  "<dnsmasq:options> is accepted from root only (uid %d is in the admin group, which may not "
			  "pass raw dnsmasq options; netd --admin-group-dnsmasq-options allows it)", (int)k->cred.uid);
}

static json_object *net_summary(const struct netd_net *n)
{
	const struct netdef *def = netd_net_def(n);
	json_object *o = json_object_new_object();
	char uuid[37];

	netdef_uuid_format(def->uuid, uuid);
	json_object_object_add(o, "name", json_object_new_string(def->name));
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "active", json_object_new_boolean(netd_net_is_active(n)));
	json_object_object_add(o, "state", json_object_new_string(netd_net_state_to_string(n->state)));
	json_object_object_add(o, "persistent", json_object_new_boolean(n->def != NULL));
	json_object_object_add(o, "autostart", json_object_new_boolean(n->autostart));
	json_object_object_add(o, "forward", json_object_new_string(netdef_forward_to_string(def->forward.mode)));
	json_object_object_add(o, "bridge", json_object_new_string(n->state != NETD_NET_INACTIVE ? n->bridge :
					def->bridge.name ? def->bridge.name : ""));
	if (def->ovn.present) { /* where its objects are */
		json_object *ovn = json_object_new_object();
		char sw[48];

		snprintf(sw, sizeof(sw), "netd-%s", uuid);
		json_object_object_add(ovn, "nb", json_object_new_string(def->ovn.nb));
		json_object_object_add(ovn, "switch", json_object_new_string(sw));
		json_object_object_add(o, "ovn", ovn);
	}
	return o;
}

/* a request waiting for a start or stop that goes on in a job */
struct netd_waiter {
	struct netd_waiter *next;
	struct netd_pending *pend;
	bool summary; /* answered with the network's summary (a start) */
};

void netd_net_finished(struct netd *d, struct netd_net *n, int r, const struct nd_err *err)
{
	struct netd_waiter *w;

	while ((w = n->waiters)) {
		n->waiters = w->next;
		netd_control_complete(d, w->pend, r >= 0 && w->summary ? net_summary(n) : NULL, r < 0 ? err : NULL,
				      NULL, 0);
		free(w);
	}
}

/*
 * Runs a start or stop for this call: the daemon serves others while a step
 * waits for another program (NETD_PENDING), and the reply goes out when the
 * network is done. ret_reply is set (and 1 returned) when the reply waits.
 */
static int run_op(struct call *k, struct netd_net *n, int (*op)(struct netd *, struct netd_net *, struct nd_err *),
		  bool summary, struct nd_err *err, json_object **ret_reply)
{
	struct netd_waiter *w;
	int r;

	n->may_defer = true;
	r = op(k->d, n, err);
	n->may_defer = false;
	if (r != NETD_PENDING)
		return r;
	if (!(w = calloc(1, sizeof(*w))) || !(w->pend = netd_control_defer(k->d, k->c, k->id))) {
		free(w);
		*ret_reply = netd_reply_error(k->id, NETD_RPC_FAILED, "out of memory (network '%s' is still %s)",
					      netd_net_name(n), n->pending_op == NETD_OP_START ? "starting" : "stopping");
		return 1;
	}
	w->summary = summary;
	w->next = n->waiters;
	n->waiters = w;
	*ret_reply = NETD_REPLY_DEFERRED;
	return 1;
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
	/* as in port records: OVS's userspace datapath completes no checksum a guest leaves to the host */
	json_object_object_add(o, "guest_checksum_offload",
			       json_object_new_boolean(!(netdef_effective_vport(netd_net_def(n), NULL) ==
							 NETDEF_VPORT_OPENVSWITCH && !tapdev_ovs_kernel_datapath())));
	if (n->failure[0])
		json_object_object_add(o, "failure", json_object_new_string(n->failure));
	return rpc_ok(k, o);
}

/* the request's XML, parsed and passed by the rules for what reaches dnsmasq; NULL with *reply set otherwise */
static struct netdef *xml_param(struct call *k, json_object **reply)
{
	const char *xml = rpc_param_str(k, "xml", true, reply);
	struct netdef *def = NULL;
	struct nd_err err = { 0 };

	if (!xml)
		return NULL;
	if (netdef_parse_string(xml, strlen(xml), "<request>", &def, &err) < 0 || check_raw_options(k, def, &err) < 0) {
		def = netdef_free(def);
		*reply = rpc_failed(k, &err);
	}
	return def;
}

static json_object *m_define(struct call *k)
{
	json_object *reply = NULL;
	struct netdef *def = xml_param(k, &reply);
	struct nd_err err = { 0 };
	struct netd_net *n;

	if (!def)
		return reply;
	if (netd_net_define(k->d, def, &n, &err) < 0)
		return rpc_failed(k, &err);
	netd_log(NETD_LOG_INFO, n->def->name, "defined");
	return rpc_ok(k, net_summary(n));
}

static json_object *m_create(struct call *k)
{
	json_object *reply = NULL;
	struct netdef *def = xml_param(k, &reply);
	struct nd_err err = { 0 };
	struct netd_net *n;
	int r;

	if (!def)
		return reply;
	if (netd_net_find(k->d, def->name) &&
	    nd_err_set(&err, -EEXIST, def->name, "network '%s' already exists", def->name)) {
		netdef_free(def);
		return rpc_failed(k, &err);
	}
	if (netd_net_complete_def(k->d, def, NULL, &err) < 0 || !(n = netd_net_add(k->d, def))) {
		netdef_free(def);
		if (!err.code)
			nd_err_set(&err, -ENOMEM, "create", "out of memory");
		return rpc_failed(k, &err);
	}
	n->live = def;
	k->net = netd_net_ref(n);
	if ((r = run_op(k, n, netd_net_start, true, &err, &reply)) < 0) {
		if (n->state == NETD_NET_INACTIVE)
			netd_net_drop(k->d, n);
		return rpc_failed(k, &err);
	}
	return r > 0 ? reply : rpc_ok(k, net_summary(n));
}

/* an operation on the network named in params: undefine, start, destroy */
static json_object *by_name(struct call *k, int (*op)(struct netd *, struct netd_net *, struct nd_err *),
			    bool summary)
{
	json_object *reply = NULL;
	struct netd_net *n = find_net(k, &reply);
	struct nd_err err = { 0 };
	int r;

	if (!n)
		return reply;
	if ((r = run_op(k, n, op, summary, &err, &reply)) < 0)
		return rpc_failed(k, &err);
	/* after undefine or destroy the network may be gone: no summary then */
	return r > 0 ? reply : rpc_ok(k, summary ? net_summary(n) : NULL);
}

/* an OVN network's objects leave NB: asked for, never a side effect of destroy or undefine */
static json_object *m_ovn_remove(struct call *k)
{
	json_object *reply = NULL;
	struct netd_net *n = find_net(k, &reply);
	int force = rpc_param_bool(k, "force", false, &reply);
	const struct netdef *def;
	struct nd_err err = { 0 };
	unsigned ports = 0;

	if (!n || force < 0)
		return reply;
	def = n->def ? n->def : netd_net_def(n);
	if (!def->ovn.present)
		nd_err_set(&err, -EINVAL, netd_net_name(n), "network '%s' is not an OVN network", netd_net_name(n));
	else if (netd_net_is_active(n))
		nd_err_set(&err, -EBUSY, netd_net_name(n), "network '%s' is active on this host: net-destroy it first",
			   netd_net_name(n));
	else if (netd_ovn_foreign_ports(k->d, def, &ports, &err) == 0 && ports && !force)
		nd_err_set(&err, -EBUSY, netd_net_name(n), "network '%s' still has %u port(s) in OVN (other hosts' "
			   "guests): destroy it there first, or --force", netd_net_name(n), ports);
	if (err.code || netd_ovn_remove(k->d, def, &err) < 0)
		return rpc_failed(k, &err);
	return rpc_ok(k, json_object_new_object());
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
	if (n->state != NETD_NET_ACTIVE)
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

/* a NAT network with IPv4 and no <nat><port>: its masquerade maps to ports 1024-65535 (firewall/fw-rules.c) */
static bool masquerades_default_ports(const struct netdef *def)
{
	bool ipv4 = false;

	for (size_t i = 0; i < def->n_ips; i++)
		ipv4 |= def->ips[i].family != AF_INET6;
	return ipv4 && def->forward.mode == NETDEF_FORWARD_NAT && !def->forward.nat.port_start &&
	       !def->forward.nat.port_end;
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
	if (!(inactive && n->def) && netd_net_is_active(n) && masquerades_default_ports(def)) {
		/* the live state shows the source ports netd's masquerade uses, as libvirt's does */
		struct netdef shown = *def;

		shown.forward.nat.present = true;
		shown.forward.nat.port_start = 1024;
		shown.forward.nat.port_end = 65535;
		if (netdef_format(&shown, &xml, &err) < 0)
			return rpc_failed(k, &err);
	} else if (netdef_format(def, &xml, &err) < 0)
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
	size_t count = 0, skipped = 0, first_bad = 0;

	if (!n)
		return reply;
	if (!netd_net_is_active(n)) {
		nd_err_set(&err, -ENETDOWN, netd_net_name(n), "network '%s' is not active", netd_net_name(n));
		return rpc_failed(k, &err);
	}
	netd_path(k->d, NETD_PATH_LEASES, netd_net_name(n), path, sizeof(path));
	if (dhcp_leases_read(path, &leases, &count, &skipped, &first_bad, &err) < 0)
		return rpc_failed(k, &err);
	if (skipped)
		netd_log(NETD_LOG_WARN, netd_net_name(n), "%s: %zu unreadable lease line%s skipped (the first: line %zu)",
			 path, skipped, skipped > 1 ? "s" : "", first_bad);
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

/*
 * The running network and its persistent definition, both (or whichever
 * exists), like virsh net-update --live --config. Both updated copies are
 * made and checked before anything changes; then the live one goes to
 * dnsmasq and into the runtime record, the persistent one to the config dir.
 */
/* a live change put in place: dnsmasq as the new definition wants it, a portgroup's ports reshaped,
 * the firewall rebuilt for a new outgoing interface */
static int update_live(struct call *k, struct netd_net *n, const struct netdef *old, int sec, struct nd_err *err)
{
	char repairs[256];
	int r;

	if ((r = netd_dnsmasq_update(k->d, n, old, err)) < 0)
		return r;
	if (sec == NETDEF_SECTION_PORTGROUP)
		return netd_ports_portgroups_changed(k->d, n, err);
	if (sec == NETDEF_SECTION_FORWARD_INTERFACE)
		return k->d->ops->repair(k->d, n, repairs, sizeof(repairs), err);
	return 0;
}

/*
 * virsh net-update: --live changes the running network, --config its
 * persistent definition, both with both; neither (--current) the running one
 * when it runs, else the definition. --parent-index picks the <ip>.
 */
static json_object *m_update(struct call *k)
{
	json_object *reply = NULL;
	struct netd_net *n = find_net(k, &reply);
	const char *command = rpc_param_str(k, "command", true, &reply);
	const char *section = rpc_param_str(k, "section", true, &reply);
	const char *xml = rpc_param_str(k, "xml", true, &reply);
	int live_flag = rpc_param_bool(k, "live", false, &reply), config_flag = rpc_param_bool(k, "config", false, &reply);
	long long index = rpc_param_int(k, "parent_index", -1, -1, 1023, &reply);
	struct netdef *live = NULL, *def = NULL, *old_live;
	struct nd_err err = { 0 };
	struct netd_net *same;
	bool want_live, want_config;
	int cmd, sec;

	if (!n || !command || !section || !xml || live_flag < 0 || config_flag < 0 || index < -1)
		return reply;
	if ((cmd = netdef_update_command_from_string(command)) < 0)
		return netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS,
					"command '%.32s': expected add, add-first, add-last, delete or modify", command);
	if ((sec = netdef_update_section_from_string(section)) == -EOPNOTSUPP) {
		nd_err_set(&err, -EOPNOTSUPP, netd_net_name(n), "section '%.32s' cannot be updated (nor with libvirt): "
			   "change it with net-define or net-edit, then restart the network", section);
		return rpc_failed(k, &err);
	}
	if (sec < 0)
		return netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS, "section '%.32s' is unknown (ip-dhcp-host, "
					"ip-dhcp-range, forward-interface, portgroup, dns-host, dns-txt, dns-srv)", section);
	if (n->state != NETD_NET_INACTIVE && n->state != NETD_NET_ACTIVE) {
		nd_err_set(&err, -EBUSY, netd_net_name(n), "network '%s' is %s", netd_net_name(n),
			   netd_net_state_to_string(n->state));
		return rpc_failed(k, &err);
	}
	want_live = live_flag || (!config_flag && netd_net_is_active(n));
	want_config = config_flag || (!live_flag && !netd_net_is_active(n));
	if (want_live && !netd_net_is_active(n))
		nd_err_set(&err, -EINVAL, netd_net_name(n), "--live: network '%s' is not running", netd_net_name(n));
	else if (want_config && !n->def)
		nd_err_set(&err, -EINVAL, netd_net_name(n), "--config: network '%s' is transient: it has no persistent "
			   "definition", netd_net_name(n));
	if (err.code)
		return rpc_failed(k, &err);
	if ((want_live && netdef_update(n->live, cmd, sec, (int)index, xml, &live, &err) < 0) ||
	    (want_config && netdef_update(n->def, cmd, sec, (int)index, xml, &def, &err) < 0) ||
	    (live && (dhcp_def_check(live, &err) < 0 || netd_qos_check(live, &err) < 0)) ||
	    (def && dhcp_def_check(def, &err) < 0)) {
		netdef_free(live);
		netdef_free(def);
		return rpc_failed(k, &err);
	}
	if (live) {
		old_live = n->live;
		n->live = live;
		if (update_live(k, n, old_live, sec, &err) < 0) {
			/* as it was: the old definition, its dnsmasq files and shaping */
			n->live = old_live;
			update_live(k, n, live, sec, NULL);
			netdef_free(live);
			netdef_free(def);
			return rpc_failed(k, &err);
		}
		netdef_free(old_live);
		n->dirty = true;
		if (netd_net_save(k->d, n, &err) < 0)
			netd_log_err(netd_net_name(n), "saving the runtime record", &err);
	}
	if (def && netd_net_define(k->d, def, &same, &err) < 0)
		return rpc_failed(k, &err);
	netd_log(NETD_LOG_INFO, netd_net_name(n), "updated (%s%s%s): %s %s", want_live ? "live" : "",
		 want_live && want_config ? ", " : "", want_config ? "config" : "", command, section);
	return rpc_ok(k, net_summary(n));
}

/* this connection gets the lifecycle events of every network, or of the one named */
static json_object *m_event_register(struct call *k)
{
	json_object *reply = NULL;
	const char *name = rpc_param_str(k, "name", false, &reply);
	struct netd_net *n = name ? netd_net_lookup(k->d, name) : NULL;

	if (reply)
		return reply;
	if (name && !n)
		return netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' not found", name);
	k->c->events = true;
	snprintf(k->c->events_net, sizeof(k->c->events_net), "%s", n ? netd_net_name(n) : "");
	return rpc_ok(k, NULL);
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
	{ "net-ovn-remove", m_ovn_remove, true }, { "net-undefine", m_undefine, true },  { "net-start", m_start, true },
	{ "net-destroy", m_destroy, true },    { "net-autostart", m_autostart, true },
	{ "net-update", m_update, true },      { "net-port-create", m_port_create, true },
	{ "net-port-list", m_port_list, false }, { "net-port-delete", m_port_delete, true },
	{ "net-port-bandwidth", m_port_bandwidth, true },
	{ "net-event-register", m_event_register, false },
};

json_object *netd_methods_call(struct netd *d, struct netd_client *c, const struct netd_caller *who,
			       const char *method, json_object *params, json_object *id, int *reply_fds,
			       size_t *n_reply_fds)
{
	struct call k = { .d = d, .c = c, .cred = who->cred, .admin = who->admin, .root = who->cred.uid == 0,
			  .params = params, .id = id, .reply_fds = reply_fds };
	json_object *reply = NULL;

	*n_reply_fds = 0;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(methods[i].name, method) != 0)
			continue;
		if (methods[i].changes && !who->admin)
			return netd_reply_error(id, NETD_RPC_DENIED,
						"permission denied: '%s' changes the host; uid %d may only read",
						method, (int)who->cred.uid);
		reply = methods[i].fn(&k);
		netd_net_unref(k.net);
		*n_reply_fds = k.n_reply_fds;
		return reply;
	}
	return netd_reply_error(id, NETD_RPC_METHOD_NOT_FOUND, "unknown method '%.64s'", method);
}
