/*
 * OVN networks on this host: at start, the network's NB objects converge
 * (one idempotent ovn-nbctl transaction; netd-ovn-nb.c) and the host's
 * integration bridge becomes the network's bridge; each port is a logical
 * switch port that only this host binds; a port that goes leaves NB.
 *
 * ovn-nbctl rather than a JSON-RPC client of our own: its IDL knows the NB
 * schema of whatever OVN the host runs, retries a transaction that raced
 * another writer, and gives --may-exist for free. Each call is bounded
 * (--timeout and a kill after it), an argument array, values checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-jobs.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-net.h"
#include "netd/daemon/netd-ovn.h"
#include "netd/daemon/netd-port.h"

#define OVN_TIMEOUT_S 5

static void tool(const struct netd *d, const struct netdef *def, struct netd_ovn_tool *t)
{
	*t = (struct netd_ovn_tool){ .nbctl = "ovn-nbctl", .nb = def->ovn.nb, .timeout_s = OVN_TIMEOUT_S };
	if (strstr(def->ovn.nb, "ssl:")) {
		t->private_key = d->opts.ovn_private_key;
		t->certificate = d->opts.ovn_certificate;
		t->ca_cert = d->opts.ovn_ca_cert;
	}
}

/* an ssl: NB needs this host's key, certificate and the CA */
static int check_ssl(const struct netd *d, const struct netdef *def, struct nd_err *err)
{
	if (!strstr(def->ovn.nb, "ssl:") || (d->opts.ovn_private_key && d->opts.ovn_certificate && d->opts.ovn_ca_cert))
		return 0;
	return nd_err_set(err, -EINVAL, def->name, "NB '%s' is reached over SSL: start netd with --ovn-private-key, "
			  "--ovn-certificate and --ovn-ca-cert (or set them in netd.conf)", def->ovn.nb);
}

static int nbctl(char **argv, char *out, size_t len, const char *net, struct nd_err *err)
{
	int status, r;

	r = tapdev_ovs_run_out(argv, OVN_TIMEOUT_S, &status, out, len, err);
	tapdev_argv_free(argv);
	if (r < 0 && err->code == -ETIMEDOUT)
		nd_err_set(err, -ETIMEDOUT, net, "OVN's NB database gave no answer within %d s (is it reachable, "
			   "and ovn-northd's NB ovsdb-server running?)", OVN_TIMEOUT_S);
	return r;
}

/* rows of a table: the smallest _uuid and how many (condition NULL: the network's rows by external_ids) */
static int find_rows(const struct netd *d, const struct netdef *def, const char *table, const char *condition,
		     char first[37], unsigned *count, char extra[][37], size_t n_extra, struct nd_err *err)
{
	struct netd_ovn_tool t;
	struct netd_ovn_names nm;
	char **argv, out[4096], cond[128];
	int r;

	tool(d, def, &t);
	netd_ovn_names(def, &nm);
	first[0] = '\0';
	*count = 0;
	snprintf(cond, sizeof(cond), "external_ids:netd-uuid=%s", nm.uuid);
	if ((r = netd_ovn_argv_find(&t, table, condition ? condition : cond, &argv, err)) < 0 ||
	    (r = nbctl(argv, out, sizeof(out), def->name, err)) < 0)
		return r;
	for (char *save = NULL, *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strlen(l) != 36)
			continue;
		if (*count < n_extra)
			snprintf(extra[*count], 37, "%s", l);
		(*count)++;
		if (!first[0] || strcmp(l, first) < 0)
			snprintf(first, 37, "%s", l);
	}
	return 0;
}

/*
 * One transaction, one writer of each object. Two hosts may start the
 * network at once: whoever finds no router port creates it together with the
 * DHCP and DNS rows, without --may-exist, so the NB's unique index on port
 * names lets only one such transaction through (a read that was already
 * stale fails on "already exists" instead). The other host tries again, now
 * finds the rows, and only sets them. No duplicate switch can come of it
 * either: the switch is inserted in the same transaction.
 */
static int converge(const struct netd *d, const struct netdef *def, struct nd_err *err)
{
	struct netd_ovn_tool t;
	struct netd_ovn_names nm;
	char dhcp[37], dns[37], lrp[37], rows[1][37], cond[96], **argv, out[4096];
	unsigned n_dhcp, n_dns, n_lrp;
	int r = 0;

	tool(d, def, &t);
	netd_ovn_names(def, &nm);
	snprintf(cond, sizeof(cond), "name=%s", nm.lrp);
	for (int attempt = 0; attempt < 3; attempt++) {
		memset(err, 0, sizeof(*err));
		if ((r = find_rows(d, def, "Logical_Router_Port", cond, lrp, &n_lrp, rows, 0, err)) < 0 ||
		    (r = find_rows(d, def, "DHCP_Options", NULL, dhcp, &n_dhcp, rows, 0, err)) < 0 ||
		    (r = find_rows(d, def, "DNS", NULL, dns, &n_dns, rows, 0, err)) < 0 ||
		    (r = netd_ovn_argv_network(&t, def, n_lrp == 0, n_dhcp ? dhcp : NULL, n_dns ? dns : NULL, &argv,
					       err)) < 0)
			return r;
		if ((r = nbctl(argv, out, sizeof(out), def->name, err)) == 0 ||
		    (!strstr(err->msg, "identical values") && !strstr(err->msg, "already exists")))
			break;
		netd_log(NETD_LOG_INFO, def->name, "OVN: another host created the network's objects at the same time: "
			 "using them");
	}
	return r;
}

int netd_ovn_start(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	const char *br = n->live->ovn.integration_bridge ? n->live->ovn.integration_bridge : "br-int";
	char uuid[37];
	int r;

	r = netd_ovs_bridge_run(d, NETD_OVS_BR_EXISTS, br, err);
	if (r < 0)
		return r;
	if (r == 0)
		return nd_err_set(err, -ENODEV, n->live->name, "OVN's integration bridge '%s' is not in this host's Open "
				  "vSwitch: is ovn-controller running here (external_ids ovn-remote, ovn-encap-type, "
				  "ovn-encap-ip)?", br);
	if ((r = netd_ovs_system_id(d, d->ovn_chassis, sizeof(d->ovn_chassis), err)) < 0)
		return r;
	if ((r = check_ssl(d, n->live, err)) < 0 || (r = converge(d, n->live, err)) < 0)
		return r;
	n->ovn_dhcp_known = false;
	n->ovs = true;
	n->bridge_created = false;
	snprintf(n->bridge, sizeof(n->bridge), "%s", br);
	netdef_uuid_format(n->uuid, uuid);
	netd_log(NETD_LOG_INFO, n->live->name, "OVN: switch netd-%s in NB %s; ports on %s of chassis %s", uuid,
		 n->live->ovn.nb, br, d->ovn_chassis);
	return 0;
}

int netd_ovn_repair(struct netd *d, struct netd_net *n, char *ret, size_t len, struct nd_err *err)
{
	if (converge(d, n->live, err) < 0)
		return err->code;
	n->ovn_dhcp_known = false;
	snprintf(ret, len, "%s", "");
	return 0;
}

int netd_ovn_port_add(struct netd *d, struct netd_net *n, const struct netd_port *p, struct nd_err *err)
{
	struct netd_ovn_tool t;
	struct netd_ovn_port op = { .lsp = p->iface_id, .mac = p->mac, .ifname = p->name, .vm_name = p->vm_name };
	char rows[1][37], **argv, out[2048];
	unsigned n_dhcp;
	int r;

	tool(d, n->live, &t);
	/* what every port needs, asked once (after a netd restart: by the first port) */
	if (!d->ovn_chassis[0] && (r = netd_ovs_system_id(d, d->ovn_chassis, sizeof(d->ovn_chassis), err)) < 0)
		return r;
	if (!n->ovn_dhcp_known) {
		if ((r = find_rows(d, n->live, "DHCP_Options", NULL, n->ovn_dhcp, &n_dhcp, rows, 0, err)) < 0)
			return r;
		n->ovn_dhcp_known = true;
	}
	op.chassis = d->ovn_chassis;
	op.dhcp_uuid = n->ovn_dhcp[0] ? n->ovn_dhcp : NULL;
	if ((r = netd_ovn_argv_port_add(&t, n->live, &op, &argv, err)) < 0)
		return r;
	return nbctl(argv, out, sizeof(out), n->live->name, err);
}

struct lsp_del {
	char network[NETDEF_NAME_MAX + 1];
	char lsp[37];
};

static void lsp_del_done(struct netd *d, void *ctx, int status, char *out)
{
	struct lsp_del *x = ctx;
	struct nd_err err = { 0 };

	(void)d;
	if (tapdev_ovs_result("ovn-nbctl", status, out, OVN_TIMEOUT_S, &err) < 0)
		netd_log_err(x->network, "removing the logical port from OVN's NB (it stays there)", &err);
	free(x);
}

void netd_ovn_port_forget(struct netd *d, const struct netd_net *n, const struct netd_port *p)
{
	struct netd_ovn_tool t;
	struct lsp_del *x = calloc(1, sizeof(*x));
	struct nd_err err = { 0 };
	char **argv = NULL;

	if (!x)
		return;
	snprintf(x->network, sizeof(x->network), "%s", n->live->name);
	snprintf(x->lsp, sizeof(x->lsp), "%s", p->iface_id);
	tool(d, n->live, &t);
	if (netd_ovn_argv_port_del(&t, p->iface_id, &argv, &err) < 0 ||
	    netd_job_spawn(d, argv, OVN_TIMEOUT_S, lsp_del_done, x, &err) < 0) {
		netd_log_err(n->live->name, "removing the logical port from OVN's NB", &err);
		free(x);
	}
}

int netd_ovn_remove(struct netd *d, const struct netdef *def, struct nd_err *err)
{
	struct netd_ovn_tool t;
	char first[37], rows[16][37], **argv, out[2048];
	unsigned count;
	static const char *const tables[] = { "DHCP_Options", "DNS" };
	int r;

	(void)d;
	tool(d, def, &t);
	if ((r = netd_ovn_argv_remove(&t, def, &argv, err)) < 0 || (r = nbctl(argv, out, sizeof(out), def->name, err)) < 0)
		return r;
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if ((r = find_rows(d, def, tables[i], NULL, first, &count, rows, 16, err)) < 0)
			return r;
		for (unsigned j = 0; j < count && j < 16; j++)
			if ((r = netd_ovn_argv_destroy(&t, tables[i], rows[j], &argv, err)) < 0 ||
			    (r = nbctl(argv, out, sizeof(out), def->name, err)) < 0)
				return r;
	}
	netd_log(NETD_LOG_INFO, def->name, "OVN: the network's switches, router, DHCP and DNS rows removed from NB");
	return 0;
}

int netd_ovn_foreign_ports(struct netd *d, const struct netdef *def, unsigned *count, struct nd_err *err)
{
	char first[37], rows[1][37];

	return find_rows(d, def, "Logical_Switch_Port", NULL, first, count, rows, 0, err);
}

int netd_ovn_port_secure(struct netd *d, struct netd_net *n, const struct netd_port *p, struct nd_err *err)
{
	struct netd_ovn_tool t;
	char **argv, out[512], mac[32], ip[64];
	int r;

	(void)d;
	tool(d, n->live, &t);
	if ((r = netd_ovn_argv_port_get(&t, p->iface_id, "dynamic_addresses", &argv, err)) < 0 ||
	    (r = nbctl(argv, out, sizeof(out), n->live->name, err)) < 0)
		return r;
	/* ["MAC IP"], or [] for a port with a static address (already held to it) */
	if (sscanf(out, "\"%31s %63[0-9.]\"", mac, ip) != 2)
		return 0;
	if ((r = netd_ovn_argv_port_security(&t, p->iface_id, mac, ip, &argv, err)) < 0)
		return r;
	return nbctl(argv, out, sizeof(out), n->live->name, err);
}

#define OVN_RETRY_FIRST_MS 5000
#define OVN_RETRY_MAX_MS 60000

int netd_ovn_tick(struct netd *d)
{
	long long now = netd_now_ms(), next = -1;

	for (struct netd_net *n = d->nets; n; n = n->next) {
		struct nd_err err = { 0 };

		if (!n->ovn_start_at_ms)
			continue;
		if (!n->autostart || n->state != NETD_NET_INACTIVE || !n->def) { /* started, or no longer wanted */
			n->ovn_start_at_ms = 0;
			n->ovn_backoff_ms = 0;
			continue;
		}
		if (n->ovn_start_at_ms > now) {
			if (next < 0 || n->ovn_start_at_ms - now < next)
				next = n->ovn_start_at_ms - now;
			continue;
		}
		if (netd_net_start(d, n, &err) == 0) {
			if (n->ovn_backoff_ms)
				netd_log(NETD_LOG_INFO, netd_net_name(n), "OVN: autostarted, its NB answers again");
			n->ovn_start_at_ms = 0;
			n->ovn_backoff_ms = 0;
			continue;
		}
		n->ovn_backoff_ms = n->ovn_backoff_ms ? n->ovn_backoff_ms * 2 : OVN_RETRY_FIRST_MS;
		if (n->ovn_backoff_ms > OVN_RETRY_MAX_MS)
			n->ovn_backoff_ms = OVN_RETRY_MAX_MS;
		n->ovn_start_at_ms = now + n->ovn_backoff_ms;
		netd_log_err(netd_net_name(n), "OVN: autostart failed (trying again)", &err);
		if (next < 0 || n->ovn_backoff_ms < next)
			next = n->ovn_backoff_ms;
	}
	return (int)next;
}
