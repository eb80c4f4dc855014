#!/usr/bin/env bash
# Open vSwitch (userspace datapath, as this kernel lacks the openvswitch
# module) and VLAN portgroups: access ports on VLAN 100 reach each other, a
# VLAN 200 port reaches neither, a trunk port sees frames tagged 100 and 200;
# ports carry OVN's external_ids and leave OVSDB when deleted or when their
# owner exits; NAT on an OVS bridge netd creates, with a namespace guest and a
# QEMU guest; a host Linux bridge is used and left untouched; an absent
# ovs-vswitchd is a clear error; Linux-bridge VLANs need vlan_filtering.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_ovs || { echo "not ok - cannot start Open vSwitch"; exit 1; }
start_netd --ovs-db "$OVS_DB" || exit 1
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}

# -- a VLAN lab on an existing OVS bridge (forward mode bridge)
vsctl add-br ovslab -- set bridge ovslab datapath_type=netdev
cat >"$T/lab.xml" <<'XML'
<network>
  <name>lab</name>
  <forward mode='bridge'/>
  <bridge name='ovslab'/>
  <virtualport type='openvswitch'/>
  <portgroup name='vlan100' default='yes'><vlan><tag id='100'/></vlan></portgroup>
  <portgroup name='vlan200'><vlan><tag id='200'/></vlan>
    <virtualport><parameters interfaceid='aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'/></virtualport></portgroup>
  <portgroup name='trunk'><vlan trunk='yes'><tag id='100'/><tag id='200'/></vlan></portgroup>
</network>
XML
check "define and start the lab" sh -c "'$BIN/netdctl' net-define '$T/lab.xml' && '$BIN/netdctl' net-start lab"
"$BIN/netdctl" net-domif-xml lab --portgroup trunk >"$T/domif" 2>&1
check "net-domif-xml on OVS: virtualport and the portgroup's trunk" sh -c "cat '$T/domif'; grep -q \"<virtualport type='openvswitch'/>\" '$T/domif' && grep -q \"<vlan trunk='yes'>\" '$T/domif' && grep -q \"<tag id='200'/>\" '$T/domif'"
if [ -d /sys/module/openvswitch ]; then
	check "  the kernel datapath: no checksum setting" sh -c "! grep -q csum '$T/domif'"
else
	check "  the userspace datapath: the guest computes its checksums (<host csum='off'/>)" grep -q "<host csum='off'/>" "$T/domif"
fi
# the userspace datapath forwards a packet whose checksum was left to the device without filling it
# in: a namespace guest there turns its transmit checksum offload off, as a QEMU guest gets csum=off
# from netd-launch (README, "Open vSwitch"); the kernel datapath (tests/kernel) needs nothing
userspace_guest() { [ -d /sys/module/openvswitch ] || in_ns "$1" "$BIN/nd-txcsum" g0 off; }
veth_guest a 10.50.0.1; veth_guest b 10.50.0.2; veth_guest c 10.50.0.3; veth_guest t 10.50.0.9
for g in a b c t; do userspace_guest $g; done
check "attach a on the default portgroup (vlan 100)" "$BIN/netdctl" net-port-create lab --persistent --ifname h-a
check "attach b on vlan100" "$BIN/netdctl" net-port-create lab --persistent --ifname h-b --portgroup vlan100
check "attach c on vlan200" "$BIN/netdctl" net-port-create lab --persistent --ifname h-c --portgroup vlan200
check "attach t on the trunk" "$BIN/netdctl" net-port-create lab --persistent --ifname h-t --portgroup trunk
check "OVS has tag 100 on a's port" test "$(vsctl get Port h-a tag)" = 100
check "OVS has tag 200 on c's port" test "$(vsctl get Port h-c tag)" = 200
check "the portgroup's interfaceid parameter becomes the iface-id" sh -c "ovs-vsctl --db=unix:$OVS_DB get Interface h-c external_ids:iface-id | grep -q aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
check "OVS has trunks 100,200 on t's port" test "$(vsctl get Port h-t trunks)" = "[100, 200]"
check "the port carries iface-id and attached-mac (what OVN binds to)" sh -c "vsctl() { ovs-vsctl --db=unix:$OVS_DB \"\$@\"; }; vsctl get Interface h-a external_ids | grep -q 'iface-id=\"[0-9a-f-]\{36\}\"' && vsctl get Interface h-a external_ids | grep -q attached-mac"
check "two ports on vlan 100 reach each other" ping_from a 10.50.0.2
check "  and move TCP data between them" tcp a b 10.50.0.2
check_fails "the vlan 200 port cannot reach a" ping_from c 10.50.0.1
check_fails "  nor over TCP" tcp c a 10.50.0.1
check_fails "the vlan 200 port cannot reach b" ping_from c 10.50.0.2
in_ns t "$BIN/nd-vlansniff" g0 6 >"$T/sniff" &
sniff=$!
for _ in $(seq 50); do grep -q listening "$T/sniff" 2>/dev/null && break; sleep 0.05; done
ping_from a 10.50.0.77 >/dev/null 2>&1   # ARP broadcasts on vlan 100
ping_from c 10.50.0.78 >/dev/null 2>&1   # and on vlan 200
wait "$sniff"
check "the trunk port receives frames tagged 100" grep -qx "vlan 100" "$T/sniff"
check "the trunk port receives frames tagged 200" grep -qx "vlan 200" "$T/sniff"
check "net-port-delete removes the port from OVSDB" sh -c "'$BIN/netdctl' net-port-delete lab h-c && ! ovs-vsctl --db=unix:$OVS_DB list-ports ovslab | grep -qx h-c"
check "the client's own interface is not deleted" ip link show h-c
check "a port's own <vlan> request" "$BIN/netdctl" net-port-create lab --persistent --ifname h-c --vlan "<vlan><tag id='300'/></vlan>"
check "OVS has its own tag 300" test "$(vsctl get Port h-c tag)" = 300

# ovs-vsctl never stalls the daemon: a port waiting for OVS blocks nobody else
veth_guest w 10.50.0.20
kill -STOP "$(cat "$T/ovs/vswitchd.pid")"
"$BIN/netdctl" net-port-create lab --persistent --ifname h-w >"$T/slow.out" 2>&1 &
slow=$!
sleep 0.5
check "while ovs-vsctl waits for a stopped ovs-vswitchd, net-list is answered" env NETD_TIMEOUT=3 "$BIN/netdctl" net-list
check "and the port creation is still waiting for OVS" kill -0 "$slow"
kill -CONT "$(cat "$T/ovs/vswitchd.pid")"
wait "$slow"; rc=$?
check "once OVS answers, the port is created" sh -c "test $rc = 0 && ovs-vsctl --db=unix:$OVS_DB list-ports ovslab | grep -qx h-w"

# ports of a client that exits leave OVSDB too (a TAP via netd-launch on a stub)
FAKE_QEMU_OUT=$T/fq "$BIN/netd-launch" --qemu "$ROOT/tests/tools/fake-qemu.sh" --network lab --portgroup vlan200 \
	--vm-uuid 11111111-2222-4333-8444-555555555555 -- -m 64 2>"$T/fq.err" &
fq=$!
for _ in $(seq 100); do [ -s "$T/fq" ] && break; sleep 0.05; done
tap=$("$BIN/netdctl" net-port-list lab | awk '$1 ~ /^vnet/ {print $1}')
check "a TAP port from netd-launch is in OVSDB with tag 200" sh -c "test -n '$tap' && test \"\$(ovs-vsctl --db=unix:$OVS_DB get Port '$tap' tag)\" = 200"
check "it carries the VM's UUID as external_ids:vm-uuid" sh -c "ovs-vsctl --db=unix:$OVS_DB get Interface '$tap' external_ids | grep -q 'vm-uuid=\"11111111-2222-4333-8444-555555555555\"'"
touch "$T/fq.stop"; wait "$fq"
for _ in $(seq 100); do ovs-vsctl --db="unix:$OVS_DB" list-ports ovslab | grep -q vnet || break; sleep 0.05; done
check_fails "it left OVSDB when its owner exited" sh -c "ovs-vsctl --db=unix:$OVS_DB list-ports ovslab | grep -q vnet"
check "destroy the lab" "$BIN/netdctl" net-destroy lab
check "the host OVS bridge is left in place" vsctl br-exists ovslab

# -- NAT on an OVS bridge that netd creates
make_uplink
cat >"$T/onat.xml" <<'XML'
<network>
  <name>onat</name>
  <forward mode='nat'/>
  <bridge name='ovsnat0'/>
  <virtualport type='openvswitch'/>
  <ip address='192.168.240.1' prefix='24'>
    <dhcp><range start='192.168.240.10' end='192.168.240.20'/></dhcp>
  </ip>
</network>
XML
check "define a NAT network on OVS" "$BIN/netdctl" net-define "$T/onat.xml"
# its add-br waits for ovs-vswitchd: the daemon serves others meanwhile, and the start is answered when OVS is done
kill -STOP "$(cat "$T/ovs/vswitchd.pid")"
"$BIN/netdctl" net-start onat >"$T/ostart.out" 2>&1 &
ostart=$!
sleep 0.5
check "while add-br waits for a stopped ovs-vswitchd, net-list is answered and says 'starting'" sh -c "NETD_TIMEOUT=3 '$BIN/netdctl' net-list --all | grep -Eq '^ onat +starting'"
check "a second net-start is refused as busy" sh -c "NETD_TIMEOUT=3 '$BIN/netdctl' net-start onat 2>&1 | grep -q 'is starting: try again'"
check "and the first is still waiting for OVS" kill -0 "$ostart"
kill -CONT "$(cat "$T/ovs/vswitchd.pid")"
wait "$ostart"; rc=$?
check "once OVS answers, the NAT network on OVS is started" sh -c "test $rc = 0 && '$BIN/netdctl' net-list | grep -Eq '^ onat +active'"
check "netd created the OVS bridge (userspace datapath)" test "$(vsctl get bridge ovsnat0 datapath_type)" = netdev
check "the gateway address is on its internal port" sh -c "ip -o -4 addr show ovsnat0 | grep -q 192.168.240.1/24"
new_ns n1
ip link add h-n1 type veth peer name g0 netns "$NS_n1"
in_ns n1 ip link set g0 up
userspace_guest n1
check "attach a namespace guest" "$BIN/netdctl" net-port-create onat --persistent --ifname h-n1
check "it gets a DHCP lease through OVS" dhcp n1
check "it reaches the uplink through NAT" ping_from n1 10.99.0.2
check "  and moves TCP data to it" tcp n1 uplink 10.99.0.2
check "the uplink saw the host's address" test "$(uplink_count from_host)" -ge 1
if [ -r "$GUEST/vmlinux" ]; then
	in_ns uplink timeout 120 busybox nc -l -p 5001 >"$T/ovs.tcp" &
	timeout 120 "$BIN/netd-launch" --network onat --accel auto -- -M pc -m 256 -nodefaults -display none \
		-serial "file:$T/ovs.console" -kernel "$GUEST/vmlinux" -initrd "$GUEST/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 netd.target=10.99.0.2" -no-reboot 2>"$T/ovs.launch"
	check "a QEMU guest on OVS gets a lease" grep -q "GUEST: lease 192.168.240" "$T/ovs.console"
	check "the QEMU guest reaches the uplink through NAT" grep -q "GUEST: target 10.99.0.2 reachable" "$T/ovs.console"
	check "its TCP connection reaches the uplink with its data (userspace datapath: csum=off)" sh -c "grep -q GUEST-TCP-HELLO '$T/ovs.tcp' || { cat '$T/ovs.console'; false; }"
else
	not_ok "no guest image in $GUEST (make guest)"
fi
check "destroy the OVS NAT network" "$BIN/netdctl" net-destroy onat
check_fails "the OVS bridge netd created is gone" vsctl br-exists ovsnat0
check_fails "its table is gone" nft list table inet netd

# -- bridged to a host Linux bridge: guests on the host LAN
ip link add br-lan type bridge
ip link set br-lan up
veth_guest lanhost 10.60.0.1
ip link set h-lanhost master br-lan up
cat >"$T/hb.xml" <<'XML'
<network><name>hostlan</name><forward mode='bridge'/><bridge name='br-lan'/></network>
XML
check "start the bridged network" sh -c "'$BIN/netdctl' net-define '$T/hb.xml' && '$BIN/netdctl' net-start hostlan"
check_fails "no firewall rules for a bridged network" nft list table inet netd
check_fails "no dnsmasq for a bridged network" pgrep -x dnsmasq
veth_guest lg 10.60.0.2
check "attach a guest to the host bridge" "$BIN/netdctl" net-port-create hostlan --persistent --ifname h-lg
check "the guest reaches a host on the LAN" ping_from lg 10.60.0.1
check "  and moves TCP data to it" tcp lg lanhost 10.60.0.1
check "destroy the bridged network" "$BIN/netdctl" net-destroy hostlan
check "the host bridge is untouched: still there and up" sh -c "ip -o link show br-lan | grep -q 'state UP'"
check "the LAN host is still its port" sh -c "ip -o link show h-lanhost | grep -q 'master br-lan'"
sed 's/br-lan/br-none/; s/hostlan/nolan/' "$T/hb.xml" >"$T/nb.xml"
missing_bridge_named() { "$BIN/netdctl" net-create "$T/nb.xml" 2>&1 | tee /dev/stderr | grep -q "host bridge 'br-none' does not exist"; }
check "a missing host bridge is a clear error" missing_bridge_named

# -- Linux bridge VLANs need bridge vlan_filtering
cat >"$T/lv.xml" <<'XML'
<network><name>lvlan</name><bridge name='ndlv0'/>
<portgroup name='v100' default='yes'><vlan><tag id='100'/></vlan></portgroup>
<ip address='192.168.250.1' prefix='24'/></network>
XML
"$BIN/netdctl" net-define "$T/lv.xml" >/dev/null
if ip link add ndvlprobe type bridge vlan_filtering 1 2>/dev/null; then
	ip link del ndvlprobe
	check "portgroup VLANs on a Linux bridge: net-start" "$BIN/netdctl" net-start lvlan
	check "the bridge has vlan_filtering on" sh -c "ip -d link show ndlv0 | grep -q 'vlan_filtering 1'"
	"$BIN/netdctl" net-destroy lvlan >/dev/null
else
	check "without vlan_filtering the start fails naming the kernel feature" sh -c "'$BIN/netdctl' net-start lvlan 2>&1 | grep -q 'kernel lacks bridge vlan_filtering'"
	check_fails "and leaves no bridge behind" ip link show ndlv0
	echo "SKIP: kernel lacks bridge vlan_filtering here; VLAN traffic on Linux bridges runs in the kernel lane (tests/kernel/ktest-vlan-filtering.sh)"
fi

# -- an absent ovs-vswitchd is a clear error, not a hang
sed 's/onat/onat2/; s/ovsnat0/ovsnat1/; s/192.168.240/192.168.241/g' "$T/onat.xml" >"$T/onat2.xml"
"$BIN/netdctl" net-define "$T/onat2.xml" >/dev/null
kill "$(cat "$T/ovs/vswitchd.pid")"
a=$(date +%s)
"$BIN/netdctl" net-start onat2 >"$T/novs.out" 2>&1
check "without ovs-vswitchd net-start fails" sh -c "! grep -q started '$T/novs.out'"
says_vswitchd() { cat "$T/novs.out"; grep -q "ovs-vswitchd" "$T/novs.out"; }
check "the error says ovs-vswitchd did not answer" says_vswitchd
check "within seconds, not a hang" test $(( $(date +%s) - a )) -le 15
kill "$(cat "$T/ovs/ovsdb.pid")"
check "without ovsdb-server too: a clear error" sh -c "'$BIN/netdctl' net-start onat2 2>&1 | grep -q 'ovs'"
finish
