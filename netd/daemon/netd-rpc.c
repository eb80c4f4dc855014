/* Helpers for method handlers. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>

#include "netd/daemon/netd-rpc.h"

/* the first error of a request is its reply; later ones are dropped */
static void set_reply(json_object **reply, json_object *e)
{
	if (*reply)
		json_object_put(e);
	else
		*reply = e;
}

json_object *rpc_ok(struct call *k, json_object *result)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	json_object_object_add(o, "id", k->id ? json_object_get(k->id) : NULL);
	json_object_object_add(o, "result", result ? result : json_object_new_object());
	return o;
}

json_object *rpc_failed(struct call *k, const struct nd_err *err)
{
	char text[768];
	json_object *o = netd_reply_error(k->id, NETD_RPC_FAILED, "%s", netd_err_reply_text(err, text, sizeof(text)));
	json_object *e;

	if (json_object_object_get_ex(o, "error", &e))
		json_object_object_add(e, "errno", json_object_new_int(err->code < 0 ? -err->code : err->code));
	return o;
}

const char *rpc_param_str(struct call *k, const char *key, bool required, json_object **reply)
{
	json_object *v;

	if (!k->params || !json_object_object_get_ex(k->params, key, &v)) {
		if (required)
			set_reply(reply, netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS, "missing parameter '%s'", key));
		return NULL;
	}
	if (!json_object_is_type(v, json_type_string)) {
		set_reply(reply, netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS, "parameter '%s' must be a string", key));
		return NULL;
	}
	return json_object_get_string(v);
}

int rpc_param_bool(struct call *k, const char *key, bool dflt, json_object **reply)
{
	json_object *v;

	if (!k->params || !json_object_object_get_ex(k->params, key, &v))
		return dflt;
	if (!json_object_is_type(v, json_type_boolean)) {
		set_reply(reply, netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS, "parameter '%s' must be true or false", key));
		return -1;
	}
	return json_object_get_boolean(v);
}

long long rpc_param_int(struct call *k, const char *key, long long dflt, long long min, long long max,
			json_object **reply)
{
	json_object *v;
	long long x;

	if (!k->params || !json_object_object_get_ex(k->params, key, &v))
		return dflt;
	if (!json_object_is_type(v, json_type_int)) {
		set_reply(reply, netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS, "parameter '%s' must be an integer", key));
		return -1;
	}
	x = json_object_get_int64(v);
	if (x < min || x > max) {
		set_reply(reply, netd_reply_error(k->id, NETD_RPC_INVALID_PARAMS, "parameter '%s' must be %lld..%lld", key,
					  min, max));
		return -1;
	}
	return x;
}
