#!/usr/bin/env bash
# Load: 50 concurrent clients, 2,000 mixed requests in all (list, info, port
# create/delete, start/stop of spare networks). No request may fail; after it
# the daemon's memory is back within 10% of where it started and it holds the
# same number of file descriptors. LOAD_REQUESTS raises the total.
. "$(dirname "$0")/lib.sh"
need_root
ip link set lo up
start_netd || exit 1
CLIENTS=50
PER=$(( ${LOAD_REQUESTS:-2000} / CLIENTS ))
mk() { # mk NAME BRIDGE NET
	cat >"$T/$1.xml" <<XML
<network><name>$1</name><forward mode='nat'/><bridge name='$2'/>
<ip address='$3.1' prefix='24'><dhcp><range start='$3.10' end='$3.20'/></dhcp></ip></network>
XML
	"$BIN/netdctl" net-define "$T/$1.xml" >/dev/null
}
mk main ndmain0 192.168.100
"$BIN/netdctl" net-start main >/dev/null
for i in $(seq 0 9); do mk "s$i" "nds$i" "192.168.$((101 + i))"; done

# one client's requests: the first 10 clients own a spare network each and
# start/stop it; the others list, ask for info and create ports (removed when
# that client, their owner, exits)
client() {
	local w=$1 n=0 fails=0
	for r in $(seq 1 "$PER"); do
		if [ "$w" -lt 10 ]; then
			if [ $((r % 2)) = 1 ]; then "$BIN/netdctl" net-start "s$w"; else "$BIN/netdctl" net-destroy "s$w"; fi
		else
			case $((r % 3)) in
			0) "$BIN/netdctl" net-list --all ;;
			1) "$BIN/netdctl" net-info main ;;
			2) "$BIN/netdctl" net-port-create main ;;
			esac
		fi >/dev/null 2>>"$T/errors.$w" || fails=$((fails + 1))
		n=$((n + 1))
	done
	echo "$n $fails" >"$T/result.$w"
}
status_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$NETD_PID/status"; }
fds() { ls "/proc/$NETD_PID/fd" | wc -l; }

# warm up (allocator arenas, first network start), then the baseline
for w in 0 10 11 12; do PER=6 client "$w"; done
rm -f "$T"/result.* "$T"/errors.*
sleep 0.5
rss0=$(status_kb); fd0=$(fds)
a=$(date +%s%N)
for w in $(seq 0 $((CLIENTS - 1))); do client "$w" & done
wait $(jobs -p | grep -v "^$NETD_PID$") 2>/dev/null
for w in $(seq 0 $((CLIENTS - 1))); do while [ ! -s "$T/result.$w" ]; do sleep 0.05; done; done
ms=$(( ($(date +%s%N) - a) / 1000000 ))
total=$(cat "$T"/result.* | awk '{n += $1} END {print n}')
failed=$(cat "$T"/result.* | awk '{n += $2} END {print n}')
for _ in $(seq 100); do [ -z "$("$BIN/netdctl" net-port-list main | sed -n '3,$p' | grep .)" ] && break; sleep 0.05; done
sleep 0.5
rss1=$(status_kb); fd1=$(fds)
echo "# load: $total requests from $CLIENTS clients in $ms ms, $failed failed; RSS ${rss0} -> ${rss1} kB; fds $fd0 -> $fd1"
check "$total requests were made" test "$total" -ge $((CLIENTS * PER))
no_failures() { [ "$failed" = 0 ] && return 0; cat "$T"/errors.* | sort | uniq -c | sort -rn | head; return 1; }
check "no request failed" no_failures
check "the daemon's memory is back within 10%" test "$rss1" -le $(( rss0 * 110 / 100 ))
check "no file descriptor leaked" test "$fd1" = "$fd0"
check "every port of the closed clients is gone" sh -c "! ip -o link show | grep -q vnet"
check "no spare network left running" sh -c "! '$BIN/netdctl' net-list | grep -q ' s[0-9] '"
check "the daemon still serves" "$BIN/netdctl" net-info main
finish
