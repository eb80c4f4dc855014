#!/usr/bin/env bash
# A host 802.1Q VLAN device as the uplink (issue "Production-kernel lane", 2):
# <forward mode='nat' dev='up0.100'/> masquerades out of the VLAN device, and
# only out of it; a bridged network on a host bridge whose port is a VLAN
# device puts guests on that VLAN of the LAN. TCP every time.
. "$ROOT/tests/integration/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
# the outside: namespace up, reached untagged (10.99.0.0/24) and on VLAN 100 (10.99.100.0/24)
new_ns up
ip link add up0 type veth peer name u0 netns "$NS_up"
ip link set up0 up
ip addr add 10.99.0.1/24 dev up0
ip link add link up0 name up0.100 type vlan id 100
ip addr add 10.99.100.1/24 dev up0.100
ip link set up0.100 up
in_ns up sh -c "ip link set u0 up && ip addr add 10.99.0.2/24 dev u0 && ip link add link u0 name u0.100 type vlan id 100 &&
	ip addr add 10.99.100.2/24 dev u0.100 && ip link set u0.100 up"
cat >"$T/nat.xml" <<'XML'
<network><name>vnat</name><forward mode='nat' dev='up0.100'/><bridge name='ndvn0'/>
<ip address='192.168.200.1' prefix='24'><dhcp><range start='192.168.200.10' end='192.168.200.20'/></dhcp></ip>
</network>
XML
check "a NAT network with an 802.1Q uplink starts" sh -c "'$BIN/netdctl' net-define '$T/nat.xml' && '$BIN/netdctl' net-start vnat"
veth_guest g 0.0.0.0 2>/dev/null; in_ns g ip addr flush dev g0
check "attach a guest" "$BIN/netdctl" net-port-create vnat --persistent --ifname h-g
check "the guest gets a lease" dhcp g
check "the guest reaches the VLAN 100 side of the outside over TCP (masqueraded)" tcp g up 10.99.100.2
check_fails "but not the untagged side: nothing is forwarded out of another device" tcp g up 10.99.0.2
check "destroy" "$BIN/netdctl" net-destroy vnat

# bridged: a host bridge whose uplink port is a VLAN device
new_ns lan
ip link add lan0 type veth peer name l0 netns "$NS_lan"
ip link set lan0 up
ip link add link lan0 name lan0.100 type vlan id 100
ip link add br-lan type bridge
ip link set lan0.100 master br-lan up
ip link set br-lan up
in_ns lan sh -c "ip link set l0 up && ip link add link l0 name l0.100 type vlan id 100 && ip addr add 10.60.100.1/24 dev l0.100 &&
	ip link set l0.100 up && ip addr add 10.60.0.1/24 dev l0"
cat >"$T/br.xml" <<'XML'
<network><name>vbr</name><forward mode='bridge'/><bridge name='br-lan'/></network>
XML
check "a bridged network on it starts" sh -c "'$BIN/netdctl' net-define '$T/br.xml' && '$BIN/netdctl' net-start vbr"
veth_guest b 10.60.100.2
check "attach a guest" "$BIN/netdctl" net-port-create vbr --persistent --ifname h-b
check "the guest reaches a LAN host on VLAN 100 over TCP" tcp b lan 10.60.100.1
in_ns b ip addr add 10.60.0.2/24 dev g0
check_fails "and not the LAN's untagged side" tcp b lan 10.60.0.1
check "destroy" "$BIN/netdctl" net-destroy vbr
check "the host bridge and its VLAN port are left as they were" sh -c "ip -o link show lan0.100 | grep -q 'master br-lan'"
finish
