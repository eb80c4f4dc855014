/* netdctl's verb table and its per-verb argument check (netdctl-args.h). */
#include "netd/client/netdctl-args.h"

#include <stdlib.h>
#include <string.h>

#define JSON { "--json", NULL, "machine-readable output" }

const struct netdctl_verb netdctl_verbs[] = {
	{ "net-define", "FILE", 1, 1, "define a persistent network (FILE - reads standard input)", { { 0 } } },
	{ "net-create", "FILE", 1, 1, "create and start a transient network", { { 0 } } },
	{ "net-undefine", "NETWORK", 1, 1, "remove a persistent definition", { { 0 } } },
	{ "net-start", "NETWORK", 1, 1, "start a defined network (on an active one: put back what is missing)", { { 0 } } },
	{ "net-destroy", "NETWORK", 1, 1, "stop a network", { { 0 } } },
	{ "net-list", "", 0, 0, "list networks (active ones unless asked otherwise), by name",
	  { { "--all", NULL, "active and inactive" }, { "--inactive", NULL, "inactive only" },
	    { "--persistent", NULL, "persistent only" }, { "--transient", NULL, "transient only" },
	    { "--autostart", NULL, "those that autostart" }, { "--no-autostart", NULL, "those that do not" },
	    { "--name", NULL, "names only" }, { "--uuid", NULL, "UUIDs only" }, { "--table", NULL, "a table (default)" },
	    JSON } },
	{ "net-info", "NETWORK", 1, 1, "a network's state, bridge and dnsmasq", { JSON } },
	{ "net-dumpxml", "NETWORK", 1, 1, "the running definition", { { "--inactive", NULL, "the persistent one" }, JSON } },
	{ "net-autostart", "NETWORK", 1, 1, "start it with netd", { { "--disable", NULL, "no longer" } } },
	{ "net-uuid", "NETWORK", 1, 1, "a network's UUID", { JSON } },
	{ "net-name", "UUID", 1, 1, "a network's name", { JSON } },
	{ "net-dhcp-leases", "NETWORK", 1, 1, "the leases of an active network",
	  { { "--mac", "MAC", "only this MAC's" }, JSON } },
	{ "net-edit", "NETWORK", 1, 1, "edit with $EDITOR, validated before it is sent", { { 0 } } },
	{ "net-update", "NETWORK COMMAND SECTION XML-OR-FILE", 4, 4,
	  "change a section, as virsh (COMMAND add|add-first|delete|modify)",
	  { { "--live", NULL, "the running network" }, { "--config", NULL, "the persistent definition" },
	    { "--current", NULL, "the running network, or the definition when inactive (default)" },
	    { "--parent-index", "N", "the <ip> element (0-based)" } } },
	{ "net-port-create", "NETWORK", 1, 1, "a TAP port (kept while netdctl runs unless --persistent) or an existing interface",
	  { { "--mac", "MAC", "the guest's MAC" }, { "--queues", "N", "TAP queue pairs" },
	    { "--portgroup", "PG", "its portgroup" }, { "--persistent", NULL, "outlives netdctl" },
	    { "--ifname", "IF", "attach this existing interface" }, { "--vlan", "XML", "its own <vlan>" },
	    { "--interfaceid", "UUID", "external_ids:iface-id on OVS" },
	    { "--bandwidth", "XML", "its own <bandwidth>" },
	    { "--name", "NAME", "the TAP's name (e.g. a libvirt domain's <target dev='NAME' managed='no'/>)" } } },
	{ "net-port-list", "NETWORK", 1, 1, "a network's ports", { JSON } },
	{ "net-port-delete", "NETWORK PORT", 2, 2, "remove a port", { { 0 } } },
	{ "net-port-dumpxml", "NETWORK PORT", 2, 2, "a port as libvirt's <networkport>", { JSON } },
	{ "net-port-bandwidth", "NETWORK PORT XML-OR-FILE", 3, 3,
	  "a port's own <bandwidth>, changed live ('' clears it)", { { 0 } } },
	{ "net-domif-xml", "NETWORK", 1, 1, "the <interface> a libvirt domain needs to use this network",
	  { { "--portgroup", "PG", "on this portgroup (default: the default one)" },
	    { "--mac", "MAC", "with this MAC" },
	    { "--port", "TAP", "on this netd port: type='ethernet' (VLANs on a Linux bridge, floors)" } } },
	{ "net-ovn-remove", "NETWORK", 1, 1, "an OVN network's switch, router, DHCP and DNS rows out of OVN's NB "
	  "(inactive here; refused while other hosts have ports on it)",
	  { { "--force", NULL, "even with other hosts' ports on it" } } },
	{ "net-validate", "FILE", 1, 1, "check a definition offline, print it normalized", { { 0 } } },
	{ "net-event", "[NETWORK]", 0, 1, "lifecycle events as they happen (the first one, or --loop)",
	  { { "--loop", NULL, "every event until --timeout or interrupted" },
	    { "--timeout", "SECONDS", "stop waiting after this long" }, { "--json", NULL, "one JSON object per event" } } },
	{ "doctor", "", 0, 0, "what works on this host and what is in the way", { JSON } },
	{ NULL, NULL, 0, 0, NULL, { { 0 } } },
};

const struct netdctl_verb *netdctl_verb_find(const char *name)
{
	for (const struct netdctl_verb *v = netdctl_verbs; v->name; v++)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

void netdctl_verb_usage(const struct netdctl_verb *v, FILE *f)
{
	fprintf(f, "usage: netdctl %s%s%s%s\n  %s\n", v->name, v->args[0] ? " " : "", v->args,
		v->opts[0].name ? " [OPTIONS]" : "", v->help);
	for (const struct netdctl_opt *o = v->opts; o->name; o++)
		fprintf(f, "  %s%s%-*s %s\n", o->name, o->value ? " " : "", (int)(22 - strlen(o->name)),
			o->value ? o->value : "", o->help);
}

static const struct netdctl_opt *opt_find(const struct netdctl_verb *v, const char *name, size_t len)
{
	for (const struct netdctl_opt *o = v->opts; o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

int netdctl_args_parse(const struct netdctl_verb *v, int *argc, char **argv, char ***ret_argv, const char **ret_socket,
		       bool *ret_quiet)
{
	char **out;
	char **pos = calloc((size_t)*argc + 1, sizeof(*pos)), **opts = calloc((size_t)*argc * 2 + 1, sizeof(*opts));
	int np = 0, no = 0;

	if (!pos || !opts) {
		free(pos);
		free(opts);
		fprintf(stderr, "error: out of memory\n");
		return -1;
	}
	for (int i = 1; i < *argc; i++) {
		char *a = argv[i], *eq = strchr(a, '=');
		const struct netdctl_opt *o;
		size_t len = eq ? (size_t)(eq - a) : strlen(a);

		if (a[0] != '-' || strcmp(a, "-") == 0) { /* "-" is standard input */
			pos[np++] = a;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			netdctl_verb_usage(v, stdout);
			free(pos);
			free(opts);
			return 1;
		}
		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			*ret_quiet = true;
			continue;
		}
		if (strncmp(a, "--socket", len) == 0 && len == 8) {
			if (!eq && i + 1 >= *argc)
				goto needs_value;
			*ret_socket = eq ? eq + 1 : argv[++i];
			continue;
		}
		if (!(o = opt_find(v, a, len))) {
			fprintf(stderr, "error: command '%s' doesn't support option %.*s\n", v->name, (int)len, a);
			goto bad;
		}
		if (!o->value && eq) {
			fprintf(stderr, "error: command '%s': option %s takes no value\n", v->name, o->name);
			goto bad;
		}
		opts[no++] = (char *)o->name;
		if (o->value) {
			if (!eq && i + 1 >= *argc) {
			needs_value:
				fprintf(stderr, "error: command '%s': option %.*s needs a value\n", v->name, (int)len, a);
				goto bad;
			}
			opts[no++] = eq ? eq + 1 : argv[++i];
		}
	}
	if (np < v->min_args || np > v->max_args) {
		fprintf(stderr, "error: command '%s' takes %s%s\n", v->name, v->args[0] ? v->args : "no argument",
			np > v->max_args ? " (one argument too many)" : "");
		netdctl_verb_usage(v, stderr);
		goto bad;
	}
	if (!(out = calloc((size_t)(np + no + 2), sizeof(*out)))) {
		fprintf(stderr, "error: out of memory\n");
		goto bad;
	}
	out[0] = argv[0];
	for (int i = 0; i < np; i++)
		out[1 + i] = pos[i];
	for (int i = 0; i < no; i++)
		out[1 + np + i] = opts[i];
	*argc = 1 + np + no;
	*ret_argv = out; /* for the process's life */
	free(pos);
	free(opts);
	return 0;
bad:
	free(pos);
	free(opts);
	return -1;
}
