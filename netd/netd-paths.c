#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "common/nd-file.h"
#include "netd/netd.h"

long long netd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int netd_path(const struct netd *d, enum netd_path kind, const char *name, char *buf, size_t len)
{
	const char *dir, *sub, *ext;
	int n;

	switch (kind) {
	case NETD_PATH_CONFIG_XML: dir = d->opts.config_dir; sub = "networks"; ext = ".xml"; break;
	case NETD_PATH_AUTOSTART: dir = d->opts.config_dir; sub = "networks/autostart"; ext = ".xml"; break;
	case NETD_PATH_RUN_XML: dir = d->opts.run_dir; sub = "networks"; ext = ".xml"; break;
	case NETD_PATH_RUN_STATUS: dir = d->opts.run_dir; sub = "networks"; ext = ".status"; break;
	case NETD_PATH_DNSMASQ_CONF: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".conf"; break;
	case NETD_PATH_DNSMASQ_HOSTS: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".hostsfile"; break;
	case NETD_PATH_DNSMASQ_ADDN: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".addnhosts"; break;
	case NETD_PATH_DNSMASQ_SERVERS: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".servers"; break;
	case NETD_PATH_DNSMASQ_LOG: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".log"; break;
	case NETD_PATH_LEASES: dir = d->opts.state_dir; sub = "dnsmasq"; ext = ".leases"; break;
	case NETD_PATH_PORT: dir = d->opts.run_dir; sub = "ports"; ext = ".json"; break;
	default: return -EINVAL;
	}
	/* name is validated by netdef_name_is_safe: no '/', no leading '.' */
	n = snprintf(buf, len, "%s/%s/%s%s", dir, sub, name, ext);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int netd_dirs_create(const struct netd *d, struct nd_err *err)
{
	static const struct {
		int which;
		const char *sub;
		mode_t mode;
	} dirs[] = {
		{ 0, "networks/autostart", 0755 }, { 1, "networks", 0755 }, { 1, "dnsmasq", 0755 }, { 1, "ports", 0755 },
		{ 2, "dnsmasq", 0755 },
	};
	char buf[4096];
	int r;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		const char *base = dirs[i].which == 0 ? d->opts.config_dir :
				   dirs[i].which == 1 ? d->opts.run_dir : d->opts.state_dir;

		snprintf(buf, sizeof(buf), "%s/%s", base, dirs[i].sub);
		if ((r = nd_mkdir_p(buf, dirs[i].mode, err)) < 0)
			return r;
	}
	return 0;
}
