/*
 * A network's state machine: start, stop, repair, adoption after a restart.
 * Start is a transaction: the record is written first (state "starting",
 * with the bridge name), then each step runs; a failure undoes the steps
 * done, in reverse, and the error names the step. A crash at any point
 * leaves a record that the next daemon reads: "active" with its (marked)
 * bridge present is adopted, anything else is cleaned up. What a teardown
 * cannot remove is remembered (state "failed") and retried by the next
 * destroy or start, never forgotten. The host is reached only through
 * d->ops (netd-host-apply.c), so all of this runs over fakes in unit tests.
 */
#include "netd/daemon/netd-net.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "dhcp/dhcp.h"
#include "firewall/fw.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-port.h"

static const char *const step_names[_NETD_STEP_MAX] = {
	"bridge", "sysctls", "link up", "addresses", "routes", "firewall", "coexistence", "dnsmasq", "bandwidth",
};

const char *netd_step_to_string(enum netd_step s)
{
	return s < _NETD_STEP_MAX ? step_names[s] : "?";
}

/* "step 'firewall' failed: <original error>" */
static int step_failed(struct nd_err *err, enum netd_step s)
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

/* a host bridge (forward mode bridge) is used as it is: no steps */
static bool has_steps(const struct netd_net *n)
{
	return n->live->forward.mode != NETDEF_FORWARD_BRIDGE && !n->live->ovn.present; /* OVN: netd-ovn.c */
}

/* which steps do something for this network (the others need no undo either);
 * a bridge netd did not make (a host's, or a foreign one) is never removed */
static bool step_applies(const struct netd_net *n, enum netd_step s, bool undo)
{
	switch (s) {
	case NETD_STEP_BRIDGE: return !undo || n->bridge_created;
	case NETD_STEP_FIREWALL: return fw_network_has_rules(n->live);
	case NETD_STEP_DNSMASQ: return dhcp_needed(n->live);
	case NETD_STEP_QOS: return n->live->bandwidth.inbound.present || n->live->bandwidth.outbound.present;
	default: return true;
	}
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
	int r;

	ret_repairs[0] = '\0';
	if (n->live->ovn.present)
		return d->ops->ovn_repair(d, n, ret_repairs, len, err);
	if (!has_steps(n))
		return 0;
	if (!d->ops->bridge_present(d, n)) {
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
	if ((r = d->ops->repair(d, n, ret_repairs, len, err)) < 0)
		return r;
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
		size_t off = (size_t)snprintf(n->failure, sizeof(n->failure), "%.120s: left behind:", why);

		for (int s = 0; s < _NETD_STEP_MAX && off < sizeof(n->failure); s++)
			if (n->leftovers & NETD_LEFT(s))
				off += (size_t)snprintf(n->failure + off, sizeof(n->failure) - off, " %s", step_names[s]);
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

/* a failure while undoing step s: logged, remembered in n->leftovers, the first one kept in first */
static void undo_failed(struct netd_net *n, int s, const struct nd_err *e, struct nd_err *first)
{
	netd_log_err(netd_net_name(n), step_names[s], e);
	n->leftovers |= NETD_LEFT(s);
	if (first && !first->code)
		nd_err_set(first, e->code, e->where, "removing the %s: %s", step_names[s], e->msg);
}

/*
 * Undoes the steps in mask below step 'below', last first; failures are
 * logged and left in n->leftovers. NETD_PENDING when a step's undo went on
 * in a job (n->pending_*: netd_net_step_done continues from there).
 */
static int undo_steps_below(struct netd *d, struct netd_net *n, int below, unsigned mask, struct nd_err *first)
{
	for (int s = below; s-- > 0;) {
		struct nd_err e = { 0 };
		int r;

		if (!(mask & NETD_LEFT(s)) || !step_applies(n, (enum netd_step)s, true))
			continue;
		r = d->ops->step(d, n, (enum netd_step)s, true, &e);
		if (r == NETD_PENDING) {
			n->pending_step = s;
			n->pending_left = mask;
			return NETD_PENDING;
		}
		if (r < 0)
			undo_failed(n, s, &e, first);
	}
	return 0;
}

/* the undo of a failed start: at once, whatever the caller could wait for */
static void undo_steps(struct netd *d, struct netd_net *n, unsigned mask)
{
	bool defer = n->may_defer;

	n->may_defer = false;
	undo_steps_below(d, n, _NETD_STEP_MAX, mask, NULL);
	n->may_defer = defer;
}

/* the steps from 'from' on; on failure the done ones are undone and the network settles */
static int start_steps(struct netd *d, struct netd_net *n, int from, struct nd_err *err)
{
	for (int s = from; has_steps(n) && s < _NETD_STEP_MAX; s++) {
		int r;

		if (!step_applies(n, (enum netd_step)s, false))
			continue;
		r = d->ops->step(d, n, (enum netd_step)s, false, err);
		if (r == NETD_PENDING) {
			n->pending_op = NETD_OP_START;
			n->pending_step = s;
			return NETD_PENDING;
		}
		if (r < 0) {
			step_failed(err, (enum netd_step)s);
			undo_steps(d, n, NETD_LEFT(s) - 1);
			settle(d, n, "start failed, and its undo too");
			return r;
		}
	}
	netd_net_set_state(d, n, NETD_NET_ACTIVE);
	netd_log(NETD_LOG_INFO, n->live->name, "started on bridge %s", n->bridge);
	netd_ports_network_started(d, n); /* the ports its stop kept go back on the bridge */
	return 0;
}

static int busy(const struct netd_net *n, struct nd_err *err)
{
	return nd_err_set(err, -EBUSY, netd_net_name(n), "network '%s' is %s: try again when that is done",
			  netd_net_name(n), n->pending_op == NETD_OP_START ? "starting" : "stopping");
}

int netd_net_start(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	int r;

	if (n->pending_op)
		return busy(n, err);
	if (n->state == NETD_NET_FAILED) {
		/* what a failed teardown left goes first, at once */
		bool defer = n->may_defer;

		n->may_defer = false;
		r = netd_net_stop(d, n, err);
		n->may_defer = defer;
		if (r < 0)
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
	if ((r = d->ops->prepare(d, n, err)) < 0) {
		settle(d, n, "");
		return r;
	}
	/* the record first: a crash from here on leaves something to clean up */
	netd_net_set_state(d, n, NETD_NET_STARTING);
	if (n->dirty) {
		r = nd_err_set(err, -EIO, n->live->name, "cannot write the runtime record");
		settle(d, n, "");
		return r;
	}
	return start_steps(d, n, 0, err);
}

/* after the undo: settled, and a transient network leaves the registry */
static int stop_finish(struct netd *d, struct netd_net *n, const struct nd_err *undo, struct nd_err *err)
{
	if (n->leftovers) {
		settle(d, n, "stop");
		return nd_err_set(err, undo->code ? undo->code : -EIO, netd_net_name(n),
				  "network '%s' could not be removed completely (%.200s): it stays 'failed' and the "
				  "next net-destroy tries again", netd_net_name(n), undo->msg);
	}
	netd_log(NETD_LOG_INFO, n->live->name, "stopped");
	settle(d, n, "");
	if (!n->def)
		netd_net_drop(d, n); /* transient: gone with its last run */
	return 0;
}

/* the stop goes on in a job: what went wrong so far is kept for its end */
static int stop_pending(struct netd_net *n, const struct nd_err *undo)
{
	if ((n->pending_err = malloc(sizeof(*undo))))
		*n->pending_err = *undo;
	n->pending_op = NETD_OP_STOP;
	return NETD_PENDING;
}

int netd_net_stop(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct nd_err local = { 0 }, undo = { 0 };
	unsigned left;

	if (!err)
		err = &local;
	if (n->pending_op)
		return busy(n, err);
	if (n->state != NETD_NET_ACTIVE && n->state != NETD_NET_FAILED)
		return nd_err_set(err, -EINVAL, netd_net_name(n), "network '%s' is not active", netd_net_name(n));
	/* a failed network retries what it left; a running one comes down whole */
	left = n->state == NETD_NET_FAILED ? n->leftovers : NETD_LEFT_ALL;
	if (n->state == NETD_NET_ACTIVE) {
		netd_net_set_state(d, n, NETD_NET_STOPPING);
		netd_ports_network_stopped(d, n);
	}
	n->leftovers = 0;
	if (has_steps(n) && undo_steps_below(d, n, _NETD_STEP_MAX, left, &undo) == NETD_PENDING)
		return stop_pending(n, &undo);
	return stop_finish(d, n, &undo, err);
}

void netd_net_step_done(struct netd *d, struct netd_net *n, int r, const struct nd_err *step_err)
{
	enum netd_net_op op = n->pending_op;
	int s = n->pending_step;
	struct nd_err err = { 0 };

	n->pending_op = NETD_OP_NONE;
	n->pending_step = -1;
	if (op == NETD_OP_START) {
		if (r < 0) {
			err = *step_err;
			step_failed(&err, (enum netd_step)s);
			undo_steps(d, n, NETD_LEFT(s) - 1);
			settle(d, n, "start failed, and its undo too");
		} else if ((r = start_steps(d, n, s + 1, &err)) == NETD_PENDING) {
			return;
		}
		if (r < 0 && !n->def && n->state == NETD_NET_INACTIVE)
			netd_net_drop(d, n); /* a transient network that never started */
	} else if (op == NETD_OP_STOP) {
		struct nd_err undo = { 0 };

		if (n->pending_err)
			undo = *n->pending_err;
		free(n->pending_err);
		n->pending_err = NULL;
		if (r < 0)
			undo_failed(n, s, step_err, &undo);
		if (undo_steps_below(d, n, s, n->pending_left, &undo) == NETD_PENDING) {
			stop_pending(n, &undo);
			return;
		}
		r = stop_finish(d, n, &undo, &err);
	} else {
		return;
	}
	netd_net_finished(d, n, r, r < 0 ? &err : NULL);
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
 * Removes whatever a half-started, half-stopped or vanished network left, as
 * a teardown of a network that had every step: through the same undo steps,
 * with a bridge only when it is netd's (marked).
 */
static void clean_leftovers(struct netd *d, const char *name, struct record *rec, bool bridge_ours)
{
	struct netd_net *tmp = calloc(1, sizeof(*tmp));

	netd_log(NETD_LOG_WARN, name, "was not running completely (state '%s'): removing its leftovers",
		 rec->state >= 0 ? netd_net_state_to_string(rec->state) : "unreadable");
	if (!tmp || !rec->live) {
		free(tmp);
		netdef_free(rec->live);
		remove_run_files(d, name);
		return;
	}
	tmp->refs = 1;
	tmp->dnsmasq_pidfd = -1;
	tmp->pending_step = -1;
	snprintf(tmp->name, sizeof(tmp->name), "%.64s", name);
	memcpy(tmp->uuid, rec->live->uuid, 16);
	tmp->live = rec->live;
	tmp->ovs = rec->ovs;
	tmp->bridge_created = rec->bridge_created && bridge_ours;
	snprintf(tmp->bridge, sizeof(tmp->bridge), "%s", rec->bridge);
	if (dhcp_needed(rec->live))
		netd_dnsmasq_adopt(d, tmp, rec->dnsmasq_pid > 0 ? rec->dnsmasq_pid : netd_dnsmasq_find(d, name));
	if (has_steps(tmp) && rec->bridge[0])
		undo_steps(d, tmp, NETD_LEFT_ALL);
	remove_run_files(d, name);
	netd_net_unref(tmp);
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
	struct netd_net *n;
	struct record rec;
	bool bridge_ok = false;

	if (read_record(d, name, &rec) < 0)
		return;
	/* a record that lost its bridge name: the live definition still has it
	 * (a record is written before netd creates anything, so that bridge is netd's) */
	if (!rec.bridge[0] && rec.live && rec.live->forward.mode != NETDEF_FORWARD_BRIDGE && rec.live->bridge.name &&
	    !strchr(rec.live->bridge.name, '%')) {
		snprintf(rec.bridge, sizeof(rec.bridge), "%s", rec.live->bridge.name);
		rec.bridge_created = !netd_def_uses_ovs(rec.live);
	}
	if (rec.live) {
		int owner = d->ops->bridge_owner(d, name, rec.bridge, rec.bridge_created, rec.ovs, rec.legacy);

		bridge_ok = owner == NETD_BRIDGE_OURS;
		if (owner == NETD_BRIDGE_FOREIGN)
			netd_log(NETD_LOG_WARN, name, "bridge %s does not carry netd's mark: left alone", rec.bridge);
	}
	if (rec.live && rec.state == NETD_NET_FAILED && strcmp(rec.live->name, name) == 0 &&
	    ((n = netd_net_find(d, name)) || (n = netd_net_add(d, rec.live)))) {
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
		return;
	}
	n = netd_net_find(d, name);
	if (!n && !(n = netd_net_add(d, rec.live))) {
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
	const char *dirs[] = { d->opts.run_dir, d->opts.run_dir, d->opts.run_dir, d->opts.run_dir, d->opts.config_dir,
			       d->opts.config_dir };
	const char *subs[] = { "networks", "dnsmasq", "ports", "foreign", "networks", "ports" };
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
	d->ops->firewall_readopt(d);
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
