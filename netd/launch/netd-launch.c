/*
 * netd-launch: asks netd for a port, receives its TAP fd(s), opens
 * /dev/vhost-net per queue when it can, picks KVM or TCG, and execs QEMU on
 * them. QEMU needs no network privilege and holds no connection to netd: the
 * port belongs to this process (QEMU after exec), and netd removes it when
 * that process ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/nd-version.h"
#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "netd/lib/netd-client.h"
#include "tapdev/tapdev.h"

struct opts {
	const char *socket, *network, *portgroup, *mac, *accel, *user, *qemu, *vm_uuid;
	unsigned queues;
	bool keep_rom, persistent, dry_run;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: netd-launch --network NAME [--portgroup P] [--mac M] [--queues N]\n"
		   "                   [--accel kvm|tcg|auto] [--user USER] [--socket PATH] [--qemu PATH]\n"
		   "                   [--vm-uuid UUID] [--keep-rom] [--dry-run] -- QEMU-ARGS...\n");
}

static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int die(const char *fmt, ...)
{
	va_list ap;

	fputs("netd-launch: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "network", required_argument, NULL, 'n' }, { "portgroup", required_argument, NULL, 'p' },
		{ "mac", required_argument, NULL, 'm' },     { "queues", required_argument, NULL, 'q' },
		{ "accel", required_argument, NULL, 'a' },   { "user", required_argument, NULL, 'u' },
		{ "socket", required_argument, NULL, 's' },  { "qemu", required_argument, NULL, 'Q' },
		{ "keep-rom", no_argument, NULL, 'r' },      { "dry-run", no_argument, NULL, 'D' },
		{ "vm-uuid", required_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },	     { "version", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	o->socket = getenv("NETD_SOCKET") ? getenv("NETD_SOCKET") : "/run/netd/netd.sock";
	o->accel = "auto";
	o->qemu = "qemu-system-x86_64";
	o->queues = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': o->network = optarg; break;
		case 'p': o->portgroup = optarg; break;
		case 'm': o->mac = optarg; break;
		case 'q':
			o->queues = (unsigned)strtoul(optarg, &end, 10);
			if (*end || o->queues < 1 || o->queues > TAPDEV_MAX_QUEUES)
				return die("--queues: expected 1..%d, got '%s'", TAPDEV_MAX_QUEUES, optarg);
			break;
		case 'a':
			if (strcmp(optarg, "kvm") && strcmp(optarg, "tcg") && strcmp(optarg, "auto"))
				return die("--accel: expected kvm, tcg or auto, got '%s'", optarg);
			o->accel = optarg;
			break;
		case 'u': o->user = optarg; break;
		case 's': o->socket = optarg; break;
		case 'Q': o->qemu = optarg; break;
		case 'r': o->keep_rom = true; break;
		case 'V': o->vm_uuid = optarg; break;
		case 'D': o->dry_run = true; break;
		case 'h': usage(stdout); exit(0);
		case 'v': printf("netd-launch %s\n", ND_VERSION); exit(0);
		default: usage(stderr); return 1;
		}
	}
	if (!o->network) {
		usage(stderr);
		return die("--network is required");
	}
	return 0;
}

/* asks for the port; fills fds. The port belongs to this process, which
 * becomes QEMU: netd removes it when QEMU exits, not when a connection closes */
static int request_port(const struct opts *o, int *fds, char *ret_port, char *ret_mac, bool *ret_no_csum)
{
	json_object *p = json_object_new_object(), *reply = NULL, *res, *v;
	struct netd_conn *c = NULL;
	struct nd_err err = { 0 };
	char text[768];
	size_t n_fds = 0;

	json_object_object_add(p, "network", json_object_new_string(o->network));
	if (o->portgroup)
		json_object_object_add(p, "portgroup", json_object_new_string(o->portgroup));
	if (o->mac)
		json_object_object_add(p, "mac", json_object_new_string(o->mac));
	if (o->vm_uuid)
		json_object_object_add(p, "vm_uuid", json_object_new_string(o->vm_uuid));
	json_object_object_add(p, "queues", json_object_new_int((int)o->queues));
	if (netd_conn_open(o->socket, 0, &c, &err) < 0) {
		json_object_put(p);
		return die("%s", nd_err_text(&err, text, sizeof(text)));
	}
	res = netd_call(c, "net-port-create", p, &reply, fds, o->queues, &n_fds, &err);
	netd_conn_close(c);
	if (!res)
		return die("netd: %s", nd_err_text(&err, text, sizeof(text)));
	if (n_fds != o->queues) {
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
		json_object_put(reply);
		return die("netd sent %zu file descriptors, expected %u", n_fds, o->queues);
	}
	if (json_object_object_get_ex(res, "port", &v))
		snprintf(ret_port, 16, "%s", json_object_get_string(v));
	if (json_object_object_get_ex(res, "mac", &v))
		snprintf(ret_mac, 18, "%s", json_object_get_string(v));
	*ret_no_csum = json_object_object_get_ex(res, "guest_checksum_offload", &v) && !json_object_get_boolean(v);
	json_object_put(reply);
	return 0;
}

/* all queues get a vhost fd, or none does */
static bool open_vhost(unsigned queues, int *vfds)
{
	for (unsigned i = 0; i < queues; i++) {
		vfds[i] = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
		if (vfds[i] < 0) {
			fprintf(stderr, "netd-launch: no vhost-net (/dev/vhost-net: %s): QEMU moves packets itself\n",
				strerror(errno));
			while (i-- > 0)
				close(vfds[i]);
			return false;
		}
	}
	return true;
}

static const char *choose_accel(const char *wanted, char *why, size_t len)
{
	if (strcmp(wanted, "auto") != 0) {
		snprintf(why, len, "using %s (--accel)", wanted);
		return wanted;
	}
	return tapdev_detect_accel(why, len);
}

static int keep_open(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 ? -1 : fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC);
}

/*
 * What QEMU gets: no supplementary groups, no capabilities (effective,
 * permitted, inheritable, ambient; the bounding set emptied), no way to gain
 * privileges through exec (no_new_privs), and --user's uid/gid when given.
 */
static int drop_privileges(const char *user)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct caps[2] = { { 0 } };
	struct passwd *pw = NULL;

	if (user && !(pw = getpwnam(user)))
		return die("--user: no user '%s'", user);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return die("no_new_privs: %s", strerror(errno));
	if (getuid() == 0 || geteuid() == 0) {
		for (int cap = 0; prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++)
			if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
				return die("cannot drop capability %d: %s", cap, strerror(errno));
		if (setgroups(0, NULL) < 0)
			return die("cannot drop supplementary groups: %s", strerror(errno));
	}
	if (pw && (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) < 0 || setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) < 0))
		return die("--user %s: cannot drop privileges: %s", user, strerror(errno));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &hdr, caps) < 0)
		return die("cannot drop capabilities: %s", strerror(errno));
	return 0;
}

/* every fd but stdio and the ones QEMU is given is closed (CLOEXEC alone
 * misses what the caller passed us without it) */
static int close_others(const int *keep, size_t n)
{
	int hi = 3;

	for (;;) {
		int lo = hi, next = -1;

		for (size_t i = 0; i < n; i++)
			if (keep[i] >= lo && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			return close_range((unsigned)lo, ~0u, 0) < 0 ? -errno : 0;
		if (next > lo && close_range((unsigned)lo, (unsigned)next - 1, 0) < 0)
			return -errno;
		hi = next + 1;
	}
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int tap_fds[TAPDEV_MAX_QUEUES], vhost_fds[TAPDEV_MAX_QUEUES], keep[2 * TAPDEV_MAX_QUEUES];
	char port[16] = "", mac[18] = "", why[256];
	struct tapdev_launch l = { 0 };
	struct nd_err err = { 0 };
	char **qargv = NULL;
	size_t n_keep = 0;
	bool vhost;
	int r;

	if ((r = parse(argc, argv, &o)) != 0)
		return r < 0 ? 2 : r;
	if (request_port(&o, tap_fds, port, mac, &l.no_guest_csum) < 0)
		return 1;
	vhost = open_vhost(o.queues, vhost_fds);
	l.qemu = o.qemu;
	l.accel = choose_accel(o.accel, why, sizeof(why));
	l.tap_fds = tap_fds;
	l.vhost_fds = vhost ? vhost_fds : NULL;
	l.queues = o.queues;
	l.mac = mac;
	l.keep_rom = o.keep_rom;
	l.user_args = argv + optind;
	l.n_user_args = (size_t)(argc - optind);
	fprintf(stderr, "netd-launch: port %s on network %s, mac %s, %u queue%s, %s\n", port, o.network, mac,
		o.queues, o.queues > 1 ? "s" : "", why);
	if (tapdev_launch_argv(&l, &qargv, &err) < 0)
		return die("%s", err.msg), 1;
	for (unsigned i = 0; i < o.queues; i++) {
		if (keep_open(tap_fds[i]) < 0 || (vhost && keep_open(vhost_fds[i]) < 0))
			return die("fcntl: %s", strerror(errno)), 1;
		keep[n_keep++] = tap_fds[i];
		if (vhost)
			keep[n_keep++] = vhost_fds[i];
	}
	if (o.dry_run) {
		for (char **a = qargv; *a; a++)
			printf("%s%s", a == qargv ? "" : " ", *a);
		printf("\n");
		return 0;
	}
	if ((r = close_others(keep, n_keep)) < 0)
		return die("cannot close inherited file descriptors: %s", strerror(-r)), 1;
	if (drop_privileges(o.user) < 0)
		return 1;
	execvp(qargv[0], qargv);
	return die("cannot execute %s: %s", qargv[0], strerror(errno)), 1;
}
