/*
 * ovs-vsctl command lines (pure). Every value is checked before it becomes an
 * argument (interface names, UUIDs, MACs, VLAN ids), none can start with '-',
 * and commands are separated by "--", so nothing can inject an option.
 * VLANs map like libvirt's: one tag = access port (tag=), a trunk = trunks=,
 * a native VLAN = vlan_mode=native-tagged|native-untagged with tag=.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/nd-buf.h"
#include "tapdev/tapdev.h"

static void head(struct tapdev_argv *a, const struct tapdev_ovs *o)
{
	tapdev_argv_add(a, o->vsctl ? o->vsctl : "ovs-vsctl");
	tapdev_argv_addf(a, "--timeout=%u", o->timeout_s ? o->timeout_s : 5);
	if (o->db)
		tapdev_argv_addf(a, "--db=unix:%s", o->db);
}

static int check_name(const char *what, const char *v, struct nd_err *err)
{
	if (!v || !netdef_ifname_is_valid(v, false))
		return nd_err_set(err, -EINVAL, "ovs", "%s '%.32s' is not a valid interface name", what, v ? v : "");
	return 0;
}

static int check_db(const struct tapdev_ovs *o, struct nd_err *err)
{
	if (o->db && (o->db[0] != '/' || strpbrk(o->db, " \t\n,")))
		return nd_err_set(err, -EINVAL, "ovs", "OVSDB socket '%.64s' must be an absolute path", o->db);
	return 0;
}

static void vlan_settings(struct tapdev_argv *a, const char *port, const struct netdef_vlan *v)
{
	const struct netdef_vlan_tag *native = NULL;
	struct nd_buf trunks = { 0 };

	if (!v || !v->present || v->n_tags == 0)
		return;
	for (size_t i = 0; i < v->n_tags; i++)
		if (v->tags[i].native_mode != NETDEF_NATIVE_NONE)
			native = &v->tags[i];
	tapdev_argv_add(a, "--");
	tapdev_argv_add(a, "set");
	tapdev_argv_add(a, "Port");
	tapdev_argv_add(a, port);
	if (v->n_tags == 1 && v->trunk != NETDEF_YES && !native) {
		tapdev_argv_addf(a, "tag=%u", v->tags[0].id);
		tapdev_argv_add(a, "vlan_mode=access");
		return;
	}
	nd_buf_puts(&trunks, "trunks=");
	for (size_t i = 0; i < v->n_tags; i++)
		nd_buf_printf(&trunks, "%s%u", i ? "," : "", v->tags[i].id);
	tapdev_argv_add(a, trunks.data ? trunks.data : "trunks=");
	nd_buf_free(&trunks);
	if (native) {
		tapdev_argv_addf(a, "tag=%u", native->id);
		tapdev_argv_add(a, native->native_mode == NETDEF_NATIVE_TAGGED ? "vlan_mode=native-tagged" : "vlan_mode=native-untagged");
	} else {
		tapdev_argv_add(a, "vlan_mode=trunk");
	}
}

int tapdev_ovs_argv_add_port(const struct tapdev_ovs *o, const struct tapdev_ovs_port *p, char ***ret,
			     struct nd_err *err)
{
	struct tapdev_argv a = { 0 };
	uint8_t mac[6], u[16];
	int r;

	if ((r = check_db(o, err)) < 0 || (r = check_name("bridge", p->bridge, err)) < 0 ||
	    (r = check_name("port", p->port, err)) < 0)
		return r;
	if (p->iface_id && netdef_uuid_parse(p->iface_id, u) < 0)
		return nd_err_set(err, -EINVAL, "ovs", "iface-id '%.40s' is not a UUID", p->iface_id);
	if (p->vm_uuid && netdef_uuid_parse(p->vm_uuid, u) < 0)
		return nd_err_set(err, -EINVAL, "ovs", "vm-uuid '%.40s' is not a UUID", p->vm_uuid);
	if (p->attached_mac && netdef_mac_parse(p->attached_mac, mac) < 0)
		return nd_err_set(err, -EINVAL, "ovs", "attached-mac '%.20s' is not a MAC", p->attached_mac);
	for (size_t i = 0; p->vlan && i < p->vlan->n_tags; i++)
		if (p->vlan->tags[i].id > 4095)
			return nd_err_set(err, -EINVAL, "ovs", "VLAN id %u is not 0..4095", p->vlan->tags[i].id);
	head(&a, o);
	tapdev_argv_add(&a, "--");
	tapdev_argv_add(&a, "add-port");
	tapdev_argv_add(&a, p->bridge);
	tapdev_argv_add(&a, p->port);
	tapdev_argv_add(&a, "--");
	tapdev_argv_add(&a, "set");
	tapdev_argv_add(&a, "Interface");
	tapdev_argv_add(&a, p->port);
	if (p->iface_id)
		tapdev_argv_addf(&a, "external_ids:iface-id=%s", p->iface_id);
	if (p->attached_mac)
		tapdev_argv_addf(&a, "external_ids:attached-mac=%s", p->attached_mac);
	if (p->vm_uuid)
		tapdev_argv_addf(&a, "external_ids:vm-uuid=%s", p->vm_uuid);
	tapdev_argv_add(&a, "external_ids:iface-status=active");
	vlan_settings(&a, p->port, p->vlan);
	return tapdev_argv_finish(&a, "ovs-vsctl", ret, err);
}

/* "ovs-vsctl ... -- [--if-exists] VERB [BRIDGE] [PORT]" after the same checks as every command */
static int one_verb(const struct tapdev_ovs *o, bool if_exists, const char *verb, const char *bridge,
		    const char *port, char ***ret, struct nd_err *err)
{
	struct tapdev_argv a = { 0 };
	int r;

	if ((r = check_db(o, err)) < 0 || (bridge && (r = check_name("bridge", bridge, err)) < 0) ||
	    (port && (r = check_name("port", port, err)) < 0))
		return r;
	head(&a, o);
	tapdev_argv_add(&a, "--");
	if (if_exists)
		tapdev_argv_add(&a, "--if-exists");
	tapdev_argv_add(&a, verb);
	if (bridge)
		tapdev_argv_add(&a, bridge);
	if (port)
		tapdev_argv_add(&a, port);
	return tapdev_argv_finish(&a, "ovs-vsctl", ret, err);
}

int tapdev_ovs_argv_del_port(const struct tapdev_ovs *o, const char *bridge, const char *port, char ***ret,
			     struct nd_err *err)
{
	if (!port)
		return nd_err_set(err, -EINVAL, "ovs", "del-port needs a port");
	return one_verb(o, true, "del-port", bridge, port, ret, err);
}

int tapdev_ovs_argv_add_br(const struct tapdev_ovs *o, const char *bridge, const char *datapath_type,
			   char ***ret, struct nd_err *err)
{
	struct tapdev_argv a = { 0 };
	int r;

	if ((r = check_db(o, err)) < 0 || (r = check_name("bridge", bridge, err)) < 0)
		return r;
	if (strcmp(datapath_type, "system") != 0 && strcmp(datapath_type, "netdev") != 0)
		return nd_err_set(err, -EINVAL, "ovs", "datapath type '%.16s' is not system or netdev", datapath_type);
	head(&a, o);
	tapdev_argv_add(&a, "--");
	tapdev_argv_add(&a, "add-br");
	tapdev_argv_add(&a, bridge);
	tapdev_argv_add(&a, "--");
	tapdev_argv_add(&a, "set");
	tapdev_argv_add(&a, "Bridge");
	tapdev_argv_add(&a, bridge);
	tapdev_argv_addf(&a, "datapath_type=%s", datapath_type);
	tapdev_argv_add(&a, "external_ids:netd-owned=true");
	return tapdev_argv_finish(&a, "ovs-vsctl", ret, err);
}

int tapdev_ovs_argv_del_br(const struct tapdev_ovs *o, const char *bridge, char ***ret, struct nd_err *err)
{
	if (!bridge)
		return nd_err_set(err, -EINVAL, "ovs", "del-br needs a bridge");
	return one_verb(o, true, "del-br", bridge, NULL, ret, err);
}

int tapdev_ovs_argv_br_exists(const struct tapdev_ovs *o, const char *bridge, char ***ret, struct nd_err *err)
{
	if (!bridge)
		return nd_err_set(err, -EINVAL, "ovs", "br-exists needs a bridge");
	return one_verb(o, false, "br-exists", bridge, NULL, ret, err);
}

const char *tapdev_ovs_default_db(char *buf, size_t len)
{
	const char *rundir = getenv("OVS_RUNDIR");

	snprintf(buf, len, "%s/db.sock", rundir && *rundir ? rundir : "/var/run/openvswitch");
	return buf;
}

int tapdev_ovs_argv_wait_ovn_installed(const struct tapdev_ovs *o, const char *port, char ***ret, struct nd_err *err)
{
	struct tapdev_argv a = { 0 };
	int r;

	if ((r = check_db(o, err)) < 0 || (r = check_name("port", port, err)) < 0)
		return r;
	head(&a, o);
	tapdev_argv_add(&a, "wait-until");
	tapdev_argv_add(&a, "Interface");
	tapdev_argv_add(&a, port);
	tapdev_argv_add(&a, "external_ids:ovn-installed=\"true\"");
	return tapdev_argv_finish(&a, "ovs-vsctl", ret, err);
}

int tapdev_ovs_argv_system_id(const struct tapdev_ovs *o, char ***ret, struct nd_err *err)
{
	struct tapdev_argv a = { 0 };
	int r;

	if ((r = check_db(o, err)) < 0)
		return r;
	head(&a, o);
	tapdev_argv_add(&a, "--if-exists");
	tapdev_argv_add(&a, "get");
	tapdev_argv_add(&a, "Open_vSwitch");
	tapdev_argv_add(&a, ".");
	tapdev_argv_add(&a, "external_ids:system-id");
	return tapdev_argv_finish(&a, "ovs-vsctl", ret, err);
}
