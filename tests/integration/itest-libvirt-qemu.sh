#!/usr/bin/env bash
# libvirt's QEMU driver takes its port from netd over libvirt's RPC, as it
# would from libvirt's own network daemon: a TCG domain with
# <interface type='network'><source network='default' portgroup='web'/> run
# by virtqemud (built from Debian's libvirt 9.0.0 source: make virtqemud)
# gets netd's reservation (its owner, MAC, the portgroup's bandwidth) and
# netd's plug (the bridge), makes its TAP there, gets its lease from netd's
# dnsmasq, reaches the uplink through NAT with TCP; virsh domifaddr --source
# lease reads netd's lease; the port outlives a netd restart and goes when
# the domain stops. libvirt's state and sockets are tmpfs mounts private to
# this test (virtqemud's paths: /usr/local/etc/libvirt, /var/local, ...).
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/lib/libvirt-sandbox.sh"
need_root
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}
VQ=${VIRTQEMUD_DIR:-$ROOT/build/virtqemud}
if [ ! -x "$VQ/virtqemud" ]; then
	if [ "${CI:-}" = true ]; then echo "not ok - no virtqemud in $VQ (make virtqemud)"; exit 1; fi
	echo "SKIP: no virtqemud in $VQ (make virtqemud builds it from Debian's libvirt 9.0.0, ~12 min once)"; exit 77
fi
[ -r "$GUEST/vmlinux" ] || { echo "not ok - no guest image in $GUEST (make guest)"; exit 1; }
ip link set lo up
make_uplink
virtqemud_sandbox "$VQ" || { echo "not ok - cannot give virtqemud its private directories"; exit 1; }
# netd where virtqemud's libvirt looks for the network daemon
start_netd --libvirt-socket /var/local/run/libvirt/virtnetworkd-sock || exit 1
# libvirt shapes with tc's HTB and SFQ itself: where the kernel lacks sch_sfq the portgroup carries no bandwidth
ip link add ndsfq type veth peer name ndsfq1
if tc qdisc add dev ndsfq root sfq 2>/dev/null; then
	PG_BW="<bandwidth><inbound average='1000' peak='2000' burst='256'/></bandwidth>"
else
	PG_BW=
	echo "# the portgroup's bandwidth is not given here: this kernel lacks sch_sfq, which libvirt's tc uses"
fi
ip link del ndsfq
cat >"$T/net.xml" <<XML
<network><name>default</name><forward mode='nat'/><bridge name='ndlq0'/>
<ip address='192.168.227.1' prefix='24'><dhcp><range start='192.168.227.10' end='192.168.227.20'/></dhcp></ip>
<portgroup name='web'>$PG_BW</portgroup>
</network>
XML
check "netd's network 'default'" "$BIN/netdctl" net-define "$T/net.xml"
check "  started" "$BIN/netdctl" net-start default
virtqemud_start "$VQ" "$T/virtqemud.log"
# vq ARGS: virsh on virtqemud (a script: sh -c sees it too)
printf '#!/bin/sh\nexec timeout 60 virsh -c "qemu:///system?socket=/var/local/run/libvirt/virtqemud-sock" "$@"\n' >"$T/vq"
chmod +x "$T/vq"
export PATH="$T:$PATH"
check "virtqemud (libvirt 9.0.0's QEMU daemon) serves" vq version
cat >"$T/dom.xml" <<XML
<domain type='qemu'>
  <name>lq</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$GUEST/vmlinux</kernel><initrd>$GUEST/initramfs.cpio</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 netd.target=10.99.0.2</cmdline></os>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <interface type='network'><source network='default' portgroup='web'/><mac address='52:54:00:27:00:01'/><model type='virtio'/></interface>
    <serial type='file'><source path='$T/lq.console'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
XML
in_ns uplink timeout 150 busybox nc -l -p 5001 >"$T/lq.tcp" &
NSPIDS+=($!)
a=$(date +%s%N)
check "a domain with <interface type='network'> starts" sh -c "vq define '$T/dom.xml' >/dev/null && vq start lq"
tap=$(vq domiflist lq | awk '$3 == "default" {print $1}')
check "  libvirt made its TAP ($tap) on netd's bridge, as netd's plug said" sh -c "ip -o link show '$tap' | grep -q 'master ndlq0'"
[ -n "$PG_BW" ] && check "  and applied the portgroup's bandwidth netd gave it (HTB on $tap)" sh -c "tc qdisc show dev '$tap' | grep -q htb"
check "  netd holds the port: a reservation owned by the domain, with its MAC and portgroup" \
	sh -c "'$BIN/netdctl' net-port-list default --json | tr -d ' \n' | grep -q '\"mac\":\"52:54:00:27:00:01\",\"portgroup\":\"web\"' && '$BIN/netdctl' net-port-list default --json | grep -q '\"vm_name\": *\"lq\"'"
check "  no TAP of netd's beside libvirt's" sh -c "test \"\$(ip -o link show master ndlq0 | wc -l)\" = 1"
done=
for _ in $(seq 1200); do
	grep -q "GUEST: done" "$T/lq.console" 2>/dev/null && done=1 && break
	vq domstate lq 2>/dev/null | grep -q running || break
	sleep 0.1
done
echo "# domain start to the guest's last word: $(( ($(date +%s%N) - a) / 1000000 )) ms"
check "the guest got its lease from netd's dnsmasq" sh -c "grep -q 'GUEST: lease 192.168.227.[12][0-9]* gateway 192.168.227.1' '$T/lq.console' || { cat '$T/lq.console'; false; }"
check "  reached the uplink through NAT" grep -q "GUEST: target 10.99.0.2 reachable" "$T/lq.console"
check "  with TCP data" grep -q "GUEST-TCP-HELLO" "$T/lq.tcp"
check "virsh domifaddr --source lease: netd's lease, through libvirt's RPC" sh -c "vq domifaddr lq --source lease | tee /dev/stderr | grep -q '52:54:00:27:00:01 *ipv4 *192.168.227.[12][0-9]*/24'"
stop_netd
start_netd --libvirt-socket /var/local/run/libvirt/virtnetworkd-sock || exit 1
check "the port outlives a netd restart" sh -c "'$BIN/netdctl' net-port-list default | grep -q 52:54:00:27:00:01"
check "virsh destroy" vq destroy lq
check "  libvirt gave the port back: netd has none left" sh -c "'$BIN/netdctl' net-port-list default >/dev/null && for i in \$(seq 50); do '$BIN/netdctl' net-port-list default --json | grep -q 52:54:00:27 || exit 0; sleep 0.1; done; exit 1"
vq undefine lq >/dev/null 2>&1

# -- on Open vSwitch: libvirt adds its TAP to netd's OVS bridge with the portgroup's VLAN and the
# port's interface id, as netd's <plug type='bridge'> and <virtualport> say (ovs-vsctl, run by
# libvirt, finds OVSDB where Debian's does: /run/openvswitch, bound to this test's OVS)
start_ovs || exit 1
mkdir -p /run/openvswitch && mount --bind "$T/ovs" /run/openvswitch
cat >"$T/onet.xml" <<'XML'
<network><name>onet</name><forward mode='nat'/><bridge name='ndlqo0'/><virtualport type='openvswitch'/>
<ip address='192.168.228.1' prefix='24'><dhcp><range start='192.168.228.10' end='192.168.228.20'/></dhcp></ip>
<portgroup name='v100'><vlan><tag id='100'/></vlan></portgroup>
</network>
XML
check "netd's NAT network on OVS" sh -c "'$BIN/netdctl' net-define '$T/onet.xml' && '$BIN/netdctl' net-start onet"
# the userspace datapath completes no checksum a guest leaves to the host: the guest computes its own
sed "s/<name>lq</<name>lqo</; s/lq.console/lqo.console/; s/netd.target=10.99.0.2//;
	s|<interface type='network'>.*</interface>|<interface type='network'><source network='onet'/><mac address='52:54:00:27:00:02'/><model type='virtio'/><driver><host csum='off'/></driver></interface><interface type='network'><source network='onet' portgroup='v100'/><mac address='52:54:00:27:00:03'/><model type='virtio'/></interface>|" \
	"$T/dom.xml" >"$T/domo.xml"
check "a domain with two interfaces on the OVS network starts" sh -c "vq define '$T/domo.xml' >/dev/null && vq start lqo"
taps=$(vq domiflist lqo | awk '$3 == "onet" {print $1 " " $5}')
echo "$taps"
vtap=$(echo "$taps" | awk '$2 == "52:54:00:27:00:03" {print $1}')
check "  libvirt put the portgroup's VLAN on its TAP ($vtap): tag=100" sh -c "test \"\$(ovs-vsctl --db=unix:$OVS_DB get port '$vtap' tag)\" = 100"
check "  with the interface id of netd's record" sh -c "ovs-vsctl --db=unix:$OVS_DB get interface '$vtap' external_ids:iface-id | tr -d '\"' | grep -qx \"\$('$BIN/netdctl' net-port-list onet --json | tr -d ' \n' | sed 's/},{/}\n{/g' | grep 52:54:00:27:00:03 | sed 's/.*\"iface_id\":\"\([^\"]*\)\".*/\1/')\""
for _ in $(seq 1200); do
	grep -q "GUEST: done" "$T/lqo.console" 2>/dev/null && break
	vq domstate lqo 2>/dev/null | grep -q running || break
	sleep 0.1
done
check "  the guest got its lease from netd's dnsmasq through OVS" sh -c "grep -q 'GUEST: lease 192.168.228.[12][0-9]* gateway 192.168.228.1' '$T/lqo.console' || { cat '$T/lqo.console'; false; }"
check "virsh destroy gives both ports back" sh -c "vq destroy lqo >/dev/null && sleep 0.5 && ! '$BIN/netdctl' net-port-list onet --json | grep -q 52:54:00:27"
vq undefine lqo >/dev/null 2>&1
grep -q "error :" "$T/virtqemud.log" && { echo "# virtqemud's errors:"; grep "error :" "$T/virtqemud.log" | grep -v "cgroup\|ethtool\|udev\|dmidecode\|DMI\|End of file while reading" | sed 's/^/#   /'; }
finish
