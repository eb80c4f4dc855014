/* Interface names from templates ("virbr%d", "vnet%d"). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "tapdev/tapdev.h"

int tapdev_name_from_template(const char *tmpl, bool (*in_use)(const char *name, void *ud), void *ud,
			      char ret[16], struct nd_err *err)
{
	const char *pct = strstr(tmpl, "%d");

	if (!pct) {
		if (strlen(tmpl) >= IFNAMSIZ)
			return nd_err_set(err, -ENAMETOOLONG, tmpl, "interface name too long");
		snprintf(ret, IFNAMSIZ, "%s", tmpl);
		return 0;
	}
	for (int i = 0; i < 100000; i++) {
		char name[64];
		int n = snprintf(name, sizeof(name), "%.*s%d%s", (int)(pct - tmpl), tmpl, i, pct + 2);

		if (n >= IFNAMSIZ)
			break;
		if (!in_use(name, ud)) {
			memcpy(ret, name, (size_t)n + 1);
			return 0;
		}
	}
	return nd_err_set(err, -ENOSPC, tmpl, "no free interface name for template '%s'", tmpl);
}
