#!/usr/bin/env bash
# A libvirt domain's start to its guest's lease, through libvirt 9.0's QEMU
# driver both times, in one run and the same namespaces:
#  a. Debian's libvirtd: its own network driver and dnsmasq (network 'default')
#  b. virtqemud (make virtqemud) asking netd for the network over libvirt's RPC
# BENCH_DOMAIN_RUNS (5) boots of the same TCG guest each, alternated: from
# `virsh start` to the guest's "GUEST: lease" line on its console (polled
# every 10 ms). libvirt's directories are tmpfs mounts private to this part.
. "$(dirname "$0")/bench-lib.sh"
in_own_namespaces "$@"
. "$ROOT/tests/lib/libvirt-sandbox.sh"
RUNS=${BENCH_DOMAIN_RUNS:-5}
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}
VQ=${VIRTQEMUD_DIR:-$ROOT/build/virtqemud}
skip() {
	echo "bench: domain: SKIP: $*" >&2
	record domain skipped - - "$*"
	exit 0
}
command -v libvirtd >/dev/null && command -v virsh >/dev/null || skip "libvirtd or virsh is not installed (make deps)"
[ -x "$VQ/virtqemud" ] || skip "no virtqemud in $VQ (make virtqemud)"
[ -r "$GUEST/vmlinux" ] || skip "no guest image (make guest)"
bench_sandbox
for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt; do
	mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d" || skip "cannot make $d private"
done
NSPIDS=()
virtqemud_sandbox "$VQ" || skip "cannot give virtqemud its private directories"
libvirt_qemu_conf /etc/libvirt/qemu.conf
cp /usr/local/etc/libvirt/virtqemud.conf /etc/libvirt/libvirtd.conf
libvirtd --config /etc/libvirt/libvirtd.conf >>"$T/libvirtd.log" 2>&1 &
NSPIDS+=($!)
"$BIN/netd" --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" --state-dir "$T/lib" \
	--libvirt-socket /var/local/run/libvirt/virtnetworkd-sock 2>>"$T/netd.log" &
NETD_PID=$!
wait_answer || exit 1
virtqemud_start "$VQ" "$T/virtqemud.log" || skip "virtqemud did not start: $(tail -3 "$T/virtqemud.log")"
lv() { timeout 60 virsh -q -c qemu:///system "$@"; }
vq() { timeout 60 virsh -q -c "qemu:///system?socket=/var/local/run/libvirt/virtqemud-sock" "$@"; }
for _ in $(seq 300); do lv version >/dev/null 2>&1 && vq version >/dev/null 2>&1 && break; sleep 0.1; done
net() { # net NAME BRIDGE THIRD-OCTET
	echo "<network><name>$1</name><forward mode='nat'/><bridge name='$2' stp='off' delay='0'/>" \
		"<ip address='192.168.$3.1' prefix='24'><dhcp><range start='192.168.$3.10' end='192.168.$3.99'/></dhcp></ip></network>"
}
net default lvbd0 228 >"$T/lv-net.xml"
net default ndbd0 229 >"$T/nd-net.xml"
lv net-define "$T/lv-net.xml" >/dev/null && lv net-start default >/dev/null || skip "libvirt's network would not start: $(tail -3 "$T/libvirtd.log")"
ctl net-define "$T/nd-net.xml" >/dev/null && ctl net-start default >/dev/null || skip "netd's network would not start"
dom() { # dom NAME CONSOLE
	cat <<XML
<domain type='qemu'><name>$1</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$GUEST/vmlinux</kernel><initrd>$GUEST/initramfs.cpio</initrd>
  <cmdline>console=ttyS0 quiet panic=-1</cmdline></os>
  <devices><emulator>$(command -v qemu-system-x86_64)</emulator>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <serial type='file'><source path='$2'/><target port='0'/></serial><memballoon model='none'/></devices>
</domain>
XML
}
# boot VIRSH NAME SAMPLES: one domain start, its guest's lease time appended to SAMPLES (us)
boot() {
	local console=$T/$2.console a
	rm -f "$console"
	dom "$2" "$console" >"$T/$2.xml"
	$1 define "$T/$2.xml" >/dev/null || return 1
	a=$(now_us)
	$1 start "$2" >/dev/null || { $1 undefine "$2" >/dev/null; return 1; }
	for _ in $(seq 6000); do
		grep -q "GUEST: lease" "$console" 2>/dev/null && echo $(($(now_us) - a)) >>"$3" && break
		sleep 0.01
	done
	$1 destroy "$2" >/dev/null 2>&1
	$1 undefine "$2" >/dev/null
}
for i in $(seq "$RUNS"); do
	boot lv lvdom "$T/lv.us" || echo "bench: domain: libvirtd run $i failed" >&2
	boot vq nddom "$T/nd.us" || echo "bench: domain: virtqemud + netd run $i failed" >&2
done
record_stats domain "start to lease, libvirtd own network" "$T/lv.us" ||
	record domain "start to lease, libvirtd own network median" - ms "no lease"
record_stats domain "start to lease, virtqemud + netd" "$T/nd.us" ||
	record domain "start to lease, virtqemud + netd median" - ms "no lease"
