#!/usr/bin/env bash
# route: the uplink sees the guest's own address and may connect in;
# isolated (as libvirt): a lease without a router, no upstream DNS, the host
# and the guests reach each other, the uplink is unreachable; open: no netd
# rules at all.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
make_uplink
in_ns uplink dnsmasq -k --conf-file=/dev/null --user=root --bind-interfaces --listen-address=10.99.0.2 \
	--address=/outside.test/10.99.0.77 --pid-file="$T/upstream.pid" 2>>"$T/upstream.log" &
NSPIDS+=($!)
printf 'nameserver 10.99.0.2\n' >"$T/resolv.conf"
start_netd --resolv-conf "$T/resolv.conf" || exit 1
in_ns uplink ip route add 192.168.160.0/24 via 10.99.0.1

cat >"$T/route.xml" <<'XML'
<network>
  <name>routed</name>
  <forward mode='route'/>
  <bridge name='ndrt0'/>
  <ip address='192.168.160.1' prefix='24'>
    <dhcp><range start='192.168.160.10' end='192.168.160.20'/></dhcp>
  </ip>
</network>
XML
cat >"$T/iso.xml" <<'XML'
<network>
  <name>iso</name>
  <bridge name='ndiso0'/>
  <ip address='192.168.170.1' prefix='24'>
    <dhcp><range start='192.168.170.10' end='192.168.170.20'/></dhcp>
  </ip>
</network>
XML
cat >"$T/open.xml" <<'XML'
<network>
  <name>opennet</name>
  <forward mode='open'/>
  <bridge name='ndop0'/>
  <ip address='192.168.180.1' prefix='24'/>
</network>
XML

check "route: net-create" "$BIN/netdctl" net-create "$T/route.xml"
guest_on_bridge r1 ndrt0
check "route: guest gets a lease" dhcp r1
rip=$(lease_of r1 2>/dev/null)
check "route: guest reaches the uplink" ping_from r1 10.99.0.2
check "route: guest moves TCP data to the uplink" tcp r1 uplink 10.99.0.2
check "route: the uplink saw the guest's own address" test "$(uplink_count from_guest)" -ge 1
check "route: the uplink saw no masqueraded packet" test "$(uplink_count from_host)" = 0
check "route: the uplink may connect to the guest" ping_from uplink "$rip"
check "route: and open a TCP connection to it" tcp uplink r1 "$rip"

check "isolated: net-create" "$BIN/netdctl" net-create "$T/iso.xml"
guest_on_bridge i1 ndiso0
check "isolated: guest gets a lease" dhcp i1
iip=$(lease_of i1 2>/dev/null)
check "isolated: the lease names no router (libvirt: dhcp-option=3)" sh -c "r=\$(cat '$T/i1.lease.router'); echo \"router: '\$r'\"; test -z \"\$r\""
check "isolated: the guest reaches the host (ping)" ping_from i1 192.168.170.1
check "isolated: the host reaches the guest (ping)" busybox ping -c 1 -W 2 "$iip"
check "isolated: the host opens a TCP connection to the guest" tcp_from_host i1 "$iip"
check "isolated: the guest opens a TCP connection to the host" tcp_to_host i1 192.168.170.1
check_fails "isolated: no upstream DNS (the name server forwards nothing)" in_ns i1 "$BIN/nd-dnsq" 192.168.170.1 outside.test
in_ns i1 ip route replace default via 192.168.170.1 dev g0
check_fails "isolated: guest cannot reach the uplink" ping_from i1 10.99.0.2
check_fails "isolated: nor over TCP" tcp i1 uplink 10.99.0.2
in_ns uplink ip route add 192.168.170.0/24 via 10.99.0.1
check_fails "isolated: the uplink cannot reach the guest" ping_from uplink "$iip"
guest_on_bridge i2 ndiso0
check "isolated: a second guest gets a lease" dhcp i2
check "isolated: guests reach each other" ping_from i2 "$iip"
check "isolated: and move TCP data between them" tcp i2 i1 "$iip"

check "open: net-create" "$BIN/netdctl" net-create "$T/open.xml"
check_fails "open: no netd chain names it" sh -c "nft list table inet netd | grep -q opennet"
check_fails "open: no map element for its bridge" sh -c "nft list table inet netd | grep -q ndop0"
in_ns uplink ip route add 192.168.180.0/24 via 10.99.0.1
check "open: a neighbour on the uplink reaches its bridge address" ping_from uplink 192.168.180.1
check_fails "open: but gets no DNS answer from it (dnsmasq checks where a query came in)" in_ns uplink "$BIN/nd-dnsq" 192.168.180.1 outside.test

check "destroy all three" sh -c "'$BIN/netdctl' net-destroy routed && '$BIN/netdctl' net-destroy iso && '$BIN/netdctl' net-destroy opennet"
check "transient networks are gone from the list" sh -c "test -z \"\$('$BIN/netdctl' net-list --all --name)\""
check_fails "no bridge left" sh -c "ip -o link show type bridge | grep -q ."
check_fails "no netd table left" nft list table inet netd
kill "$(cat "$T/upstream.pid")"
for _ in $(seq 50); do pgrep -x dnsmasq >/dev/null || break; sleep 0.05; done
check_fails "no dnsmasq left" pgrep -x dnsmasq
finish
