#!/usr/bin/env bash
# netd ports and time to lease, in its own namespaces:
#  4.  BENCH_PORTS (default 1000) TAP ports created, attached to one NAT
#      network's bridge and handed over as fds, one request after the other on
#      one connection (tests/tools/nd-portbench.c), BENCH_PORT_RUNS times;
#      then by 2 and by 4 clients at once; and the kernel's floor;
#  4b. time to lease on netd's defaults (the XML does not set stp): a namespace
#      guest (busybox udhcpc; from its port coming up to the lease applied),
#      BENCH_LEASE_RUNS times; the same once with stp='on' for what that costs;
#      and a QEMU guest (netd-launch, TCG here): from netd-launch to the lease
#      in netd's lease list, and from the guest's link up to its lease by the
#      guest's own clock.
. "$(dirname "$0")/bench-lib.sh"
in_own_namespaces "$@"
PORTS=${BENCH_PORTS:-1000} # a Linux bridge takes 1023 ports at most
PORT_RUNS=${BENCH_PORT_RUNS:-3}
LEASE_RUNS=${BENCH_LEASE_RUNS:-10}
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}
bench_sandbox
bench_netd_start
wait_answer || exit 1

# -- 4. ports ---------------------------------------------------------------------
echo "bench: netd: $PORTS ports, $PORT_RUNS runs" >&2
nat_xml ports ndports0 192.168.240 >"$T/ports.xml"
ctl net-create "$T/ports.xml" >/dev/null || exit 1
: >"$T/rates"
# port_run [nd-portbench options]: PORTS ports held until all are seen on the
# bridge, then the client(s) go and netd removes them; the result line in $line
port_run() {
	mkfifo "$T/hold"
	"$BIN/nd-portbench" "$NETD_SOCKET" ports "$PORTS" --hold 60 "$@" <"$T/hold" >"$T/pb.out" 2>&1 &
	pb=$!
	exec 3>"$T/hold"
	for _ in $(seq 6000); do [ -s "$T/pb.out" ] && break; kill -0 $pb 2>/dev/null || break; sleep 0.01; done
	line=$(cat "$T/pb.out")
	case "$line" in ports=*) ;; *) echo "bench: nd-portbench: $line" >&2; return 1 ;; esac
	attached=$(ip -o link show master ndports0 | grep -c .)
	[ "$attached" = "$PORTS" ] || { echo "bench: $attached ports on the bridge, not $PORTS" >&2; return 1; }
	a=$(now_us)
	exec 3>&- # the client goes: netd removes its ports
	wait $pb
	for _ in $(seq 3000); do [ "$(ip -o link show master ndports0 | grep -c .)" = 0 ] && break; sleep 0.01; done
	b=$(now_us)
	[ "$(ip -o link show master ndports0 | grep -c .)" = 0 ] || { echo "bench: ports left after their client went" >&2; return 1; }
	rm -f "$T/hold"
	removal_ms=$(((b - a) / 1000))
}
for r in $(seq "$PORT_RUNS"); do
	port_run || exit 1
	eval "$line"
	echo "$rate" >>"$T/rates"
	record ports "run $r: create+attach+handover" "$rate" ports/s \
		"$ports ports in $seconds s; per port median $median_us us, p90 $p90_us us; first tenth $first_tenth_rate/s, last tenth $last_tenth_rate/s; all $attached on the bridge"
	record ports "run $r: removal after the client closed" "$removal_ms" ms "$PORTS ports, until none on the bridge"
done
record ports "create+attach+handover, median of $PORT_RUNS runs" "$(sort -n "$T/rates" | sed -n "$(((PORT_RUNS + 1) / 2))p")" ports/s \
	"one client, one request after the other: each port waits for the last"
# the same ports asked for by several clients at once (several QEMUs starting):
# what the daemon sustains when a request need not wait for the last reply
for k in 2 4; do
	port_run --clients "$k" || exit 1
	eval "$line"
	record ports "$k clients at once: create+attach+handover" "$rate" ports/s \
		"$ports ports in $seconds s, wall time until the last client had all of its; all $attached on the bridge"
done
# the kernel's floor on the same bridge: TUNSETIFF and one RTM_NEWLINK per port
# from one process, nothing else (tests/tools/nd-tapfloor.c)
a=$(now_us)
line=$("$BIN/nd-tapfloor" ndports0 kfl "$PORTS") || { echo "bench: nd-tapfloor failed: $line" >&2; exit 1; }
b=$(now_us)
eval "$line"
record ports "kernel floor: TAP create + join + up" "$rate" ports/s \
	"$ports ports in $seconds s; first tenth $first_tenth_rate/s, last tenth $last_tenth_rate/s"
record ports "kernel floor: removal as the fds close" "$(awk -v w="$(((b - a) / 1000))" -v s="$seconds" 'BEGIN { printf "%.0f", w - s * 1000 }')" ms "$PORTS ports"

# -- 4b. time to lease: namespace guest --------------------------------------------
write_udhcpc_script() {
	cat >"$T/udhcpc.sh" <<'EOS'
#!/bin/sh
case "$1" in
bound|renew)
	ip addr add "$ip/$mask" dev "$interface"
	echo "$ip" > "$LEASE_FILE"
	;;
esac
exit 0
EOS
	chmod +x "$T/udhcpc.sh"
}
write_udhcpc_script
# lease_once NETWORK-BRIDGE NAME: appends the microseconds from the port coming up to the lease
lease_once() {
	local br=$1 name=$2 a b var
	new_ns "$name"
	var="NS_$name"
	ip link add "v-$name" type veth peer name g0 netns "${!var}"
	in_ns "$name" ip link set g0 up
	a=$(now_us)
	ip link set "v-$name" master "$br" up
	LEASE_FILE="$T/$name.lease" in_ns "$name" busybox udhcpc -i g0 -n -q -f -t 20 -T 1 -s "$T/udhcpc.sh" \
		>"$T/$name.udhcpc" 2>&1
	b=$(now_us)
	kill "${!var}"
	ip link del "v-$name" 2>/dev/null
	[ -s "$T/$name.lease" ] || { echo "bench: $name got no lease:" >&2; cat "$T/$name.udhcpc" >&2; return 1; }
	echo $((b - a))
}
echo "bench: netd: time to lease, $LEASE_RUNS namespace guests" >&2
: >"$T/lease"
for r in $(seq "$LEASE_RUNS"); do
	lease_once ndports0 "lg$r" >>"$T/lease" || exit 1
done
record_stats lease "namespace guest (udhcpc), defaults" "$T/lease"
echo "bench: netd: time to lease with stp='on' (one run, ~4 s)" >&2
nat_xml stpon ndstp0 192.168.241 "stp='on'" >"$T/stp.xml"
ctl net-create "$T/stp.xml" >/dev/null || exit 1
us=$(lease_once ndstp0 lstp) || exit 1
record lease "namespace guest (udhcpc), stp='on'" "$(awk -v u="$us" 'BEGIN { printf "%.2f", u / 1000 }')" ms \
	"one run; the kernel raises forward delay to 2 s with STP on: a new port forwards after ~4 s"

# -- 4b. time to lease: QEMU guest -------------------------------------------------
if [ ! -r "$GUEST/vmlinux" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	record lease "QEMU guest" skipped - "no guest image in $GUEST (make guest) or no qemu-system-x86_64"
	exit 0
fi
echo "bench: netd: time to lease, QEMU guest" >&2
leases_before=$(ctl net-dhcp-leases ports 2>/dev/null | grep -c '192\.168\.240\.')
a=$(now_us)
timeout 120 "$BIN/netd-launch" --network ports --accel auto -- -M pc -m 256 -nodefaults -display none \
	-serial "file:$T/console" -kernel "$GUEST/vmlinux" -initrd "$GUEST/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1" -no-reboot 2>"$T/launch" &
qemu=$!
b=
for _ in $(seq 12000); do
	if [ "$(ctl net-dhcp-leases ports 2>/dev/null | grep -c '192\.168\.240\.')" -gt "$leases_before" ]; then
		b=$(now_us)
		break
	fi
	kill -0 $qemu 2>/dev/null || break
	sleep 0.01
done
wait $qemu
[ -n "$b" ] || { echo "bench: the QEMU guest got no lease:" >&2; cat "$T/console" "$T/launch" >&2; exit 1; }
accel=$(grep -o 'using [A-Z]*' "$T/launch" | head -1)
in_guest=$(sed -n 's/.*GUEST: uptime at link up \([0-9.]*\), at lease \([0-9.]*\).*/\1 \2/p' "$T/console")
[ -n "$in_guest" ] || { echo "bench: no uptime line on the guest console:" >&2; cat "$T/console" >&2; exit 1; }
record lease "QEMU guest, netd-launch to lease listed" "$(((b - a) / 1000))" ms "$accel; includes QEMU start and the guest kernel's boot"
set -- $in_guest
record lease "QEMU guest, link up to lease (guest clock)" "$(awk -v x="$1" -v y="$2" 'BEGIN { printf "%.0f", (y - x) * 1000 }')" ms \
	"/proc/uptime (10 ms steps); guest booted to link up in $1 s"
exit 0
