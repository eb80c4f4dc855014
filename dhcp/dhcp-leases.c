/*
 * dnsmasq's lease file: one lease a line,
 *   IPv4: "<expiry> <mac> <ip> <hostname|*> <client-id|*>"
 *   IPv6: after a "duid <server-duid>" line, "<expiry> <iaid> <ip6> <hostname|*> <duid|*>"
 * The file is untrusted input (guests choose hostnames and client ids): a
 * line of any length is read, and one that is malformed is skipped and
 * counted, never fatal for the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "dhcp/dhcp.h"

#define LEASES_MAX_BYTES (16u << 20)

static int copy_field(char *dst, size_t cap, const char *src, size_t len)
{
	if (len >= cap)
		return -EINVAL;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* splits line into at most 5 space-separated fields; returns their count */
static int split(const char *line, size_t len, const char *f[5], size_t flen[5])
{
	int n = 0;
	size_t i = 0;

	while (i < len && n < 5) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		f[n] = line + i;
		while (i < len && line[i] != ' ')
			i++;
		flen[n] = (size_t)(line + i - f[n]);
		n++;
	}
	while (i < len && line[i] == ' ')
		i++;
	return i < len ? -1 : n;
}

static int parse_line(const char *line, size_t len, bool v6, struct dhcp_lease *l)
{
	const char *f[5];
	size_t fl[5];
	char num[24];
	char *end;

	if (split(line, len, f, fl) != 5)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	if (copy_field(num, sizeof(num), f[0], fl[0]) < 0)
		return -EINVAL;
	errno = 0;
	l->expiry = strtoll(num, &end, 10);
	if (*end || errno || l->expiry < 0)
		return -EINVAL;
	l->ipv6 = v6;
	if (!v6 && copy_field(l->mac, sizeof(l->mac), f[1], fl[1]) < 0)
		return -EINVAL;
	if (copy_field(l->ip, sizeof(l->ip), f[2], fl[2]) < 0)
		return -EINVAL;
	if (!(fl[3] == 1 && f[3][0] == '*') && copy_field(l->hostname, sizeof(l->hostname), f[3], fl[3]) < 0)
		return -EINVAL;
	if (!(fl[4] == 1 && f[4][0] == '*') && copy_field(l->clientid, sizeof(l->clientid), f[4], fl[4]) < 0)
		return -EINVAL;
	return 0;
}

int dhcp_leases_parse(const char *text, size_t len, struct dhcp_lease **ret, size_t *ret_n, size_t *ret_skipped,
		      size_t *ret_first_bad, struct nd_err *err)
{
	_cleanup_free_ struct dhcp_lease *v = NULL;
	size_t n = 0, cap = 0, lineno = 0, skipped = 0, first_bad = 0;
	const char *p = text, *end = text + len;
	bool v6 = false;

	*ret = NULL;
	*ret_n = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t llen = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char where[32];

		lineno++;
		snprintf(where, sizeof(where), "leases:%zu", lineno);
		if (llen == 0) {
			p += 1;
			continue;
		}
		if (memchr(p, '\0', llen)) {
			skipped++;
			first_bad = first_bad ? first_bad : lineno;
		} else if (llen > 5 && memcmp(p, "duid ", 5) == 0) {
			v6 = true;
		} else {
			if (n == cap) {
				struct dhcp_lease *nv;

				cap = cap ? cap * 2 : 16;
				if (cap > 1000000 || !(nv = realloc(v, cap * sizeof(*v))))
					return nd_err_set(err, -ENOMEM, where, "too many leases");
				v = nv;
			}
			if (parse_line(p, llen, v6, &v[n]) < 0) {
				skipped++;
				first_bad = first_bad ? first_bad : lineno;
			} else {
				n++;
			}
		}
		p += llen + (nl ? 1 : 0);
	}
	*ret = TAKE_PTR(v);
	*ret_n = n;
	if (ret_skipped)
		*ret_skipped = skipped;
	if (ret_first_bad)
		*ret_first_bad = first_bad;
	return 0;
}

int dhcp_leases_read(const char *path, struct dhcp_lease **ret, size_t *ret_n, size_t *ret_skipped,
		     size_t *ret_first_bad, struct nd_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	ssize_t got;

	*ret = NULL;
	*ret_n = 0;
	if (ret_skipped)
		*ret_skipped = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : nd_err_set(err, -errno, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size > (off_t)LEASES_MAX_BYTES)
		return nd_err_set(err, -EFBIG, path, "lease file unreadable or too large");
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return nd_err_set(err, -ENOMEM, path, "out of memory");
	got = read(fd, buf, (size_t)st.st_size);
	if (got < 0)
		return nd_err_set(err, -errno, path, "cannot read: %s", strerror(errno));
	return dhcp_leases_parse(buf, (size_t)got, ret, ret_n, ret_skipped, ret_first_bad, err);
}
