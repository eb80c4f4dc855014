/* netd: the daemon. Foreground by default (systemd style), --daemon to fork. */
#include <errno.h>
#include <malloc.h>
#include <getopt.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netd/netd-control.h"
#include "netd/netd-log.h"
#include "netd/netd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netd [OPTIONS]\n"
		"  --socket PATH        control socket (default /run/netd/netd.sock)\n"
		"  --config-dir DIR     persistent definitions (default /etc/netd)\n"
		"  --run-dir DIR        runtime status (default /run/netd)\n"
		"  --state-dir DIR      leases (default /var/lib/netd)\n"
		"  --admin-group GROUP  members may change things too (default: root only)\n"
		"  --dnsmasq PATH       dnsmasq binary (default /usr/sbin/dnsmasq)\n"
		"  --ovs-db SOCKET      OVSDB socket (default $OVS_RUNDIR/db.sock, /var/run/openvswitch/db.sock)\n"
		"  --dnsmasq-user USER  user dnsmasq drops to (default: dnsmasq's own default)\n"
		"  --no-coexist         never add accept rules to Docker's DOCKER-USER (warn only)\n"
		"  --resolv-conf PATH   upstream nameservers for dnsmasq, watched (default /etc/resolv.conf)\n"
		"  --daemon             fork into the background\n"
		"  --verbose            debug logging\n");
}

static int parse_args(int argc, char **argv, struct netd_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },	  { "config-dir", required_argument, NULL, 'c' },
		{ "run-dir", required_argument, NULL, 'r' },	  { "state-dir", required_argument, NULL, 'S' },
		{ "admin-group", required_argument, NULL, 'g' }, { "dnsmasq", required_argument, NULL, 'D' },
		{ "dnsmasq-user", required_argument, NULL, 'u' }, { "daemon", no_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },		  { "ovs-db", required_argument, NULL, 'O' },
		{ "no-coexist", no_argument, NULL, 'N' },		  { "resolv-conf", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->socket_path = "/run/netd/netd.sock";
	o->config_dir = "/etc/netd";
	o->run_dir = "/run/netd";
	o->state_dir = "/var/lib/netd";
	o->dnsmasq_bin = "/usr/sbin/dnsmasq";
	o->resolv_conf = "/etc/resolv.conf";
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->socket_path = optarg; break;
		case 'c': o->config_dir = optarg; break;
		case 'r': o->run_dir = optarg; break;
		case 'S': o->state_dir = optarg; break;
		case 'g': o->admin_group = optarg; break;
		case 'D': o->dnsmasq_bin = optarg; break;
		case 'u': o->dnsmasq_user = optarg; break;
		case 'd': o->daemonize = true; break;
		case 'v': o->verbose = true; break;
		case 'O': o->ovs_db = optarg; break;
		case 'N': o->no_coexist = true; break;
		case 'R': o->resolv_conf = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o->admin_group) {
		struct group *g = getgrnam(o->admin_group);

		if (!g) {
			fprintf(stderr, "netd: --admin-group: no group '%s'\n", o->admin_group);
			return -EINVAL;
		}
		o->admin_gid = g->gr_gid;
		o->have_admin_gid = true;
	}
	if (o->dnsmasq_user && (strchr(o->dnsmasq_user, '\n') || o->dnsmasq_user[0] == '-')) {
		fprintf(stderr, "netd: --dnsmasq-user: bad user name\n");
		return -EINVAL;
	}
	return 0;
}

/* systemd's readiness notification, when NOTIFY_SOCKET is set */
static void sd_notify_ready(void)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	strcpy(sa.sun_path, path);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path)));
	close(fd);
}

static int setup_signals(struct netd *d)
{
	static struct netd_ev sig_ev = { .kind = NETD_EV_SIGNAL };
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &sig_ev };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sig_fd < 0 || epoll_ctl(d->epfd, EPOLL_CTL_ADD, d->sig_fd, &ev) < 0)
		return -errno;
	return 0;
}

static void handle_signal(struct netd *d)
{
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			netd_log(NETD_LOG_INFO, NULL, "signal %u: exiting, networks keep running", si.ssi_signo);
			d->quit = true;
		}
		/* SIGCHLD: children are reaped through their pidfds */
	}
}

static void autostart(struct netd *d)
{
	for (struct netd_net *n = d->nets, *next; n; n = next) {
		struct nd_err err = { 0 };

		next = n->next;
		if (n->autostart && !n->active && netd_net_start(d, n, &err) < 0)
			netd_log_err(n->def->name, "autostart failed", &err);
	}
}

static int run(struct netd *d)
{
	bool busy = false;

	while (!d->quit) {
		struct epoll_event evs[32];
		int timeout = netd_dnsmasq_tick(d), n;

		n = epoll_wait(d->epfd, evs, 32, busy ? 0 : timeout);
		if (n == 0 && busy) {
			/* idle again: hand the heap that parsing and building left free
			 * back to the kernel (RSS with 1000 networks was 8.4 MB without) */
			malloc_trim(0);
			busy = false;
			continue;
		}
		busy = n > 0;
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int i = 0; i < n; i++) {
			struct netd_ev *ev = evs[i].data.ptr;

			switch (ev->kind) {
			case NETD_EV_LISTEN: netd_control_accept(d); break;
			case NETD_EV_SIGNAL: handle_signal(d); break;
			case NETD_EV_CLIENT: netd_control_client_event(d, ev->ptr, evs[i].events); break;
			case NETD_EV_DNSMASQ: netd_dnsmasq_exited(d, ev->ptr); break;
			case NETD_EV_RESOLV: netd_resolv_changed(d); break;
			}
		}
	}
	return 0;
}

/* each running network holds a pidfd of its dnsmasq and each client a socket:
 * the usual soft limit of 1024 would end at about a thousand networks */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			netd_log(NETD_LOG_WARN, NULL, "cannot raise the open file limit: %s", strerror(errno));
	}
}

int main(int argc, char **argv)
{
	struct netd d = { .listen_fd = -1, .sig_fd = -1, .resolv_fd = -1, .nft_seq = 1 };
	struct nd_err err = { 0 };
	int r;

	if (parse_args(argc, argv, &d.opts) < 0)
		return 2;
	netd_log_set_level(d.opts.verbose ? NETD_LOG_DEBUG : NETD_LOG_INFO);
	umask(022);
	raise_fd_limit();
	if (d.opts.daemonize) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid > 0)
			return 0;
		setsid();
	}
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d.epfd < 0 || setup_signals(&d) < 0) {
		netd_log(NETD_LOG_ERR, NULL, "cannot set up the event loop: %s", strerror(errno));
		return 1;
	}
	netd_resolv_init(&d);
	if ((r = netd_dirs_create(&d, &err)) < 0 || (r = netd_registry_load(&d)) < 0) {
		netd_log_err(NULL, "cannot prepare the directories", &err);
		return 1;
	}
	netd_adopt_running(&d);
	netd_ports_load(&d);
	autostart(&d);
	if ((r = netd_control_listen(&d, &err)) < 0) {
		netd_log_err(NULL, "cannot open the control socket", &err);
		return 1;
	}
	netd_log(NETD_LOG_INFO, NULL, "ready on %s", d.opts.socket_path);
	sd_notify_ready();
	r = run(&d);
	netd_control_close_all(&d);
	return r < 0 ? 1 : 0;
}
