/* The batch buffer: messages appended back to back, each with a note. */
#include <errno.h>
#include <stdio.h> /* before libnftnl headers, which use FILE */
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>

#include "firewall/fw-internal.h"

#define FW_MSG_ROOM 8192 /* room reserved for one message; rules are far smaller */

int fw_batch_reserve(struct fw_batch *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 16384;
	void *p;

	if (b->len + need <= b->cap)
		return 0;
	while (cap < b->len + need)
		cap *= 2;
	p = realloc(b->buf, cap);
	if (!p)
		return -ENOMEM;
	b->buf = p;
	b->cap = cap;
	return 0;
}

/* Where the next message goes; records what it is for. NULL on OOM. */
void *fw_batch_msg(struct fw_batch *b, const char *what)
{
	struct fw_note *n;

	if (fw_batch_reserve(b, FW_MSG_ROOM) < 0)
		return NULL;
	n = realloc(b->notes, (b->n_notes + 1) * sizeof(*n));
	if (!n)
		return NULL;
	b->notes = n;
	n[b->n_notes].seq = b->seq_next;
	snprintf(n[b->n_notes].what, sizeof(n[b->n_notes].what), "%s", what);
	b->n_notes++;
	return (char *)b->buf + b->len;
}

int fw_batch_add_rule(struct fw_batch *b, struct fw_rule *fr, const char *what)
{
	struct nlmsghdr *nlh;
	void *at;

	if (fr->oom || !(at = fw_batch_msg(b, what))) {
		nftnl_rule_free(fr->r);
		return -ENOMEM;
	}
	nlh = nftnl_nlmsg_build_hdr(at, NFT_MSG_NEWRULE, NFPROTO_INET,
				    NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, b->seq_next++);
	nftnl_rule_nlmsg_build_payload(nlh, fr->r);
	b->len += nlh->nlmsg_len;
	nftnl_rule_free(fr->r);
	fr->r = NULL;
	return 0;
}

void fw_batch_free(struct fw_batch *b)
{
	free(b->buf);
	free(b->notes);
	memset(b, 0, sizeof(*b));
}

int fw_batch_start(struct fw_batch *b, uint32_t seq)
{
	void *at;

	memset(b, 0, sizeof(*b));
	b->seq_first = seq;
	b->seq_next = seq;
	if (!(at = fw_batch_msg(b, "batch begin")))
		return -ENOMEM;
	b->len += nftnl_batch_begin(at, b->seq_next++)->nlmsg_len;
	return 0;
}

int fw_batch_finish(struct fw_batch *b)
{
	void *at = fw_batch_msg(b, "batch end");

	if (!at)
		return -ENOMEM;
	b->len += nftnl_batch_end(at, b->seq_next++)->nlmsg_len;
	return 0;
}
