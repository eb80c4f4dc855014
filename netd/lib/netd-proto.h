#pragma once
/*
 * The control protocol's framing (docs/protocol.md, "Framing"), shared by the
 * daemon and every client. A message is one JSON text. It travels in one
 * SOCK_SEQPACKET packet when it is at most NETD_PROTO_CHUNK bytes, else in
 * several: every packet but the last starts with the byte NETD_PROTO_MORE
 * (0x01, which no JSON text can start with), and the last is the plain
 * remainder. File descriptors ride with the first packet.
 */
#include <stdbool.h>
#include <stddef.h>

#include "common/nd-err.h"

#define NETD_PROTO_MORE 0x01
#define NETD_PROTO_CHUNK (60u << 10)     /* payload bytes per packet */
#define NETD_PROTO_PACKET_MAX (256u << 10) /* a receiver's packet buffer: any one packet fits */
#define NETD_PROTO_REQUEST_MAX (1u << 20) /* what the daemon accepts */
#define NETD_PROTO_REPLY_MAX (64u << 20)  /* what a client accepts */
#define NETD_PROTO_MAX_FDS 16

/* one message being reassembled from its packets */
struct netd_msgbuf {
	char *data;  /* NUL-terminated when complete */
	size_t len, cap, max;
	int fds[NETD_PROTO_MAX_FDS];
	size_t n_fds;
	bool overflow; /* more than max: the rest is read and dropped */
};

void netd_msgbuf_init(struct netd_msgbuf *m, size_t max);
/* closes fds not taken, frees data */
void netd_msgbuf_clear(struct netd_msgbuf *m);
/*
 * Feeds one packet. 1: the message is complete (m->data); 0: more packets
 * follow; -EMSGSIZE: the message ended and was larger than max (dropped).
 */
int netd_msgbuf_feed(struct netd_msgbuf *m, const char *pkt, size_t len);

/* a queued outgoing packet */
struct netd_packet {
	struct netd_packet *next;
	size_t len;
	int fds[NETD_PROTO_MAX_FDS]; /* owned: closed once sent or dropped */
	size_t n_fds;
	char data[];
};

struct netd_outq {
	struct netd_packet *head, *tail;
	size_t bytes; /* queued, for limits */
};

/* splits text into packets at the queue's tail; takes ownership of fds */
int netd_outq_push(struct netd_outq *q, const char *text, size_t len, const int *fds, size_t n_fds);
/* sends what the socket takes: 0 when the queue is empty, 1 when it would block, <0 on error */
int netd_outq_flush(struct netd_outq *q, int sock);
void netd_outq_clear(struct netd_outq *q);
