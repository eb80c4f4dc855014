#!/usr/bin/env bash
# Linux-bridge VLAN portgroups through bridge vlan_filtering (issue
# "Production-kernel lane", 1): access ports on VLAN 100 reach each other with
# TCP and not a VLAN 200 port in the same subnet; a trunk guest's 802.1Q
# sub-interfaces reach VLAN 100 and VLAN 200; a native-untagged port's plain
# traffic is VLAN 100.
. "$ROOT/tests/integration/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
cat >"$T/vl.xml" <<'XML'
<network><name>vl</name><bridge name='ndvl0'/>
<portgroup name='v100' default='yes'><vlan><tag id='100'/></vlan></portgroup>
<portgroup name='v200'><vlan><tag id='200'/></vlan></portgroup>
<portgroup name='trunk'><vlan trunk='yes'><tag id='100'/><tag id='200'/></vlan></portgroup>
<portgroup name='native'><vlan trunk='yes'><tag id='100' nativeMode='untagged'/><tag id='200'/></vlan></portgroup>
<ip address='10.70.100.254' prefix='24'/>
</network>
XML
check "a network with VLAN portgroups starts on a Linux bridge" sh -c "'$BIN/netdctl' net-define '$T/vl.xml' && '$BIN/netdctl' net-start vl"
check "the bridge has vlan_filtering on" sh -c "ip -d link show ndvl0 | grep -q 'vlan_filtering 1'"
veth_guest a 10.70.100.1; veth_guest b 10.70.100.2; veth_guest c 10.70.100.3; veth_guest d 10.70.200.4
new_ns t; ip link add h-t type veth peer name g0 netns "$NS_t"
new_ns n; ip link add h-n type veth peer name g0 netns "$NS_n"
check "ports: a, b on v100; c, d on v200; t trunk; n native" sh -c "
	'$BIN/netdctl' net-port-create vl --persistent --ifname h-a &&
	'$BIN/netdctl' net-port-create vl --persistent --ifname h-b --portgroup v100 &&
	'$BIN/netdctl' net-port-create vl --persistent --ifname h-c --portgroup v200 &&
	'$BIN/netdctl' net-port-create vl --persistent --ifname h-d --portgroup v200 &&
	'$BIN/netdctl' net-port-create vl --persistent --ifname h-t --portgroup trunk &&
	'$BIN/netdctl' net-port-create vl --persistent --ifname h-n --portgroup native"
check "the bridge's VLAN entries: h-a untagged PVID 100" sh -c "bridge vlan show dev h-a | grep -q '100 PVID Egress Untagged'"
check "the bridge's own entries (the host's side) are the default portgroup's: 100 PVID untagged (README)" sh -c "bridge vlan show dev ndvl0 | grep -q '100 PVID Egress Untagged'"
check "  and not VLAN 1" sh -c "! bridge -j vlan show dev ndvl0 | grep -q '\"vlan\":1[,}]'"
check "h-t carries 100 and 200 tagged" sh -c "bridge -j vlan show dev h-t | grep -q '\"vlan\":100' && bridge -j vlan show dev h-t | grep -q '\"vlan\":200' && ! bridge vlan show dev h-t | grep -q PVID"
in_ns t sh -c "ip link set g0 up && ip link add link g0 name g0.100 type vlan id 100 && ip link add link g0 name g0.200 type vlan id 200 &&
	ip addr add 10.70.100.9/24 dev g0.100 && ip addr add 10.70.200.9/24 dev g0.200 && ip link set g0.100 up && ip link set g0.200 up"
in_ns n sh -c "ip link set g0 up && ip addr add 10.70.100.5/24 dev g0 && ip link add link g0 name g0.200 type vlan id 200 &&
	ip addr add 10.70.200.5/24 dev g0.200 && ip link set g0.200 up"
check "VLAN 100: a -> b over TCP" tcp a b 10.70.100.2
check_fails "VLAN 200 port c (same subnet) cannot reach a over TCP" tcp c a 10.70.100.1
check "the trunk guest's g0.100 reaches a over TCP" tcp t a 10.70.100.1
check "the trunk guest's g0.200 reaches d over TCP" tcp t d 10.70.200.4
check "the native-untagged guest's plain traffic is VLAN 100: reaches b over TCP" tcp n b 10.70.100.2
check "its g0.200 reaches d over TCP" tcp n d 10.70.200.4
check "a VLAN 100 guest reaches the host's address over TCP" tcp_to_host a 10.70.100.254
check_fails "a VLAN 200 guest in the same subnet does not" tcp_to_host c 10.70.100.254
check "destroy" "$BIN/netdctl" net-destroy vl
check_fails "the bridge is gone" ip link show ndvl0
finish
