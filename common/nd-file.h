#pragma once
/* Files: atomic replace (temp + fsync + rename + fsync dir), whole reads, mkdir -p. */
#include <stddef.h>
#include <sys/types.h>

#include "common/nd-err.h"

int nd_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct nd_err *err);
/* Run-time state (the run dir, tmpfs in production): the same temp + rename,
 * so a reader never sees half a file and a killed daemon leaves the old or the
 * new one, but no fsync: the files do not outlive the machine anyway. */
int nd_file_write_runtime(const char *path, const void *data, size_t len, mode_t mode, struct nd_err *err);
/* NUL-terminated contents, at most max bytes; -ENOENT when absent. Never
 * through a symlink: for the daemon's own files */
int nd_file_read(const char *path, size_t max, char **ret, size_t *ret_len, struct nd_err *err);
/* a file a user names on a command line: "-" is standard input, symlinks and
 * pipes (<(...)) are followed as any tool would; the user's own access rights */
int nd_file_read_input(const char *path, size_t max, char **ret, size_t *ret_len, struct nd_err *err);
int nd_mkdir_p(const char *path, mode_t mode, struct nd_err *err);
