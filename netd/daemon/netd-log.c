/*
 * Only netd/ logs: "netd[LEVEL] network: message" on stderr, with sd-daemon
 * priority prefixes ("<3>") when stderr is the journal, or to syslog once
 * --daemon has detached stderr.
 */
#include "netd/daemon/netd-log.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static enum netd_log_level max_level = NETD_LOG_INFO;
static bool to_syslog;
static int journal = -1; /* unknown yet */

void netd_log_set_level(enum netd_log_level max)
{
	max_level = max;
}

void netd_log_to_syslog(bool on)
{
	to_syslog = on;
	if (on)
		openlog("netd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* systemd says so in $JOURNAL_STREAM ("DEV:INODE" of the stream it gave us) */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (journal >= 0)
		return journal;
	journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(2, &st) == 0 &&
		  (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
	return journal;
}

void netd_log(enum netd_log_level lvl, const char *net, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char msg[1024];
	va_list ap;

	if (lvl > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_syslog)
		syslog(prio[lvl], "%s%s%s", net ? net : "", net ? ": " : "", msg);
	else if (stderr_is_journal())
		fprintf(stderr, "<%d>%s%s%s\n", prio[lvl], net ? net : "", net ? ": " : "", msg);
	else
		fprintf(stderr, "netd[%s]%s%s: %s\n", names[lvl], net ? " " : "", net ? net : "", msg);
}

int netd_log_err(const char *net, const char *what, const struct nd_err *err)
{
	char buf[768];

	netd_log(NETD_LOG_ERR, net, "%s: %s (%s)", what, nd_err_text(err, buf, sizeof(buf)),
		 strerror(err->code < 0 ? -err->code : err->code));
	return err->code;
}
