#!/usr/bin/env bash
# NAT network: lease in the range, DNS host through the bridge, the uplink is
# reached and sees the host's uplink address, the uplink cannot connect in,
# and destroy leaves nothing behind.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
make_uplink

cat >"$T/nat.xml" <<'XML'
<network>
  <name>natnet</name>
  <forward mode='nat'/>
  <bridge name='ndbr0'/>
  <dns><host ip='192.168.150.77'><hostname>pudding</hostname></host></dns>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.150.100' end='192.168.150.150'/></dhcp>
  </ip>
</network>
XML
check "net-define" "$BIN/netdctl" net-define "$T/nat.xml"
check "net-start" "$BIN/netdctl" net-start natnet
check "listed active" sh -c "'$BIN/netdctl' net-list --name | grep -qx natnet"
guest_on_bridge g1 ndbr0 52:54:00:00:01:01
check "guest gets a DHCP lease" dhcp g1
ip4=$(lease_of g1 2>/dev/null)
check "lease $ip4 is inside the range" sh -c "case '$ip4' in 192.168.150.1[0-4][0-9]|192.168.150.150) true;; *) false;; esac"
check "net-dhcp-leases lists it" sh -c "'$BIN/netdctl' net-dhcp-leases natnet | grep -q '52:54:00:00:01:01.*$ip4/24'"
check "DNS host resolves through the bridge" resolves g1 pudding 192.168.150.1 192.168.150.77 natnet
check "guest reaches the uplink" ping_from g1 10.99.0.2
check "guest moves TCP data to the uplink" tcp g1 uplink 10.99.0.2
check "uplink saw the host's address (masquerade)" test "$(uplink_count from_host)" -ge 1
check "uplink saw no guest address" test "$(uplink_count from_guest)" = 0
in_ns uplink ip route add 192.168.150.0/24 via 10.99.0.1
check_fails "uplink cannot open a connection to the guest" ping_from uplink "$ip4"
check_fails "nor a TCP connection" tcp uplink g1 "$ip4"
check "nft chains exist while running" sh -c "nft list chain inet netd natnet-nat >/dev/null"
check "dnsmasq runs" pgrep -x dnsmasq

check "net-destroy" "$BIN/netdctl" net-destroy natnet
check_fails "bridge is gone" ip link show ndbr0
check_fails "network chains are gone" nft list chain inet netd natnet-fwd-in
check_fails "netd's table is gone with its last network" nft list table inet netd
check_fails "dnsmasq is gone" pgrep -x dnsmasq
check "run files are gone" sh -c "! ls '$T/run/networks/'natnet* 2>/dev/null"
check "still listed as defined, inactive" sh -c "'$BIN/netdctl' net-list --all | grep -q 'natnet.*inactive'"
finish
