/* Argument arrays for the children netd execs (ovs-vsctl, ovn-nbctl): built
 * a value at a time, out of memory remembered until the end. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tapdev/tapdev.h"

void tapdev_argv_add(struct tapdev_argv *a, const char *s)
{
	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		char **v = realloc(a->v, cap * sizeof(char *));

		if (!v) {
			a->oom = true;
			return;
		}
		a->v = v;
		a->cap = cap;
	}
	if (!(a->v[a->n] = strdup(s))) {
		a->oom = true;
		return;
	}
	a->n++;
	a->v[a->n] = NULL;
}

void tapdev_argv_addf(struct tapdev_argv *a, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(buf)) { /* never a cut value */
		a->oom = true;
		return;
	}
	tapdev_argv_add(a, buf);
}

int tapdev_argv_finish(struct tapdev_argv *a, const char *who, char ***ret, struct nd_err *err)
{
	if (a->oom || !a->v) {
		tapdev_argv_free(a->v);
		*a = (struct tapdev_argv){ 0 };
		return nd_err_set(err, -ENOMEM, who, "out of memory (or a value too long) building %s's arguments", who);
	}
	*ret = a->v;
	*a = (struct tapdev_argv){ 0 };
	return 0;
}
