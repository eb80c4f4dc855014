#pragma once
/*
 * Devices: bridges, addresses and routes over rtnetlink (libnl), the one
 * module that owns libnl. No libnl type appears in this header.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/nd-err.h"
#include "xml/netdef.h"

struct tapdev_nl; /* an rtnetlink socket */

struct tapdev_bridge_cfg {
	const char *name;
	bool has_mac;
	uint8_t mac[6];
	unsigned mtu;      /* 0 = kernel default */
	bool stp;
	unsigned delay_s;  /* forward delay, seconds */
	bool vlan_filtering; /* needed for portgroup VLANs on a Linux bridge */
	const char *alias;   /* IFLA_IFALIAS: netd's mark on what it created; NULL: none */
};

struct tapdev_link_info {
	int ifindex;
	bool is_bridge;
	bool up;
	unsigned mtu;
	uint8_t mac[6];
	int master; /* ifindex of the bridge it is a port of, 0 = none */
	char alias[64]; /* IFLA_IFALIAS, "" when none */
};

/* -- tapdev-nlerr.c: libnl's -NLE_* to -errno -- */
int tapdev_nlerr_to_errno(int nle);

/* -- tapdev-names.c (pure) -- */
/* first name from a %d template not in use, given a predicate */
int tapdev_name_from_template(const char *tmpl, bool (*in_use)(const char *name, void *ud), void *ud,
			      char ret[16], struct nd_err *err);

/*
 * -- tapdev-rtnl-build.c (pure): every rtnetlink change as bytes, built into
 * the caller's buffer (struct tapdev_req, on its stack);
 * tapdev_nl_apply() sends one and reads its ACK. 0 or -errno.
 */
#define TAPDEV_REQ_SIZE 4096
struct tapdev_req {
	_Alignas(8) char buf[TAPDEV_REQ_SIZE];
};
/* creates (NLM_F_EXCL: never "succeeds" on an existing link); the kernel ignores an alias at creation */
int tapdev_build_bridge_add(struct tapdev_req *req, const struct tapdev_bridge_cfg *cfg, struct nd_err *err);
/* one RTM_NEWLINK changing what is set here, of the link with ifindex (when > 0) or name */
struct tapdev_link_change {
	int ifindex;
	const char *name;
	const uint8_t *mac; /* NULL: unchanged */
	unsigned mtu;       /* 0: unchanged */
	bool set_master;
	int master;         /* with set_master: 0 = no bridge, else the bridge's ifindex */
	const char *alias;  /* NULL: unchanged */
	enum { TAPDEV_LINK_KEEP, TAPDEV_LINK_UP, TAPDEV_LINK_DOWN } updown;
};
int tapdev_build_link_change(struct tapdev_req *req, const struct tapdev_link_change *c, struct nd_err *err);
int tapdev_build_link_delete(struct tapdev_req *req, const char *name, struct nd_err *err);
/* RTM_SETLINK (AF_BRIDGE): bridge port isolation */
int tapdev_build_port_isolated(struct tapdev_req *req, int ifindex, bool isolated, struct nd_err *err);
/*
 * RTM_SETLINK (AF_BRIDGE, IFLA_AF_SPEC) giving a port its VLANs: an access
 * port gets its tag as PVID untagged, a trunk its tags tagged, the native one
 * PVID (untagged for nativeMode='untagged'). VLAN 1, the default, is removed
 * by a second request (del=true with a one-tag list) unless listed. self:
 * the bridge device's own entries (the host's side), ifindex the bridge's.
 */
int tapdev_build_port_vlans(struct tapdev_req *req, int ifindex, const struct netdef_vlan *v, bool del, bool self,
			    struct nd_err *err);
int tapdev_build_addr_add(struct tapdev_req *req, int ifindex, const struct netdef_addr *a, unsigned prefix,
			  struct nd_err *err);
int tapdev_build_route_add(struct tapdev_req *req, int ifindex, const struct netdef_route *rt, struct nd_err *err);

/* -- tapdev-link-sys.c -- */
int tapdev_nl_open(struct tapdev_nl **ret, struct nd_err *err);
struct tapdev_nl *tapdev_nl_close(struct tapdev_nl *nl);
/* the one applier: sends a built request (tapdev_build_*), reads its ACK; errors say what/where */
int tapdev_nl_apply(struct tapdev_nl *nl, struct tapdev_req *req, const char *where, const char *what, struct nd_err *err);
/* creates the bridge (fails with -EEXIST when the name is taken), does not bring it up */
int tapdev_bridge_add(struct tapdev_nl *nl, const struct tapdev_bridge_cfg *cfg, struct nd_err *err);
int tapdev_link_delete(struct tapdev_nl *nl, const char *name, struct nd_err *err);
/* IFLA_IFALIAS: the mark netd leaves on devices it owns */
int tapdev_link_set_alias(struct tapdev_nl *nl, const char *name, const char *alias, struct nd_err *err);
int tapdev_link_set_up(struct tapdev_nl *nl, const char *name, bool up, struct nd_err *err);
/* 0 and *ret filled; -ENODEV when no such link */
int tapdev_link_get(struct tapdev_nl *nl, const char *name, struct tapdev_link_info *ret,
		    struct nd_err *err);
bool tapdev_link_exists(struct tapdev_nl *nl, const char *name);
/* the names of the bridge's ports (links whose master it is); *ret malloc'd */
int tapdev_bridge_ports(struct tapdev_nl *nl, const char *bridge, char (**ret)[16], size_t *ret_n,
			struct nd_err *err);
int tapdev_pick_bridge_name(struct tapdev_nl *nl, const char *tmpl, char ret[16], struct nd_err *err);
/* MAC (when given) and MTU (when non-zero) of any link (each of these: one built change) */
int tapdev_link_set_mac_mtu(struct tapdev_nl *nl, const char *name, const uint8_t *mac, unsigned mtu,
			    struct nd_err *err);

/* -- tapdev-tun.c (pure) and tapdev-tun-sys.c: TAP devices -- */
enum tapdev_tap_flags {
	TAPDEV_VNET_HDR = 1 << 0,    /* virtio-net header (what QEMU's virtio-net wants) */
	TAPDEV_NO_CSUM = 1 << 1,     /* no checksum offload (OVS userspace datapath) */
};
#define TAPDEV_MAX_QUEUES 16
/* the TUNSETIFF flags for queue i of a TAP with n queues */
unsigned short tapdev_tap_ifr_flags(unsigned queues, unsigned queue, unsigned flags);
/* the host side's MAC for a guest MAC: FE:.. (FA:.. if the guest's starts with FE), as libvirt */
void tapdev_host_mac(const uint8_t guest[6], uint8_t ret[6]);
/* a random locally administered guest MAC in 52:54:00:xx:xx:xx */
int tapdev_random_mac(uint8_t ret[6]);
/* Creates TAP name (fails with -EBUSY if it exists) with n queues; all fds or none. */
int tapdev_tap_create(const char *name, unsigned queues, unsigned flags, int *ret_fds, struct nd_err *err);
/* make a TAP outlive its fds (or not) */
int tapdev_tap_set_persist(int fd, bool persist, struct nd_err *err);
/* a free name from a template ("vnet%d"), searched from after the last one
 * this process took, and the TAP with it */
int tapdev_tap_create_from_template(const char *tmpl, unsigned queues, unsigned flags, char ret_name[16],
				    int *ret_fds, struct nd_err *err);

/* -- tapdev-port-sys.c: a TAP (or any link) as a bridge port -- */
struct tapdev_port_cfg {
	const char *ifname;
	const char *bridge;
	bool has_mac;
	uint8_t mac[6];  /* the host side's MAC */
	unsigned mtu;    /* 0: leave as is */
	bool isolated;   /* bridge port isolation */
	const struct netdef_vlan *vlan; /* bridge VLAN entries (needs vlan_filtering); NULL: none */
	const char *alias; /* IFLA_IFALIAS, set in the same request; NULL: none */
};
int tapdev_port_attach(struct tapdev_nl *nl, const struct tapdev_port_cfg *cfg, struct nd_err *err);
/* the bridge's own VLAN entries (the host's side of a vlan_filtering bridge): v's, and VLAN 1 gone unless in v */
int tapdev_bridge_self_vlans(struct tapdev_nl *nl, const char *bridge, const struct netdef_vlan *v, struct nd_err *err);
/* takes a link out of its bridge (for links netd did not create) */
int tapdev_port_detach(struct tapdev_nl *nl, const char *ifname, struct nd_err *err);

/* -- tapdev-qos-build.c (pure) and tapdev-qos-sys.c: <bandwidth> as libvirt applies it -- */
struct tapdev_rate {
	unsigned long long rate_Bps; /* 0: not shaped */
	unsigned long long peak_Bps; /* HTB ceil; 0: the rate */
	unsigned long long burst_bytes;
};
/* in: towards the device's far side (its transmit queue: HTB); out: what it receives (policed) */
struct tapdev_qos {
	struct tapdev_rate in, out;
	bool hierarchical; /* a network's bridge: guests' floors get classes of their own under the rate */
};
#define TAPDEV_QOS_CLASS(minor) (0x00010000u | (minor)) /* 1:minor */
/* libvirt's units: kilobytes/s (1000 bytes) for rates, kibibytes for burst; libvirt's default bursts */
void tapdev_qos_from_bandwidth(const struct netdef_bandwidth *bw, struct tapdev_qos *ret);
bool tapdev_qos_any(const struct tapdev_qos *q);
/* the kernel's psched ticks (64 ns) that bytes take at a rate */
uint32_t tapdev_qos_ticks(unsigned long long bytes, unsigned long long rate_Bps);
int tapdev_build_qdisc_delete(struct tapdev_req *req, int ifindex, bool ingress, struct nd_err *err);
int tapdev_build_htb_root(struct tapdev_req *req, int ifindex, unsigned defcls, struct nd_err *err);
/* replace: change an existing class (the default class when floors come and go) */
int tapdev_build_htb_class(struct tapdev_req *req, int ifindex, uint32_t classid, uint32_t parent,
			   const struct tapdev_rate *r, bool replace, struct nd_err *err);
int tapdev_build_sfq_leaf(struct tapdev_req *req, int ifindex, uint32_t handle, uint32_t parent, struct nd_err *err);
int tapdev_build_tclass_delete(struct tapdev_req *req, int ifindex, uint32_t classid, struct nd_err *err);
/* u32 on the bridge: frames to this MAC go to classid (del: the filter of that class goes) */
int tapdev_build_mac_filter(struct tapdev_req *req, int ifindex, const uint8_t mac[6], uint32_t classid, bool del,
			    struct nd_err *err);
int tapdev_build_ingress(struct tapdev_req *req, int ifindex, struct nd_err *err);
int tapdev_build_police_filter(struct tapdev_req *req, int ifindex, const struct tapdev_rate *r, struct nd_err *err);
/* replaces whatever shaping ifname had; a missing kernel module is named ("kernel lacks act_police");
 * TAPDEV_QOS_NO_SFQ: shaped, but the kernel lacks sch_sfq (HTB's FIFO leaf: no fairness among flows) */
#define TAPDEV_QOS_NO_SFQ 1
int tapdev_qos_set(struct tapdev_nl *nl, const char *ifname, const struct tapdev_qos *q, struct nd_err *err);
/* a guest's inbound floor on a hierarchical bridge: class 1:minor (rate = the floor, ceil = its peak), its
 * frames picked by their destination MAC; unplug removes both */
int tapdev_qos_floor_plug(struct tapdev_nl *nl, const char *bridge, const uint8_t mac[6], unsigned minor,
			  const struct tapdev_rate *r, struct nd_err *err);
void tapdev_qos_floor_unplug(struct tapdev_nl *nl, const char *bridge, unsigned minor);
/* class 1:2, what no floor claims: the network's rate less the floors */
int tapdev_qos_default_class(struct tapdev_nl *nl, const char *bridge, const struct tapdev_rate *r, struct nd_err *err);
/* root and ingress qdiscs removed (nothing there is fine) */
int tapdev_qos_clear(struct tapdev_nl *nl, const char *ifname, struct nd_err *err);

/* -- tapdev-fdpass.c: SCM_RIGHTS over SOCK_SEQPACKET -- */
/*
 * Receives one message and up to max fds (MSG_CMSG_CLOEXEC). A truncated
 * message or control part is an error; fds beyond max are closed.
 * Returns the message length.
 */
ssize_t tapdev_fd_recv(int sock, void *buf, size_t len, int *fds, size_t max, size_t *ret_n_fds,
		       struct nd_err *err);
int tapdev_fd_send(int sock, const void *buf, size_t len, const int *fds, size_t n_fds, struct nd_err *err);

/* -- tapdev-launch.c (pure): the QEMU command line of netd-launch -- */
struct tapdev_launch {
	const char *qemu;           /* binary */
	const char *accel;          /* "kvm" or "tcg" */
	const int *tap_fds;
	const int *vhost_fds;       /* NULL: no vhost */
	unsigned queues;
	const char *mac;            /* guest MAC */
	bool keep_rom;              /* keep the NIC's option ROM (PXE) */
	bool no_guest_csum;         /* csum=off: the guest fills in its checksums (OVS userspace datapath) */
	char *const *user_args;
	size_t n_user_args;
};
int tapdev_launch_argv(const struct tapdev_launch *l, char ***ret, struct nd_err *err);
void tapdev_argv_free(char **argv);
/* -- tapdev-argv.c: building an argument array -- */
struct tapdev_argv {
	char **v;
	size_t n, cap;
	bool oom;
};
void tapdev_argv_add(struct tapdev_argv *a, const char *s);
void tapdev_argv_addf(struct tapdev_argv *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* the array in *ret, or -ENOMEM naming who (after an allocation failed or a value did not fit) */
int tapdev_argv_finish(struct tapdev_argv *a, const char *who, char ***ret, struct nd_err *err);
/* "kvm" when /dev/kvm opens and cpuinfo flags have vmx or svm, else "tcg"; why in ret_reason */
const char *tapdev_pick_accel(const char *cpuinfo, bool kvm_openable, char *ret_reason, size_t len);
/* tapdev-accel-sys.c: the same for this host */
const char *tapdev_detect_accel(char *ret_reason, size_t len);

/* -- tapdev-ovs.c (pure): ovs-vsctl command lines, values validated -- */
struct tapdev_ovs {
	const char *vsctl;   /* binary, default "ovs-vsctl" */
	const char *db;      /* OVSDB socket path */
	unsigned timeout_s;  /* --timeout for ovs-vsctl */
};
struct tapdev_ovs_port {
	const char *bridge, *port;
	const struct netdef_vlan *vlan; /* NULL: no VLAN settings */
	const char *iface_id;           /* external_ids:iface-id (OVN binds to it) */
	const char *attached_mac;       /* the guest's MAC */
	const char *vm_uuid;
};
int tapdev_ovs_argv_add_port(const struct tapdev_ovs *o, const struct tapdev_ovs_port *p, char ***ret,
			     struct nd_err *err);
int tapdev_ovs_argv_del_port(const struct tapdev_ovs *o, const char *bridge, const char *port, char ***ret,
			     struct nd_err *err);
int tapdev_ovs_argv_add_br(const struct tapdev_ovs *o, const char *bridge, const char *datapath_type,
			   char ***ret, struct nd_err *err);
int tapdev_ovs_argv_del_br(const struct tapdev_ovs *o, const char *bridge, char ***ret, struct nd_err *err);
int tapdev_ovs_argv_br_exists(const struct tapdev_ovs *o, const char *bridge, char ***ret, struct nd_err *err);
/* OVSDB's socket as ovs-vsctl finds it: $OVS_RUNDIR/db.sock or /var/run/openvswitch/db.sock */
const char *tapdev_ovs_default_db(char *buf, size_t len);

/* -- tapdev-ovs-sys.c -- */
/* runs argv; 0 on exit 0, -EIO etc. with ovs-vsctl's message; ret_status = exit code */
/* OVN: until ovn-controller has installed the port's flows (external_ids:ovn-installed) */
int tapdev_ovs_argv_wait_ovn_installed(const struct tapdev_ovs *o, const char *port, char ***ret, struct nd_err *err);
/* this host's OVN chassis name (Open_vSwitch external_ids:system-id) */
int tapdev_ovs_argv_system_id(const struct tapdev_ovs *o, char ***ret, struct nd_err *err);
int tapdev_ovs_run(char *const *argv, unsigned timeout_s, int *ret_status, struct nd_err *err);
/* the same, with the child's output (stdout and stderr, its tail when longer) in out */
int tapdev_ovs_run_out(char *const *argv, unsigned timeout_s, int *ret_status, char *out, size_t outlen,
		       struct nd_err *err);
/* what an ovs-vsctl exit status and its output (trimmed in place) mean: 0, -ENOENT (no such bridge) or an error */
int tapdev_ovs_result(const char *argv0, int status, char *out, unsigned timeout_s, struct nd_err *err);
/* 1 when the kernel has the openvswitch module (datapath "system"), else 0 ("netdev") */
int tapdev_ovs_kernel_datapath(void);

/* -- tapdev-addr-sys.c -- */
int tapdev_addr_add(struct tapdev_nl *nl, const char *ifname, const struct netdef_addr *a,
		    unsigned prefix, struct nd_err *err);
int tapdev_route_add(struct tapdev_nl *nl, const char *ifname, const struct netdef_route *rt,
		     struct nd_err *err);
/*
 * Looks for a host route (main table, not on exclude_ifname) overlapping
 * addr/prefix: 1 and a description in ret_desc when found, 0 when none.
 */
int tapdev_route_overlap(struct tapdev_nl *nl, const struct netdef_addr *addr, unsigned prefix,
			 const char *exclude_ifname, char *ret_desc, size_t len, struct nd_err *err);
