#pragma once
/*
 * XDR (RFC 4506) as libvirt's RPC uses it: big-endian 32-bit units, strings
 * and variable opaques as a length and bytes padded to 4, optional values
 * (XDR pointers) as a 0/1 word first. Encoding appends to an nd_buf (its
 * error latches); decoding reads from a bounded input and latches 'bad' on
 * the first short or oversized item, after which every read gives 0/NULL.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/nd-buf.h"

void nd_xdr_u32(struct nd_buf *b, uint32_t v);
void nd_xdr_i32(struct nd_buf *b, int32_t v);
void nd_xdr_u64(struct nd_buf *b, uint64_t v);
void nd_xdr_opaque(struct nd_buf *b, const void *p, size_t n); /* fixed length: no length word */
void nd_xdr_string(struct nd_buf *b, const char *s);           /* never NULL */
void nd_xdr_string_opt(struct nd_buf *b, const char *s);       /* NULL: absent */
/* rewrites a u32 already written at off (a count known only at the end) */
void nd_xdr_u32_at(struct nd_buf *b, size_t off, uint32_t v);

struct nd_xdr_in {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

uint32_t nd_xdr_get_u32(struct nd_xdr_in *in);
int32_t nd_xdr_get_i32(struct nd_xdr_in *in);
uint64_t nd_xdr_get_u64(struct nd_xdr_in *in);
/* n fixed bytes into out */
void nd_xdr_get_opaque(struct nd_xdr_in *in, void *out, size_t n);
/* a string of at most max bytes without NUL inside, malloc'd (caller frees); NULL when bad */
char *nd_xdr_get_string(struct nd_xdr_in *in, size_t max);
/* an optional string: *present says whether it was there; NULL when absent or bad */
char *nd_xdr_get_string_opt(struct nd_xdr_in *in, size_t max, bool *present);
