#!/usr/bin/env bash
# vhost-net with a real guest (issue "Production-kernel lane", 4): netd-launch
# opens /dev/vhost-net once per queue, QEMU gets vhost=on with the TAP and
# vhost fds (checked as QEMU holds them), and a QEMU guest (TCG inside this
# TCG VM) with 2 queue pairs gets a lease and moves TCP data to the uplink.
. "$ROOT/tests/integration/lib.sh"
need_root
GUEST=$ROOT/build/guest
ip link set lo up
check "/dev/vhost-net exists" test -c /dev/vhost-net
start_netd || exit 1
make_uplink
cat >"$T/v.xml" <<'XML'
<network><name>vh</name><forward mode='nat'/><bridge name='ndvh0'/>
<ip address='192.168.210.1' prefix='24'><dhcp><range start='192.168.210.10' end='192.168.210.20'/></dhcp></ip>
</network>
XML
check "start a NAT network" "$BIN/netdctl" net-create "$T/v.xml"
in_ns uplink timeout 400 busybox nc -l -p 5001 >"$T/tcp" &
timeout 400 "$BIN/netd-launch" --network vh --queues 2 --accel tcg -- -M pc -m 256 -smp 2 -nodefaults \
	-display none -serial "file:$T/console" -kernel "$GUEST/vmlinux" -initrd "$GUEST/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1 netd.target=10.99.0.2" -no-reboot 2>"$T/launch" &
L=$!
for _ in $(seq 200); do pgrep -f "qemu-system-x86_64.*ndvh\|-netdev tap" >/dev/null && break; sleep 0.1; done
sleep 1
qpid=$(pgrep -f "qemu-system-x86_64 -accel tcg -netdev tap" | head -1)
check "QEMU runs with vhost=on and two vhost fds" sh -c "tr '\\0' ' ' </proc/$qpid/cmdline | grep -q 'fds=[0-9]*:[0-9]*,vhost=on,vhostfds=[0-9]*:[0-9]*'"
check "and holds two /dev/vhost-net and two TAP fds" sh -c "test \$(ls -l /proc/$qpid/fd | grep -c /dev/vhost-net) = 2 && test \$(ls -l /proc/$qpid/fd | grep -c /dev/net/tun) = 2"
check "the guest's NIC has mq=on" sh -c "tr '\\0' ' ' </proc/$qpid/cmdline | grep -q 'mq=on'"
wait $L
check "netd-launch did not fall back from vhost" sh -c "! grep -q 'no vhost-net' '$T/launch'"
check "the guest got a lease" grep -q "GUEST: lease 192.168.210" "$T/console"
check "the guest sees 2 queue pairs" grep -q "GUEST: queues 2" "$T/console"
check "its TCP data reached the uplink through vhost-net and NAT" grep -q "GUEST-TCP-HELLO" "$T/tcp"
grep GUEST "$T/console" | sed 's/^/# /'
check "destroy" "$BIN/netdctl" net-destroy vh
finish
