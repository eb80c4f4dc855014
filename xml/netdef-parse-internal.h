#pragma once
/* Helpers shared by the netdef-parse-*.c files; not for use outside xml/. */
#include <libxml/tree.h>

#include "xml/netdef.h"

struct pctx {
	const char *source;
	struct nd_err *err;
};

#define NETDEF_DNSMASQ_NS "http://libvirt.org/schemas/network/dnsmasq/1.0"

int pctx_error(struct pctx *c, const xmlNode *n, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int pctx_oom(struct pctx *c, const xmlNode *n);

/* element children only */
#define for_each_element(child, parent)                                      \
	for (xmlNode *child = (parent)->children; child; child = child->next) \
		if (child->type == XML_ELEMENT_NODE)

bool node_is(const xmlNode *n, const char *name);
/* Fails naming the first attribute of n not in allowed (NULL-terminated). */
int check_attrs(struct pctx *c, const xmlNode *n, const char *const *allowed);
int unknown_element(struct pctx *c, const xmlNode *parent, const xmlNode *child);

/* malloc'd attribute value or NULL when absent; *ret_err set to -ENOMEM on OOM */
int attr_dup(struct pctx *c, const xmlNode *n, const char *name, char **ret);
/* the same, but an absent attribute is an error */
int attr_required(struct pctx *c, const xmlNode *n, const char *name, char **ret);
/* the element's text content, trimmed; malloc'd */
int text_dup(struct pctx *c, const xmlNode *n, char **ret);

int attr_uint(struct pctx *c, const xmlNode *n, const char *name, unsigned long long max,
	      bool *ret_present, unsigned long long *ret);
/* yes/no (or on/off when on_off) into a tristate */
int attr_tristate(struct pctx *c, const xmlNode *n, const char *name, bool on_off,
		  enum netdef_tristate *ret);
int attr_addr(struct pctx *c, const xmlNode *n, const char *name, int family, bool required,
	      struct netdef_addr *ret);

/* grow an array by one zeroed element; returns pointer or NULL on OOM */
void *array_add(void **array, size_t *n, size_t size);
#define ARRAY_ADD(arr, n) ((__typeof__(arr))array_add((void **)&(arr), &(n), sizeof(*(arr))))

int parse_ip(struct pctx *c, const xmlNode *n, struct netdef *def);
int parse_dhcp_host(struct pctx *c, const xmlNode *n, struct netdef_ip *ip);
int parse_dns_host(struct pctx *c, const xmlNode *n, struct netdef_dns *dns);
int parse_route(struct pctx *c, const xmlNode *n, struct netdef *def);
int parse_dns(struct pctx *c, const xmlNode *n, struct netdef_dns *dns);
int parse_virtualport(struct pctx *c, const xmlNode *n, struct netdef_virtualport *vp);
int parse_vlan(struct pctx *c, const xmlNode *n, struct netdef_vlan *vlan);
int parse_bandwidth(struct pctx *c, const xmlNode *n, struct netdef_bandwidth *bw);
int parse_portgroup(struct pctx *c, const xmlNode *n, struct netdef *def);
int parse_ovn(struct pctx *c, const xmlNode *n, struct netdef_ovn *ovn);
