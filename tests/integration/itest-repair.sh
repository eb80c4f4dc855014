#!/usr/bin/env bash
# Someone else breaks a running network: `nft flush ruleset`, the bridge
# deleted, dnsmasq killed. net-start on the active network repairs and says
# what it did; net-destroy copes with what is already gone; leases survive a
# dnsmasq restart.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
make_uplink
cat >"$T/r.xml" <<'XML'
<network><name>rep</name><forward mode='nat'/><bridge name='ndrep0'/>
<ip address='192.168.252.1' prefix='24'><dhcp><range start='192.168.252.10' end='192.168.252.20'/></dhcp></ip></network>
XML
check "start" sh -c "'$BIN/netdctl' net-define '$T/r.xml' && '$BIN/netdctl' net-start rep"
guest_on_bridge g1 ndrep0 52:54:00:ee:00:01
check "a guest gets a lease" dhcp g1
check "and reaches the uplink" ping_from g1 10.99.0.2
check "  and moves TCP data to it" tcp g1 uplink 10.99.0.2
check "net-start on a whole network says it is already active" sh -c "'$BIN/netdctl' net-start rep 2>&1 | grep -q 'already active'"

nft flush ruleset
check "net-start repairs it and says so" sh -c "'$BIN/netdctl' net-start rep | tee /dev/stderr | grep -q 'repaired: nftables table inet netd was missing'"
check "the rules are back" nft list chain inet netd rep-nat
in_ns uplink nft reset counters >/dev/null 2>&1
check "the guest reaches the uplink through NAT again" ping_from g1 10.99.0.2
check "and moves TCP data to it again" tcp g1 uplink 10.99.0.2
check "the uplink saw the host's address" test "$(uplink_count from_host)" -ge 1

dpid=$(pgrep -x dnsmasq)
kill -9 "$dpid"
for _ in $(seq 40); do p=$(pgrep -x dnsmasq); [ -n "$p" ] && [ "$p" != "$dpid" ] && break; sleep 0.05; done
check "a killed dnsmasq is back within 2 s" sh -c "test -n '$p' && test '$p' != '$dpid'"
check "the guest's lease is kept across the dnsmasq restart" sh -c "'$BIN/netdctl' net-dhcp-leases rep | grep -q '52:54:00:ee:00:01'"

ip link del ndrep0
check "net-start after the bridge was deleted rebuilds the network" sh -c "'$BIN/netdctl' net-start rep | tee /dev/stderr | grep -q 'repaired: bridge was missing'"
check "the bridge is back with its address" sh -c "ip -o -4 addr show ndrep0 | grep -q 192.168.252.1/24"

nft flush ruleset
ip link del ndrep0
check "net-destroy copes with a network already taken apart" "$BIN/netdctl" net-destroy rep
check_fails "and nothing of it is left" sh -c "ip link show ndrep0 2>/dev/null || pgrep -x dnsmasq || ls '$T'/run/networks/rep.* 2>/dev/null"
finish
