#include "netd/lib/netd-client.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "netd/lib/netd-proto.h"

struct netd_conn {
	int fd;
	int timeout_ms;
	int next_id;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int netd_conn_open(const char *path, int timeout_ms, struct netd_conn **ret, struct nd_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct netd_conn *c;
	const char *env = getenv("NETD_TIMEOUT");
	int one = 1;

	*ret = NULL;
	if (!path)
		path = NETD_DEFAULT_SOCKET;
	if (strlen(path) >= sizeof(sa.sun_path))
		return nd_err_set(err, -ENAMETOOLONG, path, "socket path too long");
	if (timeout_ms <= 0)
		timeout_ms = env && atoi(env) > 0 ? atoi(env) * 1000 : NETD_CLIENT_TIMEOUT_MS;
	if (!(c = calloc(1, sizeof(*c))))
		return nd_err_set(err, -ENOMEM, "client", "out of memory");
	c->timeout_ms = timeout_ms;
	c->next_id = 1;
	strcpy(c->path, path);
	strcpy(sa.sun_path, path);
	c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* every message carries our credentials: the daemon decides per request */
	if (c->fd < 0 || setsockopt(c->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0) {
		int e = errno;

		netd_conn_close(c);
		return nd_err_set(err, -e, path, "socket: %s", strerror(e));
	}
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		netd_conn_close(c);
		return nd_err_set(err, -e, path, "cannot connect to netd: %s%s", strerror(e),
				  e == ENOENT || e == ECONNREFUSED ? " (is netd running?)" : "");
	}
	*ret = c;
	return 0;
}

struct netd_conn *netd_conn_close(struct netd_conn *c)
{
	if (c) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
	}
	return NULL;
}

int netd_conn_fd(const struct netd_conn *c)
{
	return c->fd;
}

static int wait_fd(struct netd_conn *c, short events, long long deadline)
{
	struct pollfd p = { .fd = c->fd, .events = events };
	int left = deadline < 0 ? -1 : (int)(deadline - now_ms());
	int r;

	if (deadline >= 0 && left < 0)
		left = 0;
	do
		r = poll(&p, 1, left);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return r == 0 ? -ETIMEDOUT : 0;
}

static int send_all(struct netd_conn *c, const char *text, long long deadline, struct nd_err *err)
{
	struct netd_outq q = { 0 };
	int r = netd_outq_push(&q, text, strlen(text), NULL, 0);

	while (r >= 0 && (r = netd_outq_flush(&q, c->fd)) == 1)
		r = wait_fd(c, POLLOUT, deadline);
	netd_outq_clear(&q);
	if (r == -ETIMEDOUT)
		return nd_err_set(err, r, c->path, "netd did not take the request within %d s", c->timeout_ms / 1000);
	if (r < 0)
		return nd_err_set(err, r, c->path, "cannot send to netd: %s", strerror(-r));
	return 0;
}

/* one whole message; its fds into fds (at most max) */
static int recv_msg(struct netd_conn *c, long long deadline, struct netd_msgbuf *m, struct nd_err *err)
{
	_cleanup_free_ char *pkt = malloc(NETD_PROTO_PACKET_MAX);

	if (!pkt)
		return nd_err_set(err, -ENOMEM, "client", "out of memory");
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int) * NETD_PROTO_MAX_FDS)];
		struct iovec iov = { .iov_base = pkt, .iov_len = NETD_PROTO_PACKET_MAX };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				     .msg_controllen = sizeof(cbuf) };
		ssize_t n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		int r;

		if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((r = wait_fd(c, POLLIN, deadline)) == -ETIMEDOUT)
				return nd_err_set(err, r, c->path, "no reply from netd within %d s",
						  c->timeout_ms / 1000);
			if (r < 0)
				return nd_err_set(err, r, c->path, "poll: %s", strerror(-r));
			continue;
		}
		if (n < 0)
			return nd_err_set(err, -errno, c->path, "no reply from netd: %s", strerror(errno));
		if (n == 0)
			return nd_err_set(err, -ECONNRESET, c->path, "no reply from netd: connection closed");
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			const int *p = (const int *)CMSG_DATA(cm);
			size_t k;

			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < k; i++) {
				if (m->n_fds < NETD_PROTO_MAX_FDS)
					m->fds[m->n_fds++] = p[i];
				else
					close(p[i]);
			}
		}
		if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
			return nd_err_set(err, -EMSGSIZE, c->path, "reply packet or its fds truncated");
		r = netd_msgbuf_feed(m, pkt, (size_t)n);
		if (r == -EMSGSIZE)
			return nd_err_set(err, r, c->path, "reply larger than %u bytes", NETD_PROTO_REPLY_MAX);
		if (r < 0)
			return nd_err_set(err, r, c->path, "out of memory");
		if (r == 1)
			return 0;
	}
}

static json_object *parse_msg(struct netd_conn *c, const struct netd_msgbuf *m, struct nd_err *err)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *o = tok ? json_tokener_parse_ex(tok, m->data, (int)m->len) : NULL;

	if (!o || json_tokener_get_error(tok) != json_tokener_success || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
		nd_err_set(err, -EPROTO, c->path, "malformed reply from netd");
	}
	if (tok)
		json_tokener_free(tok);
	return o;
}

int netd_conn_recv(struct netd_conn *c, int timeout_ms, json_object **ret_msg, struct nd_err *err)
{
	struct netd_msgbuf m;
	int r;

	*ret_msg = NULL;
	netd_msgbuf_init(&m, NETD_PROTO_REPLY_MAX);
	r = recv_msg(c, timeout_ms < 0 ? -1 : now_ms() + timeout_ms, &m, err);
	if (r == 0 && !(*ret_msg = parse_msg(c, &m, err)))
		r = err ? err->code : -EPROTO;
	netd_msgbuf_clear(&m);
	return r;
}

static json_object *reply_result(json_object *reply, struct nd_err *err)
{
	json_object *e, *v;

	if (json_object_object_get_ex(reply, "error", &e)) {
		int code = json_object_object_get_ex(e, "errno", &v) ? -json_object_get_int(v) : -EIO;
		const char *msg = json_object_object_get_ex(e, "message", &v) ? json_object_get_string(v) : "failed";

		if (json_object_object_get_ex(e, "code", &v) && json_object_get_int(v) == -32001)
			code = -EACCES;
		nd_err_set(err, code < 0 ? code : -EIO, "", "%s", msg);
		return NULL;
	}
	if (!json_object_object_get_ex(reply, "result", &v)) {
		nd_err_set(err, -EPROTO, "", "reply from netd has no result");
		return NULL;
	}
	return v;
}

json_object *netd_call(struct netd_conn *c, const char *method, json_object *params, json_object **ret_reply,
		       int *fds, size_t max_fds, size_t *ret_n_fds, struct nd_err *err)
{
	long long deadline = now_ms() + c->timeout_ms;
	json_object *req = json_object_new_object(), *reply = NULL, *res = NULL, *v;
	int id = c->next_id++;
	struct netd_msgbuf m;

	*ret_reply = NULL;
	if (ret_n_fds)
		*ret_n_fds = 0;
	json_object_object_add(req, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(req, "id", json_object_new_int(id));
	json_object_object_add(req, "method", json_object_new_string(method));
	json_object_object_add(req, "params", params ? params : json_object_new_object());
	if (send_all(c, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN), deadline, err) < 0) {
		json_object_put(req);
		return NULL;
	}
	json_object_put(req);
	netd_msgbuf_init(&m, NETD_PROTO_REPLY_MAX);
	for (;;) {
		if (recv_msg(c, deadline, &m, err) < 0 || !(reply = parse_msg(c, &m, err)))
			break;
		/* events (no "id" member) that arrive meanwhile are not this call's reply;
		 * an error with "id": null is (the daemon could not read the request's id) */
		if (json_object_object_get_ex(reply, "id", &v) &&
		    (v ? json_object_get_int(v) == id : json_object_object_get_ex(reply, "error", NULL)))
			break;
		json_object_put(reply);
		reply = NULL;
		netd_msgbuf_clear(&m);
	}
	if (reply && (res = reply_result(reply, err))) {
		for (size_t i = 0; i < m.n_fds; i++) {
			if (fds && i < max_fds)
				fds[i] = m.fds[i];
			else
				close(m.fds[i]);
		}
		if (ret_n_fds)
			*ret_n_fds = m.n_fds < max_fds ? m.n_fds : max_fds;
		m.n_fds = 0;
		*ret_reply = reply;
	} else {
		json_object_put(reply);
	}
	netd_msgbuf_clear(&m);
	return res;
}
