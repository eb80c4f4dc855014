#include "xml/netdef-parse-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int pctx_error(struct pctx *c, const xmlNode *n, int code, const char *fmt, ...)
{
	char where[128];
	long line = n ? xmlGetLineNo(n) : -1;
	va_list ap;

	if (line > 0)
		snprintf(where, sizeof(where), "%s:%ld", c->source, line);
	else
		snprintf(where, sizeof(where), "%s", c->source);
	va_start(ap, fmt);
	code = nd_err_setv(c->err, code, where, fmt, ap);
	va_end(ap);
	return code;
}

int pctx_oom(struct pctx *c, const xmlNode *n)
{
	return pctx_error(c, n, -ENOMEM, "out of memory");
}

bool node_is(const xmlNode *n, const char *name)
{
	return n->ns == NULL && strcmp((const char *)n->name, name) == 0;
}

/* Shorten a value for an error message: huge or binary values stay readable. */
static const char *shown(const char *v, char *buf, size_t len)
{
	size_t i;

	for (i = 0; v[i] && i + 4 < len && i < 64; i++)
		buf[i] = isprint((unsigned char)v[i]) ? v[i] : '?';
	if (v[i])
		snprintf(buf + i, len - i, "...");
	else
		buf[i] = '\0';
	return buf;
}

int check_attrs(struct pctx *c, const xmlNode *n, const char *const *allowed)
{
	for (const xmlAttr *a = n->properties; a; a = a->next) {
		bool ok = false;

		for (const char *const *p = allowed; *p && !ok; p++)
			ok = a->ns == NULL && strcmp((const char *)a->name, *p) == 0;
		if (!ok)
			return pctx_error(c, n, -ENOTSUP,
					  "<%s>: attribute '%s' is not supported by netd",
					  (const char *)n->name, (const char *)a->name);
	}
	return 0;
}

int unknown_element(struct pctx *c, const xmlNode *parent, const xmlNode *child)
{
	return pctx_error(c, child, -ENOTSUP, "<%s>: element <%s%s%s> is not supported by netd",
			  (const char *)parent->name, child->ns && child->ns->prefix ?
			  (const char *)child->ns->prefix : "", child->ns && child->ns->prefix ? ":" : "",
			  (const char *)child->name);
}

int attr_dup(struct pctx *c, const xmlNode *n, const char *name, char **ret)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);

	*ret = NULL;
	if (!v)
		return 0;
	*ret = strdup((const char *)v);
	xmlFree(v);
	return *ret ? 0 : pctx_oom(c, n);
}

int attr_required(struct pctx *c, const xmlNode *n, const char *name, char **ret)
{
	int r = attr_dup(c, n, name, ret);

	if (r < 0)
		return r;
	if (!*ret)
		return pctx_error(c, n, -EINVAL, "<%s>: missing required attribute '%s'",
				  (const char *)n->name, name);
	return 0;
}

int text_dup(struct pctx *c, const xmlNode *n, char **ret)
{
	xmlChar *v = xmlNodeGetContent(n);
	const char *s, *e;

	*ret = NULL;
	if (!v)
		return pctx_oom(c, n);
	s = (const char *)v;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	*ret = strndup(s, (size_t)(e - s));
	xmlFree(v);
	return *ret ? 0 : pctx_oom(c, n);
}

int attr_uint(struct pctx *c, const xmlNode *n, const char *name, unsigned long long max,
	      bool *ret_present, unsigned long long *ret)
{
	char buf[80];
	char *v = NULL, *end;
	unsigned long long x;
	int r;

	if (ret_present)
		*ret_present = false;
	*ret = 0;
	r = attr_dup(c, n, name, &v);
	if (r < 0 || !v)
		return r;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (!isdigit((unsigned char)v[0]) || *end || errno || x > max) {
		r = pctx_error(c, n, -ERANGE, "<%s %s='%s'>: not a whole number in 0..%llu",
			       (const char *)n->name, name, shown(v, buf, sizeof(buf)), max);
		free(v);
		return r;
	}
	free(v);
	*ret = x;
	if (ret_present)
		*ret_present = true;
	return 0;
}

int attr_tristate(struct pctx *c, const xmlNode *n, const char *name, bool on_off,
		  enum netdef_tristate *ret)
{
	const char *yes = on_off ? "on" : "yes", *no = on_off ? "off" : "no";
	char buf[80];
	char *v = NULL;
	int r;

	*ret = NETDEF_ABSENT;
	r = attr_dup(c, n, name, &v);
	if (r < 0 || !v)
		return r;
	if (strcmp(v, yes) == 0)
		*ret = NETDEF_YES;
	else if (strcmp(v, no) == 0)
		*ret = NETDEF_NO;
	else
		r = pctx_error(c, n, -EINVAL, "<%s %s='%s'>: expected '%s' or '%s'",
			       (const char *)n->name, name, shown(v, buf, sizeof(buf)), yes, no);
	free(v);
	return r;
}

int attr_addr(struct pctx *c, const xmlNode *n, const char *name, int family, bool required,
	      struct netdef_addr *ret)
{
	char buf[80];
	char *v = NULL;
	int r;

	memset(ret, 0, sizeof(*ret));
	r = required ? attr_required(c, n, name, &v) : attr_dup(c, n, name, &v);
	if (r < 0 || !v)
		return r;
	if (netdef_addr_parse(v, family, ret) < 0)
		r = pctx_error(c, n, -EINVAL, "<%s %s='%s'>: not a valid %saddress",
			       (const char *)n->name, name, shown(v, buf, sizeof(buf)),
			       family == AF_INET ? "IPv4 " : family == AF_INET6 ? "IPv6 " : "IP ");
	free(v);
	return r;
}

void *array_add(void **array, size_t *n, size_t size)
{
	char *p;

	if (*n >= 100000)
		return NULL;
	p = realloc(*array, (*n + 1) * size);
	if (!p)
		return NULL;
	*array = p;
	p += *n * size;
	memset(p, 0, size);
	(*n)++;
	return p;
}
