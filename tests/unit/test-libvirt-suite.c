/*
 * libvirt 9.0.0's own network tests, run against netd (issue "libvirt
 * parity"): the release's tests/networkxml2confdata (every network's dnsmasq
 * configuration and hosts file, compared with libvirt's line by line as a set:
 * dnsmasq does not care about their order) and tests/networkxml2xmlin (every
 * definition netd accepts, formatted by netd, valid against libvirt's
 * network.rng). Each difference is either gone or listed, with its reason, in
 * tests/libvirt/deviations, which this test reads; an unlisted difference
 * fails. Outside CI a missing copy of the tests is one SKIP line
 * (NETD_LIBVIRT_SUITE names it; `make libvirt-suite` fetches it).
 */
#include <dirent.h>
#include <fnmatch.h>
#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/nd-cleanup.h"
#include "common/nd-file.h"
#include "dhcp/dhcp.h"
#include "tests/unit/suites.h"
#include "xml/netdef.h"

#define DEVIATIONS "tests/libvirt/deviations"

struct deviation {
	char glob[64];
	char kind[16]; /* see tests/libvirt/deviations */
	regex_t re;
	char *text;
	unsigned used;
};

static struct deviation devs[256];
static size_t n_devs;

static const char *suite_dir(void)
{
	const char *d = getenv("NETD_LIBVIRT_SUITE");

	return d && *d ? d : "../shared/libvirt-9.0.0";
}

/* "CASE-GLOB KIND REGEX  # reason" per line; '#' at the start is a comment */
static void load_deviations(void)
{
	_cleanup_free_ char *text = NULL;
	char *save = NULL;

	n_devs = 0;
	ck_assert_msg(nd_file_read(DEVIATIONS, 1 << 20, &text, NULL, NULL) == 0, "cannot read %s", DEVIATIONS);
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct deviation *d = &devs[n_devs];
		char *hash = strstr(line, " # "), re[512];
		int n = 0;

		if (line[0] == '#' || !line[strspn(line, " \t")])
			continue;
		ck_assert_msg(hash, "%s: no ' # reason' in: %s", DEVIATIONS, line);
		*hash = '\0';
		ck_assert_msg(sscanf(line, "%63s %15s %n", d->glob, d->kind, &n) == 2 && n > 0, "%s: bad line: %s",
			      DEVIATIONS, line);
		snprintf(re, sizeof(re), "^(%s)$", line + n);
		for (char *e = re + strlen(re) - 2; e > re && (*e == ' ' || *e == '\t'); e--) /* trailing blanks */
			memmove(e, e + 1, strlen(e + 1) + 1);
		ck_assert_msg(regcomp(&d->re, re, REG_EXTENDED | REG_NOSUB) == 0, "%s: bad regex %s", DEVIATIONS, re);
		d->text = strdup(line + n);
		ck_assert_ptr_nonnull(d->text);
		ck_assert_uint_lt(++n_devs, ND_ELEMENTSOF(devs));
	}
}

static void free_deviations(void)
{
	for (size_t i = 0; i < n_devs; i++) {
		regfree(&devs[i].re);
		free(devs[i].text);
	}
	n_devs = 0;
}

static bool documented(const char *name, const char *kind, const char *line)
{
	for (size_t i = 0; i < n_devs; i++) {
		if (strcmp(devs[i].kind, kind) || fnmatch(devs[i].glob, name, 0))
			continue;
		if (regexec(&devs[i].re, line, 0, NULL, 0) == 0) {
			devs[i].used++;
			return true;
		}
	}
	return false;
}

static bool have_suite(void)
{
	char path[4096];
	const char *ci = getenv("CI");

	snprintf(path, sizeof(path), "%s/networkxml2confdata", suite_dir());
	if (access(path, R_OK) == 0)
		return true;
	ck_assert_msg(!(ci && strcmp(ci, "true") == 0), "CI=true: libvirt's tests are missing in %s", suite_dir());
	printf("SKIP: libvirt 9.0.0's network tests are not in %s (set NETD_LIBVIRT_SUITE, or make libvirt-suite)\n",
	       suite_dir());
	return false;
}

/* lines of a dnsmasq file as a set: comments and empty lines out */
static size_t split_lines(char *text, char **lines, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save))
		if (l[0] != '#' && l[0])
			lines[n++] = l;
	return n;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What a line means to dnsmasq, as text: a lease time in seconds whatever its
 * unit ("1h" = "3600"), and a hosts-file line's fields in a fixed order
 * (dnsmasq tells them apart by their form, not their place).
 */
static void canon(const char *line, bool hosts, char *out, size_t len)
{
	char buf[1024], *f[32], *save = NULL;
	size_t n = 0, off = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *t = strtok_r(buf, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save))
		f[n++] = t;
	for (size_t i = 1; i < n; i++) {
		char unit = 0, rest[8];
		unsigned long long v;

		if (sscanf(f[i], "%llu%c%7s", &v, &unit, rest) == 2 && strchr("smhdw", unit)) {
			static char secs[32][24];

			v *= unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : unit == 'w' ? 604800 : 1;
			snprintf(secs[i], sizeof(secs[i]), "%llu", v);
			f[i] = secs[i];
		}
	}
	if (hosts)
		qsort(f, n, sizeof(f[0]), cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? "," : "", f[i]);
}

static bool in_set(char *const *lines, size_t n, const char *l, bool hosts)
{
	char a[1024], b[1024];

	canon(l, hosts, a, sizeof(a));
	for (size_t i = 0; i < n; i++) {
		canon(lines[i], hosts, b, sizeof(b));
		if (strcmp(a, b) == 0)
			return true;
	}
	return false;
}

/* both ways: netd's extra lines (kind+) and libvirt's missing ones (kind-); returns undocumented ones */
static unsigned compare(const char *name, const char *what, char *ours, char *theirs, unsigned *ret_documented)
{
	char *a[512], *b[512], kind[16];
	size_t na = split_lines(ours, a, 512), nb = split_lines(theirs, b, 512);
	unsigned bad = 0;

	for (int side = 0; side < 2; side++) {
		char *const *x = side ? b : a, *const *y = side ? a : b;
		size_t nx = side ? nb : na, ny = side ? na : nb;

		snprintf(kind, sizeof(kind), "%s%s", what, side ? "-" : "+");
		for (size_t i = 0; i < nx; i++) {
			if (in_set(y, ny, x[i], what[0] != '\0'))
				continue;
			if (documented(name, kind, x[i])) {
				(*ret_documented)++;
				continue;
			}
			printf("libvirt-suite: %s: undocumented difference: %s %s (%s)\n", name, kind, x[i],
			       side ? "libvirt writes it, netd does not" : "netd writes it, libvirt does not");
			bad++;
		}
	}
	return bad;
}

/* a case's XML; libvirt's tests have symlinks, and a copy without them holds the target's path instead */
static int read_case(const char *dir, const char *file, struct netdef **ret, struct nd_err *err)
{
	_cleanup_free_ char *text = NULL;
	char path[4400];
	size_t len;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((r = nd_file_read_input(path, 1 << 20, &text, &len, err)) < 0)
		return r;
	if (!strchr(text, '<') && len > 4 && len < 256) {
		char target[4400];

		text[strcspn(text, "\n")] = '\0';
		snprintf(target, sizeof(target), "%s/%s", dir, text);
		free(text);
		text = NULL;
		if ((r = nd_file_read_input(target, 1 << 20, &text, &len, err)) < 0)
			return r;
	}
	return netdef_parse_string(text, len, path, ret, err);
}

/* is name a DO_TEST_PARSE_ERROR of libvirt's test program? */
static bool libvirt_refuses(const char *program, const char *name)
{
	_cleanup_free_ char *text = NULL;
	char path[4200], needle[300];

	snprintf(path, sizeof(path), "%s/%s", suite_dir(), program);
	snprintf(needle, sizeof(needle), "DO_TEST_PARSE_ERROR(\"%s\")", name);
	return nd_file_read(path, 1 << 20, &text, NULL, NULL) == 0 && strstr(text, needle);
}

static int xml_only(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 4 && strcmp(e->d_name + n - 4, ".xml") == 0;
}

START_TEST(test_confdata)
{
	struct dirent **ents;
	unsigned same = 0, with_dev = 0, bad = 0, refused = 0;
	char dir[4096];
	int n;

	if (!have_suite())
		return;
	load_deviations();
	snprintf(dir, sizeof(dir), "%s/networkxml2confdata", suite_dir());
	n = scandir(dir, &ents, xml_only, alphasort);
	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		char name[256], path[4400], hf[600], ah[600], lf[600];
		struct netdef *def = NULL;
		struct nd_err err = { 0 };
		_cleanup_free_ char *ours = NULL, *theirs = NULL, *hosts = NULL, *their_hosts = NULL;
		unsigned docs = 0, diffs = 0;

		snprintf(name, sizeof(name), "%.*s", (int)(strlen(ents[i]->d_name) - 4), ents[i]->d_name);
		if (read_case(dir, ents[i]->d_name, &def, &err) < 0) {
			if (documented(name, "refused", err.msg)) {
				refused++;
			} else {
				printf("libvirt-suite: %s: refused, undocumented: %s\n", name, err.msg);
				bad++;
			}
			free(ents[i]);
			continue;
		}
		snprintf(hf, sizeof(hf), "/var/lib/libvirt/dnsmasq/%s.hostsfile", def->name);
		snprintf(ah, sizeof(ah), "/var/lib/libvirt/dnsmasq/%s.addnhosts", def->name);
		snprintf(lf, sizeof(lf), "/var/lib/libvirt/dnsmasq/%s.leases", def->name);
		{
			const struct dhcp_paths paths = { "", hf, ah, lf, NULL };

			ck_assert_msg(dhcp_conf_render(def, def->bridge.name ? def->bridge.name : "virbr0", &paths, &ours,
						       &err) == 0, "%s: %s", name, err.msg);
		}
		snprintf(path, sizeof(path), "%s/%s.conf", dir, name);
		ck_assert_int_eq(nd_file_read(path, 1 << 20, &theirs, NULL, NULL), 0);
		diffs = compare(name, "", ours, theirs, &docs);
		snprintf(path, sizeof(path), "%s/%s.hostsfile", dir, name);
		if (nd_file_read(path, 1 << 20, &their_hosts, NULL, NULL) == 0) {
			ck_assert_int_eq(dhcp_hosts_render(def, &hosts, &err), 0);
			diffs += compare(name, "hosts", hosts, their_hosts, &docs);
		}
		bad += diffs;
		if (!diffs && !docs)
			same++;
		else if (!diffs)
			with_dev++;
		netdef_free(def);
		free(ents[i]);
	}
	free(ents);
	printf("libvirt-suite: networkxml2confdata: %d cases: %u identical, %u differ only as documented, %u refused as "
	       "documented, %u undocumented differences\n", n, same, with_dev, refused, bad);
	for (size_t i = 0; i < n_devs; i++)
		if (!devs[i].used && strncmp(devs[i].kind, "xml-", 4) != 0)
			printf("libvirt-suite: note: deviation '%s %s %s' matched nothing\n", devs[i].glob, devs[i].kind,
			       devs[i].text);
	free_deviations();
	fflush(stdout);
	ck_assert_msg(bad == 0, "%u undocumented differences from libvirt's dnsmasq configurations", bad);
}
END_TEST

/* every definition netd accepts, formatted by netd, is valid against libvirt's network.rng */
START_TEST(test_xml_valid_against_rng)
{
	xmlRelaxNGParserCtxtPtr pctx;
	xmlRelaxNGPtr schema;
	struct dirent **ents;
	unsigned valid = 0, bad = 0, refused = 0;
	char dir[4096], rng[4200];
	int n;

	if (!have_suite())
		return;
	load_deviations();
	snprintf(rng, sizeof(rng), "%s/schemas/network.rng", suite_dir());
	ck_assert_ptr_nonnull(pctx = xmlRelaxNGNewParserCtxt(rng));
	ck_assert_ptr_nonnull(schema = xmlRelaxNGParse(pctx));
	snprintf(dir, sizeof(dir), "%s/networkxml2xmlin", suite_dir());
	n = scandir(dir, &ents, xml_only, alphasort);
	ck_assert_int_gt(n, 0);
	for (int i = 0; i < n; i++) {
		char name[256];
		struct netdef *def = NULL;
		struct nd_err err = { 0 };
		_cleanup_free_ char *xml = NULL;

		snprintf(name, sizeof(name), "%.*s", (int)(strlen(ents[i]->d_name) - 4), ents[i]->d_name);
		if (read_case(dir, ents[i]->d_name, &def, &err) < 0) {
			free(ents[i]);
			if (libvirt_refuses("networkxml2xmltest.c", name) || documented(name, "xml-refused", err.msg)) {
				refused++;
			} else {
				printf("libvirt-suite: xmlin %s: refused, undocumented: %s\n", name, err.msg);
				bad++;
			}
			continue;
		}
		free(ents[i]);
		if (libvirt_refuses("networkxml2xmltest.c", name) && !documented(name, "xml-accepted", "")) {
			printf("libvirt-suite: xmlin %s: libvirt refuses it, netd accepts it\n", name);
			bad++;
		}
		ck_assert_int_eq(netdef_format(def, &xml, &err), 0);
		{
			xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
			xmlRelaxNGValidCtxtPtr vctx = xmlRelaxNGNewValidCtxt(schema);
			int r = doc && vctx ? xmlRelaxNGValidateDoc(vctx, doc) : -1;

			if (r == 0) {
				valid++;
			} else if (documented(name, "xml-invalid", "invalid")) {
				refused++;
			} else {
				printf("libvirt-suite: xmlin %s: netd's output is not valid against network.rng:\n%s\n", name, xml);
				bad++;
			}
			xmlRelaxNGFreeValidCtxt(vctx);
			xmlFreeDoc(doc);
		}
		netdef_free(def);
	}
	free(ents);
	xmlRelaxNGFree(schema);
	xmlRelaxNGFreeParserCtxt(pctx);
	for (size_t i = 0; i < n_devs; i++)
		if (!devs[i].used && strncmp(devs[i].kind, "xml-", 4) == 0)
			printf("libvirt-suite: note: deviation '%s %s %s' matched nothing\n", devs[i].glob, devs[i].kind,
			       devs[i].text);
	free_deviations();
	printf("libvirt-suite: networkxml2xmlin: %d cases: %u formatted valid against network.rng, %u refused (as "
	       "libvirt, or as documented), %u undocumented\n", n, valid, refused, bad);
	fflush(stdout);
	ck_assert_msg(bad == 0, "%u cases not as documented", bad);
}
END_TEST

Suite *make_libvirt_suite(void)
{
	Suite *s = suite_create("libvirt-suite");
	TCase *tc = tcase_create("libvirt");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_confdata);
	tcase_add_test(tc, test_xml_valid_against_rng);
	suite_add_tcase(s, tc);
	return s;
}
