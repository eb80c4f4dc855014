#include "xml/netdef.h"

#include <errno.h>
#include <string.h>

#include "common/nd-cleanup.h"
#include "xml/netdef-parse-internal.h"

int parse_virtualport(struct pctx *c, const xmlNode *n, struct netdef_virtualport *vp)
{
	static const char *const attrs[] = { "type", NULL };
	static const char *const params[] = { "interfaceid", "profileid", NULL };
	_cleanup_free_ char *type = NULL;
	int r;

	if ((r = attr_dup(c, n, "type", &type)) < 0)
		return r;
	if (!type) {
		vp->type = NETDEF_VPORT_UNTYPED;
	} else if (strcmp(type, "openvswitch") == 0) {
		vp->type = NETDEF_VPORT_OPENVSWITCH;
	} else if (strcmp(type, "802.1Qbg") == 0 || strcmp(type, "802.1Qbh") == 0 ||
		   strcmp(type, "midonet") == 0) {
		return pctx_error(c, n, -ENOTSUP,
				  "<virtualport type='%s'>: virtualport type '%s' is not supported by netd "
				  "(supported: openvswitch)", type, type);
	} else {
		return pctx_error(c, n, -EINVAL, "<virtualport type='%.64s'>: unknown virtualport type",
				  type);
	}
	if ((r = check_attrs(c, n, attrs)) < 0)
		return r;
	for_each_element(ch, n) {
		if (!node_is(ch, "parameters"))
			return unknown_element(c, n, ch);
		if (vp->has_parameters)
			return pctx_error(c, ch, -EINVAL, "<parameters>: element appears more than once");
		vp->has_parameters = true;
		for (const xmlAttr *a = ch->properties; a; a = a->next) {
			const char *name = (const char *)a->name;

			if (strcmp(name, "managerid") == 0 || strcmp(name, "typeid") == 0 ||
			    strcmp(name, "typeidversion") == 0 || strcmp(name, "instanceid") == 0)
				return pctx_error(c, ch, -ENOTSUP,
						  "<parameters %s=...>: 802.1Qbg virtualport parameters are "
						  "not supported by netd", name);
		}
		if ((r = check_attrs(c, ch, params)) < 0 ||
		    (r = attr_dup(c, ch, "interfaceid", &vp->interfaceid)) < 0 ||
		    (r = attr_dup(c, ch, "profileid", &vp->profileid)) < 0)
			return r;
		if (vp->interfaceid) {
			uint8_t u[16];

			if (netdef_uuid_parse(vp->interfaceid, u) < 0)
				return pctx_error(c, ch, -EINVAL,
						  "<parameters interfaceid='%.64s'>: not a valid UUID",
						  vp->interfaceid);
			netdef_uuid_format(u, vp->interfaceid); /* canonical text is shorter or equal */
		}
	}
	return 0;
}

int parse_vlan(struct pctx *c, const xmlNode *n, struct netdef_vlan *vlan)
{
	static const char *const attrs[] = { "trunk", NULL };
	static const char *const tag_attrs[] = { "id", "nativeMode", NULL };
	unsigned long long v;
	bool present;
	int r;

	if (vlan->present)
		return pctx_error(c, n, -EINVAL, "<vlan>: element appears more than once");
	vlan->present = true;
	vlan->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_tristate(c, n, "trunk", false, &vlan->trunk)) < 0)
		return r;
	for_each_element(ch, n) {
		_cleanup_free_ char *mode = NULL;
		struct netdef_vlan_tag *t;

		if (!node_is(ch, "tag"))
			return unknown_element(c, n, ch);
		if (!(t = ARRAY_ADD(vlan->tags, vlan->n_tags)))
			return pctx_oom(c, ch);
		if ((r = check_attrs(c, ch, tag_attrs)) < 0 ||
		    (r = attr_uint(c, ch, "id", 4095, &present, &v)) < 0 ||
		    (r = attr_dup(c, ch, "nativeMode", &mode)) < 0)
			return r;
		if (!present)
			return pctx_error(c, ch, -EINVAL, "<tag>: missing required attribute 'id'");
		t->id = (unsigned)v;
		if (!mode)
			t->native_mode = NETDEF_NATIVE_NONE;
		else if (strcmp(mode, "tagged") == 0)
			t->native_mode = NETDEF_NATIVE_TAGGED;
		else if (strcmp(mode, "untagged") == 0)
			t->native_mode = NETDEF_NATIVE_UNTAGGED;
		else
			return pctx_error(c, ch, -EINVAL,
					  "<tag nativeMode='%.64s'>: expected 'tagged' or 'untagged'", mode);
	}
	if (vlan->n_tags == 0)
		return pctx_error(c, n, -EINVAL, "<vlan>: needs at least one <tag>");
	return 0;
}

static int parse_rate(struct pctx *c, const xmlNode *n, struct netdef_bw_rate *rate)
{
	static const char *const attrs[] = { "average", "peak", "burst", "floor", NULL };
	const unsigned long long max = 1ull << 40;
	int r;

	if (rate->present)
		return pctx_error(c, n, -EINVAL, "<%s>: element appears more than once",
				  (const char *)n->name);
	rate->present = true;
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_uint(c, n, "average", max, NULL, &rate->average)) < 0 ||
	    (r = attr_uint(c, n, "peak", max, NULL, &rate->peak)) < 0 ||
	    (r = attr_uint(c, n, "burst", max, NULL, &rate->burst)) < 0 ||
	    (r = attr_uint(c, n, "floor", max, NULL, &rate->floor)) < 0)
		return r;
	if (!rate->average && !rate->floor)
		return pctx_error(c, n, -EINVAL, "<%s>: needs 'average' or 'floor'",
				  (const char *)n->name);
	return 0;
}

int parse_bandwidth(struct pctx *c, const xmlNode *n, struct netdef_bandwidth *bw)
{
	int r;

	if ((r = check_attrs(c, n, (const char *const[]){ NULL })) < 0)
		return r;
	for_each_element(ch, n) {
		if (node_is(ch, "inbound"))
			r = parse_rate(c, ch, &bw->inbound);
		else if (node_is(ch, "outbound"))
			r = parse_rate(c, ch, &bw->outbound);
		else
			r = unknown_element(c, n, ch);
		if (r < 0)
			return r;
	}
	return 0;
}

int parse_portgroup(struct pctx *c, const xmlNode *n, struct netdef *def)
{
	static const char *const attrs[] = { "name", "default", "trustGuestRxFilters", NULL };
	struct netdef_portgroup *pg;
	enum netdef_tristate dflt;
	int r;

	if (!(pg = ARRAY_ADD(def->portgroups, def->n_portgroups)))
		return pctx_oom(c, n);
	pg->line = (int)xmlGetLineNo(n);
	if ((r = check_attrs(c, n, attrs)) < 0 || (r = attr_required(c, n, "name", &pg->name)) < 0 ||
	    (r = attr_tristate(c, n, "default", false, &dflt)) < 0 ||
	    (r = attr_tristate(c, n, "trustGuestRxFilters", false, &pg->trust_guest_rx_filters)) < 0)
		return r;
	pg->is_default = dflt == NETDEF_YES;
	for_each_element(ch, n) {
		if (node_is(ch, "vlan")) {
			r = parse_vlan(c, ch, &pg->vlan);
		} else if (node_is(ch, "virtualport")) {
			if (pg->virtualport.type != NETDEF_VPORT_NONE)
				return pctx_error(c, ch, -EINVAL,
						  "<virtualport>: element appears more than once");
			r = parse_virtualport(c, ch, &pg->virtualport);
		} else if (node_is(ch, "bandwidth")) {
			r = parse_bandwidth(c, ch, &pg->bandwidth);
		} else {
			r = unknown_element(c, n, ch);
		}
		if (r < 0)
			return r;
	}
	return 0;
}
