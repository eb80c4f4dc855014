#pragma once
/*
 * libvirt's RPC for the network subset (issue "Drop-in for libvirt's network
 * daemon"): virsh and libvirt's drivers talk to netd on libvirt's own
 * sockets (--libvirt-socket PATH, default /run/libvirt/virtnetworkd-sock, and
 * PATH-ro for read-only use). Every procedure works on the same objects as
 * netdctl's protocol: calls become netd method calls (netd-methods.c) with
 * the connection's credentials, their results are encoded as libvirt's
 * replies. netd-virt.c: sockets, framing, keepalive, the connection
 * handshake; netd-virt-procs.c: the network procedures.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "common/nd-buf.h"
#include "common/nd-err.h"
#include "common/nd-xdr.h"
#include "netd/daemon/netd-control.h"

#define NETD_VIRT_PROGRAM 0x20008086u
#define NETD_VIRT_KEEPALIVE 0x6b656570u
#define NETD_VIRT_MSG_MAX (8u << 20)    /* a call's size, header included */
#define NETD_VIRT_RO_MSG_MAX (64u << 10) /* on the read-only socket */

/* virNetMessageType, virNetMessageStatus */
enum { NETD_VIRT_CALL = 0, NETD_VIRT_REPLY = 1, NETD_VIRT_MESSAGE = 2 };
enum { NETD_VIRT_OK = 0, NETD_VIRT_ERROR = 1 };

/* libvirt's error codes and the network error domain (virterror.h) */
enum {
	VIRT_ERR_INTERNAL_ERROR = 1,
	VIRT_ERR_NO_SUPPORT = 3,
	VIRT_ERR_INVALID_ARG = 8,
	VIRT_ERR_OPERATION_FAILED = 9,
	VIRT_ERR_OPERATION_DENIED = 29,
	VIRT_ERR_XML_DETAIL = 35,
	VIRT_ERR_RPC = 39,
	VIRT_ERR_NO_NETWORK = 43,
	VIRT_ERR_OPERATION_INVALID = 55,
	VIRT_ERR_OPERATION_UNSUPPORTED = 84,
	VIRT_ERR_NO_NETWORK_PORT = 107,
};
#define VIRT_FROM_NETWORK 19
#define VIRT_FROM_RPC 7

/* a call whose reply waits for a job (an OVS network's start) */
struct netd_virt_deferred {
	struct netd_virt_deferred *next;
	uint32_t serial;
	int proc;
};

struct netd_virt_conn {
	struct netd_virt_conn *next;
	int fd;
	bool readonly; /* came in on the -ro socket */
	bool admin;    /* root or the admin group, on the read-write socket */
	bool closing, want_out;
	struct ucred cred; /* SO_PEERCRED at connect */
	struct netd_ev ev;
	uint8_t *in;
	size_t in_len, in_cap;
	struct nd_buf out;
	size_t out_off;
	/* what deferred replies and netd's events are delivered through */
	struct netd_client shadow;
	struct netd_virt_deferred *deferred;
	struct { int id; char net[65]; } cbs[16]; /* network event callbacks; net "" = all */
	unsigned n_cbs;
	int next_cb;
};

/* a call being served */
struct netd_virt_call {
	struct netd *d;
	struct netd_virt_conn *c;
	uint32_t serial;
	int proc;
	struct nd_xdr_in args;
	struct nd_buf *ret; /* the reply's payload */
};

int netd_virt_listen(struct netd *d, struct nd_err *err);
void netd_virt_accept(struct netd *d, bool readonly);
void netd_virt_ready(struct netd *d, struct netd_virt_conn *c, uint32_t events);
void netd_virt_close_all(struct netd *d);
/* a network's lifecycle event to the connections that registered for it */
void netd_virt_event(struct netd *d, const char *net, const char *event);

/* the reply of call k: an error (code, message as libvirt words it) */
int netd_virt_error(struct netd_virt_call *k, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* a netd method on the connection's behalf: its JSON reply, or NETD_REPLY_DEFERRED (then *deferred) */
json_object *netd_virt_method(struct netd_virt_call *k, const char *method, json_object *params);
/* a netd method's error reply as libvirt's error for call k */
int netd_virt_error_from(struct netd_virt_call *k, json_object *reply);
/* queues a whole message (header and payload) */
void netd_virt_send(struct netd *d, struct netd_virt_conn *c, uint32_t prog, int proc, int type, uint32_t serial,
		    int status, const struct nd_buf *payload);

/* -- netd-virt-errors.c: libvirt's wording -- */
/* 0 when xml is well-formed; else <0 after libvirt's parser error (first fatal error, its line, a pointer) */
int netd_virt_check_wellformed(struct netd_virt_call *k, const char *xml, const char *what);
/* net-update's refusal (reply) as libvirt's network driver words it; <0 */
int netd_virt_update_error(struct netd_virt_call *k, json_object *reply, const char *net, const char *section,
			   uint32_t command, const char *xml);

/* -- netd-virt-procs.c -- */
/* 0 with the reply's payload in k->ret; <0 after netd_virt_error; 1 when the reply was deferred */
int netd_virt_dispatch(struct netd_virt_call *k);
/* a deferred call's netd reply, encoded as the reply of proc into out; <0 after netd_virt_error */
int netd_virt_finish(struct netd_virt_call *k, json_object *reply);
