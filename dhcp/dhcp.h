#pragma once
/*
 * DHCP and DNS through dnsmasq: its configuration, hosts files and argv
 * built from the model (pure), the lease file reader, and starting/stopping
 * the process (dhcp-proc-sys.c). One dnsmasq per network that needs one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/nd-err.h"
#include "xml/netdef.h"

struct dhcp_paths {
	const char *conf;      /* generated configuration */
	const char *hostsfile; /* --dhcp-hostsfile: static DHCP hosts (SIGHUP re-reads) */
	const char *addnhosts; /* --addn-hosts: <dns><host> entries (SIGHUP re-reads) */
	const char *leasefile; /* --dhcp-leasefile */
	/* upstream DNS servers as server= lines (servers-file, SIGHUP re-reads),
	 * with no-resolv; NULL: dnsmasq reads /etc/resolv.conf itself, and then
	 * needs an inotify instance of its own to watch it */
	const char *serversfile;
};

/* does this network run a dnsmasq at all? */
bool dhcp_needed(const struct netdef *def);

/* -- dhcp-conf.c -- */
int dhcp_conf_render(const struct netdef *def, const char *bridge, const struct dhcp_paths *paths,
		     char **ret, struct nd_err *err);
int dhcp_hosts_render(const struct netdef *def, char **ret, struct nd_err *err);
int dhcp_addnhosts_render(const struct netdef *def, char **ret, struct nd_err *err);
/* the nameserver lines of a resolv.conf as dnsmasq server= lines, in order
 * (what dnsmasq would take from the file itself); "" when it names none */
int dhcp_servers_render(const char *resolv_conf, char **ret, struct nd_err *err);
/* NULL-terminated argv for execve; free with dhcp_argv_free */
int dhcp_argv_build(const char *binary, const char *conf_path, const char *user, const char *group, char ***ret,
		    struct nd_err *err);
void dhcp_argv_free(char **argv);
/* dnsmasq's exit status (EC_* 1..5) in words */
const char *dhcp_exit_reason(int status);

/* -- dhcp-leases.c -- */
struct dhcp_lease {
	long long expiry; /* unix time, 0 = infinite */
	char mac[18];     /* empty for DHCPv6 */
	char ip[46];
	char hostname[64];
	char clientid[256];
	bool ipv6;
};
int dhcp_leases_parse(const char *text, size_t len, struct dhcp_lease **ret, size_t *ret_n,
		      struct nd_err *err);
int dhcp_leases_read(const char *path, struct dhcp_lease **ret, size_t *ret_n, struct nd_err *err);

/* -- dhcp-ports.c: sockets that would keep dnsmasq from binding -- */
struct dhcp_port_holder {
	unsigned port;
	unsigned long inode;
	bool tcp, ipv6, wildcard, listening;
	unsigned bound_ifindex; /* SO_BINDTODEVICE: it holds the port on that device only (0: everywhere) */
};
/* one line of /proc/net/{udp,tcp,udp6,tcp6}; -EINVAL for the header and garbage */
int dhcp_port_line_parse(const char *line, bool tcp, struct dhcp_port_holder *ret);
/*
 * inet_diag bytecode (INET_DIAG_REQ_BYTECODE) that lets the kernel return only
 * the sockets that can be in the way: a source port of ports[], the wildcard
 * address of family, and no SO_BINDTODEVICE. With 1000 networks the unfiltered
 * dumps carried every dnsmasq's sockets on each start. Every op's "yes" leads
 * to the next op, as the kernel's audit requires; a matching block ends in a
 * jump to the end (accept), a failing test jumps to the next block, or past
 * the end (reject) from the last one. Returns the length, 0 when buf is small.
 */
size_t dhcp_port_filter_build(int family, const unsigned *ports, size_t n_ports, void *buf, size_t len);
/* does this socket keep a network's dnsmasq from its DNS/DHCP(v6) ports? */
bool dhcp_port_conflicts(const struct dhcp_port_holder *h, bool dhcpv6);

/* -- dhcp-proc-sys.c -- */
/* fork + execve; stdout/stderr to log_path; returns the pid */
int dhcp_proc_spawn(char *const argv[], const char *log_path, pid_t *ret_pid, struct nd_err *err);
