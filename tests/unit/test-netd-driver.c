/*
 * The daemon's state machine over fake appliers (struct netd_ops): start as
 * a transaction, undo, teardown failures remembered as 'failed' and retried
 * (also by the next daemon), repair of a transient network that lost its
 * bridge (no use of freed memory: this suite runs under ASan too), adoption
 * only of marked bridges, and object lifetimes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netd/daemon/netd-dnsmasq-log.h"
#include "netd/daemon/netd-net.h"
#include "tests/unit/suites.h"

/* the fake host: what was called, and what is to fail */
static struct {
	char calls[2048];
	unsigned fail_do, fail_undo; /* NETD_LEFT(step) masks */
	unsigned pending;            /* steps that go on in a job when the caller can wait */
	bool bridge_there;
	int owner;
	int readopts;
} host;

static void called(const char *fmt, const char *arg)
{
	size_t off = strlen(host.calls);

	snprintf(host.calls + off, sizeof(host.calls) - off, fmt, arg);
}

static int fake_prepare(struct netd *d, struct netd_net *n, struct nd_err *err)
{
	(void)d;
	(void)err;
	snprintf(n->bridge, sizeof(n->bridge), "%s", n->live->bridge.name);
	n->bridge_created = true;
	called("prepare ", "");
	return 0;
}

static int fake_step(struct netd *d, struct netd_net *n, enum netd_step s, bool undo, struct nd_err *err)
{
	(void)d;
	called(undo ? "-%s " : "+%s ", netd_step_to_string(s));
	if (n->may_defer && (host.pending & NETD_LEFT(s)))
		return NETD_PENDING;
	if ((undo ? host.fail_undo : host.fail_do) & NETD_LEFT(s))
		return nd_err_set(err, -EBUSY, "fake", "%s %s refused", netd_step_to_string(s), undo ? "undo" : "do");
	if (s == NETD_STEP_BRIDGE)
		host.bridge_there = !undo;
	return 0;
}

static bool fake_bridge_present(struct netd *d, struct netd_net *n)
{
	(void)d;
	(void)n;
	return host.bridge_there;
}

static int fake_bridge_owner(struct netd *d, const char *net, const char *bridge, bool created, bool ovs, bool legacy)
{
	(void)d, (void)net, (void)bridge, (void)created, (void)ovs, (void)legacy;
	return host.owner;
}

static int fake_repair(struct netd *d, struct netd_net *n, char *ret, size_t len, struct nd_err *err)
{
	(void)d, (void)n, (void)len, (void)err;
	ret[0] = '\0';
	return 0;
}

static void fake_readopt(struct netd *d)
{
	for (struct netd_net *n = d->nets; n; n = n->next)
		if (n->fw_pending) {
			n->fw_pending = false;
			host.readopts++;
		}
}

static const struct netd_ops fake_ops = {
	.prepare = fake_prepare,
	.step = fake_step,
	.bridge_present = fake_bridge_present,
	.bridge_owner = fake_bridge_owner,
	.repair = fake_repair,
	.firewall_readopt = fake_readopt,
};

static char dir[64];
static struct netd d;

static void setup(void)
{
	char sub[128];

	memset(&host, 0, sizeof(host));
	host.owner = NETD_BRIDGE_OURS;
	snprintf(dir, sizeof(dir), "/tmp/nd-unit-driver.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	memset(&d, 0, sizeof(d));
	d.ops = &fake_ops;
	d.opts.run_dir = d.opts.config_dir = d.opts.state_dir = dir;
	d.epfd = d.listen_fd = d.sig_fd = d.lock_fd = d.reserve_fd = d.resolv_fd = -1;
	snprintf(sub, sizeof(sub), "%s/networks", dir);
	mkdir(sub, 0755);
	snprintf(sub, sizeof(sub), "%s/dnsmasq", dir);
	mkdir(sub, 0755);
}

static void teardown_dir(void)
{
	char cmd[128];

	while (d.nets)
		netd_net_drop(&d, d.nets);
	ck_assert_uint_eq(d.nets_by_name.count, 0);
	ck_assert_uint_eq(d.nets_by_uuid.count, 0);
	nd_hash_free(&d.nets_by_name);
	nd_hash_free(&d.nets_by_uuid);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* a NAT network without DHCP or DNS: bridge, sysctls, link, addresses, routes, firewall, coexistence */
static struct netd_net *add_net(const char *name, bool persistent)
{
	char xml[512];
	struct netdef *def = NULL;
	struct nd_err err = { 0 };
	struct netd_net *n;

	snprintf(xml, sizeof(xml),
		 "<network><name>%s</name><forward mode='nat'/><bridge name='ndu0'/><dns enable='no'/>"
		 "<ip address='192.168.250.1' prefix='24'/></network>", name);
	ck_assert_msg(netdef_parse_string(xml, strlen(xml), "t", &def, &err) == 0, "%s", err.msg);
	ck_assert_ptr_nonnull(n = netd_net_add(&d, def));
	if (persistent)
		n->def = def;
	else
		n->live = def;
	return n;
}

static bool record_exists(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/networks/%s.json", dir, name);
	return access(path, F_OK) == 0;
}

START_TEST(test_start_all_steps)
{
	struct netd_net *n = add_net("a", true);
	struct nd_err err = { 0 };

	ck_assert_int_eq(netd_net_start(&d, n, &err), 0);
	ck_assert_str_eq(host.calls, "prepare +bridge +sysctls +link up +addresses +routes +firewall +coexistence ");
	ck_assert_int_eq(n->state, NETD_NET_ACTIVE);
	ck_assert(record_exists("a"));
	host.calls[0] = '\0';
	ck_assert_int_eq(netd_net_stop(&d, n, &err), 0);
	ck_assert_str_eq(host.calls, "-coexistence -firewall -routes -addresses -link up -sysctls -bridge ");
	ck_assert_int_eq(n->state, NETD_NET_INACTIVE);
	ck_assert(!record_exists("a"));
	ck_assert_ptr_null(n->live);
}
END_TEST

START_TEST(test_start_fails_undoes)
{
	struct netd_net *n = add_net("b", true);
	struct nd_err err = { 0 };

	host.fail_do = NETD_LEFT(NETD_STEP_FIREWALL);
	ck_assert_int_eq(netd_net_start(&d, n, &err), -EBUSY);
	ck_assert_msg(strstr(err.msg, "step 'firewall' failed"), "%s", err.msg);
	ck_assert_msg(strstr(host.calls, "+firewall -routes -addresses -link up -sysctls -bridge "), "%s", host.calls);
	ck_assert_int_eq(n->state, NETD_NET_INACTIVE);
	ck_assert(!record_exists("b"));
	ck_assert(!host.bridge_there);
}
END_TEST

/* an undo that fails is remembered, not forgotten: 'failed', and the next stop retries it */
START_TEST(test_failed_teardown_remembered)
{
	struct netd_net *n = add_net("c", true);
	struct nd_err err = { 0 };

	ck_assert_int_eq(netd_net_start(&d, n, &err), 0);
	host.fail_undo = NETD_LEFT(NETD_STEP_BRIDGE);
	ck_assert_int_lt(netd_net_stop(&d, n, &err), 0);
	ck_assert_msg(strstr(err.msg, "stays 'failed'"), "%s", err.msg);
	ck_assert_int_eq(n->state, NETD_NET_FAILED);
	ck_assert_uint_eq(n->leftovers, NETD_LEFT(NETD_STEP_BRIDGE));
	ck_assert_msg(strstr(n->failure, "left behind: bridge"), "%s", n->failure);
	ck_assert(record_exists("c"));
	ck_assert_str_eq(n->bridge, "ndu0");
	/* the retry touches only what was left */
	host.fail_undo = 0;
	host.calls[0] = '\0';
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(netd_net_stop(&d, n, &err), 0);
	ck_assert_str_eq(host.calls, "-bridge ");
	ck_assert_int_eq(n->state, NETD_NET_INACTIVE);
	ck_assert(!record_exists("c"));
}
END_TEST

/* a start that fails and whose undo fails too: failed, and a later start cleans up first */
START_TEST(test_failed_start_then_start)
{
	struct netd_net *n = add_net("e", true);
	struct nd_err err = { 0 };

	host.fail_do = NETD_LEFT(NETD_STEP_ROUTES);
	host.fail_undo = NETD_LEFT(NETD_STEP_BRIDGE);
	ck_assert_int_lt(netd_net_start(&d, n, &err), 0);
	ck_assert_int_eq(n->state, NETD_NET_FAILED);
	host.fail_do = host.fail_undo = 0;
	host.calls[0] = '\0';
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(netd_net_start(&d, n, &err), 0);
	ck_assert_msg(strncmp(host.calls, "-bridge prepare +bridge", 23) == 0, "%s", host.calls);
	ck_assert_int_eq(n->state, NETD_NET_ACTIVE);
}
END_TEST

/* the next daemon finds the 'failed' record and retries the teardown */
START_TEST(test_failed_record_retried_by_next_daemon)
{
	struct netd_net *n = add_net("f", true);
	struct nd_err err = { 0 };

	ck_assert_int_eq(netd_net_start(&d, n, &err), 0);
	host.fail_undo = NETD_LEFT(NETD_STEP_FIREWALL);
	ck_assert_int_lt(netd_net_stop(&d, n, &err), 0);
	ck_assert(record_exists("f"));
	/* a new daemon over the same run dir */
	while (d.nets)
		netd_net_drop(&d, d.nets);
	host.fail_undo = 0;
	host.calls[0] = '\0';
	netd_adopt_running(&d);
	ck_assert_str_eq(host.calls, "-firewall ");
	ck_assert(!record_exists("f"));
}
END_TEST

/* net-start of a transient network whose bridge is gone: it leaves the registry, the caller's reference stays good */
START_TEST(test_repair_transient_no_use_after_free)
{
	struct netd_net *n = add_net("t", false);
	struct nd_err err = { 0 };
	char repairs[128];

	ck_assert_int_eq(netd_net_start(&d, n, &err), 0);
	netd_net_ref(n); /* what a method call holds */
	host.bridge_there = false;
	ck_assert_int_eq(netd_net_repair(&d, n, repairs, sizeof(repairs), &err), -ENODEV);
	ck_assert_msg(strstr(err.msg, "is gone"), "%s", err.msg);
	ck_assert(!n->in_registry);
	ck_assert_ptr_null(netd_net_find(&d, "t"));
	ck_assert_str_eq(netd_net_name(n), "t");
	netd_net_unref(n);
}
END_TEST

/*
 * A step waiting for another program (OVS add-br/del-br): the start or stop
 * returns at once, the network is busy meanwhile, and the job's end carries
 * it on (or back).
 */
START_TEST(test_pending_steps)
{
	struct netd_net *n = add_net("p", true);
	struct nd_err err = { 0 };
	struct nd_err fail = { .code = -EIO, .msg = "ovs-vsctl: no answer" };

	host.pending = NETD_LEFT(NETD_STEP_BRIDGE);
	n->may_defer = true;
	ck_assert_int_eq(netd_net_start(&d, n, &err), NETD_PENDING);
	n->may_defer = false;
	ck_assert_int_eq(n->state, NETD_NET_STARTING);
	ck_assert_str_eq(host.calls, "prepare +bridge ");
	ck_assert_int_eq(netd_net_start(&d, n, &err), -EBUSY);
	ck_assert_msg(strstr(err.msg, "is starting"), "%s", err.msg);
	ck_assert_int_eq(netd_net_stop(&d, n, &err), -EBUSY);
	netd_net_step_done(&d, n, 0, NULL);
	ck_assert_int_eq(n->state, NETD_NET_ACTIVE);
	ck_assert_msg(strstr(host.calls, "+bridge +sysctls +link up +addresses +routes +firewall"), "%s", host.calls);

	/* the stop: every other undo at once, the bridge's in a job that fails */
	host.calls[0] = '\0';
	n->may_defer = true;
	ck_assert_int_eq(netd_net_stop(&d, n, &err), NETD_PENDING);
	n->may_defer = false;
	ck_assert_int_eq(n->state, NETD_NET_STOPPING);
	ck_assert_msg(strstr(host.calls, "-firewall") && strstr(host.calls, "-bridge"), "%s", host.calls);
	netd_net_step_done(&d, n, -EIO, &fail);
	ck_assert_int_eq(n->state, NETD_NET_FAILED);
	ck_assert_uint_eq(n->leftovers, NETD_LEFT(NETD_STEP_BRIDGE));

	/* the retry goes at once (a start after a failed stop); then a start whose bridge job fails undoes nothing */
	host.pending = 0;
	ck_assert_int_eq(netd_net_stop(&d, n, &err), 0);
	ck_assert_int_eq(n->state, NETD_NET_INACTIVE);
	host.pending = NETD_LEFT(NETD_STEP_BRIDGE);
	host.calls[0] = '\0';
	n->may_defer = true;
	ck_assert_int_eq(netd_net_start(&d, n, &err), NETD_PENDING);
	n->may_defer = false;
	netd_net_step_done(&d, n, -EIO, &fail);
	ck_assert_int_eq(n->state, NETD_NET_INACTIVE);
	ck_assert_str_eq(host.calls, "prepare +bridge ");
	ck_assert(!record_exists("p"));
	host.pending = 0;
}
END_TEST

/* the registry finds a network by name and by UUID among thousands, keeps their order, and forgets a dropped one */
START_TEST(test_registry_index)
{
	enum { N = 3000 };
	static struct netd_net *nets[N];
	char name[32], uuid[37];

	for (int i = 0; i < N; i++) {
		struct netdef *def = calloc(1, sizeof(*def));

		ck_assert_ptr_nonnull(def);
		snprintf(name, sizeof(name), "net%d", i);
		ck_assert_ptr_nonnull(def->name = strdup(name));
		def->uuid[0] = (uint8_t)(i >> 8);
		def->uuid[1] = (uint8_t)i;
		def->uuid[15] = 0x42;
		ck_assert_ptr_nonnull(nets[i] = netd_net_add(&d, def));
		nets[i]->def = def;
	}
	ck_assert_ptr_eq(d.nets, nets[0]);
	ck_assert_ptr_eq(d.nets_tail, nets[N - 1]);
	ck_assert_ptr_eq(netd_net_find(&d, "net1234"), nets[1234]);
	netdef_uuid_format(nets[2999]->uuid, uuid);
	ck_assert_ptr_eq(netd_net_lookup(&d, uuid), nets[2999]);
	ck_assert_ptr_null(netd_net_find(&d, "net3000"));
	netd_net_drop(&d, nets[1234]);
	netd_net_drop(&d, nets[0]);
	netd_net_drop(&d, nets[N - 1]);
	ck_assert_ptr_null(netd_net_find(&d, "net1234"));
	ck_assert_ptr_null(netd_net_lookup(&d, uuid));
	ck_assert_ptr_eq(netd_net_find(&d, "net1235"), nets[1235]);
	ck_assert_ptr_eq(d.nets, nets[1]);
	ck_assert_ptr_eq(d.nets_tail, nets[N - 2]);
	ck_assert_ptr_eq(nets[1233]->next, nets[1235]);
	ck_assert_ptr_eq(nets[1235]->prev, nets[1233]);
	ck_assert_uint_eq(d.nets_by_name.count, N - 3);
}
END_TEST

/* after a restart: a recorded network is adopted only when its bridge carries netd's mark */
START_TEST(test_adopt_only_marked)
{
	struct netd_net *n = add_net("g", true), *h = add_net("h", true);
	struct nd_err err = { 0 };

	ck_assert_int_eq(netd_net_start(&d, n, &err), 0);
	snprintf(h->def->bridge.name, 5, "ndu1");
	ck_assert_int_eq(netd_net_start(&d, h, &err), 0);
	while (d.nets)
		netd_net_drop(&d, d.nets);
	host.calls[0] = '\0';
	host.owner = NETD_BRIDGE_FOREIGN;
	netd_adopt_running(&d);
	/* a foreign bridge of that name: not adopted, and not deleted (no bridge undo) */
	ck_assert_ptr_null(d.nets);
	ck_assert_msg(!strstr(host.calls, "-bridge"), "%s", host.calls);
	ck_assert(!record_exists("g"));
}
END_TEST

START_TEST(test_adopt_marked)
{
	struct netd_net *n = add_net("m", true);
	struct nd_err err = { 0 };

	ck_assert_int_eq(netd_net_start(&d, n, &err), 0);
	while (d.nets)
		netd_net_drop(&d, d.nets);
	host.calls[0] = '\0';
	netd_adopt_running(&d);
	ck_assert_ptr_nonnull(d.nets);
	ck_assert_int_eq(d.nets->state, NETD_NET_ACTIVE);
	ck_assert_str_eq(d.nets->bridge, "ndu0");
	ck_assert_int_eq(host.readopts, 1);
	ck_assert_str_eq(host.calls, "");
}
END_TEST

START_TEST(test_refcount)
{
	struct netd_net *n = add_net("r", true);

	netd_net_ref(n);
	netd_net_drop(&d, n);
	ck_assert(!n->in_registry);
	ck_assert_uint_eq(n->refs, 1);
	ck_assert_str_eq(netd_net_name(n), "r");
	netd_net_unref(n);
	ck_assert_int_eq(netd_net_state_from_string("failed"), NETD_NET_FAILED);
	ck_assert_str_eq(netd_net_state_to_string(NETD_NET_STOPPING), "stopping");
}
END_TEST

START_TEST(test_dnsmasq_log_size)
{
	unsigned long long v = 0;

	ck_assert(netd_dnsmasq_log_parse_size("2048", &v) && v == 2048);
	ck_assert(netd_dnsmasq_log_parse_size("512K", &v) && v == 512 * 1024);
	ck_assert(netd_dnsmasq_log_parse_size("4M", &v) && v == 4ULL << 20);
	ck_assert(netd_dnsmasq_log_parse_size("1g", &v) && v == 1ULL << 30);
	ck_assert(!netd_dnsmasq_log_parse_size("0", &v));
	ck_assert(!netd_dnsmasq_log_parse_size("12Q", &v));
	ck_assert(!netd_dnsmasq_log_parse_size("-1", &v));
	ck_assert(!netd_dnsmasq_log_parse_size("", &v));
	ck_assert(!netd_dnsmasq_log_parse_size("2M ", &v));
	ck_assert(!netd_dnsmasq_log_parse_size("99999999999G", &v));
}
END_TEST

Suite *make_netd_driver_suite(void)
{
	Suite *s = suite_create("netd-driver");
	TCase *tc = tcase_create("state machine");

	tcase_add_checked_fixture(tc, setup, teardown_dir);
	tcase_add_test(tc, test_start_all_steps);
	tcase_add_test(tc, test_start_fails_undoes);
	tcase_add_test(tc, test_failed_teardown_remembered);
	tcase_add_test(tc, test_failed_start_then_start);
	tcase_add_test(tc, test_failed_record_retried_by_next_daemon);
	tcase_add_test(tc, test_repair_transient_no_use_after_free);
	tcase_add_test(tc, test_adopt_only_marked);
	tcase_add_test(tc, test_adopt_marked);
	tcase_add_test(tc, test_registry_index);
	tcase_add_test(tc, test_pending_steps);
	tcase_add_test(tc, test_refcount);
	tcase_add_test(tc, test_dnsmasq_log_size);
	suite_add_tcase(s, tc);
	return s;
}
