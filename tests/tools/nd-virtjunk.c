/*
 * Test tool: a hostile client of netd's libvirt socket (any local user may
 * reach the read-only one). Sends a too-short length, a too-long length,
 * then COUNT calls with valid headers and random payloads to every network
 * and connection procedure, a keepalive ping, and a message cut in half;
 * replies are read and dropped. Deterministic (SEED). Exit 0 when it could
 * send; what matters is that netd answers afterwards.
 * nd-virtjunk --hold N SOCKET: opens N connections at once, pings on each
 * (keepalive) and prints how many got their PONG while all are open.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static uint32_t rng = 12345;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static int dial(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "nd-virtjunk: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static void drain(int fd)
{
	char buf[65536];
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN) && read(fd, buf, sizeof(buf)) > 0)
		;
}

static void send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
		drain(fd);
	}
}

static int hold(int n, const char *path)
{
	int fds[256], answered = 0;
	uint8_t ping[28];

	put32(ping, 28), put32(ping + 4, 0x6b656570), put32(ping + 8, 1), put32(ping + 12, 1), put32(ping + 16, 2);
	put32(ping + 20, 0), put32(ping + 24, 0);
	for (int i = 0; i < n && i < 256; i++)
		fds[i] = dial(path);
	for (int i = 0; i < n && i < 256; i++) {
		struct pollfd p = { .fd = fds[i], .events = POLLIN };
		uint8_t reply[28];

		if (send(fds[i], ping, sizeof(ping), MSG_NOSIGNAL) == (ssize_t)sizeof(ping) && poll(&p, 1, 2000) > 0 &&
		    recv(fds[i], reply, sizeof(reply), MSG_WAITALL) == (ssize_t)sizeof(reply) && reply[15] == 2)
			answered++;
	}
	printf("%d\n", answered);
	for (int i = 0; i < n && i < 256; i++)
		close(fds[i]);
	return 0;
}

int main(int argc, char **argv)
{
	static const int procs[] = { 1, 2, 3, 4, 36, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 52, 59, 60,
				     66, 110, 149, 152, 153, 157, 283, 291, 313, 314, 341, 360, 361, 404, 405, 406, 407,
				     408, 409, 410, 419, 432, 437, 9999, -1 };
	uint8_t msg[4096];
	int count = argc > 2 ? atoi(argv[2]) : 2000, fd;

	if (argc == 4 && strcmp(argv[1], "--hold") == 0)
		return hold(atoi(argv[2]), argv[3]);
	if (argc < 2) {
		fprintf(stderr, "usage: nd-virtjunk SOCKET [COUNT [SEED]] | --hold N SOCKET\n");
		return 2;
	}
	if (argc > 3)
		rng = (uint32_t)strtoul(argv[3], NULL, 10) | 1;
	/* lengths netd must refuse: it closes the connection */
	fd = dial(argv[1]);
	put32(msg, 3);
	send_all(fd, msg, 4);
	close(fd);
	fd = dial(argv[1]);
	put32(msg, 0xffffffffu);
	send_all(fd, msg, 4);
	close(fd);
	/* calls with random arguments */
	fd = dial(argv[1]);
	for (int i = 0; i < count; i++) {
		size_t payload = next() % 600, len = 28 + payload;
		int proc = procs[next() % (sizeof(procs) / sizeof(procs[0]))];

		put32(msg, (uint32_t)len);
		put32(msg + 4, next() % 16 ? 0x20008086u : next());
		put32(msg + 8, next() % 16 ? 1 : next());
		put32(msg + 12, (uint32_t)proc);
		put32(msg + 16, next() % 16 ? 0 : next() % 8);
		put32(msg + 20, (uint32_t)i);
		put32(msg + 24, 0);
		for (size_t j = 0; j < payload; j++) /* small numbers often: lengths and flags that look real */
			msg[28 + j] = (uint8_t)(next() % 3 ? next() % 8 : next());
		send_all(fd, msg, len);
	}
	/* a keepalive ping, then half a message */
	put32(msg, 28), put32(msg + 4, 0x6b656570), put32(msg + 8, 1), put32(msg + 12, 1), put32(msg + 16, 2);
	put32(msg + 20, 0), put32(msg + 24, 0);
	send_all(fd, msg, 28);
	put32(msg, 1000);
	send_all(fd, msg, 40);
	close(fd);
	return 0;
}
