/*
 * nd-call: the tests' raw client of netd's protocol, on the one client library.
 *   nd-call [--socket S] [--repeat N] [--setuid UID] [--pad BYTES] [--hold N --seconds S]
 *           METHOD [PARAMS-JSON]
 * Prints each reply's result as JSON (exit 0) or the error (exit 1).
 * --setuid drops to UID after connecting, as a process that was handed an
 * open connection would be; --pad adds a "pad" parameter of that many bytes
 * (large requests); --hold opens N connections and keeps them for S seconds.
 */
#include <errno.h>
#include <grp.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netd/lib/netd-client.h"

int main(int argc, char **argv)
{
	const char *sock = getenv("NETD_SOCKET"), *method = NULL, *params_s = NULL;
	long repeat = 1, uid = -1, pad = 0, hold = 0, seconds = 5;
	struct netd_conn *c = NULL;
	struct nd_err err = { 0 };
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--socket") && i + 1 < argc)
			sock = argv[++i];
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atol(argv[++i]);
		else if (!strcmp(argv[i], "--setuid") && i + 1 < argc)
			uid = atol(argv[++i]);
		else if (!strcmp(argv[i], "--pad") && i + 1 < argc)
			pad = atol(argv[++i]);
		else if (!strcmp(argv[i], "--hold") && i + 1 < argc)
			hold = atol(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atol(argv[++i]);
		else if (!method)
			method = argv[i];
		else if (!params_s)
			params_s = argv[i];
		else {
			fprintf(stderr, "nd-call: unexpected '%s'\n", argv[i]);
			return 2;
		}
	}
	if (hold > 0) {
		long opened = 0;

		for (long i = 0; i < hold; i++) {
			struct netd_conn *h = NULL;

			if (netd_conn_open(sock, 0, &h, &err) == 0)
				opened++; /* kept open until exit */
		}
		printf("%ld\n", opened);
		fflush(stdout);
		sleep((unsigned)seconds);
		return 0;
	}
	if (!method) {
		fprintf(stderr, "usage: nd-call [options] METHOD [PARAMS-JSON]\n");
		return 2;
	}
	if (netd_conn_open(sock, 0, &c, &err) < 0) {
		fprintf(stderr, "nd-call: %s\n", err.msg);
		return 1;
	}
	if (uid >= 0 && (setgroups(0, NULL), setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) < 0 ||
			 setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0)) {
		perror("nd-call: setuid");
		return 2;
	}
	for (long i = 0; i < repeat; i++) {
		json_object *params = params_s ? json_tokener_parse(params_s) : json_object_new_object(), *reply = NULL,
			    *res;

		if (!params) {
			fprintf(stderr, "nd-call: params are not JSON\n");
			return 2;
		}
		if (pad > 0) {
			char *p = malloc((size_t)pad + 1);

			memset(p, 'x', (size_t)pad);
			p[pad] = '\0';
			json_object_object_add(params, "pad", json_object_new_string(p));
			free(p);
		}
		memset(&err, 0, sizeof(err));
		res = netd_call(c, method, params, &reply, NULL, 0, NULL, &err);
		if (!res) {
			fprintf(stderr, "error: %s\n", err.msg);
			rc = 1;
		} else if (repeat == 1) {
			printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PLAIN));
		}
		json_object_put(reply);
	}
	netd_conn_close(c);
	return rc;
}
