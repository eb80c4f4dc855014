/* libFuzzer: dnsmasq's lease file reader (the file is written by another process). */
#include <stdint.h>
#include <stdlib.h>

#include "dhcp/dhcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_lease *leases = NULL;
	size_t n = 0;

	if (dhcp_leases_parse((const char *)data, size, &leases, &n, NULL, NULL, NULL) == 0)
		for (size_t i = 0; i < n; i++)
			if (leases[i].mac[sizeof(leases[i].mac) - 1] || leases[i].ip[sizeof(leases[i].ip) - 1])
				abort(); /* fields must stay NUL-terminated */
	free(leases);
	return 0;
}
