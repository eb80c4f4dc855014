#pragma once
/* Rule-building helpers shared by firewall/ files. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h> /* libnftnl headers use FILE */
#include <libnftnl/rule.h>

#include "firewall/fw.h"

struct fw_rule {
	struct nftnl_rule *r;
	bool oom;
};

enum fw_dir { FW_SRC, FW_DST };

int fw_rule_init(struct fw_rule *fr, const char *chain);
void fw_match_ifname(struct fw_rule *fr, bool in, const char *name);
void fw_match_nfproto(struct fw_rule *fr, int family);
void fw_match_addr(struct fw_rule *fr, enum fw_dir dir, const struct netdef_addr *a, unsigned prefix,
		   bool negate);
/* ip/ip6 saddr or daddr in a named set of addresses (match the family first) */
void fw_match_addr_set(struct fw_rule *fr, enum fw_dir dir, int family, const char *set);
void fw_match_l4proto(struct fw_rule *fr, uint8_t proto);
void fw_match_dport(struct fw_rule *fr, uint16_t port);
void fw_match_ct_established(struct fw_rule *fr);
void fw_lookup_vmap(struct fw_rule *fr, bool in, const char *set);
void fw_counter(struct fw_rule *fr);
void fw_verdict(struct fw_rule *fr, int verdict);
void fw_reject(struct fw_rule *fr);
void fw_masquerade(struct fw_rule *fr, uint16_t port_min, uint16_t port_max);
void fw_snat(struct fw_rule *fr, const struct netdef_addr *min, const struct netdef_addr *max,
	     uint16_t port_min, uint16_t port_max);

/* fw-rules.c: the rules of one per-network chain ("fwd-in", "fwd-out", "input", "nat") */
int fw_build_network_rules(const struct netdef *def, const char *bridge, const char *kind,
			   const char *chain, struct fw_batch *b);

/* fw-inspect.c: dump one chain's rules through cb (a libmnl callback) */
struct mnl_socket;
#include <libmnl/libmnl.h>
int fw_rules_dump(struct fw_conn *c, uint32_t family, const char *table, const char *chain,
		  mnl_cb_t cb, void *data);

/* fw-socket.c: a connection's socket (drained of what an earlier request left) and its next seq */
struct fw_conn {
	struct mnl_socket *nl;
	uint32_t seq;
};
struct mnl_socket *fw_conn_socket(struct fw_conn *c);
uint32_t fw_conn_seq(struct fw_conn *c);

/* batch writing: fw_batch_start empties b and opens the batch, fw_batch_finish closes it */
int fw_batch_start(struct fw_batch *b, uint32_t seq);
int fw_batch_finish(struct fw_batch *b);
int fw_batch_reserve(struct fw_batch *b, size_t need);
void *fw_batch_msg(struct fw_batch *b, const char *what);
int fw_batch_add_rule(struct fw_batch *b, struct fw_rule *fr, const char *what);
