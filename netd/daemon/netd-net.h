#pragma once
/*
 * A network: one object in the daemon's registry, reference-counted, with an
 * explicit state changed only by netd_net_set_state() and one runtime record
 * (run/networks/NAME.json) written whole by netd_net_save().
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/nd-err.h"
#include "common/nd-hash.h"
#include "netd/daemon/netd-daemon.h"
#include "xml/netdef.h"

enum netd_net_state {
	NETD_NET_INACTIVE,
	NETD_NET_STARTING,
	NETD_NET_ACTIVE,
	NETD_NET_STOPPING,
	NETD_NET_FAILED, /* a teardown left something behind: remembered and retried */
	_NETD_NET_STATE_MAX,
};
const char *netd_net_state_to_string(enum netd_net_state s);
int netd_net_state_from_string(const char *s);

/*
 * A start's steps, in order; a stop undoes them in reverse. The sysctls come
 * before the link goes up: a bridge whose network has no IPv6 never gets a
 * link-local address or its routes (which the kernel would announce, and
 * then withdraw), and one that has IPv6 accepts no router advertisement from
 * the moment it is up.
 */
enum netd_step {
	NETD_STEP_BRIDGE,
	NETD_STEP_SYSCTL,
	NETD_STEP_LINK_UP,
	NETD_STEP_ADDRESSES,
	NETD_STEP_ROUTES,
	NETD_STEP_FIREWALL,
	NETD_STEP_COEXIST,
	NETD_STEP_DNSMASQ,
	NETD_STEP_QOS,      /* <bandwidth> on the bridge (last: a step added later keeps older records' bits) */
	_NETD_STEP_MAX,
};
const char *netd_step_to_string(enum netd_step s);
/* a teardown's leftovers (n->leftovers) are steps whose undo failed: 1 << step */
#define NETD_LEFT(step) (1u << (step))
#define NETD_LEFT_ALL ((1u << _NETD_STEP_MAX) - 1)

enum { NETD_BRIDGE_ABSENT, NETD_BRIDGE_OURS, NETD_BRIDGE_FOREIGN };

/*
 * A step that waits for another program (ovs-vsctl add-br/del-br) returns
 * NETD_PENDING when the network's caller can wait (n->may_defer): the daemon
 * goes on serving others, and the step's job calls netd_net_step_done(). The
 * start or stop then continues, and netd_net_finished() answers whoever waits.
 */
#define NETD_PENDING 1
enum netd_net_op { NETD_OP_NONE, NETD_OP_START, NETD_OP_STOP };

/*
 * What the state machine (netd-driver.c) asks of the host. netd_real_ops
 * (netd-host-apply.c) does it through rtnetlink, nftables and dnsmasq; unit
 * tests put fakes here (struct netd's ops).
 */
struct netd_ops {
	/* names the bridge and refuses collisions, before anything changes; a host bridge is only checked */
	int (*prepare)(struct netd *d, struct netd_net *n, struct nd_err *err);
	/* one step of a start, or its undo; NETD_PENDING: see above */
	int (*step)(struct netd *d, struct netd_net *n, enum netd_step s, bool undo, struct nd_err *err);
	bool (*bridge_present)(struct netd *d, struct netd_net *n);
	/* a recorded bridge: NETD_BRIDGE_*; an unmarked one of a legacy record is marked and ours */
	int (*bridge_owner)(struct netd *d, const char *net, const char *bridge, bool created, bool ovs, bool legacy);
	/* an active network's rules put back; ret says what was missing ("" when nothing) */
	int (*repair)(struct netd *d, struct netd_net *n, char *ret, size_t len, struct nd_err *err);
	/* the rules of every adopted network (fw_pending), in batches */
	void (*firewall_readopt)(struct netd *d);
	/* an active OVN network's NB objects converged again */
	int (*ovn_repair)(struct netd *d, struct netd_net *n, char *ret, size_t len, struct nd_err *err);
};
extern const struct netd_ops netd_real_ops;

struct netd_waiter;

struct netd_net {
	struct netd_net *next, *prev; /* registry, in the order networks came */
	struct nd_hnode by_name, by_uuid;
	/* what the registry knows it by; never changes (a redefinition keeps both) */
	char name[NETDEF_NAME_MAX + 1];
	uint8_t uuid[16];
	unsigned refs;
	bool in_registry;
	bool dirty;            /* the record on disk is older than the object */
	enum netd_net_state state;
	struct netdef *def;  /* the persistent definition; NULL for a transient network */
	struct netdef *live; /* the running definition while not inactive */
	bool autostart;
	char bridge[16];     /* kernel name of the bridge while not inactive */
	bool ovs;            /* the bridge is an Open vSwitch bridge */
	bool bridge_created; /* netd made the bridge (and removes it on destroy) */
	bool fw_pending;     /* adopted: its rules are to be applied again */
	unsigned leftovers;  /* NETD_LEFT(step): what a failed teardown could not remove */
	/* a start or stop waiting for a step's job (NETD_PENDING) */
	bool may_defer;          /* set by a caller that can wait for NETD_PENDING */
	enum netd_net_op pending_op;
	int pending_step;
	unsigned pending_left;   /* a stop: the steps still to undo below pending_step */
	struct nd_err *pending_err; /* a stop: the first undo error so far (allocated while pending) */
	struct netd_waiter *waiters; /* requests answered when the start or stop ends (netd-methods.c) */
	char (*foreign)[16];     /* interfaces others had put on the bridge when it stopped: put back at start */
	size_t n_foreign;
	char failure[256];   /* why, for net-info and the log */
	/* dnsmasq supervision */
	pid_t dnsmasq_pid;       /* 0 = not running */
	int dnsmasq_pidfd;       /* -1 = none */
	bool dnsmasq_is_child;   /* ours to reap (false when adopted after a restart) */
	unsigned dnsmasq_restarts;
	unsigned backoff_ms;
	long long restart_at_ms;  /* 0 = no restart pending */
	long long dnsmasq_started_ms;
	struct netd_ev dnsmasq_ev;
	/* an OVN network's autostart: tried after netd listens, again while its NB cannot be reached */
	long long ovn_start_at_ms; /* 0 = none pending */
	unsigned ovn_backoff_ms;
	/* its DHCP_Options row, looked up by the first port after each start ("" = it has none) */
	bool ovn_dhcp_known;
	char ovn_dhcp[37];
};

static inline bool netd_net_is_active(const struct netd_net *n)
{
	return n->state == NETD_NET_ACTIVE;
}
/* what a network is called in logs and errors */
static inline const char *netd_net_name(const struct netd_net *n)
{
	return n->name;
}
/* the definition in force: live while running, else persistent */
static inline const struct netdef *netd_net_def(const struct netd_net *n)
{
	return n->live ? n->live : n->def;
}

/* -- netd-registry.c: lifetimes -- */
struct netd_net *netd_net_ref(struct netd_net *n);
/* frees at the last reference; returns NULL */
struct netd_net *netd_net_unref(struct netd_net *n);
/* a new network in the registry under keys' name and UUID (the registry's reference; none for the caller) */
struct netd_net *netd_net_add(struct netd *d, const struct netdef *keys);
/* out of the registry: the registry's reference goes, holders keep theirs */
void netd_net_drop(struct netd *d, struct netd_net *n);
/* the one way a state changes: logs "state: a -> b", marks dirty, saves */
void netd_net_set_state(struct netd *d, struct netd_net *n, enum netd_net_state s);
/* writes the whole runtime record when dirty (state, bridge, flags, dnsmasq, live XML);
 * an inactive network's record is removed */
int netd_net_save(struct netd *d, struct netd_net *n, struct nd_err *err);

struct netd_net *netd_net_find(struct netd *d, const char *name);
struct netd_net *netd_net_find_uuid(struct netd *d, const uint8_t uuid[16]);
/* by name, or by UUID when key is one */
struct netd_net *netd_net_lookup(struct netd *d, const char *key);
int netd_registry_load(struct netd *d);
/* define (persistent) or redefine; takes ownership of def */
int netd_net_define(struct netd *d, struct netdef *def, struct netd_net **ret, struct nd_err *err);
int netd_net_undefine(struct netd *d, struct netd_net *n, struct nd_err *err);
int netd_net_set_autostart(struct netd *d, struct netd_net *n, bool on, struct nd_err *err);
/* fill in bridge name template and MAC when absent, checks against other networks */
int netd_net_complete_def(struct netd *d, struct netdef *def, const struct netd_net *self,
			  struct nd_err *err);

/* -- netd-driver.c: what a network is on the host -- */
/* 0, <0, or NETD_PENDING (only with n->may_defer: netd_net_finished() follows) */
int netd_net_start(struct netd *d, struct netd_net *n, struct nd_err *err);
/* stops (or retries a failed stop); a transient network leaves the registry; NETD_PENDING as for start */
int netd_net_stop(struct netd *d, struct netd_net *n, struct nd_err *err);
/* the job of a step that returned NETD_PENDING ended with r (err set when r < 0) */
void netd_net_step_done(struct netd *d, struct netd_net *n, int r, const struct nd_err *err);
/* -- netd-methods.c: a start or stop that was pending ended: its waiters get their replies -- */
void netd_net_finished(struct netd *d, struct netd_net *n, int r, const struct nd_err *err);
/* an active network missing a piece gets it back: 1 (with what was done), 0 when whole */
int netd_net_repair(struct netd *d, struct netd_net *n, char *ret_repairs, size_t len, struct nd_err *err);
/* after a restart: take over what is still running, clean up the rest */
void netd_adopt_running(struct netd *d);
/* does the network put its ports on Open vSwitch / need Linux bridge VLAN filtering? */
bool netd_def_uses_ovs(const struct netdef *def);
bool netd_def_has_vlans(const struct netdef *def);
