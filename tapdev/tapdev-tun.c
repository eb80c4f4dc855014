/* Pure helpers for TAP devices. */
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>

#include "tapdev/tapdev.h"

unsigned short tapdev_tap_ifr_flags(unsigned queues, unsigned queue, unsigned flags)
{
	unsigned short f = IFF_TAP | IFF_NO_PI;

	if (flags & TAPDEV_VNET_HDR)
		f |= IFF_VNET_HDR;
	if (queues > 1)
		f |= IFF_MULTI_QUEUE;
	/* the first queue creates the device and must not take over an existing one */
	if (queue == 0)
		f |= IFF_TUN_EXCL;
	return f;
}

void tapdev_host_mac(const uint8_t guest[6], uint8_t ret[6])
{
	memcpy(ret, guest, 6);
	/* the bridge takes the lowest port MAC as its own: keep the host side high */
	ret[0] = guest[0] == 0xfe ? 0xfa : 0xfe;
}

int tapdev_random_mac(uint8_t ret[6])
{
	ret[0] = 0x52;
	ret[1] = 0x54;
	ret[2] = 0x00;
	return netdef_random_bytes(ret + 3, 3);
}
