/* File descriptors over AF_UNIX SOCK_SEQPACKET: one message, its fds with it. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tapdev/tapdev.h"

ssize_t tapdev_fd_recv(int sock, void *buf, size_t len, int *fds, size_t max, size_t *ret_n_fds,
		       struct nd_err *err)
{
	char cbuf[CMSG_SPACE(sizeof(int) * TAPDEV_MAX_QUEUES * 2)];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	size_t n_fds = 0;
	ssize_t n;

	*ret_n_fds = 0;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return nd_err_set(err, -errno, "socket", "recvmsg: %s", strerror(errno));
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		size_t k;
		int *p;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		p = (int *)CMSG_DATA(cm);
		for (size_t i = 0; i < k; i++) {
			if (n_fds < max)
				fds[n_fds++] = p[i];
			else
				close(p[i]); /* never leak what we did not ask for */
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		for (size_t i = 0; i < n_fds; i++)
			close(fds[i]);
		return nd_err_set(err, -EMSGSIZE, "socket", "message or its file descriptors truncated");
	}
	*ret_n_fds = n_fds;
	return n;
}

int tapdev_fd_send(int sock, const void *buf, size_t len, const int *fds, size_t n_fds, struct nd_err *err)
{
	char cbuf[CMSG_SPACE(sizeof(int) * TAPDEV_MAX_QUEUES * 2)];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n_fds > TAPDEV_MAX_QUEUES * 2)
		return nd_err_set(err, -EINVAL, "socket", "too many file descriptors");
	if (n_fds) {
		struct cmsghdr *cm;

		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n_fds);
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return nd_err_set(err, -errno, "socket", "sendmsg: %s", strerror(errno));
	return 0;
}
