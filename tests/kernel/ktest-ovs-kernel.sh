#!/usr/bin/env bash
# Open vSwitch on its kernel datapath (issue "Production-kernel lane", 3): the
# VLAN lab (portgroups no-vlan/vlan-100/vlan-200 on a host OVS bridge) and NAT
# on an OVS bridge netd creates, with TCP from namespace guests and from a
# QEMU guest (TCG inside this VM).
. "$ROOT/tests/integration/lib.sh"
need_root
GUEST=$ROOT/build/guest
ip link set lo up
start_ovs || { echo "not ok - cannot start Open vSwitch"; exit 1; }
start_netd --ovs-db "$OVS_DB" || exit 1
vsctl add-br localbr
check "OVS runs on the kernel datapath" sh -c "ovs-appctl -t '$T/ovs/vswitchd.ctl' dpif/show | grep -q 'system@ovs-system'"
cat >"$T/lab.xml" <<'XML'
<network><name>localbr</name><forward mode='bridge'/><bridge name='localbr'/><virtualport type='openvswitch'/>
  <portgroup name='no-vlan' default='yes'/>
  <portgroup name='vlan-100'><vlan><tag id='100'/></vlan></portgroup>
  <portgroup name='vlan-200'><vlan><tag id='200'/></vlan></portgroup>
</network>
XML
check "the VLAN lab starts" sh -c "'$BIN/netdctl' net-define '$T/lab.xml' && '$BIN/netdctl' net-start localbr"
veth_guest a 10.50.0.1; veth_guest b 10.50.0.2; veth_guest c 10.50.0.3; veth_guest n 10.50.0.4; veth_guest m 10.50.0.5
check "ports: a, b on vlan-100; c on vlan-200; n, m on no-vlan" sh -c "
	'$BIN/netdctl' net-port-create localbr --persistent --ifname h-a --portgroup vlan-100 &&
	'$BIN/netdctl' net-port-create localbr --persistent --ifname h-b --portgroup vlan-100 &&
	'$BIN/netdctl' net-port-create localbr --persistent --ifname h-c --portgroup vlan-200 &&
	'$BIN/netdctl' net-port-create localbr --persistent --ifname h-n &&
	'$BIN/netdctl' net-port-create localbr --persistent --ifname h-m"
check "vlan-100: a -> b over TCP" tcp a b 10.50.0.2
check_fails "vlan-200: c cannot reach a" tcp c a 10.50.0.1
check "no-vlan: n -> m over TCP" tcp n m 10.50.0.5
check_fails "no-vlan: n cannot reach a on vlan-100" tcp n a 10.50.0.1
check "destroy the lab" "$BIN/netdctl" net-destroy localbr

make_uplink
cat >"$T/onat.xml" <<'XML'
<network><name>onat</name><forward mode='nat'/><bridge name='ovsnat0'/><virtualport type='openvswitch'/>
<ip address='192.168.240.1' prefix='24'><dhcp><range start='192.168.240.10' end='192.168.240.20'/></dhcp></ip>
</network>
XML
check "NAT on an OVS bridge netd creates" sh -c "'$BIN/netdctl' net-define '$T/onat.xml' && '$BIN/netdctl' net-start onat"
check "its datapath is the kernel's" test "$(vsctl get bridge ovsnat0 datapath_type)" = system
new_ns g; ip link add h-g type veth peer name g0 netns "$NS_g"; in_ns g ip link set g0 up
check "attach a namespace guest" "$BIN/netdctl" net-port-create onat --persistent --ifname h-g
check "it gets a lease through OVS" dhcp g
check "it reaches the uplink over TCP through NAT" tcp g uplink 10.99.0.2
in_ns uplink timeout 400 busybox nc -l -p 5001 >"$T/qtcp" &
timeout 400 "$BIN/netd-launch" --network onat --accel tcg -- -M pc -m 256 -nodefaults -display none \
	-serial "file:$T/console" -kernel "$GUEST/vmlinux" -initrd "$GUEST/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1 netd.target=10.99.0.2" -no-reboot 2>"$T/launch"
check "a QEMU guest on OVS (kernel datapath) gets a lease" grep -q "GUEST: lease 192.168.240" "$T/console"
check "its TCP data reaches the uplink through NAT" grep -q GUEST-TCP-HELLO "$T/qtcp"
check "destroy" "$BIN/netdctl" net-destroy onat
check_fails "the OVS bridge netd created is gone" vsctl br-exists ovsnat0
finish
