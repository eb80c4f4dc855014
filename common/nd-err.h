#pragma once
/*
 * Structured errors: every fallible function returns a negative errno and may
 * fill a struct nd_err naming where the problem is and what it is. The first
 * error set wins, so rollback code can call nd_err_set() freely.
 */
#include <stdarg.h>

struct nd_err {
	int code;        /* negative errno; 0 = unset */
	char where[128]; /* "net.xml:14", "nft seq 7", "dnsmasq exit 1" */
	char msg[512];
};

int nd_err_set(struct nd_err *err, int code, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int nd_err_setv(struct nd_err *err, int code, const char *where, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
void nd_err_clear(struct nd_err *err);
/* "where: msg" into buf (where omitted when empty) */
const char *nd_err_text(const struct nd_err *err, char *buf, unsigned len);
