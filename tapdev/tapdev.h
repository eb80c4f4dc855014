#pragma once
/*
 * Devices: bridges, addresses and routes over rtnetlink (libnl), the one
 * module that owns libnl. No libnl type appears in this header.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/nd-err.h"
#include "xml/netdef.h"

struct tapdev_nl; /* an rtnetlink socket */

struct tapdev_bridge_cfg {
	const char *name;
	bool has_mac;
	uint8_t mac[6];
	unsigned mtu;      /* 0 = kernel default */
	bool stp;
	unsigned delay_s;  /* forward delay, seconds */
};

struct tapdev_link_info {
	int ifindex;
	bool is_bridge;
	bool up;
	unsigned mtu;
	uint8_t mac[6];
	int master; /* ifindex of the bridge it is a port of, 0 = none */
};

/* -- tapdev-nlerr.c: libnl's -NLE_* to -errno -- */
int tapdev_nlerr_to_errno(int nle);

/* -- tapdev-link-build.c (pure): the RTM_NEWLINK request as bytes -- */
int tapdev_bridge_build_add(const struct tapdev_bridge_cfg *cfg, void **ret_buf, size_t *ret_len,
			    struct nd_err *err);
/* first name from a %d template not in use, given a predicate */
int tapdev_name_from_template(const char *tmpl, bool (*in_use)(const char *name, void *ud), void *ud,
			      char ret[16], struct nd_err *err);

/* -- tapdev-link-sys.c -- */
int tapdev_nl_open(struct tapdev_nl **ret, struct nd_err *err);
struct tapdev_nl *tapdev_nl_close(struct tapdev_nl *nl);
/* creates the bridge (fails with -EEXIST when the name is taken), does not bring it up */
int tapdev_bridge_add(struct tapdev_nl *nl, const struct tapdev_bridge_cfg *cfg, struct nd_err *err);
int tapdev_link_delete(struct tapdev_nl *nl, const char *name, struct nd_err *err);
int tapdev_link_set_up(struct tapdev_nl *nl, const char *name, bool up, struct nd_err *err);
/* 0 and *ret filled; -ENODEV when no such link */
int tapdev_link_get(struct tapdev_nl *nl, const char *name, struct tapdev_link_info *ret,
		    struct nd_err *err);
bool tapdev_link_exists(struct tapdev_nl *nl, const char *name);
int tapdev_pick_bridge_name(struct tapdev_nl *nl, const char *tmpl, char ret[16], struct nd_err *err);

/* -- tapdev-addr-sys.c -- */
int tapdev_addr_add(struct tapdev_nl *nl, const char *ifname, const struct netdef_addr *a,
		    unsigned prefix, struct nd_err *err);
int tapdev_route_add(struct tapdev_nl *nl, const char *ifname, const struct netdef_route *rt,
		     struct nd_err *err);
/*
 * Looks for a host route (main table, not on exclude_ifname) overlapping
 * addr/prefix: 1 and a description in ret_desc when found, 0 when none.
 */
int tapdev_route_overlap(struct tapdev_nl *nl, const struct netdef_addr *addr, unsigned prefix,
			 const char *exclude_ifname, char *ret_desc, size_t len, struct nd_err *err);
