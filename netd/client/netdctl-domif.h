#pragma once
/*
 * The <interface> a libvirt domain needs to use a netd network, as
 * `netdctl net-domif-xml` prints it. libvirt does the plugging itself then
 * (type='bridge'), so only what libvirt can apply on its own goes there: the
 * bridge, OVS's virtualport and VLAN, the portgroup's average/peak/burst,
 * port isolation. What only netd can do (a VLAN on a Linux bridge's port, a
 * floor) needs a port netd made: with one, the interface is
 * type='ethernet' on that TAP (<target dev managed='no'/>), its MAC and
 * queue count.
 */
#include <stdbool.h>

#include "common/nd-err.h"
#include "xml/netdef.h"

struct netdctl_domif_port {
	const char *name; /* the TAP */
	const char *mac;
	unsigned queues;
};

/* bridge: the running bridge's name; portgroup NULL: the default one (if any);
 * port NULL: a bridge interface; mac NULL: libvirt picks one; csum_off: the
 * guest must compute its own checksums (OVS's userspace datapath) */
int netdctl_domif_render(const struct netdef *def, const char *bridge, const char *portgroup,
			 const struct netdctl_domif_port *port, const char *mac, bool csum_off, char **ret,
			 struct nd_err *err);
