/* libFuzzer: the control protocol's request decoder. */
#include <stdint.h>

#include "netd/daemon/netd-request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netd_request req;
	char msg[256];
	int code;

	if (netd_request_decode((const char *)data, size, &req, &code, msg, sizeof(msg)) == 0 && !req.method)
		__builtin_trap();
	netd_request_free(&req);
	return 0;
}
