#pragma once
/* Sockets on the DNS/DHCP ports (53, 67, 547) and who holds them: shared by
 * the daemon's start check and netdctl doctor. */
#include <stddef.h>
#include <sys/types.h>

#include "dhcp/dhcp.h"

/* every socket that could hold the ports: sock_diag, else /proc/net; how many stored */
int netd_listeners_list(struct dhcp_port_holder *out, size_t max);
/* the pid holding socket inode, and its name; 0 when not found */
pid_t netd_socket_owner(unsigned long inode, char *comm, size_t len);
/* every wildcard listener on 53, 67 or 547, described into buf; returns how many */
int netd_wildcard_listeners(char *buf, size_t len);
