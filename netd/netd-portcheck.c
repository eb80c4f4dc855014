/*
 * Before dnsmasq starts: is a DNS/DHCP port taken by a wildcard listener in
 * this namespace? The error names the port, the address and the process, e.g.
 * "port 53 on 0.0.0.0 is held by pid 812 (named)". Other networks' dnsmasqs
 * (which bind only their bridges' addresses, and share 67 by design) never
 * count.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp/dhcp.h"
#include "netd/netd.h"

/* the pid holding socket inode, and its name; 0 when not found */
static pid_t socket_owner(unsigned long inode, char *comm, size_t len)
{
	char want[64], path[600], link[64];
	DIR *proc = opendir("/proc");
	struct dirent *p;
	pid_t found = 0;

	snprintf(want, sizeof(want), "socket:[%lu]", inode);
	while (proc && !found && (p = readdir(proc))) {
		DIR *fds;
		struct dirent *f;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		if (!(fds = opendir(path)))
			continue;
		while (!found && (f = readdir(fds))) {
			ssize_t n;

			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name, f->d_name);
			n = readlink(path, link, sizeof(link) - 1);
			if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
				found = (pid_t)atoi(p->d_name);
		}
		closedir(fds);
	}
	if (proc)
		closedir(proc);
	if (found) {
		FILE *c;

		snprintf(path, sizeof(path), "/proc/%d/comm", (int)found);
		comm[0] = '\0';
		if ((c = fopen(path, "re"))) {
			if (fgets(comm, (int)len, c))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(c);
		}
	}
	return found;
}

static bool is_netd_dnsmasq(struct netd *d, pid_t pid)
{
	for (struct netd_net *n = d->nets; n; n = n->next)
		if (n->dnsmasq_pid == pid)
			return true;
	return false;
}

int netd_ports_check_free(struct netd *d, const struct netdef *def, struct nd_err *err)
{
	static const struct {
		const char *file;
		bool tcp;
	} tables[] = { { "/proc/net/udp", false }, { "/proc/net/tcp", true }, { "/proc/net/udp6", false },
		       { "/proc/net/tcp6", true } };
	bool v6 = netdef_dhcp_ip(def, AF_INET6) != NULL;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		FILE *f = fopen(tables[t].file, "re");
		char line[512];

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			struct dhcp_port_holder h;
			char comm[64] = "?";
			pid_t pid;

			if (dhcp_port_line_parse(line, tables[t].tcp, &h) < 0 || !dhcp_port_conflicts(&h, v6))
				continue;
			if (def->dns.enable == NETDEF_NO && h.port == 53)
				continue;
			pid = socket_owner(h.inode, comm, sizeof(comm));
			if (pid && is_netd_dnsmasq(d, pid))
				continue;
			fclose(f);
			if (pid)
				return nd_err_set(err, -EADDRINUSE, def->name, "port %u%s on %s is held by pid %d (%s)", h.port,
						  h.tcp ? "/tcp" : "", h.ipv6 ? "::" : "0.0.0.0", (int)pid, comm);
			return nd_err_set(err, -EADDRINUSE, def->name, "port %u%s on %s is held by a socket of another namespace or user",
					  h.port, h.tcp ? "/tcp" : "", h.ipv6 ? "::" : "0.0.0.0");
		}
		fclose(f);
	}
	return 0;
}

int netd_wildcard_listeners(char *buf, size_t len)
{
	static const struct {
		const char *file;
		bool tcp;
	} tables[] = { { "/proc/net/udp", false }, { "/proc/net/tcp", true }, { "/proc/net/udp6", false },
		       { "/proc/net/tcp6", true } };
	size_t off = 0;
	int count = 0;

	buf[0] = '\0';
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		FILE *f = fopen(tables[t].file, "re");
		char line[512];

		while (f && fgets(line, sizeof(line), f)) {
			struct dhcp_port_holder h;
			char comm[64] = "?";
			pid_t pid;

			if (dhcp_port_line_parse(line, tables[t].tcp, &h) < 0 || !dhcp_port_conflicts(&h, true))
				continue;
			pid = socket_owner(h.inode, comm, sizeof(comm));
			if (off < len)
				off += (size_t)snprintf(buf + off, len - off, "%s%u%s on %s by pid %d (%s)", count ? "; " : "",
							h.port, h.tcp ? "/tcp" : "/udp", h.ipv6 ? "::" : "0.0.0.0", (int)pid, comm);
			count++;
		}
		if (f)
			fclose(f);
	}
	return count;
}
