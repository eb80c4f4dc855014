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

struct argv_b {
	char **v;
	size_t n, cap;
	bool oom;
};

static void add(struct argv_b *a, const char *s)
{
	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		char **v = realloc(a->v, cap * sizeof(char *));

		if (!v) {
			a->oom = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	if (!(a->v[a->n] = strdup(s))) {
		a->oom = true;
		return;
	}
	a->n++;
	a->v[a->n] = NULL;
}

static void addf(struct argv_b *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct argv_b *a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	add(a, buf);
}

static void head(struct argv_b *a, const struct tapdev_ovs *o)
{
	add(a, o->vsctl ? o->vsctl : "ovs-vsctl");
	addf(a, "--timeout=%u", o->timeout_s ? o->timeout_s : 5);
	if (o->db)
		addf(a, "--db=unix:%s", o->db);
}

static int finish(struct argv_b *a, char ***ret, struct nd_err *err)
{
	if (a->oom) {
		tapdev_argv_free(a->v);
		return nd_err_set(err, -ENOMEM, "ovs-vsctl", "out of memory");
	}
	*ret = a->v;
	return 0;
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

static void vlan_settings(struct argv_b *a, const char *port, const struct netdef_vlan *v)
{
	const struct netdef_vlan_tag *native = NULL;
	struct nd_buf trunks = { 0 };

	if (!v || !v->present || v->n_tags == 0)
		return;
	for (size_t i = 0; i < v->n_tags; i++)
		if (v->tags[i].native_mode != NETDEF_NATIVE_NONE)
			native = &v->tags[i];
	add(a, "--");
	add(a, "set");
	add(a, "Port");
	add(a, port);
	if (v->n_tags == 1 && v->trunk != NETDEF_YES && !native) {
		addf(a, "tag=%u", v->tags[0].id);
		add(a, "vlan_mode=access");
		return;
	}
	nd_buf_puts(&trunks, "trunks=");
	for (size_t i = 0; i < v->n_tags; i++)
		nd_buf_printf(&trunks, "%s%u", i ? "," : "", v->tags[i].id);
	add(a, trunks.data ? trunks.data : "trunks=");
	nd_buf_free(&trunks);
	if (native) {
		addf(a, "tag=%u", native->id);
		add(a, native->native_mode == NETDEF_NATIVE_TAGGED ? "vlan_mode=native-tagged" : "vlan_mode=native-untagged");
	} else {
		add(a, "vlan_mode=trunk");
	}
}

int tapdev_ovs_argv_add_port(const struct tapdev_ovs *o, const struct tapdev_ovs_port *p, char ***ret,
			     struct nd_err *err)
{
	struct argv_b a = { 0 };
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
	add(&a, "--");
	add(&a, "add-port");
	add(&a, p->bridge);
	add(&a, p->port);
	add(&a, "--");
	add(&a, "set");
	add(&a, "Interface");
	add(&a, p->port);
	if (p->iface_id)
		addf(&a, "external_ids:iface-id=%s", p->iface_id);
	if (p->attached_mac)
		addf(&a, "external_ids:attached-mac=%s", p->attached_mac);
	if (p->vm_uuid)
		addf(&a, "external_ids:vm-uuid=%s", p->vm_uuid);
	add(&a, "external_ids:iface-status=active");
	vlan_settings(&a, p->port, p->vlan);
	return finish(&a, ret, err);
}

/* "ovs-vsctl ... -- [--if-exists] VERB [BRIDGE] [PORT]" after the same checks as every command */
static int one_verb(const struct tapdev_ovs *o, bool if_exists, const char *verb, const char *bridge,
		    const char *port, char ***ret, struct nd_err *err)
{
	struct argv_b a = { 0 };
	int r;

	if ((r = check_db(o, err)) < 0 || (bridge && (r = check_name("bridge", bridge, err)) < 0) ||
	    (port && (r = check_name("port", port, err)) < 0))
		return r;
	head(&a, o);
	add(&a, "--");
	if (if_exists)
		add(&a, "--if-exists");
	add(&a, verb);
	if (bridge)
		add(&a, bridge);
	if (port)
		add(&a, port);
	return finish(&a, ret, err);
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
	struct argv_b a = { 0 };
	int r;

	if ((r = check_db(o, err)) < 0 || (r = check_name("bridge", bridge, err)) < 0)
		return r;
	if (strcmp(datapath_type, "system") != 0 && strcmp(datapath_type, "netdev") != 0)
		return nd_err_set(err, -EINVAL, "ovs", "datapath type '%.16s' is not system or netdev", datapath_type);
	head(&a, o);
	add(&a, "--");
	add(&a, "add-br");
	add(&a, bridge);
	add(&a, "--");
	add(&a, "set");
	add(&a, "Bridge");
	add(&a, bridge);
	addf(&a, "datapath_type=%s", datapath_type);
	add(&a, "external_ids:netd-owned=true");
	return finish(&a, ret, err);
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
