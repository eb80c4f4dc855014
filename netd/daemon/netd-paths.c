/* Where netd keeps things, and whether those places are safe to keep them in. */
#include "netd/daemon/netd-daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/nd-file.h"

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
	case NETD_PATH_RUN_RECORD: dir = d->opts.run_dir; sub = "networks"; ext = ".json"; break;
	case NETD_PATH_RUN_XML: dir = d->opts.run_dir; sub = "networks"; ext = ".xml"; break;
	case NETD_PATH_RUN_STATUS: dir = d->opts.run_dir; sub = "networks"; ext = ".status"; break;
	case NETD_PATH_DNSMASQ_CONF: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".conf"; break;
	case NETD_PATH_DNSMASQ_HOSTS: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".hostsfile"; break;
	case NETD_PATH_DNSMASQ_ADDN: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".addnhosts"; break;
	case NETD_PATH_DNSMASQ_SERVERS: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".servers"; break;
	case NETD_PATH_DNSMASQ_LOG: dir = d->opts.run_dir; sub = "dnsmasq"; ext = ".log"; break;
	case NETD_PATH_LEASES: dir = d->opts.state_dir; sub = "dnsmasq"; ext = ".leases"; break;
	case NETD_PATH_PORT: dir = d->opts.run_dir; sub = "ports"; ext = ".json"; break;
	case NETD_PATH_PORT_CONFIG: dir = d->opts.config_dir; sub = "ports"; ext = ".json"; break;
	case NETD_PATH_FOREIGN: dir = d->opts.run_dir; sub = "foreign"; ext = ".list"; break;
	default: return -EINVAL;
	}
	/* name is validated by netdef_name_is_safe: no '/', no leading '.', so it
	 * never collides with a temp file (".NAME.tmp.PID", nd-file.c) */
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
		{ 0, "networks/autostart", 0755 }, { 0, "ports", 0755 }, { 1, "networks", 0755 },
		{ 1, "dnsmasq", 0755 },		   { 1, "ports", 0755 }, { 1, "foreign", 0755 },
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

/* dir and every parent up to /: owned by root or us, not writable by others
 * unless sticky (then what lies below must be ours, checked one level down) */
static int check_chain(const char *path, struct nd_err *err)
{
	char buf[PATH_MAX];
	uid_t me = geteuid();

	if (!realpath(path, buf))
		return nd_err_set(err, -errno, path, "cannot resolve: %s", strerror(errno));
	for (;;) {
		struct stat st;
		char *slash;

		if (lstat(buf[0] ? buf : "/", &st) < 0)
			return nd_err_set(err, -errno, buf, "cannot stat: %s", strerror(errno));
		if (st.st_uid != 0 && st.st_uid != me)
			return nd_err_set(err, -EPERM, buf[0] ? buf : "/",
					  "owned by uid %u, not by root: another user could replace what netd keeps there",
					  (unsigned)st.st_uid);
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
			return nd_err_set(err, -EPERM, buf[0] ? buf : "/",
					  "writable by group or others (mode %04o): another user could replace what "
					  "netd keeps there", (unsigned)(st.st_mode & 07777));
		if (!buf[0] || strcmp(buf, "/") == 0)
			return 0;
		slash = strrchr(buf, '/');
		if (slash == buf)
			buf[1] = '\0';
		else
			*slash = '\0';
	}
}

int netd_dirs_check_safe(const struct netd *d, struct nd_err *err)
{
	const char *dirs[] = { d->opts.config_dir, d->opts.run_dir, d->opts.state_dir };
	int r;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if ((r = check_chain(dirs[i], err)) < 0)
			return r;
	return 0;
}

int netd_dir_check_readable_by(const char *dir, uid_t uid, gid_t gid, struct nd_err *err)
{
	char buf[PATH_MAX];

	if (uid == 0)
		return 0;
	if (!realpath(dir, buf))
		return nd_err_set(err, -errno, dir, "cannot resolve: %s", strerror(errno));
	for (;;) {
		struct stat st;
		mode_t need;
		char *slash;

		if (stat(buf[0] ? buf : "/", &st) < 0)
			return nd_err_set(err, -errno, buf, "cannot stat: %s", strerror(errno));
		need = st.st_uid == uid ? S_IXUSR : st.st_gid == gid ? S_IXGRP : S_IXOTH;
		if (!(st.st_mode & need))
			return nd_err_set(err, -EACCES, buf[0] ? buf : "/",
					  "dnsmasq runs as uid %u and cannot enter this directory (mode %04o): "
					  "DNS and DHCP would fail; use a run dir it can reach",
					  (unsigned)uid, (unsigned)(st.st_mode & 07777));
		if (!buf[0] || strcmp(buf, "/") == 0)
			return 0;
		slash = strrchr(buf, '/');
		if (slash == buf)
			buf[1] = '\0';
		else
			*slash = '\0';
	}
}
