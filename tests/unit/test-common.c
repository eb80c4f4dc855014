#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "common/nd-buf.h"
#include "common/nd-err.h"
#include "common/nd-file.h"
#include "common/nd-xdr.h"
#include "tests/unit/suites.h"

START_TEST(test_err_first_wins)
{
	struct nd_err err = { 0 };
	char buf[256];

	ck_assert_int_eq(nd_err_set(&err, EINVAL, "a.xml:3", "first %d", 1), -EINVAL);
	ck_assert_int_eq(nd_err_set(&err, -ENOENT, "b", "second"), -ENOENT);
	ck_assert_int_eq(err.code, -EINVAL);
	ck_assert_str_eq(nd_err_text(&err, buf, sizeof(buf)), "a.xml:3: first 1");
	ck_assert_int_eq(nd_err_set(NULL, -EIO, NULL, "no buffer"), -EIO);
}
END_TEST

START_TEST(test_buf_escape)
{
	struct nd_buf b = { 0 };
	char *s;

	nd_buf_printf(&b, "<a x='");
	nd_buf_xml_escape(&b, "1<2 & 'q' \"d\"\n");
	nd_buf_puts(&b, "'/>");
	ck_assert_int_eq(nd_buf_error(&b), 0);
	s = nd_buf_steal(&b);
	ck_assert_str_eq(s, "<a x='1&lt;2 &amp; &apos;q&apos; &quot;d&quot;&#10;'/>");
	free(s);
}
END_TEST

START_TEST(test_buf_grows)
{
	struct nd_buf b = { 0 };

	for (int i = 0; i < 10000; i++)
		nd_buf_printf(&b, "%05d", i);
	ck_assert_uint_eq(b.len, 50000);
	ck_assert(strncmp(b.data + 49995, "09999", 5) == 0);
	nd_buf_free(&b);
}
END_TEST

static int entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* both writers replace the whole file, set its mode and leave no temp file */
START_TEST(test_file_replace)
{
	int (*const writers[])(const char *, const void *, size_t, mode_t, struct nd_err *) = {
		nd_file_write_atomic, nd_file_write_runtime
	};
	char dir[] = "/tmp/nd-unit-file.XXXXXX", path[64];
	struct nd_err err = { 0 };
	struct stat st;
	size_t len;
	char *text;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(writers[i](path, "a longer first text", 19, 0600, &err), 0);
		ck_assert_int_eq(writers[i](path, "second", 6, 0644, &err), 0);
		ck_assert_int_eq(nd_file_read(path, 100, &text, &len, &err), 0);
		ck_assert_str_eq(text, "second");
		ck_assert_uint_eq(len, 6);
		free(text);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_mode & 0777, 0644);
		ck_assert_int_eq(entries_in(dir), 1);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/missing/f", dir);
	ck_assert_int_eq(nd_file_write_runtime(path, "x", 1, 0644, &err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot create"));
	rmdir(dir);
}
END_TEST

/* XDR as libvirt's RPC has it: big-endian words, padded strings, optional values */
START_TEST(test_xdr_round_trip)
{
	static const uint8_t want[] = { 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 2, 0, 0, 0, 3,
					0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 1, 0, 0, 0, 1, 'x', 0, 0, 0 };
	struct nd_buf b = { 0 };
	struct nd_xdr_in in;
	bool present = true;
	char *s;

	nd_xdr_u32(&b, 1);
	nd_xdr_i32(&b, -2);
	nd_xdr_u64(&b, (2ULL << 32) | 3);
	nd_xdr_string(&b, "hello");
	nd_xdr_string_opt(&b, NULL);
	nd_xdr_string_opt(&b, "x");
	ck_assert_uint_eq(b.len, sizeof(want));
	ck_assert(memcmp(b.data, want, sizeof(want)) == 0);
	in = (struct nd_xdr_in){ .p = (const uint8_t *)b.data, .len = b.len };
	ck_assert_uint_eq(nd_xdr_get_u32(&in), 1);
	ck_assert_int_eq(nd_xdr_get_i32(&in), -2);
	ck_assert(nd_xdr_get_u64(&in) == ((2ULL << 32) | 3));
	s = nd_xdr_get_string(&in, 64);
	ck_assert_str_eq(s, "hello");
	free(s);
	ck_assert_ptr_null(nd_xdr_get_string_opt(&in, 64, &present));
	ck_assert(!present);
	s = nd_xdr_get_string_opt(&in, 64, &present);
	ck_assert(present && s && strcmp(s, "x") == 0);
	free(s);
	ck_assert(!in.bad);
	/* past the end: latched, zeros from then on */
	ck_assert_uint_eq(nd_xdr_get_u32(&in), 0);
	ck_assert(in.bad);
	nd_buf_free(&b);
}
END_TEST

START_TEST(test_xdr_hostile)
{
	/* a string longer than allowed, one longer than the message, one with a NUL */
	static const uint8_t too_long[] = { 0, 0, 0, 200, 'a', 'b', 'c', 'd' };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 'a', 'b', 'c', 'd' };
	static const uint8_t nul[] = { 0, 0, 0, 3, 'a', 0, 'c', 0 };
	static const uint8_t flag2[] = { 0, 0, 0, 2 };
	struct nd_xdr_in in = { .p = too_long, .len = sizeof(too_long) };
	bool present;

	ck_assert_ptr_null(nd_xdr_get_string(&in, 100));
	ck_assert(in.bad);
	in = (struct nd_xdr_in){ .p = too_long, .len = sizeof(too_long) };
	ck_assert_ptr_null(nd_xdr_get_string(&in, 1000));
	ck_assert(in.bad);
	in = (struct nd_xdr_in){ .p = huge, .len = sizeof(huge) };
	ck_assert_ptr_null(nd_xdr_get_string(&in, SIZE_MAX));
	ck_assert(in.bad);
	in = (struct nd_xdr_in){ .p = nul, .len = sizeof(nul) };
	ck_assert_ptr_null(nd_xdr_get_string(&in, 100));
	ck_assert(in.bad);
	in = (struct nd_xdr_in){ .p = flag2, .len = sizeof(flag2) };
	ck_assert_ptr_null(nd_xdr_get_string_opt(&in, 100, &present));
	ck_assert(in.bad);
}
END_TEST

Suite *make_common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_err_first_wins);
	tcase_add_test(tc, test_buf_escape);
	tcase_add_test(tc, test_buf_grows);
	tcase_add_test(tc, test_file_replace);
	tcase_add_test(tc, test_xdr_round_trip);
	tcase_add_test(tc, test_xdr_hostile);
	suite_add_tcase(s, tc);
	return s;
}
