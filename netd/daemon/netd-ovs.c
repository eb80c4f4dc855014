/* Open vSwitch through ovs-vsctl (argv from tapdev/tapdev-ovs.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "netd/daemon/netd-log.h"
#include "netd/daemon/netd-dnsmasq.h"
#include "netd/daemon/netd-host.h"
#include "netd/daemon/netd-net.h"
#include "tapdev/tapdev.h"

static void ovs_cfg(const struct netd *d, struct tapdev_ovs *o)
{
	static char db[4096];

	o->vsctl = "ovs-vsctl";
	o->db = d->opts.ovs_db ? d->opts.ovs_db : tapdev_ovs_default_db(db, sizeof(db));
	o->timeout_s = 5;
}

static int run(char **argv, struct nd_err *err)
{
	int status, r;

	r = tapdev_ovs_run(argv, 5, &status, err);
	tapdev_argv_free(argv);
	return r;
}

int netd_ovs_bridge_argv(struct netd *d, enum netd_ovs_br_verb verb, const char *bridge, char ***ret,
			 struct nd_err *err)
{
	struct tapdev_ovs o;

	ovs_cfg(d, &o);
	switch (verb) {
	case NETD_OVS_BR_EXISTS:
		return tapdev_ovs_argv_br_exists(&o, bridge, ret, err);
	case NETD_OVS_BR_ADD: {
		const char *dp = tapdev_ovs_kernel_datapath() ? "system" : "netdev";

		if (strcmp(dp, "netdev") == 0)
			netd_log(NETD_LOG_INFO, bridge, "no openvswitch kernel module: OVS bridge uses the userspace datapath");
		return tapdev_ovs_argv_add_br(&o, bridge, dp, ret, err);
	}
	case NETD_OVS_BR_DEL:
		return tapdev_ovs_argv_del_br(&o, bridge, ret, err);
	}
	return nd_err_set(err, -EINVAL, bridge, "unknown OVS bridge verb");
}

int netd_ovs_bridge_run(struct netd *d, enum netd_ovs_br_verb verb, const char *bridge, struct nd_err *err)
{
	char **argv;
	int r;

	if ((r = netd_ovs_bridge_argv(d, verb, bridge, &argv, err)) < 0)
		return r;
	r = run(argv, err);
	if (verb == NETD_OVS_BR_EXISTS)
		return r == 0 ? 1 : r == -ENOENT ? 0 : r;
	return r;
}

int netd_ovs_port_argvs(struct netd *d, const struct tapdev_ovs_port *p, char ***ret_del, char ***ret_add,
			struct nd_err *err)
{
	struct tapdev_ovs o;
	int r;

	ovs_cfg(d, &o);
	*ret_del = *ret_add = NULL;
	if ((r = tapdev_ovs_argv_del_port(&o, NULL, p->port, ret_del, err)) < 0)
		return r;
	if ((r = tapdev_ovs_argv_add_port(&o, p, ret_add, err)) < 0) {
		tapdev_argv_free(*ret_del);
		*ret_del = NULL;
	}
	return r;
}

int netd_ovs_del_argv(struct netd *d, const char *port, char ***ret, struct nd_err *err)
{
	struct tapdev_ovs o;

	ovs_cfg(d, &o);
	return tapdev_ovs_argv_del_port(&o, NULL, port, ret, err);
}

int netd_ovs_wait_ovn_installed_argv(struct netd *d, const char *port, unsigned timeout_s, char ***ret,
				     struct nd_err *err)
{
	struct tapdev_ovs o;

	ovs_cfg(d, &o);
	o.timeout_s = timeout_s;
	return tapdev_ovs_argv_wait_ovn_installed(&o, port, ret, err);
}

int netd_ovs_system_id(struct netd *d, char *buf, size_t len, struct nd_err *err)
{
	struct tapdev_ovs o;
	char **argv, out[256];
	int status, r;
	size_t n;

	ovs_cfg(d, &o);
	if ((r = tapdev_ovs_argv_system_id(&o, &argv, err)) < 0)
		return r;
	r = tapdev_ovs_run_out(argv, o.timeout_s, &status, out, sizeof(out), err);
	tapdev_argv_free(argv);
	if (r < 0)
		return r;
	n = strcspn(out, "\n");
	out[n] = '\0';
	if (n >= 2 && out[0] == '"' && out[n - 1] == '"') { /* ovs-vsctl quotes some strings */
		out[n - 1] = '\0';
		memmove(out, out + 1, n - 1);
	}
	if (!out[0])
		return nd_err_set(err, -ENOENT, "ovs-vsctl", "this host's Open vSwitch has no external_ids:system-id: "
				  "OVN's chassis name (ovs-vsctl set open . external_ids:system-id=NAME)");
	if (strlen(out) >= len || !netdef_name_is_safe(out))
		return nd_err_set(err, -EINVAL, "ovs-vsctl", "system-id '%.64s': netd takes letters, digits and _.+- "
				  "for a chassis name", out);
	snprintf(buf, len, "%s", out);
	return 0;
}
