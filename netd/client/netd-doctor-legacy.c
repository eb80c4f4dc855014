/*
 * iptables-legacy next to nftables: the legacy filter table's FORWARD chain
 * also sees the guests' traffic. Read with IPT_SO_GET_INFO/GET_ENTRIES, only
 * when /proc/net/ip_tables_names shows the table loaded (never loads it).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>

#include "netd/client/netd-doctor.h"

static bool table_loaded(const char *names_file, const char *table)
{
	FILE *f = fopen(names_file, "re");
	char line[64];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strcmp(strtok(line, "\n") ? line : "", table) == 0;
	if (f)
		fclose(f);
	return found;
}

int netd_doctor_legacy_forward(int *ret_rules, bool *ret_drop)
{
	struct ipt_getinfo info = { .name = "filter" };
	struct ipt_get_entries *entries;
	socklen_t len = sizeof(info);
	int fd, r = 0;

	*ret_rules = 0;
	*ret_drop = false;
	if (!table_loaded("/proc/net/ip_tables_names", "filter"))
		return 0;
	fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	/* a filter table holds its 3 policies and the final error entry beyond its rules */
	*ret_rules = info.num_entries > 4 ? (int)info.num_entries - 4 : 0;
	len = (socklen_t)(sizeof(*entries) + info.size);
	entries = calloc(1, len);
	if (!entries) {
		close(fd);
		return -ENOMEM;
	}
	strcpy(entries->name, "filter");
	entries->size = info.size;
	if (getsockopt(fd, IPPROTO_IP, IPT_SO_GET_ENTRIES, entries, &len) == 0 &&
	    info.underflow[NF_INET_FORWARD] + sizeof(struct ipt_entry) <= info.size) {
		const struct ipt_entry *e = (const void *)((const char *)entries->entrytable + info.underflow[NF_INET_FORWARD]);
		const struct xt_standard_target *t = (const void *)((const char *)e + e->target_offset);

		if ((char *)t + sizeof(*t) <= (char *)entries->entrytable + info.size && strcmp(t->target.u.user.name, "") == 0)
			*ret_drop = t->verdict == -NF_DROP - 1;
	} else {
		r = -errno;
	}
	free(entries);
	close(fd);
	return r < 0 ? r : 1;
}
