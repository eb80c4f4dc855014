/* A port record as libvirt's <networkport> (netd-portxml.h). */
#include "netd/lib/netd-portxml.h"

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

	nd_buf_puts(b, "<networkport>\n");
	elem(b, "  <uuid>", str(port, "iface_id"), "</uuid>\n");
	if (str(port, "vm_uuid")[0])
		elem(b, "  <owner>\n    <uuid>", str(port, "vm_uuid"), "</uuid>\n  </owner>\n");
	elem(b, "  <mac address='", str(port, "mac"), "'/>\n");
	if (str(port, "portgroup")[0])
		elem(b, "  <group>", str(port, "portgroup"), "</group>\n");
	if (json_object_object_get_ex(port, "ovs", &v) && json_object_get_boolean(v))
		nd_buf_puts(b, "  <virtualport type='openvswitch'/>\n");
	elem(b, "  <plug type='bridge' bridge='", str(port, "bridge"), "'/>\n");
	elem(b, "  <target dev='", str(port, "port"), "'/>\n");
	nd_buf_puts(b, "</networkport>\n");
}
