#pragma once
/*
 * The network model: libvirt's <network> XML as plain C structs.
 *
 * The parser (netdef-parse.c) fills it from XML and frees the libxml2
 * document; the formatter (netdef-format.c) writes it back; validation
 * (netdef-validate.c) checks it semantically like libvirt does. Consumers
 * (firewall/, dhcp/, tapdev/, netd/) read it as const struct netdef *.
 * No libxml2 type appears here.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/nd-err.h"

#define NETDEF_IFNAMSIZ 16 /* matches the kernel's IFNAMSIZ */
#define NETDEF_NAME_MAX 64

enum netdef_forward {
	NETDEF_FORWARD_NONE, /* no <forward>: isolated */
	NETDEF_FORWARD_NAT,
	NETDEF_FORWARD_ROUTE,
	NETDEF_FORWARD_OPEN,
	NETDEF_FORWARD_BRIDGE,
	_NETDEF_FORWARD_MAX,
};

/* yes/no attributes that may be absent */
enum netdef_tristate {
	NETDEF_ABSENT = 0,
	NETDEF_YES,
	NETDEF_NO,
};

enum netdef_lease_unit {
	NETDEF_LEASE_SECONDS,
	NETDEF_LEASE_MINUTES,
	NETDEF_LEASE_HOURS,
	_NETDEF_LEASE_UNIT_MAX,
};

enum netdef_vport {
	NETDEF_VPORT_NONE, /* <virtualport> absent */
	NETDEF_VPORT_UNTYPED, /* <virtualport> without type: parameters only */
	NETDEF_VPORT_OPENVSWITCH,
	_NETDEF_VPORT_MAX,
};

enum netdef_native_mode {
	NETDEF_NATIVE_NONE,
	NETDEF_NATIVE_TAGGED,
	NETDEF_NATIVE_UNTAGGED,
};

struct netdef_addr {
	int family; /* AF_INET, AF_INET6; 0 = unset */
	uint8_t bytes[16];
};

struct netdef_lease {
	bool set;
	unsigned long expiry; /* 0 = infinite */
	enum netdef_lease_unit unit;
};

struct netdef_range {
	struct netdef_addr start, end;
	struct netdef_lease lease;
	int line;
};

struct netdef_dhcp_host {
	char *mac;  /* lower case; NULL when absent */
	char *id;   /* DHCPv6 DUID / client id */
	char *name;
	struct netdef_addr ip; /* family 0 when absent */
	struct netdef_lease lease;
	int line;
};

struct netdef_dhcp_option {
	unsigned number;
	char *value;
	int line;
};

struct netdef_ip {
	int family;            /* AF_INET or AF_INET6 */
	bool family_attr;      /* family='...' was written */
	struct netdef_addr address;
	unsigned prefix;       /* always set: written, or libvirt's default */
	bool netmask_attr;     /* written as netmask='a.b.c.d' rather than prefix */
	bool prefix_absent;    /* neither netmask nor prefix written */
	enum netdef_tristate local_ptr;
	char *tftp_root;
	bool has_dhcp;
	struct netdef_range *ranges;
	size_t n_ranges;
	struct netdef_dhcp_host *hosts;
	size_t n_hosts;
	struct netdef_dhcp_option *options;
	size_t n_options;
	char *bootp_file;
	char *bootp_server;
	int line;
};

struct netdef_route {
	int family;
	bool family_attr;
	struct netdef_addr address;
	unsigned prefix;
	bool netmask_attr;
	bool prefix_absent;
	struct netdef_addr gateway;
	bool has_metric;
	unsigned metric;
	int line;
};

struct netdef_dns_host {
	struct netdef_addr ip;
	char **hostnames;
	size_t n_hostnames;
	int line;
};

struct netdef_dns_srv {
	char *service, *protocol, *domain, *target;
	bool has_port, has_priority, has_weight;
	unsigned port, priority, weight;
	int line;
};

struct netdef_dns_txt {
	char *name, *value;
	int line;
};

struct netdef_dns_forwarder {
	char *domain;          /* may be NULL */
	struct netdef_addr addr; /* family 0 when absent */
	int line;
};

struct netdef_dns {
	bool present;          /* <dns> element written */
	enum netdef_tristate enable;
	enum netdef_tristate forward_plain_names;
	struct netdef_dns_forwarder *forwarders;
	size_t n_forwarders;
	struct netdef_dns_host *hosts;
	size_t n_hosts;
	struct netdef_dns_srv *srvs;
	size_t n_srvs;
	struct netdef_dns_txt *txts;
	size_t n_txts;
	int line;
};

struct netdef_vlan_tag {
	unsigned id;
	enum netdef_native_mode native_mode;
};

struct netdef_vlan {
	bool present;
	enum netdef_tristate trunk;
	struct netdef_vlan_tag *tags;
	size_t n_tags;
	int line;
};

/* libvirt's <virtualport> parameters; every one optional */
struct netdef_virtualport {
	enum netdef_vport type;
	bool has_parameters;
	char *interfaceid; /* UUID text */
	char *profileid;
};

struct netdef_bw_rate {
	bool present;
	unsigned long long average, peak, burst, floor; /* 0 = absent */
};

struct netdef_bandwidth {
	struct netdef_bw_rate inbound, outbound;
};

struct netdef_portgroup {
	char *name;
	bool is_default;
	struct netdef_vlan vlan;
	struct netdef_virtualport virtualport;
	struct netdef_bandwidth bandwidth;
	enum netdef_tristate trust_guest_rx_filters;
	int line;
};

struct netdef_nat {
	bool present;
	struct netdef_addr addr_start, addr_end; /* family 0 when absent */
	unsigned port_start, port_end;             /* 0 when absent */
	enum netdef_tristate ipv6;
};

struct netdef_forward_def {
	bool present;          /* <forward> element written */
	enum netdef_forward mode;
	bool mode_attr;        /* mode='...' was written (absent means nat) */
	char *dev;
	char **interfaces;     /* <interface dev='...'/> */
	size_t n_interfaces;
	struct netdef_nat nat;
	int line;
};

struct netdef_bridge {
	bool present;
	char *name;            /* may hold a %d template such as virbr%d */
	enum netdef_tristate stp;
	bool has_delay;
	unsigned delay;
	char *mac_table_manager; /* "kernel" or "libvirt" */
	char *zone;
	int line;
};

struct netdef_domain {
	char *name;
	enum netdef_tristate local_only;
	enum netdef_tristate reg; /* register='yes' */
	int line;
};

/* <netd:ovn>: the network is a logical switch (and router) in OVN's NB database */
#define NETDEF_NETD_NS "http://netd.dev/schemas/network/1.0"
#define NETDEF_OVN_UNDERLAY_MTU 1500
#define NETDEF_OVN_GENEVE_OVERHEAD 58 /* OVN's Geneve encapsulation over IPv4 */
struct netdef_ovn_gateway {
	char *chassis;     /* OVN chassis name (the host's system-id) */
	unsigned priority; /* higher wins; 1..32767 */
};
struct netdef_ovn {
	bool present;
	int line;
	char *nb;                 /* OVSDB connection(s) to the NB database: tcp:IP:PORT or unix:PATH, comma-separated */
	char *integration_bridge; /* each host's OVN bridge (default br-int) */
	unsigned underlay_mtu;    /* 0 = NETDEF_OVN_UNDERLAY_MTU */
	/* <netd:uplink>: how nat/route networks leave OVN */
	bool has_uplink;
	int uplink_line;
	char *uplink_network;     /* the provider network name in ovn-bridge-mappings */
	struct netdef_addr uplink_address; /* the router's address there */
	unsigned uplink_prefix;
	struct netdef_addr uplink_gateway; /* next hop to the outside */
	struct netdef_ovn_gateway *gateways;
	size_t n_gateways;
};

struct netdef {
	char *name;
	int name_line;
	int line; /* <network> */
	uint8_t uuid[16];
	bool uuid_generated;   /* no <uuid> was given: a random one until the daemon keeps it or an old one */
	char *title;
	char *description;
	char *metadata_xml;    /* inner XML of <metadata>, kept opaque */
	enum netdef_tristate ipv6;
	enum netdef_tristate trust_guest_rx_filters;
	struct netdef_forward_def forward;
	struct netdef_bridge bridge;
	unsigned mtu;          /* 0 = absent */
	char *mac;             /* bridge MAC, lower case */
	struct netdef_domain domain;
	struct netdef_dns dns;
	struct netdef_ip *ips;
	size_t n_ips;
	struct netdef_route *routes;
	size_t n_routes;
	struct netdef_virtualport virtualport;
	struct netdef_portgroup *portgroups;
	size_t n_portgroups;
	struct netdef_vlan vlan;
	struct netdef_bandwidth bandwidth;
	enum netdef_tristate port_isolated; /* <port isolated='yes'/> */
	char **dnsmasq_options; /* <dnsmasq:options><dnsmasq:option value/> */
	size_t n_dnsmasq_options;
	struct netdef_ovn ovn; /* <netd:ovn> */
	unsigned extra_refs; /* netdef_ref: holders beyond the first */
};

/* -- netdef.c: lifetime and string tables -- */
struct netdef *netdef_new(void);
/* drops one reference; the last one frees. Returns NULL. */
struct netdef *netdef_free(struct netdef *def);
/* one more holder of an unchanging definition (a running network's live
 * definition is its persistent one until something changes either: each
 * change builds a new netdef, nothing edits one in place) */
struct netdef *netdef_ref(struct netdef *def);
static inline void netdef_freep(struct netdef **p)
{
	netdef_free(*p);
}
const char *netdef_forward_to_string(enum netdef_forward f);
int netdef_forward_from_string(const char *s);
const char *netdef_lease_unit_to_string(enum netdef_lease_unit u);
int netdef_lease_unit_from_string(const char *s);
/* ipv4 <ip> element carrying a <dhcp> range or host, or NULL */
const struct netdef_ip *netdef_dhcp_ip(const struct netdef *def, int family);
/* the portgroup with that name, the default one when name is NULL, or NULL */
const struct netdef_portgroup *netdef_portgroup_find(const struct netdef *def, const char *name);
/* the <virtualport> type in force for a port on this portgroup (may be NULL) */
enum netdef_vport netdef_effective_vport(const struct netdef *def, const struct netdef_portgroup *pg);
/* lease time in seconds; 0 = infinite; -1 when unset */
long long netdef_lease_seconds(const struct netdef_lease *l);

/* -- netdef-addr.c: addresses -- */
int netdef_addr_parse(const char *s, int family_hint, struct netdef_addr *ret);
const char *netdef_addr_format(const struct netdef_addr *a, char *buf, size_t len);
bool netdef_addr_equal(const struct netdef_addr *a, const struct netdef_addr *b);
/* -1, 0, 1 like memcmp; families must match */
int netdef_addr_cmp(const struct netdef_addr *a, const struct netdef_addr *b);
bool netdef_addr_in_subnet(const struct netdef_addr *a, const struct netdef_addr *net, unsigned prefix);
/* network address of a with prefix applied */
void netdef_addr_mask(const struct netdef_addr *a, unsigned prefix, struct netdef_addr *ret);
/* netmask -> prefix; -EINVAL when not contiguous */
int netdef_netmask_to_prefix(const struct netdef_addr *mask);
void netdef_prefix_to_netmask(unsigned prefix, struct netdef_addr *ret);
bool netdef_subnets_overlap(const struct netdef_addr *a, unsigned pa, const struct netdef_addr *b,
			    unsigned pb);
/* aa:bb:cc:dd:ee:ff -> bytes; -EINVAL on bad text */
int netdef_mac_parse(const char *s, uint8_t ret[6]);
void netdef_mac_format(const uint8_t mac[6], char buf[18]);
int netdef_uuid_parse(const char *s, uint8_t ret[16]);
void netdef_uuid_format(const uint8_t uuid[16], char buf[37]);
bool netdef_uuid_is_null(const uint8_t uuid[16]);

/* -- netdef-parse.c -- */
/*
 * Parse one <network> document. source names it in errors ("net.xml",
 * "<request>"); errors carry "source:line" in err->where. A missing uuid is
 * generated. Validation (netdef_validate) runs before this returns.
 */
int netdef_parse_string(const char *xml, size_t len, const char *source, struct netdef **ret,
			struct nd_err *err);
int netdef_parse_file(const char *path, struct netdef **ret, struct nd_err *err);

/* -- netdef-format.c -- */
/* The whole definition as libvirt-style XML; *ret is malloc'd. */
int netdef_format(const struct netdef *def, char **ret, struct nd_err *err);
struct nd_buf;
/* one <vlan> / <bandwidth> element at an indent level (two spaces each); nothing when absent */
void netdef_format_vlan(struct nd_buf *b, int level, const struct netdef_vlan *v);
void netdef_format_bandwidth(struct nd_buf *b, int level, const struct netdef_bandwidth *bw);

/* -- netdef-validate.c -- */
int netdef_validate(const struct netdef *def, const char *source, struct nd_err *err);
/* -- netdef-validate-ovn.c: what a <netd:ovn> network may say (0 when it has none) -- */
int netdef_validate_ovn(const struct netdef *def, const char *source, struct nd_err *err);
/* a name usable as file name and in child arguments: [A-Za-z0-9_.+-], no leading '.' or '-' */
bool netdef_name_is_safe(const char *name);
/* an interface name (or %d template) that fits IFNAMSIZ once expanded */
bool netdef_ifname_is_valid(const char *name, bool allow_template);

/* -- netdef-update.c: virsh net-update's sections, applied to a copy -- */
enum netdef_update_cmd {
	NETDEF_UPDATE_ADD, /* add-last, virsh's "add" */
	NETDEF_UPDATE_ADD_FIRST,
	NETDEF_UPDATE_DELETE,
	NETDEF_UPDATE_MODIFY,
	_NETDEF_UPDATE_CMD_MAX
};
enum netdef_update_section {
	NETDEF_SECTION_IP_DHCP_HOST,
	NETDEF_SECTION_IP_DHCP_RANGE,
	NETDEF_SECTION_FORWARD_INTERFACE,
	NETDEF_SECTION_PORTGROUP,
	NETDEF_SECTION_DNS_HOST,
	NETDEF_SECTION_DNS_TXT,
	NETDEF_SECTION_DNS_SRV,
	_NETDEF_SECTION_MAX
};
int netdef_update_command_from_string(const char *s);
/* -EOPNOTSUPP for libvirt's sections that cannot be updated (bridge, domain, ip, forward, forward-pf) */
int netdef_update_section_from_string(const char *s);
const char *netdef_update_section_to_string(int section);
/* *ret is a validated copy of def with the change applied; def is untouched. parent_index: the
 * <ip> (0-based) for ip-dhcp-host/ip-dhcp-range, -1 to pick it by address */
int netdef_update(const struct netdef *def, int cmd, int section, int parent_index, const char *xml,
		  struct netdef **ret, struct nd_err *err);
int netdef_copy(const struct netdef *def, struct netdef **ret, struct nd_err *err);
/* a port's own <vlan> request (libvirt's <interface><vlan>), validated */
int netdef_vlan_parse_string(const char *xml, struct netdef_vlan *ret, struct nd_err *err);
void netdef_vlan_clear(struct netdef_vlan *v);
/* a port's own <bandwidth> (libvirt's <interface><bandwidth>) */
int netdef_bandwidth_parse_string(const char *xml, struct netdef_bandwidth *ret, struct nd_err *err);

/* -- netdef-networkport.c: libvirt's <networkport> -- */
struct netdef_networkport {
	char uuid[37];       /* "" when absent */
	char owner_uuid[37]; /* "" when absent */
	char *owner_name;
	char mac[18];        /* required */
	char *group;         /* the portgroup */
	struct netdef_bandwidth bandwidth;
	struct netdef_vlan vlan;
};
int netdef_networkport_parse_string(const char *xml, struct netdef_networkport *ret, struct nd_err *err);
void netdef_networkport_clear(struct netdef_networkport *p);

/* -- netdef-random-sys.c -- */
int netdef_random_bytes(void *buf, size_t len);

/* a VLAN setting in words ("100,200(native untagged) trunk"), cut to fit len; "" for NULL */
void netdef_vlan_describe(const struct netdef_vlan *v, char *buf, size_t len);
