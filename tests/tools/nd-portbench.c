/*
 * Bench tool: asks netd for COUNT ports on NETWORK, one request after the
 * other on one connection (as that many QEMUs would, each waiting for its
 * TAP), and checks that each reply carries one TAP fd of the named device.
 * Prints one line of key=value numbers:
 *   ports=N seconds=S rate=R median_us=M p90_us=P first_tenth_rate=F last_tenth_rate=L
 * The fds are held until the tool exits; the ports go with the connection.
 * With --hold SECONDS it waits that long (or until stdin closes) first, so
 * that the caller can look at the bridge. With --clients K, K processes with
 * a connection each share the ports (see run_clients).
 */
#include <errno.h>
#include <json-c/json.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "netd/lib/netd-client.h"

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* one request; the reply's port name in name, its fd returned */
static int create_port(struct netd_conn *c, const char *network, int id, char *name, size_t len)
{
	json_object *p = json_object_new_object(), *reply = NULL, *res, *v;
	struct nd_err err = { 0 };
	size_t n_fds = 0;
	int fd = -1;

	json_object_object_add(p, "network", json_object_new_string(network));
	if (!(res = netd_call(c, "net-port-create", p, &reply, &fd, 1, &n_fds, &err))) {
		fprintf(stderr, "nd-portbench: port %d: %s\n", id, err.msg);
		return -1;
	}
	if (n_fds != 1 || !json_object_object_get_ex(res, "port", &v)) {
		fprintf(stderr, "nd-portbench: port %d: no port in the reply (%zu fds)\n", id, n_fds);
		if (n_fds)
			close(fd);
		json_object_put(reply);
		return -1;
	}
	snprintf(name, len, "%s", json_object_get_string(v));
	json_object_put(reply);
	return fd;
}

/* COUNT ports on one connection; the fds stay open; lat/done per port (us) */
static int make_ports(const char *path, const char *network, long count, double *lat, double *done)
{
	struct netd_conn *c = NULL;
	struct nd_err err = { 0 };

	if (netd_conn_open(path, 0, &c, &err) < 0) {
		fprintf(stderr, "nd-portbench: %s\n", err.msg);
		return -1;
	}
	for (long i = 0; i < count; i++) {
		struct ifreq ifr = { 0 };
		char name[IFNAMSIZ];
		double a = now_us();
		int fd = create_port(c, network, (int)i + 1, name, sizeof(name));

		if (fd < 0)
			return -1;
		done[i] = now_us();
		lat[i] = done[i] - a;
		/* the fd is the TAP netd named, not just any fd */
		if (ioctl(fd, TUNGETIFF, &ifr) < 0 || strcmp(ifr.ifr_name, name) != 0) {
			fprintf(stderr, "nd-portbench: port %ld: fd is not TAP %s\n", i + 1, name);
			return -1;
		}
	}
	return 0;
}

static void hold_until(long seconds)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };

	if (seconds > 0)
		poll(&p, 1, (int)(seconds * 1000));
}

/*
 * --clients K: K processes, each with its own connection, share COUNT ports
 * (as K QEMUs starting at once would); one line: ports=N seconds=S rate=R
 * clients=K, the wall time from the start until the last client is done.
 */
static int run_clients(const char *path, const char *network, long count, long clients, long hold)
{
	pid_t pids[64];
	int res[2];
	double t0, last = 0;
	long made = 0;

	if (pipe(res) < 0)
		return 1;
	t0 = now_us();
	for (long c = 0; c < clients; c++) {
		long mine = count / clients + (c < count % clients);

		if ((pids[c] = fork()) == 0) {
			double *lat = calloc((size_t)mine + 1, sizeof(double)), *done = calloc((size_t)mine + 1, sizeof(double));
			double end[2] = { 0, 0 };

			if (lat && done && make_ports(path, network, mine, lat, done) == 0)
				end[0] = done[mine - 1], end[1] = (double)mine;
			if (write(res[1], end, sizeof(end)) != sizeof(end))
				_exit(1);
			hold_until(hold + 5); /* the parent ends it */
			_exit(0);
		}
	}
	for (long c = 0; c < clients; c++) {
		double end[2];

		if (read(res[0], end, sizeof(end)) != sizeof(end) || end[1] == 0) {
			fprintf(stderr, "nd-portbench: a client failed\n");
			made = -1;
			break;
		}
		made += (long)end[1];
		last = end[0] > last ? end[0] : last;
	}
	if (made == count) {
		printf("ports=%ld seconds=%.3f rate=%.0f clients=%ld\n", count, (last - t0) / 1e6,
		       (double)count / ((last - t0) / 1e6), clients);
		fflush(stdout);
		hold_until(hold);
	}
	for (long c = 0; c < clients; c++) {
		kill(pids[c], SIGTERM);
		waitpid(pids[c], NULL, 0);
	}
	return made == count ? 0 : 1;
}

int main(int argc, char **argv)
{
	double *lat, *done, t0, total;
	long count, hold = 0, clients = 1;

	if (argc < 4) {
		fprintf(stderr, "usage: nd-portbench SOCKET NETWORK COUNT [--hold SECONDS] [--clients K]\n");
		return 2;
	}
	count = strtol(argv[3], NULL, 10);
	if (count < 1 || count > 100000) {
		fprintf(stderr, "nd-portbench: COUNT '%s' is not in 1..100000\n", argv[3]);
		return 2;
	}
	for (int i = 4; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--hold") == 0)
			hold = strtol(argv[i + 1], NULL, 10);
		else if (strcmp(argv[i], "--clients") == 0)
			clients = strtol(argv[i + 1], NULL, 10);
	}
	if (clients < 1 || clients > 64 || clients > count) {
		fprintf(stderr, "nd-portbench: --clients must be in 1..64 and at most COUNT\n");
		return 2;
	}
	{
		struct rlimit rl;

		/* one fd per port, held */
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)count + 64) {
			rl.rlim_cur = rl.rlim_max < (rlim_t)count + 64 ? rl.rlim_max : (rlim_t)count + 64;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (clients > 1)
		return run_clients(argv[1], argv[2], count, clients, hold);
	lat = calloc((size_t)count, sizeof(*lat));
	done = calloc((size_t)count, sizeof(*done));
	if (!lat || !done)
		return 1;
	t0 = now_us();
	if (make_ports(argv[1], argv[2], count, lat, done) < 0)
		return 1;
	total = now_us() - t0;
	{
		long tenth = count >= 10 ? count / 10 : 1;
		double first = done[tenth - 1] - t0, last = done[count - 1] - (count > tenth ? done[count - tenth - 1] : t0);

		qsort(lat, (size_t)count, sizeof(*lat), cmp_double);
		printf("ports=%ld seconds=%.3f rate=%.0f median_us=%.0f p90_us=%.0f first_tenth_rate=%.0f last_tenth_rate=%.0f\n",
		       count, total / 1e6, (double)count / (total / 1e6), lat[count / 2], lat[(count * 9 + 9) / 10 - 1],
		       (double)tenth / (first / 1e6), (double)tenth / (last / 1e6));
	}
	fflush(stdout);
	hold_until(hold);
	free(lat);
	free(done);
	return 0;
}
