/* XDR encoding and bounded decoding (nd-xdr.h). */
#include "common/nd-xdr.h"

#include <stdlib.h>
#include <string.h>

void nd_xdr_u32(struct nd_buf *b, uint32_t v)
{
	char w[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };

	nd_buf_append(b, w, 4);
}

void nd_xdr_i32(struct nd_buf *b, int32_t v)
{
	nd_xdr_u32(b, (uint32_t)v);
}

void nd_xdr_u64(struct nd_buf *b, uint64_t v)
{
	nd_xdr_u32(b, (uint32_t)(v >> 32));
	nd_xdr_u32(b, (uint32_t)v);
}

void nd_xdr_opaque(struct nd_buf *b, const void *p, size_t n)
{
	static const char zero[4];

	nd_buf_append(b, p, n);
	if (n % 4)
		nd_buf_append(b, zero, 4 - n % 4);
}

void nd_xdr_string(struct nd_buf *b, const char *s)
{
	size_t n = strlen(s);

	nd_xdr_u32(b, (uint32_t)n);
	nd_xdr_opaque(b, s, n);
}

void nd_xdr_string_opt(struct nd_buf *b, const char *s)
{
	nd_xdr_u32(b, s ? 1 : 0);
	if (s)
		nd_xdr_string(b, s);
}

void nd_xdr_u32_at(struct nd_buf *b, size_t off, uint32_t v)
{
	if (nd_buf_error(b) < 0 || off + 4 > b->len)
		return;
	b->data[off] = (char)(v >> 24);
	b->data[off + 1] = (char)(v >> 16);
	b->data[off + 2] = (char)(v >> 8);
	b->data[off + 3] = (char)v;
}

static const uint8_t *take(struct nd_xdr_in *in, size_t n)
{
	const uint8_t *p;
	size_t padded = n + (n % 4 ? 4 - n % 4 : 0);

	if (in->bad || padded < n || in->len - in->off < padded) {
		in->bad = true;
		return NULL;
	}
	p = in->p + in->off;
	in->off += padded;
	return p;
}

uint32_t nd_xdr_get_u32(struct nd_xdr_in *in)
{
	const uint8_t *p = take(in, 4);

	return p ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3] : 0;
}

int32_t nd_xdr_get_i32(struct nd_xdr_in *in)
{
	return (int32_t)nd_xdr_get_u32(in);
}

uint64_t nd_xdr_get_u64(struct nd_xdr_in *in)
{
	uint64_t hi = nd_xdr_get_u32(in);

	return hi << 32 | nd_xdr_get_u32(in);
}

void nd_xdr_get_opaque(struct nd_xdr_in *in, void *out, size_t n)
{
	const uint8_t *p = take(in, n);

	if (p)
		memcpy(out, p, n);
	else
		memset(out, 0, n);
}

char *nd_xdr_get_string(struct nd_xdr_in *in, size_t max)
{
	uint32_t n = nd_xdr_get_u32(in);
	const uint8_t *p;
	char *s;

	if (in->bad || n > max) {
		in->bad = true;
		return NULL;
	}
	if (!(p = take(in, n)))
		return NULL;
	if (memchr(p, '\0', n) || !(s = malloc((size_t)n + 1))) {
		in->bad = true;
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

char *nd_xdr_get_string_opt(struct nd_xdr_in *in, size_t max, bool *present)
{
	uint32_t flag = nd_xdr_get_u32(in);

	*present = false;
	if (in->bad || flag > 1) {
		in->bad = true;
		return NULL;
	}
	if (!flag)
		return NULL;
	*present = true;
	return nd_xdr_get_string(in, max);
}
