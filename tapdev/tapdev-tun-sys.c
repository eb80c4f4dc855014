/* TAP devices through /dev/net/tun: named by netd, all queues or none. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tapdev/tapdev.h"

int tapdev_tap_create(const char *name, unsigned queues, unsigned flags, int *ret_fds, struct nd_err *err)
{
	unsigned i;
	int r = 0;

	if (queues == 0 || queues > TAPDEV_MAX_QUEUES)
		return nd_err_set(err, -EINVAL, name, "queues must be 1..%d", TAPDEV_MAX_QUEUES);
	if (strlen(name) >= IFNAMSIZ)
		return nd_err_set(err, -ENAMETOOLONG, name, "interface name too long");
	for (i = 0; i < queues; i++) {
		struct ifreq ifr = { 0 };
		int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

		if (fd < 0) {
			r = nd_err_set(err, -errno, "/dev/net/tun", "cannot open: %s", strerror(errno));
			break;
		}
		ret_fds[i] = fd;
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		ifr.ifr_flags = (short)tapdev_tap_ifr_flags(queues, i, flags);
		if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
			r = -errno;
			if (r != -EBUSY || i > 0)
				nd_err_set(err, r, name, "TUNSETIFF: %s", strerror(-r));
			i++;
			break;
		}
		if (i == 0 && (flags & TAPDEV_NO_CSUM) && ioctl(fd, TUNSETOFFLOAD, 0) < 0) {
			r = nd_err_set(err, -errno, name, "TUNSETOFFLOAD: %s", strerror(errno));
			i++;
			break;
		}
	}
	if (r < 0) {
		/* all or nothing: the device goes with its last fd */
		while (i-- > 0)
			close(ret_fds[i]);
	}
	return r;
}

/*
 * The search starts after the index this process handed out last (as
 * libvirt's does): a name is not reused at once, and the 1000th port costs
 * the same as the first. IFF_TUN_EXCL makes each try race-free: EBUSY means
 * the name is taken (by anything), so no lookup comes first.
 */
int tapdev_tap_create_from_template(const char *tmpl, unsigned queues, unsigned flags, char ret_name[16],
				    int *ret_fds, struct nd_err *err)
{
	static int next;
	const char *pct = strstr(tmpl, "%d");

	for (int i = 0; i < 65536; i++) {
		int idx = (next + i) % 65536;
		char name[64];
		int r;

		if (pct)
			snprintf(name, sizeof(name), "%.*s%d%s", (int)(pct - tmpl), tmpl, idx, pct + 2);
		else
			snprintf(name, sizeof(name), "%s", tmpl);
		if (strlen(name) >= IFNAMSIZ) {
			if (!pct)
				break;
			continue;
		}
		r = tapdev_tap_create(name, queues, flags, ret_fds, err);
		if (r == -EBUSY && pct)
			continue;
		if (r < 0)
			return r == -EBUSY ? nd_err_set(err, r, name, "interface exists already") : r;
		snprintf(ret_name, 16, "%s", name);
		next = (idx + 1) % 65536;
		return 0;
	}
	return nd_err_set(err, -ENOSPC, tmpl, "no free TAP name for template '%s'", tmpl);
}

int tapdev_tap_set_persist(int fd, bool persist, struct nd_err *err)
{
	if (ioctl(fd, TUNSETPERSIST, persist ? 1 : 0) < 0)
		return nd_err_set(err, -errno, "tap", "TUNSETPERSIST: %s", strerror(errno));
	return 0;
}
