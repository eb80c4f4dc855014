#!/usr/bin/env bash
# Wall time of netdctl net-start and net-destroy for a NAT network with DHCP,
# as the client sees it, N runs (default 20): median and p90. Also the
# kernel's own floor (bridge add/delete through iproute2) in the same run.
# Runs inside its own PID and network namespace (re-executes itself).
set -u
if [ "${NETD_BENCH_INNER:-}" != 1 ]; then
	exec env NETD_BENCH_INNER=1 unshare --net --pid --fork --mount-proc bash "$0" "$@"
fi
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${BIN:-$ROOT/build/bin}
N=${N:-20}
T=$(mktemp -d /tmp/netd-bench.XXXXXX); chmod 755 "$T"
trap 'kill $NETD_PID 2>/dev/null; rm -rf "$T"' EXIT
export NETD_SOCKET=$T/sock
ip link set lo up
"$BIN/netd" --socket "$NETD_SOCKET" --config-dir "$T/etc" --run-dir "$T/run" --state-dir "$T/lib" 2>"$T/netd.log" &
NETD_PID=$!
for _ in $(seq 100); do "$BIN/netdctl" net-list >/dev/null 2>&1 && break; sleep 0.02; done
cat >"$T/nat.xml" <<'XML'
<network>
  <name>bench</name>
  <forward mode='nat'/>
  <bridge name='ndbench0'/>
  <ip address='192.168.200.1' prefix='24'>
    <dhcp><range start='192.168.200.2' end='192.168.200.254'/></dhcp>
  </ip>
</network>
XML
"$BIN/netdctl" net-define "$T/nat.xml" >/dev/null
ms() { echo $(( ($2 - $1) / 1000 )); } # ns -> us
stats() { # stats NAME FILE: median and p90 in ms
	sort -n "$2" | awk -v name="$1" '{ v[NR] = $1 } END {
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		p = v[int(NR * 0.9 + 0.999)];
		printf "%-22s median %8.2f ms   p90 %8.2f ms   (n=%d)\n", name, m / 1000, p / 1000, NR }'
}
for i in $(seq "$N"); do
	a=$(date +%s%N); "$BIN/netdctl" net-start bench >/dev/null || exit 1; b=$(date +%s%N)
	"$BIN/netdctl" net-destroy bench >/dev/null || exit 1; c=$(date +%s%N)
	ms "$a" "$b" >>"$T/start"; ms "$b" "$c" >>"$T/destroy"
	a=$(date +%s%N); ip link add ndfloor0 type bridge; b=$(date +%s%N)
	ip link del ndfloor0; c=$(date +%s%N)
	ms "$a" "$b" >>"$T/kadd"; ms "$b" "$c" >>"$T/kdel"
	a=$(date +%s%N); "$BIN/netdctl" net-list >/dev/null; b=$(date +%s%N)
	ms "$a" "$b" >>"$T/noop"
done
echo "NAT network with DHCP, netdctl as the client sees it:"
stats "netdctl net-start" "$T/start"
stats "netdctl net-destroy" "$T/destroy"
stats "netdctl net-list (no-op)" "$T/noop"
echo "kernel floor (ip link, same run):"
stats "bridge add" "$T/kadd"
stats "bridge delete" "$T/kdel"
