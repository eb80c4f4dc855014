#pragma once
/* Decoding one control-protocol request (pure: bytes in, request or error out). */
#include <json-c/json.h>
#include <stddef.h>

struct netd_request {
	json_object *root;   /* owns the rest */
	const char *method;
	json_object *params; /* NULL when absent */
	json_object *id;     /* NULL when absent */
};

/*
 * 0 and *ret filled, or a negative value with *ret_code set to the JSON-RPC
 * error code and msg to the reason (ret->id is still set when it was readable).
 */
int netd_request_decode(const char *buf, size_t len, struct netd_request *ret, int *ret_code, char *msg,
			size_t msglen);
void netd_request_free(struct netd_request *r);
