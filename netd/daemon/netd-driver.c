/*
 * Starting and stopping a network. Start is a transaction: the record is
 * written first (state "starting", with the bridge name), then each step
 * runs; a failure undoes the steps done, in reverse, and the error names the
 * step. A crash at any point leaves a record that the next daemon reads:
 * "active" with its (marked) bridge present is adopted, anything else is
 * cleaned up. What a teardown cannot remove is remembered (state "failed")
 * and retried by the next destroy or start, never forgotten.
 */
#include "netd/daemon/netd-net.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <linux/netfilter.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "dhcp/dhcp.h"
#include "firewall/fw.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-port.h"
#include "tapdev/tapdev.h"

#define NETD_MARK_PREFIX "netd:"

/* the mark on devices netd made for a network: IFLA_IFALIAS "netd:NAME" */
static void mark_of(const char *net, char *buf, size_t len)
{
	snprintf(buf, len, NETD_MARK_PREFIX "%.64s", net);
}

/*
 * The sysctls come before the link goes up: a bridge whose network has no
 * IPv6 never gets a link-local address or its routes (which the kernel would
 * announce, and then withdraw), and one that has IPv6 accepts no router
 * advertisement from the moment it is up.
 */
enum step { STEP_BRIDGE, STEP_SYSCTL, STEP_LINK_UP, STEP_ADDRESSES, STEP_ROUTES, STEP_FIREWALL,
	    STEP_COEXIST, STEP_DNSMASQ, _STEP_MAX };

static const char *const step_names[_STEP_MAX] = { "bridge", "sysctls", "link up", "addresses", "routes",
						   "firewall", "coexistence", "dnsmasq" };

/* "step 'firewall': <original error>" */
static int step_failed(struct nd_err *err, enum step s)
{
	char msg[sizeof(err->msg)];

	snprintf(msg, sizeof(msg), "step '%s' failed: %.480s", step_names[s], err->msg);
	memcpy(err->msg, msg, sizeof(msg));
	return err->code;
}

static void remove_run_files(struct netd *d, const char *name)
{
	static const enum netd_path kinds[] = { NETD_PATH_RUN_RECORD, NETD_PATH_RUN_STATUS, NETD_PATH_RUN_XML,
						NETD_PATH_DNSMASQ_CONF, NETD_PATH_DNSMASQ_HOSTS,
						NETD_PATH_DNSMASQ_ADDN, NETD_PATH_DNSMASQ_SERVERS };
	char path[4096];

	for (size_t i = 0; i < ND_ELEMENTSOF(kinds); i++)
		if (netd_path(d, kinds[i], name, path, sizeof(path)) == 0)
			unlink(path);
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
			   bool start, struct nd_err *err)
{
	uint32_t before = 0, after = 0;
	bool known = fw_ruleset_genid(&before, NULL) == 0;
	bool in_place = known && d->nft_genid_ok && before == d->nft_genid;
	struct fw_batch b;
	int r;

	r = start ? fw_build_networks_start(defs, bridges, n, !in_place, d->nft_seq, &b, err)
		  : fw_build_network_stop(defs[0], bridges[0], d->nft_seq, &b, err);
	if (r < 0)
		return r;
	d->nft_seq = b.seq_next;
	r = fw_batch_apply(&b, err);
	fw_batch_free(&b);
	/* a start leaves the dispatch rules in place; a stop, as it found them;
	 * only our own commit may lie between before and after */
	d->nft_genid_ok = r == 0 && (start || in_place) && known && fw_ruleset_genid(&after, NULL) == 0 &&
			  after == before + 1;
	d->nft_genid = after;
	return r;
}

static int firewall_apply(struct netd *d, const struct netdef *def, const char *bridge, bool start,
			  struct nd_err *err)
{
	return firewall_commit(d, &def, &bridge, 1, start, err);
}

static int firewall_remove(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct fw_batch b;
	int r;

	/* the last network takes the whole table with it, in one batch: each batch
	 * that destroys objects waits out a kernel RCU grace period (~15-30 ms) */
	if (!other_firewalled_active(d, n) && fw_build_table_delete(d->nft_seq, &b, NULL) == 0) {
		d->nft_seq = b.seq_next;
		d->nft_genid_ok = false;
		if (fw_batch_apply(&b, NULL) == 0) { /* ENOENT when someone flushed it: nothing left to do */
			fw_batch_free(&b);
			return 0;
		}
		fw_batch_free(&b);
	}
	if ((r = firewall_apply(d, n->live, n->bridge, false, err)) < 0 && r != -ENOENT)
		return r;
	return 0;
}

/* refuse before anything changes: a foreign bridge, overlapping subnets */
static int check_collisions(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	const struct netdef *def = n->live;
	char desc[128], t[64];

	if (n->ovs) {
		/* an existing OVS bridge of that name is used as it is (and left on destroy) */
		int r = netd_ovs_bridge_exists(d, n->bridge, err);

		if (r < 0)
			return r;
		n->bridge_created = r == 0;
		if (r == 0 && tapdev_link_exists(nl, n->bridge))
			return nd_err_set(err, -EEXIST, def->name,
					  "'%s' already exists and is not an Open vSwitch bridge", n->bridge);
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

static int add_bridge(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	struct tapdev_bridge_cfg cfg;
	char mark[NETDEF_NAME_MAX + 8];
	int r;

	bridge_cfg(n, &cfg);
	mark_of(n->live->name, mark, sizeof(mark));
	cfg.alias = mark;
	if (n->ovs) {
		if (n->bridge_created && (r = netd_ovs_bridge_add(d, n->bridge, err)) < 0)
			return r;
		return tapdev_link_set_mac_mtu(nl, n->bridge, cfg.has_mac ? cfg.mac : NULL, cfg.mtu, err);
	}
	r = tapdev_bridge_add(nl, &cfg, err);
	if (r == -EOPNOTSUPP && cfg.vlan_filtering) {
		memset(err, 0, sizeof(*err));
		return nd_err_set(err, r, n->live->name,
				  "portgroup VLANs on a Linux bridge need bridge vlan_filtering: kernel lacks bridge vlan_filtering "
				  "(use <virtualport type='openvswitch'/> for VLANs on this host)");
	}
	return r;
}

/* removes the bridge netd made; -ENODEV (already gone) counts as done */
static int del_bridge(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, struct nd_err *err)
{
	int r;

	if (!n->bridge_created || !n->bridge[0])
		return 0;
	if (n->ovs)
		return netd_ovs_bridge_del(d, n->bridge, err);
	r = tapdev_link_delete(nl, n->bridge, err); /* takes its addresses and routes along */
	return r == -ENODEV ? 0 : r;
}

static int do_step(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, enum step s, struct nd_err *err)
{
	const struct netdef *def = n->live;
	int r = 0;

	switch (s) {
	case STEP_BRIDGE:
		return add_bridge(d, n, nl, err);
	case STEP_ADDRESSES:
		for (size_t i = 0; i < def->n_ips && r >= 0; i++)
			r = tapdev_addr_add(nl, n->bridge, &def->ips[i].address, def->ips[i].prefix, err);
		return r;
	case STEP_LINK_UP:
		return tapdev_link_set_up(nl, n->bridge, true, err);
	case STEP_ROUTES:
		for (size_t i = 0; i < def->n_routes && r >= 0; i++)
			r = tapdev_route_add(nl, n->bridge, &def->routes[i], err);
		return r;
	case STEP_SYSCTL:
		return netd_sysctl_prepare(def, n->bridge, err);
	case STEP_FIREWALL:
		return fw_network_has_rules(def) ? firewall_apply(d, def, n->bridge, true, err) : 0;
	case STEP_COEXIST:
		return netd_coexist_start(d, n, err);
	case STEP_DNSMASQ:
		return dhcp_needed(def) ? netd_dnsmasq_start(d, n, err) : 0;
	default:
		return -EINVAL;
	}
}

/* an undo that fails is logged and remembered in n->leftovers */
static void undo_step(struct netd *d, struct netd_net *n, struct tapdev_nl *nl, enum step s)
{
	struct nd_err err = { 0 };

	switch (s) {
	case STEP_BRIDGE:
		if (del_bridge(d, n, nl, &err) < 0) {
			netd_log_err(n->live->name, "undo: removing the bridge", &err);
			n->leftovers |= NETD_LEFT_BRIDGE;
		}
		break;
	case STEP_FIREWALL:
		if (fw_network_has_rules(n->live) && firewall_remove(d, n, &err) < 0) {
			netd_log_err(n->live->name, "undo: removing firewall rules", &err);
			n->leftovers |= NETD_LEFT_FIREWALL;
		}
		break;
	case STEP_COEXIST:
		netd_coexist_stop(d, n->live->name);
		break;
	case STEP_DNSMASQ:
		netd_dnsmasq_stop(d, n);
		break;
	default:
		break; /* addresses/routes go with the bridge; sysctls stay, as with libvirt */
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
		r = netd_ovs_bridge_exists(d, n->live->bridge.name, err);
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
 * net-start on an active network: if someone removed a piece (nft flush
 * ruleset, the bridge deleted, dnsmasq gone), put it back. A missing bridge
 * means a fresh start (its ports are gone with it anyway); missing rules are
 * re-applied whole; a missing dnsmasq is restarted. ret_repairs says what was
 * done. The caller holds a reference: a transient network that has to go
 * leaves the registry, but n stays valid.
 */
int netd_net_repair(struct netd *d, struct netd_net *n, char *ret_repairs, size_t len, struct nd_err *err)
{
	struct tapdev_nl *nl = NULL;
	bool bridge_ok = true;
	int r;

	ret_repairs[0] = '\0';
	if (n->live->forward.mode == NETDEF_FORWARD_BRIDGE)
		return 0;
	if (tapdev_nl_open(&nl, err) < 0)
		return err->code;
	bridge_ok = tapdev_link_exists(nl, n->bridge);
	tapdev_nl_close(nl);
	if (!bridge_ok) {
		netd_log(NETD_LOG_WARN, n->live->name, "bridge %s was deleted behind netd's back: restarting the network",
			 n->bridge);
		if ((r = netd_net_stop(d, n, err)) < 0)
			return r;
		if (!n->def)
			return nd_err_set(err, -ENODEV, netd_net_name(n),
					  "the transient network lost its bridge and is gone");
		if ((r = netd_net_start(d, n, err)) < 0)
			return r;
		snprintf(ret_repairs, len, "bridge was missing: network restarted");
		return 1;
	}
	if (fw_network_has_rules(n->live)) {
		int present = fw_table_exists(NULL);
		struct nd_err ferr = { 0 };

		/* the whole ruleset of the network is one idempotent batch: re-applying repairs any loss */
		if ((r = firewall_apply(d, n->live, n->bridge, true, &ferr)) < 0)
			return nd_err_set(err, r, n->live->name, "re-applying firewall rules: %s", ferr.msg);
		if (present == 0)
			snprintf(ret_repairs, len, "nftables table inet netd was missing: rules re-applied");
	}
	if (!d->opts.no_coexist && fw_docker_user_present(NFPROTO_IPV4) && fw_docker_user_count(NFPROTO_IPV4, n->live->name) == 0 &&
	    netd_coexist_start(d, n, NULL) == 0 && fw_docker_user_count(NFPROTO_IPV4, n->live->name) > 0)
		snprintf(ret_repairs + strlen(ret_repairs), len - strlen(ret_repairs), "%saccept rules re-added to DOCKER-USER",
			 ret_repairs[0] ? "; " : "");
	if (dhcp_needed(n->live) && !n->dnsmasq_pid) {
		n->restart_at_ms = netd_now_ms(); /* the supervisor's next tick starts it */
		snprintf(ret_repairs + strlen(ret_repairs), len - strlen(ret_repairs), "%sdnsmasq restarted",
			 ret_repairs[0] ? "; " : "");
	}
	return ret_repairs[0] ? 1 : 0;
}

/* after a failed start or stop: what is left decides the state */
static void settle(struct netd *d, struct netd_net *n, const char *why)
{
	if (n->leftovers) {
		snprintf(n->failure, sizeof(n->failure), "%s: left behind:%s%s%s", why,
			 n->leftovers & NETD_LEFT_BRIDGE ? " bridge" : "",
			 n->leftovers & NETD_LEFT_FIREWALL ? " firewall rules" : "",
			 n->leftovers & NETD_LEFT_DNSMASQ ? " dnsmasq" : "");
		netd_net_set_state(d, n, NETD_NET_FAILED);
		return;
	}
	n->failure[0] = '\0';
	netd_net_set_state(d, n, NETD_NET_INACTIVE);
	remove_run_files(d, n->live->name);
	/* a transient network keeps its definition: it is its name for whoever still holds it */
	if (n->def)
		n->live = netdef_free(n->live);
	n->bridge[0] = '\0';
}

int netd_net_start(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct tapdev_nl *nl = NULL;
	enum step s;
	int r;

	if (n->state == NETD_NET_FAILED) {
		/* what a failed teardown left goes first */
		if ((r = netd_net_stop(d, n, err)) < 0)
			return r;
		if (!n->in_registry)
			return nd_err_set(err, -ENOENT, netd_net_name(n), "network '%s' is gone", netd_net_name(n));
	}
	if (n->state != NETD_NET_INACTIVE)
		return nd_err_set(err, -EALREADY, netd_net_name(n), "network '%s' is already active",
				  netd_net_name(n));
	if (!n->live)
		n->live = netdef_ref(n->def);
	netd_dnsmasq_wait_stopped(d, n->live->name);
	n->leftovers = 0;
	if ((r = tapdev_nl_open(&nl, err)) < 0)
		goto fail_nl;
	if (n->live->forward.mode == NETDEF_FORWARD_BRIDGE) {
		r = start_host_bridge(d, n, nl, err);
		goto done;
	}
	n->ovs = netd_def_uses_ovs(n->live);
	if ((r = tapdev_pick_bridge_name(nl, n->live->bridge.name, n->bridge, err)) < 0 ||
	    (r = check_collisions(d, n, nl, err)) < 0 ||
	    (dhcp_needed(n->live) && (r = netd_ports_check_free(d, n->live, err)) < 0))
		goto done;
	/* the record first: a crash from here on leaves something to clean up */
	netd_net_set_state(d, n, NETD_NET_STARTING);
	if (n->dirty) {
		r = nd_err_set(err, -EIO, n->live->name, "cannot write the runtime record");
		goto done;
	}
	for (s = 0; s < _STEP_MAX; s++) {
		if ((r = do_step(d, n, nl, s, err)) < 0) {
			step_failed(err, s);
			while (s-- > 0)
				undo_step(d, n, nl, s);
			goto done;
		}
	}
done:
	tapdev_nl_close(nl);
fail_nl:
	if (r < 0) {
		settle(d, n, "start failed, undo incomplete");
		return r;
	}
	netd_net_set_state(d, n, NETD_NET_ACTIVE);
	netd_log(NETD_LOG_INFO, n->live->name, "started on bridge %s", n->bridge);
	return 0;
}

/* every piece of a running (or failed) network, removed; what fails is remembered */
static int teardown(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct tapdev_nl *nl = NULL;
	const char *name = n->live->name;
	bool failed_before = n->state == NETD_NET_FAILED;
	unsigned left = failed_before ? n->leftovers : NETD_LEFT_BRIDGE | NETD_LEFT_FIREWALL | NETD_LEFT_DNSMASQ;
	int r;

	/* dnsmasq takes a few ms to exit: it does, while the rest comes down, and nobody waits */
	if (left & NETD_LEFT_DNSMASQ)
		netd_dnsmasq_stop(d, n);
	n->leftovers = 0;
	if (!failed_before)
		netd_ports_network_stopped(d, name);
	if (n->live->forward.mode == NETDEF_FORWARD_BRIDGE)
		return 0;
	if ((left & NETD_LEFT_FIREWALL) && fw_network_has_rules(n->live) && (r = firewall_remove(d, n, err)) < 0)
		n->leftovers |= NETD_LEFT_FIREWALL;
	if (!failed_before)
		netd_coexist_stop(d, name);
	if ((left & NETD_LEFT_BRIDGE) && n->bridge_created) {
		if (!n->ovs && (r = tapdev_nl_open(&nl, err)) < 0)
			n->leftovers |= NETD_LEFT_BRIDGE;
		else if (del_bridge(d, n, nl, err) < 0)
			n->leftovers |= NETD_LEFT_BRIDGE;
		tapdev_nl_close(nl);
	}
	return n->leftovers ? err->code : 0;
}

int netd_net_stop(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct nd_err local = { 0 };
	int r;

	if (!err)
		err = &local;
	if (n->state != NETD_NET_ACTIVE && n->state != NETD_NET_FAILED)
		return nd_err_set(err, -EINVAL, netd_net_name(n), "network '%s' is not active", netd_net_name(n));
	if (n->state == NETD_NET_ACTIVE)
		netd_net_set_state(d, n, NETD_NET_STOPPING);
	r = teardown(d, n, err);
	if (r < 0) {
		netd_log_err(netd_net_name(n), "stopping", err);
		settle(d, n, err->msg);
		return nd_err_set(err, r, netd_net_name(n), "network '%s' could not be removed completely: "
				  "it stays 'failed' and the next net-destroy tries again", netd_net_name(n));
	}
	netd_log(NETD_LOG_INFO, n->live->name, "stopped");
	settle(d, n, "");
	if (!n->def)
		netd_net_drop(d, n); /* transient: gone with its last run */
	return 0;
}

/* -- after a restart -- */

struct record {
	int state;
	char bridge[16];
	int dnsmasq_pid;
	int restarts;
	unsigned leftovers;
	bool ovs, bridge_created;
	bool legacy;  /* NAME.status + NAME.xml, from a netd before the single record */
	struct netdef *live;
};

static void record_fields(json_object *o, struct record *rec)
{
	json_object *v;

	if (json_object_object_get_ex(o, "state", &v))
		rec->state = netd_net_state_from_string(json_object_get_string(v));
	if (json_object_object_get_ex(o, "bridge", &v))
		snprintf(rec->bridge, sizeof(rec->bridge), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "dnsmasq_pid", &v))
		rec->dnsmasq_pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "dnsmasq_restarts", &v))
		rec->restarts = json_object_get_int(v);
	if (json_object_object_get_ex(o, "leftovers", &v))
		rec->leftovers = (unsigned)json_object_get_int(v);
	if (json_object_object_get_ex(o, "ovs", &v))
		rec->ovs = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "bridge_created", &v))
		rec->bridge_created = json_object_get_boolean(v);
}

static json_object *read_json(const char *path)
{
	_cleanup_free_ char *text = NULL;
	json_object *o;

	if (nd_file_read(path, 4u << 20, &text, NULL, NULL) < 0)
		return NULL;
	o = json_tokener_parse(text);
	if (o && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

/* the network's record, or the two files a netd before it left; -EINVAL when unreadable */
static int read_record(struct netd *d, const char *name, struct record *rec)
{
	char path[4096];
	struct nd_err err = { 0 };
	json_object *o, *v;

	memset(rec, 0, sizeof(*rec));
	rec->state = -1;
	netd_path(d, NETD_PATH_RUN_RECORD, name, path, sizeof(path));
	if (!(o = read_json(path)) && access(path, F_OK) == 0) {
		/* what the record said is lost: the persistent definition names the
		 * bridge, and netd's mark on it says whether it is netd's to remove */
		struct netd_net *n = netd_net_find(d, name);

		netd_log(NETD_LOG_ERR, name, "%s: unreadable runtime record: the network will be cleaned up", path);
		if (n && n->def) {
			rec->live = netdef_ref(n->def);
			if (n->def->bridge.name && !strchr(n->def->bridge.name, '%')) {
				snprintf(rec->bridge, sizeof(rec->bridge), "%s", n->def->bridge.name);
				rec->bridge_created = !netd_def_uses_ovs(n->def);
			}
		}
		return 0;
	}
	if (o) {
		record_fields(o, rec);
		if (json_object_object_get_ex(o, "live", &v) && json_object_is_type(v, json_type_string) &&
		    netdef_parse_string(json_object_get_string(v), (size_t)json_object_get_string_len(v), path,
					&rec->live, &err) < 0)
			netd_log_err(name, "unreadable live definition in the record", &err);
		json_object_put(o);
		return 0;
	}
	netd_path(d, NETD_PATH_RUN_STATUS, name, path, sizeof(path));
	if (access(path, F_OK) != 0)
		return -EINVAL;
	rec->legacy = true;
	if ((o = read_json(path))) {
		record_fields(o, rec);
		json_object_put(o);
	} else {
		netd_log(NETD_LOG_ERR, name, "%s: unreadable status file: the network will be cleaned up", path);
	}
	netd_path(d, NETD_PATH_RUN_XML, name, path, sizeof(path));
	if (netdef_parse_file(path, &rec->live, &err) < 0)
		netd_log_err(name, "unreadable live definition", &err);
	return 0;
}

/*
 * Is the recorded bridge netd's? It must carry netd's mark for this network;
 * a netd before the mark existed left none, so an unmarked bridge of a legacy
 * record is taken (and marked now). A foreign device of the same name is
 * never adopted or deleted.
 */
static bool bridge_is_ours(struct tapdev_nl *nl, const char *net, const struct record *rec, bool *ret_exists)
{
	struct tapdev_link_info info;
	char mark[NETDEF_NAME_MAX + 8];

	*ret_exists = rec->bridge[0] && tapdev_link_get(nl, rec->bridge, &info, NULL) == 0;
	if (!*ret_exists)
		return false;
	if (!rec->bridge_created || rec->ovs)
		return true; /* a host bridge or an OVS bridge: used, never ours to delete by mark */
	mark_of(net, mark, sizeof(mark));
	if (strcmp(info.alias, mark) == 0)
		return true;
	if (rec->legacy && !info.alias[0] && info.is_bridge) {
		tapdev_link_set_alias(nl, rec->bridge, mark, NULL);
		return true;
	}
	return false;
}

/* remove whatever a half-started, half-stopped or vanished network left */
static void clean_leftovers(struct netd *d, const char *name, struct record *rec, bool bridge_ours)
{
	struct tapdev_nl *nl = NULL;
	struct netd_net tmp = { .live = rec->live, .dnsmasq_pidfd = -1, .refs = 1 };
	struct nd_err err = { 0 };

	netd_log(NETD_LOG_WARN, name, "was not running completely (state '%s'): removing its leftovers",
		 rec->state >= 0 ? netd_net_state_to_string(rec->state) : "unreadable");
	snprintf(tmp.bridge, sizeof(tmp.bridge), "%s", rec->bridge);
	if (rec->live && netd_dnsmasq_adopt(d, &tmp, rec->dnsmasq_pid > 0 ? rec->dnsmasq_pid : netd_dnsmasq_find(d, name)))
		netd_dnsmasq_stop(d, &tmp);
	if (rec->live && fw_network_has_rules(rec->live) && rec->bridge[0] && firewall_remove(d, &tmp, &err) < 0)
		netd_log_err(name, "removing its firewall rules", &err);
	netd_coexist_stop(d, name);
	if (rec->ovs && rec->bridge_created && rec->bridge[0])
		netd_ovs_bridge_del(d, rec->bridge, NULL);
	else if (bridge_ours && rec->live && rec->live->forward.mode != NETDEF_FORWARD_BRIDGE && rec->bridge_created &&
		 tapdev_nl_open(&nl, NULL) == 0) {
		memset(&err, 0, sizeof(err));
		if (tapdev_link_delete(nl, rec->bridge, &err) < 0 && err.code != -ENODEV)
			netd_log_err(name, "removing its bridge", &err);
		tapdev_nl_close(nl);
	} else if (rec->bridge[0] && rec->bridge_created && !bridge_ours) {
		netd_log(NETD_LOG_WARN, name, "bridge %s does not carry netd's mark: left alone", rec->bridge);
	}
	remove_run_files(d, name);
}

/* the running definition is the persistent one: then they are one object */
static bool same_definition(const struct netdef *def, const struct netdef *live)
{
	_cleanup_free_ char *a = NULL, *b = NULL;

	return def && netdef_format(def, &a, NULL) == 0 && netdef_format(live, &b, NULL) == 0 && strcmp(a, b) == 0;
}

static void adopt_one(struct netd *d, const char *name)
{
	struct nd_err err = { 0 };
	struct tapdev_nl *nl = NULL;
	struct netd_net *n;
	struct record rec;
	bool bridge_ok = false, exists = false;

	if (read_record(d, name, &rec) < 0)
		return;
	/* a record that lost its bridge name: the live definition still has it
	 * (a record is written before netd creates anything, so that bridge is netd's) */
	if (!rec.bridge[0] && rec.live && rec.live->forward.mode != NETDEF_FORWARD_BRIDGE && rec.live->bridge.name &&
	    !strchr(rec.live->bridge.name, '%')) {
		snprintf(rec.bridge, sizeof(rec.bridge), "%s", rec.live->bridge.name);
		rec.bridge_created = !netd_def_uses_ovs(rec.live);
	}
	if (rec.live && tapdev_nl_open(&nl, NULL) == 0) {
		bridge_ok = bridge_is_ours(nl, name, &rec, &exists);
		tapdev_nl_close(nl);
	}
	if (rec.live && rec.state == NETD_NET_FAILED && strcmp(rec.live->name, name) == 0 &&
	    ((n = netd_net_find(d, name)) || (n = netd_net_add(d)))) {
		/* a teardown that failed before the restart: tried again, and remembered if it fails again */
		n->live = rec.live;
		n->state = NETD_NET_FAILED;
		n->leftovers = rec.leftovers;
		n->ovs = rec.ovs;
		n->bridge_created = rec.bridge_created && bridge_ok;
		snprintf(n->bridge, sizeof(n->bridge), "%s", rec.bridge);
		netd_net_stop(d, n, &err);
		return;
	}
	if (!rec.live || rec.state != NETD_NET_ACTIVE || !bridge_ok || strcmp(rec.live->name, name) != 0) {
		clean_leftovers(d, name, &rec, bridge_ok);
		netdef_free(rec.live);
		return;
	}
	n = netd_net_find(d, name);
	if (!n && !(n = netd_net_add(d))) {
		netdef_free(rec.live);
		return;
	}
	n->live = same_definition(n->def, rec.live) ? netdef_ref(n->def) : netdef_ref(rec.live);
	netdef_free(rec.live);
	n->state = NETD_NET_ACTIVE;
	n->dirty = true; /* a legacy record is rewritten as one */
	n->dnsmasq_restarts = (unsigned)rec.restarts;
	n->ovs = rec.ovs;
	n->bridge_created = rec.bridge_created;
	snprintf(n->bridge, sizeof(n->bridge), "%s", rec.bridge);
	/* its rules are applied again with the others' (netd_adopt_running): repairs an external flush */
	n->fw_pending = fw_network_has_rules(n->live);
	if (dhcp_needed(n->live) &&
	    !netd_dnsmasq_adopt(d, n, rec.dnsmasq_pid > 0 ? rec.dnsmasq_pid : netd_dnsmasq_find(d, name))) {
		if (netd_dnsmasq_start(d, n, &err) < 0)
			netd_log_err(name, "restarting dnsmasq", &err);
	}
	if (rec.legacy) {
		char path[4096];

		netd_path(d, NETD_PATH_RUN_STATUS, name, path, sizeof(path));
		unlink(path);
		netd_path(d, NETD_PATH_RUN_XML, name, path, sizeof(path));
		unlink(path);
	}
	memset(&err, 0, sizeof(err));
	if (netd_net_save(d, n, &err) < 0)
		netd_log_err(name, "saving the runtime record", &err);
	netd_log(NETD_LOG_INFO, name, "adopted: running on bridge %s", n->bridge);
}

static int record_suffix(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && ((n > 7 && strcmp(e->d_name + n - 7, ".status") == 0) ||
				       (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0));
}

static int any_entry(const struct dirent *e)
{
	return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

/* What a daemon killed mid-write leaves: temp files of atomic writes (".NAME.tmp.PID"). */
static void remove_stale_files(struct netd *d)
{
	const char *dirs[] = { d->opts.run_dir, d->opts.run_dir, d->opts.run_dir, d->opts.config_dir };
	const char *subs[] = { "networks", "dnsmasq", "ports", "networks" };
	char dir[4096], path[4400];
	struct dirent **ents;

	for (size_t k = 0; k < ND_ELEMENTSOF(dirs); k++) {
		int n;

		snprintf(dir, sizeof(dir), "%s/%s", dirs[k], subs[k]);
		n = scandir(dir, &ents, any_entry, alphasort);
		for (int i = 0; i < n; i++) {
			const char *f = ents[i]->d_name;

			snprintf(path, sizeof(path), "%s/%s", dir, f);
			if (f[0] == '.' && strstr(f, ".tmp."))
				unlink(path);
			free(ents[i]);
		}
		if (n > 0)
			free(ents);
	}
}

/*
 * The adopted networks' rules, applied again in batches of ADOPT_BATCH: each
 * commit costs the kernel a validation of the whole table, so 1000 networks
 * one by one took ~2.5 s and 32 at a time ~0.1 s; 32 networks' messages also
 * stay well under the netlink socket's send buffer.
 */
#define ADOPT_BATCH 32
static void firewall_apply_adopted(struct netd *d)
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
		if (k && firewall_commit(d, defs, bridges, k, true, &err) < 0)
			for (size_t i = 0; i < k; i++)
				netd_log_err(netd_net_name(nets[i]), "re-applying firewall rules", &err);
	}
}

void netd_adopt_running(struct netd *d)
{
	char dir[4096], last[300] = "";
	struct dirent **ents;
	int n;

	remove_stale_files(d);

	snprintf(dir, sizeof(dir), "%s/networks", d->opts.run_dir);
	n = scandir(dir, &ents, record_suffix, alphasort);
	for (int i = 0; i < n; i++) {
		char *dot = strrchr(ents[i]->d_name, '.');

		*dot = '\0';
		/* NAME.json and a legacy NAME.status sort apart; each name once */
		if (netdef_name_is_safe(ents[i]->d_name) && strcmp(last, ents[i]->d_name) != 0 &&
		    !(netd_net_find(d, ents[i]->d_name) &&
		      netd_net_find(d, ents[i]->d_name)->state != NETD_NET_INACTIVE))
			adopt_one(d, ents[i]->d_name);
		snprintf(last, sizeof(last), "%s", ents[i]->d_name);
		free(ents[i]);
	}
	if (n > 0)
		free(ents);
	firewall_apply_adopted(d);
}

bool netd_def_uses_ovs(const struct netdef *def)
{
	if (def->virtualport.type == NETDEF_VPORT_OPENVSWITCH)
		return true;
	for (size_t i = 0; i < def->n_portgroups; i++)
		if (def->portgroups[i].virtualport.type == NETDEF_VPORT_OPENVSWITCH)
			return true;
	return false;
}

bool netd_def_has_vlans(const struct netdef *def)
{
	if (netd_def_uses_ovs(def))
		return false; /* OVS does VLANs itself */
	if (def->vlan.present)
		return true;
	for (size_t i = 0; i < def->n_portgroups; i++)
		if (def->portgroups[i].vlan.present)
			return true;
	return false;
}
