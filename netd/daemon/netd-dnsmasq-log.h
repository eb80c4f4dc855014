#pragma once
/*
 * Where a network's dnsmasq logs: the journal, tagged dnsmasq@NETWORK, or a
 * file in the run dir kept under a size.
 */
#include <stdbool.h>

#include "common/nd-err.h"
#include "netd/daemon/netd-daemon.h"

#define NETD_JOURNAL_SOCKET "/run/systemd/journal/stdout"
#define NETD_DNSMASQ_LOG_MAX_DEFAULT (1024ULL * 1024)

/* --dnsmasq-log auto|journal|file, resolved once: auto is the journal when its socket exists */
int netd_dnsmasq_log_init(struct netd *d, struct nd_err *err);
/* the fd dnsmasq gets as stdout and stderr (the caller closes it after the spawn) */
int netd_dnsmasq_log_open(struct netd *d, const char *net, struct nd_err *err);
/* the files above --dnsmasq-log-max are copied to NAME.log.1 and emptied; ms until the next look */
int netd_dnsmasq_log_trim(struct netd *d);
/* "--dnsmasq-log-max": bytes, with an optional K/M/G suffix; false when malformed */
bool netd_dnsmasq_log_parse_size(const char *s, unsigned long long *ret);
