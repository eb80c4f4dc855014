#pragma once
/*
 * The one client library of netd's control protocol, used by netdctl,
 * netd-launch and the test tools: connect, call with a timeout, receive fds.
 */
#include <json-c/json.h>
#include <stddef.h>

#include "common/nd-err.h"

#define NETD_DEFAULT_SOCKET "/run/netd/netd.sock"
#define NETD_CLIENT_TIMEOUT_MS 60000 /* NETD_TIMEOUT=SECONDS overrides */

struct netd_conn;

/* timeout_ms <= 0: $NETD_TIMEOUT seconds, else NETD_CLIENT_TIMEOUT_MS */
int netd_conn_open(const char *path, int timeout_ms, struct netd_conn **ret, struct nd_err *err);
struct netd_conn *netd_conn_close(struct netd_conn *c);
int netd_conn_fd(const struct netd_conn *c);

/*
 * One request (params is taken; NULL for none). On success *ret_reply owns
 * the reply and the return value is its "result"; received fds go to fds
 * (at most max; more are closed). On failure NULL, with err holding the
 * daemon's message and errno (-EACCES for a denied call), or what went wrong.
 */
json_object *netd_call(struct netd_conn *c, const char *method, json_object *params, json_object **ret_reply,
		       int *fds, size_t max_fds, size_t *ret_n_fds, struct nd_err *err);
/* the next message the daemon sends (an event); -ETIMEDOUT after timeout_ms (<0: forever) */
int netd_conn_recv(struct netd_conn *c, int timeout_ms, json_object **ret_msg, struct nd_err *err);
