/*
 * Test tool: one DNS query over UDP (or TCP with --tcp), A record of NAME
 * (with --ptr, NAME is an IPv4 address and the query its PTR record), to
 * SERVER port 53; waits 2 s. Prints "answered rcode=N answers=M" and
 * exits 0 when the reply has an answer, 3 when it has none (REFUSED,
 * NXDOMAIN); prints "no answer" and exits 1 when no reply came. busybox
 * nslookup cannot tell "no answer" from "AAAA refused".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static size_t build(const char *name, unsigned short type, unsigned char *q, size_t cap)
{
	static const unsigned char head[12] = { 0x4e, 0x44, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
	size_t n = sizeof(head);

	memcpy(q, head, n);
	while (*name && n + 70 < cap) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		if (l == 0 || l > 63)
			return 0;
		q[n++] = (unsigned char)l;
		memcpy(q + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	q[n++] = 0;
	q[n++] = 0, q[n++] = (unsigned char)type; /* A or PTR */
	q[n++] = 0, q[n++] = 1; /* IN */
	return n;
}

int main(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = 2 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	unsigned char q[512], a[4096], *r = a;
	bool tcp = argc == 4 && strcmp(argv[1], "--tcp") == 0, ptr = argc == 4 && strcmp(argv[1], "--ptr") == 0;
	int opt = tcp || ptr;
	char name[256];
	ssize_t got;
	size_t len = 0;
	int fd;

	snprintf(name, sizeof(name), "%s", argc > 2 + opt ? argv[2 + opt] : "");
	if (ptr) { /* 192.0.2.5 -> 5.2.0.192.in-addr.arpa */
		unsigned o1, o2, o3, o4;

		if (sscanf(argv[3], "%u.%u.%u.%u", &o1, &o2, &o3, &o4) != 4)
			name[0] = '\0';
		else
			snprintf(name, sizeof(name), "%u.%u.%u.%u.in-addr.arpa", o4, o3, o2, o1);
	}
	if (argc != 3 + opt || inet_pton(AF_INET, argv[1 + opt], &sa.sin_addr) != 1 || !name[0] ||
	    !(len = build(name, ptr ? 12 : 1, q + 2, sizeof(q) - 2))) {
		fprintf(stderr, "usage: nd-dnsq [--tcp|--ptr] SERVER-IPV4 NAME|IPV4\n");
		return 2;
	}
	fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("no answer (%s)\n", strerror(errno));
		return 1;
	}
	if (tcp) { /* a two-byte length first */
		q[0] = (unsigned char)(len >> 8), q[1] = (unsigned char)len;
		got = send(fd, q, len + 2, 0);
	} else {
		got = send(fd, q + 2, len, 0);
	}
	if (got < 0 || (got = recv(fd, a, sizeof(a), 0)) < (tcp ? 14 : 12)) {
		printf("no answer%s%s\n", got < 0 ? ": " : "", got < 0 ? strerror(errno) : "");
		return 1;
	}
	if (tcp)
		r += 2;
	printf("answered rcode=%d answers=%d\n", r[3] & 0xf, r[6] << 8 | r[7]);
	close(fd);
	return (r[6] << 8 | r[7]) > 0 ? 0 : 3;
}
