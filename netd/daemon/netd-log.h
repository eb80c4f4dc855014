#pragma once
/* Only netd/ logs: "netd[LEVEL] network: message" on stderr. */
#include <stdbool.h>

#include "common/nd-err.h"

enum netd_log_level { NETD_LOG_ERR, NETD_LOG_WARN, NETD_LOG_INFO, NETD_LOG_DEBUG };

void netd_log_set_level(enum netd_log_level max);
/* after --daemon detached stderr */
void netd_log_to_syslog(bool on);
void netd_log(enum netd_log_level lvl, const char *net, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* logs "what: where: msg (strerror)" at error level; returns err->code */
int netd_log_err(const char *net, const char *what, const struct nd_err *err);
