#pragma once
/* The control protocol's server side: clients and replies (docs/protocol.md). */
#include <json-c/json.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "netd/netd.h"

#define NETD_MAX_FDS 16

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
	struct ucred cred;
	bool admin;     /* may change things */
	bool closing;
	struct netd_ev ev;
	int reply_fds[NETD_MAX_FDS]; /* sent with the next reply, then closed */
	size_t n_reply_fds;
};

int netd_control_send(struct netd_client *c, json_object *msg, const int *fds, size_t n_fds);
/* sends msg with the client's pending reply fds, then closes those fds */
int netd_control_send_reply(struct netd_client *c, json_object *msg);
json_object *netd_reply_error(json_object *id, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* -- netd-methods.c -- */
json_object *netd_methods_call(struct netd *d, struct netd_client *c, const char *method,
			       json_object *params, json_object *id);
void netd_methods_client_gone(struct netd *d, struct netd_client *c);
