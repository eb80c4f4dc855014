/* netd-launch's QEMU command line for every combination, accelerator choice,
 * TAP flags and fd passing over a socketpair (no root needed). */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tapdev/tapdev.h"
#include "tests/unit/suites.h"
#include "tests/unit/test-util.h"

START_TEST(test_argv_combinations)
{
	static const int taps[] = { 3, 4, 5, 6 }, vhosts[] = { 7, 8, 9, 10 };
	char *user[] = { "-m", "256", "-kernel", "vmlinux" };
	static const struct {
		unsigned queues;
		bool vhost, rom;
		const char *accel, *want;
	} cases[] = {
		{ 1, false, false, "tcg",
		  "qemu -accel tcg -netdev tap,id=netd0,fd=3 -device virtio-net-pci,netdev=netd0,mac=52:54:00:01:02:03,romfile= -m 256 -kernel vmlinux" },
		{ 1, true, false, "kvm",
		  "qemu -accel kvm -netdev tap,id=netd0,fd=3,vhost=on,vhostfd=7 -device virtio-net-pci,netdev=netd0,mac=52:54:00:01:02:03,romfile= -m 256 -kernel vmlinux" },
		{ 4, false, false, "tcg",
		  "qemu -accel tcg -netdev tap,id=netd0,fds=3:4:5:6 -device virtio-net-pci,netdev=netd0,mac=52:54:00:01:02:03,mq=on,vectors=10,romfile= -m 256 -kernel vmlinux" },
		{ 2, true, true, "kvm",
		  "qemu -accel kvm -netdev tap,id=netd0,fds=3:4,vhost=on,vhostfds=7:8 -device virtio-net-pci,netdev=netd0,mac=52:54:00:01:02:03,mq=on,vectors=6 -m 256 -kernel vmlinux" },
		{ 1, false, true, "tcg",
		  "qemu -accel tcg -netdev tap,id=netd0,fd=3 -device virtio-net-pci,netdev=netd0,mac=52:54:00:01:02:03 -m 256 -kernel vmlinux" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tapdev_launch l = { .qemu = "qemu", .accel = cases[i].accel, .tap_fds = taps,
					   .vhost_fds = cases[i].vhost ? vhosts : NULL, .queues = cases[i].queues,
					   .mac = "52:54:00:01:02:03", .keep_rom = cases[i].rom, .user_args = user,
					   .n_user_args = 4 };
		char **argv = NULL;

		ck_assert_int_eq(tapdev_launch_argv(&l, &argv, NULL), 0);
		ck_assert_str_eq(argv_joined(argv), cases[i].want);
		/* never the options QEMU refuses with fd=: vnet_hdr, ifname, script, queues */
		ck_assert(!strstr(argv_joined(argv), "vnet_hdr") && !strstr(argv_joined(argv), "ifname") &&
			  !strstr(argv_joined(argv), "script") && !strstr(argv_joined(argv), "queues="));
		tapdev_argv_free(argv);
	}
	{
		/* a port on the OVS userspace datapath: the guest computes its own checksums */
		struct tapdev_launch l = { .qemu = "qemu", .accel = "tcg", .tap_fds = taps, .queues = 1,
					   .mac = "52:54:00:01:02:03", .no_guest_csum = true };
		char **argv = NULL;

		ck_assert_int_eq(tapdev_launch_argv(&l, &argv, NULL), 0);
		ck_assert_str_eq(argv_joined(argv), "qemu -accel tcg -netdev tap,id=netd0,fd=3 -device "
				 "virtio-net-pci,netdev=netd0,mac=52:54:00:01:02:03,csum=off,romfile=");
		tapdev_argv_free(argv);
	}
	{
		struct tapdev_launch bad = { .qemu = "q", .accel = "tcg", .tap_fds = taps, .queues = 0, .mac = "x" };
		char **argv = NULL;

		ck_assert_int_lt(tapdev_launch_argv(&bad, &argv, NULL), 0);
	}
}
END_TEST

START_TEST(test_accel_choice)
{
	char why[256];

	ck_assert_str_eq(tapdev_pick_accel("flags\t: fpu vme vmx sse\n", true, why, sizeof(why)), "kvm");
	ck_assert_str_eq(tapdev_pick_accel("flags\t: fpu svm\n", true, why, sizeof(why)), "kvm");
	ck_assert_str_eq(tapdev_pick_accel("flags\t: fpu sse hypervisor\n", true, why, sizeof(why)), "tcg");
	ck_assert_msg(strstr(why, "no vmx/svm"), "%s", why);
	ck_assert_str_eq(tapdev_pick_accel("flags\t: vmx\n", false, why, sizeof(why)), "tcg");
	ck_assert_msg(strstr(why, "cannot be opened"), "%s", why);
	ck_assert_str_eq(tapdev_pick_accel("model name : vmx-like cpu\nflags : sse\n", true, why, sizeof(why)), "tcg");
}
END_TEST

START_TEST(test_tap_flags_and_mac)
{
	uint8_t g1[6] = { 0x52, 0x54, 0, 1, 2, 3 }, g2[6] = { 0xfe, 0x54, 0, 1, 2, 3 }, h[6];

	ck_assert_int_eq(tapdev_tap_ifr_flags(1, 0, TAPDEV_VNET_HDR), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_TUN_EXCL);
	ck_assert_int_eq(tapdev_tap_ifr_flags(4, 2, TAPDEV_VNET_HDR),
			 IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | IFF_MULTI_QUEUE);
	ck_assert(tapdev_tap_ifr_flags(4, 0, 0) & IFF_TUN_EXCL);
	tapdev_host_mac(g1, h);
	ck_assert_uint_eq(h[0], 0xfe);
	ck_assert(memcmp(h + 1, g1 + 1, 5) == 0);
	tapdev_host_mac(g2, h);
	ck_assert_uint_eq(h[0], 0xfa);
	ck_assert_int_eq(tapdev_random_mac(h), 0);
	ck_assert(h[0] == 0x52 && h[1] == 0x54 && h[2] == 0);
}
END_TEST

START_TEST(test_fd_passing)
{
	int sv[2], p[2], got[4];
	char buf[64];
	size_t n_fds;
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(tapdev_fd_send(sv[0], "hello", 5, p, 2, NULL), 0);
	n = tapdev_fd_recv(sv[1], buf, sizeof(buf), got, 4, &n_fds, NULL);
	ck_assert_int_eq(n, 5);
	ck_assert_uint_eq(n_fds, 2);
	ck_assert(fcntl(got[0], F_GETFD) & FD_CLOEXEC); /* MSG_CMSG_CLOEXEC */
	ck_assert_int_eq(write(got[1], "x", 1), 1);   /* the pipe's write end works */
	ck_assert_int_eq(read(p[0], buf, 1), 1);
	close(got[0]);
	close(got[1]);
	/* more fds than asked for: the extra ones are closed, not leaked */
	ck_assert_int_eq(tapdev_fd_send(sv[0], "two", 3, p, 2, NULL), 0);
	n = tapdev_fd_recv(sv[1], buf, sizeof(buf), got, 1, &n_fds, NULL);
	ck_assert_int_eq(n, 3);
	ck_assert_uint_eq(n_fds, 1);
	close(got[0]);
	/* a message larger than the buffer is refused and its fds closed */
	ck_assert_int_eq(tapdev_fd_send(sv[0], "a long message", 14, p, 1, NULL), 0);
	ck_assert_int_lt(tapdev_fd_recv(sv[1], buf, 4, got, 4, &n_fds, NULL), 0);
	ck_assert_uint_eq(n_fds, 0);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}
END_TEST

START_TEST(test_isolation_request)
{
	struct tapdev_req req;
	struct nlmsghdr *nlh = (struct nlmsghdr *)req.buf;

	ck_assert_int_eq(tapdev_build_port_isolated(&req, 7, true, NULL), 0);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_SETLINK);
	ck_assert_uint_gt(nlh->nlmsg_len, 16 + 16);
}
END_TEST

Suite *make_tapdev_launch_suite(void)
{
	Suite *s = suite_create("tapdev-launch");
	TCase *tc = tcase_create("launch");

	tcase_add_test(tc, test_argv_combinations);
	tcase_add_test(tc, test_accel_choice);
	tcase_add_test(tc, test_tap_flags_and_mac);
	tcase_add_test(tc, test_fd_passing);
	tcase_add_test(tc, test_isolation_request);
	suite_add_tcase(s, tc);
	return s;
}
