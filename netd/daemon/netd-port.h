#pragma once
/*
 * Ports: TAP devices (or existing interfaces) netd puts on a network's
 * bridge. A port belongs to an owner process, watched through a pidfd, or is
 * persistent; never to a connection. netd's own restart leaves every port as
 * it is; the next netd re-adopts them from run/ports/NAME.json.
 */
#include <stdbool.h>
#include <sys/types.h>

#include "common/nd-hash.h"
#include "netd/daemon/netd-daemon.h"
#include "xml/netdef.h"

struct netd_net;

struct netd_port {
	struct nd_hnode by_name, by_net; /* d->ports_by_name, d->ports_by_net */
	char name[16];
	char network[NETDEF_NAME_MAX + 1];
	char mac[18];        /* the guest's MAC */
	char portgroup[NETDEF_NAME_MAX + 1];
	unsigned queues;     /* 0 for an existing interface attached by name */
	bool persistent;
	bool ovs;            /* an Open vSwitch port */
	bool existing;       /* the interface was the client's: detached, never deleted */
	bool shaped;         /* a <bandwidth> is on it (tc) */
	bool own_bandwidth;  /* its own, given at creation (else its portgroup's) */
	bool unplugged;      /* its network is stopped: kept, put back on the bridge by net-start */
	/* a libvirt port: a record only; its owner (libvirt's QEMU driver) makes the
	 * TAP and plugs it as the record's <plug> says. No device of netd's. */
	bool reserved;
	char *own_vlan_xml;  /* its own <vlan> as asked (NULL: none), for putting it back */
	char *own_bandwidth_xml; /* its own <bandwidth> as asked (NULL: none) */
	unsigned floor_class;        /* its inbound floor's class 1:N on the bridge; 0: none */
	unsigned long long floor_kBps;
	char bridge[16];
	char iface_id[37];   /* external_ids:iface-id on OVS */
	char vm_uuid[37];    /* external_ids:vm-uuid on OVS, when the client gave one */
	char vm_name[NETDEF_NAME_MAX + 1]; /* its owner's name (a libvirt domain's), when given */
	char vlan[128];      /* what the port's VLAN settings came to, for listing */
	pid_t owner_pid;     /* 0: persistent */
	unsigned long long owner_start; /* the owner's start time (/proc/PID/stat), against pid reuse */
	int owner_pidfd;
	struct netd_ev owner_ev;
};

/* after a restart: every recorded port whose device and owner are still there */
void netd_ports_load(struct netd *d);
/* the owner of p ended (its pidfd fired) */
void netd_port_owner_gone(struct netd *d, struct netd_port *p);
/* the network's portgroups changed (net-update): each port gets its portgroup's <bandwidth> again */
int netd_ports_portgroups_changed(struct netd *d, struct netd_net *n, struct nd_err *err);
/*
 * The network is being stopped: a persistent network's ports (and the
 * interfaces others put on its bridge) are kept, unplugged, and put back by
 * netd_ports_network_started(); a transient or host-bridge network's are
 * removed.
 */
void netd_ports_network_stopped(struct netd *d, struct netd_net *n);
void netd_ports_network_started(struct netd *d, struct netd_net *n);
/* the network is undefined while stopped: the ports it kept go */
void netd_ports_network_gone(struct netd *d, const char *network);
/* a process's start time in clock ticks since boot; 0 when it is gone */
unsigned long long netd_proc_start_time(pid_t pid);
