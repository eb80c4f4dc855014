#include "common/nd-err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int nd_err_setv(struct nd_err *err, int code, const char *where, const char *fmt, va_list ap)
{
	if (code > 0)
		code = -code;
	if (code == 0)
		code = -EINVAL;
	if (!err || err->code != 0)
		return code;
	err->code = code;
	snprintf(err->where, sizeof(err->where), "%s", where ? where : "");
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return code;
}

int nd_err_set(struct nd_err *err, int code, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	code = nd_err_setv(err, code, where, fmt, ap);
	va_end(ap);
	return code;
}

void nd_err_clear(struct nd_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *nd_err_text(const struct nd_err *err, char *buf, unsigned len)
{
	if (!err || err->code == 0)
		snprintf(buf, len, "unknown error");
	else if (err->where[0])
		snprintf(buf, len, "%s: %s", err->where, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
	return buf;
}
