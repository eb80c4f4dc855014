/* Who listens on the DNS/DHCP ports: sock_diag (bytecode-filtered), else /proc/net. */
#include <ctype.h>
#include <dirent.h>
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dhcp/dhcp.h"
#include "netd/lib/netd-listeners.h"

/* the pid holding socket inode, and its name; 0 when not found */
pid_t netd_socket_owner(unsigned long inode, char *comm, size_t len)
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

/*
 * The sockets that matter, from the kernel's socket diagnostics: for TCP only
 * listening ones (reading /proc/net/tcp walks every TCP socket of the host and
 * costs milliseconds). Returns how many were stored, or -errno to fall back.
 */
static int diag_holders(int family, int proto, struct dhcp_port_holder *out, size_t max)
{
	static const unsigned udp_ports[] = { 53, 67, 547 }, tcp_ports[] = { 53 };
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
		struct rtattr rta;
		unsigned char bc[256];
	} msg = {
		.nlh = { .nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.req = { .sdiag_family = (uint8_t)family, .sdiag_protocol = (uint8_t)proto,
			 .idiag_states = proto == IPPROTO_TCP ? 1u << 10 /* TCP_LISTEN */ : ~0u },
		.rta = { .rta_type = INET_DIAG_REQ_BYTECODE },
	};
	size_t bc_len = proto == IPPROTO_TCP ? dhcp_port_filter_build(family, tcp_ports, 1, msg.bc, sizeof(msg.bc))
					     : dhcp_port_filter_build(family, udp_ports, 3, msg.bc, sizeof(msg.bc));
	char buf[16384];
	size_t n_out = 0;
	bool done = false;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		return -errno;
	msg.rta.rta_len = (unsigned short)RTA_LENGTH(bc_len);
	msg.nlh.nlmsg_len = (uint32_t)(offsetof(__typeof__(msg), rta) + RTA_ALIGN(msg.rta.rta_len));
	if (send(fd, &msg, msg.nlh.nlmsg_len, 0) < 0) {
		close(fd);
		return -errno;
	}
	while (!done) {
		ssize_t len = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (len <= 0) {
			close(fd);
			return len < 0 ? -errno : -EIO;
		}
		for (; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			struct dhcp_port_holder *ph;

			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				close(fd);
				return -EOPNOTSUPP;
			}
			if (n_out == max)
				continue;
			ph = &out[n_out++];
			memset(ph, 0, sizeof(*ph));
			ph->port = ntohs(m->id.idiag_sport);
			ph->inode = m->idiag_inode;
			ph->tcp = proto == IPPROTO_TCP;
			ph->listening = true;
			ph->bound_ifindex = m->id.idiag_if;
			ph->ipv6 = family == AF_INET6;
			ph->wildcard = !m->id.idiag_src[0] && (family == AF_INET ||
				       (!m->id.idiag_src[1] && !m->id.idiag_src[2] && !m->id.idiag_src[3]));
		}
	}
	close(fd);
	return (int)n_out;
}

/* every socket that could hold the ports: sock_diag, else /proc/net */
int netd_listeners_list(struct dhcp_port_holder *out, size_t max)
{
	static const struct {
		int family, proto;
		const char *file;
	} kinds[] = { { AF_INET, IPPROTO_UDP, "/proc/net/udp" }, { AF_INET, IPPROTO_TCP, "/proc/net/tcp" },
		      { AF_INET6, IPPROTO_UDP, "/proc/net/udp6" }, { AF_INET6, IPPROTO_TCP, "/proc/net/tcp6" } };
	size_t n = 0;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		int got = diag_holders(kinds[k].family, kinds[k].proto, out + n, max - n);
		FILE *f;
		char line[512];

		if (got >= 0) {
			n += (size_t)got;
			continue;
		}
		if (!(f = fopen(kinds[k].file, "re")))
			continue;
		while (n < max && fgets(line, sizeof(line), f))
			if (dhcp_port_line_parse(line, kinds[k].proto == IPPROTO_TCP, &out[n]) == 0)
				n++;
		fclose(f);
	}
	return (int)n;
}

int netd_wildcard_listeners(char *buf, size_t len)
{
	struct dhcp_port_holder *h = calloc(4096, sizeof(*h));
	int n = h ? netd_listeners_list(h, 4096) : 0, count = 0;
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		char comm[64] = "?";
		pid_t pid;

		if (!dhcp_port_conflicts(&h[i], true))
			continue;
		pid = netd_socket_owner(h[i].inode, comm, sizeof(comm));
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%u%s on %s by pid %d (%s)", count ? "; " : "",
						h[i].port, h[i].tcp ? "/tcp" : "/udp", h[i].ipv6 ? "::" : "0.0.0.0", (int)pid, comm);
		count++;
	}
	free(h);
	return count;
}
