#pragma once
/* The daemon as a whole: its options, its event loop's tags, its registries. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/nd-err.h"
#include "common/nd-hash.h"

struct netd_opts {
	const char *socket_path;
	const char *config_dir;
	const char *run_dir;
	const char *state_dir;
	const char *dnsmasq_bin;
	const char *dnsmasq_user; /* NULL: netd-dnsmasq when that user exists, else nobody */
	const char *admin_group;
	const char *ovs_db;   /* NULL: $OVS_RUNDIR/db.sock or /var/run/openvswitch/db.sock */
	const char *pidfile;  /* --daemon writes it; NULL: RUN_DIR/netd.pid */
	const char *log_file; /* NULL: stderr (syslog with --daemon) */
	gid_t admin_gid;
	bool have_admin_gid;
	bool admin_group_dnsmasq_options; /* the admin group may pass <dnsmasq:options> too */
	bool verbose;
	bool daemonize;
	bool no_coexist; /* never add rules to other tables (Docker's DOCKER-USER) */
	bool skip_dir_check; /* tests only: sandboxes under a user's own dirs */
	unsigned max_clients_per_user; /* connections an unprivileged uid may hold */
	const char *resolv_conf; /* where the upstream nameservers are (netd-resolv.c) */
	const char *dnsmasq_log;    /* auto (NULL), journal or file: netd-dnsmasq-log.c */
	const char *journal_socket; /* NULL: /run/systemd/journal/stdout */
	unsigned long long dnsmasq_log_max; /* a log file's size before it is rotated */
	const char *libvirt_socket; /* libvirt's RPC (netd-virt.c); NULL or "": none */
	const char *ovn_private_key, *ovn_certificate, *ovn_ca_cert; /* ssl: NB connections (netd-ovn.c) */
};

/* epoll tags */
enum netd_ev_kind {
	NETD_EV_LISTEN,
	NETD_EV_SIGNAL,
	NETD_EV_CLIENT,
	NETD_EV_DNSMASQ,
	NETD_EV_RESOLV,
	NETD_EV_PORT_OWNER,
	NETD_EV_REAP,
	NETD_EV_JOB,
	NETD_EV_VIRT_LISTEN,    /* libvirt's read-write socket */
	NETD_EV_VIRT_LISTEN_RO, /* libvirt's read-only socket */
	NETD_EV_VIRT_CONN,
};
struct netd_ev {
	enum netd_ev_kind kind;
	void *ptr;
};

struct netd_net;
struct netd_port;
struct netd_client;
struct netd_reap;
struct netd_job;
struct netd_pending;
struct netd_virt_conn;

struct netd_ops;
struct fw_conn;

struct netd {
	struct netd_opts opts;
	const struct netd_ops *ops; /* the host: netd_real_ops, or a test's fakes */
	struct netd_net *nets, *nets_tail; /* the registry: one reference each */
	struct nd_hash nets_by_name, nets_by_uuid;
	struct nd_hash ports_by_name, ports_by_net; /* ports: by device name, by network name */
	struct netd_client *clients;
	struct netd_reap *reaping; /* dnsmasqs told to stop, not yet gone */
	struct netd_job *jobs;     /* children being waited for (ovs-vsctl) */
	char ovn_chassis[128];     /* this host's OVN system-id, read once ("" = not yet) */
	struct netd_pending *pending; /* requests whose reply waits for a job */
	int epfd, listen_fd, sig_fd, lock_fd, reserve_fd;
	bool quit;
	bool socket_activated; /* the control socket came from systemd (netd.socket) */
	/* libvirt's RPC: its two listeners and connections (netd-virt.c) */
	int virt_fd, virt_ro_fd;
	struct netd_ev virt_rw_ev, virt_ro_ev;
	struct netd_virt_conn *virt_conns;
	struct fw_conn *fw;  /* nf_tables, opened on first use (netd_fw), closed at exit */
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
	char dnsmasq_user[64]; /* resolved at startup */
	uid_t dnsmasq_uid;
	gid_t dnsmasq_gid;
	bool dnsmasq_log_journal;	/* dnsmasq logs to the journal, not to files */
	long long dnsmasq_log_trim_at_ms; /* next look at the log files' sizes */
};

long long netd_now_ms(void);

/* -- netd-paths.c -- */
enum netd_path {
	NETD_PATH_CONFIG_XML,   /* config/networks/NAME.xml */
	NETD_PATH_AUTOSTART,    /* config/networks/autostart/NAME.xml (symlink) */
	NETD_PATH_RUN_RECORD,   /* run/networks/NAME.json: the network's whole runtime record */
	NETD_PATH_RUN_XML,      /* run/networks/NAME.xml: before 2026-12 (read for upgrades) */
	NETD_PATH_RUN_STATUS,   /* run/networks/NAME.status: before 2026-12 (read for upgrades) */
	NETD_PATH_DNSMASQ_CONF, /* run/dnsmasq/NAME.conf */
	NETD_PATH_DNSMASQ_HOSTS,
	NETD_PATH_DNSMASQ_ADDN,
	NETD_PATH_DNSMASQ_SERVERS,
	NETD_PATH_DNSMASQ_LOG,
	NETD_PATH_LEASES,       /* state/dnsmasq/NAME.leases */
	NETD_PATH_PORT,         /* run/ports/NAME.json */
	NETD_PATH_PORT_CONFIG,  /* config/ports/NAME.json: a persistent TAP port, made again after a reboot */
	NETD_PATH_FOREIGN,      /* run/foreign/NAME.list: others' interfaces on a stopped network's bridge */
};
int netd_path(const struct netd *d, enum netd_path kind, const char *name, char *buf, size_t len);
int netd_dirs_create(const struct netd *d, struct nd_err *err);
/*
 * Every directory netd writes, and each of their parents, must be owned by
 * root (or netd's own uid) and not writable by group or others (a sticky
 * parent such as /tmp is allowed): otherwise another user could swap what
 * netd writes or what dnsmasq reads. The error names the directory.
 */
int netd_dirs_check_safe(const struct netd *d, struct nd_err *err);
/* can dnsmasq (running as the given user) read files in dir? error names the dir that stops it */
int netd_dir_check_readable_by(const char *dir, uid_t uid, gid_t gid, struct nd_err *err);
