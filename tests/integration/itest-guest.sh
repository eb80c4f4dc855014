#!/usr/bin/env bash
# A real QEMU guest on netd ports, started by netd-launch (--accel auto: TCG
# here): on a NAT network it gets a lease from netd's dnsmasq, pings the
# gateway and reaches the uplink through NAT; on an isolated network it gets
# a lease and cannot reach the uplink. The port is gone after QEMU exits.
. "$(dirname "$0")/lib.sh"
need_root
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}
[ -r "$GUEST/vmlinux" ] && [ -r "$GUEST/initramfs.cpio" ] || { echo "not ok - no guest image in $GUEST (make guest)"; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "not ok - qemu-system-x86_64 missing (make deps)"; exit 1; }
ip link set lo up
start_netd || exit 1
make_uplink

boot() { # boot NETWORK CONSOLE-FILE: one guest run through netd-launch, 120 s at most
	timeout 120 "$BIN/netd-launch" --network "$1" --accel auto -- -M pc -m 256 -nodefaults \
		-display none -serial "file:$2" -kernel "$GUEST/vmlinux" -initrd "$GUEST/initramfs.cpio" \
		-append "console=ttyS0 quiet panic=-1 netd.target=10.99.0.2" -no-reboot 2>"$2.launch"
}
console_has() { grep -q "$2" "$1" || { echo "console:"; cat "$1" "$1.launch"; return 1; }; }
# netd removes the port when it sees QEMU (its owner) end: 2 s at most
no_ports_left() {
	for _ in $(seq 40); do
		test -z "$("$BIN/netdctl" net-port-list "$1" | sed -n '3,$p' | grep .)" && ! ip -o link show | grep -q vnet && return 0
		sleep 0.05
	done
	return 1
}

cat >"$T/nat.xml" <<'XML'
<network><name>gnat</name><forward mode='nat'/><bridge name='ndg0'/>
<ip address='192.168.220.1' prefix='24'><dhcp><range start='192.168.220.10' end='192.168.220.20'/></dhcp></ip>
</network>
XML
cat >"$T/iso.xml" <<'XML'
<network><name>giso</name><bridge name='ndgi0'/>
<ip address='192.168.221.1' prefix='24'><dhcp><range start='192.168.221.10' end='192.168.221.20'/></dhcp></ip>
</network>
XML
check "create the NAT network" "$BIN/netdctl" net-create "$T/nat.xml"
check "create the isolated network" "$BIN/netdctl" net-create "$T/iso.xml"

# the uplink listens for the guest's TCP (the guest's /init sends one line to port 5001)
listen_tcp() { in_ns uplink timeout 120 busybox nc -l -p 5001 >"$T/$1.tcp" & }
listen_tcp nat
a=$(date +%s%N)
check "NAT: the guest boots and powers off" boot gnat "$T/nat.console"
echo "# NAT guest: $(( ($(date +%s%N) - a) / 1000000 )) ms from netd-launch to QEMU exit"
check "NAT: netd-launch says which accelerator and why" grep -q "using TCG\|using KVM" "$T/nat.console.launch"
check "NAT: the guest got a lease in the range" console_has "$T/nat.console" "GUEST: lease 192.168.220.[12][0-9]* gateway 192.168.220.1"
check "NAT: the guest pings the gateway" console_has "$T/nat.console" "GUEST: gateway reachable"
check "NAT: the guest reaches the uplink" console_has "$T/nat.console" "GUEST: target 10.99.0.2 reachable"
check "NAT: the uplink saw the host's address" test "$(uplink_count from_host)" -ge 1
check "NAT: the guest's TCP connection reached the uplink with its data" grep -q "GUEST-TCP-HELLO" "$T/nat.tcp"
check "NAT: the lease is listed" sh -c "'$BIN/netdctl' net-dhcp-leases gnat | grep -q 192.168.220"
check "NAT: the port is gone after QEMU exits" no_ports_left gnat

listen_tcp iso
check "isolated: the guest boots" boot giso "$T/iso.console"
check "isolated: the guest got a lease" console_has "$T/iso.console" "GUEST: lease 192.168.221.[12][0-9]* gateway"
check "isolated: the guest cannot reach the uplink" console_has "$T/iso.console" "GUEST: target 10.99.0.2 unreachable"
check "isolated: nor open a TCP connection to it" sh -c "! grep -q GUEST-TCP-HELLO '$T/iso.tcp' && grep -q 'GUEST: tcp to 10.99.0.2 failed' '$T/iso.console'"
check "isolated: the port is gone after QEMU exits" no_ports_left giso
finish
