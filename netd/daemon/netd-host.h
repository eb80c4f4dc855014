#pragma once
/* Host-side pieces a network start needs besides its bridge: OVS, sysctls,
 * port conflicts, coexistence with other firewall owners. */
#include "common/nd-err.h"
#include "netd/daemon/netd-daemon.h"
#include "xml/netdef.h"

struct netd_net;
struct tapdev_ovs_port;

/* -- netd-ovs.c -- */
enum netd_ovs_br_verb { NETD_OVS_BR_EXISTS, NETD_OVS_BR_ADD, NETD_OVS_BR_DEL };
/* the ovs-vsctl command line (for a job, netd-jobs.h) */
int netd_ovs_bridge_argv(struct netd *d, enum netd_ovs_br_verb verb, const char *bridge, char ***ret,
			 struct nd_err *err);
/* the same, run and waited for (startup, adoption, repair: nobody else to serve);
 * NETD_OVS_BR_EXISTS: 1 yes, 0 no */
int netd_ovs_bridge_run(struct netd *d, enum netd_ovs_br_verb verb, const char *bridge, struct nd_err *err);
/* the argv pairs for the jobs (netd-jobs.h) that do the same without blocking the daemon:
 * a stale Port row goes in a transaction of its own, then the port is added */
int netd_ovs_port_argvs(struct netd *d, const struct tapdev_ovs_port *p, char ***ret_del, char ***ret_add,
			struct nd_err *err);
int netd_ovs_del_argv(struct netd *d, const char *port, char ***ret, struct nd_err *err);
/* ovs-vsctl wait-until the port's flows are in (ovn-controller sets ovn-installed) */
int netd_ovs_wait_ovn_installed_argv(struct netd *d, const char *port, unsigned timeout_s, char ***ret,
				     struct nd_err *err);
/* this host's OVN chassis name (synchronous, bounded) */
int netd_ovs_system_id(struct netd *d, char *buf, size_t len, struct nd_err *err);
#define NETD_OVS_TIMEOUT_S 5

/* -- netd-portcheck.c -- */
/* fails naming the holder when a wildcard listener has the network's DNS/DHCP ports */
int netd_ports_check_free(struct netd *d, const struct netdef *def, struct nd_err *err);

/* -- netd-host-apply.c -- */
/* what netd cannot shape is refused before anything changes ('floor') */
int netd_qos_check(const struct netdef *def, struct nd_err *err);
/* the daemon's connection to nf_tables: opened on first use, kept for the daemon's life */
struct fw_conn *netd_fw(struct netd *d, struct nd_err *err);

/* -- netd-coexist.c -- */
int netd_coexist_start(struct netd *d, struct netd_net *n, struct nd_err *err);
void netd_coexist_stop(struct netd *d, const char *name);

/* -- netd-sysctl.c -- */
int netd_sysctl_prepare(const struct netdef *def, const char *bridge, struct nd_err *err);
int netd_sysctl_port_quiet(const char *ifname, struct nd_err *err);
int netd_sysctl_port_no_ipv6(const char *ifname, struct nd_err *err);
