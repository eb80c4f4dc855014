/*
 * Where a network's dnsmasq logs (it runs with --log-facility=-: its stdout
 * and stderr are the log).
 *
 * With systemd's journal: a stream connection of its own to journald,
 * identifier dnsmasq@NETWORK (journalctl -t dnsmasq@default). The socket is
 * dnsmasq's and journald's, not netd's: the log keeps flowing while netd
 * restarts. (A pipe through netd would not: dnsmasq stops logging for good
 * once a write fails with EPIPE, seen with dnsmasq 2.90.)
 *
 * Without it: RUN_DIR/dnsmasq/NAME.log, opened O_APPEND. When it grows past
 * --dnsmasq-log-max it is copied to NAME.log.1 and truncated in place:
 * dnsmasq keeps its descriptor and writes on at the new end. Lines written
 * between the copy and the truncation are lost (logrotate's copytruncate has
 * the same gap).
 */
#include "netd/daemon/netd-dnsmasq-log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-net.h"

#define TRIM_EVERY_MS 5000

bool netd_dnsmasq_log_parse_size(const char *s, unsigned long long *ret)
{
	unsigned long long v, mult = 1;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (*end == 'K' || *end == 'k')
		mult = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mult = 1024ULL * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mult = 1024ULL * 1024 * 1024, end++;
	if (*end || v == 0 || v > (1ULL << 40) / mult)
		return false;
	*ret = v * mult;
	return true;
}

int netd_dnsmasq_log_init(struct netd *d, struct nd_err *err)
{
	const char *mode = d->opts.dnsmasq_log ? d->opts.dnsmasq_log : "auto";
	const char *sock = d->opts.journal_socket ? d->opts.journal_socket : NETD_JOURNAL_SOCKET;

	if (strcmp(mode, "journal") == 0)
		d->dnsmasq_log_journal = true;
	else if (strcmp(mode, "file") == 0)
		d->dnsmasq_log_journal = false;
	else if (strcmp(mode, "auto") == 0)
		d->dnsmasq_log_journal = access(sock, F_OK) == 0;
	else
		return nd_err_set(err, -EINVAL, "--dnsmasq-log", "expected auto, journal or file, not '%s'", mode);
	if (!d->opts.dnsmasq_log_max)
		d->opts.dnsmasq_log_max = NETD_DNSMASQ_LOG_MAX_DEFAULT;
	netd_log(NETD_LOG_DEBUG, NULL, "dnsmasq logs to %s", d->dnsmasq_log_journal ? sock : "files in the run dir");
	return 0;
}

/* sd_journal_stream_fd()'s handshake, written here: identifier, unit (none),
 * priority, level prefix, forward to syslog/kmsg/console */
static int journal_open(struct netd *d, const char *net, struct nd_err *err)
{
	const char *path = d->opts.journal_socket ? d->opts.journal_socket : NETD_JOURNAL_SOCKET;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char header[NETDEF_NAME_MAX + 64];
	int fd, len;

	if (strlen(path) >= sizeof(sa.sun_path))
		return nd_err_set(err, -ENAMETOOLONG, path, "journal socket path too long");
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nd_err_set(err, -errno, "dnsmasq log", "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return nd_err_set(err, -e, path, "cannot reach the journal for dnsmasq's log: %s", strerror(e));
	}
	shutdown(fd, SHUT_RD);
	len = snprintf(header, sizeof(header), "dnsmasq@%s\n\n6\n0\n0\n0\n0\n", net);
	if (write(fd, header, (size_t)len) != len) {
		int e = errno;

		close(fd);
		return nd_err_set(err, -e, path, "journal handshake: %s", strerror(e));
	}
	return fd;
}

int netd_dnsmasq_log_open(struct netd *d, const char *net, struct nd_err *err)
{
	char path[4096];
	int fd;

	if (d->dnsmasq_log_journal)
		return journal_open(d, net, err);
	netd_path(d, NETD_PATH_DNSMASQ_LOG, net, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return nd_err_set(err, -errno, path, "cannot open the dnsmasq log: %s", strerror(errno));
	return fd;
}

/* NAME.log -> NAME.log.1 (replaced whole), then NAME.log emptied */
static void trim_one(struct netd *d, const char *net)
{
	char path[4096], old[4200], tmp[4200];
	_cleanup_close_ int fd = -1, out = -1;
	struct stat st;
	off_t off = 0;

	netd_path(d, NETD_PATH_DNSMASQ_LOG, net, path, sizeof(path));
	if ((fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)) < 0 || fstat(fd, &st) < 0 ||
	    (unsigned long long)st.st_size <= d->opts.dnsmasq_log_max)
		return;
	snprintf(old, sizeof(old), "%s.1", path);
	snprintf(tmp, sizeof(tmp), "%s.1.tmp", path);
	if ((out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0) {
		netd_log(NETD_LOG_WARN, net, "dnsmasq log: cannot write %s: %s", tmp, strerror(errno));
		return;
	}
	while (off < st.st_size && sendfile(out, fd, &off, (size_t)(st.st_size - off)) > 0)
		;
	if (off < st.st_size || rename(tmp, old) < 0) {
		netd_log(NETD_LOG_WARN, net, "dnsmasq log: cannot keep %s: %s", old, strerror(errno));
		unlink(tmp);
		return;
	}
	if (ftruncate(fd, 0) < 0)
		netd_log(NETD_LOG_WARN, net, "dnsmasq log: cannot empty %s: %s", path, strerror(errno));
	else
		netd_log(NETD_LOG_DEBUG, net, "dnsmasq log over %llu bytes: kept as %s", d->opts.dnsmasq_log_max, old);
}

int netd_dnsmasq_log_trim(struct netd *d)
{
	long long now = netd_now_ms();

	if (d->dnsmasq_log_journal)
		return -1;
	if (now < d->dnsmasq_log_trim_at_ms)
		return (int)(d->dnsmasq_log_trim_at_ms - now);
	d->dnsmasq_log_trim_at_ms = now + TRIM_EVERY_MS;
	for (struct netd_net *n = d->nets; n; n = n->next)
		if (n->dnsmasq_pid > 0)
			trim_one(d, netd_net_name(n));
	return TRIM_EVERY_MS;
}
