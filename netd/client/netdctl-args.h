#pragma once
/*
 * netdctl's verbs and their options, one table: every option is parsed per
 * verb and an unknown one is an error (as virsh: "command 'net-list' doesn't
 * support option --foo"); --socket and -q go anywhere; VERB --help prints the verb's
 * usage. What a verb gets is its arguments in a fixed order: the positional
 * ones first, then the options, each value right after its option.
 */
#include <stdbool.h>
#include <stdio.h>

struct netdctl_opt {
	const char *name;  /* "--all" */
	const char *value; /* NULL: a flag; else what the value is ("MAC") */
	const char *help;
};

struct netdctl_verb {
	const char *name;
	const char *args;  /* positionals, for usage: "NETWORK" */
	int min_args, max_args;
	const char *help;
	struct netdctl_opt opts[14];
};

const struct netdctl_verb *netdctl_verb_find(const char *name);
/* every verb, in --help's order; NULL-terminated */
extern const struct netdctl_verb netdctl_verbs[];
/*
 * Checks argv (argv[0] is the verb) against the verb; *ret_argv is the same
 * arguments in order: positionals, then options ("--mac=X" as "--mac" "X").
 * A --socket PATH anywhere is taken out into *ret_socket, a -q/--quiet
 * (virsh's: no table headers, no "Network X started") into *ret_quiet.
 * 0; 1 when --help was asked (usage printed); -1 after an error message on
 * stderr.
 */
int netdctl_args_parse(const struct netdctl_verb *v, int *argc, char **argv, char ***ret_argv, const char **ret_socket,
		       bool *ret_quiet);
void netdctl_verb_usage(const struct netdctl_verb *v, FILE *f);
