/* netdctl: the command-line client. net-validate works offline. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/nd-cleanup.h"
#include "xml/netdef.h"

static void print_err(const struct nd_err *err)
{
	char buf[768];

	fprintf(stderr, "error: %s\n", nd_err_text(err, buf, sizeof(buf)));
}

static int cmd_net_validate(int argc, char **argv)
{
	_cleanup_(netdef_freep) struct netdef *def = NULL;
	_cleanup_free_ char *xml = NULL;
	struct nd_err err = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: netdctl net-validate FILE\n");
		return 2;
	}
	if (netdef_parse_file(argv[1], &def, &err) < 0 || netdef_format(def, &xml, &err) < 0) {
		print_err(&err);
		return 1;
	}
	fputs(xml, stdout);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: netdctl COMMAND [ARGS]\n"
		   "  net-validate FILE    check a network definition offline, print it normalized\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "net-validate") == 0)
		return cmd_net_validate(argc - 1, argv + 1);
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "error: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
