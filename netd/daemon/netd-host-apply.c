/*
 * What a network is on the host: the real appliers behind struct netd_ops
 * (netd-driver.c runs the state machine over them; the unit tests run it
 * over fakes). Bridges, addresses and routes through tapdev (rtnetlink), the
 * firewall through one nftables batch per change, sysctls, coexistence,
 * dnsmasq. Each step has an undo; a failed undo is the caller's to remember.
 */
#include "netd/daemon/netd-net.h"
#include "netd/daemon/netd-ovn.h"

#include <errno.h>
#include <stdlib.h>
#include <linux/netfilter.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/dhcp.h"
#include "firewall/fw.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-jobs.h"
#include "netd/daemon/netd-log.h"
#include "tapdev/tapdev.h"

#define NETD_MARK_PREFIX "netd:"

/* the mark on devices netd made for a network: IFLA_IFALIAS "netd:NAME" */
static void mark_of(const char *net, char *buf, size_t len)
{
	snprintf(buf, len, NETD_MARK_PREFIX "%.64s", net);
}

int netd_qos_check(const struct netdef *def, struct nd_err *err)
{
	const struct netdef_bandwidth *net = &def->bandwidth;
	bool floor = false;

	if (net->inbound.floor || net->outbound.floor)
		return nd_err_set(err, -EOPNOTSUPP, def->name, "<bandwidth floor>: a floor is a guest's, not the "
				  "network's (put it in a <portgroup>, as with libvirt)");
	for (size_t i = 0; i < def->n_portgroups; i++) {
		const struct netdef_bandwidth *bw = &def->portgroups[i].bandwidth;

		if (bw->outbound.floor)
			return nd_err_set(err, -EOPNOTSUPP, def->name, "portgroup '%s': a floor is for <inbound> only (as "
					  "libvirt)", def->portgroups[i].name);
		floor |= bw->inbound.floor != 0;
	}
	if (floor && (!net->inbound.present || !net->inbound.average))
		return nd_err_set(err, -EINVAL, def->name, "a portgroup's inbound 'floor' needs the network's own inbound "
				  "<bandwidth>: its rate is what the floors share");
	if (floor && def->forward.mode == NETDEF_FORWARD_BRIDGE)
		return nd_err_set(err, -EOPNOTSUPP, def->name, "'floor' needs a bridge netd shapes (nat, route, open or "
				  "isolated), not forward mode='bridge'");
	return 0;
}

struct fw_conn *netd_fw(struct netd *d, struct nd_err *err)
{
	if (!d->fw && fw_conn_open(&d->fw, err) < 0)
		return NULL;
	return d->fw;
}

static bool other_firewalled_active(struct netd *d, const struct netd_net *self)
{
	for (struct netd_net *n = d->nets; n; n = n->next)
		if (n != self && n->state != NETD_NET_INACTIVE && n->live && fw_network_has_rules(n->live))
			return true;
	return false;
}

/* start (n networks) or stop (one); defs[0], bridges[0] for a stop */
static int firewall_commit(struct netd *d, const struct netdef *const *defs, const char *const *bridges, size_t n,
			   bool start, bool with_addrs, struct nd_err *err)
{
	struct fw_conn *fw = netd_fw(d, err);
	uint32_t before = 0, after = 0;
	bool known = fw && fw_ruleset_genid(fw, &before, NULL) == 0;
	bool in_place = known && d->nft_genid_ok && before == d->nft_genid;
	struct fw_batch b;
	int r;

	if (!fw)
		return err ? err->code : -EIO;
	r = start ? fw_build_networks_start(defs, bridges, n, !in_place, d->nft_seq, &b, err)
		  : fw_build_network_stop(defs[0], bridges[0], with_addrs, d->nft_seq, &b, err);
	if (r < 0)
		return r;
	d->nft_seq = b.seq_next;
	r = fw_batch_apply(fw, &b, err);
	fw_batch_free(&b);
	/* a start leaves the dispatch rules in place; a stop, as it found them;
	 * only our own commit may lie between before and after */
	d->nft_genid_ok = r == 0 && (start || in_place) && known && fw_ruleset_genid(fw, &after, NULL) == 0 &&
			  after == before + 1;
	d->nft_genid = after;
	return r;
}

static int firewall_apply(struct netd *d, const struct netdef *def, const char *bridge, bool start,
			  struct nd_err *err)
{
	return firewall_commit(d, &def, &bridge, 1, start, true, err);
}

static int firewall_remove(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct fw_conn *fw = netd_fw(d, err);
	struct fw_batch b;
	int r;

	if (!fw)
		return err ? err->code : -EIO;
	/* the last network takes the whole table with it, in one batch: each batch
	 * that destroys objects waits out a kernel RCU grace period (~15-30 ms) */
	if (!other_firewalled_active(d, n) && fw_build_table_delete(d->nft_seq, &b, NULL) == 0) {
		d->nft_seq = b.seq_next;
		d->nft_genid_ok = false;
		if (fw_batch_apply(fw, &b, NULL) == 0) { /* ENOENT when someone flushed it: nothing left to do */
			fw_batch_free(&b);
			return 0;
		}
		fw_batch_free(&b);
	}
	r = firewall_apply(d, n->live, n->bridge, false, err);
	/* started by a netd before the svc sets: none of its addresses is there to delete */
	if (r == -ENOENT) {
		if (err)
			memset(err, 0, sizeof(*err));
		r = firewall_commit(d, (const struct netdef *const *)&n->live, (const char *const[]){ n->bridge }, 1, false,
				    false, err);
	}
	return r == -ENOENT ? 0 : r;
}

/* refuse before anything changes: a foreign bridge, overlapping subnets */
static int check_collisions(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	const struct netdef *def = n->live;
	char desc[128], t[64];

	if (n->ovs) {
		/* asked of OVS in the bridge step (ovs_bridge_claim) */
		n->bridge_created = false;
	} else if (tapdev_link_exists(nl, n->bridge)) {
		return nd_err_set(err, -EEXIST, def->name,
				  "bridge '%s' already exists and is not netd's: refusing to take it over",
				  n->bridge);
	} else {
		n->bridge_created = true;
	}
	for (size_t i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];
		int r;

		for (struct netd_net *o = d->nets; o; o = o->next) {
			if (o == n || o->state == NETD_NET_INACTIVE || !o->live)
				continue;
			for (size_t j = 0; j < o->live->n_ips; j++)
				if (netdef_subnets_overlap(&ip->address, ip->prefix, &o->live->ips[j].address,
							   o->live->ips[j].prefix))
					return nd_err_set(err, -EADDRINUSE, def->name,
							  "subnet %s/%u overlaps network '%s'",
							  netdef_addr_format(&ip->address, t, sizeof(t)), ip->prefix,
							  o->live->name);
		}
		r = tapdev_route_overlap(nl, &ip->address, ip->prefix, NULL, desc, sizeof(desc), err);
		if (r < 0)
			return r;
		if (r > 0)
			return nd_err_set(err, -EADDRINUSE, def->name,
					  "subnet %s/%u overlaps the host route %s",
					  netdef_addr_format(&ip->address, t, sizeof(t)), ip->prefix, desc);
	}
	return 0;
}

static int bridge_cfg(const struct netd_net *n, struct tapdev_bridge_cfg *cfg)
{
	const struct netdef *def = n->live;

	memset(cfg, 0, sizeof(*cfg));
	cfg->name = n->bridge;
	cfg->mtu = def->mtu;
	cfg->stp = def->bridge.stp == NETDEF_YES; /* netd's default: off (README) */
	cfg->delay_s = def->bridge.has_delay ? def->bridge.delay : 0;
	if (def->mac && netdef_mac_parse(def->mac, cfg->mac) == 0)
		cfg->has_mac = true;
	cfg->vlan_filtering = netd_def_has_vlans(def);
	return 0;
}

/* an existing OVS bridge of that name is used as it is (and left on destroy); a Linux link of that name is refused */
static int ovs_bridge_claim(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, bool exists, struct nd_err *err)
{
	if (!exists && tapdev_link_exists(nl, n->bridge))
		return nd_err_set(err, -EEXIST, n->live->name, "'%s' already exists and is not an Open vSwitch bridge",
				  n->bridge);
	/* in the record before add-br: a crash after it leaves a record that removes the bridge */
	n->bridge_created = !exists;
	n->dirty = true;
	netd_net_save(d, n, NULL);
	return 0;
}

static int ovs_bridge_ready(struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	struct tapdev_bridge_cfg cfg;

	bridge_cfg(n, &cfg);
	return tapdev_link_set_mac_mtu(nl, n->bridge, cfg.has_mac ? cfg.mac : NULL, cfg.mtu, err);
}

/* the bridge step of an OVS network, or its undo, as ovs-vsctl jobs: the daemon serves others meanwhile */
struct ovs_step {
	struct netd_net *n; /* a reference until the job ends */
	enum netd_ovs_br_verb verb;
};

static void ovs_step_done(struct netd *d, void *ctx, int status, char *out);

static int ovs_step_spawn(struct netd *d, struct ovs_step *o, struct nd_err *err)
{
	char **argv;
	int r;

	if ((r = netd_ovs_bridge_argv(d, o->verb, o->n->bridge, &argv, err)) < 0)
		return r;
	return netd_job_spawn(d, argv, NETD_OVS_TIMEOUT_S, ovs_step_done, o, err);
}

static void ovs_step_done(struct netd *d, void *ctx, int status, char *out)
{
	struct ovs_step *o = ctx;
	struct netd_net *n = o->n;
	struct tapdev_nl *nl = NULL;
	struct nd_err err = { 0 };
	int r = tapdev_ovs_result("ovs-vsctl", status, out, NETD_OVS_TIMEOUT_S, &err);

	if (o->verb == NETD_OVS_BR_EXISTS && (r == 0 || r == -ENOENT)) {
		bool exists = r == 0;

		memset(&err, 0, sizeof(err));
		if ((r = tapdev_nl_open(&nl, &err)) == 0 && (r = ovs_bridge_claim(d, n, nl, exists, &err)) == 0 &&
		    n->bridge_created) {
			o->verb = NETD_OVS_BR_ADD;
			if ((r = ovs_step_spawn(d, o, &err)) == 0) {
				tapdev_nl_close(nl);
				return;
			}
		}
	}
	if (r == 0 && o->verb != NETD_OVS_BR_DEL && (nl || (r = tapdev_nl_open(&nl, &err)) == 0))
		r = ovs_bridge_ready(n, nl, &err);
	tapdev_nl_close(nl);
	netd_net_step_done(d, n, r, &err);
	netd_net_unref(n);
	free(o);
}

static int ovs_step_start(struct netd *d, struct netd_net *n, bool undo, struct nd_err *err)
{
	struct ovs_step *o = calloc(1, sizeof(*o));
	int r;

	if (!o)
		return nd_err_set(err, -ENOMEM, n->live->name, "out of memory");
	o->n = netd_net_ref(n);
	o->verb = undo ? NETD_OVS_BR_DEL : NETD_OVS_BR_EXISTS;
	if ((r = ovs_step_spawn(d, o, err)) < 0) {
		netd_net_unref(n);
		free(o);
		return r;
	}
	return NETD_PENDING;
}

/*
 * The host's side of a vlan_filtering bridge (its addresses, DHCP, DNS, NAT)
 * is on the VLAN a port without a portgroup gets: the default portgroup's,
 * else the network's <vlan>; with neither, the kernel's VLAN 1 stays.
 */
static const struct netdef_vlan *host_side_vlan(const struct netdef *def)
{
	const struct netdef_portgroup *pg = netdef_portgroup_find(def, NULL);

	if (pg && pg->vlan.present)
		return &pg->vlan;
	return def->vlan.present ? &def->vlan : NULL;
}

static int add_bridge(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	const struct netdef_vlan *host_vlan;
	struct tapdev_bridge_cfg cfg;
	char mark[NETDEF_NAME_MAX + 8];
	int r;

	if (n->ovs) {
		if (n->may_defer)
			return ovs_step_start(d, n, false, err);
		if ((r = netd_ovs_bridge_run(d, NETD_OVS_BR_EXISTS, n->bridge, err)) < 0 ||
		    (r = ovs_bridge_claim(d, n, nl, r == 1, err)) < 0 ||
		    (n->bridge_created && (r = netd_ovs_bridge_run(d, NETD_OVS_BR_ADD, n->bridge, err)) < 0))
			return r;
		return ovs_bridge_ready(n, nl, err);
	}
	bridge_cfg(n, &cfg);
	mark_of(n->live->name, mark, sizeof(mark));
	cfg.alias = mark;
	r = tapdev_bridge_add(nl, &cfg, err);
	if (r == -EOPNOTSUPP && cfg.vlan_filtering) {
		memset(err, 0, sizeof(*err));
		return nd_err_set(err, r, n->live->name,
				  "portgroup VLANs on a Linux bridge need bridge vlan_filtering: kernel lacks bridge vlan_filtering "
				  "(use <virtualport type='openvswitch'/> for VLANs on this host)");
	}
	if (r == 0 && cfg.vlan_filtering && (host_vlan = host_side_vlan(n->live)) &&
	    (r = tapdev_bridge_self_vlans(nl, n->bridge, host_vlan, err)) < 0)
		tapdev_link_delete(nl, n->bridge, NULL);
	return r;
}

/* removes the bridge netd made; -ENODEV (already gone) counts as done */
static int del_bridge(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	int r;

	if (!n->bridge_created || !n->bridge[0])
		return 0;
	if (n->ovs)
		return n->may_defer ? ovs_step_start(d, n, true, err) : netd_ovs_bridge_run(d, NETD_OVS_BR_DEL, n->bridge, err);
	r = tapdev_link_delete(nl, n->bridge, err); /* takes its addresses and routes along */
	return r == -ENODEV ? 0 : r;
}

static int do_step(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, enum netd_step s, struct nd_err *err)
{
	const struct netdef *def = n->live;
	int r = 0;

	switch (s) {
	case NETD_STEP_BRIDGE:
		return add_bridge(d, n, nl, err);
	case NETD_STEP_ADDRESSES:
		for (size_t i = 0; i < def->n_ips && r >= 0; i++)
			r = tapdev_addr_add(nl, n->bridge, &def->ips[i].address, def->ips[i].prefix, err);
		return r;
	case NETD_STEP_LINK_UP:
		return tapdev_link_set_up(nl, n->bridge, true, err);
	case NETD_STEP_ROUTES:
		for (size_t i = 0; i < def->n_routes && r >= 0; i++)
			r = tapdev_route_add(nl, n->bridge, &def->routes[i], err);
		return r;
	case NETD_STEP_SYSCTL:
		return netd_sysctl_prepare(def, n->bridge, err);
	case NETD_STEP_FIREWALL:
		return fw_network_has_rules(def) ? firewall_apply(d, def, n->bridge, true, err) : 0;
	case NETD_STEP_COEXIST:
		return netd_coexist_start(d, n, err);
	case NETD_STEP_DNSMASQ:
		return dhcp_needed(def) ? netd_dnsmasq_start(d, n, err) : 0;
	case NETD_STEP_QOS: {
		struct tapdev_qos q;

		tapdev_qos_from_bandwidth(&def->bandwidth, &q);
		q.hierarchical = true; /* guests' floors get classes under the network's rate */
		if ((r = tapdev_qos_set(nl, n->bridge, &q, err)) == TAPDEV_QOS_NO_SFQ)
			netd_log(NETD_LOG_WARN, def->name, "bandwidth: kernel lacks sch_sfq: the inbound rate is shaped "
				 "without fair queueing among flows");
		return r < 0 ? r : 0;
	}
	default:
		return -EINVAL;
	}
}

/* a host bridge (forward mode bridge) is only checked, never changed */
static int start_host_bridge(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	struct tapdev_link_info info;
	int r;

	if (!n->live->bridge.name)
		return nd_err_set(err, -EINVAL, n->live->name,
				  "<forward mode='bridge'> needs <bridge name='...'/> to start");
	r = tapdev_link_get(nl, n->live->bridge.name, &info, err);
	if (r < 0 && r != -ENODEV)
		return r;
	/* Linux bridge or Open vSwitch, whichever it is; the XML may insist on OVS */
	n->ovs = r == -ENODEV || !info.is_bridge || netd_def_uses_ovs(n->live);
	if (n->ovs) {
		memset(err, 0, sizeof(*err));
		r = netd_ovs_bridge_run(d, NETD_OVS_BR_EXISTS, n->live->bridge.name, err);
		if (r < 0 && netd_def_uses_ovs(n->live))
			return r;
		if (r <= 0)
			return nd_err_set(err, -ENODEV, n->live->name, "host bridge '%s' does not exist%s",
					  n->live->bridge.name, netd_def_uses_ovs(n->live) ? " in Open vSwitch" : "");
	}
	n->bridge_created = false;
	snprintf(n->bridge, sizeof(n->bridge), "%s", n->live->bridge.name);
	return 0;
}

/*
 * Is the recorded bridge netd's? It must carry netd's mark for this network;
 * a netd before the mark existed left none, so an unmarked bridge of a legacy
 * record is taken (and marked now). A foreign device of the same name is
 * never adopted or deleted.
 */
static int real_bridge_owner(struct netd *d, const char *net, const char *bridge, bool created, bool ovs,
			     bool legacy)
{
	struct tapdev_link_info info;
	struct tapdev_nl *nl = NULL;
	char mark[NETDEF_NAME_MAX + 8];
	int r = NETD_BRIDGE_ABSENT;

	(void)d;
	if (!bridge[0] || tapdev_nl_open(&nl, NULL) < 0)
		return NETD_BRIDGE_ABSENT;
	if (tapdev_link_get(nl, bridge, &info, NULL) == 0) {
		mark_of(net, mark, sizeof(mark));
		if (!created || ovs || strcmp(info.alias, mark) == 0) {
			/* a host bridge or an OVS bridge is used as it is; netd's own carries the mark */
			r = NETD_BRIDGE_OURS;
		} else if (legacy && !info.alias[0] && info.is_bridge) {
			tapdev_link_set_alias(nl, bridge, mark, NULL);
			r = NETD_BRIDGE_OURS;
		} else {
			r = NETD_BRIDGE_FOREIGN;
		}
	}
	tapdev_nl_close(nl);
	return r;
}

/*
 * The adopted networks' rules, applied again in batches of ADOPT_BATCH: each
 * commit costs the kernel a validation of the whole table, so 1000 networks
 * one by one took ~2.5 s and 32 at a time ~0.1 s; 32 networks' messages also
 * stay well under the netlink socket's send buffer.
 */
#define ADOPT_BATCH 32
static void real_firewall_readopt(struct netd *d)
{
	const struct netdef *defs[ADOPT_BATCH];
	const char *bridges[ADOPT_BATCH];
	struct netd_net *nets[ADOPT_BATCH];
	struct netd_net *n = d->nets;

	while (n) {
		struct nd_err err = { 0 };
		size_t k = 0;

		for (; n && k < ADOPT_BATCH; n = n->next) {
			if (!netd_net_is_active(n) || !n->fw_pending)
				continue;
			n->fw_pending = false;
			nets[k] = n;
			defs[k] = n->live;
			bridges[k++] = n->bridge;
		}
		if (k && firewall_commit(d, defs, bridges, k, true, true, &err) < 0)
			for (size_t i = 0; i < k; i++)
				netd_log_err(netd_net_name(nets[i]), "re-applying firewall rules", &err);
	}
}


/* the reverse of a step; steps that only add to the bridge go with it */
static int undo_step(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, enum netd_step s, struct nd_err *err)
{
	switch (s) {
	case NETD_STEP_BRIDGE:
		return del_bridge(d, n, nl, err);
	case NETD_STEP_FIREWALL:
		return fw_network_has_rules(n->live) ? firewall_remove(d, n, err) : 0;
	case NETD_STEP_COEXIST:
		netd_coexist_stop(d, n->live->name);
		return 0;
	case NETD_STEP_DNSMASQ:
		netd_dnsmasq_stop(d, n); /* asynchronous: the event loop reaps it */
		return 0;
	case NETD_STEP_QOS: {
		int r = tapdev_qos_clear(nl, n->bridge, err);

		return r == -ENODEV ? 0 : r; /* gone with its bridge */
	}
	default:
		return 0; /* addresses and routes go with the bridge; sysctls stay, as with libvirt */
	}
}

static int real_step(struct netd *d, struct netd_net *n, enum netd_step s, bool undo, struct nd_err *err)
{
	struct tapdev_nl *nl = NULL;
	bool need_nl = s == NETD_STEP_BRIDGE || s == NETD_STEP_LINK_UP || s == NETD_STEP_ADDRESSES ||
		       s == NETD_STEP_ROUTES || s == NETD_STEP_QOS;
	int r;

	if (need_nl && (r = tapdev_nl_open(&nl, err)) < 0)
		return r;
	r = undo ? undo_step(d, n, nl, s, err) : do_step(d, n, nl, s, err);
	tapdev_nl_close(nl);
	return r;
}

/* refuses before anything changes; a host bridge is only checked */
static int real_prepare(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct tapdev_nl *nl = NULL;
	int r;

	if ((r = netd_qos_check(n->live, err)) < 0 || (r = tapdev_nl_open(&nl, err)) < 0)
		return r;
	if (n->live->forward.mode == NETDEF_FORWARD_BRIDGE) {
		r = start_host_bridge(d, n, nl, err);
	} else if (n->live->ovn.present) {
		r = netd_ovn_start(d, n, err);
	} else {
		n->ovs = netd_def_uses_ovs(n->live);
		if ((r = tapdev_pick_bridge_name(nl, n->live->bridge.name, n->bridge, err)) == 0 &&
		    (r = check_collisions(d, n, nl, err)) == 0 && dhcp_needed(n->live))
			r = netd_ports_check_free(d, n->live, err);
	}
	tapdev_nl_close(nl);
	return r;
}

static bool real_bridge_present(struct netd *d, struct netd_net *n)
{
	struct tapdev_nl *nl = NULL;
	bool ok = true;

	(void)d;
	if (tapdev_nl_open(&nl, NULL) == 0) {
		ok = tapdev_link_exists(nl, n->bridge);
		tapdev_nl_close(nl);
	}
	return ok;
}

/* rules and DOCKER-USER entries put back (idempotent); says what was missing */
static int real_repair(struct netd *d, struct netd_net *n, char *ret, size_t len, struct nd_err *err)
{
	struct fw_conn *fw = netd_fw(d, err);
	int r;

	if (!fw)
		return err ? err->code : -EIO;
	if (fw_network_has_rules(n->live)) {
		int present = fw_table_exists(fw, NULL);
		struct nd_err ferr = { 0 };

		/* the whole ruleset of the network is one idempotent batch: re-applying repairs any loss */
		if ((r = firewall_apply(d, n->live, n->bridge, true, &ferr)) < 0)
			return nd_err_set(err, r, n->live->name, "re-applying firewall rules: %s", ferr.msg);
		if (present == 0)
			snprintf(ret, len, "nftables table inet netd was missing: rules re-applied");
	}
	if (!d->opts.no_coexist && fw_docker_user_present(fw, NFPROTO_IPV4) &&
	    fw_docker_user_count(fw, NFPROTO_IPV4, n->live->name) == 0 && netd_coexist_start(d, n, NULL) == 0 &&
	    fw_docker_user_count(fw, NFPROTO_IPV4, n->live->name) > 0)
		snprintf(ret + strlen(ret), len - strlen(ret), "%saccept rules re-added to DOCKER-USER",
			 ret[0] ? "; " : "");
	return 0;
}

const struct netd_ops netd_real_ops = {
	.prepare = real_prepare,
	.step = real_step,
	.bridge_present = real_bridge_present,
	.bridge_owner = real_bridge_owner,
	.repair = real_repair,
	.firewall_readopt = real_firewall_readopt,
	.ovn_repair = netd_ovn_repair,
};
