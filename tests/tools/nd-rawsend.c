/* Test tool: send raw bytes (argv[2], or N bytes of 'x' with --size N) as one
 * SOCK_SEQPACKET message to the netd socket argv[1] and print the reply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	static char reply[1 << 20];
	char *msg;
	size_t len;
	ssize_t n;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: nd-rawsend SOCKET BYTES | SOCKET --size N\n");
		return 2;
	}
	if (strcmp(argv[2], "--file") == 0 && argc > 3) {
		FILE *f = fopen(argv[3], "r");
		static char fbuf[1 << 20];

		if (!f)
			return 1;
		len = fread(fbuf, 1, sizeof(fbuf), f);
		fclose(f);
		msg = fbuf;
	} else if (strcmp(argv[2], "--size") == 0 && argc > 3) {
		len = strtoul(argv[3], NULL, 10);
		msg = malloc(len);
		if (!msg)
			return 1;
		memset(msg, 'x', len);
	} else {
		msg = argv[2];
		len = strlen(msg);
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("connect");
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (send(fd, msg, len, MSG_NOSIGNAL) < 0) {
		/* the kernel refuses messages above the socket buffer: that is an answer too */
		printf("send refused: %s\n", strerror(errno));
		return 0;
	}
	n = recv(fd, reply, sizeof(reply) - 1, 0);
	if (n <= 0) {
		printf("no reply: %s\n", n < 0 ? strerror(errno) : "closed");
		return 1;
	}
	reply[n] = '\0';
	printf("%s\n", reply);
	return 0;
}
