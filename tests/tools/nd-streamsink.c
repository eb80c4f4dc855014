/*
 * Test tool: stands in for journald's stream socket. Listens on a Unix
 * stream socket at PATH and appends what every connection sends to OUT,
 * each connection's bytes prefixed by nothing (the writer's handshake is
 * part of what it sent). Serves up to 64 connections at once; ends after
 * SECONDS (default 300) or on SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONN 64

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd p[MAX_CONN + 1];
	int out, n = 1, seconds = argc > 3 ? atoi(argv[3]) : 300;
	time_t end;

	if (argc < 3 || strlen(argv[1]) >= sizeof(sa.sun_path) || seconds <= 0) {
		fprintf(stderr, "usage: nd-streamsink PATH OUT [SECONDS]\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	p[0].fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	p[0].events = POLLIN;
	if (p[0].fd < 0 || bind(p[0].fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(p[0].fd, 16) < 0) {
		fprintf(stderr, "nd-streamsink: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (out < 0) {
		fprintf(stderr, "nd-streamsink: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		if (poll(p, (nfds_t)n, 1000) <= 0)
			continue;
		if ((p[0].revents & POLLIN) && n <= MAX_CONN) {
			int c = accept4(p[0].fd, NULL, NULL, SOCK_CLOEXEC);

			if (c >= 0) {
				p[n].fd = c;
				p[n].events = POLLIN;
				p[n++].revents = 0;
			}
		}
		for (int i = 1; i < n; i++) {
			char buf[4096];
			ssize_t k;

			if (!(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			if ((k = read(p[i].fd, buf, sizeof(buf))) > 0) {
				if (write(out, buf, (size_t)k) != k)
					return 1;
				continue;
			}
			close(p[i].fd);
			p[i--] = p[--n];
		}
	}
	return 0;
}
