/* The protocol's framing: messages of any size over SOCK_SEQPACKET, fds with the first packet. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netd/lib/netd-proto.h"
#include "tests/unit/suites.h"

/* sends text through a socketpair, reads it back packet by packet */
static int round_trip(const char *text, size_t len, size_t max, int fd_in, struct netd_msgbuf *m)
{
	static char pkt[NETD_PROTO_PACKET_MAX];
	struct netd_outq q = { 0 };
	int sv[2], r = 0, fds[1] = { fd_in };

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	ck_assert_int_eq(netd_outq_push(&q, text, len, fds, fd_in >= 0 ? 1 : 0), 0);
	netd_msgbuf_init(m, max);
	while (r == 0) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n;

		/* a packet at a time: the pair's buffer holds less than the whole message */
		if (q.head) {
			struct netd_packet *p = q.head;
			struct netd_outq one = { .head = p, .tail = p, .bytes = p->len };

			q.head = p->next;
			p->next = NULL;
			ck_assert_int_eq(netd_outq_flush(&one, sv[0]), 0);
		}
		n = recvmsg(sv[1], &mh, 0);
		ck_assert_int_gt(n, 0);
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			memcpy(&m->fds[m->n_fds++], CMSG_DATA(cm), sizeof(int));
		r = netd_msgbuf_feed(m, pkt, (size_t)n);
	}
	close(sv[0]);
	close(sv[1]);
	return r;
}

START_TEST(test_small_is_one_packet)
{
	struct netd_outq q = { 0 };
	struct netd_msgbuf m;
	const char *t = "{\"jsonrpc\":\"2.0\"}";

	ck_assert_int_eq(netd_outq_push(&q, t, strlen(t), NULL, 0), 0);
	ck_assert_ptr_eq(q.head, q.tail);
	ck_assert_uint_eq(q.head->len, strlen(t));
	ck_assert_int_eq(q.head->data[0], '{');
	netd_outq_clear(&q);
	ck_assert_int_eq(round_trip(t, strlen(t), 100, -1, &m), 1);
	ck_assert_str_eq(m.data, t);
	netd_msgbuf_clear(&m);
}
END_TEST

START_TEST(test_large_message_and_fd)
{
	size_t len = 5 * NETD_PROTO_CHUNK + 123;
	char *t = malloc(len + 1);
	struct netd_msgbuf m;
	int fd = open("/dev/null", O_RDONLY);

	memset(t, 'a', len);
	t[0] = '{';
	t[len - 1] = '}';
	t[len] = '\0';
	ck_assert_int_eq(round_trip(t, len, NETD_PROTO_REPLY_MAX, fd, &m), 1);
	ck_assert_uint_eq(m.len, len);
	ck_assert_int_eq(memcmp(m.data, t, len), 0);
	ck_assert_uint_eq(m.n_fds, 1); /* rode with the first packet */
	netd_msgbuf_clear(&m);          /* and is closed with the message */
	close(fd);
	free(t);
}
END_TEST

START_TEST(test_too_large_is_refused)
{
	size_t len = 3 * NETD_PROTO_CHUNK;
	char *t = calloc(1, len + 1);
	struct netd_msgbuf m;

	memset(t, 'b', len);
	ck_assert_int_eq(round_trip(t, len, NETD_PROTO_CHUNK, -1, &m), -EMSGSIZE);
	netd_msgbuf_clear(&m);
	/* the next message on the same buffer is read whole */
	ck_assert_int_eq(netd_msgbuf_feed(&m, "{}", 2), 1);
	ck_assert_str_eq(m.data, "{}");
	netd_msgbuf_clear(&m);
	free(t);
}
END_TEST

Suite *make_netd_proto_suite(void)
{
	Suite *s = suite_create("netd-proto");
	TCase *tc = tcase_create("framing");

	tcase_add_test(tc, test_small_is_one_packet);
	tcase_add_test(tc, test_large_message_and_fd);
	tcase_add_test(tc, test_too_large_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
