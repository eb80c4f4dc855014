#include "netd/netd-log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static enum netd_log_level max_level = NETD_LOG_INFO;

void netd_log_set_level(enum netd_log_level max)
{
	max_level = max;
}

void netd_log(enum netd_log_level lvl, const char *net, const char *fmt, ...)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	char msg[1024];
	va_list ap;

	if (lvl > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "netd[%s]%s%s: %s\n", names[lvl], net ? " " : "", net ? net : "", msg);
}

int netd_log_err(const char *net, const char *what, const struct nd_err *err)
{
	char buf[768];

	netd_log(NETD_LOG_ERR, net, "%s: %s (%s)", what, nd_err_text(err, buf, sizeof(buf)),
		 strerror(err->code < 0 ? -err->code : err->code));
	return err->code;
}
