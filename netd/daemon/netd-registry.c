/*
 * The networks netd knows: persistent definitions in config/networks/NAME.xml
 * (autostart as a symlink in config/networks/autostart/), transient and live
 * ones in run/networks/. Every write is atomic.
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
#include "netd/daemon/netd-control.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-port.h"
#include "tapdev/tapdev.h"

static const char *const state_names[_NETD_NET_STATE_MAX] = {
	[NETD_NET_INACTIVE] = "inactive", [NETD_NET_STARTING] = "starting", [NETD_NET_ACTIVE] = "active",
	[NETD_NET_STOPPING] = "stopping", [NETD_NET_FAILED] = "failed",
};

const char *netd_net_state_to_string(enum netd_net_state s)
{
	return s < _NETD_NET_STATE_MAX ? state_names[s] : "?";
}

int netd_net_state_from_string(const char *s)
{
	for (int i = 0; i < _NETD_NET_STATE_MAX; i++)
		if (s && strcmp(s, state_names[i]) == 0)
			return i;
	return -EINVAL;
}

struct netd_net *netd_net_ref(struct netd_net *n)
{
	if (n)
		n->refs++;
	return n;
}

struct netd_net *netd_net_unref(struct netd_net *n)
{
	if (!n || --n->refs > 0)
		return NULL;
	netdef_free(n->def);
	netdef_free(n->live);
	free(n->pending_err);
	free(n->foreign);
	free(n);
	return NULL;
}

struct netd_net *netd_net_find(struct netd *d, const char *name)
{
	for (struct nd_hnode *x = nd_hash_first(&d->nets_by_name, nd_hash_str(name)); x; x = nd_hash_next(x)) {
		struct netd_net *n = nd_container_of(x, struct netd_net, by_name);

		if (strcmp(n->name, name) == 0)
			return n;
	}
	return NULL;
}

struct netd_net *netd_net_find_uuid(struct netd *d, const uint8_t uuid[16])
{
	for (struct nd_hnode *x = nd_hash_first(&d->nets_by_uuid, nd_hash_bytes(uuid, 16)); x; x = nd_hash_next(x)) {
		struct netd_net *n = nd_container_of(x, struct netd_net, by_uuid);

		if (memcmp(n->uuid, uuid, 16) == 0)
			return n;
	}
	return NULL;
}

struct netd_net *netd_net_lookup(struct netd *d, const char *key)
{
	struct netd_net *n = netd_net_find(d, key);
	uint8_t uuid[16];

	if (!n && netdef_uuid_parse(key, uuid) == 0)
		n = netd_net_find_uuid(d, uuid);
	return n;
}

struct netd_net *netd_net_add(struct netd *d, const struct netdef *keys)
{
	struct netd_net *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	snprintf(n->name, sizeof(n->name), "%s", keys->name);
	memcpy(n->uuid, keys->uuid, 16);
	if (nd_hash_insert(&d->nets_by_name, &n->by_name, nd_hash_str(n->name)) < 0) {
		free(n);
		return NULL;
	}
	if (nd_hash_insert(&d->nets_by_uuid, &n->by_uuid, nd_hash_bytes(n->uuid, 16)) < 0) {
		nd_hash_remove(&d->nets_by_name, &n->by_name);
		free(n);
		return NULL;
	}
	n->refs = 1;
	n->in_registry = true;
	n->dnsmasq_pidfd = -1;
	n->pending_step = -1;
	n->prev = d->nets_tail;
	if (d->nets_tail)
		d->nets_tail->next = n;
	else
		d->nets = n;
	d->nets_tail = n;
	return n;
}

void netd_net_drop(struct netd *d, struct netd_net *n)
{
	if (!n->in_registry)
		return;
	nd_hash_remove(&d->nets_by_name, &n->by_name);
	nd_hash_remove(&d->nets_by_uuid, &n->by_uuid);
	if (n->prev)
		n->prev->next = n->next;
	else
		d->nets = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		d->nets_tail = n->prev;
	n->next = n->prev = NULL;
	n->in_registry = false;
	netd_net_unref(n);
}

void netd_net_set_state(struct netd *d, struct netd_net *n, enum netd_net_state s)
{
	struct nd_err err = { 0 };

	if (n->state == s)
		return;
	netd_log(s == NETD_NET_FAILED ? NETD_LOG_WARN : NETD_LOG_DEBUG, netd_net_name(n), "state: %s -> %s%s%s",
		 netd_net_state_to_string(n->state), netd_net_state_to_string(s),
		 s == NETD_NET_FAILED ? ": " : "", s == NETD_NET_FAILED ? n->failure : "");
	/* virsh's lifecycle events: a network is started once active, stopped once it is not */
	if (s == NETD_NET_ACTIVE)
		netd_event(d, netd_net_name(n), "started");
	else if ((s == NETD_NET_INACTIVE || s == NETD_NET_FAILED) &&
		 (n->state == NETD_NET_ACTIVE || n->state == NETD_NET_STOPPING))
		netd_event(d, netd_net_name(n), "stopped");
	n->state = s;
	n->dirty = true;
	if (netd_net_save(d, n, &err) < 0)
		netd_log_err(netd_net_name(n), "saving the runtime record", &err);
}

int netd_net_save(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	_cleanup_free_ char *xml = NULL;
	json_object *o;
	char path[4096];
	const char *text;
	int r;

	if (!n->dirty)
		return 0;
	if ((r = netd_path(d, NETD_PATH_RUN_RECORD, netd_net_name(n), path, sizeof(path))) < 0)
		return nd_err_set(err, r, netd_net_name(n), "path too long");
	if (n->state == NETD_NET_INACTIVE) {
		if (unlink(path) < 0 && errno != ENOENT)
			return nd_err_set(err, -errno, path, "cannot remove: %s", strerror(errno));
		n->dirty = false;
		return 0;
	}
	if (n->live && (r = netdef_format(n->live, &xml, err)) < 0)
		return r;
	o = json_object_new_object();
	json_object_object_add(o, "state", json_object_new_string(netd_net_state_to_string(n->state)));
	json_object_object_add(o, "bridge", json_object_new_string(n->bridge));
	json_object_object_add(o, "ovs", json_object_new_boolean(n->ovs));
	json_object_object_add(o, "bridge_created", json_object_new_boolean(n->bridge_created));
	json_object_object_add(o, "dnsmasq_pid", json_object_new_int(n->dnsmasq_pid));
	json_object_object_add(o, "dnsmasq_restarts", json_object_new_int((int)n->dnsmasq_restarts));
	json_object_object_add(o, "leftovers", json_object_new_int((int)n->leftovers));
	json_object_object_add(o, "failure", json_object_new_string(n->failure));
	json_object_object_add(o, "live", xml ? json_object_new_string(xml) : NULL);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	r = nd_file_write_runtime(path, text, strlen(text), 0644, err);
	json_object_put(o);
	if (r == 0)
		n->dirty = false;
	return r;
}

static bool bridge_claimed(struct netd *d, const char *name, const struct netd_net *self)
{
	for (struct netd_net *n = d->nets; n; n = n->next) {
		const struct netdef *def = netd_net_def(n);

		if (n == self || def->forward.mode == NETDEF_FORWARD_BRIDGE)
			continue;
		if ((def->bridge.name && strcmp(def->bridge.name, name) == 0) ||
		    (n->state != NETD_NET_INACTIVE && strcmp(n->bridge, name) == 0))
			return true;
	}
	return false;
}

struct pick_ctx {
	struct netd *d;
	const struct netd_net *self;
	struct tapdev_nl *nl;
};

static bool bridge_in_use(const char *name, void *ud)
{
	struct pick_ctx *c = ud;

	return bridge_claimed(c->d, name, c->self) || (c->nl && tapdev_link_exists(c->nl, name));
}

int netd_net_complete_def(struct netd *d, struct netdef *def, const struct netd_net *self,
			  struct nd_err *err)
{
	struct netd_net *same_name = netd_net_find(d, def->name);
	struct netd_net *same_uuid = netd_net_find_uuid(d, def->uuid);
	char uuid[37];
	int r;

	/* a definition without <uuid>: the network of that name keeps its own (as libvirt), a new one gets this */
	if (def->uuid_generated && (self || same_name))
		memcpy(def->uuid, (self ? self : same_name)->uuid, 16);
	def->uuid_generated = false;
	netdef_uuid_format(def->uuid, uuid);
	if (same_name && same_name != self && memcmp(same_name->uuid, def->uuid, 16) != 0)
		return nd_err_set(err, -EEXIST, def->name, "network '%s' already exists with another UUID",
				  def->name);
	if (same_uuid && same_uuid != self && strcmp(netd_net_name(same_uuid), def->name) != 0)
		return nd_err_set(err, -EEXIST, def->name, "UUID %s is already network '%s'", uuid,
				  netd_net_name(same_uuid));
	if (def->forward.mode == NETDEF_FORWARD_BRIDGE || def->ovn.present) /* no bridge of netd's own */
		return 0;
	if (def->bridge.name && !strchr(def->bridge.name, '%') &&
	    bridge_claimed(d, def->bridge.name, self ? self : same_name))
		return nd_err_set(err, -EEXIST, def->name, "bridge '%s' is already used by another network",
				  def->bridge.name);
	if (!def->bridge.name) {
		struct pick_ctx c = { .d = d, .self = self ? self : same_name };
		char name[16];

		tapdev_nl_open(&c.nl, NULL);
		r = tapdev_name_from_template("virbr%d", bridge_in_use, &c, name, err);
		tapdev_nl_close(c.nl);
		if (r < 0)
			return r;
		if (!(def->bridge.name = strdup(name)))
			return nd_err_set(err, -ENOMEM, def->name, "out of memory");
		def->bridge.present = true;
	}
	if (!def->mac) {
		uint8_t mac[6] = { 0x52, 0x54, 0x00 };

		if ((r = netdef_random_bytes(mac + 3, 3)) < 0)
			return nd_err_set(err, r, def->name, "cannot generate a MAC address");
		if (!(def->mac = malloc(18)))
			return nd_err_set(err, -ENOMEM, def->name, "out of memory");
		netdef_mac_format(mac, def->mac);
	}
	return 0;
}

static int save_def(struct netd *d, enum netd_path kind, const struct netdef *def, struct nd_err *err)
{
	_cleanup_free_ char *xml = NULL;
	char path[4096];
	int r;

	if ((r = netd_path(d, kind, def->name, path, sizeof(path))) < 0)
		return nd_err_set(err, r, def->name, "path too long");
	if ((r = netdef_format(def, &xml, err)) < 0)
		return r;
	return nd_file_write_atomic(path, xml, strlen(xml), 0644, err);
}

int netd_net_define(struct netd *d, struct netdef *def, struct netd_net **ret, struct nd_err *err)
{
	_cleanup_(netdef_freep) struct netdef *owned = def;
	struct netd_net *n = netd_net_find(d, def->name);
	int r;

	if ((r = netd_net_complete_def(d, def, n, err)) < 0)
		return r;
	if ((r = save_def(d, NETD_PATH_CONFIG_XML, def, err)) < 0)
		return r;
	if (!n && !(n = netd_net_add(d, def)))
		return nd_err_set(err, -ENOMEM, def->name, "out of memory");
	netdef_free(n->def);
	n->def = TAKE_PTR(owned);
	*ret = n;
	netd_event(d, netd_net_name(n), "defined");
	return 0;
}

int netd_net_undefine(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	char path[4096];

	if (!n->def)
		return nd_err_set(err, -EINVAL, netd_net_name(n), "network '%s' is transient, not defined",
				  netd_net_name(n));
	netd_path(d, NETD_PATH_AUTOSTART, n->def->name, path, sizeof(path));
	unlink(path);
	netd_path(d, NETD_PATH_CONFIG_XML, n->def->name, path, sizeof(path));
	if (unlink(path) < 0 && errno != ENOENT)
		return nd_err_set(err, -errno, path, "cannot remove: %s", strerror(errno));
	n->autostart = false;
	netd_event(d, netd_net_name(n), "undefined");
	if (n->state != NETD_NET_INACTIVE) {
		/* like libvirt: a running network becomes transient */
		n->def = netdef_free(n->def);
		return 0;
	}
	netd_ports_network_gone(d, netd_net_name(n));
	netd_net_drop(d, n);
	return 0;
}

int netd_net_set_autostart(struct netd *d, struct netd_net *n, bool on, struct nd_err *err)
{
	char link[4096], target[4096];

	if (!n->def)
		return nd_err_set(err, -EINVAL, netd_net_name(n), "a transient network cannot autostart");
	netd_path(d, NETD_PATH_AUTOSTART, n->def->name, link, sizeof(link));
	netd_path(d, NETD_PATH_CONFIG_XML, n->def->name, target, sizeof(target));
	unlink(link);
	if (on && symlink(target, link) < 0)
		return nd_err_set(err, -errno, link, "cannot create the autostart link: %s", strerror(errno));
	n->autostart = on;
	return 0;
}

static int xml_suffix(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 4 && strcmp(e->d_name + n - 4, ".xml") == 0;
}

/* persistent definitions; a broken file is reported by name and skipped */
int netd_registry_load(struct netd *d)
{
	char dir[4096], path[4400];
	struct dirent **ents;
	int n;

	snprintf(dir, sizeof(dir), "%s/networks", d->opts.config_dir);
	n = scandir(dir, &ents, xml_suffix, alphasort);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++) {
		struct netdef *def = NULL;
		struct nd_err err = { 0 };
		struct netd_net *net;
		char expect[300];

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		if (netdef_parse_file(path, &def, &err) < 0) {
			netd_log_err(NULL, "skipping a broken definition", &err);
		} else if (snprintf(expect, sizeof(expect), "%s.xml", def->name),
			   strcmp(expect, ents[i]->d_name) != 0) {
			netd_log(NETD_LOG_ERR, NULL, "%s: skipped: it defines network '%s', not its file name",
				 path, def->name);
			netdef_free(def);
		} else if (netd_net_find(d, def->name)) {
			netdef_free(def);
		} else if (!(net = netd_net_add(d, def))) {
			netdef_free(def);
		} else {
			net->def = def;
			netd_path(d, NETD_PATH_AUTOSTART, def->name, path, sizeof(path));
			net->autostart = access(path, F_OK) == 0;
		}
		free(ents[i]);
	}
	free(ents);
	return 0;
}
