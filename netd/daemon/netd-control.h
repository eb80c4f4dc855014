#pragma once
/* The control protocol's server side: clients and replies (docs/protocol.md). */
#include <json-c/json.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "netd/daemon/netd-daemon.h"
#include "netd/lib/netd-proto.h"

#define NETD_MAX_FDS NETD_PROTO_MAX_FDS
#define NETD_CLIENT_QUEUE_MAX (64u << 20) /* replies a client has not read: past this it is dropped */

/* JSON-RPC 2.0 error codes; operation failures use NETD_RPC_FAILED with "errno" */
enum {
	NETD_RPC_PARSE_ERROR = -32700,
	NETD_RPC_INVALID_REQUEST = -32600,
	NETD_RPC_METHOD_NOT_FOUND = -32601,
	NETD_RPC_INVALID_PARAMS = -32602,
	NETD_RPC_FAILED = -32000,
	NETD_RPC_DENIED = -32001,
};

struct netd_client {
	struct netd_client *next;
	int fd;
	uid_t uid;          /* at connect time: for the per-user cap and for ordering, never for authority */
	bool privileged;    /* uid 0 at connect: served first in each round */
	bool closing;
	bool want_out;      /* EPOLLOUT is armed */
	struct netd_ev ev;
	struct netd_msgbuf in;
	struct netd_outq out;
	bool events;         /* net-event-register: lifecycle events are sent to it */
	char events_net[65]; /* of this network only; "" for all */
	/* set for a libvirt connection's stand-in (netd-virt.c): replies go here, not to fd */
	int (*deliver)(struct netd *d, struct netd_client *c, json_object *msg, const int *fds, size_t n_fds);
	void *owner;
};

/* the sender of one message, as the kernel saw it when it was sent */
struct netd_caller {
	struct ucred cred; /* uid (uid_t)-1 when the message carried none */
	bool admin;        /* may change things: decided for this message */
};

/* a request whose reply waits for a job (ovs-vsctl): the client may be gone by then */
struct netd_pending {
	struct netd_pending *next;
	struct netd_client *c; /* NULL once the client has closed */
	json_object *id;
};
/* what a method returns when it has deferred its reply */
extern char netd_reply_deferred_tag;
#define NETD_REPLY_DEFERRED ((json_object *)(void *)&netd_reply_deferred_tag)
struct netd_pending *netd_control_defer(struct netd *d, struct netd_client *c, json_object *id);
/* sends the deferred reply (taking result, or an error when err is set) with fds; frees p */
void netd_control_complete(struct netd *d, struct netd_pending *p, json_object *result, const struct nd_err *err,
			   const int *fds, size_t n_fds);

/* an error as a reply says it: "where: msg", where left out when msg names it already */
const char *netd_err_reply_text(const struct nd_err *err, char *buf, unsigned len);

/* a network's lifecycle event ("defined", "undefined", "started", "stopped") to every client that registered */
void netd_event(struct netd *d, const char *net, const char *event);

/* queues msg (with fds, which it takes) on the client's output */
int netd_control_queue(struct netd *d, struct netd_client *c, json_object *msg, const int *fds, size_t n_fds);
json_object *netd_reply_error(json_object *id, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int netd_control_listen(struct netd *d, struct nd_err *err);
/* the admin group among the process's groups now (/proc/PID/status), or its primary group */
bool netd_control_in_admin_group(struct netd *d, const struct ucred *cred);
void netd_control_accept(struct netd *d);
/* a batch of ready clients: privileged ones first, one message each per round */
void netd_control_clients_ready(struct netd *d, struct netd_client **ready, const uint32_t *events, size_t n);
/* closes the clients marked 'closing' outside their own event (a deferred reply that failed) */
void netd_control_close_marked(struct netd *d);
/* closes every connection (ports are not connections: they stay) */
void netd_control_close_all(struct netd *d);

/* -- netd-methods.c -- */
json_object *netd_methods_call(struct netd *d, struct netd_client *c, const struct netd_caller *who,
			       const char *method, json_object *params, json_object *id, int *reply_fds,
			       size_t *n_reply_fds);
