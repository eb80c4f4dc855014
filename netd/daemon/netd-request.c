#include "netd/daemon/netd-request.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netd/daemon/netd-control.h"

#define DEPTH_MAX 32 /* requests are flat objects: deep nesting is refused */

int netd_request_decode(const char *buf, size_t len, struct netd_request *ret, int *ret_code, char *msg,
			size_t msglen)
{
	json_tokener *tok = json_tokener_new_ex(DEPTH_MAX);
	json_object *method;

	memset(ret, 0, sizeof(*ret));
	if (!tok) {
		*ret_code = NETD_RPC_FAILED;
		snprintf(msg, msglen, "out of memory");
		return -ENOMEM;
	}
	ret->root = json_tokener_parse_ex(tok, buf, (int)len);
	if (!ret->root || json_tokener_get_error(tok) != json_tokener_success || (size_t)tok->char_offset != len) {
		*ret_code = NETD_RPC_PARSE_ERROR;
		snprintf(msg, msglen, "malformed JSON at byte %d", tok->char_offset);
		json_tokener_free(tok);
		json_object_put(ret->root);
		ret->root = NULL;
		return -EINVAL;
	}
	json_tokener_free(tok);
	if (!json_object_is_type(ret->root, json_type_object)) {
		*ret_code = NETD_RPC_INVALID_REQUEST;
		snprintf(msg, msglen, "a request is a JSON object");
		return -EINVAL;
	}
	json_object_object_get_ex(ret->root, "id", &ret->id);
	if (!json_object_object_get_ex(ret->root, "method", &method) || !json_object_is_type(method, json_type_string)) {
		*ret_code = NETD_RPC_INVALID_REQUEST;
		snprintf(msg, msglen, "'method' must be a string");
		return -EINVAL;
	}
	ret->method = json_object_get_string(method);
	if (json_object_object_get_ex(ret->root, "params", &ret->params) &&
	    !json_object_is_type(ret->params, json_type_object)) {
		*ret_code = NETD_RPC_INVALID_PARAMS;
		snprintf(msg, msglen, "'params' must be an object");
		return -EINVAL;
	}
	return 0;
}

void netd_request_free(struct netd_request *r)
{
	json_object_put(r->root);
	memset(r, 0, sizeof(*r));
}
