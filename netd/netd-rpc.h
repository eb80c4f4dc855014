#pragma once
/* Helpers for method handlers: parameters, replies. */
#include <json-c/json.h>
#include <stdbool.h>

#include "netd/netd-control.h"

struct call {
	struct netd *d;
	struct netd_client *c;
	json_object *params, *id;
};

json_object *rpc_ok(struct call *k, json_object *result);
json_object *rpc_failed(struct call *k, const struct nd_err *err);
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
