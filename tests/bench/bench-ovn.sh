#!/usr/bin/env bash
# An OVN network across two hosts (tests/ovn/lab.sh: a central, hosts A and
# B with OVS on the userspace datapath, ovn-controller and netd each):
#  - net-start of the OVN network (the NB transaction; first start and again)
#  - netd-launch to its port up in OVN: netd-launch with a stand-in for QEMU,
#    which runs once netd hands the fds over (after ovn-installed), BENCH_OVN_RUNS
#  - TCP throughput (iperf3, BENCH_FW_SECONDS x BENCH_FW_RUNS) between namespace
#    guests on the same host and across the Geneve tunnel
. "$(dirname "$0")/bench-lib.sh"
in_own_namespaces "$@"
RUNS=${BENCH_OVN_RUNS:-10}
SECONDS_EACH=${BENCH_FW_SECONDS:-2}
TP_RUNS=${BENCH_FW_RUNS:-5}
skip() {
	echo "bench: ovn: SKIP: $*" >&2
	record ovn skipped - - "$*"
	exit 0
}
command -v ovn-northd >/dev/null && command -v ovn-controller >/dev/null || skip "OVN is not installed (make deps)"
command -v iperf3 >/dev/null || skip "iperf3 is not installed (make bench-deps)"
T=$(mktemp -d /tmp/netd-bench-ovn.XXXXXX)
chmod 755 "$T"
. "$ROOT/tests/lib/netns.sh"
. "$ROOT/tests/ovn/lab.sh"
cleanup() {
	lab_stop_all
	pkill -x iperf3
	for p in "${NSPIDS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
lab_underlay
lab_central && lab_host hostA 172.31.0.11 physnet:br-ex && lab_host hostB 172.31.0.12 && lab_uplink hostA ||
	skip "the OVN lab did not come up"
for _ in $(seq 100); do [ "$(sbctl --bare --columns=name list Chassis | grep -c host)" = 2 ] && break; sleep 0.1; done
start_netd_on hostA && start_netd_on hostB || skip "netd did not start on the lab's hosts"
lab_tenant_xml "  <ip address='192.168.50.1' prefix='24'><dhcp><range start='192.168.50.10' end='192.168.50.200'/></dhcp></ip>" \
	>"$T/tenant.xml"
hctl hostA net-define "$T/tenant.xml" >/dev/null && hctl hostB net-define "$T/tenant.xml" >/dev/null ||
	skip "the OVN network was refused"
timed "$T/first" hctl hostA net-start tenant || exit 1
record ovn "net-start, first host (creates the NB objects)" "$(median_of "$T/first")" ms "one ovn-nbctl transaction and its lookups"
for _ in $(seq 5); do
	timed "$T/again" hctl hostB net-start tenant || exit 1
	hctl hostB net-destroy tenant >/dev/null
done
hctl hostB net-start tenant >/dev/null
record_stats ovn "net-start, another host (objects exist)" "$T/again"

# netd-launch to the port up in OVN: the stand-in QEMU runs once netd handed the fds over
echo "bench: ovn: netd-launch to port up, $RUNS runs" >&2
for i in $(seq "$RUNS"); do
	touch "$T/fq$i.stop"
	a=${EPOCHREALTIME/[.,]/}
	NETD_SOCKET=$T/hostB/netd/netd.sock FAKE_QEMU_OUT=$T/fq$i in_ns hostB timeout 30 "$BIN/netd-launch" \
		--qemu "$ROOT/tests/tools/fake-qemu.sh" --network tenant -- -display none >/dev/null 2>&1 &
	lp=$!
	for _ in $(seq 3000); do [ -e "$T/fq$i" ] && break; sleep 0.002; done
	b=${EPOCHREALTIME/[.,]/}
	[ -e "$T/fq$i" ] && echo $((b - a)) >>"$T/launch"
	wait $lp
done
[ -s "$T/launch" ] && record_stats ovn "netd-launch to port up in OVN (fds handed over at ovn-installed)" "$T/launch"

# throughput: same host vs across the tunnel
guest() { # guest NAME HOST MAC
	new_ns "$1"
	local gv="NS_$1" hv="NS_$2"
	ip link add "v-$1" type veth peer name g0 netns "${!gv}" && ip link set "v-$1" netns "${!hv}"
	in_ns "$2" ethtool -K "v-$1" tx off >/dev/null; in_ns "$2" ip link set "v-$1" up
	in_ns "$1" ip link set g0 address "$3"; in_ns "$1" ethtool -K g0 tx off >/dev/null; in_ns "$1" ip link set g0 up
	hctl "$2" net-port-create tenant --ifname "v-$1" --mac "$3" --persistent >/dev/null
}
guest gA hostA 52:54:00:50:01:01 && guest gA2 hostA 52:54:00:50:01:02 && guest gB hostB 52:54:00:50:01:03 ||
	skip "guest ports"
# OVN's IPAM gave each port its address: the guests use those
for g in gA gA2 gB; do
	ip=$(nbctl --bare --columns=dynamic_addresses find Logical_Switch_Port "external_ids:netd-port=v-$g" | awk '{ print $2 }')
	in_ns "$g" ip addr add "$ip/24" dev g0
	in_ns "$g" ip link set g0 mtu 1442
	eval "IP_$g=$ip"
done
in_ns gA2 iperf3 -s -D -1 >/dev/null 2>&1
in_ns gB iperf3 -s -D >/dev/null 2>&1
sleep 0.5
tput() { # tput FROM TO-IP: Mbit/s of one TCP stream
	in_ns "$1" iperf3 -c "$2" -t "$SECONDS_EACH" -J 2>/dev/null |
		awk -F'[:,]' '/"sum_received"/ { s = 1 } s && /"bits_per_second"/ { printf "%.0f\n", $2 / 1e6; exit }'
}
in_ns gA ping -c 2 -W 1 "$IP_gB" >/dev/null 2>&1 # the first packet to a new tunnel peer is lost
for _ in $(seq "$TP_RUNS"); do tput gA "$IP_gB" >>"$T/cross"; done
pkill -x iperf3; sleep 0.3
in_ns gA2 iperf3 -s -D >/dev/null 2>&1; sleep 0.5
for _ in $(seq "$TP_RUNS"); do tput gA "$IP_gA2" >>"$T/same"; done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
[ -s "$T/same" ] && record ovn "TCP, same host (one stream)" "$(med "$T/same")" Mbit/s "median of $TP_RUNS x ${SECONDS_EACH} s, userspace datapath"
[ -s "$T/cross" ] && record ovn "TCP, across hosts over Geneve (one stream)" "$(med "$T/cross")" Mbit/s "median of $TP_RUNS x ${SECONDS_EACH} s"
exit 0
