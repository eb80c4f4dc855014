/* Expression helpers: each appends the expressions of one match or action. */
#include <arpa/inet.h> /* glibc headers before linux uapi ones */
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <string.h>

#include "firewall/fw-internal.h"

int fw_rule_init(struct fw_rule *fr, const char *chain)
{
	fr->oom = false;
	fr->r = nftnl_rule_alloc();
	if (!fr->r)
		return -1;
	nftnl_rule_set_str(fr->r, NFTNL_RULE_TABLE, FW_TABLE);
	nftnl_rule_set_str(fr->r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(fr->r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	return 0;
}

static struct nftnl_expr *expr(struct fw_rule *fr, const char *name)
{
	struct nftnl_expr *e = fr->oom ? NULL : nftnl_expr_alloc(name);

	if (!e) {
		fr->oom = true;
		return NULL;
	}
	nftnl_rule_add_expr(fr->r, e);
	return e;
}

static void meta_load(struct fw_rule *fr, uint32_t key)
{
	struct nftnl_expr *e = expr(fr, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void cmp(struct fw_rule *fr, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(fr, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void payload(struct fw_rule *fr, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = expr(fr, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
}

static void bitwise_and(struct fw_rule *fr, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = expr(fr, "bitwise");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
}

void fw_match_ifname(struct fw_rule *fr, bool in, const char *name)
{
	char buf[16] = { 0 };

	strncpy(buf, name, sizeof(buf) - 1);
	meta_load(fr, in ? NFT_META_IIFNAME : NFT_META_OIFNAME);
	cmp(fr, NFT_CMP_EQ, buf, sizeof(buf));
}

void fw_match_nfproto(struct fw_rule *fr, int family)
{
	uint8_t p = family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6;

	meta_load(fr, NFT_META_NFPROTO);
	cmp(fr, NFT_CMP_EQ, &p, 1);
}

void fw_match_addr(struct fw_rule *fr, enum fw_dir dir, const struct netdef_addr *a, unsigned prefix,
		   bool negate)
{
	bool v4 = a->family == AF_INET;
	uint32_t len = v4 ? 4 : 16, off;
	struct netdef_addr net, ones = { .family = a->family }, mask;

	off = v4 ? (dir == FW_SRC ? 12 : 16) : (dir == FW_SRC ? 8 : 24);
	payload(fr, NFT_PAYLOAD_NETWORK_HEADER, off, len);
	if (prefix < len * 8) {
		memset(ones.bytes, 0xff, len);
		netdef_addr_mask(&ones, prefix, &mask);
		bitwise_and(fr, mask.bytes, len);
	}
	netdef_addr_mask(a, prefix, &net);
	cmp(fr, negate ? NFT_CMP_NEQ : NFT_CMP_EQ, net.bytes, len);
}

void fw_match_l4proto(struct fw_rule *fr, uint8_t proto)
{
	meta_load(fr, NFT_META_L4PROTO);
	cmp(fr, NFT_CMP_EQ, &proto, 1);
}

void fw_match_dport(struct fw_rule *fr, uint16_t port)
{
	uint16_t p = htons(port);

	payload(fr, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	cmp(fr, NFT_CMP_EQ, &p, 2);
}

void fw_match_ct_established(struct fw_rule *fr)
{
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), zero = 0;
	struct nftnl_expr *e = expr(fr, "ct");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	bitwise_and(fr, &mask, 4);
	cmp(fr, NFT_CMP_NEQ, &zero, 4);
}

void fw_lookup_vmap(struct fw_rule *fr, bool in, const char *set)
{
	struct nftnl_expr *e;

	meta_load(fr, in ? NFT_META_IIFNAME : NFT_META_OIFNAME);
	e = expr(fr, "lookup");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
}

void fw_match_addr_set(struct fw_rule *fr, enum fw_dir dir, int family, const char *set)
{
	bool v4 = family == AF_INET;
	struct nftnl_expr *e;

	payload(fr, NFT_PAYLOAD_NETWORK_HEADER, v4 ? (dir == FW_SRC ? 12 : 16) : (dir == FW_SRC ? 8 : 24), v4 ? 4 : 16);
	e = expr(fr, "lookup");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
}

void fw_counter(struct fw_rule *fr)
{
	expr(fr, "counter");
}

void fw_verdict(struct fw_rule *fr, int verdict)
{
	struct nftnl_expr *e = expr(fr, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
}

void fw_reject(struct fw_rule *fr)
{
	struct nftnl_expr *e = expr(fr, "reject");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMPX_UNREACH);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, NFT_REJECT_ICMPX_PORT_UNREACH);
}

static void immediate_data(struct fw_rule *fr, uint32_t reg, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr(fr, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
	nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
}

static void ports_to_regs(struct fw_rule *fr, uint16_t port_min, uint16_t port_max)
{
	uint16_t lo = htons(port_min), hi = htons(port_max);

	immediate_data(fr, NFT_REG_2, &lo, 2);
	immediate_data(fr, NFT_REG_3, &hi, 2);
}

void fw_masquerade(struct fw_rule *fr, uint16_t port_min, uint16_t port_max)
{
	struct nftnl_expr *e;

	if (port_min)
		ports_to_regs(fr, port_min, port_max);
	e = expr(fr, "masq");
	if (!e || !port_min)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_REG_PROTO_MIN, NFT_REG_2);
	nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_REG_PROTO_MAX, NFT_REG_3);
	nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
}

void fw_snat(struct fw_rule *fr, const struct netdef_addr *min, const struct netdef_addr *max,
	     uint16_t port_min, uint16_t port_max)
{
	uint32_t len = min->family == AF_INET ? 4 : 16;
	struct nftnl_expr *e;

	immediate_data(fr, NFT_REG_1, min->bytes, len);
	immediate_data(fr, NFT_REG_2, max->bytes, len);
	if (port_min) {
		uint16_t lo = htons(port_min), hi = htons(port_max);

		immediate_data(fr, NFT_REG_3, &lo, 2);
		immediate_data(fr, NFT_REG_4, &hi, 2);
	}
	e = expr(fr, "nat");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_SNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, len == 4 ? NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_2);
	if (port_min) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_3);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MAX, NFT_REG_4);
	}
}
