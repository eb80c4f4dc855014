#pragma once
/* Helpers for method handlers: parameters, replies. */
#include <json-c/json.h>
#include <stdbool.h>

#include "netd/daemon/netd-control.h"
#include "netd/daemon/netd-net.h"

struct call {
	struct netd *d;
	struct netd_client *c;
	struct ucred cred;   /* who sent this request, when it was sent */
	bool admin;
	bool root;
	json_object *params, *id;
	struct netd_net *net; /* the network the call named: one reference until the call ends */
	int *reply_fds;      /* fds that ride with the reply (NETD_MAX_FDS) */
	size_t n_reply_fds;
};

json_object *rpc_ok(struct call *k, json_object *result);
json_object *rpc_failed(struct call *k, const struct nd_err *err);
/* The parameter helpers set *reply only when it is still NULL: a request with
 * several bad parameters gets the first error, and nothing leaks. */
/* a string parameter; NULL (and *reply set when required or mistyped) otherwise */
const char *rpc_param_str(struct call *k, const char *key, bool required, json_object **reply);
/* a boolean parameter or dflt; -1 (and *reply set) when mistyped */
int rpc_param_bool(struct call *k, const char *key, bool dflt, json_object **reply);
/* an integer parameter in min..max or dflt; -1 (and *reply set) otherwise */
long long rpc_param_int(struct call *k, const char *key, long long dflt, long long min, long long max,
			json_object **reply);

/* -- netd-ports.c -- */
json_object *m_port_create(struct call *k);
json_object *m_port_list(struct call *k);
json_object *m_port_delete(struct call *k);
json_object *m_port_bandwidth(struct call *k);
