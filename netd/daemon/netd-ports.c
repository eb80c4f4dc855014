/*
 * Ports: TAP devices netd creates on a network's bridge and hands to the
 * client as file descriptors, so the guest's QEMU needs no network privilege.
 * A port lives as long as the process that asked for it (netd-launch, which
 * becomes QEMU), watched through a pidfd, unless it was made persistent. Its
 * record in run/ports/ lets a restarted daemon take it over as it is.
 */
#include "netd/daemon/netd-port.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "common/nd-buf.h"
#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "netd/daemon/netd-control.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-jobs.h"
#include "netd/daemon/netd-ovn.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-net.h"
#include "netd/daemon/netd-rpc.h"
#include "tapdev/tapdev.h"

#define PORT_TEMPLATE "vnet%d"
#define NETD_OVN_INSTALL_TIMEOUT_S 10

struct ovs_del {
	struct netd_pending *pend;
	char network[NETDEF_NAME_MAX + 1];
};

/* a new OVS port's ovs-vsctl runs, in order, while the daemon serves others */
struct ovs_add {
	struct netd_pending *pend;
	char port[16];
	char network[NETDEF_NAME_MAX + 1];
	char **add_argv;
	int fds[TAPDEV_MAX_QUEUES];
	unsigned n_fds;
};

static json_object *port_json(const struct netd_port *p)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "port", json_object_new_string(p->name));
	json_object_object_add(o, "network", json_object_new_string(p->network));
	json_object_object_add(o, "mac", json_object_new_string(p->mac));
	json_object_object_add(o, "portgroup", json_object_new_string(p->portgroup));
	json_object_object_add(o, "queues", json_object_new_int((int)p->queues));
	json_object_object_add(o, "persistent", json_object_new_boolean(p->persistent));
	json_object_object_add(o, "owner_pid", json_object_new_int(p->owner_pid));
	json_object_object_add(o, "owner_start", json_object_new_int64((int64_t)p->owner_start));
	json_object_object_add(o, "ovs", json_object_new_boolean(p->ovs));
	json_object_object_add(o, "existing", json_object_new_boolean(p->existing));
	json_object_object_add(o, "bridge", json_object_new_string(p->bridge));
	json_object_object_add(o, "iface_id", json_object_new_string(p->iface_id));
	json_object_object_add(o, "vm_uuid", json_object_new_string(p->vm_uuid));
	json_object_object_add(o, "vm_name", json_object_new_string(p->vm_name));
	json_object_object_add(o, "reserved", json_object_new_boolean(p->reserved));
	json_object_object_add(o, "vlan", json_object_new_string(p->vlan));
	json_object_object_add(o, "shaped", json_object_new_boolean(p->shaped));
	json_object_object_add(o, "own_bandwidth", json_object_new_boolean(p->own_bandwidth));
	json_object_object_add(o, "floor_class", json_object_new_int((int)p->floor_class));
	json_object_object_add(o, "plugged", json_object_new_boolean(!p->unplugged));
	if (p->own_vlan_xml)
		json_object_object_add(o, "own_vlan", json_object_new_string(p->own_vlan_xml));
	if (p->own_bandwidth_xml)
		json_object_object_add(o, "own_bandwidth_xml", json_object_new_string(p->own_bandwidth_xml));
	json_object_object_add(o, "floor_kBps", json_object_new_int64((int64_t)p->floor_kBps));
	/* the OVS userspace datapath does not complete checksums a guest leaves to the host */
	json_object_object_add(o, "guest_checksum_offload",
			       json_object_new_boolean(!(p->ovs && !tapdev_ovs_kernel_datapath())));
	return o;
}

static void record_save(struct netd *d, const struct netd_port *p)
{
	json_object *o = port_json(p);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	struct nd_err err = { 0 };
	char path[4096];

	netd_path(d, NETD_PATH_PORT, p->name, path, sizeof(path));
	if (nd_file_write_runtime(path, text, strlen(text), 0644, &err) < 0)
		netd_log_err(p->network, "saving the port record", &err);
	/* a persistent TAP outlives netd, not a reboot: its definition in the config dir makes it again */
	if (p->persistent && !p->existing && !p->reserved) {
		netd_path(d, NETD_PATH_PORT_CONFIG, p->name, path, sizeof(path));
		if (nd_file_write_atomic(path, text, strlen(text), 0644, &err) < 0)
			netd_log_err(p->network, "saving the port's definition", &err);
	}
	json_object_put(o);
}

/* an OVS row removal ended: said in the log when it failed; a waiting net-port-delete gets its reply */
static void ovs_del_done(struct netd *d, void *ctx, int status, char *out)
{
	struct ovs_del *od = ctx;
	struct nd_err err = { 0 };

	if (tapdev_ovs_result("ovs-vsctl", status, out, NETD_OVS_TIMEOUT_S, &err) < 0)
		netd_log_err(od->network, "removing the OVS port", &err);
	if (od->pend)
		netd_control_complete(d, od->pend, NULL, &err, NULL, 0);
	free(od);
}

/* del-port as a job: nobody waits for ovs-vsctl (pend: a net-port-delete to answer when done) */
static void ovs_del_spawn(struct netd *d, const struct netd_port *p, struct netd_pending *pend)
{
	struct ovs_del *od = calloc(1, sizeof(*od));
	struct nd_err err = { 0 };
	char **argv = NULL;

	if (od) {
		od->pend = pend;
		snprintf(od->network, sizeof(od->network), "%s", p->network);
	}
	if (!od || netd_ovs_del_argv(d, p->name, &argv, &err) < 0 ||
	    netd_job_spawn(d, argv, NETD_OVS_TIMEOUT_S, ovs_del_done, od, &err) < 0) {
		if (!err.code)
			nd_err_set(&err, -ENOMEM, p->name, "out of memory");
		netd_log_err(p->network, "removing the OVS port", &err);
		if (pend)
			netd_control_complete(d, pend, NULL, &err, NULL, 0);
		free(od);
	}
}

/* in the daemon's two indexes: by device name and by network */
static int port_index(struct netd *d, struct netd_port *p)
{
	if (nd_hash_insert(&d->ports_by_name, &p->by_name, nd_hash_str(p->name)) < 0)
		return -ENOMEM;
	if (nd_hash_insert(&d->ports_by_net, &p->by_net, nd_hash_str(p->network)) < 0) {
		nd_hash_remove(&d->ports_by_name, &p->by_name);
		return -ENOMEM;
	}
	return 0;
}

#define FOR_PORTS_OF(d, net, p, x, nx)                                                                     \
	for (struct nd_hnode *x = nd_hash_first(&(d)->ports_by_net, nd_hash_str(net)), *nx = x ? nd_hash_next(x) : NULL; \
	     x; x = nx, nx = x ? nd_hash_next(x) : NULL)                                                      \
		if (((p) = nd_container_of(x, struct netd_port, by_net)), strcmp((p)->network, (net)) == 0)

/* -- inbound floors (guaranteed minimums) on the network's bridge, as libvirt -- */

/* the floors (kB/s) the network's ports hold, but skip's */
static unsigned long long floors_of(struct netd *d, const char *network, const struct netd_port *skip)
{
	unsigned long long sum = 0;
	struct netd_port *o;

	FOR_PORTS_OF(d, network, o, x, nx)
		if (o != skip)
			sum += o->floor_kBps;
	return sum;
}

/* class 1:2 gets what the floors leave of the network's rate */
static int floor_default_class(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, const struct netd_port *skip,
			       unsigned long long extra_kBps, struct nd_err *err)
{
	struct tapdev_qos q;
	unsigned long long floors = (floors_of(d, netd_net_name(n), skip) + extra_kBps) * 1000;

	tapdev_qos_from_bandwidth(&n->live->bandwidth, &q);
	q.in.rate_Bps = q.in.rate_Bps > floors + 1000 ? q.in.rate_Bps - floors : 1000;
	return tapdev_qos_default_class(nl, n->bridge, &q.in, err);
}

static void floor_unplug(struct netd *d, struct netd_port *p, struct tapdev_nl *nl)
{
	struct netd_net *n = netd_net_find(d, p->network);

	if (!p->floor_class)
		return;
	if (n && n->live && n->state != NETD_NET_INACTIVE) {
		tapdev_qos_floor_unplug(nl, n->bridge, p->floor_class);
		floor_default_class(d, n, nl, p, 0, NULL);
	}
	p->floor_class = 0;
	p->floor_kBps = 0;
}

/* bw's inbound floor for the port: refused when the network has no inbound rate or it would be overcommitted */
static int floor_plug(struct netd *d, struct netd_net *n, struct netd_port *p, const struct netdef_bandwidth *bw,
		      struct tapdev_nl *nl, struct nd_err *err)
{
	const struct netdef_bw_rate *net = &n->live->bandwidth.inbound, *in = &bw->inbound;
	unsigned long long floors = floors_of(d, netd_net_name(n), p);
	struct tapdev_rate r = { 0 };
	uint8_t mac[6];
	unsigned minor = 3;
	struct netd_port *o;
	int rr;

	if (!in->floor)
		return 0;
	if (!net->present || !net->average)
		return nd_err_set(err, -EINVAL, netd_net_name(n), "port %s: 'floor' needs the network's own inbound "
				  "<bandwidth> (its rate is what floors share)", p->name);
	if (floors + in->floor > net->average)
		return nd_err_set(err, -ENOSPC, netd_net_name(n), "port %s: inbound floor %llu kB/s would overcommit the "
				  "network: %llu of its %llu kB/s are already guaranteed", p->name, in->floor, floors,
				  net->average);
	/* the smallest class number no other port of the network has */
	for (bool taken = true; taken; minor += taken) {
		taken = false;
		FOR_PORTS_OF(d, netd_net_name(n), o, x, nx)
			taken |= o != p && o->floor_class == minor;
	}
	if (minor > 0xfff || netdef_mac_parse(p->mac, mac) < 0)
		return nd_err_set(err, -ENOSPC, netd_net_name(n), "port %s: no class left for its floor", p->name);
	r.rate_Bps = in->floor * 1000;
	r.peak_Bps = (in->peak ? in->peak : in->average ? in->average : net->peak ? net->peak : net->average) * 1000;
	r.burst_bytes = r.peak_Bps / 1000 + 1600;
	if ((rr = tapdev_qos_floor_plug(nl, n->bridge, mac, minor, &r, err)) < 0)
		return rr;
	p->floor_class = minor;
	p->floor_kBps = in->floor;
	/* p may not be in the indexes yet: its floor counts here either way */
	if ((rr = floor_default_class(d, n, nl, p, p->floor_kBps, err)) < 0)
		floor_unplug(d, p, nl);
	return rr;
}

static bool ovn_port(struct netd *d, const struct netd_port *p)
{
	struct netd_net *n = netd_net_find(d, p->network);

	return n && n->live && n->live->ovn.present;
}

static void port_remove_answering(struct netd *d, struct netd_port *p, bool delete_link, struct netd_pending *pend)
{
	struct netd_net *n = delete_link ? netd_net_find(d, p->network) : NULL;
	char path[4096];

	if (n && n->live && n->live->ovn.present) /* its logical port goes too (a libvirt reservation's as well) */
		netd_ovn_port_forget(d, n, p);
	if (delete_link && !p->reserved) { /* a reservation has no device of netd's */
		struct tapdev_nl *nl = NULL;

		if (p->ovs)
			ovs_del_spawn(d, p, pend);
		if (tapdev_nl_open(&nl, NULL) == 0) {
			floor_unplug(d, p, nl);
			if (p->existing) {
				if (!p->ovs)
					tapdev_port_detach(nl, p->name, NULL);
				if (p->shaped) /* the client's own interface leaves as it came */
					tapdev_qos_clear(nl, p->name, NULL);
			} else {
				tapdev_link_delete(nl, p->name, NULL);
			}
			tapdev_nl_close(nl);
		}
	}
	if (p->owner_pidfd >= 0) {
		epoll_ctl(d->epfd, EPOLL_CTL_DEL, p->owner_pidfd, NULL);
		close(p->owner_pidfd);
		p->owner_pidfd = -1;
	}
	netd_path(d, NETD_PATH_PORT, p->name, path, sizeof(path));
	unlink(path);
	if (delete_link || !p->persistent) { /* gone for good (not a daemon shutdown's forgetting) */
		netd_path(d, NETD_PATH_PORT_CONFIG, p->name, path, sizeof(path));
		unlink(path);
	}
	nd_hash_remove(&d->ports_by_name, &p->by_name);
	nd_hash_remove(&d->ports_by_net, &p->by_net);
	netd_log(NETD_LOG_INFO, p->network, "port %s removed", p->name);
	free(p->own_vlan_xml);
	free(p->own_bandwidth_xml);
	free(p);
}

static void port_remove(struct netd *d, struct netd_port *p, bool delete_link)
{
	port_remove_answering(d, p, delete_link, NULL);
}

void netd_port_owner_gone(struct netd *d, struct netd_port *p)
{
	netd_log(NETD_LOG_DEBUG, p->network, "port %s: owner pid %d ended", p->name, (int)p->owner_pid);
	port_remove(d, p, true);
}

unsigned long long netd_proc_start_time(pid_t pid)
{
	_cleanup_free_ char *text = NULL;
	char path[64], *p;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (nd_file_read(path, 65536, &text, NULL, NULL) < 0 || !(p = strrchr(text, ')')))
		return 0;
	/* after "pid (comm)": state is field 3, starttime field 22 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
		   &start) != 1)
		return 0;
	return start;
}

/* the owner's pidfd in the event loop; -ESRCH when the owner is gone (or another process has its pid) */
static int watch_owner(struct netd *d, struct netd_port *p)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = pidfd_open(p->owner_pid, 0);

	if (fd < 0)
		return -errno;
	if (netd_proc_start_time(p->owner_pid) != p->owner_start) {
		close(fd);
		return -ESRCH;
	}
	p->owner_ev.kind = NETD_EV_PORT_OWNER;
	p->owner_ev.ptr = p;
	ev.data.ptr = &p->owner_ev;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	p->owner_pidfd = fd;
	return 0;
}

int netd_ports_portgroups_changed(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct tapdev_nl *nl = NULL;
	struct netd_port *p;
	int r = 0;

	if (tapdev_nl_open(&nl, err) < 0)
		return -EIO;
	FOR_PORTS_OF(d, netd_net_name(n), p, x, nx) {
		const struct netdef_portgroup *pg = p->portgroup[0] ? netdef_portgroup_find(n->live, p->portgroup) : NULL;
		const struct netdef_bandwidth *bw = pg ? &pg->bandwidth : NULL;
		struct tapdev_qos q = { 0 };

		if (p->own_bandwidth || p->reserved) /* its own <bandwidth> wins; a reservation's is its owner's */
			continue;
		if (bw)
			tapdev_qos_from_bandwidth(bw, &q);
		if (tapdev_qos_any(&q)) {
			if ((r = tapdev_qos_set(nl, p->name, &q, err)) < 0)
				break;
			p->shaped = true;
		} else if (p->shaped) {
			tapdev_qos_clear(nl, p->name, NULL);
			p->shaped = false;
		}
		if ((bw ? bw->inbound.floor : 0) != p->floor_kBps) {
			floor_unplug(d, p, nl);
			if (bw && (r = floor_plug(d, n, p, bw, nl, err)) < 0)
				break;
		}
		record_save(d, p);
	}
	tapdev_nl_close(nl);
	return r < 0 ? r : 0;
}

static struct netd_port *port_find(struct netd *d, const char *network, const char *name)
{
	for (struct nd_hnode *x = nd_hash_first(&d->ports_by_name, nd_hash_str(name)); x; x = nd_hash_next(x)) {
		struct netd_port *p = nd_container_of(x, struct netd_port, by_name);

		if (strcmp(p->name, name) == 0 && (!network || strcmp(p->network, network) == 0))
			return p;
	}
	return NULL;
}

/* the portgroup asked for (or the default one) and the VLAN in force: the
 * port's own request, else its portgroup's, else the network's (libvirt's order) */
static int port_settings(const struct netd_net *n, const char *pgname, const struct netdef_vlan *own,
			 const struct netdef_portgroup **ret_pg, const struct netdef_vlan **ret_vlan, struct nd_err *err)
{
	const struct netdef *def = n->live;
	const struct netdef_portgroup *pg = netdef_portgroup_find(def, pgname);

	*ret_pg = pg;
	*ret_vlan = NULL;
	if (pgname && !pg)
		return nd_err_set(err, -ENOENT, def->name, "network '%s' has no portgroup '%s'", def->name, pgname);
	if (own && own->present)
		*ret_vlan = own;
	else if (pg && pg->vlan.present)
		*ret_vlan = &pg->vlan;
	else if (def->vlan.present)
		*ret_vlan = &def->vlan;
	if (*ret_vlan && !n->ovs && !netd_def_has_vlans(def) && own && own->present)
		return nd_err_set(err, -EOPNOTSUPP, def->name,
				  "network '%s' has no VLANs: a port's own <vlan> needs an Open vSwitch network or "
				  "portgroup VLANs (bridge vlan_filtering)", def->name);
	return 0;
}

struct port_req {
	const char *network, *mac_s, *pgname, *ifname, *vlan_xml, *iface_id, *vm_uuid, *vm_name, *bandwidth_xml, *name;
	long long queues;
	int persistent;
	int reserve; /* a libvirt port: a record, no TAP */
};

static int attach(struct netd *d, struct netd_net *n, struct netd_port *p, struct tapdev_nl *nl,
		  const uint8_t mac[6], const struct netdef_vlan *vlan, char ***ret_del, char ***ret_add,
		  struct nd_err *err)
{
	char mark[NETDEF_NAME_MAX + 8];
	struct tapdev_port_cfg cfg = { .ifname = p->name, .bridge = n->bridge, .has_mac = !p->existing,
				       .mtu = n->live->mtu, .isolated = n->live->port_isolated == NETDEF_YES,
				       .vlan = vlan, .alias = p->existing ? NULL : mark };
	struct tapdev_ovs_port op = { .bridge = n->bridge, .port = p->name, .vlan = vlan, .iface_id = p->iface_id,
				      .attached_mac = p->mac, .vm_uuid = p->vm_uuid[0] ? p->vm_uuid : NULL };
	int r;

	snprintf(mark, sizeof(mark), "netd:%.64s", n->live->name);
	tapdev_host_mac(mac, cfg.mac);
	if (!n->ovs) {
		if (!p->existing && (r = netd_sysctl_port_no_ipv6(p->name, err)) < 0)
			return r;
		return tapdev_port_attach(nl, &cfg, err);
	}
	if ((r = tapdev_link_set_mac_mtu(nl, p->name, p->existing ? NULL : cfg.mac, n->live->mtu, err)) < 0 ||
	    (!p->existing && (r = tapdev_link_set_alias(nl, p->name, mark, err)) < 0) ||
	    (r = netd_sysctl_port_quiet(p->name, err)) < 0)
		return r;
	/* OVN: the logical port first, so that ovn-controller binds the interface as soon as it appears */
	if (n->live->ovn.present && (r = netd_ovn_port_add(d, n, p, err)) < 0)
		return r;
	/* ovs-vsctl runs as jobs (m_port_create); the link comes up when OVS has the port */
	return netd_ovs_port_argvs(d, &op, ret_del, ret_add, err);
}

/* the port's own <bandwidth>, else its portgroup's (libvirt's order) */
static const struct netdef_bandwidth *port_bandwidth(const struct netdef_portgroup *pg, const struct netdef_bandwidth *own)
{
	if (own && (own->inbound.present || own->outbound.present))
		return own;
	return pg ? &pg->bandwidth : NULL;
}

/* the port's <bandwidth> on it before it joins the bridge (it never moves a byte unshaped), and its
 * inbound floor on the bridge */
static int port_qos(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct netd_port *p,
		    const struct netdef_portgroup *pg, const struct netdef_bandwidth *own, struct nd_err *err)
{
	const struct netdef_bandwidth *bw = port_bandwidth(pg, own);
	struct tapdev_qos q;
	int r;

	if (!bw)
		return 0;
	if (bw->outbound.floor)
		return nd_err_set(err, -EOPNOTSUPP, p->network, "<bandwidth><outbound floor>: a floor is for <inbound> only "
				  "(as libvirt)");
	p->own_bandwidth = bw == own;
	tapdev_qos_from_bandwidth(bw, &q);
	if (tapdev_qos_any(&q)) {
		if ((r = tapdev_qos_set(nl, p->name, &q, err)) < 0)
			return r;
		if (r == TAPDEV_QOS_NO_SFQ)
			netd_log(NETD_LOG_WARN, p->network, "port %s: kernel lacks sch_sfq: its inbound rate is shaped "
				 "without fair queueing among flows", p->name);
		p->shaped = true;
	}
	return floor_plug(d, n, p, bw, nl, err);
}

static const struct netd_port *mac_user(struct netd *d, const char *network, const char *mac)
{
	struct netd_port *o;

	FOR_PORTS_OF(d, network, o, x, nx)
		if (strcmp(o->mac, mac) == 0)
			return o;
	return NULL;
}

static int make_port(struct call *k, const struct port_req *q, struct netd_net *n, struct netd_port *p, int *fds,
		     char ***ret_del, char ***ret_add, struct nd_err *err)
{
	const struct netdef_portgroup *pg;
	const struct netdef_vlan *vlan;
	struct netdef_vlan own = { 0 };
	struct netdef_bandwidth own_bw = { 0 };
	struct tapdev_nl *nl = NULL;
	const char *iface_id;
	uint8_t mac[6], u[16];
	int r;

	if (q->vlan_xml && (r = netdef_vlan_parse_string(q->vlan_xml, &own, err)) < 0)
		return r;
	if (q->bandwidth_xml && (r = netdef_bandwidth_parse_string(q->bandwidth_xml, &own_bw, err)) < 0)
		goto out;
	if ((r = port_settings(n, q->pgname, &own, &pg, &vlan, err)) < 0)
		goto out;
	if (q->mac_s) {
		if (netdef_mac_parse(q->mac_s, mac) < 0 || (mac[0] & 1)) {
			r = nd_err_set(err, -EINVAL, q->network, "mac '%.32s' is not a unicast MAC", q->mac_s);
			goto out;
		}
	}
	/* a random MAC has 24 random bits: among 1000 ports, two alike is a 3%
	 * chance, so a generated one that is taken is drawn again */
	for (int tries = 0;; tries++) {
		const struct netd_port *o;

		if (!q->mac_s && (r = tapdev_random_mac(mac)) < 0)
			goto out;
		netdef_mac_format(mac, p->mac);
		if (!(o = mac_user(k->d, q->network, p->mac)))
			break;
		if (q->mac_s || tries == 16) {
			r = nd_err_set(err, -EEXIST, q->network, "MAC %s is already used by port %s", o->mac, o->name);
			goto out;
		}
	}
	/* interfaceid: the port's own, else its portgroup's or network's <parameters>, else a new one */
	if (!q->iface_id && pg && pg->virtualport.interfaceid)
		iface_id = pg->virtualport.interfaceid;
	else if (!q->iface_id && n->live->virtualport.interfaceid)
		iface_id = n->live->virtualport.interfaceid;
	else
		iface_id = q->iface_id;
	if (q->vm_uuid) {
		if (netdef_uuid_parse(q->vm_uuid, u) < 0) {
			r = nd_err_set(err, -EINVAL, q->network, "vm_uuid '%.40s' is not a UUID", q->vm_uuid);
			goto out;
		}
		netdef_uuid_format(u, p->vm_uuid);
	}
	if (q->vm_name)
		snprintf(p->vm_name, sizeof(p->vm_name), "%s", q->vm_name);
	if (iface_id) {
		if (netdef_uuid_parse(iface_id, u) < 0) {
			r = nd_err_set(err, -EINVAL, q->network, "interfaceid '%.40s' is not a UUID", iface_id);
			goto out;
		}
	} else if ((r = netdef_random_bytes(u, 16)) < 0) {
		goto out;
	} else {
		u[6] = (u[6] & 0x0f) | 0x40;
		u[8] = (u[8] & 0x3f) | 0x80;
	}
	netdef_uuid_format(u, p->iface_id);
	p->ovs = n->ovs;
	p->existing = q->ifname != NULL;
	snprintf(p->bridge, sizeof(p->bridge), "%s", n->bridge);
	snprintf(p->portgroup, sizeof(p->portgroup), "%s", pg ? pg->name : "");
	netdef_vlan_describe(vlan, p->vlan, sizeof(p->vlan));
	if (q->reserve) {
		const struct netdef_bandwidth *bw = port_bandwidth(pg, &own_bw);
		char hex[13];

		/* libvirt's QEMU driver plugs its own TAP: a floor (a class on netd's bridge) needs netd's port */
		if (bw && bw->inbound.present && bw->inbound.floor) {
			r = nd_err_set(err, -EOPNOTSUPP, q->network, "a port with an inbound floor needs a TAP of netd's "
				       "(netdctl net-port-create, or netd-launch)");
			goto out;
		}
		/* its name in netd's tables: from its UUID, never a device's */
		for (int i = 0, j = 0; p->iface_id[i] && j < 12; i++)
			if (p->iface_id[i] != '-')
				hex[j++] = p->iface_id[i];
		hex[12] = '\0';
		snprintf(p->name, sizeof(p->name), "lv%s", hex);
		if (port_find(k->d, NULL, p->name)) {
			r = nd_err_set(err, -EEXIST, q->network, "a port with UUID %s exists", p->iface_id);
			goto out;
		}
		p->reserved = true;
		/* what its owner applies, as libvirt's network driver tells it: the VLAN and bandwidth in force */
		if (vlan && vlan->present) {
			struct nd_buf b = { 0 };

			netdef_format_vlan(&b, 1, vlan);
			p->own_vlan_xml = nd_buf_steal(&b);
		}
		if (bw && (bw->inbound.present || bw->outbound.present)) {
			struct nd_buf b = { 0 };

			netdef_format_bandwidth(&b, 1, bw);
			p->own_bandwidth_xml = nd_buf_steal(&b);
		}
		/* OVN: the logical port now; its owner's TAP on br-int carries the iface-id it binds to */
		r = n->live->ovn.present ? netd_ovn_port_add(k->d, n, p, err) : 0;
		goto out;
	}
	if ((r = tapdev_nl_open(&nl, err)) < 0)
		goto out;
	if (p->existing) {
		const struct netd_port *o;

		if (!netdef_ifname_is_valid(q->ifname, false) || !tapdev_link_exists(nl, q->ifname)) {
			r = nd_err_set(err, -ENODEV, q->network, "no interface '%.16s' to attach", q->ifname);
			goto out;
		}
		if ((o = port_find(k->d, NULL, q->ifname))) {
			r = nd_err_set(err, -EEXIST, q->network, "interface %s is already a port of network '%s'",
				       o->name, o->network);
			goto out;
		}
		snprintf(p->name, sizeof(p->name), "%s", q->ifname);
	} else {
		/* persistent only once its record is written (m_port_create): a daemon killed
		 * before that leaves no TAP behind, its fds die with it */
		unsigned flags = TAPDEV_VNET_HDR;

		/* the userspace datapath mangles TCP when checksum offload is left on */
		if (n->ovs && !tapdev_ovs_kernel_datapath())
			flags |= TAPDEV_NO_CSUM;
		if (q->name) { /* the client's name for it (a libvirt domain's <target dev managed='no'/>) */
			if (!netdef_ifname_is_valid(q->name, false) || strchr(q->name, '%')) {
				r = nd_err_set(err, -EINVAL, q->network, "port name '%.32s': not a valid interface name", q->name);
				goto out;
			}
			if (tapdev_link_exists(nl, q->name)) {
				r = nd_err_set(err, -EEXIST, q->network, "port name '%.16s': an interface of that name exists "
					       "(--ifname attaches an existing one)", q->name);
				goto out;
			}
			snprintf(p->name, sizeof(p->name), "%s", q->name);
			r = tapdev_tap_create(p->name, (unsigned)q->queues, flags, fds, err);
		} else {
			r = tapdev_tap_create_from_template(PORT_TEMPLATE, (unsigned)q->queues, flags, p->name, fds, err);
		}
		if (r < 0)
			goto out;
	}
	if ((r = port_qos(k->d, n, nl, p, pg, &own_bw, err)) < 0 || (r = attach(k->d, n, p, nl, mac, vlan, ret_del, ret_add, err)) < 0) {
		if (p->shaped)
			tapdev_qos_clear(nl, p->name, NULL);
		floor_unplug(k->d, p, nl);
		if (!p->existing) {
			tapdev_link_delete(nl, p->name, NULL);
			for (long long i = 0; i < q->queues; i++)
				close(fds[i]);
		} else if (!p->ovs) {
			tapdev_port_detach(nl, p->name, NULL);
		}
	}
out:
	tapdev_nl_close(nl);
	netdef_vlan_clear(&own);
	return r;
}

static void ovs_add_free(struct ovs_add *oa)
{
	tapdev_argv_free(oa->add_argv);
	free(oa);
}

/* the port as it ended up, or NULL when it went meanwhile (its network stopped, its owner ended) */
static struct netd_port *ovs_add_port(struct netd *d, struct ovs_add *oa)
{
	return port_find(d, oa->network, oa->port);
}


/* ovn-controller has installed the port's flows: the fds go out now (not after a sleep) */
static void ovn_installed_done(struct netd *d, void *ctx, int status, char *out)
{
	struct ovs_add *oa = ctx;
	struct netd_port *p = ovs_add_port(d, oa);
	struct nd_err err = { 0 };

	if (tapdev_ovs_result("ovs-vsctl", status, out, NETD_OVN_INSTALL_TIMEOUT_S, &err) < 0)
		nd_err_set(&err, -ETIMEDOUT, oa->network, "OVN did not install port %s within %d s (is ovn-controller "
			   "running and connected to the SB database?)", oa->port, NETD_OVN_INSTALL_TIMEOUT_S);
	else if (!p)
		nd_err_set(&err, -ENODEV, oa->network, "port %s went away while OVN bound it", oa->port);
	if (err.code) {
		netd_log_err(oa->network, "binding the port in OVN", &err);
		if (p)
			port_remove(d, p, true);
		if (oa->pend)
			netd_control_complete(d, oa->pend, NULL, &err, oa->fds, oa->n_fds);
	} else {
		struct netd_net *n = netd_net_find(d, p->network);

		if (n && netd_ovn_port_secure(d, n, p, &err) < 0)
			netd_log_err(p->network, "holding the port to its OVN address (port security: MAC only)", &err);
		netd_log(NETD_LOG_INFO, p->network, "port %s %s for pid %d (mac %s, OVN logical port %s, up)", p->name,
			 oa->pend ? "created" : "back on OVN", p->owner_pid, p->mac, p->iface_id);
		if (oa->pend)
			netd_control_complete(d, oa->pend, port_json(p), NULL, oa->fds, oa->n_fds);
	}
	ovs_add_free(oa);
}

static int ovn_wait_spawn(struct netd *d, struct ovs_add *oa, const struct netd_port *p)
{
	struct nd_err err = { 0 };
	char **argv;

	if (netd_ovs_wait_ovn_installed_argv(d, p->name, NETD_OVN_INSTALL_TIMEOUT_S, &argv, &err) < 0)
		return -1;
	return netd_job_spawn(d, argv, NETD_OVN_INSTALL_TIMEOUT_S, ovn_installed_done, oa, &err);
}

static void ovs_add_done(struct netd *d, void *ctx, int status, char *out)
{
	struct ovs_add *oa = ctx;
	struct netd_port *p = ovs_add_port(d, oa);
	struct tapdev_nl *nl = NULL;
	struct nd_err err = { 0 };

	if (tapdev_ovs_result("ovs-vsctl", status, out, NETD_OVS_TIMEOUT_S, &err) == 0 && !p)
		nd_err_set(&err, -ENODEV, oa->network, "port %s went away while OVS added it", oa->port);
	if (!err.code && tapdev_nl_open(&nl, &err) == 0) {
		tapdev_link_set_up(nl, p->name, true, &err);
		tapdev_nl_close(nl);
	}
	if (err.code) {
		netd_log_err(oa->network, "adding the OVS port", &err);
		if (p)
			port_remove(d, p, true);
		if (oa->pend)
			netd_control_complete(d, oa->pend, NULL, &err, oa->fds, oa->n_fds);
	} else if (ovn_port(d, p) && ovn_wait_spawn(d, oa, p) == 0) {
		return; /* the reply (and port security) once OVN has the port's flows in */
	} else {
		netd_log(NETD_LOG_INFO, p->network, "port %s %s for pid %d (mac %s, ovs%s%s)", p->name,
			 oa->pend ? "created" : "back on OVS", p->owner_pid, p->mac, p->vlan[0] ? ", vlan " : "", p->vlan);
		if (oa->pend)
			netd_control_complete(d, oa->pend, port_json(p), NULL, oa->fds, oa->n_fds);
	}
	ovs_add_free(oa);
}

static void ovs_del_stale_done(struct netd *d, void *ctx, int status, char *out)
{
	struct ovs_add *oa = ctx;
	struct nd_err err = { 0 };
	struct netd_port *p = ovs_add_port(d, oa);

	if (tapdev_ovs_result("ovs-vsctl", status, out, NETD_OVS_TIMEOUT_S, &err) == 0 && !p)
		nd_err_set(&err, -ENODEV, oa->network, "port %s went away while OVS added it", oa->port);
	if (!err.code && netd_job_spawn(d, TAKE_PTR(oa->add_argv), NETD_OVS_TIMEOUT_S, ovs_add_done, oa, &err) == 0)
		return;
	netd_log_err(oa->network, "adding the OVS port", &err);
	if (p)
		port_remove(d, p, true);
	if (oa->pend)
		netd_control_complete(d, oa->pend, NULL, &err, oa->fds, oa->n_fds);
	ovs_add_free(oa);
}

/* a port made but not handed out: its fds closed, its device and record gone, the error answered */
static json_object *port_abandon(struct call *k, struct netd_port *p, const int *fds, char **del_argv, char **add_argv,
				 const struct nd_err *err)
{
	for (unsigned i = 0; !p->existing && i < p->queues; i++)
		close(fds[i]);
	tapdev_argv_free(del_argv);
	tapdev_argv_free(add_argv);
	port_remove(k->d, p, true);
	return rpc_failed(k, err);
}

/* the reply waits for ovs-vsctl; the daemon serves everyone else meanwhile */
static json_object *ovs_add_start(struct call *k, struct netd_port *p, const int *fds, char **del_argv,
				  char **add_argv)
{
	struct ovs_add *oa = calloc(1, sizeof(*oa));
	struct nd_err err = { 0 };

	if (!oa || !(oa->pend = netd_control_defer(k->d, k->c, k->id))) {
		free(oa);
		nd_err_set(&err, -ENOMEM, p->network, "out of memory");
		goto fail;
	}
	snprintf(oa->port, sizeof(oa->port), "%s", p->name);
	snprintf(oa->network, sizeof(oa->network), "%s", p->network);
	oa->add_argv = add_argv;
	oa->n_fds = p->existing ? 0 : p->queues;
	memcpy(oa->fds, fds, sizeof(int) * oa->n_fds);
	if (netd_job_spawn(k->d, del_argv, NETD_OVS_TIMEOUT_S, ovs_del_stale_done, oa, &err) < 0) {
		netd_control_complete(k->d, oa->pend, NULL, &err, oa->fds, oa->n_fds);
		ovs_add_free(oa);
		port_remove(k->d, p, true);
	}
	return NETD_REPLY_DEFERRED;
fail:
	return port_abandon(k, p, fds, del_argv, add_argv, &err);
}

json_object *m_port_create(struct call *k)
{
	json_object *reply = NULL;
	struct port_req q = {
		.network = rpc_param_str(k, "network", true, &reply),
		.mac_s = rpc_param_str(k, "mac", false, &reply),
		.pgname = rpc_param_str(k, "portgroup", false, &reply),
		.ifname = rpc_param_str(k, "ifname", false, &reply),
		.vlan_xml = rpc_param_str(k, "vlan", false, &reply),
		.bandwidth_xml = rpc_param_str(k, "bandwidth", false, &reply),
		.name = rpc_param_str(k, "name", false, &reply),
		.iface_id = rpc_param_str(k, "interfaceid", false, &reply),
		.vm_uuid = rpc_param_str(k, "vm_uuid", false, &reply),
		.vm_name = rpc_param_str(k, "vm_name", false, &reply),
		.queues = rpc_param_int(k, "queues", 1, 1, TAPDEV_MAX_QUEUES, &reply),
		.persistent = rpc_param_bool(k, "persistent", false, &reply),
		.reserve = rpc_param_bool(k, "reserve", false, &reply),
	};
	int fds[TAPDEV_MAX_QUEUES];
	struct nd_err err = { 0 };
	struct netd_net *n;
	struct netd_port *p;
	char **del_argv = NULL, **add_argv = NULL;

	if (reply || !q.network || q.queues < 0 || q.persistent < 0 || q.reserve < 0)
		return reply;
	if (q.reserve && (q.ifname || q.name || !q.persistent))
		return netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS,
					"reserve: a persistent record only (no ifname, no name)");
	if (!(n = netd_net_lookup(k->d, q.network)) || !netd_net_is_active(n)) {
		nd_err_set(&err, n ? -ENETDOWN : -ENOENT, q.network, "network '%.64s' %s", q.network,
			   n ? "is not active" : "not found");
		return rpc_failed(k, &err);
	}
	if (!(p = calloc(1, sizeof(*p))))
		return netd_reply_error(k->id, NETD_RPC_FAILED, "out of memory");
	p->owner_pidfd = -1;
	if (!q.persistent) {
		/* the process that asked owns it (netd-launch, then QEMU: the same pid) */
		p->owner_pid = k->cred.pid;
		p->owner_start = k->cred.pid > 0 ? netd_proc_start_time(k->cred.pid) : 0;
		if (k->cred.pid <= 0 || !p->owner_start || watch_owner(k->d, p) < 0) {
			free(p);
			nd_err_set(&err, -ESRCH, q.network, "the asking process (pid %d) cannot be watched: "
				   "ask for a persistent port instead", (int)k->cred.pid);
			return rpc_failed(k, &err);
		}
	}
	if (make_port(k, &q, n, p, fds, &del_argv, &add_argv, &err) < 0) {
		if (p->owner_pidfd >= 0) {
			epoll_ctl(k->d->epfd, EPOLL_CTL_DEL, p->owner_pidfd, NULL);
			close(p->owner_pidfd);
		}
		free(p);
		return rpc_failed(k, &err);
	}
	snprintf(p->network, sizeof(p->network), "%s", netd_net_name(n));
	p->queues = p->existing ? 0 : (unsigned)q.queues;
	p->persistent = q.persistent;
	if (!p->reserved) {
		p->own_vlan_xml = q.vlan_xml ? strdup(q.vlan_xml) : NULL;
		p->own_bandwidth_xml = q.bandwidth_xml ? strdup(q.bandwidth_xml) : NULL;
	}
	if (port_index(k->d, p) < 0) {
		nd_err_set(&err, -ENOMEM, q.network, "out of memory");
		return port_abandon(k, p, fds, del_argv, add_argv, &err);
	}
	if (p->reserved) {
		p->queues = 0;
		record_save(k->d, p);
		netd_log(NETD_LOG_INFO, q.network, "port %s reserved for %s (mac %s)", p->iface_id,
			 p->vm_name[0] ? p->vm_name : "a client", p->mac);
		return rpc_ok(k, port_json(p));
	}
	record_save(k->d, p);
	if (!p->existing && q.persistent && tapdev_tap_set_persist(fds[0], true, &err) < 0)
		return port_abandon(k, p, fds, del_argv, add_argv, &err);
	if (p->ovs)
		return ovs_add_start(k, p, fds, del_argv, add_argv);
	if (!p->existing) {
		/* the fds ride with the reply and are closed once it is sent */
		memcpy(k->reply_fds, fds, sizeof(int) * p->queues);
		k->n_reply_fds = p->queues;
	}
	netd_log(NETD_LOG_INFO, q.network, "port %s %s for pid %d (mac %s%s%s%s)", p->name,
		 p->existing ? "attached" : "created", p->owner_pid, p->mac, p->ovs ? ", ovs" : "",
		 p->vlan[0] ? ", vlan " : "", p->vlan);
	return rpc_ok(k, port_json(p));
}

/*
 * A port's own <bandwidth> changes (libvirt's domiftune reaches netd as
 * NETWORK_PORT_SET_PARAMETERS): kept in its record; a TAP of netd's is
 * shaped again, a libvirt port's owner shapes its own TAP. "" clears it
 * (the portgroup's applies again at the next portgroup change). A floor
 * changed live is refused: it is a class on the bridge set at creation.
 */
json_object *m_port_bandwidth(struct call *k)
{
	json_object *reply = NULL;
	const char *network = rpc_param_str(k, "network", true, &reply);
	const char *port = rpc_param_str(k, "port", true, &reply);
	const char *xml = rpc_param_str(k, "bandwidth", true, &reply);
	struct netdef_bandwidth bw = { 0 };
	struct nd_err err = { 0 };
	struct tapdev_nl *nl = NULL;
	struct tapdev_qos q = { 0 };
	struct netd_port *p;
	int r = 0;

	if (!network || !port || !xml)
		return reply;
	if (!(p = port_find(k->d, network, port)))
		return netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' has no port '%.16s'", network, port);
	if (*xml && netdef_bandwidth_parse_string(xml, &bw, &err) < 0)
		return rpc_failed(k, &err);
	if (bw.inbound.floor || bw.outbound.floor || p->floor_class) {
		nd_err_set(&err, -EOPNOTSUPP, network, "port %s: a floor is set when the port is made, not changed live",
			   p->name);
		return rpc_failed(k, &err);
	}
	if (!p->reserved && !p->unplugged) {
		tapdev_qos_from_bandwidth(&bw, &q);
		if ((r = tapdev_nl_open(&nl, &err)) == 0) {
			if (tapdev_qos_any(&q))
				r = tapdev_qos_set(nl, p->name, &q, &err);
			else if (p->shaped)
				r = tapdev_qos_clear(nl, p->name, &err);
			tapdev_nl_close(nl);
		}
		if (r < 0)
			return rpc_failed(k, &err);
		p->shaped = tapdev_qos_any(&q);
	}
	free(p->own_bandwidth_xml);
	p->own_bandwidth_xml = *xml ? strdup(xml) : NULL;
	p->own_bandwidth = *xml != '\0';
	record_save(k->d, p);
	netd_log(NETD_LOG_INFO, network, "port %s: bandwidth %s", p->name, *xml ? "changed" : "cleared");
	return rpc_ok(k, port_json(p));
}

json_object *m_port_list(struct call *k)
{
	json_object *reply = NULL, *a;
	const char *network = rpc_param_str(k, "network", true, &reply);
	struct netd_port *p;

	if (!network)
		return reply;
	if (!netd_net_lookup(k->d, network))
		return netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' not found", network);
	network = netd_net_name(netd_net_lookup(k->d, network));
	a = json_object_new_array();
	FOR_PORTS_OF(k->d, network, p, x, nx)
		json_object_array_add(a, port_json(p));
	return rpc_ok(k, a);
}

json_object *m_port_delete(struct call *k)
{
	json_object *reply = NULL;
	const char *network = rpc_param_str(k, "network", true, &reply);
	const char *port = rpc_param_str(k, "port", true, &reply);
	struct netd_port *p;

	if (!network || !port)
		return reply;
	if (!(p = port_find(k->d, network, port)))
		return netd_reply_error(k->id, NETD_RPC_FAILED, "network '%.64s' has no port '%.16s'", network, port);
	if (p->ovs && !p->reserved) {
		/* answered once OVS has let go of it */
		struct netd_pending *pend = netd_control_defer(k->d, k->c, k->id);

		if (pend) {
			port_remove_answering(k->d, p, true, pend);
			return NETD_REPLY_DEFERRED;
		}
	}
	port_remove(k->d, p, true);
	return rpc_ok(k, NULL);
}

static int json_suffix(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

/* after a restart: ports whose device still exists are listed again */
/* a port's record (run/ports/ or config/ports/) read back */
static void port_fields(json_object *o, struct netd_port *p)
{
	json_object *v;

	if (json_object_object_get_ex(o, "port", &v))
		snprintf(p->name, sizeof(p->name), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "network", &v))
		snprintf(p->network, sizeof(p->network), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "mac", &v))
		snprintf(p->mac, sizeof(p->mac), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "portgroup", &v))
		snprintf(p->portgroup, sizeof(p->portgroup), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "queues", &v))
		p->queues = (unsigned)json_object_get_int(v);
	if (json_object_object_get_ex(o, "persistent", &v))
		p->persistent = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "owner_pid", &v))
		p->owner_pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "owner_start", &v))
		p->owner_start = (unsigned long long)json_object_get_int64(v);
	if (json_object_object_get_ex(o, "ovs", &v))
		p->ovs = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "existing", &v))
		p->existing = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "bridge", &v))
		snprintf(p->bridge, sizeof(p->bridge), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "iface_id", &v))
		snprintf(p->iface_id, sizeof(p->iface_id), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "vm_uuid", &v))
		snprintf(p->vm_uuid, sizeof(p->vm_uuid), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "vm_name", &v))
		snprintf(p->vm_name, sizeof(p->vm_name), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "reserved", &v))
		p->reserved = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "vlan", &v))
		snprintf(p->vlan, sizeof(p->vlan), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "shaped", &v))
		p->shaped = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "own_bandwidth", &v))
		p->own_bandwidth = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "floor_class", &v))
		p->floor_class = (unsigned)json_object_get_int(v);
	if (json_object_object_get_ex(o, "plugged", &v))
		p->unplugged = !json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "own_vlan", &v))
		p->own_vlan_xml = strdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "own_bandwidth_xml", &v))
		p->own_bandwidth_xml = strdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "floor_kBps", &v))
		p->floor_kBps = (unsigned long long)json_object_get_int64(v);
}

void netd_ports_load(struct netd *d)
{
	char dir[4096], path[4400];
	struct dirent **ents;
	struct tapdev_nl *nl = NULL;
	int count;

	snprintf(dir, sizeof(dir), "%s/ports", d->opts.run_dir);
	count = scandir(dir, &ents, json_suffix, alphasort);
	if (count <= 0 || tapdev_nl_open(&nl, NULL) < 0) {
		if (count > 0) {
			for (int i = 0; i < count; i++)
				free(ents[i]);
			free(ents);
		}
		return;
	}
	for (int i = 0; i < count; i++) {
		_cleanup_free_ char *text = NULL;
		json_object *o = NULL;
		struct netd_port *p = calloc(1, sizeof(*p));
		struct netd_net *n;
		bool owner_alive;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
		if (!p || nd_file_read(path, 65536, &text, NULL, NULL) < 0 || !(o = json_tokener_parse(text)) ||
		    !json_object_is_type(o, json_type_object)) {
			netd_log(NETD_LOG_ERR, NULL, "%s: unreadable port record: skipped", path);
			free(p);
			json_object_put(o);
			continue;
		}
		port_fields(o, p);
		json_object_put(o);
		p->owner_pidfd = -1;
		n = netd_net_find(d, p->network);
		/* a port of a netd from before owners were processes has no start time: its pid is trusted */
		if (p->owner_pid > 0 && !p->owner_start)
			p->owner_start = netd_proc_start_time(p->owner_pid);
		owner_alive = p->persistent || (p->owner_pid > 0 && watch_owner(d, p) == 0);
		if (port_find(d, NULL, p->name) || port_index(d, p) < 0) {
			netd_log(NETD_LOG_ERR, p->network, "%s: port %s: a second record of the device, or out of memory: skipped",
				 path, p->name);
			if (p->owner_pidfd >= 0) {
				epoll_ctl(d->epfd, EPOLL_CTL_DEL, p->owner_pidfd, NULL);
				close(p->owner_pidfd);
			}
			free(p);
			continue;
		}
		if (!p->reserved && (!netdef_ifname_is_valid(p->name, false) || !tapdev_link_exists(nl, p->name))) {
			/* its QEMU ended while netd was away: the TAP went with it, an OVS row may not have */
			netd_log(NETD_LOG_INFO, p->network, "port %s is gone: record removed", p->name);
			port_remove(d, p, p->ovs);
			continue;
		}
		if (n && n->def && !netd_net_is_active(n) && owner_alive &&
		    n->def->forward.mode != NETDEF_FORWARD_BRIDGE) {
			/* a stopped persistent network's port: kept for its next start */
			p->unplugged = true;
			p->floor_class = 0;
			record_save(d, p);
			netd_log(NETD_LOG_INFO, p->network, "port %s kept unplugged: its network is stopped", p->name);
			continue;
		}
		if (!n || !netd_net_is_active(n)) {
			/* its network is gone (cleaned up after a crash): the recorded device goes too */
			netd_log(NETD_LOG_WARN, p->network, "port %s outlived its network: removed", p->name);
			port_remove(d, p, true);
			continue;
		}
		if (!owner_alive) {
			netd_log(NETD_LOG_INFO, p->network, "port %s: its owner (pid %d) ended while netd was away: removed",
				 p->name, (int)p->owner_pid);
			port_remove(d, p, true);
			continue;
		}
		netd_log(NETD_LOG_INFO, p->network, "port %s adopted (owner %s%d)", p->name,
			 p->persistent ? "none, persistent; pid " : "pid ", (int)p->owner_pid);
	}
	free(ents);
	tapdev_nl_close(nl);
}

static char (*mfree_foreign(char (*v)[16]))[16]
{
	free(v);
	return NULL;
}

void netd_ports_network_stopped(struct netd *d, struct netd_net *n)
{
	/* a persistent network whose bridge netd makes keeps them; a transient one goes, a host's bridge is not ours */
	bool keep = n->def && n->live->forward.mode != NETDEF_FORWARD_BRIDGE;
	struct tapdev_nl *nl = NULL;
	struct netd_port *p;

	n->foreign = mfree_foreign(n->foreign);
	n->n_foreign = 0;
	if (keep && !n->ovs && tapdev_nl_open(&nl, NULL) == 0) {
		char (*names)[16] = NULL;
		size_t count = 0;

		/* what others put on the bridge (a libvirt domain's tap, a veth by hand) */
		if (tapdev_bridge_ports(nl, n->bridge, &names, &count, NULL) == 0) {
			for (size_t i = 0; i < count; i++)
				if (!port_find(d, NULL, names[i]))
					memcpy(names[n->n_foreign++], names[i], sizeof(names[0]));
			n->foreign = names;
			if (n->n_foreign) {
				char path[4096], text[16 * 64 + 1] = "";

				/* in the run dir too: a netd restart before the next start keeps them */
				for (size_t i = 0; i < n->n_foreign && i < 64; i++)
					snprintf(text + strlen(text), sizeof(text) - strlen(text), "%s\n", n->foreign[i]);
				netd_path(d, NETD_PATH_FOREIGN, netd_net_name(n), path, sizeof(path));
				nd_file_write_runtime(path, text, strlen(text), 0644, NULL);
				netd_log(NETD_LOG_INFO, netd_net_name(n), "%zu interface(s) of others on the bridge: put back "
					 "at net-start", n->n_foreign);
			}
		}
		tapdev_nl_close(nl);
	}
	FOR_PORTS_OF(d, netd_net_name(n), p, x, nx) {
		if (!keep) {
			port_remove(d, p, true);
			continue;
		}
		/* OVN: the integration bridge stays, so the port leaves it, and its logical port leaves NB */
		if (n->live->ovn.present && !p->reserved) {
			ovs_del_spawn(d, p, NULL);
			netd_ovn_port_forget(d, n, p);
		}
		/* its floor's class goes with the bridge; what it guaranteed stays in floor_kBps */
		p->floor_class = 0;
		p->unplugged = true;
		record_save(d, p);
		netd_log(NETD_LOG_INFO, p->network, "port %s unplugged: kept for the next net-start", p->name);
	}
}

static int port_replug(struct netd *d, struct netd_net *n, struct netd_port *p, struct tapdev_nl *nl, struct nd_err *err)
{
	const struct netdef_portgroup *pg;
	const struct netdef_vlan *vlan;
	struct netdef_vlan own = { 0 };
	char **del = NULL, **add = NULL;
	uint8_t mac[6];
	int r;

	if (netdef_mac_parse(p->mac, mac) < 0)
		return nd_err_set(err, -EINVAL, p->network, "port %s: bad MAC in its record", p->name);
	if ((p->own_vlan_xml && (r = netdef_vlan_parse_string(p->own_vlan_xml, &own, err)) < 0) ||
	    (r = port_settings(n, p->portgroup[0] ? p->portgroup : NULL, &own, &pg, &vlan, err)) < 0 ||
	    (r = attach(d, n, p, nl, mac, vlan, &del, &add, err)) < 0)
		goto out;
	if (p->ovs) {
		struct ovs_add *oa = calloc(1, sizeof(*oa));

		/* the add goes on in jobs; nobody waits for its answer */
		if (!oa) {
			r = nd_err_set(err, -ENOMEM, p->network, "out of memory");
			goto out;
		}
		snprintf(oa->port, sizeof(oa->port), "%s", p->name);
		snprintf(oa->network, sizeof(oa->network), "%s", p->network);
		oa->add_argv = TAKE_PTR(add);
		if ((r = netd_job_spawn(d, TAKE_PTR(del), NETD_OVS_TIMEOUT_S, ovs_del_stale_done, oa, err)) < 0) {
			ovs_add_free(oa);
			goto out;
		}
	}
	if (p->floor_kBps) {
		struct netdef_bandwidth bw = { .inbound = { .present = true, .floor = p->floor_kBps } };

		p->floor_kBps = 0;
		if ((r = floor_plug(d, n, p, p->own_bandwidth || !pg ? &bw : &pg->bandwidth, nl, err)) < 0)
			goto out;
	}
	p->unplugged = false;
	record_save(d, p);
	netd_log(NETD_LOG_INFO, p->network, "port %s plugged back in", p->name);
out:
	tapdev_argv_free(del);
	tapdev_argv_free(add);
	netdef_vlan_clear(&own);
	return r;
}

void netd_ports_network_gone(struct netd *d, const char *network)
{
	struct netd_port *p;

	FOR_PORTS_OF(d, network, p, x, nx)
		port_remove(d, p, true);
}

static void ports_recreate(struct netd *d, struct netd_net *n, struct tapdev_nl *nl);

/* the foreign interfaces a netd before a restart remembered for this network */
static void foreign_load(struct netd *d, struct netd_net *n)
{
	_cleanup_free_ char *text = NULL;
	char path[4096], *rest, *line;

	netd_path(d, NETD_PATH_FOREIGN, netd_net_name(n), path, sizeof(path));
	if (n->n_foreign || nd_file_read(path, 65536, &text, NULL, NULL) < 0)
		return;
	rest = text;
	while ((line = strsep(&rest, "\n"))) {
		char (*grown)[16];

		if (!netdef_ifname_is_valid(line, false) || !(grown = realloc(n->foreign, (n->n_foreign + 1) * sizeof(*grown))))
			continue;
		n->foreign = grown;
		snprintf(n->foreign[n->n_foreign++], sizeof(n->foreign[0]), "%s", line);
	}
}

void netd_ports_network_started(struct netd *d, struct netd_net *n)
{
	struct tapdev_nl *nl = NULL;
	struct netd_port *p;
	char path[4096];
	bool any;

	foreign_load(d, n);
	netd_path(d, NETD_PATH_FOREIGN, netd_net_name(n), path, sizeof(path));
	unlink(path);
	if (n->def && n->live->forward.mode != NETDEF_FORWARD_BRIDGE && tapdev_nl_open(&nl, NULL) == 0) {
		ports_recreate(d, n, nl);
		nl = tapdev_nl_close(nl);
	}
	any = n->n_foreign > 0;

	FOR_PORTS_OF(d, netd_net_name(n), p, x, nx)
		any |= p->unplugged;
	if (!any || tapdev_nl_open(&nl, NULL) < 0)
		return;
	FOR_PORTS_OF(d, netd_net_name(n), p, x, nx) {
		struct nd_err err = { 0 };

		if (p->reserved) { /* its owner's TAP is among the others' interfaces put back below */
			p->unplugged = false;
			snprintf(p->bridge, sizeof(p->bridge), "%s", n->bridge);
			record_save(d, p);
		} else if (p->unplugged && port_replug(d, n, p, nl, &err) < 0)
			netd_log_err(p->network, "plugging the port back in", &err);
	}
	for (size_t i = 0; i < n->n_foreign; i++) {
		struct tapdev_port_cfg cfg = { .ifname = n->foreign[i], .bridge = n->bridge };
		struct tapdev_link_info info;
		struct nd_err err = { 0 };

		/* still there and on no other bridge: back where it was */
		if (tapdev_link_get(nl, n->foreign[i], &info, NULL) < 0 || info.master)
			continue;
		cfg.mtu = info.mtu;
		if (tapdev_port_attach(nl, &cfg, &err) < 0)
			netd_log_err(netd_net_name(n), "putting an interface back on the bridge", &err);
		else
			netd_log(NETD_LOG_INFO, netd_net_name(n), "%s put back on bridge %s", n->foreign[i], n->bridge);
	}
	n->foreign = mfree_foreign(n->foreign);
	n->n_foreign = 0;
	tapdev_nl_close(nl);
}

/*
 * After a reboot the run dir is empty and the TAPs are gone: a persistent
 * TAP port's definition (config/ports/) makes it again, with its name, MAC,
 * queues, portgroup, VLAN and bandwidth, when its network starts (a libvirt
 * domain's <target dev managed='no'/> finds it there).
 */
static void ports_recreate(struct netd *d, struct netd_net *n, struct tapdev_nl *nl)
{
	char dir[4096], path[4400];
	struct dirent **ents;
	int count;

	snprintf(dir, sizeof(dir), "%s/ports", d->opts.config_dir);
	if ((count = scandir(dir, &ents, json_suffix, alphasort)) <= 0)
		return;
	for (int i = 0; i < count; i++) {
		_cleanup_free_ char *text = NULL;
		struct netdef_bandwidth own_bw = { 0 };
		const struct netdef_portgroup *pg;
		json_object *o = NULL;
		struct netd_port *p = NULL;
		struct nd_err err = { 0 };
		unsigned flags = TAPDEV_VNET_HDR;
		int fds[TAPDEV_MAX_QUEUES];

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
		if (nd_file_read(path, 65536, &text, NULL, NULL) < 0 || !(o = json_tokener_parse(text)) ||
		    !(p = calloc(1, sizeof(*p))))
			goto next;
		port_fields(o, p);
		p->owner_pidfd = -1;
		if (strcmp(p->network, netd_net_name(n)) != 0 || port_find(d, NULL, p->name) || p->existing ||
		    !netdef_ifname_is_valid(p->name, false) || tapdev_link_exists(nl, p->name))
			goto next;
		if (n->ovs && !tapdev_ovs_kernel_datapath())
			flags |= TAPDEV_NO_CSUM;
		p->queues = p->queues ? p->queues : 1;
		if (tapdev_tap_create(p->name, p->queues, flags, fds, &err) < 0)
			goto fail;
		tapdev_tap_set_persist(fds[0], true, &err);
		for (unsigned q = 0; q < p->queues; q++)
			close(fds[q]);
		if (err.code)
			goto fail_link;
		p->persistent = true;
		p->owner_pid = 0;
		p->floor_class = 0;
		p->floor_kBps = 0;
		p->shaped = false;
		p->ovs = n->ovs;
		snprintf(p->bridge, sizeof(p->bridge), "%s", n->bridge);
		pg = p->portgroup[0] ? netdef_portgroup_find(n->live, p->portgroup) : NULL;
		if ((p->own_bandwidth_xml && netdef_bandwidth_parse_string(p->own_bandwidth_xml, &own_bw, &err) < 0) ||
		    port_index(d, p) < 0) {
			if (!err.code)
				nd_err_set(&err, -ENOMEM, p->network, "out of memory");
			goto fail_link;
		}
		p->unplugged = true;
		if (port_qos(d, n, nl, p, pg, &own_bw, &err) < 0 || port_replug(d, n, p, nl, &err) < 0) {
			netd_log_err(p->network, "making a persistent port again", &err);
			port_remove(d, p, true);
			p = NULL;
			goto next;
		}
		netd_log(NETD_LOG_INFO, p->network, "persistent port %s made again from its definition", p->name);
		p = NULL;
		goto next;
	fail_link:
		tapdev_link_delete(nl, p->name, NULL);
	fail:
		netd_log_err(p->network, "making a persistent port again", &err);
	next:
		if (p) {
			free(p->own_vlan_xml);
			free(p->own_bandwidth_xml);
			free(p);
		}
		json_object_put(o);
	}
	free(ents);
}
