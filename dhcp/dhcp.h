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
/* -- dhcp-values.c: the one rule for values that reach dnsmasq's files -- */
enum dhcp_value_kind { DHCP_VALUE_TOKEN, DHCP_VALUE_QUOTED, DHCP_VALUE_LINE };
bool dhcp_value_ok(const char *v, enum dhcp_value_kind kind);
/* every such value of the definition; the error names the element, its line and the value */
int dhcp_def_check(const struct netdef *def, struct nd_err *err);
/* the reverse DNS zone of a subnet ("122.168.192.in-addr.arpa"); -EINVAL when the
 * prefix does not end on an octet (IPv4) or nibble (IPv6) boundary */
int dhcp_reverse_zone(const struct netdef_addr *a, unsigned prefix, char *buf, size_t len);
struct nd_buf;
/* "value" with " and \ escaped (dnsmasq unescapes them inside quotes) */
void dhcp_quote(struct nd_buf *b, const char *v);

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
	char hostname[256];
	char clientid[800]; /* a client-id of 255 bytes or a DUID of 130, as dnsmasq writes them in hex */
	bool ipv6;
};
/*
 * Every lease of the file. A line that cannot be read (the file is written
 * by dnsmasq from what guests send) is skipped, never fatal: *ret_skipped
 * counts them and *ret_first_bad is the first one's line number (0: none).
 */
int dhcp_leases_parse(const char *text, size_t len, struct dhcp_lease **ret, size_t *ret_n, size_t *ret_skipped,
		      size_t *ret_first_bad, struct nd_err *err);
int dhcp_leases_read(const char *path, struct dhcp_lease **ret, size_t *ret_n, size_t *ret_skipped,
		     size_t *ret_first_bad, struct nd_err *err);

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
/* posix_spawn; stdout/stderr to out_fd (the caller keeps it); returns the pid */
int dhcp_proc_spawn(char *const argv[], int out_fd, pid_t *ret_pid, struct nd_err *err);
/* `dnsmasq --test` of a configuration file: 0 when dnsmasq takes it, else an
 * error carrying dnsmasq's own last line */
int dhcp_proc_check(const char *binary, const char *conf_path, struct nd_err *err);
