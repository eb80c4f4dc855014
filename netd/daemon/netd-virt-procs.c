/*
 * libvirt's network procedures (remote_protocol.x numbers) on netd's
 * networks and ports: lookups and flags read the registry; everything that
 * reads a document or changes something is the netd method netdctl would
 * call, with the caller's credentials.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/daemon/netd-net.h"
#include "netd/daemon/netd-virt.h"
#include "netd/lib/netd-portxml.h"
#include "xml/netdef.h"

enum {
	PROC_LIST_DEFINED_NETWORKS = 36,
	PROC_LIST_NETWORKS = 38,
	PROC_NETWORK_CREATE = 39,
	PROC_NETWORK_CREATE_XML = 40,
	PROC_NETWORK_DEFINE_XML = 41,
	PROC_NETWORK_DESTROY = 42,
	PROC_NETWORK_GET_XML_DESC = 43,
	PROC_NETWORK_GET_AUTOSTART = 44,
	PROC_NETWORK_GET_BRIDGE_NAME = 45,
	PROC_NETWORK_LOOKUP_BY_NAME = 46,
	PROC_NETWORK_LOOKUP_BY_UUID = 47,
	PROC_NETWORK_SET_AUTOSTART = 48,
	PROC_NETWORK_UNDEFINE = 49,
	PROC_NUM_OF_DEFINED_NETWORKS = 50,
	PROC_NUM_OF_NETWORKS = 52,
	PROC_NETWORK_IS_ACTIVE = 152,
	PROC_NETWORK_IS_PERSISTENT = 153,
	PROC_LIST_ALL_NETWORKS = 283,
	PROC_NETWORK_UPDATE = 291,
	PROC_NETWORK_EVENT_REGISTER_ANY = 313,
	PROC_NETWORK_EVENT_DEREGISTER_ANY = 314,
	PROC_NETWORK_GET_DHCP_LEASES = 341,
	PROC_NETWORK_LIST_ALL_PORTS = 404,
	PROC_NETWORK_PORT_LOOKUP_BY_UUID = 405,
	PROC_NETWORK_PORT_CREATE_XML = 406,
	PROC_NETWORK_PORT_GET_PARAMETERS = 407,
	PROC_NETWORK_PORT_SET_PARAMETERS = 408,
	PROC_NETWORK_PORT_GET_XML_DESC = 409,
	PROC_NETWORK_PORT_DELETE = 410,
	PROC_NETWORK_DEFINE_XML_FLAGS = 432,
	PROC_NETWORK_CREATE_XML_FLAGS = 437,
};

#define NAME_MAX_LEN 4096
#define XML_MAX_LEN (4u << 20)

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static void put_net(struct nd_buf *b, const char *name, const uint8_t uuid[16])
{
	nd_xdr_string(b, name);
	nd_xdr_opaque(b, uuid, 16);
}

static void put_netd_net(struct nd_buf *b, const struct netd_net *n)
{
	put_net(b, netd_net_name(n), n->uuid);
}

static struct netd_net *find_uuid_or_name(struct netd_virt_call *k, const uint8_t uuid[16], const char *name)
{
	struct netd_net *n = netd_net_find_uuid(k->d, uuid);
	char u[37];

	if (n)
		return n;
	netdef_uuid_format(uuid, u);
	netd_virt_error(k, VIRT_ERR_NO_NETWORK, "no network with matching uuid '%s'%s%s%s", u, name ? " (" : "",
			name ? name : "", name ? ")" : "");
	return NULL;
}

/* remote_nonnull_network: libvirt finds a network by its UUID */
static struct netd_net *net_arg(struct netd_virt_call *k)
{
	char *name = nd_xdr_get_string(&k->args, NAME_MAX_LEN);
	uint8_t uuid[16];
	struct netd_net *n = NULL;

	nd_xdr_get_opaque(&k->args, uuid, 16);
	if (k->args.bad)
		netd_virt_error(k, VIRT_ERR_RPC, "malformed network argument");
	else
		n = find_uuid_or_name(k, uuid, name);
	free(name);
	return n;
}

static json_object *name_params(const struct netd_net *n)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "name", json_object_new_string(netd_net_name(n)));
	return p;
}

/* a method whose reply carries nothing libvirt returns: 0, 1 (deferred), or the error sent */
static int void_method(struct netd_virt_call *k, const char *method, json_object *params)
{
	json_object *reply = netd_virt_method(k, method, params);
	int r;

	if (reply == NETD_REPLY_DEFERRED)
		return 1;
	r = json_object_object_get_ex(reply, "error", NULL) ? netd_virt_error_from(k, reply) : 0;
	json_object_put(reply);
	return r;
}

/* a method whose result names a network libvirt returns (define, create) */
static int net_method(struct netd_virt_call *k, const char *method, json_object *params)
{
	json_object *reply = netd_virt_method(k, method, params);
	int r;

	if (reply == NETD_REPLY_DEFERRED)
		return 1;
	r = netd_virt_finish(k, reply);
	json_object_put(reply);
	return r;
}

static bool wanted(const struct netd_net *n, uint32_t flags)
{
	bool active = netd_net_is_active(n), persistent = n->def != NULL;

	if ((flags & 3) && !((flags & 1) && !active) && !((flags & 2) && active))
		return false;
	if ((flags & 12) && !((flags & 4) && persistent) && !((flags & 8) && !persistent))
		return false;
	if ((flags & 48) && !((flags & 16) && n->autostart) && !((flags & 32) && !n->autostart))
		return false;
	return true;
}

static int list_all(struct netd_virt_call *k)
{
	int need = nd_xdr_get_i32(&k->args);
	uint32_t flags = nd_xdr_get_u32(&k->args), count = 0;
	size_t at = k->ret->len;

	nd_xdr_u32(k->ret, 0);
	for (struct netd_net *n = k->d->nets; n; n = n->next) {
		if (!wanted(n, flags))
			continue;
		count++;
		if (need)
			put_netd_net(k->ret, n);
	}
	nd_xdr_u32_at(k->ret, at, need ? count : 0);
	nd_xdr_u32(k->ret, count);
	return 0;
}

static int list_names(struct netd_virt_call *k, bool active)
{
	int max = nd_xdr_get_i32(&k->args);
	uint32_t count = 0;
	size_t at = k->ret->len;

	nd_xdr_u32(k->ret, 0);
	for (struct netd_net *n = k->d->nets; n && (int)count < max; n = n->next) {
		if (netd_net_is_active(n) != active)
			continue;
		nd_xdr_string(k->ret, netd_net_name(n));
		count++;
	}
	nd_xdr_u32_at(k->ret, at, count);
	return 0;
}

static int count_nets(struct netd_virt_call *k, bool active)
{
	int count = 0;

	for (struct netd_net *n = k->d->nets; n; n = n->next)
		count += netd_net_is_active(n) == active;
	nd_xdr_i32(k->ret, count);
	return 0;
}

static int xml_call(struct netd_virt_call *k, const char *method, bool flags)
{
	char *xml = nd_xdr_get_string(&k->args, XML_MAX_LEN);
	json_object *p = json_object_new_object();

	if (flags)
		nd_xdr_get_u32(&k->args); /* VALIDATE: netd always checks against its rules */
	if (k->args.bad) {
		free(xml);
		json_object_put(p);
		return netd_virt_error(k, VIRT_ERR_RPC, "malformed XML argument");
	}
	if (netd_virt_check_wellformed(k, xml, "(network_definition)") < 0) {
		free(xml);
		json_object_put(p);
		return -1;
	}
	json_object_object_add(p, "xml", json_object_new_string(xml));
	free(xml);
	return net_method(k, method, p);
}

/* virsh's update sections, by libvirt's number (libvirt-network.h) */
static const char *const sections[] = { NULL, "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward",
					 "forward-interface", "forward-pf", "portgroup", "dns-host", "dns-txt",
					 "dns-srv" };
static const char *const commands[] = { NULL, "modify", "delete", "add-last", "add-first" };

static int update(struct netd_virt_call *k, struct netd_net *n)
{
	uint32_t command = nd_xdr_get_u32(&k->args), section = nd_xdr_get_u32(&k->args);
	int index = nd_xdr_get_i32(&k->args);
	char *xml = nd_xdr_get_string(&k->args, XML_MAX_LEN);
	uint32_t flags = nd_xdr_get_u32(&k->args);
	json_object *p, *reply;
	int r;

	if (k->args.bad || !xml) {
		free(xml);
		return netd_virt_error(k, VIRT_ERR_RPC, "malformed update arguments");
	}
	if (command == 0 || command >= sizeof(commands) / sizeof(commands[0]) || section == 0 ||
	    section >= sizeof(sections) / sizeof(sections[0])) {
		free(xml);
		return netd_virt_error(k, VIRT_ERR_INVALID_ARG, "unknown network update command %u or section %u", command,
				       section);
	}
	p = name_params(n);
	json_object_object_add(p, "command", json_object_new_string(commands[command]));
	json_object_object_add(p, "section", json_object_new_string(sections[section]));
	json_object_object_add(p, "xml", json_object_new_string(xml));
	json_object_object_add(p, "parent_index", json_object_new_int(index));
	json_object_object_add(p, "live", json_object_new_boolean(flags & 1));
	json_object_object_add(p, "config", json_object_new_boolean(flags & 2));
	reply = netd_virt_method(k, "net-update", p);
	r = json_object_object_get_ex(reply, "error", NULL) ?
		    netd_virt_update_error(k, reply, netd_net_name(n), sections[section], command, xml) : 0;
	json_object_put(reply);
	free(xml);
	return r;
}

static int leases(struct netd_virt_call *k, struct netd_net *n)
{
	bool has_mac;
	char *mac = nd_xdr_get_string_opt(&k->args, 64, &has_mac);
	int need = nd_xdr_get_i32(&k->args);
	json_object *reply, *res;
	uint32_t count = 0;
	size_t at;

	nd_xdr_get_u32(&k->args);
	if (!netd_net_is_active(n)) { /* libvirt lists an inactive network's leases: none */
		free(mac);
		nd_xdr_u32(k->ret, 0); /* no leases */
		nd_xdr_u32(k->ret, 0); /* their count */
		return 0;
	}
	reply = netd_virt_method(k, "net-dhcp-leases", name_params(n));
	if (!json_object_object_get_ex(reply, "result", &res)) {
		int r = netd_virt_error_from(k, reply);

		free(mac);
		json_object_put(reply);
		return r;
	}
	at = k->ret->len;
	nd_xdr_u32(k->ret, 0);
	for (size_t i = 0; i < json_object_array_length(res); i++) {
		json_object *o = json_object_array_get_idx(res, i), *v;
		const char *host = jstr(o, "hostname"), *cid = jstr(o, "clientid");

		if (mac && strcasecmp(jstr(o, "mac"), mac) != 0)
			continue;
		count++;
		if (!need)
			continue;
		/* remote_network_dhcp_lease */
		nd_xdr_string(k->ret, n->bridge);
		nd_xdr_u64(k->ret, json_object_object_get_ex(o, "expiry", &v) ? (uint64_t)json_object_get_int64(v) : 0);
		nd_xdr_i32(k->ret, strcmp(jstr(o, "type"), "ipv6") == 0);
		nd_xdr_string_opt(k->ret, jstr(o, "mac")[0] ? jstr(o, "mac") : NULL);
		nd_xdr_string_opt(k->ret, NULL); /* iaid */
		nd_xdr_string(k->ret, jstr(o, "ip"));
		nd_xdr_u32(k->ret, json_object_object_get_ex(o, "prefix", &v) ? (uint32_t)json_object_get_int(v) : 0);
		nd_xdr_string_opt(k->ret, host[0] && strcmp(host, "*") ? host : NULL);
		nd_xdr_string_opt(k->ret, cid[0] && strcmp(cid, "*") ? cid : NULL);
	}
	nd_xdr_u32_at(k->ret, at, need ? count : 0);
	nd_xdr_u32(k->ret, count);
	free(mac);
	json_object_put(reply);
	return 0;
}

static int event_register(struct netd_virt_call *k)
{
	int event_id = nd_xdr_get_i32(&k->args);
	uint32_t has_net = nd_xdr_get_u32(&k->args);
	struct netd_virt_conn *c = k->c;
	struct netd_net *n = NULL;

	if (has_net && !(n = net_arg(k)))
		return -1;
	if (k->args.bad)
		return netd_virt_error(k, VIRT_ERR_RPC, "malformed event registration");
	if (event_id != 0) /* VIR_NETWORK_EVENT_ID_LIFECYCLE: the only one */
		return netd_virt_error(k, VIRT_ERR_INVALID_ARG, "unsupported event ID %d", event_id);
	if (c->n_cbs >= sizeof(c->cbs) / sizeof(c->cbs[0]))
		return netd_virt_error(k, VIRT_ERR_OPERATION_FAILED, "too many event callbacks on this connection");
	c->cbs[c->n_cbs].id = ++c->next_cb;
	snprintf(c->cbs[c->n_cbs].net, sizeof(c->cbs[0].net), "%s", n ? netd_net_name(n) : "");
	nd_xdr_i32(k->ret, c->cbs[c->n_cbs++].id);
	return 0;
}

static int event_deregister(struct netd_virt_call *k)
{
	int id = nd_xdr_get_i32(&k->args);
	struct netd_virt_conn *c = k->c;

	for (unsigned i = 0; i < c->n_cbs; i++) {
		if (c->cbs[i].id == id) {
			c->cbs[i] = c->cbs[--c->n_cbs];
			return 0;
		}
	}
	return netd_virt_error(k, VIRT_ERR_INVALID_ARG, "callback %d not registered", id);
}

/* the network's ports as net-port-list gives them (one reference to the reply in *ret_reply) */
static json_object *ports_of(struct netd_virt_call *k, struct netd_net *n, json_object **ret_reply)
{
	json_object *p = json_object_new_object(), *res;

	json_object_object_add(p, "network", json_object_new_string(netd_net_name(n)));
	*ret_reply = netd_virt_method(k, "net-port-list", p);
	if (!json_object_object_get_ex(*ret_reply, "result", &res)) {
		netd_virt_error_from(k, *ret_reply);
		json_object_put(*ret_reply);
		*ret_reply = NULL;
		return NULL;
	}
	return res;
}

/* remote_nonnull_network_port: the port of the network with this UUID (its interface id) */
static json_object *port_arg(struct netd_virt_call *k, struct netd_net **ret_net, json_object **ret_reply)
{
	struct netd_net *n = net_arg(k);
	uint8_t uuid[16];
	json_object *list;
	char u[37];

	*ret_reply = NULL;
	nd_xdr_get_opaque(&k->args, uuid, 16);
	if (!n)
		return NULL;
	*ret_net = n;
	netdef_uuid_format(uuid, u);
	if (!(list = ports_of(k, n, ret_reply)))
		return NULL;
	for (size_t i = 0; i < json_object_array_length(list); i++)
		if (strcmp(jstr(json_object_array_get_idx(list, i), "iface_id"), u) == 0)
			return json_object_array_get_idx(list, i);
	json_object_put(*ret_reply);
	*ret_reply = NULL;
	netd_virt_error(k, VIRT_ERR_NO_NETWORK_PORT, "network port with UUID %s not found", u);
	return NULL;
}

static void put_port(struct nd_buf *b, const struct netd_net *n, const char *iface_id)
{
	uint8_t u[16] = { 0 };

	put_netd_net(b, n);
	netdef_uuid_parse(iface_id, u);
	nd_xdr_opaque(b, u, 16);
}

static int list_ports(struct netd_virt_call *k, struct netd_net *n)
{
	int need = nd_xdr_get_i32(&k->args);
	json_object *reply, *list;
	uint32_t count;

	nd_xdr_get_u32(&k->args);
	if (!(list = ports_of(k, n, &reply)))
		return -1;
	count = (uint32_t)json_object_array_length(list);
	nd_xdr_u32(k->ret, need ? count : 0);
	for (size_t i = 0; need && i < count; i++)
		put_port(k->ret, n, jstr(json_object_array_get_idx(list, i), "iface_id"));
	nd_xdr_u32(k->ret, count);
	json_object_put(reply);
	return 0;
}

static int port_create(struct netd_virt_call *k, struct netd_net *n)
{
	char *xml = nd_xdr_get_string(&k->args, XML_MAX_LEN);
	struct netdef_networkport np;
	struct nd_err err = { 0 };
	json_object *p;

	nd_xdr_get_u32(&k->args);
	if (k->args.bad || !xml) {
		free(xml);
		return netd_virt_error(k, VIRT_ERR_RPC, "malformed port arguments");
	}
	if (netdef_networkport_parse_string(xml, &np, &err) < 0) {
		free(xml);
		return netd_virt_error(k, VIRT_ERR_INVALID_ARG, "%s: %s", err.where, err.msg);
	}
	free(xml);
	p = json_object_new_object();
	json_object_object_add(p, "network", json_object_new_string(netd_net_name(n)));
	json_object_object_add(p, "mac", json_object_new_string(np.mac));
	json_object_object_add(p, "persistent", json_object_new_boolean(true));
	json_object_object_add(p, "reserve", json_object_new_boolean(true));
	if (np.uuid[0])
		json_object_object_add(p, "interfaceid", json_object_new_string(np.uuid));
	if (np.owner_uuid[0])
		json_object_object_add(p, "vm_uuid", json_object_new_string(np.owner_uuid));
	if (np.owner_name)
		json_object_object_add(p, "vm_name", json_object_new_string(np.owner_name));
	if (np.group)
		json_object_object_add(p, "portgroup", json_object_new_string(np.group));
	if (np.bandwidth.inbound.present || np.bandwidth.outbound.present) {
		struct nd_buf b = { 0 };

		netdef_format_bandwidth(&b, 0, &np.bandwidth);
		json_object_object_add(p, "bandwidth", json_object_new_string(b.data ? b.data : ""));
		nd_buf_free(&b);
	}
	if (np.vlan.present) {
		struct nd_buf b = { 0 };

		netdef_format_vlan(&b, 0, &np.vlan);
		json_object_object_add(p, "vlan", json_object_new_string(b.data ? b.data : ""));
		nd_buf_free(&b);
	}
	netdef_networkport_clear(&np);
	return net_method(k, "net-port-create", p);
}

/* libvirt's port parameters (VIR_NETWORK_PORT_BANDWIDTH_*), all unsigned */
static const char *const bw_fields[] = { "inbound.average", "inbound.peak", "inbound.burst", "inbound.floor",
					 "outbound.average", "outbound.peak", "outbound.burst" };
#define N_BW_FIELDS (sizeof(bw_fields) / sizeof(bw_fields[0]))

static unsigned long long *field_slot(struct netdef_bandwidth *bw, size_t i)
{
	static const int which[] = { 0, 1, 2, 3, 0, 1, 2 };
	struct netdef_bw_rate *r = i < 4 ? &bw->inbound : &bw->outbound;

	switch (which[i]) {
	case 0: return &r->average;
	case 1: return &r->peak;
	case 2: return &r->burst;
	default: return &r->floor;
	}
}

/* virsh domiftune on a network interface: libvirt's QEMU driver tells the network first */
static int port_set_parameters(struct netd_virt_call *k, struct netd_net *n, json_object *port)
{
	uint32_t count = nd_xdr_get_u32(&k->args);
	struct netdef_bandwidth bw = { 0 };
	struct nd_buf b = { 0 };
	json_object *p;

	if (count > 16)
		return netd_virt_error(k, VIRT_ERR_RPC, "too many parameters");
	for (uint32_t i = 0; i < count; i++) {
		char *field = nd_xdr_get_string(&k->args, 80);
		int type = nd_xdr_get_i32(&k->args);
		unsigned long long v = 0;
		size_t f;
		char *str;

		switch (type) {
		case 1: case 2: case 6: v = nd_xdr_get_u32(&k->args); break;
		case 3: case 4: v = nd_xdr_get_u64(&k->args); break;
		case 5: nd_xdr_get_u64(&k->args); break;
		case 7: free(nd_xdr_get_string(&k->args, 4096)); break;
		default: k->args.bad = true;
		}
		for (f = 0; field && f < N_BW_FIELDS && strcmp(field, bw_fields[f]); f++)
			;
		str = field;
		if (k->args.bad || f == N_BW_FIELDS) {
			int r = netd_virt_error(k, k->args.bad ? VIRT_ERR_RPC : VIRT_ERR_INVALID_ARG,
						"parameter '%s' is not a network port's", str ? str : "");

			free(str);
			return r;
		}
		free(str);
		*field_slot(&bw, f) = v;
	}
	nd_xdr_get_u32(&k->args);
	bw.inbound.present = bw.inbound.average || bw.inbound.peak || bw.inbound.burst || bw.inbound.floor;
	bw.outbound.present = bw.outbound.average || bw.outbound.peak || bw.outbound.burst;
	netdef_format_bandwidth(&b, 1, &bw);
	p = json_object_new_object();
	json_object_object_add(p, "network", json_object_new_string(netd_net_name(n)));
	json_object_object_add(p, "port", json_object_new_string(jstr(port, "port")));
	json_object_object_add(p, "bandwidth", json_object_new_string(b.data ? b.data : ""));
	nd_buf_free(&b);
	return void_method(k, "net-port-bandwidth", p);
}

static int port_get_parameters(struct netd_virt_call *k, json_object *port)
{
	int want = nd_xdr_get_i32(&k->args);
	struct netdef_bandwidth bw = { 0 };
	struct nd_err err = { 0 };

	nd_xdr_get_u32(&k->args);
	if (jstr(port, "own_bandwidth_xml")[0])
		netdef_bandwidth_parse_string(jstr(port, "own_bandwidth_xml"), &bw, &err);
	if (want == 0) { /* how many there are */
		nd_xdr_u32(k->ret, 0);
		nd_xdr_i32(k->ret, (int)N_BW_FIELDS);
		return 0;
	}
	nd_xdr_u32(k->ret, N_BW_FIELDS);
	for (size_t i = 0; i < N_BW_FIELDS; i++) {
		nd_xdr_string(k->ret, bw_fields[i]);
		nd_xdr_i32(k->ret, 2); /* VIR_TYPED_PARAM_UINT */
		nd_xdr_u32(k->ret, (uint32_t)*field_slot(&bw, i));
	}
	nd_xdr_i32(k->ret, (int)N_BW_FIELDS);
	return 0;
}

int netd_virt_finish(struct netd_virt_call *k, json_object *reply)
{
	json_object *res;
	struct netd_net *n;

	if (!json_object_object_get_ex(reply, "result", &res))
		return netd_virt_error_from(k, reply);
	switch (k->proc) {
	case PROC_NETWORK_DEFINE_XML:
	case PROC_NETWORK_DEFINE_XML_FLAGS:
	case PROC_NETWORK_CREATE_XML:
	case PROC_NETWORK_CREATE_XML_FLAGS:
		if (!(n = netd_net_lookup(k->d, jstr(res, "name"))))
			return netd_virt_error(k, VIRT_ERR_INTERNAL_ERROR, "network '%s' went away", jstr(res, "name"));
		put_netd_net(k->ret, n);
		return 0;
	case PROC_NETWORK_PORT_CREATE_XML:
		if (!(n = netd_net_lookup(k->d, jstr(res, "network"))))
			return netd_virt_error(k, VIRT_ERR_INTERNAL_ERROR, "network '%s' went away", jstr(res, "network"));
		put_port(k->ret, n, jstr(res, "iface_id"));
		return 0;
	default: /* the void ones */
		return 0;
	}
}

/* procedures that change something: refused on the read-only socket, as libvirt does */
static bool changes(int proc)
{
	switch (proc) {
	case PROC_NETWORK_CREATE: case PROC_NETWORK_CREATE_XML: case PROC_NETWORK_CREATE_XML_FLAGS:
	case PROC_NETWORK_DEFINE_XML: case PROC_NETWORK_DEFINE_XML_FLAGS: case PROC_NETWORK_DESTROY:
	case PROC_NETWORK_SET_AUTOSTART: case PROC_NETWORK_UNDEFINE: case PROC_NETWORK_UPDATE:
	case PROC_NETWORK_PORT_CREATE_XML: case PROC_NETWORK_PORT_DELETE: case PROC_NETWORK_PORT_SET_PARAMETERS:
		return true;
	default:
		return false;
	}
}

static const char *api_name(int proc)
{
	switch (proc) {
	case PROC_NETWORK_CREATE: return "virNetworkCreate";
	case PROC_NETWORK_CREATE_XML: case PROC_NETWORK_CREATE_XML_FLAGS: return "virNetworkCreateXML";
	case PROC_NETWORK_DEFINE_XML: case PROC_NETWORK_DEFINE_XML_FLAGS: return "virNetworkDefineXML";
	case PROC_NETWORK_DESTROY: return "virNetworkDestroy";
	case PROC_NETWORK_SET_AUTOSTART: return "virNetworkSetAutostart";
	case PROC_NETWORK_UNDEFINE: return "virNetworkUndefine";
	case PROC_NETWORK_UPDATE: return "virNetworkUpdate";
	case PROC_NETWORK_PORT_CREATE_XML: return "virNetworkPortCreateXML";
	case PROC_NETWORK_PORT_DELETE: return "virNetworkPortDelete";
	default: return "virNetworkPortSetParameters";
	}
}

int netd_virt_dispatch(struct netd_virt_call *k)
{
	struct netd_net *n = NULL;
	json_object *reply = NULL, *port, *p;
	char *name;
	uint8_t uuid[16];
	int r;

	if (changes(k->proc) && (k->c->readonly || !k->c->admin))
		return netd_virt_error(k, VIRT_ERR_OPERATION_DENIED, "read only access prevents %s", api_name(k->proc));
	switch (k->proc) {
	case PROC_LIST_ALL_NETWORKS: return list_all(k);
	case PROC_LIST_NETWORKS: return list_names(k, true);
	case PROC_LIST_DEFINED_NETWORKS: return list_names(k, false);
	case PROC_NUM_OF_NETWORKS: return count_nets(k, true);
	case PROC_NUM_OF_DEFINED_NETWORKS: return count_nets(k, false);
	case PROC_NETWORK_LOOKUP_BY_NAME:
		name = nd_xdr_get_string(&k->args, NAME_MAX_LEN);
		n = name ? netd_net_lookup(k->d, name) : NULL;
		/* a UUID string is not a name here: virsh asks by UUID itself */
		if (n && strcmp(netd_net_name(n), name) != 0)
			n = NULL;
		if (!n)
			r = netd_virt_error(k, VIRT_ERR_NO_NETWORK, "no network with matching name '%s'", name ? name : "");
		else
			put_netd_net(k->ret, n), r = 0;
		free(name);
		return r;
	case PROC_NETWORK_LOOKUP_BY_UUID:
		nd_xdr_get_opaque(&k->args, uuid, 16);
		if (!(n = find_uuid_or_name(k, uuid, NULL)))
			return -1;
		put_netd_net(k->ret, n);
		return 0;
	case PROC_NETWORK_DEFINE_XML: return xml_call(k, "net-define", false);
	case PROC_NETWORK_DEFINE_XML_FLAGS: return xml_call(k, "net-define", true);
	case PROC_NETWORK_CREATE_XML: return xml_call(k, "net-create", false);
	case PROC_NETWORK_CREATE_XML_FLAGS: return xml_call(k, "net-create", true);
	case PROC_NETWORK_EVENT_REGISTER_ANY: return event_register(k);
	case PROC_NETWORK_EVENT_DEREGISTER_ANY: return event_deregister(k);
	case PROC_NETWORK_PORT_GET_XML_DESC:
		if (!(port = port_arg(k, &n, &reply)))
			return -1;
		{
			struct nd_buf b = { 0 };

			nd_xdr_get_u32(&k->args);
			netd_port_xml(port, &b);
			nd_xdr_string(k->ret, b.data ? b.data : "");
			nd_buf_free(&b);
		}
		json_object_put(reply);
		return 0;
	case PROC_NETWORK_PORT_DELETE:
		if (!(port = port_arg(k, &n, &reply)))
			return -1;
		p = json_object_new_object();
		json_object_object_add(p, "network", json_object_new_string(netd_net_name(n)));
		json_object_object_add(p, "port", json_object_new_string(jstr(port, "port")));
		json_object_put(reply);
		return void_method(k, "net-port-delete", p);
	case PROC_NETWORK_PORT_GET_PARAMETERS:
		if (!(port = port_arg(k, &n, &reply)))
			return -1;
		r = port_get_parameters(k, port);
		json_object_put(reply);
		return r;
	case PROC_NETWORK_PORT_SET_PARAMETERS:
		if (!(port = port_arg(k, &n, &reply)))
			return -1;
		r = port_set_parameters(k, n, port);
		json_object_put(reply);
		return r;
	default:
		break;
	}
	/* the rest name a network first */
	if (!(n = net_arg(k)))
		return -1;
	switch (k->proc) {
	case PROC_NETWORK_GET_XML_DESC:
		p = name_params(n);
		json_object_object_add(p, "inactive", json_object_new_boolean(nd_xdr_get_u32(&k->args) & 1));
		reply = netd_virt_method(k, "net-dumpxml", p);
		if (json_object_object_get_ex(reply, "result", &p))
			nd_xdr_string(k->ret, jstr(p, "xml")), r = 0;
		else
			r = netd_virt_error_from(k, reply);
		json_object_put(reply);
		return r;
	case PROC_NETWORK_GET_AUTOSTART: nd_xdr_i32(k->ret, n->autostart); return 0;
	case PROC_NETWORK_IS_ACTIVE: nd_xdr_i32(k->ret, netd_net_is_active(n)); return 0;
	case PROC_NETWORK_IS_PERSISTENT: nd_xdr_i32(k->ret, n->def != NULL); return 0;
	case PROC_NETWORK_GET_BRIDGE_NAME:
		nd_xdr_string(k->ret, n->bridge[0] ? n->bridge
				  : netd_net_def(n)->bridge.name ? netd_net_def(n)->bridge.name : "");
		return 0;
	case PROC_NETWORK_CREATE:
		if (netd_net_is_active(n))
			return netd_virt_error(k, VIRT_ERR_OPERATION_INVALID, "network is already active");
		return void_method(k, "net-start", name_params(n));
	case PROC_NETWORK_DESTROY: return void_method(k, "net-destroy", name_params(n));
	case PROC_NETWORK_UNDEFINE: return void_method(k, "net-undefine", name_params(n));
	case PROC_NETWORK_SET_AUTOSTART:
		p = name_params(n);
		json_object_object_add(p, "enable", json_object_new_boolean(nd_xdr_get_i32(&k->args) != 0));
		return void_method(k, "net-autostart", p);
	case PROC_NETWORK_UPDATE: return update(k, n);
	case PROC_NETWORK_GET_DHCP_LEASES: return leases(k, n);
	case PROC_NETWORK_LIST_ALL_PORTS: return list_ports(k, n);
	case PROC_NETWORK_PORT_CREATE_XML: return port_create(k, n);
	case PROC_NETWORK_PORT_LOOKUP_BY_UUID:
		nd_xdr_get_opaque(&k->args, uuid, 16);
		if (!(port = ports_of(k, n, &reply)))
			return -1;
		{
			char u[37];
			bool found = false;

			netdef_uuid_format(uuid, u);
			for (size_t i = 0; i < json_object_array_length(port) && !found; i++)
				found = strcmp(jstr(json_object_array_get_idx(port, i), "iface_id"), u) == 0;
			json_object_put(reply);
			if (!found)
				return netd_virt_error(k, VIRT_ERR_NO_NETWORK_PORT, "network port with UUID %s not found", u);
			put_port(k->ret, n, u);
		}
		return 0;
	default:
		break;
	}
	return netd_virt_error(k, VIRT_ERR_NO_SUPPORT, "procedure %d", k->proc);
}
