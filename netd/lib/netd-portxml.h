#pragma once
/* A port record (as net-port-list gives it) as libvirt's <networkport>: netdctl
 * net-port-dumpxml and libvirt's NETWORK_PORT_GET_XML_DESC print the same. */
#include <json-c/json.h>

#include "common/nd-buf.h"

void netd_port_xml(json_object *port, struct nd_buf *b);
