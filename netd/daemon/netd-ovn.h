#pragma once
/*
 * OVN networks (<netd:ovn>): the network's objects in OVN's NB database
 * (netd-ovn-nb.c builds the ovn-nbctl command lines, netd-ovn.c runs them)
 * and this host's ports on its integration bridge.
 */
#include <stdbool.h>
#include <stddef.h>

#include "common/nd-err.h"
#include "tapdev/tapdev.h"
#include "xml/netdef.h"

struct netd;
struct netd_net;
struct netd_port;

/* the NB objects' names (from the network's UUID) and the router's MACs */
struct netd_ovn_names {
	char uuid[37];
	char ls[48], lr[48], lrp[48], lrp_ls[56], ext_ls[56], ext_ln[56], lrp_ext[56], lrp_ext_ls[64];
	char mac_int[18], mac_ext[18];
};

struct netd_ovn_tool {
	const char *nbctl; /* default "ovn-nbctl" */
	const char *nb;    /* the NB database connection(s) */
	unsigned timeout_s;
	const char *private_key, *certificate, *ca_cert; /* for ssl: connections, or NULL */
};

/* one of this host's ports in NB */
struct netd_ovn_port {
	const char *lsp;       /* the logical port: the OVS interface's iface-id */
	const char *mac;
	const char *ifname;    /* the TAP (or attached interface) on the integration bridge */
	const char *chassis;   /* this host's OVN system-id */
	const char *dhcp_uuid; /* the network's DHCP_Options row, or NULL */
	const char *vm_name;
};

/* -- netd-ovn-nb.c (pure) -- */
void netd_ovn_names(const struct netdef *def, struct netd_ovn_names *nm);
const struct netdef_ip *netd_ovn_ip(const struct netdef *def);
unsigned netd_ovn_guest_mtu(const struct netdef *def);
bool netd_ovn_has_dns(const struct netdef *def);
/* OVN IPAM's exclude_ips for the subnet: all but the <range>s, less gateway and reserved hosts */
int netd_ovn_exclude_ips(const struct netdef_ip *ip, char *buf, size_t len);
/* the _uuid of TABLE's rows matching CONDITION (ovn-nbctl find syntax), one per line */
int netd_ovn_argv_find(const struct netd_ovn_tool *t, const char *table, const char *condition, char ***ret,
		       struct nd_err *err);
/* one transaction: switch, router, uplink, DHCP and DNS rows (dhcp_uuid/dns_uuid: the existing rows, or NULL);
 * creating: the router port does not exist yet, and this transaction must be the one that makes it */
int netd_ovn_argv_network(const struct netd_ovn_tool *t, const struct netdef *def, bool creating,
			  const char *dhcp_uuid, const char *dns_uuid, char ***ret, struct nd_err *err);
int netd_ovn_argv_port_add(const struct netd_ovn_tool *t, const struct netdef *def, const struct netd_ovn_port *p,
			   char ***ret, struct nd_err *err);
/* one column of a logical port (dynamic_addresses) */
int netd_ovn_argv_port_get(const struct netd_ovn_tool *t, const char *lsp, const char *column, char ***ret,
			   struct nd_err *err);
/* port security: the port sends from this MAC and IPv4 address only */
int netd_ovn_argv_port_security(const struct netd_ovn_tool *t, const char *lsp, const char *mac, const char *ip,
				char ***ret, struct nd_err *err);
int netd_ovn_argv_port_del(const struct netd_ovn_tool *t, const char *lsp, char ***ret, struct nd_err *err);
int netd_ovn_argv_destroy(const struct netd_ovn_tool *t, const char *table, const char *row, char ***ret,
			  struct nd_err *err);
/* the network's switches and router gone from NB (its DHCP/DNS rows: netd_ovn_argv_destroy) */
int netd_ovn_argv_remove(const struct netd_ovn_tool *t, const struct netdef *def, char ***ret, struct nd_err *err);

/* -- netd-ovn.c (runs ovn-nbctl, bounded) -- */
/* at net-start: the integration bridge is there, the NB objects converge; the network's bridge is it */
int netd_ovn_start(struct netd *d, struct netd_net *n, struct nd_err *err);
/* net-start of an active OVN network: the NB objects again (whatever was lost comes back) */
int netd_ovn_repair(struct netd *d, struct netd_net *n, char *ret, size_t len, struct nd_err *err);
/* the port's logical switch port in NB, bound to this host only (before OVS gets the port) */
int netd_ovn_port_add(struct netd *d, struct netd_net *n, const struct netd_port *p, struct nd_err *err);
/* the port's logical switch port leaves NB (a job: nobody waits) */
void netd_ovn_port_forget(struct netd *d, const struct netd_net *n, const struct netd_port *p);
/* the network's objects leave NB: an explicit act (netdctl net-ovn-remove), never a side effect */
int netd_ovn_remove(struct netd *d, const struct netdef *def, struct nd_err *err);
/* how many logical ports netd put on the network's switch (any host's) */
int netd_ovn_foreign_ports(struct netd *d, const struct netdef *def, unsigned *count, struct nd_err *err);
/* once OVN's IPAM gave the port its address: port security holds the port to it as well as to its MAC */
int netd_ovn_port_secure(struct netd *d, struct netd_net *n, const struct netd_port *p, struct nd_err *err);
/* autostarts of OVN networks (after netd listens; again, backing off, while NB cannot be reached):
 * ms until the next one is due, or -1 */
int netd_ovn_tick(struct netd *d);
