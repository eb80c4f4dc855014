#include "xml/netdef.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int netdef_addr_parse(const char *s, int family_hint, struct netdef_addr *ret)
{
	struct netdef_addr a = { 0 };

	if (!s)
		return -EINVAL;
	if (family_hint != AF_INET6 && inet_pton(AF_INET, s, a.bytes) == 1) {
		a.family = AF_INET;
	} else if (family_hint != AF_INET && inet_pton(AF_INET6, s, a.bytes) == 1) {
		a.family = AF_INET6;
	} else {
		return -EINVAL;
	}
	*ret = a;
	return 0;
}

const char *netdef_addr_format(const struct netdef_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->bytes, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

bool netdef_addr_equal(const struct netdef_addr *a, const struct netdef_addr *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, addr_len(a->family)) == 0;
}

int netdef_addr_cmp(const struct netdef_addr *a, const struct netdef_addr *b)
{
	int r = memcmp(a->bytes, b->bytes, addr_len(a->family));

	return r < 0 ? -1 : r > 0;
}

void netdef_addr_mask(const struct netdef_addr *a, unsigned prefix, struct netdef_addr *ret)
{
	size_t n = addr_len(a->family);
	struct netdef_addr r = { .family = a->family };

	for (size_t i = 0; i < n; i++) {
		unsigned bits = prefix > i * 8 ? prefix - (unsigned)i * 8 : 0;
		uint8_t m = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		r.bytes[i] = a->bytes[i] & m;
	}
	*ret = r;
}

bool netdef_addr_in_subnet(const struct netdef_addr *a, const struct netdef_addr *net, unsigned prefix)
{
	struct netdef_addr x, y;

	if (a->family != net->family)
		return false;
	netdef_addr_mask(a, prefix, &x);
	netdef_addr_mask(net, prefix, &y);
	return netdef_addr_equal(&x, &y);
}

bool netdef_subnets_overlap(const struct netdef_addr *a, unsigned pa, const struct netdef_addr *b,
			    unsigned pb)
{
	unsigned p = pa < pb ? pa : pb;

	return a->family == b->family && netdef_addr_in_subnet(a, b, p);
}

int netdef_netmask_to_prefix(const struct netdef_addr *mask)
{
	size_t n = addr_len(mask->family);
	unsigned prefix = 0;
	bool zero_seen = false;

	for (size_t i = 0; i < n; i++) {
		for (int bit = 7; bit >= 0; bit--) {
			bool set = mask->bytes[i] & (1u << bit);

			if (set && zero_seen)
				return -EINVAL;
			if (set)
				prefix++;
			else
				zero_seen = true;
		}
	}
	return (int)prefix;
}

void netdef_prefix_to_netmask(unsigned prefix, struct netdef_addr *ret)
{
	struct netdef_addr ones = { .family = AF_INET };

	memset(ones.bytes, 0xff, 4);
	netdef_addr_mask(&ones, prefix, ret);
}

int netdef_mac_parse(const char *s, uint8_t ret[6])
{
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -EINVAL;
		unsigned v;
		sscanf(s, "%2x", &v);
		ret[i] = (uint8_t)v;
		s += 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

void netdef_mac_format(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

int netdef_uuid_parse(const char *s, uint8_t ret[16])
{
	/* libvirt accepts hex digits with optional dashes between bytes */
	int n = 0;

	while (*s && n < 16) {
		if (*s == '-' || *s == ' ') {
			s++;
			continue;
		}
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -EINVAL;
		unsigned v;
		sscanf(s, "%2x", &v);
		ret[n++] = (uint8_t)v;
		s += 2;
	}
	while (*s == ' ')
		s++;
	return n == 16 && *s == '\0' ? 0 : -EINVAL;
}

void netdef_uuid_format(const uint8_t u[16], char buf[37])
{
	snprintf(buf, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12],
		 u[13], u[14], u[15]);
}

bool netdef_uuid_is_null(const uint8_t uuid[16])
{
	for (int i = 0; i < 16; i++)
		if (uuid[i])
			return false;
	return true;
}
