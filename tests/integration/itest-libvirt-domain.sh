#!/usr/bin/env bash
# A libvirt domain on a netd network, run by Debian's own libvirt 9.0
# (libvirtd with its QEMU driver) inside this test's namespaces: libvirt's
# state, sockets and configuration are private tmpfs mounts here, nothing of
# the host's libvirt is read or changed. README "libvirt domains on netd's
# networks" shows both ways, and both are run here:
#   1. <interface type='bridge'> as `netdctl net-domif-xml` prints it:
#      libvirt makes the TAP and puts it on netd's bridge;
#   2. <interface type='ethernet'> with <target dev managed='no'/> on a
#      persistent netd port: libvirt opens netd's TAP as it is.
# Each TCG guest gets its lease from netd's dnsmasq and reaches the uplink
# through NAT with TCP.
. "$(dirname "$0")/lib.sh"
. "$ROOT/tests/lib/libvirt-sandbox.sh"
need_root
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}
[ -r "$GUEST/vmlinux" ] && [ -r "$GUEST/initramfs.cpio" ] || { echo "not ok - no guest image in $GUEST (make guest)"; exit 1; }
for tool in libvirtd virsh qemu-system-x86_64; do
	command -v "$tool" >/dev/null || { echo "not ok - $tool missing (make deps: libvirt-daemon-driver-qemu libvirt-clients)"; exit 1; }
done
ip link set lo up
start_netd || exit 1
make_uplink

# libvirt's own directories, private to this test's mount namespace
for d in /etc/libvirt /var/lib/libvirt /run/libvirt /var/log/libvirt /var/cache/libvirt; do
	mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d" || { echo "not ok - cannot make $d private"; exit 1; }
done
libvirt_sandbox_users || { echo "not ok - cannot give libvirt its user"; exit 1; }
cat >/etc/libvirt/libvirtd.conf <<'CONF'
unix_sock_group = "root"
unix_sock_rw_perms = "0700"
auth_unix_rw = "none"
auth_unix_ro = "none"
log_outputs = "3:stderr"
CONF
libvirt_qemu_conf /etc/libvirt/qemu.conf
libvirtd --config /etc/libvirt/libvirtd.conf >>"$T/libvirtd.log" 2>&1 &
NSPIDS+=($!)
virsh() { command virsh -c qemu:///system "$@"; }
up=
for _ in $(seq 150); do virsh version >/dev/null 2>&1 && up=1 && break; sleep 0.1; done
if [ -z "$up" ]; then
	not_ok "Debian's libvirtd serves in the sandbox"; cat "$T/libvirtd.log"; finish; exit 1
fi
ok "Debian's libvirtd serves in the sandbox ($(libvirtd --version))"

cat >"$T/net.xml" <<'XML'
<network><name>default</name><forward mode='nat'/><bridge name='ndlv0'/>
<ip address='192.168.225.1' prefix='24'><dhcp><range start='192.168.225.10' end='192.168.225.20'/></dhcp></ip>
</network>
XML
check "netd's network 'default'" "$BIN/netdctl" net-create "$T/net.xml"

# domain NAME INTERFACE-XML: a TCG guest that boots the test kernel, asks for a
# lease, pings, sends TCP to the uplink and powers off
domain_xml() {
	cat <<XML
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST/vmlinux</kernel>
    <initrd>$GUEST/initramfs.cpio</initrd>
    <cmdline>console=ttyS0 quiet panic=-1 netd.target=10.99.0.2</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
$(sed 's/^/    /' "$2")
    <serial type='file'><source path='$T/$1.console'/><target port='0'/></serial>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}
# run NAME: define, start, wait for the guest to power off (120 s at most)
run_domain() {
	local a=$(date +%s%N)
	domain_xml "$1" "$T/$1.if" >"$T/$1.xml"
	virsh define "$T/$1.xml" >/dev/null && virsh start "$1" >"$T/$1.start" 2>&1 || { cat "$T/$1.start"; return 1; }
	for _ in $(seq 1200); do
		grep -q "GUEST: done" "$T/$1.console" 2>/dev/null &&
			echo "# $1: $(( ($(date +%s%N) - a) / 1000000 )) ms from virsh define to the guest's last word" && return 0
		virsh domstate "$1" 2>/dev/null | grep -q "shut off" && break
		sleep 0.1
	done
	grep -q "GUEST: done" "$T/$1.console" 2>/dev/null || { cat "$T/$1.console" /var/log/libvirt/qemu/"$1".log 2>/dev/null; return 1; }
}
console_has() { grep -q "$2" "$T/$1.console" || { echo "console:"; cat "$T/$1.console"; return 1; }; }

# -- 1. type='bridge', as net-domif-xml prints it
"$BIN/netdctl" net-domif-xml default --mac 52:54:00:25:00:01 >"$T/br.if"
cat "$T/br.if"
in_ns uplink timeout 150 busybox nc -l -p 5001 >"$T/br.tcp" &
NSPIDS+=($!)
check "a domain with net-domif-xml's <interface type='bridge'> boots under libvirt" run_domain br
check "  QEMU got a TAP from libvirt (its command line)" grep -Eq '"type":"tap"|netdev tap' /var/log/libvirt/qemu/br.log
check "  the guest got its lease from netd's dnsmasq" console_has br "GUEST: lease 192.168.225.[12][0-9]* gateway 192.168.225.1"
check "  and reached the uplink through NAT" console_has br "GUEST: target 10.99.0.2 reachable"
check "  with TCP data" grep -q "GUEST-TCP-HELLO" "$T/br.tcp"
check "  netd lists the lease under the domain's MAC" sh -c "'$BIN/netdctl' net-dhcp-leases default --mac 52:54:00:25:00:01 | grep -q 192.168.225"

# -- 2. type='ethernet' on a persistent netd port
"$BIN/netdctl" net-port-create default --persistent --name vnet-lv1 --mac 52:54:00:25:00:02 >/dev/null
"$BIN/netdctl" net-domif-xml default --port vnet-lv1 >"$T/eth.if"
cat "$T/eth.if"
in_ns uplink timeout 150 busybox nc -l -p 5001 >"$T/eth.tcp" &
NSPIDS+=($!)
check "a domain on netd's port (type='ethernet', managed='no') boots under libvirt" run_domain eth
check "  the guest has the port's MAC" console_has eth "GUEST: mac 52:54:00:25:00:02"
check "  got its lease from netd's dnsmasq" console_has eth "GUEST: lease 192.168.225.[12][0-9]* gateway 192.168.225.1"
check "  and reached the uplink with TCP data" grep -q "GUEST-TCP-HELLO" "$T/eth.tcp"
check "  libvirt left netd's port in place after the domain ended" sh -c "ip link show vnet-lv1 >/dev/null && '$BIN/netdctl' net-port-list default | grep -q vnet-lv1"
virsh undefine br >/dev/null 2>&1
virsh undefine eth >/dev/null 2>&1
check "net-destroy" "$BIN/netdctl" net-destroy default
finish
