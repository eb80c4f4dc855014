#pragma once
/* The daemon's state, shared by the netd-*.c files. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/nd-err.h"
#include "xml/netdef.h"

struct netd_opts {
	const char *socket_path;
	const char *config_dir;
	const char *run_dir;
	const char *state_dir;
	const char *dnsmasq_bin;
	const char *dnsmasq_user; /* NULL: dnsmasq's default (nobody) */
	const char *admin_group;
	const char *ovs_db;   /* NULL: $OVS_RUNDIR/db.sock or /var/run/openvswitch/db.sock */
	gid_t admin_gid;
	bool have_admin_gid;
	bool verbose;
	bool daemonize;
	bool no_coexist; /* never add rules to other tables (Docker's DOCKER-USER) */
	const char *resolv_conf; /* where the upstream nameservers are (netd-resolv.c) */
};

/* epoll tags */
enum netd_ev_kind { NETD_EV_LISTEN, NETD_EV_SIGNAL, NETD_EV_CLIENT, NETD_EV_DNSMASQ, NETD_EV_RESOLV };
struct netd_ev {
	enum netd_ev_kind kind;
	void *ptr;
};

struct netd_net {
	struct netd_net *next;
	struct netdef *def;  /* the persistent definition; NULL for a transient network */
	struct netdef *live; /* the running definition while active */
	bool autostart;
	bool active;
	char bridge[16];     /* kernel name of the bridge while active */
	bool ovs;            /* the bridge is an Open vSwitch bridge */
	bool bridge_created; /* netd made the bridge (and removes it on destroy) */
	bool fw_pending;     /* adopted: its rules are to be applied again */
	/* dnsmasq supervision */
	pid_t dnsmasq_pid;       /* 0 = not running */
	int dnsmasq_pidfd;       /* -1 = none */
	bool dnsmasq_is_child;   /* ours to reap (false when adopted after a restart) */
	unsigned dnsmasq_restarts;
	unsigned backoff_ms;
	long long restart_at_ms;  /* 0 = no restart pending */
	long long dnsmasq_started_ms;
	struct netd_ev dnsmasq_ev;
};

struct netd_client;

/* a guest's port: a TAP device on a network's bridge */
struct netd_port {
	struct netd_port *next;
	char name[16];
	char network[NETDEF_NAME_MAX + 1];
	char mac[18];        /* the guest's MAC */
	char portgroup[NETDEF_NAME_MAX + 1];
	unsigned queues;     /* 0 for an existing interface attached by name */
	bool persistent;
	bool ovs;            /* an Open vSwitch port */
	bool existing;       /* the interface was the client's: detached, never deleted */
	char bridge[16];
	char iface_id[37];   /* external_ids:iface-id on OVS */
	char vm_uuid[37];    /* external_ids:vm-uuid on OVS, when the client gave one */
	char vlan[128];      /* what the port's VLAN settings came to, for listing */
	struct netd_client *owner; /* removed when this connection closes; NULL = none */
	int owner_pid;
};

struct netd {
	struct netd_opts opts;
	struct netd_net *nets;
	struct netd_port *ports;
	struct netd_client *clients;
	int epfd, listen_fd, sig_fd;
	bool quit;
	uint32_t nft_seq;
	/* the ruleset generation netd's own last commit left, and whether the
	 * dispatch rules were in place then (a start need not rewrite them while
	 * nobody else has committed since) */
	uint32_t nft_genid;
	bool nft_genid_ok;
	/* the upstream nameservers as dnsmasq server= lines, and the watch on them */
	char *resolv_servers;
	int resolv_fd;
	struct netd_ev resolv_ev;
};

/* what a network is called in logs and errors */
static inline const char *netd_net_name(const struct netd_net *n)
{
	return n->live ? n->live->name : n->def->name;
}
/* the definition in force: live while active, else persistent */
static inline const struct netdef *netd_net_def(const struct netd_net *n)
{
	return n->live ? n->live : n->def;
}

long long netd_now_ms(void);

/* -- netd-paths.c -- */
enum netd_path {
	NETD_PATH_CONFIG_XML,   /* config/networks/NAME.xml */
	NETD_PATH_AUTOSTART,    /* config/networks/autostart/NAME.xml (symlink) */
	NETD_PATH_RUN_XML,      /* run/networks/NAME.xml: the live definition */
	NETD_PATH_RUN_STATUS,   /* run/networks/NAME.status */
	NETD_PATH_DNSMASQ_CONF, /* run/dnsmasq/NAME.conf */
	NETD_PATH_DNSMASQ_HOSTS,
	NETD_PATH_DNSMASQ_ADDN,
	NETD_PATH_DNSMASQ_SERVERS,
	NETD_PATH_DNSMASQ_LOG,
	NETD_PATH_LEASES,       /* state/dnsmasq/NAME.leases */
	NETD_PATH_PORT,         /* run/ports/NAME.json */
};
int netd_path(const struct netd *d, enum netd_path kind, const char *name, char *buf, size_t len);
int netd_dirs_create(const struct netd *d, struct nd_err *err);

/* -- netd-registry.c -- */
struct netd_net *netd_net_find(struct netd *d, const char *name);
struct netd_net *netd_net_find_uuid(struct netd *d, const uint8_t uuid[16]);
struct netd_net *netd_net_add(struct netd *d);
void netd_net_remove(struct netd *d, struct netd_net *n);
int netd_registry_load(struct netd *d);
/* define (persistent) or redefine; takes ownership of def */
int netd_net_define(struct netd *d, struct netdef *def, struct netd_net **ret, struct nd_err *err);
int netd_net_undefine(struct netd *d, struct netd_net *n, struct nd_err *err);
int netd_net_set_autostart(struct netd *d, struct netd_net *n, bool on, struct nd_err *err);
/* fill in bridge name template and MAC when absent, checks against other networks */
int netd_net_complete_def(struct netd *d, struct netdef *def, const struct netd_net *self,
			  struct nd_err *err);

/* -- netd-driver.c -- */
int netd_net_start(struct netd *d, struct netd_net *n, struct nd_err *err);
int netd_net_stop(struct netd *d, struct netd_net *n, struct nd_err *err);
/* an active network missing a piece gets it back: 1 (with what was done), 0 when whole */
int netd_net_repair(struct netd *d, struct netd_net *n, char *ret_repairs, size_t len, struct nd_err *err);
/* after a restart: take over what is still running, clean up the rest */
void netd_adopt_running(struct netd *d);
int netd_status_save(struct netd *d, struct netd_net *n, struct nd_err *err);
/* does the network put its ports on Open vSwitch / need Linux bridge VLAN filtering? */
bool netd_def_uses_ovs(const struct netdef *def);
bool netd_def_has_vlans(const struct netdef *def);

/* -- netd-dnsmasq.c -- */
int netd_dnsmasq_start(struct netd *d, struct netd_net *n, struct nd_err *err);
/* SIGTERM only; netd_dnsmasq_stop then waits (and kills after 2 s) */
void netd_dnsmasq_signal(struct netd_net *n);
void netd_dnsmasq_stop(struct netd *d, struct netd_net *n);
/* the process of n ended (pidfd readable) */
void netd_dnsmasq_exited(struct netd *d, struct netd_net *n);
/* run pending restarts; returns ms until the next one, or -1 */
int netd_dnsmasq_tick(struct netd *d);
/* take over a running dnsmasq by pid; false when it is not ours or gone */
bool netd_dnsmasq_adopt(struct netd *d, struct netd_net *n, pid_t pid);
/* a running dnsmasq with this network's configuration, found by its command line; 0 if none */
pid_t netd_dnsmasq_find(struct netd *d, const char *net);
int netd_dnsmasq_reload(struct netd *d, struct netd_net *n, struct nd_err *err);
/* writes the network's servers file from the current upstream servers */
int netd_dnsmasq_write_servers(struct netd *d, struct netd_net *n, struct nd_err *err);

/* -- netd-resolv.c: upstream nameservers, read once for every dnsmasq -- */
void netd_resolv_init(struct netd *d);
/* the watch fired: re-read; on a change every dnsmasq gets its new servers */
void netd_resolv_changed(struct netd *d);

/* -- netd-ports.c -- */
void netd_ports_load(struct netd *d);
void netd_ports_client_gone(struct netd *d, struct netd_client *c);
/* removes every port of the network (it is being stopped) */
void netd_ports_network_stopped(struct netd *d, const char *network);

/* -- netd-ovs.c -- */
struct tapdev_ovs_port;
int netd_ovs_bridge_exists(struct netd *d, const char *bridge, struct nd_err *err);
int netd_ovs_bridge_add(struct netd *d, const char *bridge, struct nd_err *err);
int netd_ovs_bridge_del(struct netd *d, const char *bridge, struct nd_err *err);
int netd_ovs_port_add(struct netd *d, const struct tapdev_ovs_port *p, struct nd_err *err);
int netd_ovs_port_del(struct netd *d, const char *port, struct nd_err *err);

/* -- netd-portcheck.c -- */
/* fails naming the holder when a wildcard listener has the network's DNS/DHCP ports */
int netd_ports_check_free(struct netd *d, const struct netdef *def, struct nd_err *err);
/* every wildcard listener on 53, 67 or 547, described into buf; returns how many */
int netd_wildcard_listeners(char *buf, size_t len);

/* -- netd-coexist.c -- */
int netd_coexist_start(struct netd *d, struct netd_net *n, struct nd_err *err);
void netd_coexist_stop(struct netd *d, const char *name);

/* -- netd-sysctl.c -- */
int netd_sysctl_prepare(const struct netdef *def, const char *bridge, struct nd_err *err);
int netd_sysctl_port_quiet(const char *ifname, struct nd_err *err);
int netd_sysctl_port_no_ipv6(const char *ifname, struct nd_err *err);

/* -- netd-control.c -- */
int netd_control_listen(struct netd *d, struct nd_err *err);
void netd_control_accept(struct netd *d);
void netd_control_client_event(struct netd *d, struct netd_client *c, uint32_t events);
void netd_control_close_all(struct netd *d);

