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

Suite *make_common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_err_first_wins);
	tcase_add_test(tc, test_buf_escape);
	tcase_add_test(tc, test_buf_grows);
	tcase_add_test(tc, test_file_replace);
	suite_add_tcase(s, tc);
	return s;
}
