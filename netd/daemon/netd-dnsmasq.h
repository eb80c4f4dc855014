#pragma once
/* dnsmasq supervision: one process per network, watched through a pidfd. */
#include <stdbool.h>
#include <sys/types.h>

#include "common/nd-err.h"
#include "netd/daemon/netd-daemon.h"
#include "xml/netdef.h"

struct netd_net;

/* the user dnsmasq runs as: --dnsmasq-user, else netd-dnsmasq, else nobody (with a warning) */
int netd_dnsmasq_user_init(struct netd *d, struct nd_err *err);
/* starts it and waits until it serves or exits (then its own message is the error) */
int netd_dnsmasq_start(struct netd *d, struct netd_net *n, struct nd_err *err);
/* SIGTERM; the process is reaped (and killed after 2 s) by the event loop, nobody waits */
void netd_dnsmasq_stop(struct netd *d, struct netd_net *n);
/* the process of n ended (pidfd readable) */
void netd_dnsmasq_exited(struct netd *d, struct netd_net *n);
/* a stopping dnsmasq ended, or its grace period is over */
void netd_dnsmasq_reaped(struct netd *d, struct netd_reap *r);
/* run pending restarts and kills; returns ms until the next one, or -1 */
int netd_dnsmasq_tick(struct netd *d);
/* waits (2 s at most) for the network's previous dnsmasq to be gone */
void netd_dnsmasq_wait_stopped(struct netd *d, const char *net);
/* take over a running dnsmasq by pid; false when it is not ours or gone */
bool netd_dnsmasq_adopt(struct netd *d, struct netd_net *n, pid_t pid);
/* a running dnsmasq with this network's configuration, found by its command line; 0 if none */
pid_t netd_dnsmasq_find(struct netd *d, const char *net);
int netd_dnsmasq_reload(struct netd *d, struct netd_net *n, struct nd_err *err);
/* n->live changed from old: hosts files reloaded (SIGHUP), or dnsmasq restarted when its
 * configuration changed, started or stopped when it is newly (no longer) needed */
int netd_dnsmasq_update(struct netd *d, struct netd_net *n, const struct netdef *old, struct nd_err *err);
/* writes the network's servers file from the current upstream servers */
int netd_dnsmasq_write_servers(struct netd *d, struct netd_net *n, struct nd_err *err);

/* -- netd-resolv.c: upstream nameservers, read once for every dnsmasq -- */
void netd_resolv_init(struct netd *d);
/* the watch fired: re-read; on a change every dnsmasq gets its new servers */
void netd_resolv_changed(struct netd *d);
