/* A port record as libvirt's <networkport> (netd-portxml.h). */
#include "netd/lib/netd-portxml.h"

#include <stdbool.h>

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : "";
}

static void elem(struct nd_buf *b, const char *head, const char *value, const char *tail)
{
	nd_buf_puts(b, head);
	nd_buf_xml_escape(b, value);
	nd_buf_puts(b, tail);
}

void netd_port_xml(json_object *port, struct nd_buf *b)
{
	json_object *v;
	bool ovs = json_object_object_get_ex(port, "ovs", &v) && json_object_get_boolean(v);

	nd_buf_puts(b, "<networkport>\n");
	elem(b, "  <uuid>", str(port, "iface_id"), "</uuid>\n");
	/* libvirt's port has an owner, always: netd's own ports are owned by netd */
	elem(b, "  <owner>\n    <uuid>", str(port, "vm_uuid")[0] ? str(port, "vm_uuid") : "00000000-0000-0000-0000-000000000000",
	     "</uuid>\n");
	elem(b, "    <name>", str(port, "vm_name")[0] ? str(port, "vm_name") : "netd", "</name>\n  </owner>\n");
	if (str(port, "portgroup")[0])
		elem(b, "  <group>", str(port, "portgroup"), "</group>\n");
	elem(b, "  <mac address='", str(port, "mac"), "'/>\n");
	if (ovs)
		elem(b, "  <virtualport type='openvswitch'>\n    <parameters interfaceid='", str(port, "iface_id"),
		     "'/>\n  </virtualport>\n");
	/* a libvirt port's owner applies them itself: the VLAN and bandwidth in force */
	if (json_object_object_get_ex(port, "reserved", &v) && json_object_get_boolean(v)) {
		nd_buf_puts(b, str(port, "own_bandwidth_xml"));
		nd_buf_puts(b, str(port, "own_vlan"));
	}
	/* as libvirt's network driver answers: a Linux bridge network's plug is 'network', an OVS one's 'bridge' */
	elem(b, ovs ? "  <plug type='bridge' bridge='" : "  <plug type='network' bridge='", str(port, "bridge"),
	     ovs ? "'/>\n" : "' macTableManager='kernel'/>\n");
	/* netd's own: the TAP (libvirt's readers skip what they do not know) */
	if (!(json_object_object_get_ex(port, "reserved", &v) && json_object_get_boolean(v)))
		elem(b, "  <target dev='", str(port, "port"), "'/>\n");
	nd_buf_puts(b, "</networkport>\n");
}
