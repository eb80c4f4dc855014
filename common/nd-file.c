#include "common/nd-file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/nd-cleanup.h"

static int fsync_dir_of(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);
	_cleanup_close_ int fd = -EBADF;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		return -errno;
	return 0;
}

static int write_replace(const char *path, const void *data, size_t len, mode_t mode, bool durable,
			 struct nd_err *err)
{
	char tmp[4200];
	_cleanup_close_ int fd = -EBADF;
	size_t done = 0;
	int r;

	const char *base = strrchr(path, '/');
	int dirlen = base ? (int)(base - path + 1) : 0;

	/* ".NAME.tmp.PID" beside the file: a hidden name no file of netd's has */
	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp.%d", dirlen, path, path + dirlen, (int)getpid()) >=
	    (int)sizeof(tmp))
		return nd_err_set(err, -ENAMETOOLONG, path, "path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return nd_err_set(err, -errno, tmp, "cannot create: %s", strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			unlink(tmp);
			return nd_err_set(err, r, tmp, "cannot write: %s", strerror(-r));
		}
		done += (size_t)n;
	}
	if (fchmod(fd, mode) < 0 || (durable && fsync(fd) < 0) || close(TAKE_FD(fd)) < 0) {
		r = -errno;
		unlink(tmp);
		return nd_err_set(err, r, tmp, "cannot flush: %s", strerror(-r));
	}
	if (rename(tmp, path) < 0) {
		r = -errno;
		unlink(tmp);
		return nd_err_set(err, r, path, "cannot rename into place: %s", strerror(-r));
	}
	if (durable)
		fsync_dir_of(path);
	return 0;
}

int nd_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct nd_err *err)
{
	return write_replace(path, data, len, mode, true, err);
}

int nd_file_write_runtime(const char *path, const void *data, size_t len, mode_t mode, struct nd_err *err)
{
	return write_replace(path, data, len, mode, false, err);
}

/* the rest of fd (a regular file, or a pipe when pipes are allowed), NUL-terminated */
static int read_fd(int fd, const char *path, bool pipes, size_t max, char **ret, size_t *ret_len, struct nd_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t got = 0, cap;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return nd_err_set(err, -errno, path, "cannot stat: %s", strerror(errno));
	if (!S_ISREG(st.st_mode) && !(pipes && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode))))
		return nd_err_set(err, -EINVAL, path, "not a regular file");
	if (S_ISREG(st.st_mode) && (size_t)st.st_size > max)
		return nd_err_set(err, -EFBIG, path, "file is %lld bytes, more than %zu", (long long)st.st_size, max);
	/* read to EOF rather than trusting st_size: /proc files report 0 */
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	for (;;) {
		ssize_t n;

		if (got + 1 >= cap) {
			char *p;

			if (cap > max + 1)
				return nd_err_set(err, -EFBIG, path, "more than %zu bytes", max);
			cap *= 2;
			if (!(p = realloc(buf, cap)))
				return nd_err_set(err, -ENOMEM, path, "out of memory");
			buf = p;
		} else if (!buf && !(buf = malloc(cap))) {
			return nd_err_set(err, -ENOMEM, path, "out of memory");
		}
		n = read(fd, buf + got, cap - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nd_err_set(err, -errno, path, "cannot read: %s", strerror(errno));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got > max)
		return nd_err_set(err, -EFBIG, path, "more than %zu bytes", max);
	buf[got] = '\0';
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = got;
	return 0;
}

int nd_file_read(const char *path, size_t max, char **ret, size_t *ret_len, struct nd_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return errno == ENOENT ? -ENOENT : nd_err_set(err, -errno, path, "cannot open: %s", strerror(errno));
	return read_fd(fd, path, false, max, ret, ret_len, err);
}

int nd_file_read_input(const char *path, size_t max, char **ret, size_t *ret_len, struct nd_err *err)
{
	_cleanup_close_ int fd = -1;

	if (strcmp(path, "-") == 0)
		return read_fd(STDIN_FILENO, "standard input", true, max, ret, ret_len, err);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return nd_err_set(err, -errno, path, "cannot open: %s", strerror(errno));
	return read_fd(fd, path, true, max, ret, ret_len, err);
}

int nd_mkdir_p(const char *path, mode_t mode, struct nd_err *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return nd_err_set(err, -EINVAL, path, "bad directory path");
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return nd_err_set(err, -errno, buf, "cannot create directory: %s", strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}
