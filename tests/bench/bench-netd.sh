#!/usr/bin/env bash
# netd, as the client sees it (netdctl), in its own namespaces:
#  1. one NAT network with DHCP: define, start, destroy, undefine (BENCH_RUNS,
#     default 20), and the kernel's floor in the same run (bridge add/delete
#     through ip, a process like netdctl);
#  2. scale: networks 1..BENCH_NETS (default 1000) defined, then started one
#     after another; start time of network 1, 10, 100, N; daemon RSS; processes
#     and nft rules per network;
#  3. firewall cost: TCP throughput, small-UDP packet rate and ping latency
#     from a guest through a NAT network to an uplink, with 1 and with N other
#     networks loaded, and with N networks running but only 1 network's rules
#     loaded versus all of them (the same background: only the rules differ);
#  5. daemon restart with N networks running: time until the socket answers
#     and until all are listed active.
# Results go to $BENCH_OUT/results.tsv (tests/bench/bench.sh prints them).
. "$(dirname "$0")/bench-lib.sh"
in_own_namespaces "$@"
RUNS=${BENCH_RUNS:-20}
NETS=${BENCH_NETS:-1000}
FW_RUNS=${BENCH_FW_RUNS:-7}
FW_SECONDS=${BENCH_FW_SECONDS:-2}
bench_sandbox

bench_netd_start
wait_answer || exit 1
record netd "daemon RSS, idle" "$(rss_kb $NETD_PID)" kB "no networks"

# -- 1. lifecycle ---------------------------------------------------------------
echo "bench: netd: lifecycle, $RUNS runs" >&2
nat_xml bench ndbench0 192.168.200 >"$T/bench.xml"
for _ in $(seq "$RUNS"); do
	timed "$T/define" ctl net-define "$T/bench.xml" || exit 1
	timed "$T/start" ctl net-start bench || exit 1
	timed "$T/destroy" ctl net-destroy bench || exit 1
	timed "$T/undefine" ctl net-undefine bench || exit 1
	timed "$T/noop" ctl net-list || exit 1
	timed "$T/kadd" ip link add ndfloor0 type bridge || exit 1
	timed "$T/kdel" ip link del ndfloor0 || exit 1
done
record_stats netd "net-define" "$T/define"
record_stats netd "net-start" "$T/start"
record_stats netd "net-destroy" "$T/destroy"
record_stats netd "net-undefine" "$T/undefine"
record_stats netd "net-list (client round trip)" "$T/noop"
record_stats kernel "bridge add (ip link)" "$T/kadd"
record_stats kernel "bridge delete (ip link)" "$T/kdel"

# -- 3a. the measured NAT network, its guest and uplink, 1 other network ----------
make_uplink_ns
in_ns uplink ip route add default via 10.99.0.1
nat_xml fw ndfw0 192.168.250 >"$T/fw.xml"
ctl net-create "$T/fw.xml" >/dev/null || exit 1
guest_on_bridge fwguest ndfw0
in_ns fwguest ip addr add 192.168.250.10/24 dev g0
in_ns fwguest ip route add default via 192.168.250.1
in_ns uplink iperf3 -s -D --logfile "$T/iperf3.log" || exit 1
for _ in $(seq 100); do in_ns uplink ss -ltn | grep -q ':5201 ' && break; sleep 0.02; done
in_ns fwguest ping -c 1 -W 2 10.99.0.2 >/dev/null || { echo "bench: the guest cannot reach the uplink" >&2; exit 1; }

fw_measure() { # fw_measure LABEL: FW_RUNS runs of each, medians recorded
	local label=$1 f
	: >"$T/tcp" && : >"$T/udp" && : >"$T/rtt"
	for _ in $(seq "$FW_RUNS"); do
		in_ns fwguest iperf3 -c 10.99.0.2 -t "$FW_SECONDS" -f m 2>&1 |
			awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") print $i }' >>"$T/tcp"
		in_ns fwguest iperf3 -c 10.99.0.2 -u -b 0 -l 64 -t "$FW_SECONDS" 2>&1 |
			awk -v s="$FW_SECONDS" '/receiver/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\/[0-9]+$/) {
				split($i, a, "/"); printf "%.0f\n", (a[2] - a[1]) / s } }' >>"$T/udp"
		in_ns fwguest ping -q -c 200 -i 0.005 10.99.0.2 2>&1 |
			awk -F/ '/^rtt/ { print $5 * 1000 }' >>"$T/rtt"
	done
	for f in tcp udp rtt; do
		[ "$(wc -l <"$T/$f")" = "$FW_RUNS" ] || { echo "bench: firewall $f measurement failed" >&2; return 1; }
	done
	record firewall "TCP throughput, $label" "$(sort -n "$T/tcp" | sed -n "$(((FW_RUNS + 1) / 2))p")" Mbit/s \
		"median of $FW_RUNS x ${FW_SECONDS}s iperf3; runs: $(tr '\n' ' ' <"$T/tcp")"
	record firewall "UDP 64-byte packets received, $label" "$(sort -n "$T/udp" | sed -n "$(((FW_RUNS + 1) / 2))p")" \
		packets/s "median of $FW_RUNS x ${FW_SECONDS}s iperf3 -u -b 0 -l 64; runs: $(tr '\n' ' ' <"$T/udp")"
	record firewall "ping RTT, $label" "$(sort -n "$T/rtt" | sed -n "$(((FW_RUNS + 1) / 2))p")" us \
		"median of $FW_RUNS x 200 pings, avg each"
}

# -- 2. scale -------------------------------------------------------------------
echo "bench: netd: scale to $NETS networks" >&2
: >"$T/sdefine" && : >"$T/sstart"
for i in $(seq $((NETS + 10))); do # 10 more for the paused-dnsmasq starts
	nat_xml "s$i" "nds$i" "$(scale_prefix "$i")" >"$T/s.xml"
	timed "$T/sdefine" ctl net-define "$T/s.xml" || exit 1
done
rules_before=$(nft -j list table inet netd | grep -o '"rule": {' | wc -l)
timed "$T/sstart" ctl net-start s1 || exit 1
rules_one=$(nft -j list table inet netd | grep -o '"rule": {' | wc -l)
fw_measure "1 other network loaded" || exit 1
for i in $(seq 2 "$NETS"); do
	timed "$T/sstart" ctl net-start "s$i" || exit 1
	[ $((i % 250)) = 0 ] && echo "bench: netd: $i networks started" >&2
done
rules_n=$(nft -j list table inet netd | grep -o '"rule": {' | wc -l)
elems_n=$(nft list table inet netd | grep -o '" : jump ' | wc -l)
record netd-scale "define, median over $((NETS + 10)) networks" "$(median_of "$T/sdefine")" ms
for k in 1 10 100 1000 "$NETS"; do
	[ "$k" -le "$NETS" ] || continue
	[ "$k" = 1000 ] && [ "$NETS" != 1000 ] && continue
	lo=$((k - 4)); hi=$((k + 5))
	[ $lo -lt 1 ] && { lo=1; hi=10; }
	[ $hi -gt "$NETS" ] && { hi=$NETS; lo=$((NETS - 9)); }
	[ $lo -lt 1 ] && lo=1
	record netd-scale "start of network $k" "$(sed -n "${k}p" "$T/sstart" | awk '{ printf "%.2f", $1 / 1000 }')" ms "one sample"
	record netd-scale "start around network $k" "$(median_of "$T/sstart" $lo $hi)" ms "median of networks $lo..$hi"
done
record netd-scale "start, all $NETS networks" "$(awk '{ s += $1 } END { printf "%.0f", s / 1000 }' "$T/sstart")" ms "sum of the starts, one after another"
record netd-scale "daemon RSS with $NETS networks" "$(rss_kb $NETD_PID)" kB
procs=$(( $(ps -e --no-headers | wc -l) ))
dnsmasqs=$(pgrep -c -x dnsmasq)
record netd-scale "dnsmasq processes per network" "$(awk -v a="$dnsmasqs" -v n="$((NETS + 1))" 'BEGIN { printf "%.2f", a / n }')" processes "$dnsmasqs dnsmasq for $((NETS + 1)) networks with DHCP; $procs processes in the namespace in all"
record netd-scale "nft rules per network" "$(awk -v a="$rules_one" -v b="$rules_before" 'BEGIN { print a - b }')" rules "table inet netd; one network's chains; the table's own dispatch rules: $rules_before"
record netd-scale "nft rules, total with $NETS networks" "$rules_n" rules "and $elems_n elements in the dispatch verdict maps (one lookup per packet whatever their number)"

echo "bench: netd: waited $(wait_quiet) ms for the machine to settle after the starts" >&2
fw_measure "$NETS other networks loaded" || exit 1

# netd's own part of a start at N: the other networks' dnsmasqs paused, so that
# their reaction to the new bridge's address and route events is not counted
: >"$T/pstart"
for i in $(seq $((NETS + 1)) $((NETS + 10))); do
	pkill -STOP -x dnsmasq
	timed "$T/pstart" ctl net-start "s$i" || { pkill -CONT -x dnsmasq; exit 1; }
	pkill -CONT -x dnsmasq
done
record netd-scale "start of networks $((NETS + 1))..$((NETS + 10)), other dnsmasqs paused" "$(median_of "$T/pstart")" ms \
	"median; netd's own cost at N, without $NETS dnsmasqs waking on the new bridge's netlink events"

# -- 3b/5. the rules alone, and the restart --------------------------------------
# 1 vs N networks above differ in more than rules: N bridges and N dnsmasqs run
# beside the measured one. With those running, the other networks' rules are
# now taken out of the table (one nft transaction); the measured network keeps
# its own. Then the daemon restarts, which is item 5 and puts every network's
# rules back (adoption re-applies them), and the same is measured again: the
# two differ only in the rules that are loaded.
NETS=$((NETS + 10))
{
	for i in $(seq "$NETS"); do
		for m in fwd_oif fwd_iif in_iif nat_iif; do echo "delete element inet netd $m { \"nds$i\" }"; done
		for c in fwd-in fwd-out input nat; do echo "delete chain inet netd s$i-$c"; done
	done
} >"$T/others.nft"
nft -f "$T/others.nft" || { echo "bench: cannot take the other networks' rules out" >&2; exit 1; }
echo "bench: netd: waited $(wait_quiet) ms for the machine to settle" >&2
fw_measure "rules of 1 network, $NETS other networks running" || exit 1

echo "bench: netd: restart with $((NETS + 1)) networks running" >&2
kill "$NETD_PID" && wait "$NETD_PID" 2>/dev/null
a=$(now_us)
bench_netd_start
wait_answer || exit 1
b=$(now_us)
for _ in $(seq 6000); do
	[ "$(ctl net-list --name | grep -c .)" -ge $((NETS + 1)) ] && break
	sleep 0.005
done
c=$(now_us)
active=$(ctl net-list --name | grep -c .)
[ "$active" -ge $((NETS + 1)) ] || { echo "bench: only $active networks active after restart" >&2; exit 1; }
record netd-restart "until the socket answers" "$(((b - a) / 1000))" ms "$((NETS + 1)) networks running"
record netd-restart "until all listed active" "$(((c - a) / 1000))" ms "$active active"
record netd-restart "daemon RSS after re-adopting" "$(rss_kb $NETD_PID)" kB
rules=$(nft -j list table inet netd | grep -o '"rule": {' | wc -l)
[ "$rules" -ge $((NETS * 13)) ] || { echo "bench: only $rules rules after the restart" >&2; exit 1; }
echo "bench: netd: waited $(wait_quiet) ms for the machine to settle" >&2
fw_measure "rules of all $((NETS + 1)) networks, $NETS other networks running" || exit 1
exit 0
