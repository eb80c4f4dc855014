/* libFuzzer: the network XML parser, and the formatter on what it accepts. */
#include <stdint.h>
#include <stdlib.h>

#include "xml/netdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netdef *def = NULL, *again = NULL;
	char *xml = NULL;

	if (netdef_parse_string((const char *)data, size, "fuzz", &def, NULL) == 0 &&
	    netdef_format(def, &xml, NULL) == 0) {
		/* what netd writes, it must read back */
		if (netdef_parse_string(xml, __builtin_strlen(xml), "fuzz-out", &again, NULL) != 0)
			abort();
	}
	free(xml);
	netdef_free(again);
	netdef_free(def);
	return 0;
}
