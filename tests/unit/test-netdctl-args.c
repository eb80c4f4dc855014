/* netdctl's per-verb arguments: unknown options are errors, values are taken, the order is fixed. */
#include <stdlib.h>
#include <string.h>

#include "netd/client/netdctl-args.h"
#include "tests/unit/suites.h"

static int parse(const char *verb, char **args, int n, char ***out, int *outc, const char **sock)
{
	char *argv[16] = { (char *)verb };

	for (int i = 0; i < n; i++)
		argv[1 + i] = args[i];
	*outc = n + 1;
	bool quiet = false;

	return netdctl_args_parse(netdctl_verb_find(verb), outc, argv, out, sock, &quiet);
}

START_TEST(test_unknown_options_refused)
{
	char *a1[] = { "--al" }, *a2[] = { "x", "--mac" }, *a3[] = { "one", "two" }, *a4[] = { "--all=yes" };
	const char *sock = NULL;
	char **out;
	int n;

	ck_assert_int_eq(parse("net-list", a1, 1, &out, &n, &sock), -1);   /* a typo */
	ck_assert_int_eq(parse("net-dhcp-leases", a2, 2, &out, &n, &sock), -1); /* a value missing */
	ck_assert_int_eq(parse("net-start", a3, 2, &out, &n, &sock), -1);  /* one argument too many */
	ck_assert_int_eq(parse("net-list", a4, 1, &out, &n, &sock), -1);   /* a flag with a value */
	ck_assert_ptr_null(netdctl_verb_find("net-lsit"));
}
END_TEST

START_TEST(test_order_and_values)
{
	char *a[] = { "--mac=52:54:00:00:00:01", "--socket", "/tmp/s", "lab", "--portgroup", "web", "--persistent" };
	const char *sock = NULL;
	char **out;
	int n;

	ck_assert_int_eq(parse("net-port-create", a, 7, &out, &n, &sock), 0);
	ck_assert_str_eq(sock, "/tmp/s"); /* --socket after the verb is taken, not dropped */
	ck_assert_int_eq(n, 7);
	ck_assert_str_eq(out[1], "lab"); /* positionals first */
	ck_assert_str_eq(out[2], "--mac");
	ck_assert_str_eq(out[3], "52:54:00:00:00:01");
	ck_assert_str_eq(out[4], "--portgroup");
	ck_assert_str_eq(out[5], "web");
	ck_assert_str_eq(out[6], "--persistent");
	free(out);
	/* "-" is standard input, a positional */
	{
		char *b[] = { "-" };

		ck_assert_int_eq(parse("net-define", b, 1, &out, &n, &sock), 0);
		ck_assert_str_eq(out[1], "-");
		free(out);
	}
	/* -q anywhere is taken out, as --socket is */
	{
		char *c[] = { "lab", "-q", "--json" }, *argv[] = { "net-info", c[0], c[1], c[2] };
		bool quiet = false;
		int k = 4;

		ck_assert_int_eq(netdctl_args_parse(netdctl_verb_find("net-info"), &k, argv, &out, &sock, &quiet), 0);
		ck_assert(quiet);
		ck_assert_int_eq(k, 3);
		ck_assert_str_eq(out[1], "lab");
		ck_assert_str_eq(out[2], "--json");
		free(out);
	}
	/* every read verb speaks JSON */
	{
		static const char *const readers[] = { "net-list", "net-info", "net-dumpxml", "net-uuid", "net-name",
						       "net-dhcp-leases", "net-port-list", "net-port-dumpxml",
						       "net-event", "doctor" };

		for (size_t i = 0; i < sizeof(readers) / sizeof(readers[0]); i++) {
			bool json = false;

			for (const struct netdctl_opt *o = netdctl_verb_find(readers[i])->opts; o->name; o++)
				json |= strcmp(o->name, "--json") == 0;
			ck_assert_msg(json, "%s has no --json", readers[i]);
		}
	}
	/* every verb has a help line and its options a help each */
	for (const struct netdctl_verb *v = netdctl_verbs; v->name; v++) {
		ck_assert_ptr_nonnull(v->help);
		for (const struct netdctl_opt *o = v->opts; o->name; o++)
			ck_assert_msg(o->help && strncmp(o->name, "--", 2) == 0, "%s %s", v->name, o->name);
	}
}
END_TEST

Suite *make_netdctl_args_suite(void)
{
	Suite *s = suite_create("netdctl-args");
	TCase *tc = tcase_create("args");

	tcase_add_test(tc, test_unknown_options_refused);
	tcase_add_test(tc, test_order_and_values);
	suite_add_tcase(s, tc);
	return s;
}
