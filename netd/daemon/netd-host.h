#pragma once
/* Host-side pieces a network start needs besides its bridge: OVS, sysctls,
 * port conflicts, coexistence with other firewall owners. */
#include "common/nd-err.h"
#include "netd/daemon/netd-daemon.h"
#include "xml/netdef.h"

struct netd_net;
struct tapdev_ovs_port;

/* -- netd-ovs.c -- */
int netd_ovs_bridge_exists(struct netd *d, const char *bridge, struct nd_err *err);
int netd_ovs_bridge_add(struct netd *d, const char *bridge, struct nd_err *err);
int netd_ovs_bridge_del(struct netd *d, const char *bridge, struct nd_err *err);
int netd_ovs_port_add(struct netd *d, const struct tapdev_ovs_port *p, struct nd_err *err);
int netd_ovs_port_del(struct netd *d, const char *port, struct nd_err *err);
/* the argv pairs for the jobs (netd-jobs.h) that do the same without blocking the daemon:
 * a stale Port row goes in a transaction of its own, then the port is added */
int netd_ovs_port_argvs(struct netd *d, const struct tapdev_ovs_port *p, char ***ret_del, char ***ret_add,
			struct nd_err *err);
int netd_ovs_del_argv(struct netd *d, const char *port, char ***ret, struct nd_err *err);
#define NETD_OVS_TIMEOUT_S 5

/* -- netd-portcheck.c -- */
/* fails naming the holder when a wildcard listener has the network's DNS/DHCP ports */
int netd_ports_check_free(struct netd *d, const struct netdef *def, struct nd_err *err);

/* -- netd-host-apply.c -- */
/* the daemon's connection to nf_tables: opened on first use, kept for the daemon's life */
struct fw_conn *netd_fw(struct netd *d, struct nd_err *err);

/* -- netd-coexist.c -- */
int netd_coexist_start(struct netd *d, struct netd_net *n, struct nd_err *err);
void netd_coexist_stop(struct netd *d, const char *name);

/* -- netd-sysctl.c -- */
int netd_sysctl_prepare(const struct netdef *def, const char *bridge, struct nd_err *err);
int netd_sysctl_port_quiet(const char *ifname, struct nd_err *err);
int netd_sysctl_port_no_ipv6(const char *ifname, struct nd_err *err);
