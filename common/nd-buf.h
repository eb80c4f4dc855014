#pragma once
/* A growable text buffer. On allocation failure it latches an error and
 * further appends are ignored; check nd_buf_error() once at the end. */
#include <stdbool.h>
#include <stddef.h>

struct nd_buf {
	char *data;
	size_t len, cap;
	bool oom;
};

void nd_buf_printf(struct nd_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nd_buf_append(struct nd_buf *b, const char *s, size_t n);
void nd_buf_puts(struct nd_buf *b, const char *s);
/* XML-escape s (for attribute values and text) */
void nd_buf_xml_escape(struct nd_buf *b, const char *s);
/* -ENOMEM when an append failed, else 0 */
int nd_buf_error(const struct nd_buf *b);
/* hands the NUL-terminated text to the caller; the buffer is empty after */
char *nd_buf_steal(struct nd_buf *b);
void nd_buf_free(struct nd_buf *b);
