/*
 * Test tool: nd-txcsum IFNAME on|off turns a device's transmit checksum
 * offload on or off (ETHTOOL_STXCSUM), as `ethtool -K IFNAME tx off` would.
 * A namespace guest on the OVS userspace datapath needs it off, as a QEMU
 * guest needs csum=off: that datapath forwards a packet whose checksum was
 * left to the device without filling it in.
 */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct ethtool_value v = { .cmd = ETHTOOL_STXCSUM };
	struct ifreq ifr = { 0 };
	int fd, r;

	if (argc != 3 || strlen(argv[1]) >= IFNAMSIZ || (strcmp(argv[2], "on") && strcmp(argv[2], "off"))) {
		fprintf(stderr, "usage: nd-txcsum IFNAME on|off\n");
		return 2;
	}
	v.data = strcmp(argv[2], "on") == 0;
	strcpy(ifr.ifr_name, argv[1]);
	ifr.ifr_data = (void *)&v;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0 || (r = ioctl(fd, SIOCETHTOOL, &ifr)) < 0) {
		fprintf(stderr, "nd-txcsum: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}
