#include "tests/unit/test-util.h"

#include <string.h>

const char *argv_joined(char *const *argv)
{
	static char buf[4096];
	size_t off = 0;

	buf[0] = '\0';
	for (char *const *a = argv; *a && off < sizeof(buf) - 1; a++) {
		size_t n = strlen(*a);

		if (a != argv)
			buf[off++] = ' ';
		if (off + n >= sizeof(buf))
			n = sizeof(buf) - 1 - off;
		memcpy(buf + off, *a, n);
		off += n;
		buf[off] = '\0';
	}
	return buf;
}
