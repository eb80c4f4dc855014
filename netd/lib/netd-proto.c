#include "netd/lib/netd-proto.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void netd_msgbuf_init(struct netd_msgbuf *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
}

void netd_msgbuf_clear(struct netd_msgbuf *m)
{
	size_t max = m->max;

	for (size_t i = 0; i < m->n_fds; i++)
		close(m->fds[i]);
	free(m->data);
	netd_msgbuf_init(m, max);
}

static int append(struct netd_msgbuf *m, const char *p, size_t n)
{
	if (m->overflow || m->len + n > m->max) {
		m->overflow = true;
		return 0;
	}
	if (m->len + n + 1 > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;
		char *d;

		while (cap < m->len + n + 1)
			cap *= 2;
		if (!(d = realloc(m->data, cap)))
			return -ENOMEM;
		m->data = d;
		m->cap = cap;
	}
	memcpy(m->data + m->len, p, n);
	m->len += n;
	m->data[m->len] = '\0';
	return 0;
}

int netd_msgbuf_feed(struct netd_msgbuf *m, const char *pkt, size_t len)
{
	bool more = len > 0 && (unsigned char)pkt[0] == NETD_PROTO_MORE;
	int r = more ? append(m, pkt + 1, len - 1) : append(m, pkt, len);

	if (r < 0)
		return r;
	if (more)
		return 0;
	if (m->overflow)
		return -EMSGSIZE;
	if (!m->data) { /* an empty message */
		if (!(m->data = calloc(1, 1)))
			return -ENOMEM;
		m->cap = 1;
	}
	return 1;
}

int netd_outq_push(struct netd_outq *q, const char *text, size_t len, const int *fds, size_t n_fds)
{
	size_t off = 0;
	bool first = true;

	if (n_fds > NETD_PROTO_MAX_FDS)
		return -EINVAL;
	do {
		size_t chunk = len - off > NETD_PROTO_CHUNK ? NETD_PROTO_CHUNK : len - off;
		bool more = off + chunk < len;
		struct netd_packet *p = malloc(sizeof(*p) + chunk + 1);

		if (!p)
			return -ENOMEM; /* what was queued stays: the caller drops the connection */
		p->next = NULL;
		p->len = chunk + (more ? 1 : 0);
		if (more)
			p->data[0] = NETD_PROTO_MORE;
		memcpy(p->data + (more ? 1 : 0), text + off, chunk);
		p->n_fds = first ? n_fds : 0;
		if (first && n_fds)
			memcpy(p->fds, fds, n_fds * sizeof(int));
		if (q->tail)
			q->tail->next = p;
		else
			q->head = p;
		q->tail = p;
		q->bytes += p->len;
		off += chunk;
		first = false;
	} while (off < len);
	return 0;
}

static void packet_free(struct netd_packet *p)
{
	for (size_t i = 0; i < p->n_fds; i++)
		close(p->fds[i]);
	free(p);
}

static int packet_send(int sock, const struct netd_packet *p)
{
	char cbuf[CMSG_SPACE(sizeof(int) * NETD_PROTO_MAX_FDS)];
	struct iovec iov = { .iov_base = (void *)p->data, .iov_len = p->len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (p->n_fds) {
		struct cmsghdr *cm;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * p->n_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * p->n_fds);
		memcpy(CMSG_DATA(cm), p->fds, sizeof(int) * p->n_fds);
	}
	for (;;) {
		if (sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

int netd_outq_flush(struct netd_outq *q, int sock)
{
	while (q->head) {
		struct netd_packet *p = q->head;
		int r = packet_send(sock, p);

		if (r == -EAGAIN)
			return 1;
		if (r < 0)
			return r;
		q->head = p->next;
		if (!q->head)
			q->tail = NULL;
		q->bytes -= p->len;
		packet_free(p);
	}
	return 0;
}

void netd_outq_clear(struct netd_outq *q)
{
	while (q->head) {
		struct netd_packet *p = q->head;

		q->head = p->next;
		packet_free(p);
	}
	q->tail = NULL;
	q->bytes = 0;
}
