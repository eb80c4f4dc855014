/*
 * libvirt's RPC on libvirt's sockets (netd-virt.h): the listeners, each
 * connection's byte stream cut into messages (a 4-byte length, then the
 * 24-byte header, then XDR), keepalive, and the connection procedures a
 * client calls before and around the network ones.
 */
#include "netd/daemon/netd-virt.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-net.h"

#define KEEPALIVE_PING 1
#define KEEPALIVE_PONG 2

static int listen_one(struct netd *d, const char *path, bool readonly, int *ret_fd, struct nd_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN };
	struct netd_ev *tag = readonly ? &d->virt_ro_ev : &d->virt_rw_ev;
	mode_t old;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path))
		return nd_err_set(err, -ENAMETOOLONG, path, "socket path too long");
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return nd_err_set(err, -errno, path, "socket: %s", strerror(errno));
	unlink(path);
	/* as libvirt's: read-only for everyone; read-write for root (and the admin group) */
	old = umask(readonly ? 0111 : d->opts.have_admin_gid ? 0117 : 0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r == 0 && !readonly && d->opts.have_admin_gid && chown(path, 0, d->opts.admin_gid) < 0)
		r = -1;
	if (r < 0 || listen(fd, 128) < 0) {
		int e = errno;

		close(fd);
		return nd_err_set(err, -e, path, "cannot listen: %s", strerror(e));
	}
	tag->kind = readonly ? NETD_EV_VIRT_LISTEN_RO : NETD_EV_VIRT_LISTEN;
	ev.data.ptr = tag;
	if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return nd_err_set(err, -errno, "epoll", "%s", strerror(errno));
	}
	*ret_fd = fd;
	return 0;
}

int netd_virt_listen(struct netd *d, struct nd_err *err)
{
	char ro[4200], dir[4200], *slash;
	int r;

	d->virt_fd = d->virt_ro_fd = -1;
	if (!d->opts.libvirt_socket || !*d->opts.libvirt_socket)
		return 0;
	snprintf(dir, sizeof(dir), "%s", d->opts.libvirt_socket);
	if ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return nd_err_set(err, -errno, dir, "cannot make the libvirt socket's directory: %s", strerror(errno));
	}
	snprintf(ro, sizeof(ro), "%s-ro", d->opts.libvirt_socket);
	if ((r = listen_one(d, d->opts.libvirt_socket, false, &d->virt_fd, err)) < 0 ||
	    (r = listen_one(d, ro, true, &d->virt_ro_fd, err)) < 0)
		return r;
	return 0;
}

static void forget_pending(struct netd *d, struct netd_virt_conn *c)
{
	for (struct netd_pending *p = d->pending; p; p = p->next)
		if (p->c == &c->shadow)
			p->c = NULL;
}

static void conn_close(struct netd *d, struct netd_virt_conn *c)
{
	forget_pending(d, c);
	for (struct netd_virt_conn **pp = &d->virt_conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	epoll_ctl(d->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	while (c->deferred) {
		struct netd_virt_deferred *x = c->deferred;

		c->deferred = x->next;
		free(x);
	}
	free(c->in);
	nd_buf_free(&c->out);
	free(c);
}

void netd_virt_close_all(struct netd *d)
{
	while (d->virt_conns)
		conn_close(d, d->virt_conns);
	if (d->virt_fd >= 0) {
		char ro[4200];

		close(d->virt_fd);
		close(d->virt_ro_fd);
		unlink(d->opts.libvirt_socket);
		snprintf(ro, sizeof(ro), "%s-ro", d->opts.libvirt_socket);
		unlink(ro);
		d->virt_fd = d->virt_ro_fd = -1;
	}
}

static void want_out(struct netd *d, struct netd_virt_conn *c, bool on)
{
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = &c->ev };

	if (c->want_out != on && epoll_ctl(d->epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
		c->want_out = on;
}

static void flush(struct netd *d, struct netd_virt_conn *c)
{
	while (c->out_off < c->out.len) {
		ssize_t k = send(c->fd, c->out.data + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && errno == EAGAIN)
			break;
		if (k <= 0) {
			c->closing = true;
			return;
		}
		c->out_off += (size_t)k;
	}
	if (c->out_off == c->out.len) {
		c->out.len = 0;
		c->out_off = 0;
	}
	want_out(d, c, c->out.len > 0);
}

void netd_virt_send(struct netd *d, struct netd_virt_conn *c, uint32_t prog, int proc, int type, uint32_t serial,
		    int status, const struct nd_buf *payload)
{
	size_t start = c->out.len;

	if (c->closing)
		return;
	if (c->out.len - c->out_off > NETD_CLIENT_QUEUE_MAX) {
		c->closing = true; /* it reads nothing: dropped, as a netdctl client would be */
		return;
	}
	nd_xdr_u32(&c->out, 0); /* the length, known at the end */
	nd_xdr_u32(&c->out, prog);
	nd_xdr_u32(&c->out, 1);
	nd_xdr_i32(&c->out, proc);
	nd_xdr_i32(&c->out, type);
	nd_xdr_u32(&c->out, serial);
	nd_xdr_i32(&c->out, status);
	if (payload && payload->len)
		nd_buf_append(&c->out, payload->data, payload->len);
	if (nd_buf_error(&c->out) < 0) {
		c->closing = true;
		return;
	}
	nd_xdr_u32_at(&c->out, start, (uint32_t)(c->out.len - start));
	flush(d, c);
}

static const char *err_prefix(int code)
{
	switch (code) {
	case VIRT_ERR_NO_NETWORK: return "Network not found: ";
	case VIRT_ERR_NO_NETWORK_PORT: return "network port not found: ";
	case VIRT_ERR_OPERATION_DENIED: return "operation forbidden: ";
	case VIRT_ERR_OPERATION_INVALID: return "Requested operation is not valid: ";
	case VIRT_ERR_OPERATION_FAILED: return "operation failed: ";
	case VIRT_ERR_INVALID_ARG: return "invalid argument: ";
	case VIRT_ERR_NO_SUPPORT: return "this function is not supported by the connection driver: ";
	case VIRT_ERR_OPERATION_UNSUPPORTED: return "Operation not supported: ";
	case VIRT_ERR_RPC:
	case VIRT_ERR_XML_DETAIL: return "";
	default: return "internal error: ";
	}
}

int netd_virt_error(struct netd_virt_call *k, int code, const char *fmt, ...)
{
	struct nd_buf b = { 0 }, msg = { 0 };
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	nd_buf_printf(&msg, "%s%s", err_prefix(code), text);
	/* remote_error */
	nd_xdr_i32(&b, code);
	nd_xdr_i32(&b, code == VIRT_ERR_RPC ? VIRT_FROM_RPC : VIRT_FROM_NETWORK);
	nd_xdr_string_opt(&b, msg.data ? msg.data : "");
	nd_xdr_i32(&b, 2); /* VIR_ERR_ERROR */
	nd_xdr_u32(&b, 0); /* dom */
	nd_xdr_string_opt(&b, NULL);
	nd_xdr_string_opt(&b, NULL);
	nd_xdr_string_opt(&b, NULL);
	nd_xdr_i32(&b, 0);
	nd_xdr_i32(&b, 0);
	nd_xdr_u32(&b, 0); /* net */
	netd_virt_send(k->d, k->c, NETD_VIRT_PROGRAM, k->proc, NETD_VIRT_REPLY, k->serial, NETD_VIRT_ERROR, &b);
	nd_buf_free(&b);
	nd_buf_free(&msg);
	return -1;
}

int netd_virt_error_from(struct netd_virt_call *k, json_object *reply)
{
	json_object *e, *v;
	const char *msg = "failed";
	int code = VIRT_ERR_OPERATION_FAILED;

	if (!json_object_object_get_ex(reply, "error", &e))
		return netd_virt_error(k, VIRT_ERR_INTERNAL_ERROR, "no reply");
	if (json_object_object_get_ex(e, "message", &v))
		msg = json_object_get_string(v);
	if (json_object_object_get_ex(e, "code", &v) && json_object_get_int(v) == NETD_RPC_DENIED)
		code = VIRT_ERR_OPERATION_DENIED;
	else if (json_object_object_get_ex(e, "errno", &v) && json_object_get_int(v) == EOPNOTSUPP)
		code = VIRT_ERR_OPERATION_UNSUPPORTED;
	else if (strstr(msg, "is not active") || strstr(msg, "is active") || strstr(msg, "is not running") ||
		 strstr(msg, "is already"))
		code = VIRT_ERR_OPERATION_INVALID;
	else if (strstr(msg, "not found"))
		code = VIRT_ERR_NO_NETWORK;
	return netd_virt_error(k, code, "%s", msg);
}

/* a deferred reply (netd_control_complete) or an event for the connection behind shadow */
static int deliver(struct netd *d, struct netd_client *shadow, json_object *msg, const int *fds, size_t n_fds)
{
	struct netd_virt_conn *c = shadow->owner;
	json_object *id;
	uint32_t serial;

	for (size_t i = 0; i < n_fds; i++)
		close(fds[i]);
	if (!json_object_object_get_ex(msg, "id", &id) || !id)
		return 0;
	serial = (uint32_t)json_object_get_int64(id);
	for (struct netd_virt_deferred **pp = &c->deferred; *pp; pp = &(*pp)->next) {
		struct netd_virt_deferred *x = *pp;
		struct nd_buf ret = { 0 };
		struct netd_virt_call k = { .d = d, .c = c, .serial = serial, .proc = x->proc, .ret = &ret };

		if (x->serial != serial)
			continue;
		*pp = x->next;
		free(x);
		if (netd_virt_finish(&k, msg) == 0)
			netd_virt_send(d, c, NETD_VIRT_PROGRAM, k.proc, NETD_VIRT_REPLY, serial, NETD_VIRT_OK, &ret);
		nd_buf_free(&ret);
		break;
	}
	return 0;
}

json_object *netd_virt_method(struct netd_virt_call *k, const char *method, json_object *params)
{
	struct netd_caller who = { .cred = k->c->cred, .admin = k->c->admin && !k->c->readonly };
	json_object *id = json_object_new_int64(k->serial), *reply;
	int fds[NETD_MAX_FDS];
	size_t n_fds = 0;

	reply = netd_methods_call(k->d, &k->c->shadow, &who, method, params, id, fds, &n_fds);
	for (size_t i = 0; i < n_fds; i++)
		close(fds[i]); /* a TAP's fds go to nobody here: the port is persistent */
	json_object_put(params);
	json_object_put(id);
	if (reply == NETD_REPLY_DEFERRED) {
		struct netd_virt_deferred *x = calloc(1, sizeof(*x));

		if (x) {
			x->serial = k->serial;
			x->proc = k->proc;
			x->next = k->c->deferred;
			k->c->deferred = x;
		}
	}
	return reply;
}

static unsigned conns_of(struct netd *d, uid_t uid)
{
	unsigned n = 0;

	for (struct netd_virt_conn *c = d->virt_conns; c; c = c->next)
		n += c->cred.uid == uid;
	return n;
}

/* out of fds: the reserve fd makes room to take the connection and close it
 * (else the listener stays readable and the loop spins) */
static void shed_one(struct netd *d, int listen_fd)
{
	int fd;

	if (d->reserve_fd >= 0) {
		close(d->reserve_fd);
		d->reserve_fd = -1;
	}
	if ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(fd);
	d->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
}

void netd_virt_accept(struct netd *d, bool readonly)
{
	int lfd = readonly ? d->virt_ro_fd : d->virt_fd;

	for (int i = 0; i < 64; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		struct netd_virt_conn *c;
		struct ucred cred = { .uid = (uid_t)-1 };
		socklen_t len = sizeof(cred);
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE)
				shed_one(d, lfd);
			return;
		}
		getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
		/* the control socket's rule: an unprivileged user holds a bounded number of connections */
		if (cred.uid != 0 && conns_of(d, cred.uid) >= d->opts.max_clients_per_user) {
			close(fd);
			continue;
		}
		if (!(c = calloc(1, sizeof(*c)))) {
			close(fd);
			continue;
		}
		c->cred = cred;
		c->fd = fd;
		c->readonly = readonly;
		c->admin = !readonly && (c->cred.uid == 0 || netd_control_in_admin_group(d, &c->cred));
		c->shadow.fd = -1;
		c->shadow.deliver = deliver;
		c->shadow.owner = c;
		c->ev.kind = NETD_EV_VIRT_CONN;
		c->ev.ptr = c;
		ev.data.ptr = &c->ev;
		if (epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			free(c);
			continue;
		}
		c->next = d->virt_conns;
		d->virt_conns = c;
	}
}

/* the connection procedures (remote_protocol.x numbers) */
enum {
	PROC_CONNECT_OPEN = 1,
	PROC_CONNECT_CLOSE = 2,
	PROC_CONNECT_GET_TYPE = 3,
	PROC_CONNECT_GET_VERSION = 4,
	PROC_CONNECT_GET_HOSTNAME = 59,
	PROC_CONNECT_SUPPORTS_FEATURE = 60,
	PROC_AUTH_LIST = 66,
	PROC_CONNECT_GET_URI = 110,
	PROC_CONNECT_IS_SECURE = 149,
	PROC_CONNECT_GET_LIB_VERSION = 157,
	PROC_CONNECT_REGISTER_CLOSE_CALLBACK = 360,
	PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK = 361,
	PROC_CONNECT_SET_IDENTITY = 419,
};

/* 1: handled here (reply in k->ret); 0: not a connection procedure */
static int connection_proc(struct netd_virt_call *k)
{
	char host[256] = "localhost";
	int feature;

	switch (k->proc) {
	case PROC_AUTH_LIST: /* no authentication: the socket's permissions and credentials decide */
		nd_xdr_u32(k->ret, 1);
		nd_xdr_i32(k->ret, 0);
		return 1;
	case PROC_CONNECT_SUPPORTS_FEATURE:
		/* keepalive (10), event and close callbacks (14, 15), net-update's argument order (16) */
		feature = nd_xdr_get_i32(&k->args);
		nd_xdr_i32(k->ret, feature == 10 || feature == 14 || feature == 15 || feature == 16);
		return 1;
	case PROC_CONNECT_OPEN:
	case PROC_CONNECT_CLOSE:
	case PROC_CONNECT_REGISTER_CLOSE_CALLBACK:
	case PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK:
	case PROC_CONNECT_SET_IDENTITY:
		return 1;
	case PROC_CONNECT_GET_TYPE:
		nd_xdr_string(k->ret, "network");
		return 1;
	case PROC_CONNECT_GET_VERSION:
	case PROC_CONNECT_GET_LIB_VERSION:
		nd_xdr_u64(k->ret, 9000000); /* the libvirt API netd speaks: 9.0.0 */
		return 1;
	case PROC_CONNECT_GET_HOSTNAME:
		gethostname(host, sizeof(host) - 1);
		nd_xdr_string(k->ret, host);
		return 1;
	case PROC_CONNECT_GET_URI:
		nd_xdr_string(k->ret, "network:///system");
		return 1;
	case PROC_CONNECT_IS_SECURE:
		nd_xdr_i32(k->ret, 1); /* a local socket */
		return 1;
	default:
		return 0;
	}
}

static void handle(struct netd *d, struct netd_virt_conn *c, const uint8_t *msg, size_t len)
{
	struct nd_xdr_in in = { .p = msg, .len = len };
	struct nd_buf ret = { 0 };
	uint32_t prog = nd_xdr_get_u32(&in), vers = nd_xdr_get_u32(&in);
	int proc = nd_xdr_get_i32(&in), type = nd_xdr_get_i32(&in);
	uint32_t serial = nd_xdr_get_u32(&in);
	struct netd_virt_call k = { .d = d, .c = c, .serial = serial, .proc = proc, .ret = &ret };
	int r;

	nd_xdr_get_i32(&in); /* status */
	if (in.bad)
		return;
	if (prog == NETD_VIRT_KEEPALIVE) {
		if (proc == KEEPALIVE_PING)
			netd_virt_send(d, c, NETD_VIRT_KEEPALIVE, KEEPALIVE_PONG, NETD_VIRT_MESSAGE, 0, NETD_VIRT_OK, NULL);
		return;
	}
	if (type != NETD_VIRT_CALL)
		return;
	k.args = (struct nd_xdr_in){ .p = msg + in.off, .len = len - in.off };
	if (prog != NETD_VIRT_PROGRAM || vers != 1) {
		netd_virt_error(&k, VIRT_ERR_RPC, "cannot find program %u version %u", prog, vers);
		return;
	}
	if (connection_proc(&k))
		r = 0;
	else
		r = netd_virt_dispatch(&k);
	if (r == 0)
		netd_virt_send(d, c, NETD_VIRT_PROGRAM, proc, NETD_VIRT_REPLY, serial, NETD_VIRT_OK, &ret);
	nd_buf_free(&ret);
}

static void read_some(struct netd *d, struct netd_virt_conn *c)
{
	size_t limit = (c->readonly ? NETD_VIRT_RO_MSG_MAX : NETD_VIRT_MSG_MAX) + 65536;

	for (int round = 0; round < 16 && !c->closing; round++) {
		uint32_t want;
		ssize_t k;

		if (c->in_cap - c->in_len < 65536 && c->in_cap < limit) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 65536;
			uint8_t *p;

			if (cap > limit)
				cap = limit;
			if (!(p = realloc(c->in, cap))) {
				c->closing = true;
				return;
			}
			c->in = p;
			c->in_cap = cap;
		}
		if (c->in_len == c->in_cap) { /* full, and no whole message in it */
			c->closing = true;
			return;
		}
		k = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
		if (k < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (k <= 0) {
			c->closing = true;
			return;
		}
		c->in_len += (size_t)k;
		/* every whole message in the buffer */
		while (c->in_len >= 4 && !c->closing) {
			want = (uint32_t)c->in[0] << 24 | (uint32_t)c->in[1] << 16 | (uint32_t)c->in[2] << 8 | c->in[3];
			/* a read-only connection can only ask: its calls are small */
			if (want < 28 || want > (c->readonly ? NETD_VIRT_RO_MSG_MAX : NETD_VIRT_MSG_MAX)) {
				netd_log(NETD_LOG_WARN, NULL, "libvirt client uid %d: message of %u bytes: closed",
					 (int)c->cred.uid, want);
				c->closing = true;
				return;
			}
			if (c->in_len < want)
				break;
			handle(d, c, c->in + 4, want - 4);
			memmove(c->in, c->in + want, c->in_len - want);
			c->in_len -= want;
		}
	}
}

void netd_virt_ready(struct netd *d, struct netd_virt_conn *c, uint32_t events)
{
	if (events & EPOLLOUT)
		flush(d, c);
	if (!c->closing && (events & EPOLLIN))
		read_some(d, c);
	if (!c->closing && (events & (EPOLLHUP | EPOLLERR)) && !(events & EPOLLIN))
		c->closing = true;
	if (c->closing)
		conn_close(d, c);
}

void netd_virt_event(struct netd *d, const char *net, const char *event)
{
	static const char *const names[] = { "defined", "undefined", "started", "stopped" };
	struct netd_net *n = netd_net_lookup(d, net);
	int code = -1;

	for (int i = 0; i < 4; i++)
		if (strcmp(event, names[i]) == 0)
			code = i;
	if (code < 0)
		return;
	for (struct netd_virt_conn *c = d->virt_conns; c; c = c->next) {
		for (unsigned i = 0; i < c->n_cbs; i++) {
			struct nd_buf b = { 0 };
			uint8_t uuid[16] = { 0 };

			if (c->cbs[i].net[0] && strcmp(c->cbs[i].net, net) != 0)
				continue;
			if (n)
				memcpy(uuid, n->uuid, 16);
			/* remote_network_event_lifecycle_msg */
			nd_xdr_i32(&b, c->cbs[i].id);
			nd_xdr_string(&b, net);
			nd_xdr_opaque(&b, uuid, 16);
			nd_xdr_i32(&b, code);
			nd_xdr_i32(&b, 0);
			netd_virt_send(d, c, NETD_VIRT_PROGRAM, 315, NETD_VIRT_MESSAGE, 0, NETD_VIRT_OK, &b);
			nd_buf_free(&b);
		}
	}
}
