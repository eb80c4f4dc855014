/*
 * Living next to other firewall owners. A foreign base chain on the forward
 * hook that drops by default drops the guests' traffic whatever netd's own
 * table accepts. Where it is Docker's (a DOCKER-USER chain exists in that
 * family's filter table) netd adds accept rules for the bridge there, marked
 * as netd's, and removes them on destroy; elsewhere it logs a warning naming
 * the table and chain. Input-hook drops (they eat the guests' DHCP/DNS) get a
 * warning with the rule a user would add. --no-coexist: warnings only.
 */
#include <errno.h>
#include <linux/netfilter.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/fw.h"
#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-net.h"

static bool needs_forwarding_help(const struct netdef *def)
{
	/* guests' traffic crosses the forward hook in these modes (and between guests with br_netfilter) */
	return def->forward.mode == NETDEF_FORWARD_NAT || def->forward.mode == NETDEF_FORWARD_ROUTE ||
	       def->forward.mode == NETDEF_FORWARD_NONE;
}

int netd_coexist_start(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	struct fw_conn *fw = netd_fw(d, NULL);
	struct fw_base_chain *chains = NULL;
	bool done[2] = { false, false };
	size_t count = 0;
	int r = 0;

	if (!needs_forwarding_help(n->live) || !fw || fw_list_base_chains(fw, &chains, &count, NULL) < 0)
		return 0;
	for (size_t i = 0; i < count && r == 0; i++) {
		const struct fw_base_chain *c = &chains[i];
		int fam = strcmp(c->family, "ip") == 0 ? NFPROTO_IPV4 : strcmp(c->family, "ip6") == 0 ? NFPROTO_IPV6 : 0;

		if (!c->policy_drop && !c->drop_rule)
			continue;
		if (strcmp(c->hook, "input") == 0) {
			netd_log(NETD_LOG_WARN, n->live->name,
				 "table %s %s, chain %s drops input %s: guests' DHCP/DNS to %s are dropped unless it "
				 "accepts them, e.g. nft insert rule %s %s %s iifname \"%s\" udp dport { 53, 67 } accept",
				 c->family, c->table, c->chain, c->policy_drop ? "by default" : "with a final drop/reject rule",
				 n->bridge, c->family, c->table, c->chain, n->bridge);
			continue;
		}
		if (strcmp(c->hook, "forward") != 0)
			continue;
		if (fam && c->policy_drop && !d->opts.no_coexist && fw_docker_user_present(fw, fam)) {
			struct fw_batch b;

			if (done[fam == NFPROTO_IPV6])
				continue;
			done[fam == NFPROTO_IPV6] = true;
			if ((r = fw_build_docker_user_insert(fam, n->bridge, n->live->name, d->nft_seq, &b, err)) < 0)
				break;
			d->nft_seq = b.seq_next;
			r = fw_batch_apply(fw, &b, err);
			fw_batch_free(&b);
			if (r == 0)
				netd_log(NETD_LOG_INFO, n->live->name,
					 "table %s %s, chain %s drops forwarded traffic by default: accepted %s in %s filter DOCKER-USER",
					 c->family, c->table, c->chain, n->bridge, c->family);
			continue;
		}
		netd_log(NETD_LOG_WARN, n->live->name,
			 "table %s %s, chain %s drops forwarded traffic %s: guests on %s are cut off unless it accepts "
			 "them (%s)", c->family, c->table, c->chain,
			 c->policy_drop ? "by default" : "with a drop/reject rule", n->bridge,
			 d->opts.no_coexist ? "--no-coexist: netd leaves it alone" : "no DOCKER-USER chain to add to");
	}
	free(chains);
	return r;
}

void netd_coexist_stop(struct netd *d, const char *name)
{
	static const int fams[] = { NFPROTO_IPV4, NFPROTO_IPV6 };
	struct fw_conn *fw = netd_fw(d, NULL);

	for (size_t i = 0; fw && i < 2; i++) {
		struct nd_err err = { 0 };

		if (fw_docker_user_remove(fw, fams[i], name, d->nft_seq, &err) < 0)
			netd_log_err(name, "removing netd's rules from DOCKER-USER", &err);
		d->nft_seq += 8;
	}
}
