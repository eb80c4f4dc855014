/*
 * The QEMU command line netd-launch execs (pure). With fds passed in, QEMU
 * must not get vnet_hdr=, ifname=, script= or queues= (it reads those from
 * the fd); vhost options only when /dev/vhost-net was opened, with the fds
 * given explicitly (vhost=on without them aborts QEMU).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/nd-buf.h"
#include "tapdev/tapdev.h"

void tapdev_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

static void fd_list(struct nd_buf *b, const char *single, const char *multi, const int *fds, unsigned n)
{
	nd_buf_printf(b, ",%s=", n > 1 ? multi : single);
	for (unsigned i = 0; i < n; i++)
		nd_buf_printf(b, "%s%d", i ? ":" : "", fds[i]);
}

int tapdev_launch_argv(const struct tapdev_launch *l, char ***ret, struct nd_err *err)
{
	size_t n = 0, cap = l->n_user_args + 8;
	char **argv = calloc(cap, sizeof(char *));
	struct nd_buf netdev = { 0 }, dev = { 0 };

	if (!argv)
		return nd_err_set(err, -ENOMEM, "launch", "out of memory");
	if (l->queues == 0 || l->queues > TAPDEV_MAX_QUEUES) {
		free(argv);
		return nd_err_set(err, -EINVAL, "launch", "queues must be 1..%d", TAPDEV_MAX_QUEUES);
	}
	nd_buf_puts(&netdev, "tap,id=netd0");
	fd_list(&netdev, "fd", "fds", l->tap_fds, l->queues);
	if (l->vhost_fds) {
		nd_buf_puts(&netdev, ",vhost=on");
		fd_list(&netdev, "vhostfd", "vhostfds", l->vhost_fds, l->queues);
	}
	nd_buf_printf(&dev, "virtio-net-pci,netdev=netd0,mac=%s", l->mac);
	if (l->queues > 1) /* MSI-X vectors: one per queue in each direction, plus config and control */
		nd_buf_printf(&dev, ",mq=on,vectors=%u", 2 * l->queues + 2);
	if (l->no_guest_csum)
		/* the OVS userspace datapath never completes a checksum the guest left
		 * to the host: TCP from such a guest left with bad checksums */
		nd_buf_puts(&dev, ",csum=off");
	if (!l->keep_rom)
		nd_buf_puts(&dev, ",romfile=");
	argv[n++] = strdup(l->qemu);
	argv[n++] = strdup("-accel");
	argv[n++] = strdup(l->accel);
	argv[n++] = strdup("-netdev");
	argv[n++] = nd_buf_steal(&netdev);
	argv[n++] = strdup("-device");
	argv[n++] = nd_buf_steal(&dev);
	for (size_t i = 0; i < l->n_user_args; i++)
		argv[n++] = strdup(l->user_args[i]);
	argv[n] = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!argv[i]) {
			for (size_t j = 0; j < n; j++)
				free(argv[j]);
			free(argv);
			return nd_err_set(err, -ENOMEM, "launch", "out of memory");
		}
	}
	*ret = argv;
	return 0;
}

const char *tapdev_pick_accel(const char *cpuinfo, bool kvm_openable, char *ret_reason, size_t len)
{
	bool virt = false;

	for (const char *p = cpuinfo; p && (p = strstr(p, "flags")); p++) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		char line[8192];

		snprintf(line, sizeof(line), "%.*s ", (int)(ll < sizeof(line) - 2 ? ll : sizeof(line) - 2), p);
		if (strstr(line, " vmx ") || strstr(line, " svm ")) {
			virt = true;
			break;
		}
	}
	if (kvm_openable && virt) {
		snprintf(ret_reason, len, "using KVM");
		return "kvm";
	}
	snprintf(ret_reason, len, "using TCG (no KVM): %s", !kvm_openable ? "/dev/kvm cannot be opened"
			: "/dev/kvm exists but the CPU advertises no vmx/svm, so it cannot run guests");
	return "tcg";
}
