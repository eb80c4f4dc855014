/*
 * libFuzzer: every value that reaches dnsmasq's files. A definition the one
 * rule (dhcp_def_check) lets through must render into files whose lines are
 * what netd meant: as many lines as it wrote (no newline smuggled in), and
 * hostsfile lines with no more fields than a host has.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dhcp.h"
#include "xml/netdef.h"

static size_t count(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == c;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_paths paths = { "/r/f.conf", "/r/f.hosts", "/r/f.addn", "/s/f.leases", NULL };
	struct netdef *def = NULL;
	char *conf = NULL, *hosts = NULL;

	if (netdef_parse_string((const char *)data, size, "fuzz", &def, NULL) == 0 && dhcp_def_check(def, NULL) == 0 &&
	    dhcp_conf_render(def, "b0", &paths, &conf, NULL) == 0 && dhcp_hosts_render(def, &hosts, NULL) == 0) {
		size_t hosts_n = 0;

		for (size_t i = 0; i < def->n_ips; i++)
			hosts_n += def->ips[i].n_hosts;
		if (count(hosts, '\n') > hosts_n)
			abort(); /* a value made a line of its own */
		for (char *line = hosts; *line;) {
			char *end = strchr(line, '\n');

			if (end)
				*end = '\0';
			if (count(line, ',') > 4) /* mac|id, ip, name, lease */
				abort();
			if (!end)
				break;
			line = end + 1;
		}
		if (strstr(conf, "\ndhcp-script") && !def->n_dnsmasq_options)
			abort();
	}
	free(conf);
	free(hosts);
	netdef_free(def);
	return 0;
}
