/* Test tool: listen on an interface (AF_PACKET) for SECONDS and print each
 * distinct 802.1Q VLAN id seen, whether the kernel moved the tag into the
 * packet's metadata (PACKET_AUXDATA) or left it in the frame. */
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	bool seen[4096] = { false };
	int fd, one = 1;
	time_t end;

	if (argc != 3) {
		fprintf(stderr, "usage: nd-vlansniff IFNAME SECONDS\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	sll.sll_ifindex = (int)if_nametoindex(argv[1]);
	if (fd < 0 || !sll.sll_ifindex || bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0) {
		perror("nd-vlansniff");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	end = time(NULL) + atoi(argv[2]);
	while (time(NULL) < end) {
		unsigned char frame[2048], cbuf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct iovec iov = { frame, sizeof(frame) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
		struct pollfd p = { fd, POLLIN, 0 };
		int vid = -1;
		ssize_t n;

		if (poll(&p, 1, 200) <= 0 || (n = recvmsg(fd, &mh, 0)) < 14)
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			struct tpacket_auxdata *aux = (void *)CMSG_DATA(c);

			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
			    (aux->tp_status & TP_STATUS_VLAN_VALID))
				vid = aux->tp_vlan_tci & 0xfff;
		}
		if (vid < 0 && frame[12] == 0x81 && frame[13] == 0x00)
			vid = ((frame[14] << 8) | frame[15]) & 0xfff;
		if (vid >= 0 && !seen[vid]) {
			seen[vid] = true;
			printf("vlan %d\n", vid);
			fflush(stdout);
		}
	}
	return 0;
}
