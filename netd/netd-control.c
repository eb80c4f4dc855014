/*
 * The control socket: AF_UNIX SOCK_SEQPACKET, one JSON-RPC 2.0 message per
 * packet (docs/protocol.md). Peer credentials decide what a client may do:
 * root or the admin group may change things, anyone else may only read.
 * Any bad message gets an error reply; the daemon keeps serving.
 */
#include <errno.h>
#include <grp.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netd/netd-control.h"
#include "netd/netd-log.h"
#include "netd/netd-request.h"
#include "netd/netd.h"
#include "tapdev/tapdev.h"

#define MSG_MAX (1u << 20)

int netd_control_listen(struct netd *d, struct nd_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	static struct netd_ev listen_ev = { .kind = NETD_EV_LISTEN };
	int fd;

	if (strlen(d->opts.socket_path) >= sizeof(sa.sun_path))
		return nd_err_set(err, -ENAMETOOLONG, d->opts.socket_path, "socket path too long");
	strcpy(sa.sun_path, d->opts.socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return nd_err_set(err, -errno, "socket", "%s", strerror(errno));
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		int e = errno;

		close(fd);
		return nd_err_set(err, -e, d->opts.socket_path, "cannot listen: %s", strerror(e));
	}
	/* everyone may connect; what they may do is decided per request */
	chmod(sa.sun_path, 0666);
	ev.data.ptr = &listen_ev;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return nd_err_set(err, -errno, "epoll", "%s", strerror(errno));
	}
	d->listen_fd = fd;
	return 0;
}

static bool peer_is_admin(struct netd *d, int fd, const struct ucred *cred)
{
	gid_t groups[256];
	socklen_t len = sizeof(groups);

	if (cred->uid == 0)
		return true;
	if (!d->opts.have_admin_gid)
		return false;
	if (cred->gid == d->opts.admin_gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) < 0)
		return false;
	for (size_t i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == d->opts.admin_gid)
			return true;
	return false;
}

void netd_control_accept(struct netd *d)
{
	for (int i = 0; i < 64; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct netd_client *c;
		socklen_t len = sizeof(struct ucred);
		int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0)
			return;
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0) {
			c->cred.uid = (uid_t)-1;
			c->cred.pid = 0;
		}
		c->admin = peer_is_admin(d, fd, &c->cred);
		c->ev.kind = NETD_EV_CLIENT;
		c->ev.ptr = c;
		ev.data.ptr = &c->ev;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = d->clients;
		d->clients = c;
	}
}

static void client_close(struct netd *d, struct netd_client *c)
{
	for (struct netd_client **p = &d->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	netd_methods_client_gone(d, c);
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
}

void netd_control_close_all(struct netd *d)
{
	while (d->clients)
		client_close(d, d->clients);
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		unlink(d->opts.socket_path);
	}
}

int netd_control_send(struct netd_client *c, json_object *msg, const int *fds, size_t n_fds)
{
	const char *text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	struct nd_err err = { 0 };

	return tapdev_fd_send(c->fd, text, strlen(text), fds, n_fds, &err);
}

json_object *netd_reply_error(json_object *id, int code, const char *fmt, ...)
{
	json_object *o = json_object_new_object(), *e = json_object_new_object();
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "id", id ? json_object_get(id) : NULL);
	json_object_object_add(e, "code", json_object_new_int(code));
	json_object_object_add(e, "message", json_object_new_string(msg));
	json_object_object_add(o, "error", e);
	return o;
}

static void handle_message(struct netd *d, struct netd_client *c, const char *buf, size_t len)
{
	struct netd_request req;
	json_object *reply;
	char msg[256];
	int code;

	if (netd_request_decode(buf, len, &req, &code, msg, sizeof(msg)) < 0)
		reply = netd_reply_error(req.id, code, "%s", msg);
	else
		reply = netd_methods_call(d, c, req.method, req.params, req.id);
	if (reply) {
		int r = netd_control_send_reply(c, reply);

		if (r < 0)
			netd_log(NETD_LOG_DEBUG, NULL, "reply to pid %d not sent: %s", (int)c->cred.pid, strerror(-r));
		json_object_put(reply);
	}
	netd_request_free(&req);
}

void netd_control_client_event(struct netd *d, struct netd_client *c, uint32_t events)
{
	static char buf[MSG_MAX + 1];

	for (int i = 0; i < 16; i++) {
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			client_close(d, c);
			return;
		}
		if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > MSG_MAX) {
			json_object *reply = netd_reply_error(NULL, NETD_RPC_INVALID_REQUEST,
							      "message larger than %u bytes", MSG_MAX);

			netd_control_send_reply(c, reply);
			json_object_put(reply);
			continue;
		}
		handle_message(d, c, buf, (size_t)n);
		if (c->closing) {
			client_close(d, c);
			return;
		}
	}
	if (events & (EPOLLHUP | EPOLLERR))
		client_close(d, c);
}

int netd_control_send_reply(struct netd_client *c, json_object *msg)
{
	int r = netd_control_send(c, msg, c->reply_fds, c->n_reply_fds);

	for (size_t i = 0; i < c->n_reply_fds; i++)
		close(c->reply_fds[i]);
	c->n_reply_fds = 0;
	return r;
}
