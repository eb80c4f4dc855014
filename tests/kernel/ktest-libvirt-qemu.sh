#!/usr/bin/env bash
# libvirt's QEMU driver on netd's network where the kernel has what libvirt's
# own shaping uses (HTB, SFQ): a domain on portgroup 'web' gets the
# portgroup's bandwidth from netd's port record and libvirt shapes its TAP
# with it; `virsh domiftune` reaches netd first (NETWORK_PORT_SET_PARAMETERS:
# netd's record changes) and libvirt reshapes the TAP. The guest need not boot
# (TCG inside this TCG VM): libvirt shapes before the CPUs run.
. "$ROOT/tests/integration/lib.sh"
. "$ROOT/tests/lib/libvirt-sandbox.sh"
need_root
VQ=$ROOT/build/virtqemud
GUEST=$ROOT/build/guest
[ -x "$VQ/virtqemud" ] || { echo "not ok - no virtqemud in $VQ (make virtqemud)"; exit 1; }
ip link set lo up
virtqemud_sandbox "$VQ" || { echo "not ok - cannot give virtqemud its private directories"; exit 1; }
start_netd --libvirt-socket /var/local/run/libvirt/virtnetworkd-sock || exit 1
cat >"$T/net.xml" <<'XML'
<network><name>default</name><forward mode='nat'/><bridge name='ndkq0'/>
<ip address='192.168.212.1' prefix='24'><dhcp><range start='192.168.212.10' end='192.168.212.20'/></dhcp></ip>
<portgroup name='web'><bandwidth><inbound average='1000' peak='2000' burst='256'/><outbound average='500'/></bandwidth></portgroup>
</network>
XML
check "netd's network with a shaped portgroup" "$BIN/netdctl" net-create "$T/net.xml"
check "virtqemud starts" virtqemud_start "$VQ" "$T/virtqemud.log"
printf '#!/bin/sh\nexec timeout 300 virsh -c "qemu:///system?socket=/var/local/run/libvirt/virtqemud-sock" "$@"\n' >"$T/vq"
chmod +x "$T/vq"
export PATH="$T:$PATH"
cat >"$T/dom.xml" <<XML
<domain type='qemu'><name>kq</name><memory unit='MiB'>128</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$GUEST/vmlinux</kernel><initrd>$GUEST/initramfs.cpio</initrd>
  <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>$(command -v qemu-system-x86_64)</emulator>
    <interface type='network'><source network='default' portgroup='web'/><mac address='52:54:00:12:00:01'/><model type='virtio'/></interface>
    <memballoon model='none'/></devices>
</domain>
XML
check "a domain on portgroup 'web' starts (paused: its CPUs need not run)" sh -c "vq define '$T/dom.xml' >/dev/null && vq start kq --paused"
tap=$(vq domiflist kq | awk '$3 == "default" {print $1}')
echo "# libvirt's TAP: $tap"
check "libvirt shaped its TAP with the portgroup's inbound rate netd gave it (HTB 8 Mbit/s)" \
	sh -c "tc class show dev '$tap' | tee /dev/stderr | grep -q 'htb 1:1 root .*rate 8Mbit ceil 16Mbit'"
check "  and its outbound (a police filter on ingress)" sh -c "tc filter show dev '$tap' parent ffff: | tee /dev/stderr | grep -q police"
check "virsh domiftune --inbound 2000 --live" vq domiftune kq "$tap" --inbound 2000 --live
check "  netd's port record says so (through NETWORK_PORT_SET_PARAMETERS)" \
	sh -c "'$BIN/netdctl' net-port-list default --json | grep -q \"average='2000'\""
check "  libvirt reshaped its TAP (16 Mbit/s)" sh -c "tc class show dev '$tap' | grep -q 'htb 1:1 root .*rate 16Mbit'"
check "virsh destroy gives the port back" sh -c "vq destroy kq >/dev/null && sleep 0.5 && ! '$BIN/netdctl' net-port-list default --json | grep -q 52:54:00:12"
grep "error :" "$T/virtqemud.log" | grep -v "cgroup\|ethtool\|udev\|dmidecode\|DMI\|End of file" | sed 's/^/# virtqemud: /'
finish
