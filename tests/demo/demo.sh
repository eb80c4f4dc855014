#!/usr/bin/env bash
# The demo (make demo): in a sandbox of namespaces, netd runs libvirt's default
# NAT network (192.168.122.0/24); an "uplink" namespace plays the internet;
# a QEMU guest started by netd-launch on a TAP fd from netd gets a DHCP lease
# and reaches the uplink through NAT. Prints a report, then tears it all down.
# Everything lives in this script's own PID, mount and network namespaces:
# nothing is left on the machine when it ends, however it ends.
set -u
if [ "${NETD_DEMO_INNER:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
	exec env NETD_DEMO_INNER=1 unshare --net --pid --fork --mount-proc bash "$0" "$@"
fi
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$ROOT/build/bin}
GUEST=${NETD_GUEST_DIR:-$ROOT/build/guest}
S=$(mktemp -d /tmp/netd-demo.XXXXXX); chmod 755 "$S"
export NETD_SOCKET=$S/netd.sock
UPLINK_HOST=203.0.113.1 INTERNET=203.0.113.10
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
step() { printf '  %-50s' "$1"; }
done_in() { printf '%6s ms\n' "$1"; }
fail() { echo; echo "demo: FAILED: $*" >&2; [ -f "$S/netd.log" ] && sed 's/^/  netd: /' "$S/netd.log" >&2; exit 1; }
cleanup() {
	"$BIN/netdctl" net-destroy default >/dev/null 2>&1
	[ -n "${NETD_PID:-}" ] && kill "$NETD_PID" 2>/dev/null
	kill "${UPLINK_PID:-}" 2>/dev/null
	rm -rf "$S"
}
trap cleanup EXIT

echo "netd demo: a NAT network, a guest, the outside world (all in private namespaces)"
ip link set lo up

step "start netd (sandboxed dirs)"; a=$(now)
"$BIN/netd" --socket "$NETD_SOCKET" --config-dir "$S/etc" --run-dir "$S/run" --state-dir "$S/lib" 2>"$S/netd.log" &
NETD_PID=$!
for _ in $(seq 200); do "$BIN/netdctl" net-list >/dev/null 2>&1 && break; sleep 0.01; done
"$BIN/netdctl" net-list >/dev/null 2>&1 || fail "netd did not start"
done_in "$(ms "$a" "$(now)")"

step "uplink namespace \"the internet\" ($INTERNET)"; a=$(now)
unshare -n sleep 100000 & UPLINK_PID=$!
sleep 0.05
ip link add uplink0 type veth peer name eth0 netns "$UPLINK_PID"
ip addr add "$UPLINK_HOST/24" dev uplink0 && ip link set uplink0 up
nsenter -t "$UPLINK_PID" -n sh -c "ip link set lo up; ip addr add $INTERNET/24 dev eth0; ip link set eth0 up"
nsenter -t "$UPLINK_PID" -n nft -f - <<EON || fail "uplink probe"
table inet probe {
	counter from_nat_address { }
	counter from_guest_subnet { }
	chain in {
		type filter hook input priority 0;
		ip saddr $UPLINK_HOST icmp type echo-request counter name from_nat_address
		ip saddr 192.168.122.0/24 icmp type echo-request counter name from_guest_subnet
	}
}
EON
done_in "$(ms "$a" "$(now)")"

step "netdctl net-define docs/examples/default.xml"; a=$(now)
"$BIN/netdctl" net-define "$ROOT/docs/examples/default.xml" >/dev/null || fail "net-define"
done_in "$(ms "$a" "$(now)")"
step "netdctl net-start default"; a=$(now)
"$BIN/netdctl" net-start default >/dev/null || fail "net-start"
done_in "$(ms "$a" "$(now)")"

# the outside listens for the guest's TCP connection (its /init sends one line to port 5001)
nsenter -t "$UPLINK_PID" -n timeout 130 busybox nc -l -p 5001 >"$S/tcp.rx" 2>/dev/null &
step "netd-launch a QEMU guest (boot, DHCP, ping, TCP, off)"; a=$(now)
timeout 120 "$BIN/netd-launch" --network default --accel auto -- -M pc -m 256 -nodefaults -display none \
	-serial "file:$S/console.log" -kernel "$GUEST/vmlinux" -initrd "$GUEST/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1 netd.target=$INTERNET" -no-reboot 2>"$S/launch.log" ||
	fail "the guest did not run: $(cat "$S/launch.log")"
done_in "$(ms "$a" "$(now)")"
lease=$(sed -n 's/^GUEST: lease \([^ ]*\).*/\1/p' "$S/console.log")
mac=$(sed -n 's/^GUEST: mac //p' "$S/console.log")
reached=$(grep -c "^GUEST: target $INTERNET reachable" "$S/console.log")
tcp_ok=$(grep -c "GUEST-TCP-HELLO" "$S/tcp.rx" 2>/dev/null)
nat_seen=$(nsenter -t "$UPLINK_PID" -n nft list counter inet probe from_nat_address | sed -n 's/.*packets \([0-9]*\).*/\1/p')
raw_seen=$(nsenter -t "$UPLINK_PID" -n nft list counter inet probe from_guest_subnet | sed -n 's/.*packets \([0-9]*\).*/\1/p')
leases=$("$BIN/netdctl" net-dhcp-leases default | sed -n '3p')

step "netdctl net-destroy default"; a=$(now)
"$BIN/netdctl" net-destroy default >/dev/null || fail "net-destroy"
done_in "$(ms "$a" "$(now)")"

echo
echo "report"
echo "  network:        default (NAT, 192.168.122.0/24) on bridge virbr0"
echo "  launcher:       $(sed -n 's/^netd-launch: //p' "$S/launch.log" | tail -1)"
echo "  guest:          mac ${mac:-?}, DHCP lease ${lease:-none}"
echo "  lease table:    ${leases:-(empty)}"
echo "  reached $INTERNET: $([ "$reached" = 1 ] && echo yes || echo NO) (ping); TCP: $([ "${tcp_ok:-0}" -ge 1 ] && echo "the outside received the guest's line" || echo NO)"
echo "  NAT verified:   the outside saw ${nat_seen:-0} ping(s) from $UPLINK_HOST (the host) and ${raw_seen:-0} from 192.168.122.0/24"
echo "  left behind:    $(ip -o link show type bridge | wc -l) bridges, $(nft list tables 2>/dev/null | grep -c netd) netd tables, $(pgrep -xc dnsmasq) dnsmasq"
[ -n "$lease" ] && [ "$reached" = 1 ] && [ "${tcp_ok:-0}" -ge 1 ] && [ "${nat_seen:-0}" -ge 1 ] && [ "${raw_seen:-0}" = 0 ] ||
	fail "the guest did not get a lease and reach the outside through NAT (console: $(tr '\n' '|' <"$S/console.log"))"
echo "demo: OK"
