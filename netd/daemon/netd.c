/* netd: the daemon. Foreground by default (systemd style), --daemon to fork. */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <syslog.h>
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

#include "common/nd-file.h"
#include "common/nd-version.h"
#include "firewall/fw.h"
#include "netd/daemon/netd-control.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-dnsmasq-log.h"
#include "netd/daemon/netd-jobs.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-net.h"
#include "netd/daemon/netd-ovn.h"
#include "netd/daemon/netd-port.h"
#include "netd/daemon/netd-virt.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: netd [OPTIONS]\n"
		"  --socket PATH        control socket (default /run/netd/netd.sock)\n"
		"  --config-dir DIR     persistent definitions (default /etc/netd)\n"
		"  --run-dir DIR        runtime status (default /run/netd)\n"
		"  --state-dir DIR      leases (default /var/lib/netd)\n"
		"  --admin-group GROUP  members may change things too (default: root only); they may not\n"
		"                       pass <dnsmasq:options> (that runs code as root) unless\n"
		"  --admin-group-dnsmasq-options  allows it\n"
		"  --max-clients-per-user N  connections one unprivileged uid may hold (default 32)\n"
		"  --dnsmasq PATH       dnsmasq binary (default /usr/sbin/dnsmasq)\n"
		"  --ovs-db SOCKET      OVSDB socket (default $OVS_RUNDIR/db.sock, /var/run/openvswitch/db.sock)\n"
		"  --ovn-private-key FILE, --ovn-certificate FILE, --ovn-ca-cert FILE\n"
		"                       this host's key and certificate, and the CA, for OVN NB databases\n"
		"                       reached over ssl: (<netd:ovn nb='ssl:IP:PORT'>)\n"
		"  --dnsmasq-user USER  user dnsmasq drops to (default netd-dnsmasq, else nobody)\n"
		"  --no-coexist         never add accept rules to Docker's DOCKER-USER (warn only)\n"
		"  --resolv-conf PATH   upstream nameservers for dnsmasq, watched (default /etc/resolv.conf)\n"
		"  --dnsmasq-log WHERE  journal (tagged dnsmasq@NETWORK), file (RUN_DIR/dnsmasq/NAME.log)\n"
		"                       or auto: the journal when it runs (default)\n"
		"  --dnsmasq-log-max SIZE  a log file is kept as NAME.log.1 and emptied past SIZE\n"
		"                       (bytes, K, M or G; default 1M)\n"
		"  --journal-socket PATH  the journal's stream socket (default /run/systemd/journal/stdout)\n"
		"  --libvirt-socket PATH  libvirt's RPC for virsh and libvirt's drivers, and PATH-ro read-only\n"
		"                       (default /run/libvirt/virtnetworkd-sock, RUN_DIR/virtnetworkd-sock\n"
		"                       with a --run-dir of its own; '' for none)\n"
		"  --daemon             fork into the background: stdio detached, logs to syslog,\n"
		"                       pidfile written; returns once the daemon is ready\n"
		"  --pidfile PATH       with --daemon (default RUN_DIR/netd.pid)\n"
		"  --verbose            debug logging\n"
		"  --conf PATH          options as 'name = value' lines, the command line wins\n"
		"                       (default /etc/netd/netd.conf, when it exists)\n"
		"  --version            netd's version\n");
}

static const struct option longopts[] = {
	{ "socket", required_argument, NULL, 's' },	  { "config-dir", required_argument, NULL, 'c' },
	{ "run-dir", required_argument, NULL, 'r' },	  { "state-dir", required_argument, NULL, 'S' },
	{ "admin-group", required_argument, NULL, 'g' }, { "dnsmasq", required_argument, NULL, 'D' },
	{ "dnsmasq-user", required_argument, NULL, 'u' }, { "daemon", no_argument, NULL, 'd' },
	{ "verbose", no_argument, NULL, 'v' },		  { "ovs-db", required_argument, NULL, 'O' },
	{ "no-coexist", no_argument, NULL, 'N' },		  { "resolv-conf", required_argument, NULL, 'R' },
	{ "help", no_argument, NULL, 'h' },		  { "version", no_argument, NULL, 'V' },
	{ "conf", required_argument, NULL, 'C' },
	{ "admin-group-dnsmasq-options", no_argument, NULL, 'A' },
	{ "max-clients-per-user", required_argument, NULL, 'M' },
	{ "pidfile", required_argument, NULL, 'P' },
	{ "unsafe-dirs-for-tests", no_argument, NULL, 'U' },
	{ "dnsmasq-log", required_argument, NULL, 'L' },
	{ "dnsmasq-log-max", required_argument, NULL, 'X' },
	{ "journal-socket", required_argument, NULL, 'J' },
	{ "libvirt-socket", required_argument, NULL, 'B' },
	{ "ovn-private-key", required_argument, NULL, 'K' },
	{ "ovn-certificate", required_argument, NULL, 'E' },
	{ "ovn-ca-cert", required_argument, NULL, 'Y' },
	{ NULL, 0, NULL, 0 },
};

/*
 * /etc/netd/netd.conf: "name = value" per line, names of the long options,
 * '#' comments; a flag takes yes/no. Turned into arguments that come before
 * the command line's, which therefore wins. An unknown name or a bad value is
 * an error naming the file and line.
 */
static int read_conf(const char *path, bool explicit, char ***ret_args, int *ret_n)
{
	static char *text; /* the options point into it for the daemon's life */
	char **args = NULL, *rest, *line;
	struct nd_err err = { 0 };
	int n = 0, lineno = 0, r;

	*ret_args = NULL;
	*ret_n = 0;
	if ((r = nd_file_read(path, 1 << 20, &text, NULL, &err)) == -ENOENT && !explicit)
		return 0;
	if (r < 0) {
		fprintf(stderr, "netd: %s: %s\n", path, r == -ENOENT ? "no such file" : err.msg);
		return -EINVAL;
	}
	rest = text;
	while ((line = strsep(&rest, "\n"))) {
		char *key = line + strspn(line, " \t"), *eq, *val, *e;
		const struct option *opt = NULL;
		char **grown;

		lineno++;
		if (!*key || *key == '#')
			continue;
		if (!(eq = strchr(key, '='))) {
			fprintf(stderr, "netd: %s:%d: expected 'name = value'\n", path, lineno);
			return -EINVAL;
		}
		val = eq + 1 + strspn(eq + 1, " \t");
		for (e = eq; e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		for (e = val + strlen(val); e > val && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'); e--)
			;
		*e = '\0';
		for (const struct option *o = longopts; o->name; o++)
			if (strcmp(o->name, key) == 0 && strcmp(key, "conf") && strcmp(key, "help") && strcmp(key, "version"))
				opt = o;
		if (!opt) {
			fprintf(stderr, "netd: %s:%d: unknown option '%s'\n", path, lineno, key);
			return -EINVAL;
		}
		if (opt->has_arg == no_argument) {
			if (!strcmp(val, "no") || !strcmp(val, "false") || !strcmp(val, "off") || !strcmp(val, "0"))
				continue;
			if (strcmp(val, "yes") && strcmp(val, "true") && strcmp(val, "on") && strcmp(val, "1")) {
				fprintf(stderr, "netd: %s:%d: %s: expected yes or no, not '%s'\n", path, lineno, key, val);
				return -EINVAL;
			}
		}
		if (!(grown = realloc(args, sizeof(*args) * (size_t)(n + 2))))
			return -ENOMEM;
		args = grown;
		if (asprintf(&args[n++], "--%s", key) < 0)
			return -ENOMEM;
		if (opt->has_arg != no_argument)
			args[n++] = val;
	}
	*ret_args = args;
	*ret_n = n;
	return 0;
}

static int parse_args(int argc, char **argv, struct netd_opts *o)
{
	const char *conf = "/etc/netd/netd.conf";
	bool conf_explicit = false;
	char **cargs = NULL, **all;
	int nconf = 0, nall;
	char *end;
	int c;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--conf") == 0 && i + 1 < argc)
			conf = argv[i + 1], conf_explicit = true;
		else if (strncmp(argv[i], "--conf=", 7) == 0)
			conf = argv[i] + 7, conf_explicit = true;
	}
	if (read_conf(conf, conf_explicit, &cargs, &nconf) < 0)
		return -EINVAL;
	/* the file's options first, then the command line's */
	nall = 1 + nconf + (argc - 1);
	if (!(all = calloc((size_t)nall + 1, sizeof(*all))))
		return -ENOMEM;
	all[0] = argv[0];
	for (int i = 0; i < nconf; i++)
		all[1 + i] = cargs[i];
	for (int i = 1; i < argc; i++)
		all[nconf + i] = argv[i];
	argc = nall;
	argv = all;
	o->max_clients_per_user = 32;
	o->socket_path = "/run/netd/netd.sock";
	o->config_dir = "/etc/netd";
	o->run_dir = "/run/netd";
	o->state_dir = "/var/lib/netd";
	o->dnsmasq_bin = "/usr/sbin/dnsmasq";
	o->resolv_conf = "/etc/resolv.conf";
	o->libvirt_socket = NULL; /* decided below */
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
		case 'A': o->admin_group_dnsmasq_options = true; break;
		case 'P': o->pidfile = optarg; break;
		case 'U': o->skip_dir_check = true; break;
		case 'C': break; /* read above */
		case 'L':
			if (strcmp(optarg, "auto") && strcmp(optarg, "journal") && strcmp(optarg, "file")) {
				fprintf(stderr, "netd: --dnsmasq-log: expected auto, journal or file, got '%s'\n", optarg);
				return -EINVAL;
			}
			o->dnsmasq_log = optarg;
			break;
		case 'X':
			if (!netd_dnsmasq_log_parse_size(optarg, &o->dnsmasq_log_max)) {
				fprintf(stderr, "netd: --dnsmasq-log-max: expected a size like 1048576, 512K or 4M, got '%s'\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'J': o->journal_socket = optarg; break;
		case 'B': o->libvirt_socket = optarg; break;
		case 'K': o->ovn_private_key = optarg; break;
		case 'E': o->ovn_certificate = optarg; break;
		case 'Y': o->ovn_ca_cert = optarg; break;
		case 'M':
			o->max_clients_per_user = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !o->max_clients_per_user || o->max_clients_per_user > 100000) {
				fprintf(stderr, "netd: --max-clients-per-user: expected 1..100000, got '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("netd %s\n", ND_VERSION); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	/* libvirt's place on a host; a netd with a run dir of its own (a test, a
	 * sandbox) keeps libvirt's sockets in it too, away from the host's */
	if (!o->libvirt_socket) {
		static char sandboxed[4200];

		if (strcmp(o->run_dir, "/run/netd") == 0) {
			o->libvirt_socket = "/run/libvirt/virtnetworkd-sock";
		} else {
			snprintf(sandboxed, sizeof(sandboxed), "%s/virtnetworkd-sock", o->run_dir);
			o->libvirt_socket = sandboxed;
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
		if (n->autostart && n->state == NETD_NET_INACTIVE && n->def->ovn.present)
			n->ovn_start_at_ms = netd_now_ms(); /* its NB may be away: netd_ovn_tick, once netd listens */
		else if (n->autostart && n->state == NETD_NET_INACTIVE && netd_net_start(d, n, &err) < 0)
			netd_log_err(n->def->name, "autostart failed", &err);
	}
}

#define MAX_EVENTS 256

static int run(struct netd *d)
{
	bool busy = false;

	while (!d->quit) {
		struct epoll_event evs[MAX_EVENTS];
		struct netd_client *ready[MAX_EVENTS];
		uint32_t ready_ev[MAX_EVENTS];
		size_t n_ready = 0;
		int timeout = netd_dnsmasq_tick(d), jobs = netd_jobs_tick(d), ovn = netd_ovn_tick(d), n;

		if (jobs >= 0 && (timeout < 0 || jobs < timeout))
			timeout = jobs;
		if (ovn >= 0 && (timeout < 0 || ovn < timeout))
			timeout = ovn;

		n = epoll_wait(d->epfd, evs, MAX_EVENTS, busy ? 0 : timeout);
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
			case NETD_EV_CLIENT:
				ready[n_ready] = ev->ptr;
				ready_ev[n_ready++] = evs[i].events;
				break;
			case NETD_EV_DNSMASQ: netd_dnsmasq_exited(d, ev->ptr); break;
			case NETD_EV_RESOLV: netd_resolv_changed(d); break;
			case NETD_EV_PORT_OWNER: netd_port_owner_gone(d, ev->ptr); break;
			case NETD_EV_REAP: netd_dnsmasq_reaped(d, ev->ptr); break;
			case NETD_EV_JOB: netd_job_event(d, ev->ptr); break;
			case NETD_EV_VIRT_LISTEN: netd_virt_accept(d, false); break;
			case NETD_EV_VIRT_LISTEN_RO: netd_virt_accept(d, true); break;
			case NETD_EV_VIRT_CONN: netd_virt_ready(d, ev->ptr, evs[i].events); break;
			}
		}
		/* clients after the rest: a port whose owner ended above is gone before anyone lists it */
		netd_control_clients_ready(d, ready, ready_ev, n_ready);
		netd_control_close_marked(d);
	}
	return 0;
}

/*
 * One daemon per state: an exclusive lock on RUN_DIR/netd.lock, taken before
 * anything else is touched, holding the owner's pid for the error message.
 */
static int take_lock(struct netd *d, struct nd_err *err)
{
	char path[4096], pid[32] = "";
	int fd;

	snprintf(path, sizeof(path), "%s/netd.lock", d->opts.run_dir);
	if (nd_mkdir_p(d->opts.run_dir, 0755, err) < 0)
		return err->code;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return nd_err_set(err, -errno, path, "cannot open the lock: %s", strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		ssize_t k = pread(fd, pid, sizeof(pid) - 1, 0);

		pid[k > 0 ? k : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		close(fd);
		if (e == EWOULDBLOCK)
			return nd_err_set(err, -EBUSY, path, "another netd (pid %s) runs on this state: refusing to start",
					  pid[0] ? pid : "?");
		return nd_err_set(err, -e, path, "cannot lock: %s", strerror(e));
	}
	d->lock_fd = fd;
	return 0;
}

static void lock_write_pid(struct netd *d)
{
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());

	if (ftruncate(d->lock_fd, 0) == 0 && pwrite(d->lock_fd, pid, (size_t)n, 0) < 0)
		netd_log(NETD_LOG_WARN, NULL, "cannot write the lock's pid: %s", strerror(errno));
}

/*
 * --daemon: the parent waits on a pipe until the child is ready (or failed,
 * with its exit code), so "netd --daemon && netdctl ..." works; the child's
 * stdio goes to /dev/null, so "out=$(netd --daemon)" returns.
 */
static int daemonize(int *ret_notify)
{
	int p[2];
	pid_t pid;
	char status = 1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(p[0]);
	setsid();
	*ret_notify = p[1];
	return 0;
}

static void detach_stdio(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0)
		return;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
}

static void notify_parent(int *fd, char status)
{
	if (*fd >= 0) {
		if (write(*fd, &status, 1) < 0)
			status = 1;
		close(*fd);
		*fd = -1;
	}
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

static int write_pidfile(struct netd *d, struct nd_err *err)
{
	char path[4096], pid[32];

	snprintf(path, sizeof(path), "%s", d->opts.pidfile ? d->opts.pidfile : "");
	if (!path[0])
		snprintf(path, sizeof(path), "%s/netd.pid", d->opts.run_dir);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	return nd_file_write_runtime(path, pid, strlen(pid), 0644, err);
}

int main(int argc, char **argv)
{
	struct netd d = { .ops = &netd_real_ops, .listen_fd = -1, .sig_fd = -1, .resolv_fd = -1, .lock_fd = -1, .reserve_fd = -1,
			  .nft_seq = 1 };
	struct nd_err err = { 0 };
	int notify = -1, r;

	if (parse_args(argc, argv, &d.opts) < 0)
		return 2;
	netd_log_set_level(d.opts.verbose ? NETD_LOG_DEBUG : NETD_LOG_INFO);
	umask(022);
	raise_fd_limit();
	/* the directories are checked before anything is written to them */
	if (!d.opts.skip_dir_check && netd_dirs_check_safe(&d, &err) < 0 && err.code != -ENOENT) {
		netd_log_err(NULL, "unsafe directory", &err);
		return 1;
	}
	memset(&err, 0, sizeof(err));
	if (take_lock(&d, &err) < 0) {
		netd_log_err(NULL, "cannot start", &err);
		return 1;
	}
	if (d.opts.daemonize) {
		if (daemonize(&notify) < 0)
			return 1;
		lock_write_pid(&d); /* the child's pid; the lock came along with the fd */
		detach_stdio();
		netd_log_to_syslog(true);
	} else {
		lock_write_pid(&d);
	}
	d.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d.epfd < 0 || setup_signals(&d) < 0) {
		netd_log(NETD_LOG_ERR, NULL, "cannot set up the event loop: %s", strerror(errno));
		return 1;
	}
	if ((r = netd_dirs_create(&d, &err)) < 0 ||
	    (!d.opts.skip_dir_check && (r = netd_dirs_check_safe(&d, &err)) < 0)) {
		netd_log_err(NULL, "cannot prepare the directories", &err);
		return 1;
	}
	if ((r = netd_dnsmasq_user_init(&d, &err)) < 0) {
		netd_log_err(NULL, "dnsmasq's user", &err);
		return 1;
	}
	if ((r = netd_dnsmasq_log_init(&d, &err)) < 0) {
		netd_log_err(NULL, "dnsmasq's log", &err);
		return 1;
	}
	{
		char dir[4200];

		snprintf(dir, sizeof(dir), "%s/dnsmasq", d.opts.run_dir);
		if (netd_dir_check_readable_by(dir, d.dnsmasq_uid, d.dnsmasq_gid, &err) < 0) {
			netd_log_err(NULL, "the run dir", &err);
			return 1;
		}
	}
	netd_resolv_init(&d);
	netd_registry_load(&d);
	netd_adopt_running(&d);
	netd_ports_load(&d);
	autostart(&d);
	if ((r = netd_control_listen(&d, &err)) < 0) {
		netd_log_err(NULL, "cannot open the control socket", &err);
		return 1;
	}
	if ((r = netd_virt_listen(&d, &err)) < 0) {
		netd_log_err(NULL, "cannot open libvirt's sockets (--libvirt-socket; '' for none)", &err);
		return 1;
	}
	if (d.opts.daemonize && write_pidfile(&d, &err) < 0)
		netd_log_err(NULL, "pidfile", &err);
	netd_log(NETD_LOG_INFO, NULL, "ready on %s%s", d.opts.socket_path,
		 d.socket_activated ? " (the socket systemd listens on)" : "");
	sd_notify_ready();
	notify_parent(&notify, 0);
	r = run(&d);
	/* the connections close; networks, dnsmasqs and ports stay for the next netd */
	netd_control_close_all(&d);
	netd_virt_close_all(&d);
	d.fw = fw_conn_close(d.fw);
	return r < 0 ? 1 : 0;
}
