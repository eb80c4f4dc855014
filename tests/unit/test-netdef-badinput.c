/*
 * Fuzz-style bad input for the parser: truncated files, mutated bytes, wrong
 * types, huge numbers, invalid UTF-8, 10 MB attribute values, deep nesting,
 * entities. Every case must end in an error with a message or a valid model,
 * never a crash (this suite also runs under ASan+UBSan).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/nd-cleanup.h"
#include "tests/unit/suites.h"
#include "xml/netdef.h"

static const char *corpus_dir(void)
{
	const char *d = getenv("NETD_CORPUS_DIR");

	return d && *d ? d : "../shared/corpus";
}

/* parse, and when accepted format too; returns the parse result */
static int try_parse(const char *buf, size_t len, const char *what)
{
	_cleanup_(netdef_freep) struct netdef *def = NULL;
	_cleanup_free_ char *out = NULL;
	struct nd_err err = { 0 };
	int r = netdef_parse_string(buf, len, what, &def, &err);

	if (r < 0) {
		ck_assert_msg(err.code < 0 && err.msg[0], "%s: error without a message", what);
		ck_assert_ptr_null(def);
		return r;
	}
	ck_assert_int_eq(netdef_format(def, &out, &err), 0);
	return 0;
}

static char *read_whole(const char *path, size_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*ret_len = (size_t)n;
	return buf;
}

static int xml_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".xml") == 0;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

START_TEST(test_truncated_and_mutated_corpus)
{
	static const char *const inserts[] = { "99999999999999999999999", "-1", "\xff\xfe", "<", "'", "&",
					       "&#0;", "yes", "::", "0x10", "%n%s", "\"", ">", "</ip>" };
	char dir[4096], path[4400];
	struct dirent **ents;
	unsigned parses = 0, accepted = 0;
	int n;

	snprintf(dir, sizeof(dir), "%s/libvirt", corpus_dir());
	n = scandir(dir, &ents, xml_filter, alphasort);
	ck_assert_msg(n > 0, "corpus %s missing", dir);
	for (int i = 0; i < n; i++) {
		size_t len;
		_cleanup_free_ char *buf = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		buf = read_whole(path, &len);
		for (size_t cut = 0; cut < len; cut++, parses++)
			accepted += try_parse(buf, cut, "truncated") == 0;
		for (int m = 0; m < 300; m++, parses++) {
			const char *ins = inserts[rng() % ND_ELEMENTSOF(inserts)];
			size_t pos = rng() % len, ilen = strlen(ins), drop = rng() % 4;
			_cleanup_free_ char *mut = malloc(len + ilen + 1);
			size_t mlen;

			if (pos + drop > len)
				drop = len - pos;
			memcpy(mut, buf, pos);
			memcpy(mut + pos, ins, ilen);
			memcpy(mut + pos + ilen, buf + pos + drop, len - pos - drop);
			mlen = len + ilen - drop;
			accepted += try_parse(mut, mlen, "mutated") == 0;
		}
		free(ents[i]);
	}
	free(ents);
	printf("badinput: %u truncated/mutated corpus inputs parsed, %u accepted, no crash\n", parses,
	       accepted);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	static const char xml[] = "<network><name>n\xff\xfe\xc3</name></network>";
	struct nd_err err = { 0 };
	struct netdef *def = NULL;

	ck_assert_int_lt(netdef_parse_string(xml, sizeof(xml) - 1, "u.xml", &def, &err), 0);
	ck_assert_msg(strstr(err.msg, "malformed XML"), "%s", err.msg);
	ck_assert_str_eq(err.where, "u.xml:1");
}
END_TEST

static void huge_attr(size_t size, const char *needle)
{
	static const char head[] = "<network><name>h</name><bridge name='";
	static const char tail[] = "'/></network>";
	size_t len = sizeof(head) - 1 + size + sizeof(tail) - 1;
	_cleanup_free_ char *xml = malloc(len + 1);
	struct nd_err err = { 0 };
	struct netdef *def = NULL;

	memcpy(xml, head, sizeof(head) - 1);
	memset(xml + sizeof(head) - 1, 'A', size);
	memcpy(xml + sizeof(head) - 1 + size, tail, sizeof(tail));
	ck_assert_int_lt(netdef_parse_string(xml, len, "huge.xml", &def, &err), 0);
	ck_assert_msg(strstr(err.msg, needle), "%s", err.msg);
	ck_assert_msg(strlen(err.msg) < 400, "error message not bounded");
}

START_TEST(test_huge_attribute_values)
{
	huge_attr(10u << 20, "more than");                  /* 10 MB: refused by size */
	huge_attr(3u << 20, "not a valid interface name"); /* 3 MB: parsed, refused by validation */
}
END_TEST

START_TEST(test_huge_numbers_and_wrong_types)
{
	static const char *const bodies[] = {
		"<mtu size='18446744073709551616'/>", "<mtu size='1e3'/>", "<mtu size=' 1500'/>",
		"<mtu size='0x5dc'/>", "<bridge delay='4294967296'/>", "<ip address='10.0.0.1' prefix='-8'/>",
		"<ip address='10.0.0.1' prefix='8.5'/>", "<ip address='10.0.0.1' prefix=''/>",
		"<forward mode='nat'><nat><port start='65536' end='70000'/></nat></forward>",
		"<portgroup name='p'><vlan><tag id='99999999999999999999'/></vlan></portgroup>",
		"<ip address='10.0.0.1' prefix='8'><dhcp><range start='10.0.0.2' end='10.0.0.3'>"
		"<lease expiry='99999999999999999999'/></range></dhcp></ip>",
		"<bandwidth><inbound average='abc'/></bandwidth>", "<uuid>1234</uuid>",
		"<ip address='10.0.0.1' prefix='8'><dhcp><range start='x' end='y'/></dhcp></ip>",
		NULL,
	};

	for (int i = 0; bodies[i]; i++) {
		char xml[1024];
		struct nd_err err = { 0 };
		struct netdef *def = NULL;

		snprintf(xml, sizeof(xml), "<network><name>w</name>%s</network>", bodies[i]);
		ck_assert_msg(netdef_parse_string(xml, strlen(xml), "w.xml", &def, &err) < 0, "accepted %s",
			      bodies[i]);
		ck_assert_msg(err.msg[0], "no message for %s", bodies[i]);
	}
}
END_TEST

START_TEST(test_deep_nesting)
{
	const int depth = 100000;
	size_t len = (size_t)depth * 7 + 64;
	_cleanup_free_ char *xml = malloc(len);
	struct nd_err err = { 0 };
	struct netdef *def = NULL;
	size_t off = 0;

	off += (size_t)sprintf(xml + off, "<network><name>d</name>");
	for (int i = 0; i < depth; i++)
		off += (size_t)sprintf(xml + off, "<a>");
	ck_assert_int_lt(netdef_parse_string(xml, off, "deep.xml", &def, &err), 0);
}
END_TEST

START_TEST(test_entities_refused)
{
	static const char ext[] = "<?xml version='1.0'?><!DOCTYPE network [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
				  "<network><name>&x;</name></network>";
	static const char laughs[] =
		"<?xml version='1.0'?><!DOCTYPE network [<!ENTITY a 'aaaaaaaaaa'>"
		"<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'><!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>"
		"<!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'><!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'>"
		"<!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'><!ENTITY g '&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;'>]>"
		"<network><name>n</name><description>&g;&g;&g;&g;&g;&g;</description></network>";
	struct nd_err err = { 0 };
	struct netdef *def = NULL;

	ck_assert_int_lt(netdef_parse_string(ext, sizeof(ext) - 1, "ext.xml", &def, &err), 0);
	ck_assert_msg(strstr(err.msg, "DOCTYPE"), "%s", err.msg);
	memset(&err, 0, sizeof(err));
	ck_assert_int_lt(netdef_parse_string(laughs, sizeof(laughs) - 1, "laughs.xml", &def, &err), 0);
}
END_TEST

START_TEST(test_not_a_network)
{
	static const char *const docs[] = { "", " ", "<domain><name>x</name></domain>", "<network/>",
					    "<network><name>a</name>", "plain text", "<?xml version='1.0'?>",
					    NULL };

	for (int i = 0; docs[i]; i++) {
		struct nd_err err = { 0 };
		struct netdef *def = NULL;

		ck_assert_int_lt(netdef_parse_string(docs[i], strlen(docs[i]), "x.xml", &def, &err), 0);
		ck_assert(err.msg[0]);
	}
}
END_TEST

START_TEST(test_missing_file)
{
	struct nd_err err = { 0 };
	struct netdef *def = NULL;

	ck_assert_int_eq(netdef_parse_file("/nonexistent/net.xml", &def, &err), -ENOENT);
	ck_assert_str_eq(err.where, "/nonexistent/net.xml");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(netdef_parse_file("/", &def, &err), -EINVAL);
}
END_TEST

/* libvirt's <networkport>: what the QEMU driver sends is taken, what nobody knows is refused by name */
START_TEST(test_networkport)
{
	static const char libvirt_sends[] =
		"<networkport><uuid>5b6d9a3a-7c7e-4a6e-9f7d-111111111111</uuid>"
		"<owner><name>vm1</name><uuid>5b6d9a3a-7c7e-4a6e-9f7d-222222222222</uuid></owner>"
		"<group>web</group><mac address='52:54:00:AA:bb:01'/>"
		"<bandwidth><inbound average='100'/></bandwidth><vlan><tag id='7'/></vlan>"
		"<rxfilters trustGuest='no'/><plug type='network' bridge='virbr0'/></networkport>";
	struct netdef_networkport p;
	struct nd_err err = { 0 };

	ck_assert_msg(netdef_networkport_parse_string(libvirt_sends, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.uuid, "5b6d9a3a-7c7e-4a6e-9f7d-111111111111");
	ck_assert_str_eq(p.owner_uuid, "5b6d9a3a-7c7e-4a6e-9f7d-222222222222");
	ck_assert_str_eq(p.owner_name, "vm1");
	ck_assert_str_eq(p.group, "web");
	ck_assert_str_eq(p.mac, "52:54:00:aa:bb:01");
	ck_assert(p.bandwidth.inbound.present && p.bandwidth.inbound.average == 100);
	ck_assert(p.vlan.present && p.vlan.n_tags == 1 && p.vlan.tags[0].id == 7);
	netdef_networkport_clear(&p);
	err = (struct nd_err){ 0 };
	ck_assert_int_lt(netdef_networkport_parse_string("<networkport><mac address='52:54:00:00:00:01'/><frob/>"
							 "</networkport>", &p, &err), 0);
	ck_assert_msg(strstr(err.msg, "frob"), "%s", err.msg);
	err = (struct nd_err){ 0 };
	ck_assert_int_lt(netdef_networkport_parse_string("<networkport><uuid>x</uuid></networkport>", &p, &err), 0);
	err = (struct nd_err){ 0 };
	ck_assert_int_lt(netdef_networkport_parse_string("<networkport/>", &p, &err), 0);
	ck_assert_msg(strstr(err.msg, "mac"), "%s", err.msg);
	err = (struct nd_err){ 0 };
	ck_assert_int_lt(netdef_networkport_parse_string("<network/>", &p, &err), 0);
}
END_TEST

Suite *make_netdef_badinput_suite(void)
{
	Suite *s = suite_create("netdef-badinput");
	TCase *tc = tcase_create("badinput");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_truncated_and_mutated_corpus);
	tcase_add_test(tc, test_networkport);
	tcase_add_test(tc, test_invalid_utf8);
	tcase_add_test(tc, test_huge_attribute_values);
	tcase_add_test(tc, test_huge_numbers_and_wrong_types);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_entities_refused);
	tcase_add_test(tc, test_not_a_network);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);
	return s;
}
