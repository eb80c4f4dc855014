/*
 * The control socket: AF_UNIX SOCK_SEQPACKET, JSON-RPC 2.0 messages framed
 * as docs/protocol.md says (one packet, or several for a large one). Who may
 * do what is decided per message, from the credentials the kernel attached
 * to it when it was sent (SCM_CREDENTIALS): a connection passed on to another
 * process carries that process's authority, not its opener's. Replies go
 * through a per-connection queue written as the socket takes them, so a reply
 * of any size arrives and a slow reader stalls nobody. Unprivileged users may
 * hold a bounded number of connections; a reserve fd keeps accept() from
 * spinning when the daemon runs out of fds.
 */
#include "netd/daemon/netd-control.h"

#include <errno.h>
#include <fcntl.h>
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

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-request.h"
#include "netd/daemon/netd-virt.h"

static void client_close(struct netd *d, struct netd_client *c);

/*
 * systemd socket activation (netd.socket): the listening socket is fd 3 when
 * LISTEN_PID names this process. Then clients queue while netd starts or
 * restarts, and the path is systemd's: netd neither makes nor removes it.
 * -1 when not activated; an error when the fd given is not a SEQPACKET socket.
 */
static int activated_fd(struct nd_err *err)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	int type = 0, flags;
	socklen_t len = sizeof(type);

	if (!pid || !fds || strtol(pid, NULL, 10) != (long)getpid())
		return -1;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	if (strtol(fds, NULL, 10) != 1)
		return nd_err_set(err, -EINVAL, "LISTEN_FDS", "expected one socket from systemd, got '%s'", fds);
	if (getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
		return nd_err_set(err, -EINVAL, "LISTEN_FDS",
				  "the socket from systemd is not a SOCK_SEQPACKET socket (netd.socket: ListenSequentialPacket=)");
	flags = fcntl(3, F_GETFL);
	if (flags < 0 || fcntl(3, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0)
		return nd_err_set(err, -errno, "LISTEN_FDS", "fd 3: %s", strerror(errno));
	return 3;
}

int netd_control_listen(struct netd *d, struct nd_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	static struct netd_ev listen_ev = { .kind = NETD_EV_LISTEN };
	mode_t old;
	int fd, r, one = 1;

	if ((fd = activated_fd(err)) != -1) {
		if (fd < 0)
			return fd;
		/* accepted sockets inherit it: every message arrives with its sender's credentials */
		setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
		d->socket_activated = true;
		goto listening;
	}
	if (strlen(d->opts.socket_path) >= sizeof(sa.sun_path))
		return nd_err_set(err, -ENAMETOOLONG, d->opts.socket_path, "socket path too long");
	strcpy(sa.sun_path, d->opts.socket_path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return nd_err_set(err, -errno, "socket", "%s", strerror(errno));
	/* accepted sockets inherit it: every message arrives with its sender's credentials */
	setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
	unlink(sa.sun_path);
	/* everyone may connect (what they may do is decided per request): the
	 * socket is made 0666 by bind itself, nothing chmods a path afterwards */
	old = umask(0111);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		return nd_err_set(err, -e, d->opts.socket_path, "cannot listen: %s", strerror(e));
	}
listening:
	ev.data.ptr = &listen_ev;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return nd_err_set(err, -errno, "epoll", "%s", strerror(errno));
	}
	d->listen_fd = fd;
	d->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

/* the admin group in the process's groups now (/proc/PID/status), or as its primary group */
bool netd_control_in_admin_group(struct netd *d, const struct ucred *cred)
{
	_cleanup_free_ char *text = NULL;
	char path[64], *line;

	if (!d->opts.have_admin_gid || cred->pid <= 0)
		return false;
	if (cred->gid == d->opts.admin_gid)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)cred->pid);
	if (nd_file_read(path, 1 << 16, &text, NULL, NULL) < 0 || !(line = strstr(text, "\nGroups:")))
		return false;
	for (char *p = line + 8, *end; *p && *p != '\n'; p = end) {
		unsigned long g = strtoul(p, &end, 10);

		if (end == p)
			break;
		if ((gid_t)g == d->opts.admin_gid)
			return true;
	}
	return false;
}

static unsigned clients_of(struct netd *d, uid_t uid)
{
	unsigned n = 0;

	for (struct netd_client *c = d->clients; c; c = c->next)
		n += c->uid == uid;
	return n;
}

/* out of fds: the reserve fd makes room to take the connection and close it */
static void shed_one(struct netd *d)
{
	static long long last_log;
	int fd;

	if (d->reserve_fd >= 0) {
		close(d->reserve_fd);
		d->reserve_fd = -1;
	}
	fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		close(fd);
	d->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (netd_now_ms() - last_log > 10000) {
		netd_log(NETD_LOG_WARN, NULL, "out of file descriptors: refusing connections");
		last_log = netd_now_ms();
	}
}

void netd_control_accept(struct netd *d)
{
	for (int i = 0; i < 64; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct netd_client *c;
		struct ucred cred = { .uid = (uid_t)-1 };
		socklen_t len = sizeof(cred);
		int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				shed_one(d);
			return;
		}
		getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
		setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &(int){ 1 }, sizeof(int));
		if (cred.uid != 0 && clients_of(d, cred.uid) >= d->opts.max_clients_per_user) {
			static long long last_log;

			if (netd_now_ms() - last_log > 10000) {
				netd_log(NETD_LOG_WARN, NULL, "uid %u holds %u connections already: refusing more",
					 (unsigned)cred.uid, d->opts.max_clients_per_user);
				last_log = netd_now_ms();
			}
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		c->uid = cred.uid;
		c->privileged = cred.uid == 0;
		netd_msgbuf_init(&c->in, NETD_PROTO_REQUEST_MAX);
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

char netd_reply_deferred_tag;

struct netd_pending *netd_control_defer(struct netd *d, struct netd_client *c, json_object *id)
{
	struct netd_pending *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->c = c;
	p->id = id ? json_object_get(id) : NULL;
	p->next = d->pending;
	d->pending = p;
	return p;
}

void netd_control_complete(struct netd *d, struct netd_pending *p, json_object *result, const struct nd_err *err,
			   const int *fds, size_t n_fds)
{
	json_object *reply;

	for (struct netd_pending **pp = &d->pending; *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	if (err && err->code) {
		char text[768];

		json_object *e;

		json_object_put(result);
		reply = netd_reply_error(p->id, NETD_RPC_FAILED, "%s", netd_err_reply_text(err, text, sizeof(text)));
		if (json_object_object_get_ex(reply, "error", &e))
			json_object_object_add(e, "errno", json_object_new_int(err->code < 0 ? -err->code : err->code));
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
		fds = NULL;
		n_fds = 0;
	} else {
		reply = json_object_new_object();
		json_object_object_add(reply, "jsonrpc", json_object_new_string("2.0"));
		json_object_object_add(reply, "id", p->id ? json_object_get(p->id) : NULL);
		json_object_object_add(reply, "result", result ? result : json_object_new_object());
	}
	if (p->c && !p->c->closing) {
		/* a client this makes 'closing' is closed by the event loop
		 * (netd_control_close_marked), never here: it may be in the batch being served */
		netd_control_queue(d, p->c, reply, fds, n_fds);
	} else {
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
	}
	json_object_put(reply);
	json_object_put(p->id);
	free(p);
}

static void client_close(struct netd *d, struct netd_client *c)
{
	for (struct netd_pending *p = d->pending; p; p = p->next)
		if (p->c == c)
			p->c = NULL;
	for (struct netd_client **p = &d->clients; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	netd_msgbuf_clear(&c->in);
	netd_outq_clear(&c->out);
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

static void want_out(struct netd *d, struct netd_client *c, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = &c->ev };

	if (c->want_out != on && epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->want_out = on;
}

/* writes what the socket takes; false when the client is to be closed */
static bool flush(struct netd *d, struct netd_client *c)
{
	int r = netd_outq_flush(&c->out, c->fd);

	if (r < 0)
		return false;
	want_out(d, c, r == 1);
	return true;
}

int netd_control_queue(struct netd *d, struct netd_client *c, json_object *msg, const int *fds, size_t n_fds)
{
	const char *text;
	int r;

	if (c->deliver)
		return c->deliver(d, c, msg, fds, n_fds);
	text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN);
	if (c->out.bytes > NETD_CLIENT_QUEUE_MAX) {
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
		c->closing = true;
		return -ENOBUFS;
	}
	if ((r = netd_outq_push(&c->out, text, strlen(text), fds, n_fds)) < 0) {
		c->closing = true;
		return r;
	}
	if (!flush(d, c))
		c->closing = true;
	return 0;
}

const char *netd_err_reply_text(const struct nd_err *err, char *buf, unsigned len)
{
	char quoted[160];

	/* "net: network 'net' is not active" says the name twice: once is enough */
	snprintf(quoted, sizeof(quoted), "'%s'", err->where);
	if (err->where[0] && strstr(err->msg, quoted)) {
		snprintf(buf, len, "%s", err->msg);
		return buf;
	}
	return nd_err_text(err, buf, len);
}

void netd_event(struct netd *d, const char *net, const char *event)
{
	json_object *msg = NULL, *params;

	netd_virt_event(d, net, event);
	for (struct netd_client *c = d->clients; c; c = c->next) {
		if (!c->events || c->closing || (c->events_net[0] && strcmp(c->events_net, net) != 0))
			continue;
		if (!msg) { /* a notification: no "id" (docs/protocol.md, "Events") */
			msg = json_object_new_object();
			params = json_object_new_object();
			json_object_object_add(params, "name", json_object_new_string(net));
			json_object_object_add(params, "event", json_object_new_string(event));
			json_object_object_add(msg, "jsonrpc", json_object_new_string("2.0"));
			json_object_object_add(msg, "method", json_object_new_string("net-event"));
			json_object_object_add(msg, "params", params);
		}
		netd_control_queue(d, c, msg, NULL, 0);
	}
	json_object_put(msg);
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

static void handle_message(struct netd *d, struct netd_client *c, const struct netd_caller *who, const char *buf,
			   size_t len)
{
	int reply_fds[NETD_MAX_FDS];
	size_t n_reply_fds = 0;
	struct netd_request req;
	json_object *reply;
	char msg[256];
	int code;

	if (netd_request_decode(buf, len, &req, &code, msg, sizeof(msg)) < 0)
		reply = netd_reply_error(req.id, code, "%s", msg);
	else
		reply = netd_methods_call(d, c, who, req.method, req.params, req.id, reply_fds, &n_reply_fds);
	if (reply == NETD_REPLY_DEFERRED) {
		/* the reply comes when the job it waits for ends (netd_control_complete) */
	} else if (reply) {
		netd_control_queue(d, c, reply, reply_fds, n_reply_fds);
		json_object_put(reply);
	} else {
		for (size_t i = 0; i < n_reply_fds; i++)
			close(reply_fds[i]);
	}
	netd_request_free(&req);
}

/* an oversized packet or request: an error reply, and the next message starts afresh */
static int refuse(struct netd *d, struct netd_client *c, const char *what, unsigned max)
{
	json_object *reply = netd_reply_error(NULL, NETD_RPC_INVALID_REQUEST, "%s larger than %u bytes", what, max);

	netd_control_queue(d, c, reply, NULL, 0);
	json_object_put(reply);
	netd_msgbuf_clear(&c->in);
	return 1;
}

/*
 * Reads one packet. 1: a whole message was handled; 0: nothing more now (or
 * a partial message); -1: the client is to be closed.
 */
static int read_one(struct netd *d, struct netd_client *c)
{
	static char pkt[NETD_PROTO_PACKET_MAX];
	char cbuf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * NETD_MAX_FDS)];
	struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct netd_caller who = { .cred = { .uid = (uid_t)-1, .gid = (gid_t)-1 } };
	ssize_t n = recvmsg(c->fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	int r;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0)
		return -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET)
			continue;
		if (cm->cmsg_type == SCM_CREDENTIALS && cm->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
			memcpy(&who.cred, CMSG_DATA(cm), sizeof(who.cred));
		} else if (cm->cmsg_type == SCM_RIGHTS) {
			/* clients send no fds: whatever came is closed */
			const int *fds = (const int *)CMSG_DATA(cm);

			for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++)
				close(fds[i]);
		}
	}
	if (mh.msg_flags & MSG_TRUNC)
		return refuse(d, c, "packet", NETD_PROTO_PACKET_MAX);
	r = netd_msgbuf_feed(&c->in, pkt, (size_t)n);
	if (r == 0)
		return 1; /* more packets of this message */
	if (r < 0)
		return refuse(d, c, "request", NETD_PROTO_REQUEST_MAX);
	/* decided once per whole message, from its last packet's sender */
	who.admin = who.cred.uid == 0 || (who.cred.uid != (uid_t)-1 && netd_control_in_admin_group(d, &who.cred));
	handle_message(d, c, &who, c->in.data, c->in.len);
	netd_msgbuf_clear(&c->in);
	return 1;
}

/* one message (or packet) from the client; false when it was closed */
static bool serve(struct netd *d, struct netd_client *c, uint32_t events)
{
	if ((events & EPOLLOUT) && !flush(d, c))
		c->closing = true;
	if (!c->closing && (events & EPOLLIN) && read_one(d, c) < 0)
		c->closing = true;
	if (!c->closing && (events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))
		c->closing = true;
	if (c->closing) {
		client_close(d, c);
		return false;
	}
	return true;
}

void netd_control_close_marked(struct netd *d)
{
	for (struct netd_client *c = d->clients, *next; c; c = next) {
		next = c->next;
		if (c->closing)
			client_close(d, c);
	}
}

void netd_control_clients_ready(struct netd *d, struct netd_client **ready, const uint32_t *events, size_t n)
{
	/* root's requests first, then everyone else's, one each: an admin call never waits behind a flood */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (ready[i] && ready[i]->privileged == (pass == 0)) {
				serve(d, ready[i], events[i]);
				ready[i] = NULL;
			}
}
