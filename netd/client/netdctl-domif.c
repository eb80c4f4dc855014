/* The libvirt domain <interface> for a netd network (netdctl-domif.h). */
#include "netd/client/netdctl-domif.h"

#include <errno.h>
#include <stdio.h>

#include "common/nd-buf.h"

static void attr_line(struct nd_buf *b, const char *head, const char *name, const char *value, const char *tail)
{
	nd_buf_printf(b, "  %s %s='", head, name);
	nd_buf_xml_escape(b, value);
	nd_buf_printf(b, "'%s\n", tail);
}

/* <driver>: the queue count of a multiqueue TAP; no checksum offload where nothing completes it */
static void driver(struct nd_buf *b, unsigned queues, bool csum_off)
{
	if (queues <= 1 && !csum_off)
		return;
	nd_buf_puts(b, "  <driver");
	if (queues > 1)
		nd_buf_printf(b, " name='vhost' queues='%u'", queues);
	nd_buf_puts(b, csum_off ? ">\n    <host csum='off'/>\n  </driver>\n" : "/>\n");
}

static bool has_floor(const struct netdef_bandwidth *bw)
{
	return (bw->inbound.present && bw->inbound.floor) || (bw->outbound.present && bw->outbound.floor);
}

int netdctl_domif_render(const struct netdef *def, const char *bridge, const char *portgroup,
			 const struct netdctl_domif_port *port, const char *mac, bool csum_off, char **ret,
			 struct nd_err *err)
{
	const struct netdef_portgroup *pg = netdef_portgroup_find(def, portgroup);
	bool ovs;
	const struct netdef_vlan *vlan;
	struct nd_buf b = { 0 };

	if (portgroup && !pg)
		return nd_err_set(err, -ENOENT, def->name, "network '%s' has no portgroup '%s'", def->name, portgroup);
	ovs = netdef_effective_vport(def, pg) == NETDEF_VPORT_OPENVSWITCH;
	vlan = pg && pg->vlan.present ? &pg->vlan : &def->vlan;
	if (port) {
		nd_buf_puts(&b, "<interface type='ethernet'>\n");
		attr_line(&b, "<mac", "address", port->mac, "/>");
		attr_line(&b, "<target", "dev", port->name, " managed='no'/>");
		nd_buf_puts(&b, "  <model type='virtio'/>\n");
		/* a multiqueue TAP is opened with as many queues as it was made with */
		driver(&b, port->queues, csum_off);
		nd_buf_puts(&b, "</interface>\n");
	} else {
		const char *pgname = pg ? pg->name : "";

		if (!ovs && vlan->present)
			return nd_err_set(err, -EOPNOTSUPP, def->name,
					  "%s%s%s carries a VLAN on a Linux bridge, which libvirt's <interface type='bridge'> "
					  "cannot tag: make the port with netd (netdctl net-port-create %s --persistent%s%s "
					  "--name TAP) and ask for it with --port TAP",
					  pg ? "portgroup '" : "network '", pg ? pgname : def->name, "'", def->name,
					  pg ? " --portgroup " : "", pgname);
		if (pg && has_floor(&pg->bandwidth))
			return nd_err_set(err, -EOPNOTSUPP, def->name,
					  "portgroup '%s' has a floor, which only netd's own ports get: make the port with "
					  "netd (netdctl net-port-create %s --persistent --portgroup %s --name TAP) and ask "
					  "for it with --port TAP",
					  pgname, def->name, pgname);
		nd_buf_puts(&b, "<interface type='bridge'>\n");
		if (mac)
			attr_line(&b, "<mac", "address", mac, "/>");
		attr_line(&b, "<source", "bridge", bridge, "/>");
		if (ovs)
			nd_buf_puts(&b, "  <virtualport type='openvswitch'/>\n");
		netdef_format_vlan(&b, 1, ovs ? vlan : &(struct netdef_vlan){ 0 });
		if (pg)
			netdef_format_bandwidth(&b, 1, &pg->bandwidth);
		if (def->port_isolated == NETDEF_YES)
			nd_buf_puts(&b, "  <port isolated='yes'/>\n");
		nd_buf_puts(&b, "  <model type='virtio'/>\n");
		driver(&b, 0, csum_off);
		nd_buf_puts(&b, "</interface>\n");
	}
	if (nd_buf_error(&b) < 0) {
		nd_buf_free(&b);
		return nd_err_set(err, -ENOMEM, def->name, "out of memory");
	}
	*ret = nd_buf_steal(&b);
	return 0;
}
