#include "common/nd-buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool nd_buf_reserve(struct nd_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->oom)
		return false;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void nd_buf_append(struct nd_buf *b, const char *s, size_t n)
{
	if (!nd_buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void nd_buf_puts(struct nd_buf *b, const char *s)
{
	nd_buf_append(b, s, strlen(s));
}

void nd_buf_printf(struct nd_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !nd_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void nd_buf_xml_escape(struct nd_buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep = NULL;

		switch (*s) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '\'': rep = "&apos;"; break;
		case '"': rep = "&quot;"; break;
		case '\n': rep = "&#10;"; break;
		case '\r': rep = "&#13;"; break;
		case '\t': rep = "&#9;"; break;
		}
		if (!rep)
			continue;
		nd_buf_append(b, run, (size_t)(s - run));
		nd_buf_puts(b, rep);
		run = s + 1;
	}
	nd_buf_append(b, run, (size_t)(s - run));
}

int nd_buf_error(const struct nd_buf *b)
{
	return b->oom ? -ENOMEM : 0;
}

char *nd_buf_steal(struct nd_buf *b)
{
	char *p;

	if (b->oom) {
		nd_buf_free(b);
		return NULL;
	}
	if (!b->data && !nd_buf_reserve(b, 0))
		return NULL;
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void nd_buf_free(struct nd_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->oom = false;
}
