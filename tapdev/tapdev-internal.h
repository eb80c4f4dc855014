#pragma once
/* Shared by tapdev/ files only. */
#include <netlink/netlink.h>

#include "tapdev/tapdev.h"

struct tapdev_nl {
	struct nl_sock *sk;
};
