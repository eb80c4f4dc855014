/*
 * netd-launch: asks netd for a port, receives its TAP fd(s), opens
 * /dev/vhost-net per queue when it can, picks KVM or TCG, and execs QEMU on
 * them. QEMU needs no network privilege; the connection to netd stays open in
 * QEMU, so the port goes away when QEMU exits.
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
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
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
	return 1;
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
		{ "help", no_argument, NULL, 'h' },	     { NULL, 0, NULL, 0 },
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
		default: usage(stderr); return 1;
		}
	}
	if (!o->network) {
		usage(stderr);
		return die("--network is required");
	}
	return 0;
}

/* asks for the port; fills fds; returns the connection (kept open for QEMU) */
static int request_port(const struct opts *o, int *fds, char *ret_port, char *ret_mac)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_object *req = json_object_new_object(), *p = json_object_new_object(), *reply, *v, *res;
	static char buf[1 << 16];
	struct nd_err err = { 0 };
	const char *text;
	size_t n_fds;
	ssize_t n;
	int fd;

	json_object_object_add(p, "network", json_object_new_string(o->network));
	if (o->portgroup)
		json_object_object_add(p, "portgroup", json_object_new_string(o->portgroup));
	if (o->mac)
		json_object_object_add(p, "mac", json_object_new_string(o->mac));
	if (o->vm_uuid)
		json_object_object_add(p, "vm_uuid", json_object_new_string(o->vm_uuid));
	json_object_object_add(p, "queues", json_object_new_int((int)o->queues));
	json_object_object_add(req, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(req, "id", json_object_new_int(1));
	json_object_object_add(req, "method", json_object_new_string("net-port-create"));
	json_object_object_add(req, "params", p);
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", o->socket);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		json_object_put(req);
		return die("cannot connect to netd at %s: %s", o->socket, strerror(errno));
	}
	if (tapdev_fd_send(fd, text, strlen(text), NULL, 0, &err) < 0) {
		json_object_put(req);
		return die("%s", err.msg);
	}
	json_object_put(req);
	n = tapdev_fd_recv(fd, buf, sizeof(buf) - 1, fds, o->queues, &n_fds, &err);
	if (n <= 0)
		return die("no reply from netd: %s", n < 0 ? err.msg : "connection closed");
	buf[n] = '\0';
	reply = json_tokener_parse(buf);
	if (!reply)
		return die("malformed reply from netd");
	if (json_object_object_get_ex(reply, "error", &v)) {
		json_object *m;

		die("netd: %s", json_object_object_get_ex(v, "message", &m) ? json_object_get_string(m) : "failed");
		json_object_put(reply);
		return -1;
	}
	if (!json_object_object_get_ex(reply, "result", &res) || n_fds != o->queues) {
		json_object_put(reply);
		return die("netd sent %zu file descriptors, expected %u", n_fds, o->queues);
	}
	if (json_object_object_get_ex(res, "port", &v))
		snprintf(ret_port, 16, "%s", json_object_get_string(v));
	if (json_object_object_get_ex(res, "mac", &v))
		snprintf(ret_mac, 18, "%s", json_object_get_string(v));
	json_object_put(reply);
	return fd;
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

static int drop_to(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (!pw)
		return die("--user: no user '%s'", user);
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
		return die("--user %s: cannot drop privileges: %s", user, strerror(errno));
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	int tap_fds[TAPDEV_MAX_QUEUES], vhost_fds[TAPDEV_MAX_QUEUES];
	char port[16] = "", mac[18] = "", why[256];
	struct tapdev_launch l = { 0 };
	struct nd_err err = { 0 };
	char **qargv = NULL;
	bool vhost;
	int sock;

	if (parse(argc, argv, &o) != 0)
		return 2;
	sock = request_port(&o, tap_fds, port, mac);
	if (sock < 0)
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
		return die("%s", err.msg);
	for (unsigned i = 0; i < o.queues; i++)
		if (keep_open(tap_fds[i]) < 0 || (vhost && keep_open(vhost_fds[i]) < 0))
			return die("fcntl: %s", strerror(errno));
	/* the connection stays open in QEMU: when QEMU exits, netd removes the port */
	if (keep_open(sock) < 0)
		return die("fcntl: %s", strerror(errno));
	if (o.dry_run) {
		for (char **a = qargv; *a; a++)
			printf("%s%s", a == qargv ? "" : " ", *a);
		printf("\n");
		return 0;
	}
	if (o.user && drop_to(o.user) != 0)
		return 1;
	execvp(qargv[0], qargv);
	return die("cannot execute %s: %s", qargv[0], strerror(errno));
}
