/*
 * libvirt's own network XML test inputs (../shared/corpus): every accepted
 * file must reach a fixed point (parse, format, parse, format: equal) and keep
 * every element and attribute of the input; refused files must fail with the
 * error naming the feature. Every file is listed with its verdict.
 */
#include <dirent.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/nd-cleanup.h"
#include "tests/unit/suites.h"
#include "xml/netdef.h"

struct refusal {
	const char *file;
	const char *needle; /* must appear in the error message */
};

static const struct refusal libvirt_refused[] = {
	{ "vepa-net.xml", "forward mode 'vepa' is not supported" },
	{ "passthrough-pf.xml", "forward mode 'passthrough' is not supported" },
	{ "hostdev.xml", "forward mode 'hostdev' is not supported" },
	{ NULL, NULL },
};

/* libvirt's README-notes: these fail in libvirt too, or use refused modes */
static const struct refusal extra_refused[] = {
	{ "vepa-net.xml", "forward mode 'vepa' is not supported" },
	{ "passthrough-pf.xml", "forward mode 'passthrough' is not supported" },
	{ "passthrough-address-crash.xml", "forward mode 'passthrough' is not supported" },
	{ "hostdev.xml", "forward mode 'hostdev' is not supported" },
	{ "hostdev-pf-driver-model.xml", "forward mode 'hostdev' is not supported" },
	{ "8021Qbh-net.xml", "forward mode 'private' is not supported" },
	{ "open-network-with-forward-dev.xml", "not allowed for an open network" },
	{ NULL, NULL },
};

struct counts {
	unsigned elements, attributes;
};

static const char *corpus_dir(void)
{
	const char *d = getenv("NETD_CORPUS_DIR");

	return d && *d ? d : "../shared/corpus";
}

static xmlNode *nth_child(xmlNode *parent, const xmlNode *like, int idx)
{
	for (xmlNode *c = parent->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, (const char *)like->name))
			continue;
		if (!!c->ns != !!like->ns || (c->ns && strcmp((const char *)c->ns->href, (const char *)like->ns->href)))
			continue;
		if (idx-- == 0)
			return c;
	}
	return NULL;
}

static char *trimmed_text(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	char *s = (char *)t, *e;

	while (*s == ' ' || *s == '\n' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\t'))
		e--;
	s = strndup(s, (size_t)(e - s));
	xmlFree(t);
	return s;
}

static bool has_element_children(xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return true;
	return false;
}

/* Every attribute and element of in exists in out with the same value. */
static bool survives(xmlNode *in, xmlNode *out, const char *path, char *why, size_t len,
		     struct counts *cnt)
{
	cnt->elements++;
	for (xmlAttr *a = in->properties; a; a = a->next) {
		xmlChar *vi = xmlGetNoNsProp(in, a->name), *vo = xmlGetNoNsProp(out, a->name);
		bool ok = vo && strcasecmp((const char *)vi, (const char *)vo) == 0;

		if (!ok)
			snprintf(why, len, "%s/@%s='%s' became %s%s%s", path, (const char *)a->name,
				 (const char *)vi, vo ? "'" : "(absent)", vo ? (const char *)vo : "", vo ? "'" : "");
		xmlFree(vi);
		xmlFree(vo);
		if (!ok)
			return false;
		cnt->attributes++;
	}
	if (!has_element_children(in)) {
		_cleanup_free_ char *ti = trimmed_text(in), *to = trimmed_text(out);

		if (*ti && strcmp(ti, to) != 0) {
			snprintf(why, len, "%s text '%s' became '%s'", path, ti, to);
			return false;
		}
		return true;
	}
	for (xmlNode *c = in->children; c; c = c->next) {
		char sub[512];
		int idx = 0;
		xmlNode *o;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		for (xmlNode *p = in->children; p != c; p = p->next)
			if (p->type == XML_ELEMENT_NODE && nth_child(in, c, idx) == p)
				idx++;
		snprintf(sub, sizeof(sub), "%s/%s[%d]", path, (const char *)c->name, idx + 1);
		o = nth_child(out, c, idx);
		if (!o) {
			snprintf(why, len, "%s is missing from the output", sub);
			return false;
		}
		if (!survives(c, o, sub, why, len, cnt))
			return false;
	}
	return true;
}

/* libvirt's defaults written out: uuid, and stp/delay on bridges netd creates */
static bool defaults_explicit(const struct netdef *def, xmlNode *out, char *why, size_t len)
{
	xmlNode *uuid = NULL, *bridge = NULL;

	for (xmlNode *c = out->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "uuid") == 0)
			uuid = c;
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "bridge") == 0)
			bridge = c;
	}
	if (!uuid) {
		snprintf(why, len, "no <uuid> in the output");
		return false;
	}
	if (def->forward.mode != NETDEF_FORWARD_BRIDGE &&
	    (!bridge || !xmlHasProp(bridge, (const xmlChar *)"stp") ||
	     !xmlHasProp(bridge, (const xmlChar *)"delay"))) {
		snprintf(why, len, "<bridge> lacks explicit stp/delay");
		return false;
	}
	return true;
}

static bool check_accepted(const char *path, char *why, size_t len, struct counts *cnt)
{
	_cleanup_(netdef_freep) struct netdef *d1 = NULL;
	_cleanup_(netdef_freep) struct netdef *d2 = NULL;
	_cleanup_free_ char *x1 = NULL, *x2 = NULL;
	struct nd_err err = { 0 };
	char ebuf[768];
	xmlDoc *in, *out;
	bool ok;

	if (netdef_parse_file(path, &d1, &err) < 0 || netdef_format(d1, &x1, &err) < 0 ||
	    netdef_parse_string(x1, strlen(x1), "formatted", &d2, &err) < 0 ||
	    netdef_format(d2, &x2, &err) < 0) {
		snprintf(why, len, "%s", nd_err_text(&err, ebuf, sizeof(ebuf)));
		return false;
	}
	if (strcmp(x1, x2) != 0) {
		snprintf(why, len, "not a fixed point:\n--- first\n%s--- second\n%s", x1, x2);
		return false;
	}
	in = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	out = xmlReadMemory(x1, (int)strlen(x1), "out", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	ok = in && out && survives(xmlDocGetRootElement(in), xmlDocGetRootElement(out), "/network", why,
				   len, cnt) &&
	     defaults_explicit(d1, xmlDocGetRootElement(out), why, len);
	if (!in || !out)
		snprintf(why, len, "libxml2 could not re-read input or output");
	xmlFreeDoc(in);
	xmlFreeDoc(out);
	return ok;
}

static int name_cmp(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int xml_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".xml") == 0;
}

/* Runs every file of dir; returns how many got the wrong verdict. */
static int run_dir(const char *sub, const struct refusal *refused, int *ret_files)
{
	char dir[4096], path[4600], why[8192];
	struct dirent **ents;
	int n, bad = 0;

	snprintf(dir, sizeof(dir), "%s/%s", corpus_dir(), sub);
	n = scandir(dir, &ents, xml_filter, name_cmp);
	ck_assert_msg(n > 0, "corpus directory %s is missing or empty (set NETD_CORPUS_DIR)", dir);
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		const char *needle = NULL;
		struct counts cnt = { 0 };

		for (const struct refusal *r = refused; r->file; r++)
			if (strcmp(r->file, name) == 0)
				needle = r->needle;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		why[0] = '\0';
		if (needle) {
			_cleanup_(netdef_freep) struct netdef *d = NULL;
			struct nd_err err = { 0 };

			if (netdef_parse_file(path, &d, &err) == 0) {
				printf("corpus: %s/%s: FAIL (accepted, expected refusal naming: %s)\n", sub, name, needle);
				bad++;
			} else if (!strstr(err.msg, needle)) {
				printf("corpus: %s/%s: FAIL (refused, but '%s' does not name: %s)\n", sub, name,
				       err.msg, needle);
				bad++;
			} else {
				printf("corpus: %s/%s: refused as expected: %s: %s\n", sub, name, err.where, err.msg);
			}
		} else if (check_accepted(path, why, sizeof(why), &cnt)) {
			printf("corpus: %s/%s: accepted, fixed point, %u elements and %u attributes kept\n", sub,
			       name, cnt.elements, cnt.attributes);
		} else {
			printf("corpus: %s/%s: FAIL: %s\n", sub, name, why);
			bad++;
		}
		free(ents[i]);
	}
	free(ents);
	*ret_files = n;
	return bad;
}

START_TEST(test_corpus_libvirt)
{
	int files, bad = run_dir("libvirt", libvirt_refused, &files);

	printf("corpus: libvirt: %d files, %d wrong verdicts\n", files, bad);
	ck_assert_int_eq(files, 21);
	ck_assert_int_eq(bad, 0);
}
END_TEST

START_TEST(test_corpus_extra)
{
	int files, bad = run_dir("libvirt-extra/networkxml2xmlin", extra_refused, &files);

	printf("corpus: libvirt-extra/networkxml2xmlin: %d files, %d wrong verdicts\n", files, bad);
	ck_assert_int_eq(bad, 0);
}
END_TEST

/* The confdata inputs (dhcp options, dnsmasq:options, leasetimes) must parse too. */
START_TEST(test_corpus_confdata)
{
	int files, bad = run_dir("libvirt-extra/networkxml2confdata", (const struct refusal[]){ { NULL, NULL } },
				 &files);

	printf("corpus: libvirt-extra/networkxml2confdata: %d files, %d wrong verdicts\n", files, bad);
	ck_assert_int_eq(bad, 0);
}
END_TEST

Suite *make_netdef_corpus_suite(void)
{
	Suite *s = suite_create("netdef-corpus");
	TCase *tc = tcase_create("libvirt");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_corpus_libvirt);
	tcase_add_test(tc, test_corpus_extra);
	tcase_add_test(tc, test_corpus_confdata);
	suite_add_tcase(s, tc);
	return s;
}
