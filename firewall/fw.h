#pragma once
/*
 * The nftables ruleset of netd, built as one libnftnl batch (pure bytes) and
 * applied with libmnl. One table, `inet netd`, owned by netd alone: base
 * chains dispatch through verdict maps keyed by interface name to a few
 * regular chains per network, so a packet's cost does not grow with the
 * number of networks, and starting network N+1 only adds its own chains and
 * map elements.
 */
#include <stddef.h>
#include <stdint.h>

#include "common/nd-err.h"
#include "xml/netdef.h"

#define FW_TABLE "netd"

/* what each message of a batch was for, to name it when the kernel says no */
struct fw_note {
	uint32_t seq;
	char what[96];
};

struct fw_batch {
	void *buf;
	size_t len, cap;
	uint32_t seq_first, seq_next; /* seq_first = BATCH_BEGIN */
	struct fw_note *notes;
	size_t n_notes;
};

/*
 * Start: (re)creates table, base chains and maps, rewrites the dispatch rules
 * (when dispatch is true), then adds the network's chains, rules and map
 * elements. Idempotent for the shared part, so the first and the 1000th
 * network build the same skeleton. Rewriting the dispatch rules deletes the
 * old ones, and a batch that deletes costs a kernel RCU grace period (the
 * next close of a netfilter socket waits for it): the caller passes false
 * when it knows the dispatch rules are in place (fw_ruleset_genid).
 * bridge is the kernel name of the network's bridge.
 */
int fw_build_network_start(const struct netdef *def, const char *bridge, bool dispatch, uint32_t seq,
			   struct fw_batch *b, struct nd_err *err);
/* The same for n networks in one batch (one commit: a daemon re-adopting
 * 1000 networks paid the kernel's table validation 1000 times) */
int fw_build_networks_start(const struct netdef *const *defs, const char *const *bridges, size_t n, bool dispatch,
			    uint32_t seq, struct fw_batch *b, struct nd_err *err);
/* Stop: the network's map elements and chains only; with_addrs: its addresses
 * in the svc sets too (a network started by a netd before those sets has none:
 * deleting what is not there fails the whole batch) */
int fw_build_network_stop(const struct netdef *def, const char *bridge, bool with_addrs, uint32_t seq,
			  struct fw_batch *b, struct nd_err *err);
/* The whole table (when no network needs it any more). */
int fw_build_table_delete(uint32_t seq, struct fw_batch *b, struct nd_err *err);
/* true when the mode has rules at all (open has none) */
int fw_network_has_rules(const struct netdef *def);
/* chain names of a network, for tests and repair: "<name>-fwd-in" ... */
int fw_chain_name(const char *net, const char *kind, char *buf, size_t len);

void fw_batch_free(struct fw_batch *b);

/* -- fw-socket.c: a connection to nf_tables, owned by whoever applies (keep it open: see there) -- */
struct fw_conn;
int fw_conn_open(struct fw_conn **ret, struct nd_err *err);
struct fw_conn *fw_conn_close(struct fw_conn *c);

/* -- fw-apply.c: send a batch on the connection, read every ACK -- */
int fw_batch_apply(struct fw_conn *c, const struct fw_batch *b, struct nd_err *err);
/* Is the netd table present? 1 yes, 0 no, <0 error */
int fw_table_exists(struct fw_conn *c, struct nd_err *err);
/* The kernel's ruleset generation: every commit, by anyone, moves it by one. */
int fw_ruleset_genid(struct fw_conn *c, uint32_t *ret, struct nd_err *err);

/* -- fw-inspect.c: other tables' base chains (for warnings and doctor) -- */
struct fw_base_chain {
	char family[8];  /* "ip", "ip6", "inet", "bridge", ... */
	char table[64];
	char chain[64];
	char hook[16];   /* "forward", "input", ... */
	bool policy_drop;
	bool drop_rule;  /* it has a rule that drops or rejects everything (firewalld's final reject) */
	unsigned long long drop_rule_handle;
};
/* every base chain of every table but netd's; *ret malloc'd */
int fw_list_base_chains(struct fw_conn *c, struct fw_base_chain **ret, size_t *ret_n, struct nd_err *err);

/* -- fw-coexist.c: Docker's DOCKER-USER chain (nfproto NFPROTO_IPV4 or NFPROTO_IPV6) -- */
int fw_docker_user_present(struct fw_conn *c, int nfproto);
int fw_build_docker_user_insert(int nfproto, const char *bridge, const char *net, uint32_t seq,
				struct fw_batch *b, struct nd_err *err);
/* removes the rules marked "netd:NET"; 0 when there were none */
int fw_docker_user_remove(struct fw_conn *c, int nfproto, const char *net, uint32_t seq, struct nd_err *err);
/* how many rules marked "netd:NET" (NULL: any network) the chain has */
int fw_docker_user_count(struct fw_conn *c, int nfproto, const char *net);
