/* netdctl: the command-line client, with virsh's verbs and output shapes. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/nd-buf.h"
#include "common/nd-cleanup.h"
#include "common/nd-version.h"
#include "netd/client/netdctl-args.h"
#include "netd/client/netdctl-domif.h"
#include "netd/lib/netd-portxml.h"
#include "common/nd-file.h"
#include "netd/client/netd-doctor.h"
#include "netd/lib/netd-client.h"
#include "xml/netdef.h"

static const char *socket_path = NETD_DEFAULT_SOCKET;

static bool quiet; /* -q: no table headers, no "Network X started" */

/* what virsh prints unless -q: a verb's report of what it did */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* One request, one reply. Returns the "result" (owned by *ret_reply) or NULL after printing the error. */
static json_object *call_fds(const char *method, json_object *params, json_object **ret_reply, int *fds, size_t max,
			     size_t *n_fds)
{
	struct netd_conn *c = NULL;
	struct nd_err err = { 0 };
	json_object *res;
	char text[768];

	*ret_reply = NULL;
	if (netd_conn_open(socket_path, 0, &c, &err) < 0) {
		json_object_put(params);
		fail("%s", nd_err_text(&err, text, sizeof(text)));
		return NULL;
	}
	res = netd_call(c, method, params, ret_reply, fds, max, n_fds, &err);
	netd_conn_close(c);
	if (!res)
		fail("%s", nd_err_text(&err, text, sizeof(text)));
	return res;
}

static json_object *call(const char *method, json_object *params, json_object **ret_reply)
{
	return call_fds(method, params, ret_reply, NULL, 0, NULL);
}

/* for doctor: a daemon that does not answer is a finding, not an error message */
static json_object *quiet_call(const char *method, json_object *params, json_object **ret_reply)
{
	int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	json_object *res;

	if (null >= 0)
		dup2(null, 2);
	res = call(method, params, ret_reply);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (null >= 0)
		close(null);
	return res;
}

static json_object *name_params(const char *name)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "name", json_object_new_string(name));
	return p;
}

static const char *str(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static bool flag(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static bool has_opt(int argc, char **argv, const char *opt)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return true;
	return false;
}

static const char *opt_value(int argc, char **argv, const char *opt)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], opt) == 0)
			return argv[i + 1];
	return NULL;
}

/* the nth positional argument: they come first (netdctl_args_parse puts them there), options after */
static const char *positional(int argc, char **argv, int nth)
{
	for (int i = 1; i < argc && strncmp(argv[i], "--", 2) != 0; i++)
		if (nth-- == 0)
			return argv[i];
	return NULL;
}

static int simple(const char *method, int argc, char **argv, const char *done_fmt)
{
	const char *name = positional(argc, argv, 0);
	json_object *reply;

	if (!name)
		return fail("usage: netdctl %s NETWORK", argv[0]);
	if (!call(method, name_params(name), &reply))
		return 1;
	if (done_fmt)
		say(done_fmt, name);
	json_object_put(reply);
	return 0;
}

static int cmd_start(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0);
	json_object *reply, *res;

	if (!name)
		return fail("usage: netdctl net-start NETWORK");
	if (!(res = call("net-start", name_params(name), &reply)))
		return 1;
	if (str(res, "repaired")[0])
		say("Network %s repaired: %s\n", name, str(res, "repaired"));
	else
		say("Network %s started\n", name);
	json_object_put(reply);
	return 0;
}

static int cmd_define(int argc, char **argv, const char *method, const char *done)
{
	const char *file = positional(argc, argv, 0);
	_cleanup_free_ char *xml = NULL;
	struct nd_err err = { 0 };
	json_object *p, *reply, *res;

	if (!file)
		return fail("usage: netdctl %s FILE", argv[0]);
	if (nd_file_read_input(file, 4u << 20, &xml, NULL, &err) < 0)
		return fail("%s: %s", err.where, err.msg);
	p = json_object_new_object();
	json_object_object_add(p, "xml", json_object_new_string(xml));
	if (!(res = call(method, p, &reply)))
		return 1;
	say(done, str(res, "name"), file);
	json_object_put(reply);
	return 0;
}

/* virsh's active/inactive, and netd's passing states (starting, stopping) and failed as they are */
static const char *list_state(json_object *o)
{
	const char *state = str(o, "state");

	if (strcmp(state, "starting") == 0 || strcmp(state, "stopping") == 0 || strcmp(state, "failed") == 0)
		return state;
	return flag(o, "active") ? "active" : "inactive";
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* virsh net-event: "event 'lifecycle' for network NAME: Started" as they happen */
static int cmd_event(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0), *t = opt_value(argc, argv, "--timeout");
	bool loop = has_opt(argc, argv, "--loop"), json = has_opt(argc, argv, "--json");
	long long deadline = -1;
	struct netd_conn *c = NULL;
	struct nd_err err = { 0 };
	json_object *reply, *p = json_object_new_object(), *res;
	unsigned count = 0;
	char *end;

	if (t) {
		long secs = strtol(t, &end, 10);

		if (*end || secs <= 0)
			return fail("--timeout '%s': expected seconds, more than 0", t);
		deadline = now_ms() + secs * 1000;
	}
	if (name)
		json_object_object_add(p, "name", json_object_new_string(name));
	if (netd_conn_open(socket_path, 0, &c, &err) < 0)
		return fail("%s", err.msg);
	if (!(res = netd_call(c, "net-event-register", p, &reply, NULL, 0, NULL, &err))) {
		netd_conn_close(c);
		return fail("%s", err.msg);
	}
	json_object_put(reply);
	for (;;) {
		long long left = deadline < 0 ? -1 : deadline - now_ms();
		json_object *msg = NULL, *params;
		const char *ev;
		int r;

		if (deadline >= 0 && left <= 0)
			break;
		if ((r = netd_conn_recv(c, (int)left, &msg, &err)) == -ETIMEDOUT)
			break;
		if (r < 0) {
			netd_conn_close(c);
			return fail("%s", err.msg);
		}
		if (!json_object_object_get_ex(msg, "params", &params)) {
			json_object_put(msg);
			continue;
		}
		ev = str(params, "event");
		if (json)
			printf("%s\n", json_object_to_json_string_ext(params, JSON_C_TO_STRING_PLAIN));
		else
			printf("event 'lifecycle' for network %s: %c%s\n", str(params, "name"),
			       ev[0] ? ev[0] - 'a' + 'A' : '?', ev[0] ? ev + 1 : "");
		fflush(stdout);
		json_object_put(msg);
		count++;
		if (!loop)
			break;
	}
	netd_conn_close(c);
	if ((!count || loop) && !json)
		printf("events received: %u\n", count);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(str(*(json_object *const *)a, "name"), str(*(json_object *const *)b, "name"));
}

/* virsh's filters: active ones unless --all or --inactive; --persistent/--transient, --autostart/--no-autostart */
static bool list_wants(int argc, char **argv, json_object *o)
{
	bool all = has_opt(argc, argv, "--all"), inactive = has_opt(argc, argv, "--inactive");
	bool active = flag(o, "active");

	if (!all && (inactive ? active : !active))
		return false;
	if (has_opt(argc, argv, "--persistent") != has_opt(argc, argv, "--transient") &&
	    flag(o, "persistent") != has_opt(argc, argv, "--persistent"))
		return false;
	if (has_opt(argc, argv, "--autostart") != has_opt(argc, argv, "--no-autostart") &&
	    flag(o, "autostart") != has_opt(argc, argv, "--autostart"))
		return false;
	return true;
}

static int cmd_list(int argc, char **argv)
{
	bool names = has_opt(argc, argv, "--name"), uuids = has_opt(argc, argv, "--uuid");
	json_object *reply, *res = call("net-list", NULL, &reply), **v;
	size_t n = 0;

	if (!res)
		return 1;
	if (!(v = calloc(json_object_array_length(res) + 1, sizeof(*v))))
		return fail("out of memory");
	for (size_t i = 0; i < json_object_array_length(res); i++)
		if (list_wants(argc, argv, json_object_array_get_idx(res, i)))
			v[n++] = json_object_array_get_idx(res, i);
	qsort(v, n, sizeof(*v), by_name);
	if (has_opt(argc, argv, "--json")) {
		json_object *out = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(out, json_object_get(v[i]));
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY));
		json_object_put(out);
	} else if (names || uuids) {
		for (size_t i = 0; i < n; i++)
			printf("%s%s%s\n", uuids ? str(v[i], "uuid") : "", names && uuids ? " " : "", names ? str(v[i], "name") : "");
	} else {
		int w = 20;

		for (size_t i = 0; i < n; i++)
			if ((int)strlen(str(v[i], "name")) > w)
				w = (int)strlen(str(v[i], "name"));
		if (!quiet) {
			printf(" %-*s %-10s %-12s %s\n", w, "Name", "State", "Autostart", "Persistent");
			printf("%.*s\n", w + 38, "------------------------------------------------------------------------"
			       "--------------------------------------------------------");
		}
		for (size_t i = 0; i < n; i++)
			printf(" %-*s %-10s %-12s %s\n", w, str(v[i], "name"), list_state(v[i]),
			       flag(v[i], "autostart") ? "yes" : "no", flag(v[i], "persistent") ? "yes" : "no");
		if (!quiet)
			printf("\n");
	}
	free(v);
	json_object_put(reply);
	return 0;
}

static int cmd_info(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0);
	json_object *reply, *res, *ovn;

	if (!name)
		return fail("usage: netdctl net-info NETWORK");
	if (!(res = call("net-info", name_params(name), &reply)))
		return 1;
	if (has_opt(argc, argv, "--json")) {
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY));
		json_object_put(reply);
		return 0;
	}
	printf("%-16s%s\n", "Name:", str(res, "name"));
	printf("%-16s%s\n", "UUID:", str(res, "uuid"));
	printf("%-16s%s\n", "Active:", flag(res, "active") ? "yes" : "no");
	printf("%-16s%s\n", "State:", str(res, "state"));
	if (json_object_object_get_ex(res, "failure", NULL))
		printf("%-16s%s\n", "Failure:", str(res, "failure"));
	printf("%-16s%s\n", "Persistent:", flag(res, "persistent") ? "yes" : "no");
	printf("%-16s%s\n", "Autostart:", flag(res, "autostart") ? "yes" : "no");
	printf("%-16s%s\n", "Bridge:", str(res, "bridge"));
	printf("%-16s%s\n", "Forward:", str(res, "forward"));
	if (json_object_object_get_ex(res, "ovn", &ovn)) { /* OVN serves DHCP and DNS: no dnsmasq */
		printf("%-16s%s\n", "OVN NB:", str(ovn, "nb"));
		printf("%-16s%s\n", "OVN switch:", str(ovn, "switch"));
	} else {
		printf("%-16s%s\n", "DHCP/DNS pid:", str(res, "dnsmasq_pid"));
		printf("%-16s%s\n", "DHCP restarts:", str(res, "dnsmasq_restarts"));
	}
	json_object_put(reply);
	return 0;
}

static int cmd_uuid_or_name(int argc, char **argv, bool want_uuid)
{
	const char *key = positional(argc, argv, 0);
	json_object *reply, *res;

	if (!key)
		return fail("usage: netdctl %s %s", argv[0], want_uuid ? "NETWORK" : "UUID");
	if (!(res = call("net-list", NULL, &reply)))
		return 1;
	for (size_t i = 0; i < json_object_array_length(res); i++) {
		json_object *o = json_object_array_get_idx(res, i);

		if (strcmp(str(o, want_uuid ? "name" : "uuid"), key) == 0) {
			if (has_opt(argc, argv, "--json"))
				printf("{ \"name\": %s, \"uuid\": %s }\n",
				       json_object_to_json_string(json_object_object_get(o, "name")),
				       json_object_to_json_string(json_object_object_get(o, "uuid")));
			else
				printf("%s\n", str(o, want_uuid ? "uuid" : "name"));
			json_object_put(reply);
			return 0;
		}
	}
	json_object_put(reply);
	return fail("network '%s' not found", key);
}

static int cmd_dumpxml(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0);
	json_object *reply, *res, *p;

	if (!name)
		return fail("usage: netdctl net-dumpxml NETWORK [--inactive]");
	p = name_params(name);
	json_object_object_add(p, "inactive", json_object_new_boolean(has_opt(argc, argv, "--inactive")));
	if (!(res = call("net-dumpxml", p, &reply)))
		return 1;
	if (has_opt(argc, argv, "--json")) {
		json_object *out = json_object_new_object();

		json_object_object_add(out, "name", json_object_new_string(name));
		json_object_object_add(out, "inactive", json_object_new_boolean(has_opt(argc, argv, "--inactive")));
		json_object_object_add(out, "xml", json_object_new_string(str(res, "xml")));
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY));
		json_object_put(out);
	} else {
		fputs(str(res, "xml"), stdout);
	}
	json_object_put(reply);
	return 0;
}

static int cmd_autostart(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0);
	bool disable = has_opt(argc, argv, "--disable");
	json_object *reply, *p;

	if (!name)
		return fail("usage: netdctl net-autostart NETWORK [--disable]");
	p = name_params(name);
	json_object_object_add(p, "enable", json_object_new_boolean(!disable));
	if (!call("net-autostart", p, &reply))
		return 1;
	say("Network %s %s\n", name, disable ? "unmarked as autostarted" : "marked as autostarted");
	json_object_put(reply);
	return 0;
}

static int cmd_leases(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0), *mac;
	json_object *reply, *res;

	if (!name)
		return fail("usage: netdctl net-dhcp-leases NETWORK [--json]");
	if (!(res = call("net-dhcp-leases", name_params(name), &reply)))
		return 1;
	if ((mac = opt_value(argc, argv, "--mac"))) { /* only this MAC's, whatever its case */
		json_object *only = json_object_new_array();

		for (size_t i = 0; i < json_object_array_length(res); i++)
			if (strcasecmp(str(json_object_array_get_idx(res, i), "mac"), mac) == 0)
				json_object_array_add(only, json_object_get(json_object_array_get_idx(res, i)));
		json_object_object_add(reply, "netdctl-filtered", only); /* freed with the reply */
		res = only;
	}
	if (has_opt(argc, argv, "--json")) {
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY));
		json_object_put(reply);
		return 0;
	}
	if (!quiet) {
		printf(" %-21s %-19s %-10s %-22s %-12s %s\n", "Expiry Time", "MAC address", "Protocol", "IP address",
		       "Hostname", "Client ID or DUID");
		printf("---------------------------------------------------------------------------------------------------"
		       "--------\n");
	}
	for (size_t i = 0; i < json_object_array_length(res); i++) {
		json_object *o = json_object_array_get_idx(res, i), *v;
		char when[32] = "never", ip[64];
		time_t t = 0;

		if (json_object_object_get_ex(o, "expiry", &v))
			t = (time_t)json_object_get_int64(v);
		if (t) {
			struct tm tm;

			localtime_r(&t, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		}
		snprintf(ip, sizeof(ip), "%s%s%s", str(o, "ip"), str(o, "prefix")[0] ? "/" : "", str(o, "prefix"));
		printf(" %-21s %-19s %-10s %-22s %-12s %s\n", when, str(o, "mac")[0] ? str(o, "mac") : "-",
		       str(o, "type"), ip, str(o, "hostname")[0] ? str(o, "hostname") : "-",
		       str(o, "clientid")[0] ? str(o, "clientid") : "-");
	}
	if (!quiet)
		printf("\n");
	json_object_put(reply);
	return 0;
}

/* XML given inline or as a file name, as virsh net-update takes it */
static int read_xml_arg(const char *arg, char **ret)
{
	struct stat st;

	if (arg[0] != '<' && (strcmp(arg, "-") == 0 || stat(arg, &st) == 0))
		return nd_file_read_input(arg, 1u << 20, ret, NULL, NULL);
	*ret = strdup(arg);
	return *ret ? 0 : -ENOMEM;
}

static int cmd_update(int argc, char **argv)
{
	static const char usage[] = "usage: netdctl net-update NETWORK COMMAND SECTION XML-OR-FILE [--live] [--config] "
				    "[--current] [--parent-index N]\n"
				    "  COMMAND: add (add-last), add-first, delete, modify\n"
				    "  SECTION: ip-dhcp-host, ip-dhcp-range, forward-interface, portgroup, dns-host, dns-txt, "
				    "dns-srv";
	const char *pos[4] = { 0 };
	bool live = false, config = false, current = false;
	long index = -1;
	_cleanup_free_ char *xml = NULL;
	json_object *reply, *p;
	int n = 0;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--live") == 0) {
			live = true;
		} else if (strcmp(argv[i], "--config") == 0) {
			config = true;
		} else if (strcmp(argv[i], "--current") == 0) {
			current = true;
		} else if (strcmp(argv[i], "--parent-index") == 0 || strncmp(argv[i], "--parent-index=", 15) == 0) {
			const char *v = argv[i][14] == '=' ? argv[i] + 15 : i + 1 < argc ? argv[++i] : "";

			index = strtol(v, &end, 10);
			if (!*v || *end || index < 0 || index > 1023)
				return fail("--parent-index '%s': expected a number from 0", v);
		} else if (argv[i][0] == '-' && argv[i][1] == '-') {
			return fail("net-update: unknown option '%s'\n%s", argv[i], usage);
		} else if (n < 4) {
			pos[n++] = argv[i];
		} else {
			return fail("net-update: one argument too many: '%s'\n%s", argv[i], usage);
		}
	}
	if (n != 4)
		return fail("%s", usage);
	if (current && (live || config))
		return fail("net-update: --current cannot be combined with --live or --config");
	if (read_xml_arg(pos[3], &xml) < 0)
		return fail("cannot read %s", pos[3]);
	p = name_params(pos[0]);
	json_object_object_add(p, "command", json_object_new_string(pos[1]));
	json_object_object_add(p, "section", json_object_new_string(pos[2]));
	json_object_object_add(p, "xml", json_object_new_string(xml));
	if (live)
		json_object_object_add(p, "live", json_object_new_boolean(true));
	if (config)
		json_object_object_add(p, "config", json_object_new_boolean(true));
	if (index >= 0)
		json_object_object_add(p, "parent_index", json_object_new_int((int)index));
	if (!call("net-update", p, &reply))
		return 1;
	printf("Updated network %s %s\n", pos[0],
	       live && config ? "persistent config and live state" : live ? "live state" : config ? "persistent config" :
	       "(current state)");
	json_object_put(reply);
	return 0;
}

static int run_editor(const char *path)
{
	const char *editor = getenv("VISUAL") ? getenv("VISUAL") : getenv("EDITOR") ? getenv("EDITOR") : "vi";
	char *copy = strdup(editor), *args[16], *save = NULL;
	int n = 0, status;
	pid_t pid;

	if (!copy)
		return -ENOMEM;
	for (char *t = strtok_r(copy, " \t", &save); t && n < 14; t = strtok_r(NULL, " \t", &save))
		args[n++] = t;
	args[n++] = (char *)path;
	args[n] = NULL;
	pid = fork();
	if (pid == 0) {
		execvp(args[0], args);
		_exit(127);
	}
	free(copy);
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECANCELED;
}

static int cmd_edit(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0);
	char path[] = "/tmp/netdctl-edit-XXXXXX.xml";
	_cleanup_free_ char *xml = NULL, *before = NULL;
	struct netdef *def = NULL;
	struct nd_err err = { 0 };
	json_object *reply, *res, *p;
	int fd, rc;

	if (!name)
		return fail("usage: netdctl net-edit NETWORK");
	p = name_params(name);
	json_object_object_add(p, "inactive", json_object_new_boolean(true));
	if (!(res = call("net-dumpxml", p, &reply)))
		return 1;
	fd = mkstemps(path, 4);
	if (fd < 0 || write(fd, str(res, "xml"), strlen(str(res, "xml"))) < 0 || !(before = strdup(str(res, "xml")))) {
		json_object_put(reply);
		return fail("cannot write a temporary file: %s", strerror(errno));
	}
	close(fd);
	json_object_put(reply);
	if (run_editor(path) < 0) {
		unlink(path);
		return fail("editor failed; nothing changed");
	}
	/* validated here, before anything is sent */
	if (netdef_parse_file(path, &def, &err) < 0) {
		char text[768];

		fail("%s (your edit is kept in %s)", nd_err_text(&err, text, sizeof(text)), path);
		return 1;
	}
	netdef_free(def);
	nd_file_read(path, 4u << 20, &xml, NULL, NULL);
	if (xml && strcmp(xml, before) == 0) {
		say("Network %s XML configuration not changed.\n", name);
		unlink(path);
		return 0;
	}
	p = json_object_new_object();
	json_object_object_add(p, "xml", json_object_new_string(xml ? xml : ""));
	rc = call("net-define", p, &reply) ? 0 : 1;
	if (rc == 0) {
		say("Network %s XML configuration edited.\n", name);
		json_object_put(reply);
		unlink(path);
	}
	return rc;
}

static int cmd_validate(int argc, char **argv)
{
	_cleanup_(netdef_freep) struct netdef *def = NULL;
	_cleanup_free_ char *xml = NULL, *in = NULL;
	struct nd_err err = { 0 };
	char text[768];
	size_t len;

	if (argc != 2)
		return fail("usage: netdctl net-validate FILE (- for standard input)");
	if (nd_file_read_input(argv[1], 4u << 20, &in, &len, &err) < 0 ||
	    netdef_parse_string(in, len, strcmp(argv[1], "-") == 0 ? "<stdin>" : argv[1], &def, &err) < 0 ||
	    netdef_format(def, &xml, &err) < 0)
		return fail("%s", nd_err_text(&err, text, sizeof(text)));
	fputs(xml, stdout);
	return 0;
}


static int cmd_port_create(int argc, char **argv)
{
	const char *net = positional(argc, argv, 0), *mac = opt_value(argc, argv, "--mac");
	const char *pg = opt_value(argc, argv, "--portgroup"), *q = opt_value(argc, argv, "--queues");
	const char *ifname = opt_value(argc, argv, "--ifname"), *vlan = opt_value(argc, argv, "--vlan");
	const char *ifid = opt_value(argc, argv, "--interfaceid"), *bw = opt_value(argc, argv, "--bandwidth");
	const char *pname = opt_value(argc, argv, "--name");
	bool persistent = has_opt(argc, argv, "--persistent");
	json_object *reply, *res, *p;

	if (!net)
		return fail("usage: netdctl net-port-create NETWORK [--mac M] [--queues N] [--portgroup P] [--persistent]\n"
			    "       [--ifname EXISTING-IF] [--vlan '<vlan>...</vlan>'] [--interfaceid UUID]\n"
			    "       [--bandwidth '<bandwidth>...</bandwidth>']");
	p = json_object_new_object();
	json_object_object_add(p, "network", json_object_new_string(net));
	if (mac)
		json_object_object_add(p, "mac", json_object_new_string(mac));
	if (pg)
		json_object_object_add(p, "portgroup", json_object_new_string(pg));
	if (q)
		json_object_object_add(p, "queues", json_object_new_int(atoi(q)));
	if (ifname)
		json_object_object_add(p, "ifname", json_object_new_string(ifname));
	if (vlan)
		json_object_object_add(p, "vlan", json_object_new_string(vlan));
	if (bw)
		json_object_object_add(p, "bandwidth", json_object_new_string(bw));
	if (pname)
		json_object_object_add(p, "name", json_object_new_string(pname));
	if (ifid)
		json_object_object_add(p, "interfaceid", json_object_new_string(ifid));
	json_object_object_add(p, "persistent", json_object_new_boolean(persistent));
	if (!(res = call("net-port-create", p, &reply)))
		return 1;
	say("Port %s %s on network %s (mac %s)%s\n", str(res, "port"), ifname ? "attached" : "created", net,
	       str(res, "mac"), persistent ? "" : "; it is removed when netdctl exits: use --persistent, or netd-launch");
	json_object_put(reply);
	return 0;
}

static int cmd_port_list(int argc, char **argv)
{
	const char *net = positional(argc, argv, 0);
	json_object *reply, *res, *p;

	if (!net)
		return fail("usage: netdctl net-port-list NETWORK");
	p = json_object_new_object();
	json_object_object_add(p, "network", json_object_new_string(net));
	if (!(res = call("net-port-list", p, &reply)))
		return 1;
	if (has_opt(argc, argv, "--json")) {
		printf("%s\n", json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY));
		json_object_put(reply);
		return 0;
	}
	if (!quiet) {
		printf(" %-12s %-19s %-12s %-7s %-11s %-7s %-20s %s\n", "Port", "MAC address", "Portgroup", "Queues",
		       "Persistent", "Owner", "VLAN", "Switch");
		printf("-----------------------------------------------------------------------------------------------"
		       "---------\n");
	}
	for (size_t i = 0; i < json_object_array_length(res); i++) {
		json_object *o = json_object_array_get_idx(res, i);

		printf(" %-12s %-19s %-12s %-7s %-11s %-7s %-20s %s\n", str(o, "port"), str(o, "mac"),
		       str(o, "portgroup")[0] ? str(o, "portgroup") : "-", str(o, "queues"),
		       flag(o, "persistent") ? "yes" : "no", str(o, "owner_pid"), str(o, "vlan")[0] ? str(o, "vlan") : "-",
		       flag(o, "ovs") ? "ovs" : "linux");
	}
	if (!quiet)
		printf("\n");
	json_object_put(reply);
	return 0;
}

/* virsh net-port-dumpxml: the port as libvirt's <networkport> (its iface-id is its UUID) */
static int cmd_port_dumpxml(int argc, char **argv)
{
	const char *net = positional(argc, argv, 0), *port = positional(argc, argv, 1);
	json_object *reply, *res, *p = json_object_new_object(), *o = NULL;
	struct nd_buf b = { 0 };

	json_object_object_add(p, "network", json_object_new_string(net));
	if (!(res = call("net-port-list", p, &reply)))
		return 1;
	for (size_t i = 0; i < json_object_array_length(res) && !o; i++)
		if (strcmp(str(json_object_array_get_idx(res, i), "port"), port) == 0)
			o = json_object_array_get_idx(res, i);
	if (!o) {
		json_object_put(reply);
		return fail("network '%s' has no port '%s'", net, port);
	}
	netd_port_xml(o, &b);
	if (nd_buf_error(&b) < 0) {
		json_object_put(reply);
		return fail("out of memory");
	}
	if (has_opt(argc, argv, "--json")) {
		json_object *out = json_object_get(o);

		json_object_object_add(out, "xml", json_object_new_string(b.data));
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY));
		json_object_put(out);
	} else {
		fputs(b.data, stdout);
	}
	json_object_put(reply);
	nd_buf_free(&b);
	return 0;
}

static int cmd_port_delete(int argc, char **argv)
{
	const char *net = positional(argc, argv, 0), *port = positional(argc, argv, 1);
	json_object *reply, *p;

	if (!net || !port)
		return fail("usage: netdctl net-port-delete NETWORK PORT");
	p = json_object_new_object();
	json_object_object_add(p, "network", json_object_new_string(net));
	json_object_object_add(p, "port", json_object_new_string(port));
	if (!call("net-port-delete", p, &reply))
		return 1;
	say("Port %s deleted\n", port);
	json_object_put(reply);
	return 0;
}

/* the libvirt domain <interface> for this network, portgroup or netd port */
static int cmd_domif(int argc, char **argv)
{
	const char *net = positional(argc, argv, 0), *pgname = opt_value(argc, argv, "--portgroup");
	const char *portname = opt_value(argc, argv, "--port"), *mac = opt_value(argc, argv, "--mac"), *bridge;
	json_object *reply = NULL, *info_reply = NULL, *ports_reply = NULL, *res, *info, *p;
	struct netdctl_domif_port port = { 0 };
	bool csum_off = false;
	struct netdef *def = NULL;
	struct nd_err err = { 0 };
	char *out = NULL;
	int r = 1;

	if (portname && (pgname || mac))
		return fail("--port: the port has its portgroup and MAC already (no --portgroup or --mac with it)");
	if (mac && netdef_mac_parse(mac, (uint8_t[6]){ 0 }) < 0)
		return fail("--mac '%s': expected a MAC address such as 52:54:00:12:34:56", mac);
	p = name_params(net);
	json_object_object_add(p, "inactive", json_object_new_boolean(false));
	if (!(res = call("net-dumpxml", p, &reply)) || !(info = call("net-info", name_params(net), &info_reply)))
		goto out;
	if (netdef_parse_string(str(res, "xml"), strlen(str(res, "xml")), net, &def, &err) < 0) {
		fail("%s: %s", err.where, err.msg);
		goto out;
	}
	bridge = str(info, "bridge")[0] ? str(info, "bridge") : def->bridge.name ? def->bridge.name : "";
	csum_off = json_object_object_get_ex(info, "guest_checksum_offload", NULL) && !flag(info, "guest_checksum_offload");
	if (portname) {
		json_object *list, *o = NULL;

		p = json_object_new_object();
		json_object_object_add(p, "network", json_object_new_string(net));
		if (!(list = call("net-port-list", p, &ports_reply)))
			goto out;
		for (size_t i = 0; i < json_object_array_length(list) && !o; i++)
			if (strcmp(str(json_object_array_get_idx(list, i), "port"), portname) == 0)
				o = json_object_array_get_idx(list, i);
		if (!o) {
			fail("network '%s' has no port '%s'", net, portname);
			goto out;
		}
		port.name = portname;
		port.mac = str(o, "mac");
		port.queues = (unsigned)json_object_get_int(json_object_object_get(o, "queues"));
		csum_off = json_object_object_get_ex(o, "guest_checksum_offload", NULL) &&
			   !flag(o, "guest_checksum_offload");
	}
	if (netdctl_domif_render(def, bridge, pgname, portname ? &port : NULL, mac, csum_off, &out, &err) < 0) {
		fail("%s", err.msg);
		goto out;
	}
	fputs(out, stdout);
	r = 0;
out:
	free(out);
	netdef_free(def);
	json_object_put(reply);
	json_object_put(info_reply);
	json_object_put(ports_reply);
	return r;
}

static int cmd_ovn_remove(int argc, char **argv)
{
	const char *name = positional(argc, argv, 0);
	json_object *reply, *p = name_params(name);

	json_object_object_add(p, "force", json_object_new_boolean(has_opt(argc, argv, "--force")));
	if (!call("net-ovn-remove", p, &reply))
		return 1;
	say("Network %s removed from OVN's NB database\n", name);
	json_object_put(reply);
	return 0;
}

/* a port's own <bandwidth> (virsh domiftune's way, for netd's ports): XML inline, or a file */
static int cmd_port_bandwidth(int argc, char **argv)
{
	const char *net = positional(argc, argv, 0), *port = positional(argc, argv, 1), *arg = positional(argc, argv, 2);
	_cleanup_free_ char *text = NULL;
	struct nd_err err = { 0 };
	json_object *reply, *p;

	if (arg[0] && arg[0] != '<' && nd_file_read_input(arg, 1 << 20, &text, NULL, &err) < 0)
		return fail("%s: %s", err.where, err.msg);
	p = json_object_new_object();
	json_object_object_add(p, "network", json_object_new_string(net));
	json_object_object_add(p, "port", json_object_new_string(port));
	json_object_object_add(p, "bandwidth", json_object_new_string(text ? text : arg));
	if (!call("net-port-bandwidth", p, &reply))
		return 1;
	say("Port %s bandwidth %s\n", port, arg[0] ? "changed" : "cleared");
	json_object_put(reply);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: netdctl [--socket PATH] [-q] COMMAND [ARGS] [OPTIONS]   (COMMAND --help: its options)\n"
		   "  -q, --quiet                 no table headers, no reports of what was done (as virsh -q)\n");
	for (const struct netdctl_verb *v = netdctl_verbs; v->name; v++)
		fprintf(f, "  %s%s%-*s %s\n", v->name, v->args[0] ? " " : "", (int)(26 - strlen(v->name)), v->args,
			v->help);
	fprintf(f, "  --version                   netdctl's version\n");
}

int main(int argc, char **argv)
{
	const struct netdctl_verb *verb;
	const char *cmd;
	int r;

	if (getenv("NETD_SOCKET"))
		socket_path = getenv("NETD_SOCKET");
	for (;;) { /* the options before the verb */
		if (argc > 2 && strcmp(argv[1], "--socket") == 0) {
			socket_path = argv[2];
			argc -= 2;
			argv += 2;
		} else if (argc > 1 && (strcmp(argv[1], "-q") == 0 || strcmp(argv[1], "--quiet") == 0)) {
			quiet = true;
			argc--;
			argv++;
		} else {
			break;
		}
	}
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	argc--;
	argv++;
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("netdctl %s\n", ND_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (!(verb = netdctl_verb_find(cmd))) {
		fprintf(stderr, "error: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	if ((r = netdctl_args_parse(verb, &argc, argv, &argv, &socket_path, &quiet)) != 0)
		return r > 0 ? 0 : 1;
	if (strcmp(cmd, "net-validate") == 0) return cmd_validate(argc, argv);
	if (strcmp(cmd, "net-define") == 0) return cmd_define(argc, argv, "net-define", "Network %s defined from %s\n");
	if (strcmp(cmd, "net-create") == 0) return cmd_define(argc, argv, "net-create", "Network %s created from %s\n");
	if (strcmp(cmd, "net-ovn-remove") == 0) return cmd_ovn_remove(argc, argv);
	if (strcmp(cmd, "net-undefine") == 0) return simple("net-undefine", argc, argv, "Network %s has been undefined\n");
	if (strcmp(cmd, "net-start") == 0) return cmd_start(argc, argv);
	if (strcmp(cmd, "net-destroy") == 0) return simple("net-destroy", argc, argv, "Network %s destroyed\n");
	if (strcmp(cmd, "net-list") == 0) return cmd_list(argc, argv);
	if (strcmp(cmd, "net-info") == 0) return cmd_info(argc, argv);
	if (strcmp(cmd, "net-dumpxml") == 0) return cmd_dumpxml(argc, argv);
	if (strcmp(cmd, "net-autostart") == 0) return cmd_autostart(argc, argv);
	if (strcmp(cmd, "net-uuid") == 0) return cmd_uuid_or_name(argc, argv, true);
	if (strcmp(cmd, "net-name") == 0) return cmd_uuid_or_name(argc, argv, false);
	if (strcmp(cmd, "net-dhcp-leases") == 0) return cmd_leases(argc, argv);
	if (strcmp(cmd, "net-update") == 0) return cmd_update(argc, argv);
	if (strcmp(cmd, "net-edit") == 0) return cmd_edit(argc, argv);
	if (strcmp(cmd, "doctor") == 0) return netd_doctor(has_opt(argc, argv, "--json"), quiet_call);
	if (strcmp(cmd, "net-port-create") == 0) return cmd_port_create(argc, argv);
	if (strcmp(cmd, "net-port-list") == 0) return cmd_port_list(argc, argv);
	if (strcmp(cmd, "net-port-delete") == 0) return cmd_port_delete(argc, argv);
	if (strcmp(cmd, "net-event") == 0) return cmd_event(argc, argv);
	if (strcmp(cmd, "net-port-dumpxml") == 0) return cmd_port_dumpxml(argc, argv);
	if (strcmp(cmd, "net-domif-xml") == 0) return cmd_domif(argc, argv);
	if (strcmp(cmd, "net-port-bandwidth") == 0) return cmd_port_bandwidth(argc, argv);
	fprintf(stderr, "error: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
