/*
 * Bench tool: the kernel's own cost of a port, the floor under netd's port
 * rate. Creates COUNT TAP devices (fd held, so the carrier is on, as with a
 * guest attached), each joined to BRIDGE and set up with one RTM_NEWLINK,
 * with nothing else around: no daemon, no JSON, no files.
 * Prints: ports=N seconds=S rate=R first_tenth_rate=F last_tenth_rate=L
 * The TAPs go when the tool exits (their fds close).
 */
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <net/if.h> /* before linux/ headers, which then skip their copies */
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int join(struct mnl_socket *nl, unsigned ifindex, unsigned master, unsigned seq)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	ssize_t n;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 || (n = mnl_socket_recvfrom(nl, buf, sizeof(buf))) < 0)
		return -errno;
	return mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl), NULL, NULL) < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl;
	double t0, *done;
	unsigned master;
	long count;

	if (argc != 4) {
		fprintf(stderr, "usage: nd-tapfloor BRIDGE PREFIX COUNT\n");
		return 2;
	}
	count = strtol(argv[3], NULL, 10);
	if (count < 1 || count > 100000 || strlen(argv[2]) > 8 || !(master = if_nametoindex(argv[1]))) {
		fprintf(stderr, "nd-tapfloor: bad COUNT, PREFIX longer than 8, or no bridge '%s'\n", argv[1]);
		return 2;
	}
	{
		struct rlimit rl = { (rlim_t)count + 64, (rlim_t)count + 64 };

		setrlimit(RLIMIT_NOFILE, &rl);
	}
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 || !(done = calloc((size_t)count, sizeof(*done)))) {
		perror("nd-tapfloor");
		return 1;
	}
	t0 = now_us();
	for (long i = 0; i < count; i++) {
		struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL };
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), r;

		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s%ld", argv[2], i);
		if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0) {
			fprintf(stderr, "nd-tapfloor: %s: %s\n", ifr.ifr_name, strerror(errno));
			return 1;
		}
		if ((r = join(nl, if_nametoindex(ifr.ifr_name), master, (unsigned)i + 1)) < 0) {
			fprintf(stderr, "nd-tapfloor: joining %s: %s\n", ifr.ifr_name, strerror(-r));
			return 1;
		}
		done[i] = now_us();
	}
	{
		long tenth = count >= 10 ? count / 10 : 1;
		double total = done[count - 1] - t0, first = done[tenth - 1] - t0,
		       last = done[count - 1] - (count > tenth ? done[count - tenth - 1] : t0);

		printf("ports=%ld seconds=%.3f rate=%.0f first_tenth_rate=%.0f last_tenth_rate=%.0f\n", count, total / 1e6,
		       (double)count / (total / 1e6), (double)tenth / (first / 1e6), (double)tenth / (last / 1e6));
	}
	free(done);
	mnl_socket_close(nl);
	return 0;
}
